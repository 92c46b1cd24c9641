"""number_mismatch: numbers, percentages, dates, times and amounts must agree across scripts.

Both sides are read from the digit-folded helper columns (٢٠١٨ = ۲۰۱۸ = 2018, ٣٫٥ = 3.5, ٥٠٪ = 50%),
which have the same length as the original text, so spans found there are spans of the original.
Every number becomes a key: plain numbers by value (1,000 = 1000; 3,5 = 3.5; 2.5 billion =
2.5 مليار = 2,500,000,000), dates by year and the unordered pair day/month (21/11/2023 =
11/21/2023), times as h:mm. The percent sign is not part of the key (50% = 50 في المئة).
Keys are compared as multisets per segment. A number missing on one side is forgiven when the
other side writes it in words (five, خمسة, الخمسة, مليونين, التسعينيات): translators do both.
"""

from __future__ import annotations

import re

import polars as pl

from review.arabic import (AR_LETTERS, BLOCK, CASE_ENDING_RE, DECADE_WORDS, HALF_WORD, HARAKAT, NUMBER_WORDS,
                           SCALE_WORDS, WORD_MULTIPLIERS)
from review.checks.base import ROW, CheckContext, collect, gate, implements, no_hits
from review.checks.spans import compare_items, difference_hits, find_spans
from review.checks.text import EMAIL_RE, HANDLE_RE, PLACEHOLDER_RE, URL_RE, contains_literal
from review.normalize import (SRC_DIGITS, SRC_NORM, TGT_DIGITS, TGT_NORM, fold_digits, match_key, match_key_expr,
                              normalize_expr)
from review.schema import SOURCE, TAG_PLACEHOLDER_RE, TARGET

# ----------------------------------------------------------------------------- number words
_EN_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
             "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
             "nineteen", "twenty"]
