"""Background processing: rq job functions and the worker / scheduler entry points."""
