"""Health endpoint: 200 when the database answers, 503 when it does not."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from prep.db import db_session
from prep.web.unit_of_work import reads

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
@reads
def healthz() -> tuple[dict[str, str], int]:
    """Report whether prep can reach its database."""
    try:
        db_session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200
