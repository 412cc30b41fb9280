"""Reporting a problem with a question or flashcard, and the admin's list of reports."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from prep import reports
from prep.db import db_session
from prep.models import REASONS, Item, ItemReport
from prep.web import current_account, local_path, now
from prep.web.admin import admin_required
from prep.web.unit_of_work import reads, reads_then_writes, write_phase, writes

blueprint = Blueprint("reports", __name__)


class CsrfForm(FlaskForm):
    """CSRF only; the fields are checked by the domain layer."""


def _item_or_404(uid: str, *, live_only: bool = True) -> Item:
    item = reports.shared_item(db_session(), uid, live_only=live_only)
    if item is None:
        abort(404, "No such question or flashcard.")
    return item


def _page(item: Item, status: int = 200, **values: object) -> ResponseReturnValue:
    back = local_path(request.values.get("next"), url_for("review.study"))
    values.setdefault("existing", reports.open_report(db_session(), current_account(), item))
    return render_template("reports/new.html", item=item, reasons=REASONS, back=back,
                           form=CsrfForm(), **values), status


@blueprint.get("/items/<uid>/report")
@login_required
@reads
def new(uid: str) -> ResponseReturnValue:
    """The report form, or the user's open report on the item (received, not yet resolved)."""
    return _page(_item_or_404(uid))


@blueprint.post("/items/<uid>/report")
@login_required
@reads_then_writes
def create(uid: str) -> ResponseReturnValue:
    """Store a report; a second open one on the same item is refused (409)."""
    item = _item_or_404(uid)
    reason = request.form.get("reason", "")[:32]
    comment = request.form.get("comment", "")[:reports.MAX_COMMENT + 1]
    try:
        with write_phase() as session:
            reports.report_problem(session, current_account(), item, reason, comment, now())
    except reports.AlreadyReported as refusal:
        return _page(item, 409, existing=refusal.report)
    except reports.ReportError as error:
        return _page(item, 422, error=str(error), reason=reason, comment=comment)
    except IntegrityError:  # the same report committed by a concurrent request
        if reports.open_report(db_session(), current_account(), item) is None:
            raise
        return _page(item, 409)
    flash("Thank you: your report was received.", "success")
    back = local_path(request.form.get("next"), url_for("review.study"))
    return redirect(url_for("reports.new", uid=item.uid, next=back), 303)


@blueprint.get("/admin/reports")
@admin_required
@reads
def overview() -> ResponseReturnValue:
    """Every reported item with its open and total counts."""
    return render_template("admin/reports.html",
                           summaries=reports.report_summaries(db_session()), reasons=REASONS)


@blueprint.get("/admin/reports/items/<uid>")
@admin_required
@reads
def item_reports(uid: str) -> ResponseReturnValue:
    """The reports on one item, open ones first, each resolvable."""
    item = _item_or_404(uid, live_only=False)
    return render_template("admin/item_reports.html", item=item, reasons=REASONS,
                           reports=reports.item_reports(db_session(), item), form=CsrfForm())


@blueprint.post("/admin/reports/<int:report_id>/resolve")
@admin_required
@writes
def resolve(report_id: int) -> ResponseReturnValue:
    """Mark one report resolved (a repeat changes nothing)."""
    report = db_session().get(ItemReport, report_id)
    if report is None:
        abort(404, "No such report.")
    if reports.resolve_report(report, current_account(), now()):
        flash("The report is resolved.", "success")
    return redirect(url_for("reports.item_reports", uid=report.item.uid), 303)
