"""Fuzzing every route of the URL map with hypothesis: random strings, huge numbers,
wrong types, unicode, NUL bytes, lone surrogates, broken encodings, JSON bodies, query
strings and the path's own arguments.

Whatever arrives, prep never answers 500, and a refused request (4xx) changes nothing:
the logged-in user's whole data (their "Download my data" document, password hash and
login token) and the number of accounts and items are the same before and after.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from prep.models import Item, User
from prep.study.settings import FIELDS as SETTINGS_FIELDS
from tests.conftest import FrozenClock, csrf_token, log_in
from tests.factories import studied_user
from tests.routes import owned_arguments, rules, snapshot, url_for_rule

# CI runs a fixed, repeatable sample; PREP_FUZZ_EXAMPLES=5000 PREP_FUZZ_RANDOM=1 hunts further.
EXAMPLES = int(os.environ.get("PREP_FUZZ_EXAMPLES", 250))
RANDOM = bool(os.environ.get("PREP_FUZZ_RANDOM"))
# Every field name a prep form or view reads, so that the fuzzer reaches past "missing".
FIELD_NAMES = sorted({
    "again", "allow_short", "back", "card_id", "choice", "confirm", "count", "current_password",
    "deck", "domain", "due", "duration_ms", "email", "front", "kind", "log_id", "minutes", "mode",
    "new_password", "next", "password", "q", "rating", "reps", "review_uid", "source", "state",
    "stay", "suspended", "tags", "track", "understood", "data_file", *SETTINGS_FIELDS,
})
SPECIAL = ["", "0", "-1", "1", "3", "2147483648", "-9" * 40, "1e308", "NaN", "true", "null",
           "[]", "{}", "\x00", "1\x00", "a\x00b", "../../etc/passwd", "<script>x</script>",
           "exam", "practice", "all", "missed", "alpha", "alpha-one", "x" * 70_000, "\u202e",
           "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "Ω" * 300, " ", "\r\n", "%00", "%ED%A0%80", "1m 10m", "Europe/Berlin"]
VALUES = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=40),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.floats().map(str),
)
FORMS = st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=8)),
                        st.one_of(VALUES, st.lists(VALUES, max_size=3)), max_size=8)
# Text with lone surrogates ("\ud800"): only JSON can carry them (as escapes), and Python
# strings read from such JSON hold them; no database can store one.
SURROGATE_TEXT = st.text(st.characters(categories=["Cs", "L", "N"]), min_size=1, max_size=20)
JSON_TEXT = st.one_of(st.text(max_size=20), SURROGATE_TEXT)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | JSON_TEXT,
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), SURROGATE_TEXT),
                                      inner, max_size=4),
                    max_leaves=12)
# Path arguments as sent on the wire (percent-encoded): NUL, a surrogate's bytes (not
# UTF-8), invalid UTF-8, traversal, huge numbers, and random text.
RAW_PATH_VALUES = ["%00", "a%00b", "%ED%A0%80", "%ED%BF%BF", "%FF%FE", "%C0%AF", "..%2F..",
                   "%2E%2E", "-1", "0", "99999999999999999999", "1e5", "%20", "%E2%80%AE"]
PATH_VALUES = st.one_of(st.sampled_from(RAW_PATH_VALUES),
                        st.text(min_size=1, max_size=30).map(lambda text: quote(text, safe="")),
                        st.integers(min_value=-(2**70), max_value=2**70).map(str))
_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?(\w+)>")


def fuzzed_path(rule: Rule, owned: dict[str, int], data: st.DataObject) -> str:
    """The rule's URL, with some of its arguments replaced by fuzzed values."""
    path = url_for_rule(rule, owned)
    if not rule.arguments or not data.draw(st.booleans(), label="fuzz the path"):
        return path
    return _ARGUMENT.sub(lambda match: data.draw(PATH_VALUES, label=match.group(1)), rule.rule)


def state(session: Session, user_id: int, clock: FrozenClock) -> tuple[Any, ...]:
    counts = session.execute(select(select(func.count()).select_from(User).scalar_subquery(),
                                    select(func.count()).select_from(Item).scalar_subquery()))
    return snapshot(session, user_id, clock()), tuple(counts.one())


def test_fuzzed_requests_never_fail_and_refusals_change_nothing(
        app: Flask, client: FlaskClient, session: Session, clock: FrozenClock) -> None:
    user = studied_user(session, clock(), "kim@example.com")
    owned = owned_arguments(session, user)
    # Logout's only input is its CSRF token (the CSRF matrix covers it); it would just end
    # the session the fuzzer needs.
    targets = [(rule, method) for rule in rules(app) for method in sorted(rule.methods)
               if method not in ("HEAD", "OPTIONS") and rule.endpoint not in ("static",
                                                                             "auth.logout")]
    log_in(client, user.email)
    token = csrf_token(client)
    seen: set[tuple[str, int]] = set()

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        rule, method = data.draw(st.sampled_from(targets), label="route")
        path = fuzzed_path(rule, owned, data)
        kind = data.draw(st.sampled_from(["form", "json", "raw", "query"]), label="kind")
        before = state(session, user.id, clock)
        if kind == "query" or method == "GET":
            response = client.open(path, method=method,
                                   query_string=data.draw(FORMS, label="query"),
                                   data={"csrf_token": token} if method != "GET" else None)
        elif kind == "json":
            response = client.open(path, method=method, json=data.draw(JSON, label="json"),
                                   headers={"X-CSRFToken": token, "Accept": "application/json"})
        elif kind == "raw":
            body = b"csrf_token=" + token.encode() + b"&" + data.draw(st.binary(max_size=200))
            response = client.open(path, method=method, data=body,
                                   content_type="application/x-www-form-urlencoded")
        else:
            response = client.open(path, method=method,
                                   data={"csrf_token": token, **data.draw(FORMS, label="form")})
        status = response.status_code
        response.close()
        seen.add((rule.endpoint, status))
        assert status < 500, f"{method} {path}: {status}"
        if status >= 400:
            assert state(session, user.id, clock) == before, f"{method} {path}: {status}"
        if rule.endpoint.startswith("auth.") and 300 <= status < 400:
            log_in(client, user.email)  # a fuzzed sign-up or login switched accounts

    fuzz()
    assert len({endpoint for endpoint, _ in seen}) >= 25  # the fuzzer reached most routes
