"""Scoring engines beyond the local one (review.score): the same checks, run elsewhere."""