_EN_TENS = ["thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_EN_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                "tenth"]
_EN_DECADES = ["twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties",
               "nineties"]
SCALES = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
EN_WORDS: dict[str, float] = {
    **{w: float(i + 1) for i, w in enumerate(_EN_UNITS)},
    **{w: float(30 + 10 * i) for i, w in enumerate(_EN_TENS)},
    **{w: float(i + 1) for i, w in enumerate(_EN_ORDINALS)},
    "dozen": 12.0, "half": 0.5, "quarter": 0.25, "twice": 2.0, "once": 1.0, "decade": 10.0, "century": 100.0,
    **SCALES,
}
# Words that multiply the number before them: "two decades" = 20, "three dozen" = 36.
EN_MULTIPLIERS = {**SCALES, "decades": 10.0, "decade": 10.0, "dozen": 12.0, "centuries": 100.0}
EN_FILLERS = ["a", "an", "and"]  # "half a million", "one hundred and twenty": skipped between numerals
EN_DECADES = {w: 20.0 + 10 * i for i, w in enumerate(_EN_DECADES)}

# Arabic tables live in review.arabic; keys are folded with match_key, like the text they meet.
# "50 percent" is often "half" (النصف) in a translation, and the reverse.
PERCENT_WORDS = {"half": 50.0, "quarter": 25.0, match_key("نصف"): 50.0, match_key("ربع"): 25.0}
AR_WORDS = {match_key(w): float(v) for v, ws in NUMBER_WORDS.items() for w in ws}
AR_SCALES = {match_key(w): float(v) for v, ws in SCALE_WORDS.items() for w in ws}
AR_MULTIPLIERS = {**AR_SCALES, **{match_key(w): float(v) for v, ws in WORD_MULTIPLIERS.items() for w in ws}}
AR_DECADES = {match_key(w): float(v) for v, ws in DECADE_WORDS.items() for w in ws}
AR_HALF = match_key(HALF_WORD)
# Every key an Arabic word is looked up with: a word whose match key is one of them contains it.
_AR_KEYS = sorted({*AR_WORDS, *AR_MULTIPLIERS, *AR_DECADES, *PERCENT_WORDS, AR_HALF})

# ----------------------------------------------------------------------------- patterns
_SCALE_BY_WORD: dict[str, float] = {
    **{w: v for w, v in SCALES.items() if v >= 1e3}, "bn": 1e9, "tn": 1e12,
    **{w: v for v, ws in SCALE_WORDS.items() for w in ws},
}
_SCALE_WORDS = "|".join(sorted(_SCALE_BY_WORD, key=len, reverse=True))
_SKIP = (f"{URL_RE}|{EMAIL_RE}|{HANDLE_RE}|{TAG_PLACEHOLDER_RE}|{PLACEHOLDER_RE}"
         r"|[A-Za-z]+[0-9][\w-]*"  # codes with letters before digits: A380, G7, mp3, mail2tor
         r"|[0-9]+[A-Z][\w-]*")  # 3D, 4G, 5G
_DATE = r"[0-9]{1,4}[/.-][0-9]{1,2}[/.-][0-9]{1,4}"
_TIME = r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?"
_DIGITS = r"[0-9]+(?:[.,][0-9]+)*"
_END = f"(?:$|[^\\w{AR_LETTERS}])"  # consumed; trimmed off again in _items
# £125m, $5bn: m and k are scales only right after a currency amount (5m alone may be metres).
_SCALE = f"(?i:{_SCALE_WORDS})(?:{CASE_ENDING_RE})"  # 142 مليونًا, 14 ملياراً
_MONEY = f"[£$€]\\s?{_DIGITS}(?:(?:\\s?{_SCALE}|(?i:m|k)){_END})?"
_NUMBER = f"{_DIGITS}(?:\\s?{_SCALE}{_END})?"
ITEM_RE = f"{_SKIP}|{_DATE}|{_TIME}|{_MONEY}|{_NUMBER}"
# What may change a value while keeping its digits: a currency sign, a separator, a scale word.
# Written as a literal search for the signs and a regex that starts with a digit (the regex engine
# skips to the digits; one alternation with the signs in it scans every character).
_CURRENCY = ["£", "$", "€"]
_SCALED = f"[0-9](?:[.,][0-9]|\\s?(?i:{_SCALE_WORDS}))"


def _scale(match: pl.Expr) -> pl.Expr:
    word = match.str.extract(rf"[0-9]\s?([A-Za-z{BLOCK}]+)", 1).str.to_lowercase().str.replace_all(f"[{HARAKAT}]", "")
    table = {**_SCALE_BY_WORD, "m": 1e6, "k": 1e3}
    lookup = lambda e: e.replace_strict(table, default=None, return_dtype=pl.Float64)  # noqa: E731
    return pl.coalesce(lookup(word), lookup(word.str.replace("ا$", "")), pl.lit(1.0))


def _items(frame: pl.DataFrame, folded: str, original: str) -> pl.DataFrame:
    """ROW, key, value (Float64 or null), text (as written), start, end."""
    found = find_spans(frame, folded, ITEM_RE)
    found = found.filter(~pl.col("match").str.contains(f"^(?:{_SKIP})$"))
    m = pl.col("match")
    digits = m.str.extract(f"({_DIGITS})", 1)
    plain = (pl.when(digits.str.contains(r"^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$"))
             .then(digits.str.replace_all(",", ""))
             .when(digits.str.contains(r"^[0-9]+,[0-9]+$")).then(digits.str.replace(",", "."))
             .otherwise(digits))
    value = plain.cast(pl.Float64, strict=False) * _scale(m)
    date = m.str.extract_groups(r"^([0-9]+)[/.-]([0-9]+)[/.-]([0-9]+)$")
    found = found.with_columns(date.alias("_d"), value.alias("value"))
    a, b, c = (pl.col("_d").struct.field(f).cast(pl.Int64, strict=False) for f in ("1", "2", "3"))
    year_first = pl.col("_d").struct.field("1").str.len_chars() == 4
    y = pl.when(year_first).then(a).otherwise(c)
    p, q = pl.when(year_first).then(b).otherwise(a), pl.when(year_first).then(c).otherwise(b)
    is_date = m.str.contains(f"^{_DATE}$")
    is_time = m.str.contains(f"^{_TIME}$")
    key = (pl.when(is_date).then(pl.format("d:{}-{}-{}", y, pl.min_horizontal(p, q), pl.max_horizontal(p, q)))
           .when(is_time & m.str.contains(r"^[0-9]+:00$"))  # 04:00 = 4 (o'clock)
           .then(pl.format("n:{}", m.str.extract(r"^([0-9]+)", 1).cast(pl.Float64)))
           .when(is_time).then(pl.format("t:{}:{}", m.str.extract(r"^([0-9]+)", 1).cast(pl.Int64),
                                         m.str.extract(r":([0-9]+)", 1)))
           .when(pl.col("value").is_not_null()).then(pl.format("n:{}", pl.col("value")))
           .otherwise(pl.format("s:{}", plain)))
    found = found.with_columns(
        key.alias("key"),
        pl.when(is_date | is_time).then(None).otherwise(pl.col("value")).alias("value"),
        # The fragment as written: a currency sign and a scale word belong to it.
        # Quote the number, not the scale word or the character after it.
        (pl.col("start") + pl.when(is_date | is_time).then(m.str.len_chars())
         .otherwise(m.str.strip_chars_end().str.replace(r"[^\w]$", "").str.len_chars())).alias("end"))
    return found.join(frame.select(ROW, original), on=ROW).select(
        ROW, "key", "value", "start", "end",
        pl.col(original).str.slice(pl.col("start"), pl.col("end") - pl.col("start")).alias("text"))


def _table(table: dict[str, float]) -> tuple[pl.Series, pl.Series]:
    """A lookup table as the two Series replace_strict takes: built once, not on every call."""
    return pl.Series(list(table), dtype=pl.String), pl.Series(list(table.values()), dtype=pl.Float64)


_PERCENT = _table(PERCENT_WORDS)
# words, multipliers, decades, the word for a half, and every word looked up (by English?)
_TABLES = {
    english: (_table(words), _table(scales), _table(decades), half,
              pl.Series([*words, *scales, *decades, *PERCENT_WORDS, half], dtype=pl.String).unique().implode())
    for english, words, scales, decades, half in ((True, EN_WORDS, EN_MULTIPLIERS, EN_DECADES, "half"),
                                                  (False, AR_WORDS, AR_MULTIPLIERS, AR_DECADES, AR_HALF))}


def _word_values(frame: pl.DataFrame, norm_col: str, english: bool) -> pl.DataFrame:
    """ROW, value: numbers written in words ("three million", "خمسة آلاف", "واحد وعشرين", "twenty-five
    thousand", "مليون ونصف", "half a million", "two decades"). Every reading a word sequence allows is
    a value: the set only excuses a number that the other side writes in digits."""
    if english:
        toks = frame.select(ROW, pl.col(norm_col).str.to_lowercase().str.extract_all("[a-z]+").alias("w"))
        toks = toks.explode("w").filter(~pl.col("w").is_in(EN_FILLERS))
    else:
        # The words of match_key(text) are the match keys of its words (clitics are stripped word by
        # word). Only the distinct words that contain a number word can become one: only they are
        # stripped.
        toks = frame.select(ROW, normalize_expr(norm_col).str.extract_all(f"[{AR_LETTERS}]+").alias("w"))
        toks = toks.explode("w")
        forms = toks.select(pl.col("w").unique()).filter(pl.col("w").str.contains_any(_AR_KEYS))["w"]
        keys = forms.to_frame().select(match_key_expr(pl.col("w")))["w"]
        toks = toks.with_columns(pl.col("w").replace(forms, keys))
    words, scales, decades, half, known = _TABLES[english]
    # Only the words something is looked up for can give or take part in a value; the others
    # are dropped, and a word's neighbours found by position (_g) among the words kept.
    toks = toks.lazy().with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("_g")).filter(
        pl.col("w").is_in(known) | pl.col("w").str.replace("ا$", "").is_in(known))
    lookup = lambda e, table: e.replace_strict(*table, default=None, return_dtype=pl.Float64)  # noqa: E731
    t = toks.with_columns(
        lookup(pl.col("w"), words).alias("v"),
        # واحدًا, عشرًا, مليونًا: the accusative alef after tanwin is not part of the word.
        lookup(pl.col("w").str.replace("ا$", ""), words).alias("v2"),
        pl.coalesce(*(lookup(w, scales) for w in (pl.col("w"), pl.col("w").str.replace("ا$", "")))).alias("s"),
        lookup(pl.col("w"), decades).alias("dec"))
    t = t.with_columns(pl.coalesce("v", "v2").alias("v"))
    nxt = lambda c, k=1: _next_word(pl.col(c), k)  # noqa: E731
    tens = [20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0]
    unit = pl.col("v").is_between(1, 9)
    t = t.with_columns(
        (pl.col("v") * nxt("s")).alias("scaled"),  # three million, خمسة آلاف
        pl.when(unit & nxt("v").is_in([*tens, 10.0])).then(pl.col("v") + nxt("v")).alias("compound"),  # واحد وعشرين
        pl.when(pl.col("v").is_in(tens) & nxt("v").is_between(1, 9))
        .then(pl.col("v") + nxt("v")).alias("tens_unit"),  # twenty one
        # مليون ونصف, مليونان ونصف: a scale and a half of it
        pl.when((pl.col("v") >= 1000) & (nxt("w") == half))
        .then(pl.col("v") + 0.5 * pl.lit(10.0).pow((pl.col("v").log10() + 1e-9).floor())).alias("and_half"),
        lookup(pl.col("w"), _PERCENT).alias("pct"),
    )
    t = t.with_columns(
        # خمسة وعشرين مليونًا, twenty five thousand, three hundred thousand
        (pl.coalesce("compound", "tens_unit", "scaled") * nxt("s", 2)).alias("scaled2"),
        (pl.col("v2") * nxt("s")).alias("scaled_v2"),  # ألفا as "two thousand" and as "a thousand"
    )
    cols = ["v", "v2", "scaled", "compound", "tens_unit", "and_half", "pct", "scaled2", "scaled_v2"]
    dec = [(pl.col("dec") + base).alias(f"_dec{i}") for i, base in enumerate((0.0, 1900.0, 2000.0))]
    return collect(t.select(ROW, *cols, *dec).unpivot(index=ROW, value_name="value")
                   .select(ROW, "value").drop_nulls("value").unique())


