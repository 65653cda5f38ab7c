"""Admission of stream starts: a web process works on the checks of at most STREAM_STARTS of them at once.

A viewer's start is the expensive part of a stream (session and user checks, the video, then the
view credit and opening the origin: several milliseconds of CPU and a few database round trips);
after it, relaying costs little per piece. When hundreds of viewers arrive in the same second, a
gevent worker would otherwise interleave all their starts: each one advances a step at a time,
they all finish late together (the first byte of every viewer waits for nearly the whole burst),
and every page request waits behind all of them at each of its own steps. With a bound, starts go
through their checks in arrival order at the same total rate, and a page waits behind at most
STREAM_STARTS of them. A start waits for its turn before it touches the database (the gate is the
first before-request hook of the views it guards) and gives the turn back when its reads are done,
before it asks the origin (`give_back_turn`, called by the stream engine): an origin that is slow
to answer (a tenant's own server) never holds a turn that other viewers wait for. A request that
ends early (an error, a 404) gives it back when it ends.
"""
import threading

from flask import current_app, g, request

_gates = {}
_gates_lock = threading.Lock()


def gated_start(view):
    """Mark a view whose requests are stream starts (they wait for a turn, see the module docstring)."""
    view.gated_start = True
    return view


def _gate(size: int):
    with _gates_lock:  # one per process and size (threading primitives are cooperative under gevent)
        return _gates.setdefault(size, threading.BoundedSemaphore(size))


def _enter():
    if getattr(current_app.view_functions.get(request.endpoint), "gated_start", False):
        gate = _gate(current_app.config["STREAM_STARTS"])
        gate.acquire()
        g.stream_start_gate = gate


def give_back_turn() -> None:
    """The start's checks are done: let the next start in (nothing if this request held no turn)."""
    gate = g.pop("stream_start_gate", None)
    if gate is not None:
        gate.release()


def _leave(response=None):
    give_back_turn()
    return response


def register(app):
    """Install the gate; register it before any hook that reads the database."""
    app.before_request(_enter)
    app.after_request(_leave)  # at the latest when the answer is ready
    app.teardown_request(_leave)  # an error answer, or an exception: the turn is given back all the same
