"""Form checks without a reference: empty, untranslated, length outliers, truncation."""

from __future__ import annotations

import functools
import re

import polars as pl

from review.checks.base import ROW, SMALL_FRAME, CheckContext, collect, gate, implements, no_hits
from review.checks.text import (AR_WORD, URL_OR_EMAIL_RE, arabic_target, latin_possible, latin_share_rows,
                                not_bead, quote_expr, target_is_arabic)
from review.normalize import SRC_DIGITS, TGT_DIGITS
from review.schema import BEAD, DOC, SOURCE, TARGET, TGT_LANG

# Median target/source character ratio of professional English->Arabic news (NTREX-128 dev,
# 988 pairs, measured): 0.91; 1% of pairs fall below 0.62 and 1% above 1.61.
EXPECTED_RATIO = 0.91
# A per-document z-score alone is not enough: the ratio must also be well away from the
# expected one, so that a document with a tight ratio distribution does not flag normal pairs.
Z_SHORT_RATIO = 0.70 * EXPECTED_RATIO
Z_LONG_RATIO = 1.80 * EXPECTED_RATIO  # short headlines often grow by 60%
MIN_DOC_SEGMENTS = 8  # fewer eligible segments: no per-document statistics, bounds only
MAD_FLOOR = 0.08  # log-ratio spread of a document is at least this (avoid z on near-identical ratios)

_SENTENCE_END = r"[.!?…]['\"”’»)\]]*\s*$"
_TARGET_END = r"[.!?؟…:;؛»”\"'’)\]}*]\s*$|[0-9%]\s*$"
# Words a sentence cannot end on. Short words that also spell letters of transliterated acronyms
# (في in تي في "TV", إن in سي إن إن, أو in إتش بي أو, بين "Bean") are left out.
_DANGLING = ("من", "إلى", "على", "عن", "الذي", "التي", "الذين", "لكن", "حتى", "ثم", "أ")
_DANGLING_RE = r"(?:^|\s)(?:" + "|".join(_DANGLING) + r")\s*[.،,]?\s*$"
# Without closing punctuation the target is only "truncated" (major) when it also ends on a
# dangling word or is clearly short; a complete sentence that just lacks its full stop is minor.
TRUNCATED_SHORT_RATIO = 0.70 * EXPECTED_RATIO
# Clause breaks: where a sentence divides into clauses (English and Arabic commas, semicolons,
# colons, dashes).
_CLAUSE_BREAK_SRC = r"[,;:]\s|\s[—–-]\s"
_CLAUSE_BREAK_TGT = r"[,،;؛:]\s?|\s[—–-]\s"

def _stripped(col: str) -> pl.Expr:
    return pl.col(col).fill_null("").str.strip_chars()


@gate("empty_target")
def _empty_target_gate(src: str, tgt: str) -> bool:
    # Python strips every character polars does (and a few more): a target empty for polars is
    # empty here.
    return not tgt.strip()


