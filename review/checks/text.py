"""Patterns and small expressions the form checks share (defined once)."""

from __future__ import annotations

import re

import polars as pl

from review.arabic import AR_LETTER_RE, AR_LETTERS, BLOCK, LATIN_LETTER_RE
from review.checks.base import ROW, CheckContext, catalogue, collect
from review.schema import BEAD, TAG_PLACEHOLDER_RE, TGT_LANG

# Text that is copied, never translated: checks mask or skip it.
# Arabic letters end a URL: MT often glues the next word to it.
URL_RE = rf"(?:https?://|www\.)[^\s<>\"“”«»{BLOCK}]*[^\s<>\"“”«».,;:!?؟،؛)\]'’{BLOCK}]"
EMAIL_RE = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
URL_OR_EMAIL_RE = f"{URL_RE}|{EMAIL_RE}"
HANDLE_RE = r"@[A-Za-z0-9_]+"
HASHTAG_RE = r"#[^\W\d]\w*"
PLACEHOLDER_RE = (r"\{\{\s*[\w.]+\s*\}\}"  # {{ name }}
                  r"|\{[\w.]*(?::[^{}\s]*)?\}"  # {0} {name} {0:.2f} {}
                  r"|%(?:\(\w+\))?(?:\d+\$)?[-+#0]*\d*(?:\.\d+)?[sdifuxXeEgGcr@]"  # %s %d %(name)s %1$s
                  r"|\$\{\w+\}")  # ${name}; a bare $1 is money in news text
HTML_TAG_RE = r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>"
TAG_RE = f"{HTML_TAG_RE}|{TAG_PLACEHOLDER_RE}"

AR_WORD = f"[{AR_LETTERS}]"
# untranslated: at least this many lowercase Latin words before "mostly Latin" counts.
LATIN_SHARE_MIN_LOWER_WORDS = 2
_LOWER_WORD = r"\b[a-z]{2,}\b"  # Unicode \b is slow: evaluate it last, on few rows

QUOTE_MAX = 60


def quote_expr(col: str | pl.Expr, limit: int = QUOTE_MAX) -> pl.Expr:
    """A fragment fit for a message: the text, cut at `limit` characters with an ellipsis."""
    e = (pl.col(col) if isinstance(col, str) else col).fill_null("").str.strip_chars()
    return pl.when(e.str.len_chars() > limit).then(e.str.slice(0, limit) + "…").otherwise(e)


def contains_literal(col: str | pl.Expr, needles: list[str]) -> pl.Expr:
    """Whether the text contains any of `needles` as a plain substring: the single characters as
    one regex class, the longer needles one literal search each. On texts that mostly contain
    none of them, several times faster than str.contains_any (an automaton over all of them,
    which cannot skip ahead as a memchr can)."""
    text = pl.col(col) if isinstance(col, str) else col
    chars = [n for n in needles if len(n) == 1]
    tests = [text.str.contains(n, literal=True) for n in needles if len(n) > 1]
    if chars:
        tests.append(text.str.contains("[" + "".join(re.escape(c) for c in chars) + "]"))
    return pl.any_horizontal(tests)


def not_bead(frame: pl.DataFrame | bool, kinds: list[str]) -> pl.Expr:
    """True for rows whose alignment bead is not one of `kinds` (or unknown). `frame`: the frame,
    or whether it has a BEAD column."""
    if not (BEAD in frame.columns if isinstance(frame, pl.DataFrame) else frame):
        return pl.lit(True)
    return ~pl.col(BEAD).fill_null("").is_in(kinds)


def target_is_arabic(frame: pl.DataFrame, ctx: CheckContext) -> pl.Expr:
    return arabic_target(TGT_LANG in frame.columns, ctx.tgt_lang)


def arabic_target(with_lang: bool, default_lang: str) -> pl.Expr:
    """target_is_arabic for a frame with or without a TGT_LANG column."""
    if not with_lang:
        return pl.lit(default_lang.lower().startswith("ar"))
    return pl.col(TGT_LANG).fill_null(default_lang).str.to_lowercase().str.starts_with("ar")