def _next_word(expr: pl.Expr, k: int) -> pl.Expr:
    """`expr` of the word k places after (null if that word was dropped or is in another row): a
    kept word is at most k rows down, the one whose position _g is k more."""
    at = lambda j: (pl.col("_g").shift(-j) == pl.col("_g") + k) & (pl.col(ROW).shift(-j) == pl.col(ROW))  # noqa: E731
    return pl.coalesce(*(pl.when(at(j)).then(expr.shift(-j)) for j in range(1, k + 1)))


def _forgive(items: pl.DataFrame, frame: pl.DataFrame, norm_col: str, english: bool) -> pl.DataFrame:
    """Drop missing/extra numbers that the other side writes in words."""
    if items.height == 0:
        return items
    rows = frame.join(items.select(ROW).unique(), on=ROW)
    # Only rows whose other side has a number word at all (every key is a substring of its word).
    keys = ([*EN_WORDS, *EN_MULTIPLIERS, *EN_DECADES, *PERCENT_WORDS] if english
            else [*AR_WORDS, *AR_MULTIPLIERS, *AR_DECADES])
    rows = rows.filter(pl.col(norm_col).str.contains_any(keys, ascii_case_insensitive=True))
    if rows.height == 0:
        return items
    values = _word_values(rows, norm_col, english)
    return items.join(values, on=[ROW, "value"], how="anti")


