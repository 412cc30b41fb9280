"""Tests with real Anki. ``anki.collection`` is imported first: importing ``anki.cards`` (or
other submodules) before it is a circular import inside the ``anki`` package."""

import anki.collection  # noqa: F401
