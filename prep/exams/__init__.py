"""Mock exams and quizzes (domain logic, no Flask): generation, the attempt lifecycle, grading,
and readiness per domain."""
