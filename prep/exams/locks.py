"""Locked questions: what leaving a position locks, and what a lock refuses.

Two things lock, as on the real exams (issue 16, docs in /work/notes/issue16-design.md):

- an answered yes/no solution, once the user moves on (Microsoft's series: a solution
  cannot be revisited once answered);
- a case-study section, in an exam whose file says its case studies lock
  (``kinds["case-study"]["locks"]``), once the user leaves it: for a position outside it, for
  the review screen, or by submitting. Leaving it is confirmed first: ``leave`` refuses an
  unconfirmed move with ``LeaveUnconfirmed``, which says what the move would lock.

A locked question is shown as a notice, not visited (the web layer checks ``locked``);
``record_answer`` and ``toggle_flag`` (prep.exams.attempts) refuse to answer or flag it, and
to flag a yes/no solution at all (``flaggable`` says so ahead, for the page). The members of a
case or series sit at consecutive positions of an attempt (generation places them so), which
``section`` relies on. Domain functions flush; the caller commits.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from prep.exams.vocabulary import FormKinds
from prep.models import CASE, YESNO, AttemptQuestion, ExamAttempt


class LeaveUnconfirmed(Exception):
    """Leaving the position would lock a case-study section the user has not confirmed
    leaving; ``section`` holds the section's questions."""

    def __init__(self, section: list[AttemptQuestion]):
        first, last = section[0].position, section[-1].position
        super().__init__(f"Questions {first}–{last} are a case study that locks once you "
                         "leave it: you will not be able to return to them.")
        self.section = section


def section(attempt: ExamAttempt, position: int) -> list[AttemptQuestion]:
    """The questions of the case or series that the question at ``position`` belongs to,
    in order ([] for a question of no group)."""
    questions = attempt.questions
    group_id = questions[position - 1].item.group_id
    if group_id is None:
        return []
    first = last = position - 1
    while first > 0 and questions[first - 1].item.group_id == group_id:
        first -= 1
    while last + 1 < len(questions) and questions[last + 1].item.group_id == group_id:
        last += 1
    return questions[first:last + 1]


def case_sections_lock(attempt: ExamAttempt) -> bool:
    """Whether the attempt's exam says its case-study sections lock once left."""
    return FormKinds.of(attempt.exam).case_locks


def locking_section(attempt: ExamAttempt, position: int) -> list[AttemptQuestion]:
    """The case-study section around ``position`` if it locks once left, else []."""
    question = attempt.questions[position - 1]
    group = question.item.group
    if group is None or group.kind != CASE or not case_sections_lock(attempt):
        return []
    return section(attempt, position)


def locked_by_leaving(attempt: ExamAttempt, from_position: int | None,
                      to_position: int | None) -> list[AttemptQuestion]:
    """The unlocked questions that moving from ``from_position`` to ``to_position`` locks
    (``to_position`` None: the review screen or the submit)."""
    if from_position is None or from_position == to_position \
            or not 1 <= from_position <= len(attempt.questions):
        return []
    here = attempt.questions[from_position - 1]
    locking = [q for q in locking_section(attempt, from_position) if not q.locked]
    if locking and all(q.position != to_position for q in locking):
        return locking
    if here.item.kind == YESNO and here.chosen and not here.locked:
        return [here]
    return []


def leaving_section(attempt: ExamAttempt, to_position: int | None) -> list[AttemptQuestion]:
    """The case-study section that moving from the current position to ``to_position``
    would lock (the move needs confirming), or []."""
    locked = locked_by_leaving(attempt, attempt.current_position, to_position)
    return locked if any(q.item.kind != YESNO for q in locked) else []


def leave(session: Session, attempt: ExamAttempt, to_position: int | None, *,
          confirmed: bool = False) -> list[AttemptQuestion]:
    """Lock what moving from the current position to ``to_position`` locks; returns it.

    A case-study section is left only when ``confirmed``; otherwise LeaveUnconfirmed.
    """
    locked = locked_by_leaving(attempt, attempt.current_position, to_position)
    if not confirmed and (crossing := leaving_section(attempt, to_position)):
        raise LeaveUnconfirmed(crossing)
    if locked:
        # One guarded UPDATE: a concurrent request that locked them first changes nothing.
        session.execute(
            update(AttemptQuestion).where(AttemptQuestion.id.in_([q.id for q in locked]))
            .values(locked=True).execution_options(synchronize_session=False))
        for question in locked:
            set_committed_value(question, "locked", True)
        session.flush()
    return locked


def flaggable(question: AttemptQuestion) -> bool:
    """Whether the question can be flagged for review (or unflagged): not when locked, and
    never a yes/no solution (``toggle_flag`` refuses both)."""
    return not question.locked and question.item.kind != YESNO


def nearest_open(attempt: ExamAttempt, position: int, step: int) -> int | None:
    """The first unlocked position from ``position`` on, going by ``step`` (+1 or -1)."""
    while 1 <= position <= len(attempt.questions):
        if not attempt.questions[position - 1].locked:
            return position
        position += step
    return None


def locking_sections(attempt: ExamAttempt) -> list[list[AttemptQuestion]]:
    """The attempt's case-study sections that lock once left (none unless the exam says)."""
    if not case_sections_lock(attempt):
        return []
    sections, seen = [], set()
    for question in attempt.questions:
        group = question.item.group
        if group is not None and group.kind == CASE and group.id not in seen:
            seen.add(group.id)
            sections.append(section(attempt, question.position))
    return sections