@implements("empty_target")
def empty_target(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    # 1-0 beads are the boundary family's omission_bead: no second flag for the same fact.
    found = frame.filter((_stripped(SOURCE) != "") & (_stripped(TARGET) == "") & not_bead(frame, ["1-0"]))
    if found.height == 0:
        return no_hits()
    return found.select(ROW, pl.lit("The source has text but the target is empty.").alias("message"),
                        pl.lit("target").alias("side"))


@functools.cache
def _untranslated_gate(min_share: float, min_letters: int, with_lang: bool, default_lang: str) -> pl.Expr:
    """False where untranslated cannot find anything (built once per setting: it runs on every
    save)."""
    src, tgt = _stripped(SOURCE), _stripped(TARGET)
    latin = (arabic_target(with_lang, default_lang) & (src != tgt) & pl.col(TARGET).str.contains(r"[a-z]{2}")
             & latin_possible(TARGET, min_share, min_letters))
    return (src == tgt) & (src != "") | latin


_LATIN_PAIR = re.compile("[a-z]{2}")


@gate("untranslated")
def _untranslated_rows(src: str, tgt: str) -> bool:
    # The identical pair (texts equal once polars strips them are equal once Python strips them),
    # or a target with two lowercase Latin letters in a row (latin_share_rows' first filter).
    return src.strip() == tgt.strip() or _LATIN_PAIR.search(tgt) is not None


@implements("untranslated")
def untranslated(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    min_share = float(ctx.params["min_latin_share"])
    min_letters = int(ctx.params["min_letters"])
    src, tgt = _stripped(SOURCE), _stripped(TARGET)
    if frame.height <= SMALL_FRAME:  # a correction re-checked: one query usually settles it
        gate = _untranslated_gate(min_share, min_letters, TGT_LANG in frame.columns, ctx.tgt_lang)
        if not frame.select(gate.any()).item():
            return no_hits()
    # One query: the identical pairs, and the Arabic targets still mostly in Latin script.
    base = frame.lazy().select(ROW, SOURCE, TARGET, *([TGT_LANG] if TGT_LANG in frame.columns else []))
    src_letters = src.str.replace_all(URL_OR_EMAIL_RE, " ").str.count_matches(r"[A-Za-z]")
    # (The letters are counted in a column of their own: a filter on it cannot be pushed down to all rows.)
    same = (base.filter((src == tgt) & (src != "")).with_columns(src_letters.alias("_letters"))
            .filter(pl.col("_letters") >= min_letters)
            .select(ROW, TARGET, pl.lit(True).alias("_ident"), pl.lit(None, pl.Float64).alias("_share")))
    english = latin_share_rows(base.filter(target_is_arabic(frame, ctx) & (src != tgt)), TARGET, min_share,
                               min_letters).select(ROW, TARGET, pl.lit(False).alias("_ident"), "_share")
    message = (pl.when(pl.col("_ident"))
               .then(pl.format("The target is identical to the source: '{}'.", quote_expr(TARGET)))
               .otherwise(pl.format("The target is still mostly in Latin script ({}% of its letters): '{}'.",
                                    (pl.col("_share") * 100).round(0).cast(pl.Int64), quote_expr(TARGET))))
    return collect(pl.concat([same, english]).select(ROW, message.alias("message"), pl.lit("target").alias("side")))


def _length_frame(frame: pl.DataFrame, min_source_chars: int) -> pl.DataFrame:
    return collect(_length_query(frame, min_source_chars))


def _length_query(frame: pl.DataFrame, min_source_chars: int) -> pl.LazyFrame:
    src_len = _stripped(SOURCE).str.len_chars()
    tgt_len = _stripped(TARGET).str.len_chars()
    by_doc = [pl.col(DOC)] if DOC in frame.columns else []
    eligible = (frame.lazy().with_columns(src_len.alias("_sl"), tgt_len.alias("_tl"))
                .filter((pl.col("_sl") >= min_source_chars) & (pl.col("_tl") > 0) & not_bead(frame, ["1-0", "0-1"])))
    eligible = eligible.with_columns((pl.col("_tl") / pl.col("_sl")).alias("_ratio"))
    lr = pl.col("_ratio").log()
    med = lr.median().over(by_doc) if by_doc else lr.median()
    eligible = eligible.with_columns(lr.alias("_lr"), med.alias("_med"))
    mad = (pl.col("_lr") - pl.col("_med")).abs().median()
    mad = mad.over(by_doc) if by_doc else mad
    n = pl.len().over(by_doc) if by_doc else pl.len()
    eligible = eligible.with_columns(
        ((pl.col("_lr") - pl.col("_med")) / (1.4826 * pl.max_horizontal(mad, pl.lit(MAD_FLOOR)))).alias("_z"),
        (n >= MIN_DOC_SEGMENTS).alias("_stats"),
        pl.col("_med").exp().alias("_doc_ratio"),
    )
    # The pair's ratio as a share of its document's usual one (of the expected one in a document
    # too small for statistics): a translator's own habit (longer or shorter) cancels out.
    usual = pl.when(pl.col("_stats")).then(pl.col("_doc_ratio")).otherwise(pl.lit(EXPECTED_RATIO))
    return eligible.with_columns((pl.col("_ratio") / usual).alias("_rel"))


def _without_statistics(frame: pl.DataFrame) -> bool:
    """Too few rows for any document to have statistics (_stats false everywhere): a correction
    being re-checked. Whether a row can be a length outlier is then one cheap query."""
    return frame.height < MIN_DOC_SEGMENTS


@functools.cache
def _length_ratio(with_bead: bool, min_source_chars: int) -> tuple[pl.Expr, pl.Expr]:
    """Whether a row is eligible, and its ratio, as _length_query has them (built once: the
    gates below run on every save)."""
    src_len, tgt_len = _stripped(SOURCE).str.len_chars(), _stripped(TARGET).str.len_chars()
    eligible = (src_len >= min_source_chars) & (tgt_len > 0) & not_bead(with_bead, ["1-0", "0-1"])
    return eligible, tgt_len / src_len


def _short_possible(frame: pl.DataFrame, p: dict) -> pl.Expr:
    """Without statistics: the rows length_short's first filter keeps (the usual ratio is the
    expected one)."""
    return _short_gate(BEAD in frame.columns, int(p["min_source_chars"]), int(p["doc_min_source_chars"]),
                       float(p["min_ratio"]), float(p["doc_share"]), float(p["doc_share_anchors"]))


@functools.cache
def _short_gate(with_bead: bool, min_source_chars: int, doc_min_source_chars: int, min_ratio: float,
                doc_share: float, doc_share_anchors: float) -> pl.Expr:
    eligible, ratio = _length_ratio(with_bead, min_source_chars)
    rel = ratio / EXPECTED_RATIO
    long_enough = _stripped(SOURCE).str.len_chars() >= doc_min_source_chars
    return eligible & ((ratio < min_ratio) | (long_enough & ((rel < doc_share) | (rel < doc_share_anchors))))


def _length_message(kind: str) -> pl.Expr:
    return pl.format(
        f"The target is {kind} than expected: {{}} characters for {{}} in the source (ratio {{}}; "
        "usual in this document {}, expected about " + f"{EXPECTED_RATIO}).",
        pl.col("_tl"), pl.col("_sl"), pl.col("_ratio").round(2), pl.col("_doc_ratio").round(2))


@implements("length_short")
def length_short(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    p = ctx.params
    z, min_ratio = float(p["robust_z"]), float(p["min_ratio"])
    rel_short, rel_major = float(p["doc_share"]), float(p["doc_share_major"])
    if _without_statistics(frame) and not frame.select(_short_possible(frame, p).any()).item():
        return no_hits()
    lf = _length_query(frame, int(p["min_source_chars"]))
    outlier = ((pl.col("_ratio") < min_ratio)
               | (pl.col("_stats") & (pl.col("_z") < -z) & (pl.col("_ratio") < Z_SHORT_RATIO)))
    # A dropped clause takes a third or more of the sentence: the ratio falls below a share of the
    # document's usual ratio while staying inside the spread of the whole corpus. Clause-level
    # evidence makes it major: far below the usual ratio, or fewer clause breaks (commas, colons,
    # dashes) in the target than in the source, where the lost clause was.
    long_enough = pl.col("_sl") >= int(p["doc_min_source_chars"])
    # The clause evidence below is counted only on the rows that can be found (a superset of
    # `outlier | clause` that does not need it).
    lf = lf.filter(outlier | (long_enough & ((pl.col("_rel") < rel_short)
                                             | (pl.col("_rel") < float(p["doc_share_anchors"])))))
    src_breaks = pl.col(SOURCE).fill_null("").str.count_matches(_CLAUSE_BREAK_SRC)
    tgt_breaks = pl.col(TARGET).fill_null("").str.count_matches(_CLAUSE_BREAK_TGT)
    # Anchors: digit groups of the source (any digit system, folded) that the target lacks; a lost
    # clause takes its date or amount with it ("on May 30, 2005", "at about 09:30").
    src_col, tgt_col = (SRC_DIGITS, TGT_DIGITS) if SRC_DIGITS in frame.columns else (SOURCE, TARGET)
    numbers = lambda c: pl.col(c).fill_null("").str.extract_all("[0-9]+").list.unique()  # noqa: E731
    lost = numbers(src_col).list.set_difference(numbers(tgt_col)).list.len()
    lf = lf.with_columns(src_breaks.alias("_sb"), tgt_breaks.alias("_tb"), lost.alias("_lost"))
    clause = long_enough & ((pl.col("_rel") < rel_short)
                            | ((pl.col("_lost") > 0) & (pl.col("_rel") < float(p["doc_share_anchors"]))))
    found = lf.filter(outlier | clause)
    major = outlier | (pl.col("_rel") < rel_major) | (pl.col("_tb") < pl.col("_sb")) | (pl.col("_lost") > 0)
    message = pl.when(outlier).then(_length_message("much shorter")).otherwise(pl.format(
        "The target is {}% of the length this document's translations usually have for such a source "
        "({} characters for {}; {} clause breaks in the source, {} in the target; {} numbers of the source "
        "missing): a clause may be missing.",
        (pl.col("_rel") * 100).round(0).cast(pl.Int64), pl.col("_tl"), pl.col("_sl"), pl.col("_sb"),
        pl.col("_tb"), pl.col("_lost")))
    return collect(found.select(
        ROW, message.alias("message"), pl.lit("target").alias("side"),
        pl.when(major).then(pl.lit(None, pl.String)).otherwise(pl.lit("minor")).alias("severity")))


@implements("length_long")
def length_long(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    p = ctx.params
    z, max_ratio = float(p["robust_z"]), float(p["max_ratio"])
    if _without_statistics(frame):  # the ratio alone decides
        eligible, ratio = _length_ratio(BEAD in frame.columns, int(p["min_source_chars"]))
        if not frame.select((eligible & (ratio > max_ratio)).any()).item():
            return no_hits()
    found = _length_query(frame, int(p["min_source_chars"])).filter(
        (pl.col("_ratio") > max_ratio) | (pl.col("_stats") & (pl.col("_z") > z) & (pl.col("_ratio") > Z_LONG_RATIO)))
    return collect(found.select(ROW, _length_message("much longer").alias("message"), pl.lit("target").alias("side")))


@functools.cache
def _truncated_rows(with_bead: bool) -> pl.Expr:
    """The rows truncated reports (built once: it runs on every save). The end patterns allow
    white space before the end, and a target with an Arabic letter is not empty: the filter
    reads the texts as they are (stripping every text costs a copy)."""
    return (pl.col(SOURCE).str.contains(_SENTENCE_END)
            & (~pl.col(TARGET).str.contains(_TARGET_END) | pl.col(TARGET).str.contains(_DANGLING_RE))
            & not_bead(with_bead, ["1-0", "0-1"]) & pl.col(TARGET).str.contains(AR_WORD))


_SENTENCE_END_PY = re.compile(_SENTENCE_END)  # Python's \s and $ accept more than polars': a superset
_AR_WORD_PY = re.compile(AR_WORD)
_DANGLING_PY = re.compile(_DANGLING_RE)
# The target's closed ending (_TARGET_END), decided only where polars decides it too: polars' \s
# is exactly these characters (Unicode White_Space), and its [0-9] is ASCII.
_WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_CLOSERS = frozenset(".!?؟…:;؛»”\"'’)]}*0123456789%")


@gate("truncated")
def _truncated_gate(src: str, tgt: str) -> bool:
    if _SENTENCE_END_PY.search(src) is None or _AR_WORD_PY.search(tgt) is None:
        return False
    body = tgt.rstrip(_WHITE_SPACE)
    return not body or body[-1] not in _CLOSERS or _DANGLING_PY.search(tgt) is not None


@implements("truncated")
def truncated(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    found = frame.filter(_truncated_rows(BEAD in frame.columns))
    if found.height == 0:
        return no_hits()
    src, tgt = _stripped(SOURCE), _stripped(TARGET)
    dangling = tgt.str.contains(_DANGLING_RE)
    tail = tgt.str.extract(r"(\S+(?:\s+\S+)?)\s*$", 1)
    ratio = tgt.str.len_chars() / src.str.len_chars().clip(lower_bound=1)
    severe = dangling | (ratio < TRUNCATED_SHORT_RATIO)
    end = pl.col(TARGET).fill_null("").str.strip_chars_end().str.len_chars()
    message = (pl.when(severe)
               .then(pl.format("The source ends a sentence but the target stops at '…{}'.", tail))
               .otherwise(pl.format("The source ends a sentence but the target ends at '…{}' without closing "
                                    "punctuation.", tail)))
    return found.select(
        ROW, message.alias("message"), pl.lit("target").alias("side"),
        (end - tail.str.len_chars()).cast(pl.Int64).alias("start"),
        end.cast(pl.Int64).alias("end"),
        pl.when(severe).then(pl.lit(None, pl.String)).otherwise(pl.lit("minor")).alias("severity"),
    )