def _year_abbreviations(missing: pl.DataFrame, extra: pl.DataFrame) -> pl.DataFrame:
    """(ROW, value) pairs "53" ~ "1953" between missing and extra items (1950-53 = 1950 إلى 1953)."""
    short, full = pl.col("value").is_between(0, 99), pl.col("value").is_between(1000, 2999)
    pairs = []
    for a, b in ((missing, extra), (extra, missing)):
        cand = a.filter(short).select(ROW, pl.col("value").alias("_short")).join(
            b.filter(full).select(ROW, pl.col("value").alias("_full")), on=ROW)
        pairs.append(cand.filter(pl.col("_full") % 100 == pl.col("_short")))
    return pl.concat(pairs)


# "the 2000s", "the 1800s": a translation often names the century or decade instead (بداية القرن
# الحادي والعشرين, العقد الأول من الألفية). Matched on the normalised target.
_DECADE = r"^(?:'?s)\b"
_CENTURY_WORDS = ["قرن", "عقد", "لفيه"]


def _forgive_decades(missing: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """Drop a missing round decade (2000s, 1990s) when the target speaks of a century or decade."""
    if missing.height == 0:
        return missing
    context = rows.select(ROW, SOURCE, pl.col(TGT_NORM).str.contains_any(_CENTURY_WORDS).alias("_century"))
    m = missing.join(context, on=ROW, how="left")
    decade = (pl.col(SOURCE).str.slice(pl.col("end"), 3).str.contains(_DECADE)
              & (pl.col("value") % 10 == 0) & pl.col("value").is_between(1000, 2990))
    return m.filter(~(decade & pl.col("_century"))).drop(SOURCE, "_century")


_CODE = r"\b[A-Za-z]+[0-9]+[A-Za-z0-9]*\b"  # SS21, HER4, A380: kept in Latin script in a translation


def _changed_codes(rows: pl.DataFrame) -> pl.DataFrame:
    """Hits for a code whose digits changed (SS21 -> SS26, HER4 -> HER5): a source code missing from
    the target paired with a target code of the same letters that the source lacks. A code missing
    alone is no error (G7 -> مجموعة السبع)."""
    def items(col: str, original: str) -> pl.DataFrame:
        found = find_spans(rows, col, _CODE)
        found = found.join(rows.select(ROW, original), on=ROW).with_columns(
            pl.col("match").alias("key"),
            pl.col("match").str.extract(r"^([A-Za-z]+)", 1).str.to_lowercase().alias("_letters"),
            pl.col(original).str.slice(pl.col("start"), pl.col("end") - pl.col("start")).alias("text"))
        return found.select(ROW, "key", "_letters", "text", "start", "end")
    missing, extra = compare_items(items(SRC_DIGITS, SOURCE), items(TGT_DIGITS, TARGET))
    pairs = missing.drop("rank").join(extra.drop("rank"), on=[ROW, "_letters"], suffix="_t")
    pairs = pairs.unique([ROW, "start"], keep="first", maintain_order=True).unique([ROW, "start_t"], keep="first",
                                                                                   maintain_order=True)
    return pairs.select(
        ROW, pl.format("The code '{}' of the source appears as '{}' in the target.", "text", "text_t").alias("message"),
        pl.lit("target").alias("side"), pl.col("start_t").cast(pl.Int64).alias("start"),
        pl.col("end_t").cast(pl.Int64).alias("end"))


# The gate reads the digit-folded texts, as the check does. A text can make _SCALED match only
# where a digit is followed by a separator and a digit, or by at most one white space and a
# letter (every scale word starts with a Latin or Arabic letter): Python's \s and letters cover
# polars' \s and letters.
_ASCII_DIGITS = re.compile("[0-9]+")
_MAYBE_SCALED = re.compile(r"[0-9](?:[.,][0-9]|\s?[^\W\d_])")


@gate("number_mismatch")
def _number_gate(src: str, tgt: str) -> bool:
    """The check's fast path on one row: false where neither side has a digit, or both have the
    same digits in the same order and nothing that could scale a value (a currency sign, a
    decimal or thousands separator, a scale word)."""
    src, tgt = fold_digits(src), fold_digits(tgt)
    s, t = "".join(_ASCII_DIGITS.findall(src)), "".join(_ASCII_DIGITS.findall(tgt))
    if not s and not t:
        return False
    if s != t:
        return True
    return (any(c in src or c in tgt for c in _CURRENCY)
            or _MAYBE_SCALED.search(src) is not None or _MAYBE_SCALED.search(tgt) is not None)


@implements("number_mismatch")
def number_mismatch(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    # Most segments have no digit at all: a plain scan drops them before any replacement.
    frame = frame.select(ROW, SOURCE, TARGET, SRC_DIGITS, TGT_DIGITS, SRC_NORM, TGT_NORM).filter(
        pl.col(SRC_DIGITS).str.contains("[0-9]") | pl.col(TGT_DIGITS).str.contains("[0-9]"))
    src_digits = pl.col(SRC_DIGITS).str.extract_all("[0-9]+").list.join("")
    tgt_digits = pl.col(TGT_DIGITS).str.extract_all("[0-9]+").list.join("")
    # Fast path: the same digits in the same order, and no scale word or currency that could
    # change a value (1.5 million vs 1.5), no separator that could (3.5 vs 35 keeps the digits).
    scaled = pl.any_horizontal(contains_literal(c, _CURRENCY) | pl.col(c).str.contains(_SCALED)
                               for c in (SRC_DIGITS, TGT_DIGITS))
    same = (src_digits == tgt_digits) & ~scaled
    rows = frame.filter(~same)
    if rows.height == 0:
        return no_hits()
    missing, extra = compare_items(_items(rows, SRC_DIGITS, SOURCE), _items(rows, TGT_DIGITS, TARGET))
    missing = _forgive(missing, rows, TGT_NORM, english=False)
    extra = _forgive(extra, rows, SRC_NORM, english=True)
    missing = _forgive_decades(missing, rows)
    years = _year_abbreviations(missing, extra)
    if years.height:
        both = pl.concat([years.select(ROW, pl.col(c).alias("value")) for c in ("_short", "_full")])
        missing = missing.join(both, on=[ROW, "value"], how="anti")
        extra = extra.join(both, on=[ROW, "value"], how="anti")
    rank = pl.int_range(pl.len()).over(ROW).alias("rank")
    found = difference_hits(missing.with_columns(rank), extra.with_columns(rank), "number")
    coded = rows.filter(pl.col(SRC_DIGITS).str.contains("[A-Za-z][0-9]") & pl.col(TGT_DIGITS).str.contains("[A-Za-z][0-9]"))
    codes = _changed_codes(coded) if coded.height else pl.DataFrame()
    return pl.concat([found, codes], how="diagonal_relaxed") if codes.height else found
