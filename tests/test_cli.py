"""The prep command line: decks check/load, user create, db upgrade."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.models import Item, User
from tests.factories import FIXTURE_DECKS


def test_decks_check_clean(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["decks", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 6 files: 2 tracks")


def broken_copy(tmp_path: Path, relative: str, old: str, new: str) -> Path:
    """A copy of the fixture decks with one edit in one file."""
    root = tmp_path / "decks"
    shutil.copytree(FIXTURE_DECKS, root)
    path = root / relative
    path.write_text(path.read_text().replace(old, new))
    return root


def test_decks_check_broken_copy_prints_faults_and_exits_1(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    root = broken_copy(tmp_path, "alpha/basics.yaml", "answer: b", "answer: x")
    result = runner.invoke(args=["decks", "check", str(root)])
    assert result.exit_code == 1
    assert "basics.yaml:" in result.output
    assert "answer 'x' is not among the options" in result.output
    assert "1 faults in" in result.output


def test_decks_load_twice_reports_no_changes(runner: FlaskCliRunner, session: Session) -> None:
    first = runner.invoke(args=["decks", "load"])
    assert first.exit_code == 0, first.output
    assert "5 added" in first.output
    second = runner.invoke(args=["decks", "load"])
    assert second.exit_code == 0
    assert second.output.rstrip().endswith("no changes (5 items up to date)")
    assert session.scalar(select(func.count(Item.id))) == 5


def test_decks_load_with_faults_loads_nothing(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    root = broken_copy(tmp_path, "beta/core.yaml", "beta-one: 1", "beta-one: 9")
    result = runner.invoke(args=["decks", "load", str(root)])
    assert result.exit_code == 1
    assert "nothing loaded" in result.output
    assert session.scalar(select(func.count(Item.id))) == 0


def test_user_create(runner: FlaskCliRunner, session: Session) -> None:
    result = runner.invoke(args=["user", "create", "Root@Example.com", "--admin"],
                           input="a long password\na long password\n")
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User)).one()
    assert (user.email, user.is_admin) == ("root@example.com", True)
    again = runner.invoke(args=["user", "create", "root@example.com",
                                "--password", "a long password"])
    assert again.exit_code == 1 and "already exists" in again.output


def test_db_upgrade_on_an_empty_sqlite_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from prep import create_app

    monkeypatch.setenv("PREP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
                      "SECRET_KEY": "x"})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "database upgraded to head" in result.output


def test_decks_lint_prints_figures_to_stdout_and_currency_warnings_to_stderr(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    root = broken_copy(tmp_path, "alpha/basics.yaml", "    reference: Keras",
                       "    checked: 2025-06\n    reference: Keras")
    result = runner.invoke(args=["decks", "lint", "--stale", str(root)])
    assert result.exit_code == 1  # the fixture decks have findings (domain shares)
    assert "alpha: length cue: 1 single-answer questions, chance 25.0%" in result.stdout
    assert "alpha: checked newest 2025-06, median 2025-06, oldest 2025-06; 3/4 items " \
           "unchecked" in result.stdout
    assert "warning: alpha: 3/4 items not checked since 2025-03 (3 never)" in result.stderr
    assert "basics.yaml:4: al-c001: no 'checked' month" in result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning")]
    assert len(warnings) == 2 + 4  # a count per track, and alpha's 3 items and beta's 1
    assert not any("al-q002" in line for line in warnings)  # checked 9 months ago


def test_decks_check_refuses_a_checked_month_after_today(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    root = broken_copy(tmp_path, "alpha/basics.yaml", "    reference: Keras",
                       "    checked: 2026-04\n    reference: Keras")  # the clock: 2026-03-02
    result = runner.invoke(args=["decks", "check", str(root)])
    assert result.exit_code == 1 and "'checked' 2026-04 is in the future" in result.output
