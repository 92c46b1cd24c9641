"""Consistency checks: the glossary / do-not-translate list, and one source translated two ways
(or one translation standing for two sources) within the corpus.

Terms match clitic-aware on the target (review.normalize.match_key): وOpenAI, لشركة OpenAI,
بأوبن إيه آي and والأنثروبيك all contain their term.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl

from review.arabic import AR_LETTERS, CLITIC_LETTERS
from review.checks.base import ROW, CheckContext, implements, no_hits
from review.checks.spans import find_spans
from review.checks.text import quote_expr
from review.errors import InputError
from review.normalize import SRC_NORM, TGT_NORM, match_key, match_key_expr, normalize_expr, strip_clitics_expr
from review.schema import BEAD, SEG, SOURCE, TARGET

TERM = "term"
TARGETS = "targets"
GLOSSARY_SCHEMA = {TERM: pl.String(), TARGETS: pl.List(pl.String())}
# Segments shorter than this (in words) are too generic to demand one translation ("Yes.", "Sincerely,").
MIN_WORDS = 2
_HEADERS = {("source", "target"), ("term", "targets"), ("term", "target"), ("source", "targets"),
            ("en", "ar")}


# --------------------------------------------------------------------------- glossary file
def load_glossary(path: str | Path) -> pl.DataFrame:
    """A TSV or CSV of `source term<sep>allowed target forms` (forms separated by `|`).

    `.csv` files are comma-separated, anything else tab-separated. An optional header row
    (source/target, term/targets) and `#` comment lines are skipped. A term with an empty target
    list is a do-not-translate term: the term itself is its only allowed form.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except UnicodeDecodeError as e:
        raise InputError(path, f"not UTF-8 text (byte {e.start})") from None
    except OSError as e:
        raise InputError(path, f"cannot read glossary: {e.strerror}") from None
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    terms: list[str] = []
    forms: list[list[str]] = []
    seen: dict[str, int] = {}
    for lineno, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if not row or all(not cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in row]
        if lineno == 1 and tuple(c.lower() for c in cells[:2]) in _HEADERS:
            continue
        if len(cells) > 2:
            sep = "comma" if delimiter == "," else "tab"
            raise InputError(path, f"expected 2 {sep}-separated columns (term, allowed forms), found {len(cells)}",
                             line=lineno)
        term = cells[0]
        if not term:
            raise InputError(path, "empty source term", line=lineno)
        allowed = [f.strip() for f in (cells[1] if len(cells) > 1 else "").split("|") if f.strip()] or [term]
        if term in seen:
            raise InputError(path, f"term {term!r} is listed twice (first on line {seen[term]})", line=lineno)
        seen[term] = lineno
        terms.append(term)
        forms.append(allowed)
    return pl.DataFrame({TERM: terms, TARGETS: forms}, schema=GLOSSARY_SCHEMA)


# --------------------------------------------------------------------------- glossary check
def term_pattern(term: str) -> str:
    """Regex finding `term` in source text: whole words, case-insensitive unless it has capitals."""
    body = r"\s+".join(re.escape(w) for w in term.split())
    flags = "" if any(c.isupper() for c in term) else "(?i)"
    return rf"{flags}(?:^|\b){body}(?:\b|$)" if term[:1].isalnum() and term[-1:].isalnum() else flags + body


def form_pattern(form: str) -> str:
    """Regex finding an allowed form in a target match key (match_key applied to both sides).

    An Arabic form must start a word (after clitics are stripped); a Latin form must not be glued
    to other Latin letters, but may follow an Arabic clitic (وOpenAI, لـOpenAI).
    """
    key = match_key(form)
    body = r"\s+".join(re.escape(w) for w in key.split())
    if re.match(f"[{AR_LETTERS}]", key):
        return rf"(?:^|[^{AR_LETTERS}]){body}"
    if key[:1].isalnum():
        return rf"(?:^|[^a-z0-9]){body}(?:[^a-z0-9]|$)" if key[-1:].isalnum() else rf"(?:^|[^a-z0-9]){body}"
    return body


