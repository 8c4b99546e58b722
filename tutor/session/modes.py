"""The two ways to work an exercise."""

PRACTICE, EXAM = "practice", "exam"
