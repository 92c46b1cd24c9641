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

from review.arabic import CLITIC_CHAIN_RE, DIACRITICS, DIGIT_MAP, DROP_RE, LETTER_MAP, TATWEEL
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


def _class_chars(body: str) -> list[str]:
    """The characters of a regex class body made of single characters and a-b ranges."""
    out, i = [], 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            out += [chr(c) for c in range(ord(body[i]), ord(body[i + 2]) + 1)]
            i += 3
        else:
            out.append(body[i])
            i += 1
    return out


# DROP_RE is the class [TATWEEL DIACRITICS]+: its characters map to "" in the same one-pass
# replacement as the folding table (one new string per row instead of two).
_DROP_CHARS = _class_chars(TATWEEL + DIACRITICS)
assert DROP_RE == f"[{TATWEEL}{DIACRITICS}]+" and not _DROP.sub("", "".join(_DROP_CHARS))
_NORM_EXPR_TABLE = {**DIGIT_MAP, **LETTER_MAP, **dict.fromkeys(_DROP_CHARS, "")}
# Every character folding or normalisation changes is in the Arabic block U+0600-U+06FF, whose
# UTF-8 encodings are exactly those that start with a byte D8-DB.
_BLOCK_LEADS = (b"\xd8", b"\xd9", b"\xda", b"\xdb")
assert all(key.encode()[0] in b"\xd8\xd9\xda\xdb" for key in _NORM_EXPR_TABLE)


def normalize_expr(expr: pl.Expr | str) -> pl.Expr:
    return _col(expr).str.replace_many(list(_NORM_EXPR_TABLE), list(_NORM_EXPR_TABLE.values()))


# CLITIC_CHAIN_RE asking for at least one clitic: the same output (a word without any is a match
# that replaces itself, and a match always ends at the end of its run of letters, so skipping it
# moves no later match), at half the cost, since replacing with capture groups is the slow part.
SOME_CLITICS_RE = CLITIC_CHAIN_RE.replace(")*(", ")+(", 1)
assert SOME_CLITICS_RE != CLITIC_CHAIN_RE


def strip_clitics_expr(expr: pl.Expr | str) -> pl.Expr:
    return _col(expr).str.replace_all(SOME_CLITICS_RE, _CLITIC_REPL_POLARS)


def match_key_expr(expr: pl.Expr | str) -> pl.Expr:
    return strip_clitics_expr(normalize_expr(expr)).str.to_lowercase()


# Up to this many rows (a correction re-checked) folding costs less than the queries that could
# skip it.
_ALWAYS_FOLD = 8


def _arabic_block(column: pl.Series) -> bool:
    """Whether any text of the column has an Arabic-block character (a byte search, no regex)."""
    raw = column.cast(pl.Binary)
    return any(raw.bin.contains(lead).any() for lead in _BLOCK_LEADS)


def add_normalized_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """The helper columns checks share (HELPER_COLUMNS), computed once per run. A side without
    any Arabic-block character (an English source) is its own folded and normalised text."""
    exprs = {}
    for col, digits, norm in ((SOURCE, SRC_DIGITS, SRC_NORM), (TARGET, TGT_DIGITS, TGT_NORM)):
        text = pl.col(col).fill_null("")
        folding = frame.height <= _ALWAYS_FOLD or _arabic_block(frame[col])
        exprs[digits] = fold_digits_expr(text) if folding else text
        exprs[norm] = normalize_expr(text) if folding else text
    return frame.with_columns(exprs[name].alias(name) for name in HELPER_COLUMNS)
