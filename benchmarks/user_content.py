"""User content cannot stall the site (issue 14): the slowest crafted fields to render, and
how long SQLite's write lock is held by requests that store such content.

Rendering: every highlighted language and a few lexers that were super-linear, each with
crafted 20,000-character fields (the own-card limit). Requests (Flask test client, SQLite):
a 40 KB ``POST /cards/new`` whose back is a slow-lexer block, and a 156 KB CSV import of
such cards; the write lock is timed from ``BEGIN IMMEDIATE`` to its commit or rollback.
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, event

from prep import create_app
from prep.models import Base
from prep.rendering import render_markdown

LANGUAGES = ["python", "json", "sql", "yaml", "bash", "xml", "javascript", "go", "r", "css",
             "toml", "diff", "livescript", "c", "typescript", "gherkin"]
PATTERNS = ["<", "\n ", "&", "a ", "%", "'", "/*", "${", "1."]
FIELD = 20_000


def worst_renders() -> list[tuple[float, str, str]]:
    """(ms, language, pattern) of the three slowest fields, each rendered uncached once."""
    timings = []
    for language in LANGUAGES:
        for pattern in PATTERNS:
            body = (pattern * FIELD)[:FIELD - 40]
            text = f"```{language}\n{body}\n```\n{uuid.uuid4().hex}"  # unique: no cache hit
            start = time.perf_counter()
            render_markdown(text)
            timings.append(((time.perf_counter() - start) * 1000, language, pattern))
    return sorted(timings, reverse=True)[:3]


def _lock_timer(engine) -> list[float]:  # type: ignore[no-untyped-def]
    """Milliseconds each write transaction held SQLite's lock (filled as they end)."""
    held: list[float] = []
    began: dict[int, float] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _begin(connection, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if statement == "BEGIN IMMEDIATE":
            began[id(connection.connection)] = time.perf_counter()

    def _end(connection) -> None:  # type: ignore[no-untyped-def]
        if (start := began.pop(id(connection.connection), None)) is not None:
            held.append((time.perf_counter() - start) * 1000)

    event.listen(engine, "commit", _end)
    event.listen(engine, "rollback", _end)
    return held


def bench_requests(folder: Path) -> dict[str, tuple[float, float]]:
    """(request ms, longest write-lock hold ms) of a slow own card and a slow CSV import."""
    url = f"sqlite:///{folder / 'content.sqlite3'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "PREP_CARD_WRITE_LIMIT": "1000 per hour",
                      "PREP_IMPORT_LIMIT": "1000 per hour"})
    held = _lock_timer(app.extensions["prep.engine"])
    client = app.test_client()
    client.post("/register", data={"email": "content@example.com",
                                   "password": "a long bench passphrase",
                                   "confirm": "a long bench passphrase"})
    results = {}
    slow = f"{uuid.uuid4().hex}\n```livescript\n" + "<" * 19_850 + "\n```"  # never cached
    cases = {
        "POST /cards/new, 40 KB": lambda: client.post("/cards/new", data={
            "deck": "Slow", "front": slow, "back": slow}),
        "CSV import, 156 KB": lambda: client.post("/cards/import", data={
            "deck": "Slow", "file": (io.BytesIO(
                "".join(f'"{n} {slow[:7_700]}","b"\n' for n in range(20)).encode()),
                "slow.csv")}, content_type="multipart/form-data"),
    }
    for name, send in cases.items():
        held.clear()
        start = time.perf_counter()
        response = send()
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        results[name] = (elapsed, max(held, default=0.0))
    app.extensions["prep.engine"].dispose()
    return results


def main() -> None:
    print("User content (issue 14): slowest crafted 20,000-character fields to render")
    for ms, language, pattern in worst_renders():
        print(f"  {language:12s} {pattern!r:7s} {ms:8.1f} ms")
    with tempfile.TemporaryDirectory() as folder:
        runs = []
        for n in range(3):
            (Path(folder) / str(n)).mkdir()
            runs.append(bench_requests(Path(folder) / str(n)))
    print("request (SQLite)            request ms (median of 3)   write lock held ms (median)")
    for name in runs[0]:
        print(f"  {name:26s} {statistics.median(r[name][0] for r in runs):10.1f}"
              f" {statistics.median(r[name][1] for r in runs):26.1f}")


if __name__ == "__main__":
    main()
