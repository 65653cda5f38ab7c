"""Videos: add, edit, trash, restore and purge; the library, trash, admin and player screens."""
