"""Study domain logic (no Flask): enrolment in tracks and per-user card state."""
