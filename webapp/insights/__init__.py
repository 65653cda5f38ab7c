"""Insights: the audit log, viewing analytics and the Activity page."""
