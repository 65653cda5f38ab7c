"""accounts tests."""
