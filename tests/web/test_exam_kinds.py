"""The exam screens for every item kind over HTTP: each kind's form, locks and their refusals
(409/422, never 500), leaving a case study that locks, the review list and the report."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.models import GRADED, Exam, ExamAttempt, User
from tests.conftest import FrozenClock, post_form, refresh
from tests.factories import PASSWORD, make_question_bank
from tests.kind_attempts import KindBank, kind_attempt, sample_kinds
from tests.kind_factories import make_kind_bank

JSON = {"Accept": "application/json"}
LOCKING = {"case-study": {"sets": 1, "locks": True}}


def kinds_attempt(session: Session, user: User, clock: FrozenClock, *, mode: str = "exam",
                  kinds: dict | None = None) -> ExamAttempt:
    """1 ordering, 2 matching, 3-4 the case, 5-7 the series, 8 a plain question."""
    bank = KindBank(session, clock())
    sample = sample_kinds(bank)
    items = [sample["ordering"], sample["matching"], *sample["case_questions"],
             *sample["solutions"], bank.question(uid="plain")]
    session.commit()
    return kind_attempt(session, user, items, clock(), mode=mode, kinds=kinds or {})


def page(client: FlaskClient, attempt: ExamAttempt, rest: str) -> str:
    response = client.get(f"/attempts/{attempt.id}/{rest}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def stored(session: Session, attempt: ExamAttempt) -> ExamAttempt:
    refresh(session)
    return session.get(ExamAttempt, attempt.id)


def test_each_kind_shows_its_own_form(user_client: FlaskClient, session: Session, user: User,
                                      clock: FrozenClock) -> None:
    attempt = kinds_attempt(session, user, clock)
    ordering = page(user_client, attempt, "q/1")
    steps = re.findall(r'<select class="step-place" name="place-([a-h])"', ordering)
    assert sorted(steps) == ["a", "b", "c", "d"]
    assert steps == attempt.questions[0].option_order  # as first shown: not the answer
    assert steps != attempt.questions[0].item.correct
    assert ordering.count('class="move"') == 8 and "Place of step: Create the feature group" \
        in ordering
    matching = page(user_client, attempt, "q/2")
    assert len(re.findall(r'<select name="match-\d"', matching)) == 3
    assert "A</span> <span class=\"option-text\"><p>SageMaker Model Monitor" in matching
    assert ">D. AWS Config</option>" in matching  # the distractor answer is offered too
    case = page(user_client, attempt, "q/3")
    assert 'id="case-panel"' in case and "<strong>card transactions</strong>" in case
    assert "question 1 of 2 of this case" in case and 'id="section-note"' not in case
    solution = page(user_client, attempt, "q/6")
    assert "chatbot answers only from the company" in solution  # the goal above it
    assert "Question 2 of 3 in this series: you can't return to it once you move on." \
        in solution
    assert 'id="flag-form"' not in solution and 'name="choice" value="yes"' in solution
    assert 'id="flag-form"' in page(user_client, attempt, "q/8")


def test_each_kind_is_answered_and_autosaved_as_its_form_posts(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    attempt = kinds_attempt(session, user, clock)
    correct = attempt.questions[0].item.correct
    places = {f"place-{key}": str(place) for place, key in enumerate(correct, start=1)}
    saved = post_form(user_client, f"/attempts/{attempt.id}/q/1/answer", places, headers=JSON)
    assert saved.status_code == 200 and saved.json["chosen"] == correct
    listed = post_form(user_client, f"/attempts/{attempt.id}/q/1/answer",
                       {"choice": correct[::-1]}, headers=JSON)  # the steps, as a list
    assert listed.status_code == 200 and listed.json["chosen"] == correct[::-1]
    saved = post_form(user_client, f"/attempts/{attempt.id}/q/1/answer", places, headers=JSON)
    match = post_form(user_client, f"/attempts/{attempt.id}/q/2/answer",
                      {"match-1": "a", "match-2": "", "match-3": "d"}, headers=JSON)
    assert match.status_code == 200 and match.json["chosen"] == ["a", "", "d"]
    unknown = post_form(user_client, f"/attempts/{attempt.id}/q/2/answer",
                        {"match-1": "z", "match-2": "", "match-3": ""}, headers=JSON)
    assert unknown.status_code == 422
    plain = post_form(user_client, f"/attempts/{attempt.id}/q/5/answer", {"choice": "no"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith("/q/6")
    again = page(user_client, attempt, "q/1")  # the saved order is shown, places and all
    assert re.findall(r'name="place-([a-h])"', again) == correct
    pairs = page(user_client, attempt, "q/2")
    assert '<option value="d" selected>' in pairs and "Answer saved." in pairs
    answered = stored(session, attempt)
    assert [q.chosen for q in answered.questions[:5]] == [correct, ["a", "", "d"], None, None,
                                                           ["no"]]
    review = page(user_client, answered, "review")
    assert "(1 of 2 matched)" not in review and "(2 of 3 matched)" in review
    assert "Locked (1)" in review  # the solution, left for question 6


def test_practice_mode_shows_what_was_right_per_kind(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    attempt = kinds_attempt(session, user, clock, mode="practice")
    correct = attempt.questions[0].item.correct
    wrong = correct[::-1]
    checked = post_form(user_client, f"/attempts/{attempt.id}/q/1/answer",
                        {f"place-{key}": str(n) for n, key in enumerate(wrong, start=1)},
                        follow_redirects=True).get_data(as_text=True)
    assert "Not correct: here is what was right." in checked and "Your order" in checked
    assert "0 of 4 steps in their place: all or nothing" in checked
    assert 'class="step-place"' not in checked  # checked once: no more moving
    matched = post_form(user_client, f"/attempts/{attempt.id}/q/2/answer",
                        {"match-1": "a", "match-2": "b", "match-3": "c"},
                        follow_redirects=True).get_data(as_text=True)
    assert 'id="verdict">Correct.' in matched and "3 of 3 pairs right." in matched
    assert "AWS CloudTrail does this." in matched
    solution = post_form(user_client, f"/attempts/{attempt.id}/q/6/answer", {"choice": "yes"},
                         follow_redirects=True).get_data(as_text=True)
    assert "Correct answer:</span> <strong>No</strong>" in solution
    assert "Solution 2: it does not meet the goal." in solution


def test_an_ordering_with_two_steps_at_one_place_is_refused_and_kept(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    attempt = kinds_attempt(session, user, clock)
    places = {"place-a": "1", "place-b": "1", "place-c": "3", "place-d": "4"}
    refused = post_form(user_client, f"/attempts/{attempt.id}/q/1/answer", places)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "more than one step is at place 1" in text and 'id="answer-error"' in text
    assert len(re.findall(r'<option value="1" selected>', text)) == 2  # the input is kept
    as_json = post_form(user_client, f"/attempts/{attempt.id}/q/1/answer",
                        {"place-a": "9"}, headers=JSON)
    assert as_json.status_code == 422 and "from 1 to 4" in as_json.json["error"]
    assert stored(session, attempt).questions[0].chosen is None


@pytest.mark.parametrize("place", ["²", "9" * 5000, "-1", "", "1.0"])
def test_a_malformed_place_is_refused_not_an_error(
        place: str, user_client: FlaskClient, session: Session, user: User,
        clock: FrozenClock) -> None:
    attempt = kinds_attempt(session, user, clock)
    keys = attempt.questions[0].item.correct
    places = {f"place-{key}": str(n) for n, key in enumerate(keys, start=1)}
    places[f"place-{keys[0]}"] = place
    for headers in (JSON, {}):
        refused = post_form(user_client, f"/attempts/{attempt.id}/q/1/answer", places,
                            headers=headers)
        assert refused.status_code == 422
        assert "Give every step a place from 1 to 4." in refused.get_data(as_text=True)
    assert stored(session, attempt).questions[0].chosen is None


def test_an_answered_solution_locks_once_left_and_refuses_everything(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    attempt = kinds_attempt(session, user, clock)
    page(user_client, attempt, "q/5")
    stored(session, attempt).questions[4].chosen = ["yes"]  # as an answer would
    session.commit()
    after = page(user_client, attempt, "q/6")  # moving on locks it
    assert 'title="Question 5, answered, locked"' in after and '/q/5"' not in after.split(
        'aria-label="Questions"')[1]  # no link to it in the grid
    assert stored(session, attempt).questions[4].locked
    notice = page(user_client, attempt, "q/5")
    assert "Question 5 is locked" in notice and 'id="answer-form"' not in notice
    answer = post_form(user_client, f"/attempts/{attempt.id}/q/5/answer", {"choice": "no"},
                       headers=JSON)
    assert answer.status_code == 409 and "locked" in answer.json["error"]
    assert post_form(user_client, f"/attempts/{attempt.id}/q/5/answer",
                     {"choice": "no"}).status_code == 303  # without script: a message
    flag = post_form(user_client, f"/attempts/{attempt.id}/q/6/flag", {}, headers=JSON)
    assert flag.status_code == 409 and "cannot be flagged" in flag.json["error"]
    refreshed = stored(session, attempt)
    assert refreshed.questions[4].chosen == ["yes"] and not refreshed.questions[5].flagged


def test_leaving_a_locking_case_study_asks_first_then_locks_it(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    attempt = kinds_attempt(session, user, clock, kinds=LOCKING)
    inside = page(user_client, attempt, "q/3")
    assert "Questions 3–4 are a case study: once you leave the section" in inside
    page(user_client, attempt, "q/4")  # within the section: no question asked
    ask = page(user_client, attempt, "q/8")
    assert "Leave the case study?" in ask and 'name="to" value="8"' in ask
    assert "Questions 3–4 are a case study that locks once you leave it" in ask
    assert not any(q.locked for q in stored(session, attempt).questions)  # asked, not done
    assert stored(session, attempt).current_position == 4
    review = page(user_client, attempt, "review")  # the review screen asks as well
    assert 'name="to" value="review"' in review
    left = post_form(user_client, f"/attempts/{attempt.id}/leave", {"to": "8"})
    assert left.status_code == 303 and left.headers["Location"].endswith("/q/8")
    assert [q.position for q in stored(session, attempt).questions if q.locked] == [3, 4]
    assert "Question 3 is locked" in page(user_client, attempt, "q/3")
    listing = page(user_client, attempt, "review")
    assert "(a case study) are locked: you left the section" in listing
    assert listing.count('<span class="status-locked">Locked</span>') == 2
    assert "Locked (2)" in listing
    refused = post_form(user_client, f"/attempts/{attempt.id}/q/3/answer",
                        {"choice": "a"}, headers=JSON)
    assert refused.status_code == 409


def test_a_second_tab_cannot_slip_out_of_a_locking_case_study(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    attempt = kinds_attempt(session, user, clock, kinds=LOCKING)
    page(user_client, attempt, "q/3")
    refused = post_form(user_client, f"/attempts/{attempt.id}/q/8/answer", {"choice": "a"},
                        headers=JSON)
    assert refused.status_code == 409 and "case study" in refused.json["error"]
    assert stored(session, attempt).questions[7].chosen is None


def test_a_malformed_answer_elsewhere_does_not_slip_out_of_a_locking_case_study(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    attempt = kinds_attempt(session, user, clock, kinds=LOCKING)
    page(user_client, attempt, "q/3")
    refused = post_form(user_client, f"/attempts/{attempt.id}/q/1/answer", {"place-a": "x"})
    assert refused.status_code == 303  # not the ordering's page with its error
    asked = user_client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Leave the case study?" in asked and 'name="place-a"' not in asked
    as_json = post_form(user_client, f"/attempts/{attempt.id}/q/1/answer", {"place-a": "x"},
                        headers=JSON)
    assert as_json.status_code == 409 and "case study" in as_json.json["error"]
    assert stored(session, attempt).current_position == 3


def test_an_answer_after_submitting_in_a_locking_case_study_says_submitted(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    attempt = kinds_attempt(session, user, clock, kinds=LOCKING)
    page(user_client, attempt, "q/3")  # inside the section, then submitted (a second tab)
    assert post_form(user_client, f"/attempts/{attempt.id}/submit",
                     {"confirm": "yes"}).status_code == 303
    late = post_form(user_client, f"/attempts/{attempt.id}/q/8/answer", {"choice": "a"},
                     headers=JSON)
    assert late.status_code == 409 and "already submitted" in late.json["error"]
    without_script = post_form(user_client, f"/attempts/{attempt.id}/q/8/answer",
                               {"choice": "a"}, follow_redirects=True).get_data(as_text=True)
    assert "already submitted" in without_script and "Leave the case" not in without_script
    assert "locks once you leave it" not in without_script
    graded = stored(session, attempt)
    assert graded.questions[7].chosen is None and not any(q.locked for q in graded.questions)


@pytest.mark.parametrize("to", ["", "0", "99", "next"])
def test_leave_refuses_a_bad_target(to: str, user_client: FlaskClient, session: Session,
                                    user: User, clock: FrozenClock) -> None:
    attempt = kinds_attempt(session, user, clock, kinds=LOCKING)
    page(user_client, attempt, "q/3")
    assert post_form(user_client, f"/attempts/{attempt.id}/leave", {"to": to}
                     ).status_code == 422
    assert not any(q.locked for q in stored(session, attempt).questions)


def test_another_users_attempt_is_404_and_forms_need_csrf(
        client: FlaskClient, user_client: FlaskClient, session: Session, user: User,
        clock: FrozenClock) -> None:
    attempt = kinds_attempt(session, user, clock, kinds=LOCKING)
    page(user_client, attempt, "q/3")
    other = client.application.test_client()
    post_form(other, "/register", {"email": "mallory@example.com", "password": PASSWORD,
                                   "confirm": PASSWORD})
    assert other.get(f"/attempts/{attempt.id}/q/1").status_code == 404
    for path in ("leave", "q/1/answer", "q/5/flag"):
        assert post_form(other, f"/attempts/{attempt.id}/{path}",
                         {"to": "1", "place-a": "1"}).status_code == 404, path
    assert user_client.post(f"/attempts/{attempt.id}/leave", data={"to": "8"}
                            ).status_code == 403
    assert not any(q.locked for q in stored(session, attempt).questions)


def test_the_report_shows_each_kind_beside_what_was_right(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    attempt = kinds_attempt(session, user, clock, kinds={"matching": {"scoring": "partial"}})
    graded = stored(session, attempt)
    ordering, matching = graded.questions[0], graded.questions[1]
    ordering.chosen = ordering.item.correct[1:] + ordering.item.correct[:1]  # all moved
    ordering.correct, ordering.score = False, 0.0
    matching.chosen = [matching.item.correct[0], "d", ""]  # one pair of three right
    matching.correct, matching.score = False, 1 / 3
    solution = graded.questions[4]
    solution.chosen, solution.correct, solution.score = ["no"], False, 0.0
    graded.status, graded.submitted_at, graded.correct_count = GRADED, clock(), 0
    graded.points = 1 / 3
    session.commit()
    report = page(user_client, graded, "report")
    assert "Your order" in report and "Correct order" in report
    assert "0.33 of 8 (4%), partial credit included" in report  # the attempt's points
    assert report.count("(out of place)") == 4
    assert "0 of 4 steps in their place: all or nothing, so it scores nothing." in report
    assert "1 of 3 pairs right: partial credit, scored 0.33 of 1." in report
    assert "Partly right" in report and "Matching:" in report and "Yes/no:" in report
    assert "Drift in an endpoint" not in report  # prompts as written
    assert "SageMaker Model Monitor does this." in report  # a prompt's explanation
    assert "The data must exist before it is used." in report  # the ordering's
    assert "Solution 1: it meets the goal." in report and "Correct answer:</span> <strong>Yes" \
        in report


def test_a_drawn_form_with_every_kind_is_taken_whole_over_http(
        user_client: FlaskClient, session: Session, user: User, clock: FrozenClock) -> None:
    make_question_bank(session, clock(), {1: 30, 2: 20})
    make_kind_bank(session, clock(), ordering={1: 2, 2: 1}, matching={1: 1, 2: 2},
                   cases=[(1, 2, 2)], series=[(1, 3)])
    exam = session.get(Exam, "alpha-one")
    exam.question_count, exam.minutes = 16, 40
    exam.kinds = {"ordering": {"per_form": 2}, "matching": {"per_form": 2},
                  "case-study": {"sets": 1, "locks": True}, "yes-no": {"sets": 1}}
    session.commit()
    location = post_form(user_client, "/exams/alpha-one/start", {"kind": "full",
                                                                 "mode": "exam"})
    attempt = session.scalars(select(ExamAttempt)).one()
    assert location.status_code == 303
    kinds = [q.item.kind for q in attempt.questions]
    assert {"ordering", "matching", "yesno"} <= set(kinds)
    for question in attempt.questions:  # in order, answering each as its form posts
        item, position = question.item, question.position
        response = user_client.get(f"/attempts/{attempt.id}/q/{position}")
        if b"Leave the case study?" in response.data:  # left for the next: confirmed
            assert post_form(user_client, f"/attempts/{attempt.id}/leave",
                             {"to": str(position)}).status_code == 303
            response = user_client.get(f"/attempts/{attempt.id}/q/{position}")
        assert response.status_code == 200 and b'id="answer-form"' in response.data
        if item.kind == "ordering":
            form = {f"place-{key}": str(n) for n, key in enumerate(item.correct, start=1)}
        elif item.kind == "matching":
            form = {f"match-{p['key']}": key for p, key in zip(item.prompts, item.correct,
                                                               strict=True)}
        else:
            form = {"choice": item.correct}
        saved = post_form(user_client, f"/attempts/{attempt.id}/q/{position}/answer", form,
                          headers=JSON)
        assert saved.status_code == 200, (item.kind, saved.json)
    assert "Leave the case study?" in page(user_client, attempt, "review")  # it comes last
    review = post_form(user_client, f"/attempts/{attempt.id}/leave", {"to": "review"},
                       follow_redirects=True).get_data(as_text=True)
    assert f"{attempt.question_count} of {attempt.question_count} answered" in review
    done = post_form(user_client, f"/attempts/{attempt.id}/submit", {"confirm": "yes"},
                     follow_redirects=True).get_data(as_text=True)
    assert f"{attempt.question_count} correct · 0 wrong · 0 unanswered" in done
    graded = stored(session, attempt)
    assert graded.points == graded.question_count
    locked = [q.item.kind for q in graded.questions if q.locked]
    assert locked.count("yesno") >= 2  # every solution left behind (the last one, maybe not)
    case = [q for q in graded.questions if q.item.group_id and q.item.kind != "yesno"]
    assert len(case) == 3 and all(q.locked for q in case)  # left for the review
    assert case[-1].position == graded.question_count  # the section comes last
