"""Media: stored uploads, upload spooling, the SSRF guard, the origin client, the stream engine and view credit."""
