"""Meaning checks: the back-translation or the reference says something else, a number or a name
got lost on the way back, a negation appeared or disappeared.

Metric columns (review.schema BT_CHRF, REF_CHRF) are taken from the frame when review.score (or
anyone) already computed them, otherwise computed here once with review.metrics.
"""

from __future__ import annotations

import functools
from importlib import resources

import polars as pl

from review.checks.base import ROW, CheckContext, implements, no_hits
from review.checks.spans import compare_items, find_spans
from review.checks.text import quote_expr
from review.normalize import fold_digits_expr
from review.schema import BEAD, BT, BT_CHRF, DOC, REF_CHRF, REFERENCE, SOURCE, TARGET

# A document's own tail: robust z-score below this, and the score also below TAIL_CEILING.
ROBUST_Z = 3.5
TAIL_CEILING = 50.0
MIN_DOC_SEGMENTS = 8
# chrF of very short segments swings with one paraphrased word: they need this many source words.
MIN_WORDS = 8


def _metric_column(frame: pl.DataFrame, column: str) -> pl.Series:
    if column in frame.columns:
        return frame[column].cast(pl.Float64)
    from review.metrics import segment_metrics

    return segment_metrics(frame)[column]


def _low_tail(frame: pl.DataFrame, column: str, threshold: float, text: str) -> pl.DataFrame:
    """Rows with `column` below `threshold`, or in the robust low tail of their document."""
    f = frame.with_columns(_metric_column(frame, column).alias("_m"))
    f = f.filter(pl.col("_m").is_not_null())
    if BEAD in f.columns:
        f = f.filter(~pl.col(BEAD).fill_null("").is_in(["1-0", "0-1"]))  # the boundary family's
    if f.height == 0:
        return f
    by = [DOC] if DOC in f.columns else []
    m = pl.col("_m")
    med = m.median().over(by) if by else m.median()
    mad = (m - med).abs().median()
    mad = mad.over(by) if by else mad
    n = pl.len().over(by) if by else pl.len()
    f = f.with_columns(((m - med) / (1.4826 * pl.max_horizontal(mad, pl.lit(1.0)))).alias("_z"),
                       (n >= MIN_DOC_SEGMENTS).alias("_stats"), med.alias("_med"))
    long_enough = pl.col(SOURCE).fill_null("").str.count_matches(r"\S+") >= MIN_WORDS
    low = (m < threshold) | (pl.col("_stats") & (pl.col("_z") < -ROBUST_Z) & (m < TAIL_CEILING))
    return f.filter(low & long_enough & (pl.col(text).fill_null("").str.strip_chars() != ""))


