"""Exports of study content (Anki packages)."""
