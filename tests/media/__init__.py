"""media tests."""
