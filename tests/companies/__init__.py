"""companies tests."""
