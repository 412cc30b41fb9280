"""``prep decks stamp-checked``: date the items that have no ``checked`` month.

Each item gets the month of the last git commit that touched one of its lines (``git
blame``, committer time in UTC); an item with uncommitted lines, or in a file git does not
track, gets the fallback month. The edit is line-based: ``checked: YYYY-MM`` goes on its
own line after the item's ``reference`` (after its last line when it has none), at the
item's key indentation, so comments and formatting stay. Items that have a ``checked`` key
are left alone, so a second run changes nothing.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

from prep.decks.source import LineList, LineMap, read_yaml

_UNCOMMITTED = "0" * 40


class StampError(ValueError):
    """A file that cannot be stamped (it does not parse as a topic file)."""


def blame_months(path: Path) -> list[str | None]:
    """Per line of ``path`` (index 0 = line 1), the month of the commit that last touched it.

    None for uncommitted lines; all None when git does not track the file.
    """
    count = len(path.read_text(encoding="utf-8").splitlines())
    result = subprocess.run(
        ["git", "blame", "--porcelain", "--", path.name], cwd=path.parent,
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        return [None] * count
    line_commit: dict[int, str] = {}
    commit_month: dict[str, str] = {}
    commit = ""
    for line in result.stdout.splitlines():
        fields = line.split(" ")
        if line.startswith("\t"):
            continue
        if len(fields[0]) == 40 and len(fields) >= 3 and fields[2].isdigit():
            commit = fields[0]
            line_commit[int(fields[2])] = commit
        elif fields[0] == "committer-time" and commit != _UNCOMMITTED:
            commit_month[commit] = datetime.fromtimestamp(int(fields[1]), UTC).strftime("%Y-%m")
    return [commit_month.get(line_commit.get(number, ""))
            for number in range(1, count + 1)]


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _insertion(lines: list[str], item: LineMap, end: int) -> tuple[int, int]:
    """Where (0-based line index to insert before) and at which indentation."""
    indent = _indent(lines[item.line_of("type") - 1])
    key_lines = sorted(item.key_lines.values())
    if "reference" in item:
        start = item.line_of("reference")
        later = [line for line in key_lines if line > start]
        end = later[0] - 1 if later else end
    last = end  # 1-based last line of the chosen span; back up over blanks and comments
    while last > item.line and (not lines[last - 1].strip() or (
            lines[last - 1].lstrip().startswith("#") and _indent(lines[last - 1]) <= indent)):
        last -= 1
    return last, indent


def stamp_file(path: Path, fallback: str) -> int:
    """Add ``checked`` to every item of the topic file at ``path`` without one; the count."""
    document = read_yaml(path, str(path))
    items = document.data.get("items") if isinstance(document.data, LineMap) else None
    if document.faults or not isinstance(items, LineList):
        raise StampError(f"{path}: not a readable topic file (run prep decks check)")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    months = blame_months(path)
    starts = [*items.item_lines, len(lines) + 1]
    inserts: list[tuple[int, str]] = []
    for index, item in enumerate(items):
        if not isinstance(item, LineMap) or "checked" in item or "type" not in item:
            continue
        end = starts[index + 1] - 1
        span = months[item.line - 1:end]
        known = [month for month in span if month is not None]
        month = max(known) if span and len(known) == len(span) else fallback
        at, indent = _insertion([line.rstrip("\n") for line in lines], item, end)
        inserts.append((at, f"{' ' * indent}checked: {month}\n"))
    for at, text in reversed(inserts):
        if at == len(lines) and lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines.insert(at, text)
    if inserts:
        path.write_text("".join(lines), encoding="utf-8")
    return len(inserts)


def topic_files(paths: list[Path]) -> list[Path]:
    """The topic files named, or found under the folders named (not track or exam files)."""
    found: list[Path] = []
    for path in paths:
        candidates = sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
        found.extend(p for p in candidates
                     if p.name != "track.yaml" and not p.name.endswith(".exam.yaml"))
    return found
