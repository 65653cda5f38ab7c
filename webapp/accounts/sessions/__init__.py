"""Sessions: browser logins, API refresh-token families and signed playback URLs."""
