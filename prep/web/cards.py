"""The card browser: search, a card's page with its history, own cards and CSV/TSV import."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from prep.db import db_session
from prep.models import Item
from prep.study import own_cards
from prep.study.browse import (
    DUE,
    SORTS,
    STATES,
    CardFilter,
    card_history,
    filter_choices,
    search_cards,
    split_search,
)
from prep.study.bulk_actions import (
    BULK_ACTIONS,
    MAX_BATCH,
    BulkRefused,
    BulkRequest,
    apply_bulk,
    own_decks,
)
from prep.study.card_tags import tags_by_card
from prep.study.review import own_card
from prep.study.scheduling import SchedulerSettings, retrievability
from prep.web import current_account, now, own_card_quota, parse_int
from prep.web.unit_of_work import reads, reads_then_writes, write_phase

blueprint = Blueprint("cards", __name__)
MAX_UPLOAD = 2 * 1024 * 1024
MAX_SEARCH_TAGS = 5  # tags one search may ask for


class CsrfForm(FlaskForm):
    """CSRF only; fields are validated by the domain layer."""


def _filter_from(args: MultiDict[str, str]) -> CardFilter:
    state, due, sort = args.get("state") or None, args.get("due") or None, args.get("sort", "")
    text, typed_tags = split_search((args.get("q") or "")[:200])
    tags = [*typed_tags, *([args["tag"]] if args.get("tag") else [])]
    return CardFilter(
        track=(args.get("track") or None),
        deck_id=parse_int(args.get("deck")),
        domain_id=parse_int(args.get("domain")),
        state=state if state in STATES else None,
        due=due if due in DUE else None,
        text=text or None,
        tags=tuple(tag[:60] for tag in tags[:MAX_SEARCH_TAGS]),
        page=parse_int(args.get("page"), low=1, high=100_000) or 1,
        sort=sort if sort in SORTS else "due",
        descending=args.get("dir") == "desc",
    )


def _browse_page(args: MultiDict[str, str], back: str, refused: BulkRefused | None = None,
                 ) -> ResponseReturnValue:
    """The browser for the filter in ``args``; after a refused bulk action, with its message
    beside the field at fault and the form as the user filled it in."""
    session, user = db_session(), current_account()
    wanted = _filter_from(args)
    results = search_cards(session, user, wanted, now())
    preview_id = parse_int(args.get("preview"))
    preview = next((card for card in results.cards if card.id == preview_id), None)
    sent = request.form if refused else MultiDict()
    page = render_template(
        "cards/browse.html", results=results, wanted=wanted, args=args.to_dict(), back=back,
        choices=filter_choices(session, user), states=STATES, dues=DUE, sorts=SORTS,
        actions=BULK_ACTIONS, max_batch=MAX_BATCH, own_decks=own_decks(session, user),
        preview=preview, form=CsrfForm(), refused=refused, sent=sent,
        ticked=set(sent.getlist("card")))
    return page, 422 if refused else 200


@blueprint.get("/cards")
@login_required
@reads
def browse() -> ResponseReturnValue:
    """Search the user's cards."""
    return _browse_page(request.args, request.full_path)


@blueprint.post("/cards/bulk")
@login_required
@reads_then_writes
def bulk() -> ResponseReturnValue:
    """One action on many ticked cards; back to the same list (or the list with the refusal
    beside its field, 422)."""
    back = request.form.get("back", "")
    back = back if back.startswith("/cards") and "//" not in back else url_for("cards.browse")
    # Duplicates first, then the cap: a repeated id must not crowd the others out unseen.
    ticked = list(dict.fromkeys(request.form.getlist("card")))[:MAX_BATCH + 1]
    ids = [parse_int(raw) for raw in ticked]
    wanted = BulkRequest(action=request.form.get("action", ""),
                         card_ids=[i for i in ids if i is not None],
                         tag=request.form.get("tag", "")[:100],
                         deck_id=parse_int(request.form.get("to_deck")))
    try:
        with write_phase() as session:
            result = apply_bulk(session, current_account(), wanted)
    except BulkRefused as error:
        return _browse_page(MultiDict(parse_qsl(urlsplit(back).query)), back, error)
    flash(result.message(), "warning" if result.skipped else "success")
    return redirect(back, 303)


def _card_or_404(card_id: int):
    return own_card(db_session(), current_account(), card_id)  # NoSuchCard: a 404


