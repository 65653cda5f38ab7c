"""insights tests."""