def arabic_only(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    return frame.filter(target_is_arabic(frame, ctx))


def hit_frame(found: pl.DataFrame, message: pl.Expr, side: str = "target",
              start: pl.Expr | None = None, end: pl.Expr | None = None) -> pl.DataFrame:
    cols = [pl.col(ROW), message.alias("message"), pl.lit(side).alias("side")]
    if start is not None:
        cols += [start.cast(pl.Int64).alias("start"), end.cast(pl.Int64).alias("end")]
    return found.select(cols)


def letter_counts(col: str | pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Latin and Arabic letters of a text, URLs and e-mail addresses left out."""
    masked = (pl.col(col) if isinstance(col, str) else col).fill_null("").str.replace_all(URL_OR_EMAIL_RE, " ")
    return masked.str.count_matches(LATIN_LETTER_RE), masked.str.count_matches(AR_LETTER_RE)


# Counting every letter of every row is the slow part (one regex match per letter). The characters
# that are neither ASCII nor Arabic letters are few, and counting them, with the byte and character
# lengths, bounds both counts: every non-ASCII character takes 2 to 4 bytes and an Arabic letter
# 2, so with n such "other" characters in C characters and B bytes, the Arabic letters are at
# least B - C - 3n and the ASCII characters (Latin letters among them) at most 2C - B + 2n.
# Masking URLs and e-mail addresses removes Latin letters, and Arabic letters only inside an
# e-mail address (a URL stops at the Arabic block): without an "@" the bounds hold for the masked
# text too, and rule out most rows before the exact counts.
_OTHER_CHAR = f"[^\\x00-\\x7f{AR_LETTERS}]"


def latin_possible(col: str, min_share: float, min_letters: int, other: pl.Expr | None = None) -> pl.Expr:
    """The bounds above: false where `col` cannot be mostly in Latin script (`other`: the count
    of _OTHER_CHAR, when already computed)."""
    text = pl.col(col)
    other = text.str.count_matches(_OTHER_CHAR).cast(pl.Int64) if other is None else other
    n_bytes, n_chars = text.str.len_bytes().cast(pl.Int64), text.str.len_chars().cast(pl.Int64)
    ascii_high = 2 * n_chars - n_bytes + 2 * other
    arabic_low = (n_bytes - n_chars - 3 * other).clip(lower_bound=0)
    return ((ascii_high >= max(min_share, 0.0) * max(min_letters, 0) - 1e-9)
            & (text.str.contains("@", literal=True) | (ascii_high >= min_share * (ascii_high + arabic_low) - 1e-9)))


def latin_share_rows(rows: pl.LazyFrame, col: str, min_share: float, min_letters: int) -> pl.LazyFrame:
    """The rows of `rows` (all their columns, and _share) whose `col` is still mostly in Latin
    script; see mostly_latin. Filters in stages, each on the rows the one before left (every
    filter reads a column the step before computed: the optimiser cannot move it, and the count
    it needs, down to all rows)."""
    text = pl.col(col)
    rows = rows.filter(text.str.contains(r"[a-z]{2}"))
    rows = rows.with_columns(text.str.count_matches(_OTHER_CHAR).cast(pl.Int64).alias("_other")).filter(
        latin_possible(col, min_share, min_letters, pl.col("_other")))
    rows = rows.drop("_other")
    latin, arabic = letter_counts(col)
    rows = rows.with_columns(latin.alias("_latin"), arabic.alias("_arabic"))
    total = pl.col("_latin") + pl.col("_arabic")
    rows = rows.with_columns((pl.col("_latin") / total.clip(lower_bound=1)).alias("_share"))
    rows = rows.filter((total >= min_letters) & (pl.col("_share") >= min_share))
    masked = text.fill_null("").str.replace_all(URL_OR_EMAIL_RE, " ")
    rows = rows.with_columns(masked.str.count_matches(_LOWER_WORD).alias("_lower"))
    return rows.filter(pl.col("_lower") >= LATIN_SHARE_MIN_LOWER_WORDS).drop("_latin", "_arabic", "_lower")


def mostly_latin(rows: pl.DataFrame, col: str, min_share: float | None = None,
                 min_letters: int | None = None) -> pl.DataFrame:
    """The rows (ROW, _share) whose `col` is still mostly in Latin script: what `untranslated`
    reports (its catalogue defaults unless given). Lowercase words are required: a list of names
    is not English text. Filters in stages, the slow word count last, on the few rows left."""
    params = catalogue()["untranslated"].params
    min_share = float(params["min_latin_share"] if min_share is None else min_share)
    min_letters = int(params["min_letters"] if min_letters is None else min_letters)
    return collect(latin_share_rows(rows.lazy().select(ROW, col), col, min_share, min_letters).select(ROW, "_share"))
