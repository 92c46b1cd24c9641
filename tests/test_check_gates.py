"""Gates (review.checks.base.gate): a check's gate must be True on every row the check can flag.

A wrong gate silently drops a flag from a reviewer's re-checked correction, so every gated check
is run ungated on many rows (the demo, NTREX when the shared data is present, generated pairs,
awkward generated strings, on large and on small frames) and each of its hits must be on a row its
gate opens for. And the save re-check gives the same flags with and without the gates.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from helpers_form import demo_frame, frame
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scale_pairs import generate

from review.checks import _import_families, prepare, run_family
from review.checks import base, form, markup, meaning, numbers, punctuation, script
from review.checks.base import ROW, catalogue, gate_of, row_gate_of
from review.config import load_config
from review.normalize import fold_digits
from review.schema import BEAD, LOW_CONF, SOURCE, TARGET
from review.score import check_segment

NTREX = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "ntrex128-dev"

_import_families(list(catalogue()))
GATED = [cid for cid in catalogue() if gate_of(cid) is not None or row_gate_of(cid) is not None]
GATES, ROW_GATES = dict(base._GATES), dict(base._ROW_GATES)


def test_the_usual_checks_are_gated():
    # Not a list to keep in step by hand: a floor, so that a gate lost by accident shows.
    assert len(GATED) >= 20 and {"number_mismatch", "url_changed", "unbalanced_brackets"} <= set(GATED)
    assert all(catalogue()[cid].scope == "segment" for cid in GATED)


def _closed(cid: str, row: dict) -> bool:
    src, tgt = row[SOURCE] or "", row[TARGET] or ""
    return (cid in GATES and not GATES[cid](src, tgt)) or (cid in ROW_GATES and not ROW_GATES[cid](row))


def _closed_rows_flagged(pairs: list[tuple[str, str]], tgt_lang: str = "ar",
                         table: pl.DataFrame | None = None) -> list[tuple[str, str, str]]:
    """(check, source, target) for every hit of a gated check, run ungated, on a row whose gate
    is closed: must be empty."""
    if not pairs:
        return []
    prepared = prepare(frame(pairs, tgt_lang=tgt_lang) if table is None else table)
    rows = prepared.rows(named=True)
    parts = run_family(prepared, GATED, load_config(), None)
    bad = []
    for cid, found in parts:
        for i in found[ROW].unique().to_list():
            if _closed(cid, rows[i]):
                bad.append((cid, rows[i][SOURCE], rows[i][TARGET]))
    return bad


def _demo_pairs() -> list[tuple[str, str]]:
    _, pairs = demo_frame()
    edits = (" أيضا", " (انظر", " ٢٠٢٣", "؟", " «قال", " http://x.org", "\u200f", " 5 مليون")
    return pairs + [(s, t + edits[i % len(edits)]) for i, (s, t) in enumerate(pairs)]


def test_gates_hold_on_the_demo():
    assert _closed_rows_flagged(_demo_pairs()) == []


def test_gates_hold_on_generated_pairs():
    df = generate(3000, seed=11)
    assert _closed_rows_flagged(list(zip(df[SOURCE].to_list(), df[TARGET].to_list()))) == []


@pytest.mark.shared_data
def test_gates_hold_on_ntrex():
    if not (NTREX / "en.txt").is_file():
        pytest.skip("shared NTREX data absent")
    en = (NTREX / "en.txt").read_text("utf-8").splitlines()
    ar = (NTREX / "ar.txt").read_text("utf-8").splitlines()
    # Both ways round too: English targets open the Latin gates, Arabic sources the others.
    assert _closed_rows_flagged(list(zip(en, ar)) + list(zip(ar, en))[:400]) == []


# Awkward strings: brackets, quotes, digits of three systems, Latin/Arabic mixes, markup, URLs,
# invisible and look-alike characters, line breaks.
FRAGMENTS = [
    "(", ")", "[", "]", "{", "}", "{{ x }}", "{0}", "%s", "%(n)d", "${v}", "$", "£5", "€", "%", "٪",
    '"', "“", "”", "«", "»", "'", "’", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u200f", "\u200c",
    "\ufeff", "ـ", "ی", "ک", "Ã©", "â€™", "\ufffd", "<b>", "</b>", "<br/>", "⟦1⟧", "⟦/1⟧", "# ", "## ",
    "* ", "- ", "• ", "1. ", "2) ", "١. ", "http://a.com/x", "https://b.org", "www.c.net", "a@b.co",
    "@user", "#tag", "#", "@", "?", "!", "؟", "？", ",", "،", ";", "؛", ":", ".", "…", " .", " ،",
    " !", " ؟", "1", "23", "2023", "١٢", "٢٠٢٣", "۳", "3.5", "٣٫٥", "1,000", "٬", "5 million",
    "5million", "٥ مليون", "مليار", "the", "word", "wordword", "the the", "Word", "A380", "x", "a",
    "i", "أ", "ب", "و", "ل", "قال", "قال قال", "والعالم العالم", "رويدا رويدا", "aaa", "ههه", "Ill",
    "ماسك", "OpenAI", "لـ", "بـOpenAI", "مـدينة", "\u064e", "\u0651", "0", "9", "x9", "9x",
    "not", "NOT", "Not", "don't", "can’t", "no", "nothing", "never", "nor", "cannot", "notable", "lanot",
    "لا", "ولا", "فلم", "لن", "ليس", "ليست", "ألا", "كلا", "لاعب", "الا", "²", "_", "\x1c", "\u200b", "\u3000",
    "من", "إلى", " من.", "\u2029",
]
TEXT = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join),
    st.text(alphabet=st.sampled_from("".join(FRAGMENTS) + "bcdeXYZ٠٩۰۹"), max_size=40),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=8))
def test_gates_hold_on_awkward_strings(pairs):
    # Up to eight rows: the small-frame paths of the checks, which the save re-check takes.
    assert _closed_rows_flagged(pairs) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(TEXT, TEXT), min_size=9, max_size=30))
def test_gates_hold_on_awkward_strings_in_larger_frames(pairs):
    assert _closed_rows_flagged(pairs) == []


# Pairs each of which one gated check flags, some only through what its gate must not miss
# (same digits but another scale, a marker after a line break, an invisible mark).
TRICKY = [
    ("It cost 5 million.", "كلف ٥ مليارات."), ("It cost 5 million.", "كلف 5 billion."), ("3.5 m", "35 م"),
    ("$5", "5 دولار"), ("5 bn", "٥"), ("x\n- item", "س\n* بند"), ("a\n1. b", "أ\n١) ب"), ("see {0}", "انظر"),
    ("at 50%", "عند ٥٠"), ("a <b>b</b>", "أ <b>ب"), ("go http://a.b/c", "اذهب http://a.b/d"), ("", "قال\u200fذلك"),
    ("He said (yes", "قال (نعم"), ("x", "قال قال"), ("x", "hello world"), ("Hello world", "Hello world"),
    ("a", "ب ، ج"), ("a?", "أ."), ("a.", "أ؟"), ("a", "مـدينة"), ("a", "یک"), ("a", "Ã©"), ("a", "ههههه"),
    ("x", "قال ب ذلك"), ("Hello.", "مرحبا"), ("He did not go.", "ذهب."), ("He went.", "لم يذهب."),
    ("They are not here, nor there, and never were.", "ليسوا هنا ولا هناك."), ("He won't.", "سيفعل."),
    ("Hello.", "مرحبا\x1c"), ("Hello.", "مرحبا.\x1c"), ("Hello.", "مرحبا.\x1f "), ("Hello.", "مرحبا من"), ("Hello.", "مرحبا من."), ("Hello.", "مرحبا\u3000"),
    ("Hello.", "مرحبا 5"), ("Hello!", "مرحبا ٥"), ("mail a@b.co", "بريد"), ("#MeToo", "هاشتاج"), ("x", "قال «نعم »"),
]


def test_gates_hold_on_tricky_pairs():
    assert _closed_rows_flagged(TRICKY) == []
    for i in range(0, len(TRICKY), 4):  # and on the small frames of a re-check
        assert _closed_rows_flagged(TRICKY[i:i + 4]) == []


def test_row_gates_hold_on_beads_and_confidence():
    _, pairs = demo_frame()
    pairs = pairs[:24] + [("", ""), ("a", ""), ("", "ب"), (" ", " \n ")]
    beads = ["1-1", "1-0", "0-1", "2-1", None]
    table = frame(pairs).with_columns(
        pl.Series(BEAD, [beads[i % len(beads)] for i in range(len(pairs))], dtype=pl.String),
        pl.Series(LOW_CONF, [(None, True, False)[i % 3] for i in range(len(pairs))], dtype=pl.Boolean))
    assert _closed_rows_flagged(pairs, table=table) == []
    for i in range(0, len(pairs), 5):
        assert _closed_rows_flagged(pairs[i:i + 5], table=table[i:i + 5]) == []


def test_gates_hold_for_other_target_languages():
    _, pairs = demo_frame()
    awkward = [("He said (yes", "قال «نعم »؟ ٥"), ("a\u200cb", "a\u200cb"), ("x", "the the word")]
    assert _closed_rows_flagged(pairs[:20] + awkward, tgt_lang="fa") == []


# The Python patterns some gates use for polars patterns: every text polars matches, Python's
# gate pattern matches too (its \s, $ and letter classes are wider, never narrower).
def _pattern_pairs():
    return [
        (form._SENTENCE_END, lambda t: form._SENTENCE_END_PY.search(t) is not None, False),
        (form.AR_WORD, lambda t: form._AR_WORD_PY.search(t) is not None, False),
        (script._STRAY_RUN_RE, lambda t: script._STRAY_RUN_PY.search(t) is not None, False),
        (script._TRIPLES, lambda t: script._THREE_ALIKE.search(t) is not None, False),
        (script.MOJIBAKE_RE, lambda t: script._MOJIBAKE_START.search(t) is not None, False),
        (punctuation._SPACE_BEFORE, lambda t: punctuation._SPACE_BEFORE_GATE.search(t) is not None, False),
        (numbers._SCALED, lambda t: numbers._MAYBE_SCALED.search(fold_digits(t)) is not None, True),
        (markup._MARKDOWN_RE, lambda t: markup._MARKDOWN_GATE.search(t) is not None, True),
        (markup.TAG_RE, lambda t: markup._tag_gate("", t), False),
        (markup.URL_RE, lambda t: markup._url_gate("", t), False),
        (markup.PLACEHOLDER_RE, lambda t: markup._placeholder_gate("", t), True),
        (meaning.EN_STRONG, lambda t: meaning._negation_gate(t, ""), False),
        (meaning._AR_PARTICLE_ANY, lambda t: meaning._negation_gate("", t), False),
    ]


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=20))
@example([".\x1c", "5\x1d ", "»\u200b", "!\u3000\n", "x.\n\x1e"])
def test_truncated_gate_reads_the_end_as_polars_does(texts):
    # Where the gate calls a target closed (and not dangling), polars' _TARGET_END matches it.
    targets = ["قال " + t for t in texts]  # an Arabic word: the gate then reads the ending
    ends = pl.Series(targets, dtype=pl.String).str.contains(form._TARGET_END).to_list()
    for text, closed in zip(targets, ends):
        assert closed or form._truncated_gate("Hello.", text), text


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=20))
def test_gate_patterns_cover_the_polars_patterns(texts):
    folded = [fold_digits(t) for t in texts]
    for pattern, gate, on_folded in _pattern_pairs():
        col = pl.Series(folded if on_folded else texts, dtype=pl.String)
        matched = col.str.contains(pattern).to_list()
        for text, hit in zip(texts, matched):
            assert not hit or gate(text), (pattern, text)


@pytest.mark.parametrize("edit", [" أيضا", "", " (", " ٣٫٥ مليون", " «", " www.x.org", " ي ", "؟"])
def test_save_recheck_same_with_and_without_gates(edit, monkeypatch):
    _, pairs = demo_frame()
    seg = frame(pairs)
    for i in range(0, seg.height, 3):
        row = seg[i:i + 1]
        target = (row[TARGET][0] or "") + edit
        gated = check_segment(row, target)
        monkeypatch.setattr(base, "_GATES", {})
        monkeypatch.setattr(base, "_ROW_GATES", {})
        ungated = check_segment(row, target)
        monkeypatch.setattr(base, "_GATES", GATES)
        monkeypatch.setattr(base, "_ROW_GATES", ROW_GATES)
        assert gated.equals(ungated), (i, target)
