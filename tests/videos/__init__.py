"""videos tests."""
