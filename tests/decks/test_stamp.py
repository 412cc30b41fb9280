"""stamp-checked: each item dated by the last commit that touched it (real git), else the
fallback month; line-based, so the file keeps its formatting; a second run changes nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from prep.decks.check import check_decks
from prep.decks.stamp import blame_months, stamp_file
from tests.factories import FIXTURE_DECKS, KINDS_DECKS


def git(repo: Path, *args: str, when: str = "2026-03-15T12:00:00+00:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The fixture decks in a git repository: one commit in March, al-q001 edited in July,
    al-q002 edited and not committed."""
    root = tmp_path / "decks"
    shutil.copytree(FIXTURE_DECKS, root)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    basics = root / "alpha" / "basics.yaml"
    basics.write_text(basics.read_text().replace("2 TB of", "3 TB of"))
    git(root, "commit", "-q", "-am", "second", when="2026-07-31T23:30:00+00:00")
    basics.write_text(basics.read_text().replace("does well on", "does very well on"))
    return root


def checked_months(root: Path) -> dict[str, str | None]:
    bundle = check_decks(root)
    assert bundle.ok, bundle.faults
    return {item.uid: item.checked for item in bundle.items}


def test_items_get_the_month_of_their_last_commit_or_the_fallback(repo: Path) -> None:
    basics = repo / "alpha" / "basics.yaml"
    assert stamp_file(basics, "2026-12") == 4
    assert checked_months(repo) == {"al-c001": "2026-03", "al-c002": "2026-03",
                                    "al-q001": "2026-07", "al-q002": "2026-12",
                                    "be-c001": None}
    text = basics.read_text()
    assert ("    reference: Apache Parquet documentation – Overview\n    checked: 2026-07\n"
            "  - id: al-q002") in text
    assert "      `tf.keras.layers.Dropout`\n    checked: 2026-03\n  - id: al-q001" in text
    assert text.endswith("    reference: Keras guide – Regularisation\n    checked: 2026-12\n")


def test_a_second_run_changes_nothing(repo: Path) -> None:
    basics = repo / "alpha" / "basics.yaml"
    stamp_file(basics, "2026-12")
    first = basics.read_text()
    assert stamp_file(basics, "2026-11") == 0
    assert basics.read_text() == first


def test_a_file_git_does_not_track_gets_the_fallback(tmp_path: Path) -> None:
    root = tmp_path / "decks"
    shutil.copytree(FIXTURE_DECKS, root)
    core = root / "beta" / "core.yaml"
    assert set(blame_months(core)) == {None}
    assert stamp_file(core, "2026-10") == 1
    assert checked_months(root)["be-c001"] == "2026-10"


def test_cli_stamps_folders_and_refuses_a_bad_month(runner: FlaskCliRunner, repo: Path) -> None:
    result = runner.invoke(args=["decks", "stamp-checked", "--month", "2026-13", str(repo)])
    assert result.exit_code == 2 and "is not a month YYYY-MM" in result.output
    result = runner.invoke(args=["decks", "stamp-checked", "--month", "2026-11", str(repo)])
    assert result.exit_code == 0, result.output
    assert result.output.endswith("5 items stamped\n")
    assert checked_months(repo)["be-c001"] == "2026-03"
    again = runner.invoke(args=["decks", "stamp-checked", str(repo / "alpha" / "basics.yaml")])
    assert again.output == "0 items stamped\n"


def test_a_case_and_a_series_are_stamped_for_their_members(tmp_path: Path) -> None:
    root = tmp_path / "decks"
    shutil.copytree(KINDS_DECKS, root)
    path = root / "gamma" / "kinds.yaml"
    path.write_text("".join(line for line in path.read_text().splitlines(keepends=True)
                            if not line.startswith("    checked:")))
    assert stamp_file(path, "2026-05") == 5  # top-level items; no member stands alone
    bundle = check_decks(root)
    assert bundle.ok, bundle.faults
    assert {item.uid: item.checked for item in bundle.items if item.group is not None} == {
        uid: "2026-05" for uid in ("ga-cs001-q1", "ga-cs001-o1", "ga-s001-1", "ga-s001-2",
                                   "ga-s001-3")}
