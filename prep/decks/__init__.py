"""Deck files: reading, validating (``check``) and syncing them into the database (``sync``)."""
