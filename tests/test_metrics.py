"""review.metrics gives sacrebleu's numbers: sentence_score, corpus_score and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import BLEU, CHRF, TER

import review.metrics as M
from review.metrics import corpus_metrics, make_metric, segment_metrics, sentence_metrics
from review.schema import BT, BT_CHRF, REF_BLEU, REF_CHRF, REF_TER, REFERENCE, SOURCE, TARGET

NTREX = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "ntrex128-dev"
SACREBLEU_CLI = Path(sys.executable).with_name("sacrebleu")

SACRE = {
    "bleu": lambda: BLEU(tokenize="intl", effective_order=True),
    "chrf": CHRF,
    "chrf++": lambda: CHRF(word_order=2),
    "ter": TER,
}

# Arabic and English look-alikes of real segments, with the awkward cases: empty strings,
# punctuation only, Arabic punctuation and quotes, numbers with separators, a line break,
# doubled spaces, a URL and an e-mail address.
PAIRS = [
    ("إيلون ماسك يشارك رسالة غامضة عن سام ألتمان", "إيلون ماسك يشارك رسالة غامضة حول سام ألتمان"),
    ("قام Elon Musk بتغريد رابط لرسالة غريبة يوم الثلاثاء، من المفترض أنها كتبها موظفون.",
     "غرد إيلون ماسك يوم الثلاثاء برابط لرسالة غريبة، يُفترض أن موظفين سابقين كتبوها."),
    ("كان في حدود 50%.", "بلغ نحو ٥٠٪ ."),
    ("“لا”، قال؟", "قال: «لا»؟"),
    ("مدفوعين بأفكارهما.\nالسعي الحثيث", "مدفوعين بسعيهما الحثيث"),
    ("There is no evidence that the letter Musk shared is genuine.",
     "There is no evidence pointing to that the letter that the musk shared that he is real."),
    ("It costs $2,500.50 (roughly).", "It costs 2,500.50 dollars, roughly!"),
    ("See https://board.net/p/r.e6a8 or write to former_openai@mail2tor.com.",
     "See https://board.net/p/r.e6a8 or write to السابق_openai@mail2tor.com."),
    ("", "A reference with no hypothesis."),
    ("A hypothesis with an empty reference.", ""),
    ("", ""),
    ("...", "?!"),
    ("a", "a"),
    ("  spaced   out  ", "spaced out"),
    ("x y z w v", "x y z w v"),
]


def _hyps_refs(pairs):
    return [h for h, _ in pairs], [r for _, r in pairs]


def _ntrex_pairs(n: int = 400):
    if not (NTREX / "ar.txt").is_file():
        pytest.skip("shared NTREX data absent")
    ar = (NTREX / "ar.txt").read_text("utf-8").splitlines()[:n]
    en = (NTREX / "en.txt").read_text("utf-8").splitlines()[:n]
    # Arabic hypothesis: the reference with words dropped and swapped; English: another sentence.
    hyps = [" ".join(s.split()[1::2] + s.split()[::2]) for s in ar] + en[1:] + en[:1]
    return hyps, ar + en


@pytest.mark.parametrize("name", M.METRICS)
def test_sentence_scores_identical_to_sentence_score(name):
    hyps, refs = _hyps_refs(PAIRS)
    # the row-wise API scores every pair whose reference is not blank
    ours = sentence_metrics(hyps, refs, which=(name,))[M._column(name)].to_list()
    metric = SACRE[name]()
    for h, r, got in zip(hyps, refs, ours):
        if r.strip():
            assert got == metric.sentence_score(h, [r]).score, (h, r)
        else:
            assert got is None


@pytest.mark.parametrize("name", M.METRICS)
def test_statistics_identical_to_sacrebleu(name):
    hyps, refs = _hyps_refs(PAIRS)
    ours = make_metric(name).stats(hyps, refs)
    assert ours == SACRE[name]()._extract_corpus_statistics(hyps, [refs])


@pytest.mark.slow
@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["bleu", "chrf", "chrf++"])
def test_parity_on_ntrex(name):
    hyps, refs = _ntrex_pairs()
    metric = SACRE[name]()
    expected = [metric.sentence_score(h, [r]).score for h, r in zip(hyps, refs)]
    assert sentence_metrics(hyps, refs, which=(name,))[M._column(name)].to_list() == expected
    got = corpus_metrics(hyps, refs, which=(name,))
    corpus = SACRE[name]() if name != "bleu" else BLEU(tokenize="intl")
    assert got[name] == corpus.corpus_score(hyps, [refs]).score


# Arabic letters, hamza forms, diacritics and tatweel, Latin, both digit systems, Arabic and
# Latin punctuation, symbols, and odd whitespace (no-break, em and ideographic spaces, vertical
# tab, the information separators that str.split treats as whitespace).
_ALPHABET = list("ابتةأإآلمنويىءئؤ\u064b\u064e\u0651ـ aAbBz 19٠٩۴.,،؛؟!?%٪$€+=<>“”«»()-_/'\"")
_ALPHABET += ["\n", "\t", "\u00a0", "\u2003", "\u3000", "\x0b", "\x1c", "\u200f"]
_TEXT = st.text(alphabet=st.sampled_from(_ALPHABET), max_size=40)
# Few distinct words, so that n-grams repeat within and across rows.
_WORDY = st.lists(st.sampled_from(["في", "في،", "الرسالة", "(قال)", "لا", "50%", "٥٠٪", "the", "the.", "a",
                                    "", " ", "  ", "\u00a0", "؟"]), max_size=30).map(" ".join)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=5))
def test_bleu_and_chrf_statistics_property(pairs):
    hyps, refs = _hyps_refs(pairs)
    for name in ("bleu", "chrf", "chrf++"):
        assert make_metric(name).stats(hyps, refs) == SACRE[name]()._extract_corpus_statistics(hyps, [refs])


_ANY = st.one_of(_TEXT, _WORDY, st.text(max_size=30))


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_ANY, _ANY), min_size=1, max_size=12))
def test_sentence_and_corpus_scores_property(pairs):
    # many rows in one batch: an n-gram of one row must never meet the same n-gram of another
    hyps, refs = _hyps_refs(pairs)
    for name in ("bleu", "chrf", "chrf++"):
        metric = SACRE[name]()
        expected = [metric.sentence_score(h, [r]).score if r.strip() else None for h, r in zip(hyps, refs)]
        assert sentence_metrics(hyps, refs, which=(name,))[M._column(name)].to_list() == expected
    scorable = [(h, r) for h, r in pairs if r.strip()]
    if scorable:
        h, r = _hyps_refs(scorable)
        got = corpus_metrics(h, r, which=("bleu", "chrf"))
        assert got["bleu"] == BLEU(tokenize="intl").corpus_score(h, [r]).score
        assert got["chrf"] == CHRF().corpus_score(h, [r]).score


def test_small_batches_and_many_rows(monkeypatch):
    # rows spread over several vectorised batches, and duplicates
    hyps, refs = _hyps_refs(PAIRS * 4)
    hyps = [h + " " + "x" * (i % 3) for i, h in enumerate(hyps)]
    monkeypatch.setattr(M, "CHUNK", 7)
    for name in ("bleu", "chrf", "chrf++"):
        assert make_metric(name).stats(hyps, refs) == SACRE[name]()._extract_corpus_statistics(hyps, [refs])


def test_large_alphabets_and_rows_too_varied_for_packed_keys():
    # 900 distinct CJK characters over the batch: too many for a 6-gram of global ids in 64 bits,
    # so ids are renumbered per row; the last pair has 1,300 distinct characters in one row, more
    # than even per-row ids can pack, and goes through the plain-Python path.
    cjk = [chr(0x4E00 + i) for i in range(1400)]
    hyps = ["".join(cjk[i * 30:(i + 1) * 30]) + " a b" for i in range(30)]
    refs = ["".join(cjk[i * 30 + 5:(i + 1) * 30 + 5]) + " a b b" for i in range(30)]
    hyps.append("".join(cjk[:1300]) + "".join(cjk[:50]))
    refs.append("".join(cjk[100:1300]))
    for name in ("bleu", "chrf"):
        assert make_metric(name).stats(hyps, refs) == SACRE[name]()._extract_corpus_statistics(hyps, [refs])
    units = ["".join(h.split()) for h in hyps], ["".join(r.split()) for r in refs]
    ids_h, ids_r = M._char_ids(*units)
    lens = [np.array([len(u) for u in side]) for side in units]
    _, ok = M.clipped_matches(ids_h, lens[0], ids_r, lens[1], 6)
    assert ok.tolist() == [True] * 30 + [False]


def test_clipped_matches_counts_repeats_and_respects_rows():
    # row 0: "aab" vs "aba": unigrams min(2,2)+min(1,1)=3, bigrams {ab} 1, trigrams 0
    # row 1: "ba" vs "" : nothing; row 2: "" vs "ab": nothing; row 3: "ab" vs "ab": 2, 1, 0
    ids = {"a": 0, "b": 1}
    hyp, ref = ["aab", "ba", "", "ab"], ["aba", "", "ab", "ab"]
    out, ok = M.clipped_matches(np.array([ids[c] for c in "".join(hyp)], np.uint64),
                                np.array([len(x) for x in hyp]),
                                np.array([ids[c] for c in "".join(ref)], np.uint64),
                                np.array([len(x) for x in ref]), 3)
    assert out.tolist() == [[3, 1, 0], [0, 0, 0], [0, 0, 0], [2, 1, 0]]
    assert ok.all()


def _python_regex_tokens(lines):
    tok = BLEU(tokenize="intl").tokenizer
    return [type(tok).__call__.__wrapped__(tok, line).split() for line in lines]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_TEXT, st.text(max_size=30)), min_size=1, max_size=8))
def test_batch_tokenizer_matches_sacrebleu_property(lines):
    # st.text(): any code point but surrogates, so both routes of _intl_tokens are exercised
    lines = [line.rstrip() for line in lines]
    tok = BLEU(tokenize="intl").tokenizer
    assert M._intl_tokens(lines, tok) == _python_regex_tokens(lines)


def test_batch_tokenizer_falls_back_where_the_regex_engines_disagree():
    tok = BLEU(tokenize="intl").tokenizer
    # U+20C1 (a currency sign of Unicode 17) is a symbol to `regex`, unknown to polars' engine;
    # a lone surrogate cannot enter polars; U+E000 is the Python route's separator mark.
    for odd in ("\u20c1", "\udcff", "\ue000"):
        lines = [f"a{odd}b, c", "d.e", f"{odd}"]
        assert M._intl_tokens(lines, tok) == _python_regex_tokens(lines)
    # and the metrics through them, lone surrogate included (chrF reads it as a code point)
    hyps, refs = ["a\udcff b, c\u20c1", "x y"], ["a\udcff b c", "x, y\u20c1"]
    for name in ("bleu", "chrf", "chrf++"):
        metric = SACRE[name]()
        assert sentence_metrics(hyps, refs, which=(name,))[M._column(name)].to_list() == \
            [metric.sentence_score(h, [r]).score for h, r in zip(hyps, refs)]


@pytest.mark.slow
def test_regex_engine_disagreements_are_all_listed():
    """The Rust route is only safe if \\p{P}, \\p{S} and \\p{N} agree everywhere else."""
    import regex

    codes = [c for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    chars = [chr(c) for c in codes]
    series = pl.Series(chars)
    listed = set()
    for a, z in M._RUST_REGEX_DISAGREE_RANGES:
        listed.update(range(a, z + 1))
    for cls in ("P", "S", "N"):
        pattern = regex.compile(rf"\p{{{cls}}}")
        python = np.fromiter((pattern.match(ch) is not None for ch in chars), bool, len(chars))
        rust = series.str.contains(rf"^\p{{{cls}}}$").to_numpy()
        differ = {codes[i] for i in np.flatnonzero(python != rust)}
        assert differ <= listed, sorted(differ - listed)[:10]
    assert series.str.contains(M._RUST_REGEX_DISAGREES).to_numpy().sum() == len(listed)


def test_corpus_scores_identical_to_corpus_score():
    hyps, refs = _hyps_refs([p for p in PAIRS if p[1].strip()])
    got = corpus_metrics(hyps, refs, which=M.METRICS)
    assert got["bleu"] == BLEU(tokenize="intl").corpus_score(hyps, [refs]).score
    assert got["chrf"] == CHRF().corpus_score(hyps, [refs]).score
    assert got["chrf++"] == CHRF(word_order=2).corpus_score(hyps, [refs]).score
    assert got["ter"] == TER().corpus_score(hyps, [refs]).score
    assert got["bleu_signature"] == "nrefs:1|case:mixed|eff:no|tok:intl|smooth:exp|version:2.6.0"
    assert got["chrf_text"].startswith("chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|")


def test_matches_the_sacrebleu_command_line(tmp_path):
    hyps, refs = _hyps_refs([p for p in PAIRS if p[1].strip()])
    (tmp_path / "hyp.txt").write_text("\n".join(h.replace("\n", " ") for h in hyps) + "\n", "utf-8")
    (tmp_path / "ref.txt").write_text("\n".join(r.replace("\n", " ") for r in refs) + "\n", "utf-8")
    hyps = [h.replace("\n", " ") for h in hyps]
    refs = [r.replace("\n", " ") for r in refs]
    out = subprocess.run([str(SACREBLEU_CLI), str(tmp_path / "ref.txt"), "-i", str(tmp_path / "hyp.txt"),
                          "-m", "bleu", "chrf", "ter", "-tok", "intl", "-w", "6", "-f", "json"],
                         capture_output=True, text=True, check=True).stdout
    cli = {entry["name"]: entry for entry in json.loads(out)}
    ours = corpus_metrics(hyps, refs)
    for name, key in (("BLEU", "bleu"), ("chrF2", "chrf"), ("TER", "ter")):
        assert cli[name]["score"] == round(ours[key], 6)
        assert cli[name]["signature"] == ours[f"{key}_signature"]
    # sentence level (one metric at a time in the CLI)
    out = subprocess.run([str(SACREBLEU_CLI), str(tmp_path / "ref.txt"), "-i", str(tmp_path / "hyp.txt"),
                          "-m", "bleu", "-tok", "intl", "-w", "6", "-sl", "-f", "text"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    cli_scores = [float(line.split(" = ")[1].split()[0]) for line in out]
    assert cli_scores == [round(s, 6) for s in sentence_metrics(hyps, refs, which=("bleu",))["bleu"]]


def test_nulls_and_empty_strings():
    df = sentence_metrics(["same words here", None, "", "text", "text"],
                          ["same words here", "ref", "a real reference", None, "   "])
    assert df.columns == ["bleu", "chrf", "ter"]
    assert df.row(0) == pytest.approx((100.0, 100.0, 0.0))
    assert df.row(1) == (None, None, None)  # no hypothesis
    assert df.row(2) == (0.0, 0.0, 100.0)  # empty translation of a real reference: scored
    assert df.row(3) == (None, None, None)  # no reference
    assert df.row(4) == (None, None, None)  # blank reference
    assert corpus_metrics([None], [None]) == {}


def test_duplicates_are_scored_once_but_counted_in_the_corpus():
    hyps = ["the cat sat", "the cat sat", "a dog"]
    refs = ["the cat sat down", "the cat sat down", "the dog"]
    got = corpus_metrics(hyps, refs, which=("bleu", "chrf"))
    assert got["bleu"] == BLEU(tokenize="intl").corpus_score(hyps, [refs]).score
    assert got["chrf"] == CHRF().corpus_score(hyps, [refs]).score


def test_process_pool_gives_the_same_numbers(monkeypatch):
    hyps, refs = _hyps_refs(PAIRS * 3)
    hyps = [h + f" {i}" for i, h in enumerate(hyps)]
    serial = sentence_metrics(hyps, refs, which=("bleu", "chrf"), workers=1)
    monkeypatch.setattr(M, "PARALLEL_MIN_PAIRS", 10)
    monkeypatch.setattr(M, "CHUNK", 7)
    assert sentence_metrics(hyps, refs, which=("bleu", "chrf"), workers=2).equals(serial)
    assert corpus_metrics(hyps, refs, workers=2) == corpus_metrics(hyps, refs, workers=1)


def test_unknown_metric_and_length_mismatch():
    with pytest.raises(ValueError, match="unknown metric"):
        sentence_metrics(["a"], ["a"], which=("meteor",))
    with pytest.raises(ValueError, match="hypotheses"):
        sentence_metrics(["a", "b"], ["a"])


def test_segment_metrics_columns():
    seg = pl.DataFrame({
        SOURCE: ["The letter is genuine.", "Leave", "", "Hello world."],
        TARGET: ["الرسالة حقيقية.", "", "اترك تعليقاً", "مرحبا بالعالم."],
        BT: ["The letter is real.", None, "Leave a comment", "Hello world."],
        REFERENCE: ["الرسالة أصلية.", "اترك", None, "مرحبا بالعالم."],
    })
    out = segment_metrics(seg)
    assert out.columns == [BT_CHRF, REF_BLEU, REF_CHRF, REF_TER]
    chrf, bleu, ter = CHRF(), BLEU(tokenize="intl", effective_order=True), TER()
    assert out[BT_CHRF].to_list() == [chrf.sentence_score("The letter is real.", ["The letter is genuine."]).score,
                                      None, None, 100.0]
    assert out[REF_BLEU].to_list()[:3] == [bleu.sentence_score("الرسالة حقيقية.", ["الرسالة أصلية."]).score,
                                           0.0, None]
    assert out[REF_TER][3] == 0.0 and out[REF_CHRF][3] == 100.0
    # absent columns: all null, same height
    bare = segment_metrics(seg.select(SOURCE, TARGET))
    assert bare.height == 4 and bare.null_count().row(0) == (4, 4, 4, 4)
    # already present: not recomputed
    done = M.with_segment_metrics(seg)
    assert M.with_segment_metrics(done) is done


def test_bleu_sentence_scores_follow_compute_bleu_on_edge_statistics():
    # statistics sacrebleu never meets on real text too: no n-gram at some order, matches only
    # at higher orders, zero lengths; our per-row formula must agree with compute_bleu on all
    from sacrebleu.utils import my_log

    assert M._LOG_ZERO == my_log(0.0)
    metric = make_metric("bleu")
    rows = [[0, 3, 0, 0, 0, 0, 0, 0, 0, 0], [1, 0, 1, 0, 0, 0, 1, 0, 0, 0],
            [5, 9, 3, 0, 1, 0, 5, 4, 3, 2], [3, 3, 0, 0, 1, 0, 3, 2, 1, 0],
            [40, 38, 30, 20, 10, 5, 40, 39, 38, 37], [2, 7, 2, 1, 0, 0, 2, 1, 0, 0]]
    sacre = SACRE["bleu"]()
    assert metric.sentence_scores(rows) == [sacre._compute_score_from_stats(list(r)).score for r in rows]
