"""Accounts: users, sign-up, login, passwords, members and sessions (browser, API refresh families, playback)."""
