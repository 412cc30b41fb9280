"""What each item kind's answer form posts, read into the answer an attempt stores.

The exam screen's forms (templates/exams/_answer_*.html) post, per kind:

- question and yes/no: ``choice`` once per chosen option key;
- ordering: ``place-<step key>``, each step's place 1..n (the page's script keeps the places
  a permutation as steps move; without the script the user picks them in selects); a client
  may instead post ``choice`` once per step, in its order;
- matching: ``match-<prompt key>``, the answer key chosen for each prompt ("" for none yet);
  or ``choice`` once per prompt, in prompt order.

``posted_answer`` turns that into the stored form (issue16-design.md, "Answers in an
attempt"); whether the answer fits the question is the domain's to check (record_answer).
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from prep.models import MATCHING, ORDERING, Item
from prep.web import parse_int


class FormRefused(ValueError):
    """The form cannot be read as an answer (a 422); the message says what to fix."""


PostedForm = MultiDict[str, str]  # a request's form
MAX_CHOICES = 8  # more option keys than any question has: a crafted post is cut short


def _ordering(item: Item, form: PostedForm) -> list[str]:
    keys = [option["key"] for option in item.options or ()]
    places: dict[str, int] = {}
    for key in keys:
        # Not str.isdigit: it passes "²", which int() refuses, and 5,000 digits.
        place = parse_int(form.get(f"place-{key}"), low=1, high=len(keys))
        if place is None:
            raise FormRefused(f"Give every step a place from 1 to {len(keys)}.")
        places[key] = place
    taken = sorted(places.values())
    if taken != list(range(1, len(keys) + 1)):
        twice = next(place for place in taken if taken.count(place) > 1)
        raise FormRefused(f"Give each step its own place: more than one step is at place "
                          f"{twice}.")
    return sorted(keys, key=places.__getitem__)


def _matching(item: Item, form: PostedForm) -> list[str]:
    return [(form.get(f"match-{prompt['key']}") or "").strip()[:8]
            for prompt in item.prompts or ()]


def posted_answer(item: Item, form: PostedForm) -> list[str]:
    """The answer the form posts for ``item``, in the form an attempt stores it."""
    if item.kind == ORDERING and any(name.startswith("place-") for name in form):
        return _ordering(item, form)
    if item.kind == MATCHING and any(name.startswith("match-") for name in form):
        return _matching(item, form)
    return form.getlist("choice")[:MAX_CHOICES]

