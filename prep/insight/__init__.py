"""Insight: review statistics, FSRS optimisation, workload simulation and exam-date plans."""
