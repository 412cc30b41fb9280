"""The URL map as test data: which arguments name a user's own objects, URLs for every
rule, and a snapshot of everything of a user's for "nothing changed" checks."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from prep.export.account_data import export_account
from prep.models import Card, Credential, Deck, ExamAttempt, Item, ItemReport, SkillsCheck, User
from tests.conftest import refresh

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# URL arguments naming shared content (the same for every user), with a value to use.
SHARED_ARGUMENTS = {"exam_id": "alpha-one", "track_id": "alpha", "position": 1,
                    "filename": "css/prep.css", "uid": "al-q001"}


def owned_arguments(session: Session, owner: User) -> dict[str, int]:
    """For each URL argument that names a user's own object, one of ``owner``'s."""
    own_item = select(Item.id).join(Deck).where(Deck.owner_id == owner.id)
    return {
        "card_id": session.scalar(select(Card.id).where(Card.user_id == owner.id,
                                                        Card.item_id.in_(own_item))),
        "attempt_id": session.scalar(select(ExamAttempt.id)
                                     .where(ExamAttempt.user_id == owner.id)),
        "user_id": owner.id,
        "report_id": session.scalar(select(ItemReport.id)
                                    .where(ItemReport.user_id == owner.id)),
        "check_id": session.scalar(select(SkillsCheck.id)
                                   .where(SkillsCheck.user_id == owner.id)),
        "credential_id": session.scalar(select(Credential.id)
                                        .where(Credential.user_id == owner.id)),
    }


def rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)


def url_for_rule(rule: Rule, owned: dict[str, int]) -> str:
    unknown = rule.arguments - owned.keys() - SHARED_ARGUMENTS.keys()
    assert not unknown, (f"{rule.rule}: classify the argument(s) {sorted(unknown)} as a "
                         "user's own object (owned_arguments) or shared content")
    values = {name: owned.get(name, SHARED_ARGUMENTS.get(name)) for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def snapshot(session: Session, user_id: int, now: Any) -> str:
    """Everything of the user's, for "nothing changed" checks."""
    refresh(session)
    user = session.get(User, user_id)
    document = export_account(session, user, now)
    document["login"] = [user.password_hash, user.session_token, user.is_disabled]
    # Not (yet) in the data export: the skills checks and credentials.
    checks = session.scalars(select(SkillsCheck).where(SkillsCheck.user_id == user_id)
                             .order_by(SkillsCheck.id)).all()
    document["skills_checks"] = [
        [check.id, check.plan, check.results, str(check.finished_at),
         [[a.item_id, a.chosen, a.correct] for a in check.answers]] for check in checks]
    document["credentials"] = [
        [c.exam_id, str(c.passed_on), str(c.expires_on)] for c in session.scalars(
            select(Credential).where(Credential.user_id == user_id).order_by(Credential.id))]
    return json.dumps(document, sort_keys=True)