@implements("bt_low_chrf")
def bt_low_chrf(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    if BT not in frame.columns or frame[BT].null_count() == frame.height:
        return no_hits()
    found = _low_tail(frame, BT_CHRF, float(ctx.params.get("threshold", 35.0)), BT)
    if found.height == 0:
        return no_hits()
    return found.select(
        ROW,
        pl.format("The back-translation is far from the source (chrF {}; document median {}): '{}'.",
                  pl.col("_m").round(1), pl.col("_med").round(1), quote_expr(BT)).alias("message"),
        pl.lit("bt").alias("side"),
    )


@implements("ref_low_chrf")
def ref_low_chrf(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    if REFERENCE not in frame.columns or frame[REFERENCE].null_count() == frame.height:
        return no_hits()
    found = _low_tail(frame, REF_CHRF, float(ctx.params.get("threshold", 30.0)), TARGET)
    if found.height == 0:
        return no_hits()
    return found.select(
        ROW,
        pl.format("The target is far from the reference (chrF {}; document median {}); reference: '{}'.",
                  pl.col("_m").round(1), pl.col("_med").round(1), quote_expr(REFERENCE)).alias("message"),
        pl.lit("target").alias("side"),
    )


# --------------------------------------------------------------------------- bt_missing
_NUMBER = r"\d+(?:[.,:/]\d+)*"
_NAME = r"\b[A-Z][A-Za-z0-9]*(?:[-'][A-Z][A-Za-z0-9]*)*\b"
# Capitalised words that are not names (sentence starts, headings) when seen alone.
CAPITALISED_FUNCTION_WORDS = frozenset("""
A An The This That These Those It Its He She They We You I Our Their His Her My Your In On At By
For From To Of With Without As And But Or Nor If When While After Before Since Until Although Though
Because So Yet Still However Also Then There Here What Who Which Where Why How All Some Many Most
Any Each Every No Not None Both Either Neither One Two Three First Last Next Other Such Even Just
Only Despite Throughout Among Between According Over Under About Into Through During Meanwhile Now
Mr Mrs Ms Dr Prof Sir Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February
March April May June July August September October November December
""".split())
_HEADING_SHARE = 0.6  # a source whose words are mostly capitalised is a title: its words are not names


@functools.cache
def name_words() -> dict[str, list[str]]:
    """English words that are also parts of names -> their Arabic dictionary translations (data file)."""
    text = resources.files("review.checks").joinpath("data/name_words.tsv").read_text("utf-8")
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("word\t"):
            continue
        word, _, forms = line.partition("\t")
        out[word.strip().lower()] = [f.strip() for f in forms.split("|") if f.strip()]
    return out


def source_names(frame: pl.DataFrame) -> pl.DataFrame:
    """Capitalised words of the source that are names: ROW, match, start, end (+ DOC when present).

    A capitalised word counts when it is not a function word, the source is not a title, and it
    is either inside the sentence or also seen capitalised inside a sentence of the same document.
    """
    keep = (DOC,) if DOC in frame.columns else ()
    src = pl.col(SOURCE).fill_null("")
    words = src.str.count_matches(r"[A-Za-z]+")
    caps = src.str.count_matches(r"\b[A-Z][A-Za-z]*")
    # A title: mostly capitalised words and no sentence-final punctuation.
    rows = frame.filter((caps < _HEADING_SHARE * words) | src.str.strip_chars().str.contains(r"[.!?…][\"”’»)]*$"))
    toks = find_spans(rows, SOURCE, _NAME, keep=(SOURCE, *keep))
    toks = toks.filter(~pl.col("match").is_in(list(CAPITALISED_FUNCTION_WORDS))
                       & pl.col("match").str.contains(r"[a-z]"))  # ALL-CAPS acronyms get expanded
    before = pl.col(SOURCE).str.slice(0, pl.col("start")).str.strip_chars_end()
    initial = (before == "") | before.str.contains(r"[.!?:;“\"«*#>•]$")
    toks = toks.with_columns(initial.alias("_initial"))
    inside = toks.filter(~pl.col("_initial")).select(*keep, "match").unique()
    confirmed = toks.join(inside.with_columns(pl.lit(True).alias("_seen")), on=[*keep, "match"], how="left")
    return confirmed.filter(~pl.col("_initial") | pl.col("_seen").fill_null(False)).select(
        ROW, *keep, "match", "start", "end")


@implements("bt_missing")
def bt_missing(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    if BT not in frame.columns:
        return no_hits()
    rows = frame.filter(pl.col(BT).is_not_null() & (pl.col(SOURCE).fill_null("").str.strip_chars() != ""))
    if rows.height == 0:
        return no_hits()
    rows = rows.with_columns(fold_digits_expr(pl.col(SOURCE).fill_null("")).alias("_src"),
                             fold_digits_expr(pl.col(BT).fill_null("")).alias("_bt"))
    parts = []
    # numbers: multiset of the source's numbers minus the back-translation's
    key = pl.col("match").str.replace_all(r"(\d),(\d{3})", "$1$2").str.strip_chars(".,:/")
    sn = find_spans(rows, "_src", _NUMBER).with_columns(key.alias("key"), pl.col("match").alias("text"))
    bn = find_spans(rows, "_bt", _NUMBER).with_columns(key.alias("key"), pl.col("match").alias("text"))
    missing, _ = compare_items(sn.select(ROW, "key", "text", "start", "end"),
                               bn.select(ROW, "key", "text", "start", "end"))
    parts.append(missing.select(
        ROW, pl.format("The number '{}' of the source is missing from the back-translation.",
                       pl.col("text")).alias("message"), "start", "end"))
    # names: absent from the back-translation, or present only as the common noun (the musk)
    names = source_names(rows)
    if names.height:
        common = list(name_words())
        bt_lower = rows.select(ROW, pl.col(BT).fill_null("").alias("_bt"))
        names = names.join(bt_lower, on=ROW)
        word = pl.col("match")
        as_name = pl.col("_bt").str.contains(pl.lit(r"\b") + word + pl.lit(r"\b"))
        any_case = pl.col("_bt").str.to_lowercase().str.contains(pl.lit(r"\b") + word.str.to_lowercase()
                                                                   + pl.lit(r"\b"))
        lowered = word.str.to_lowercase().is_in(common) & ~as_name
        lost = names.filter(~any_case | lowered)
        parts.append(lost.select(
            ROW,
            pl.when(any_case)
            .then(pl.format("The name '{}' comes back as the common word '{}' in the back-translation: "
                            "it was translated, not kept.", word, word.str.to_lowercase()))
            .otherwise(pl.format("The name '{}' of the source is missing from the back-translation.", word))
            .alias("message"), "start", "end"))
    out = pl.concat([p.with_columns(pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64)) for p in parts])
    if out.height == 0:
        return no_hits()
    return out.with_columns(pl.lit("source").alias("side"))


# --------------------------------------------------------------------------- polarity
# Explicit negation. Weak forms (affixes, "without", "lack", "fail", غير بدون عدم دون) only
# excuse the other side: a lost/added negation is reported only when the other side has neither.
EN_STRONG = r"(?i)\b(?:not|never|no|none|nobody|nothing|neither|nor|cannot|nowhere)\b|n['’]t\b"
EN_NOT_NEGATION = r"(?i)not only\b|not least\b|no doubt\b|no matter\b|no\.\s?\d"
EN_WEAK = (r"(?i)\b(?:without|lack\w*|fail\w*|refus\w*|den(?:y|ied|ies)|absen\w*|hardly|barely|unless|"
           r"only|until|still|instead|rather|except|neither|nor|nothing|anymore|longer|ban\w*|yet|ever|scarcely|"
           r"prevent\w*|stop\w*|avoid\w*|reject\w*|declin\w*|impossible|unable|"
           r"(?:un|in|im|il|ir|non|dis|mis)-?[a-z]{3,}|[a-z]+less)\b")
AR_STRONG = r"\b[وف]?(?:لا|لم|لن|ليس|ليست|لست|ليسوا|لسنا|ليسا|ألا|كلا)\b"
# Particles that look like negation but are not: لا سيما (especially), لا بد (must), لا يزال/ما زال
# (still), لا شك (no doubt), لا أكثر ولا أقل, ... إلا (only).
AR_NOT_NEGATION = (r"لا\s*(?:سيما|سيّما|بد|بُد|يزال|تزال|يزالون|نزال|أزال|زال|شك|محالة|غنى)"
                   r"|ولا\s+سيما|\sإلا\s|\sإلّا\s")
AR_WEAK = r"\b[وفبل]?(?:غير|بدون|دون|عدم|ما|إلا|سوى|بلا|رفض\w*|منع\w*|فشل\w*|امتنع\w*|توقف\w*|تجنب\w*)\b"


def _has(col: str, pattern: str, unless: str | None = None) -> pl.Expr:
    text = pl.col(col).fill_null("")
    if unless:
        text = text.str.replace_all(unless, " ")
    return text.str.contains(pattern)


def polarity_flags(frame: pl.DataFrame) -> pl.DataFrame:
    """ROW, kind ('lost' or 'added') for rows whose negation appears on one side only."""
    f = frame.select(
        ROW, SOURCE, TARGET,
        _has(SOURCE, EN_STRONG, EN_NOT_NEGATION).alias("_en"),
        (_has(SOURCE, EN_STRONG) | _has(SOURCE, EN_WEAK)).alias("_en_any"),
        _has(TARGET, AR_STRONG, AR_NOT_NEGATION).alias("_ar"),
        (_has(TARGET, AR_STRONG) | _has(TARGET, AR_WEAK)).alias("_ar_any"),
    )
    lost = f.filter(pl.col("_en") & ~pl.col("_ar_any")).with_columns(pl.lit("lost").alias("kind"))
    # A Spanish/French article La (La Bomba -> لا بومبا) is no negation.
    foreign_la = pl.col(SOURCE).fill_null("").str.contains(r"\bLa\s+[A-Z]")
    added = f.filter(pl.col("_ar") & ~pl.col("_en_any") & ~foreign_la).with_columns(pl.lit("added").alias("kind"))
    return pl.concat([lost, added]).select(ROW, SOURCE, TARGET, "kind")


@implements("polarity")
def polarity(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    rows = frame.filter((pl.col(SOURCE).fill_null("").str.strip_chars() != "")
                        & (pl.col(TARGET).fill_null("").str.strip_chars() != ""))
    if BEAD in rows.columns:
        rows = rows.filter(~pl.col(BEAD).fill_null("").is_in(["1-0", "0-1"]))
    found = polarity_flags(rows)
    if found.height == 0:
        return no_hits()
    lost = found.filter(pl.col("kind") == "lost")
    added = found.filter(pl.col("kind") == "added")
    parts = []
    if lost.height:
        spans = find_spans(lost, SOURCE, EN_STRONG, keep=(SOURCE,))
        spans = spans.filter(~pl.col(SOURCE).str.slice(pl.col("start")).str.contains(f"^(?:{EN_NOT_NEGATION})"))
        first = spans.group_by(ROW).agg(pl.all().sort_by("start").first())
        parts.append(first.select(
            ROW, pl.format("The source is negated ('{}') but the target has no negation: the meaning may "
                           "be reversed.", pl.col("match")).alias("message"),
            pl.lit("source").alias("side"), "start", "end"))
    if added.height:
        spans = find_spans(added, TARGET, AR_STRONG, keep=(TARGET,))
        spans = spans.filter(~(pl.col(TARGET).str.slice(pl.col("start")).str.contains(f"^(?:{AR_NOT_NEGATION})")))
        first = spans.group_by(ROW).agg(pl.all().sort_by("start").first())
        parts.append(first.select(
            ROW, pl.format("The target is negated ('{}') but the source has no negation: the meaning may "
                           "be reversed.", pl.col("match")).alias("message"),
            pl.lit("target").alias("side"), "start", "end"))
    if not parts:
        return no_hits()
    return pl.concat([p.with_columns(pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64))
                      for p in parts])
