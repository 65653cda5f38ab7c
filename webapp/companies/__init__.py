"""Companies: rename, plan changes and expiry, company deletion."""
