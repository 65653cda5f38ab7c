"""Members of a corporation: admins and guests."""
