"""Fixtures shared by the test modules (one definition each)."""

from __future__ import annotations

import pytest

from review.store import Project
from store_corpus import make_corpus, make_scored


@pytest.fixture
def project(tmp_path) -> Project:
    """A small scored project (tests/store_corpus.py), closed after the test."""
    corpus = make_corpus()
    p = Project.create(tmp_path / "p.review", corpus, make_scored(corpus))
    yield p
    p.close()
