"""What every domain shares: extensions, errors and domain exceptions, time, Redis, security, page helpers."""