@implements("glossary")
def glossary(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    gl = ctx.glossary
    if gl is None or gl.height == 0 or frame.height == 0:
        return no_hits()
    rows = frame.filter(pl.col(TARGET).fill_null("").str.strip_chars() != "")
    if BEAD in rows.columns:
        rows = rows.filter(~pl.col(BEAD).fill_null("").is_in(["1-0", "0-1"]))
    rows = rows.select(ROW, SOURCE, TARGET, match_key_expr(pl.col(TARGET).fill_null("")).alias("_key"))
    # Longest terms first: "Elon Musk" is checked before "Musk", and a source span that a longer
    # term already covers is not reported again for the shorter one.
    order = gl.with_columns(pl.col(TERM).str.len_chars().alias("_len")).sort("_len", descending=True)
    parts = []
    for term, forms in order.select(TERM, TARGETS).iter_rows():
        forms = [f for f in (forms or [term]) if f and f.strip()] or [term]
        found = find_spans(rows, SOURCE, term_pattern(term), keep=("_key",))
        if found.height == 0:
            continue
        # term_pattern may consume the character before the term: point the span at the term.
        lead = pl.col("match").str.len_chars() - pl.col("match").str.strip_chars_start().str.len_chars()
        found = found.with_columns((pl.col("start") + lead).alias("start"))
        ok = pl.any_horizontal([pl.col("_key").str.contains(form_pattern(f)) for f in forms])
        missing = found.filter(~ok)
        if missing.height:
            allowed = " | ".join(forms)
            parts.append(missing.select(
                ROW, "start", "end",
                pl.format("The glossary term '{}' is not rendered as one of its allowed forms ({}) in the target.",
                          pl.lit(term), pl.lit(allowed)).alias("message")))
    if not parts:
        return no_hits()
    out = pl.concat(parts).sort(ROW, "start", pl.col("end") - pl.col("start"), descending=[False, False, True])
    # Drop a shorter term's span inside a longer term's span of the same row (Musk in Elon Musk).
    out = out.with_columns(pl.col("end").cum_max().shift(1).over(ROW).alias("_prev_end"))
    out = out.filter(pl.col("_prev_end").is_null() | (pl.col("start") >= pl.col("_prev_end")))
    return out.select(ROW, "message", pl.lit("source").alias("side"), "start", "end")


# --------------------------------------------------------------------------- corpus consistency
# Deleted from the coarse key: everything but letters and digits, and the letters a clitic or
# the article is made of. segment_key only removes such characters, so two texts with equal keys
# always have equal coarse keys: the coarse key is a cheap filter, segment_key decides.
_COARSE_DROP = rf"[[^\p{{L}}\p{{N}}]{CLITIC_LETTERS}]+"
_NORM_OF = {SOURCE: SRC_NORM, TARGET: TGT_NORM}


def _normalized(frame: pl.DataFrame, col: str) -> pl.Expr:
    norm = _NORM_OF.get(col)
    return pl.col(norm) if norm in frame.columns else normalize_expr(pl.col(col).fill_null(""))


def segment_key(norm: pl.Expr) -> pl.Expr:
    """Comparison key of a normalised text: clitics stripped (strip_clitics_expr), lower-cased,
    punctuation, symbols and spaces folded into one space."""
    return (strip_clitics_expr(norm).str.to_lowercase()
            .str.replace_all(r"[\p{P}\p{S}\s]+", " ").str.strip_chars())


def coarse_key(norm: pl.Expr) -> pl.Expr:
    """A key at least as coarse as segment_key, one regex pass over a normalised text."""
    return norm.str.replace_all(_COARSE_DROP, "").str.to_lowercase()


# The coarse key is most of the check's cost (a deletion per space, mark and clitic letter), and
# most segments are unique: a tail key first, the coarse key's last TAIL_CHARS characters, read
# from the text's last TAIL_READ characters (a text whose tail yields fewer, mostly marks and
# spaces, is read whole). Lowercasing a cut text may read a final sigma as σ: ς is folded to σ.
# Equal coarse keys, equal tail keys; only rows sharing one get the coarse key.
TAIL_CHARS = 12
TAIL_READ = 32


def tail_keys(frame: pl.DataFrame, text: pl.Expr) -> pl.Series:
    """Per row of `frame`, the tail key of the normalised text `text`: rows with equal coarse keys
    have equal tail keys."""
    tails = frame.select(text.alias("_t"), coarse_key(text.str.slice(-TAIL_READ)).alias("_k"))
    thin = (pl.col("_k").str.len_chars() < TAIL_CHARS) & (pl.col("_t").str.len_chars() > TAIL_READ)
    where = tails.select(pl.arg_where(thin)).to_series()
    keys = tails["_k"]
    if where.len():  # mostly marks and spaces at the end: the whole text's key
        keys = keys.scatter(where, tails["_t"].gather(where).to_frame().select(coarse_key(pl.col("_t"))).to_series())
    return keys.str.slice(-TAIL_CHARS).str.replace_all("ς", "σ", literal=True)


def coarse_duplicates(rows: pl.DataFrame, norm: str) -> pl.DataFrame:
    """The rows whose coarse key of column `norm` (a normalised text) is shared with another row."""
    rows = rows.filter(tail_keys(rows, pl.col(norm)).is_duplicated())
    return rows.filter(coarse_key(pl.col(norm)).is_duplicated())


def _keyed(rows: pl.DataFrame, norm: str, alias: str) -> pl.DataFrame:
    """rows with the full key of column `norm` as `alias`, computed once per distinct text."""
    distinct = rows.select(pl.col(norm).unique())
    return rows.join(distinct.with_columns(segment_key(pl.col(norm)).alias(alias)), on=norm, how="left")


def _inconsistent(frame: pl.DataFrame, by: str, other: str, min_words: int) -> pl.DataFrame:
    """Rows whose `other` text differs from the most frequent one among rows of equal `by` key.

    Returns ROW, the row's `other` text, the majority text and where it occurs (a SEG), and the
    number of distinct variants.
    """
    if frame.height < 2:  # a segment alone has no other to differ from
        return frame.head(0)
    f = frame.select(ROW, _normalized(frame, by).alias("_bn"), _normalized(frame, other).alias("_on"))
    # Most segments of a corpus are unique: only those sharing a coarse key need the full keys.
    f = coarse_duplicates(f, "_bn")
    if f.height == 0:
        return f
    f = _keyed(_keyed(f, "_bn", "_by"), "_on", "_other")
    f = f.filter((pl.col("_by") != "") & (pl.col("_other") != "")
                 & (pl.col("_by").str.count_matches(r"\S+") >= min_words))
    f = f.filter(pl.col("_other").n_unique().over("_by") > 1)
    if f.height == 0:
        return f
    counts = f.group_by("_by", "_other").agg(pl.len().alias("_n"), pl.col(ROW).min().alias("_first"))
    # Majority variant per key; ties go to the variant seen first.
    majority = (counts.sort("_n", "_first", descending=[True, False])
                .group_by("_by", maintain_order=True).first()
                .select("_by", pl.col("_other").alias("_major"), pl.col("_first").alias("_major_row")))
    f = f.join(majority, on="_by").filter(pl.col("_other") != pl.col("_major"))
    keep = [ROW, other, *([SEG] if SEG in frame.columns else [])]
    f = f.select(ROW, "_major_row").join(frame.select(keep), on=ROW, how="left")
    texts = frame.select(pl.col(ROW).alias("_major_row"), pl.col(other).alias("_major_text"),
                         *([pl.col(SEG).alias("_major_seg")] if SEG in frame.columns else []))
    return f.join(texts, on="_major_row", how="left")


@implements("inconsistent_target")
def inconsistent_target(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    found = _inconsistent(frame, SOURCE, TARGET, min_words=MIN_WORDS)
    if found.height == 0:
        return no_hits()
    where = pl.format(" (segment {})", pl.col("_major_seg")) if "_major_seg" in found.columns else pl.lit("")
    return found.select(
        ROW,
        pl.format("The same source is translated '{}' elsewhere{}; here: '{}'.",
                  quote_expr("_major_text"), where, quote_expr(TARGET)).alias("message"),
        pl.lit("target").alias("side"),
    )


@implements("inconsistent_source")
def inconsistent_source(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    found = _inconsistent(frame, TARGET, SOURCE, min_words=MIN_WORDS)
    if found.height == 0:
        return no_hits()
    where = pl.format(" (segment {})", pl.col("_major_seg")) if "_major_seg" in found.columns else pl.lit("")
    return found.select(
        ROW,
        pl.format("The same translation stands for the source '{}' elsewhere{}; here the source is '{}'.",
                  quote_expr("_major_text"), where, quote_expr(SOURCE)).alias("message"),
        pl.lit("target").alias("side"),
    )
