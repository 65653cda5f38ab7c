"""Videos of a corporation: sources, uploads and the trash."""