@blueprint.get("/cards/<int:card_id>")
@login_required
@reads
def detail(card_id: int) -> ResponseReturnValue:
    """A card: its content, schedule, retrievability and review history."""
    card = _card_or_404(card_id)
    user = current_account()
    recall = retrievability(card, now(), SchedulerSettings.of(user))
    return render_template("cards/detail.html", card=card, item=card.item, recall=recall,
                           history=card_history(db_session(), card), form=CsrfForm(),
                           tags=tags_by_card(db_session(), [card.id]).get(card.id, []))


def _draft_from_form(default_deck: str = "") -> own_cards.CardDraft:
    return own_cards.CardDraft(
        deck=request.form.get("deck", default_deck)[:200],
        front=request.form.get("front", "")[:own_cards.MAX_FIELD + 1],
        back=request.form.get("back", "")[:own_cards.MAX_FIELD + 1],
        tags=own_cards.parse_tags(request.form.get("tags", "")[:1000]),
    )


def over_quota(drafts: list[own_cards.CardDraft], replacing: Item | None = None) -> bool:
    """Render the drafts (before any write lock) and check the user's quota; a refusal is
    flashed."""
    own_cards.render_drafts(drafts)
    problem = own_cards.quota_problem(db_session(), current_account(), own_card_quota(),
                                      drafts, replacing)
    if problem:
        flash(problem, "warning")
    return problem is not None


@blueprint.route("/cards/new", methods=["GET", "POST"])
@login_required
@reads_then_writes
def new() -> ResponseReturnValue:
    """Add one of the user's own flashcards."""
    form, errors = CsrfForm(), {}
    draft = own_cards.CardDraft(deck="My cards", front="", back="")
    if request.method == "POST" and form.validate_on_submit():
        draft = _draft_from_form()
        errors = draft.problems()
        if not errors and over_quota([draft]):
            errors = {"quota": "over"}
        elif not errors:
            with write_phase() as session:
                card = own_cards.create_own_card(session, current_account(), draft, now())
            flash("Card added: it is new and waits in your review queue.", "success")
            if request.form.get("again"):
                return redirect(url_for("cards.new"), 303)
            return redirect(url_for("cards.detail", card_id=card.id), 303)
    return render_template("cards/edit.html", form=form, draft=draft, errors=errors,
                           title="Add a card"), 422 if errors else 200


@blueprint.route("/cards/<int:card_id>/edit", methods=["GET", "POST"])
@login_required
@reads_then_writes
def edit(card_id: int) -> ResponseReturnValue:
    """Edit one of the user's own flashcards (deck content is edited in the deck files)."""
    card = _card_or_404(card_id)
    item = card.item
    if item.deck.owner_id != current_account().id:
        abort(404, "Only your own cards can be edited here; deck cards change in the deck files.")
    form, errors = CsrfForm(), {}
    draft = own_cards.CardDraft(item.deck.title, item.prompt, item.answer_text or "", item.tags)
    if request.method == "POST" and form.validate_on_submit():
        draft = _draft_from_form(item.deck.title)
        errors = draft.problems()
        if not errors and over_quota([draft], replacing=item):
            errors = {"quota": "over"}
        elif not errors:
            with write_phase() as session:
                own_cards.edit_own_card(session, current_account(), item, draft, now())
            flash("Card saved.", "success")
            return redirect(url_for("cards.detail", card_id=card.id), 303)
    return render_template("cards/edit.html", form=form, draft=draft, errors=errors,
                           title="Edit card", card=card), 422 if errors else 200


@blueprint.route("/cards/import", methods=["GET", "POST"])
@login_required
@reads_then_writes
def import_cards() -> ResponseReturnValue:
    """Import own cards from CSV/TSV: every line checked; nothing imported on any error."""
    form, report, deck = CsrfForm(), None, request.form.get("deck", "Imported")[:100]
    if request.method == "POST" and form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read(MAX_UPLOAD + 1) if upload else b""
        if not data:
            report = own_cards.ImportReport(errors=[(1, "choose a CSV or TSV file")])
        elif len(data) > MAX_UPLOAD:
            report = own_cards.ImportReport(errors=[(1, "the file is larger than 2 MB")])
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                report = own_cards.ImportReport(errors=[(1, "the file is not UTF-8 text")])
            else:
                report = own_cards.parse_card_table(text, (upload and upload.filename) or "",
                                                    deck.strip() or "Imported")
                if not report.errors and over_quota(report.drafts):
                    report.errors.append((1, "nothing was imported: the cards would exceed "
                                             "your quota"))
        if not report.errors:
            with write_phase() as session:
                count = own_cards.import_cards(session, current_account(), report, now())
            flash(f"Imported {count} cards.", "success")
            return redirect(url_for("cards.browse"), 303)
    status = 422 if report and report.errors else 200
    return render_template("cards/import.html", form=form, report=report, deck=deck), status
