"""Text normalisation for comparisons, defined once.

Every table (data in review.arabic) is used twice: as a polars expression over a whole column
(checks) and as a plain-string function (tests, single strings, glossary entries). Both are built
from the same mapping or the same regex, so they cannot drift apart.

Three levels, from cheap and span-safe to aggressive:

- ``fold_digits``: Arabic-Indic (٠-٩) and Persian (۰-۹) digits -> ASCII, ٫ -> ".", ٬ -> ",",
  ٪ -> "%". One character for one character, so character offsets found in the folded text are
  offsets in the original text (checks compute spans on it).
- ``normalize``: digits as above, alef/hamza forms (أ إ آ ٱ -> ا), ta marbuta (ة -> ه),
  alef maqsura (ى -> ي), Persian look-alikes (ی -> ي, ک -> ك); tatweel and diacritics removed.
  Not length-preserving.
- ``strip_clitics``: removes the proclitics و ف ب ك ل and the article ال (and chains such as
  وال بال لل) from the front of Arabic words, greedily, as long as a stem of 3 letters remains.
  The result is a matching key, not a word: apply it to both sides of a comparison
  (``match_key`` does normalise + strip + lowercase).
"""

from __future__ import annotations

import re

import polars as pl

from review.arabic import CLITIC_CHAIN_RE, DIGIT_MAP, DROP_RE, LETTER_MAP
from review.schema import SOURCE, TARGET

_CLITIC_REPL_POLARS = "${1}${2}"
_CLITIC_REPL_PY = r"\g<1>\g<2>"

# --------------------------------------------------------------------------- helper column names
SRC_DIGITS = "_src_digits"  # source with digits folded (same length as source)
TGT_DIGITS = "_tgt_digits"  # target with digits folded (same length as target)
SRC_NORM = "_src_norm"  # normalize(source): for matching, not for spans
TGT_NORM = "_tgt_norm"  # normalize(target)
HELPER_COLUMNS = (SRC_DIGITS, TGT_DIGITS, SRC_NORM, TGT_NORM)

# --------------------------------------------------------------------------- plain strings
_DIGIT_TABLE = str.maketrans(DIGIT_MAP)
_NORM_TABLE = str.maketrans({**DIGIT_MAP, **LETTER_MAP})
_DROP = re.compile(DROP_RE)
_CLITIC = re.compile(CLITIC_CHAIN_RE)


def fold_digits(text: str) -> str:
    """Arabic-Indic/Persian digits and ٫ ٬ ٪ to ASCII; same length as the input."""
    return text.translate(_DIGIT_TABLE)


def normalize(text: str) -> str:
    """Digits, alef/hamza, ta marbuta, alef maqsura, Persian look-alikes folded; tatweel/harakat gone."""
    return _DROP.sub("", text.translate(_NORM_TABLE))


def strip_clitics(text: str) -> str:
    """Remove و ف ب ك ل and ال from the front of every Arabic word (keeping a 3-letter stem)."""
    return _CLITIC.sub(_CLITIC_REPL_PY, text)


def match_key(text: str) -> str:
    """The key two spellings of a term share: normalised, clitics stripped, lowercased."""
    return strip_clitics(normalize(text)).lower()


# --------------------------------------------------------------------------- polars expressions
def _col(expr: pl.Expr | str) -> pl.Expr:
    return pl.col(expr) if isinstance(expr, str) else expr


def fold_digits_expr(expr: pl.Expr | str) -> pl.Expr:
    return _col(expr).str.replace_many(list(DIGIT_MAP), list(DIGIT_MAP.values()))


def normalize_expr(expr: pl.Expr | str) -> pl.Expr:
    table = {**DIGIT_MAP, **LETTER_MAP}
    return (_col(expr).str.replace_many(list(table), list(table.values()))
            .str.replace_all(DROP_RE, ""))


def strip_clitics_expr(expr: pl.Expr | str) -> pl.Expr:
    return _col(expr).str.replace_all(CLITIC_CHAIN_RE, _CLITIC_REPL_POLARS)


def match_key_expr(expr: pl.Expr | str) -> pl.Expr:
    return strip_clitics_expr(normalize_expr(expr)).str.to_lowercase()


def add_normalized_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """The helper columns checks share (HELPER_COLUMNS), computed once per run."""
    src = pl.col(SOURCE).fill_null("")
    tgt = pl.col(TARGET).fill_null("")
    frame = frame.with_columns(
        fold_digits_expr(src).alias(SRC_DIGITS),
        fold_digits_expr(tgt).alias(TGT_DIGITS),
    )
    return frame.with_columns(
        normalize_expr(SRC_DIGITS).alias(SRC_NORM),
        normalize_expr(TGT_DIGITS).alias(TGT_NORM),
    )
