"""The queue's regular expression search: linear-time engine, refused patterns, time budget,
and the literals that let the trigram index narrow a search."""

from __future__ import annotations

import random
import threading
import time

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review.corpus import Corpus
from review.errors import InputError
from review.schema import DOC, FORMAT, SEG, SOURCE, TARGET
from review.store import Project, search
from review.store.search import check_pattern, required_literals

WORDS = ("the board said on Monday that the company will publish its letter about safety and "
         "growth in the coming year").split()
AR = "قال المجلس يوم الاثنين إن الشركة ستنشر رسالتها حول السلامة والنمو في العام المقبل".split()


@pytest.fixture(scope="module")
def sentences(tmp_path_factory) -> Project:
    """3,000 ordinary 30-word sentences (the shape of the reported freeze)."""
    rng = random.Random(9)
    n = 3000
    segs = pl.DataFrame({
        DOC: ["d"] * n, SEG: list(range(1, n + 1)),
        SOURCE: [" ".join(rng.choices(WORDS, k=30)) + "." for _ in range(n)],
        TARGET: [" ".join(rng.choices(AR, k=30)) + "." for _ in range(n)],
    })
    p = Project.create(tmp_path_factory.mktemp("search") / "s.review",
                       Corpus(segs, pl.DataFrame({DOC: ["d"], FORMAT: ["text"]})))
    yield p
    p.close()


def test_catastrophic_pattern_returns_quickly(sentences):
    # On Python's backtracking `re` this pattern takes exponential time on each sentence.
    start = time.perf_counter()
    page, total = sentences.queue(flagged_only=False, search=r"^(\w+\s?)*$", regex=True)
    assert time.perf_counter() - start < 2.0
    assert total == 0  # every sentence ends with a full stop
    page, total = sentences.queue(flagged_only=False, search=r"^(\w+\s?)*\.$", regex=True,
                                  search_side="source")
    assert total == 3000


@pytest.mark.slow
def test_other_threads_run_while_a_search_does(sentences):
    """The matching runs without the project's lock and without the GIL."""
    done = threading.Event()
    ticks, errors = [], []

    def search_hard():
        try:
            for k in range(3):
                sentences.queue(flagged_only=False, search=rf"(\w+\s?){{{k + 20}}}\.", regex=True)
        except search.SearchTooSlow:
            pass  # on a loaded machine the budget may run out first: the search still ran meanwhile
        except BaseException as e:  # noqa: BLE001 (handed to the test's thread below)
            errors.append(e)
        finally:
            done.set()

    t = threading.Thread(target=search_hard)
    t.start()
    while not done.is_set():
        ticks.append(sentences.progress()["total"])
        time.sleep(0.001)
    t.join()
    assert not errors, errors
    assert ticks and set(ticks) == {3000}


@pytest.mark.parametrize("pattern, says", [
    (r"(a)\1", "back-references"), (r"foo(?=bar)", "look-around"), (r"(?<!x)y", "look-around"),
    ("(", "unclosed group"), (r"\w{1000}{1000}", "too complex"), ("[z-a]", "invalid"),
])
def test_refused_patterns_say_why(sentences, pattern, says):
    with pytest.raises(InputError, match=says) as err:
        sentences.queue(flagged_only=False, search=pattern, regex=True)
    assert "\n" not in str(err.value)
    with pytest.raises(InputError):
        check_pattern(pattern)


def test_a_search_past_its_budget_stops_with_a_message(sentences, monkeypatch):
    monkeypatch.setattr(search, "REGEX_BUDGET_S", 0.0)
    with pytest.raises(search.SearchTooSlow, match="took longer than"):
        sentences.queue(flagged_only=False, search=r"[a-z]+ly\b", regex=True)
    monkeypatch.undo()
    assert sentences.queue(flagged_only=False, search=r"[a-z]+ly\b", regex=True)[1] == 0


def test_regex_results_page_like_any_queue(sentences):
    everything, total = sentences.queue(flagged_only=False, search=r"\bgrowth\b", regex=True,
                                        search_side="source", limit=10_000)
    expected = sum(1 for s in everything[SOURCE] if "growth" in s)
    assert total == everything.height == expected > 0
    first, _ = sentences.queue(flagged_only=False, search=r"\bgrowth\b", regex=True,
                               search_side="source", limit=7)
    second, _ = sentences.queue(flagged_only=False, search=r"\bgrowth\b", regex=True,
                                search_side="source", offset=7, limit=7)
    assert pl.concat([first, second]).equals(everything.head(14))


def test_required_literals_of_a_pattern():
    assert required_literals(r"\bMusk\b") == ["Musk"]
    assert required_literals(r"Altman|ألتمان") == ["Altman", "ألتمان"]
    assert required_literals(r"(Sam|Samuel) Altman") == [" Altman"]
    assert required_literals(r"\d+ dollars?") == [" dollar"]
    assert required_literals(r"(?:board|company) said") == [" said"]
    assert required_literals(r"(?P<who>Elon) Musk") == [" Musk"]
    assert required_literals(r"a\.b\.c") == ["a.b.c"]
    assert required_literals(r"[abc]define{2}") == ["defin"]  # a repeated letter ends the run
    assert required_literals(r"ab|cde") is None  # one branch too short for the index
    assert required_literals(r"\d{3}") is None
    assert required_literals(r"(?i)musk") is None
    assert required_literals(r"(?i:musk) said") is None
    assert required_literals(r"\x41BCD") == ["BCD"]
    assert required_literals(r"\p{Arabic}+ماسك") == ["ماسك"]
    assert required_literals("(") is None


ATOMS = ["a", "b", "ab", "abc", "ba", ".", r"\b", "^", "$", "a*", "b+", "c?", "[ab]", r"\w", "(", ")", "|",
         "{2}", "(?:", "(?s)", r"\.", " "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ATOMS), min_size=1, max_size=8),
       st.lists(st.text(alphabet="abc. ", max_size=12), min_size=1, max_size=20))
def test_every_match_contains_a_required_literal(atoms, texts):
    """The prefilter never drops a row the pattern matches."""
    pattern = "".join(atoms)
    try:
        check_pattern(pattern)
    except InputError:
        return
    literals = required_literals(pattern)
    if literals is None:
        return
    assert all(len(lit) >= search.MIN_INDEXED for lit in literals)
    matched = pl.Series(texts, dtype=pl.String).str.contains(pattern)
    for text, hit in zip(texts, matched):
        if hit:
            assert any(lit in text for lit in literals), (pattern, text, literals)
