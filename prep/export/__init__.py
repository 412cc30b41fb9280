"""Exports: Anki packages of the decks, and a user's own data file ("Download my data")."""
