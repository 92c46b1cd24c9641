"""wrong_language: the target, with everything that is copied rather than translated masked, is
detected as another language than the target language.

langdetect is slow (~1k segments/s) and fails on names, so it runs only where the script does not
already decide: an Arabic target written in Arabic letters without Persian/Urdu letters is Arabic;
a target mostly in Latin letters is `untranslated`'s business. Detection is seeded (deterministic)
and cached by masked text.

It compares with the segment's declared target language (--tgt-lang, corpus.toml, the file's
metadata) and only believes langdetect where it is reliable: strings of at least `min_words`
words (on short UI strings it reads Spanish as Portuguese or Italian with probability 1.0), and
only when the declared language is not among its candidates at all.

Nor is an Arabic target whose masked text (names copied from the source taken out) langdetect
provably reads as Arabic (review.checks.arabic_detection): Arabic news with English names left in
Latin letters would otherwise all go to it.
"""

from __future__ import annotations

import functools
import re

import polars as pl
from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from review.arabic import AR_LETTERS, LATIN_LETTER_RE
from review.checks.arabic_detection import sees_only_arabic
from review.checks.base import ROW, CheckContext, catalogue, implements, no_hits
from review.checks.text import URL_OR_EMAIL_RE, quote_expr, target_is_arabic
from review.schema import SOURCE, TARGET, TGT_LANG

# Letters Arabic does not use but Persian, Urdu, Pashto, Kurdish do: their presence means the
# script no longer decides the language.
NON_ARABIC_LETTERS = "پچژگڤڭۆۇۈۋێۏڕڵھےۓٹڈڑںۀ"
_FOREIGN_RE = f"[{NON_ARABIC_LETTERS}]"
_NOT_ASCII_OR_ARABIC = f"[^\\x00-\\x7f{AR_LETTERS}]+"
# Below this many rows (a reviewer's correction) one more query costs more than the scans it saves.
_PREFILTER_ROWS = 64
# An Arabic-script target with at least this share of Arabic letters (of all letters) and none of
# the letters above is taken as Arabic without asking langdetect.
ARABIC_SHARE_DECIDES = 0.8
MIN_PROBABILITY = 0.8  # review.checks.arabic_detection's bound is worked out for 0.8
# The declared language with at least this probability among langdetect's candidates: no flag.
DECLARED_CANDIDATE = 0.05
_NUMBER_RE = r"[0-9٠-٩۰-۹]+(?:[.,٫٬:/-][0-9٠-٩۰-۹]+)*%?٪?"
_LATIN_TOKEN = re.compile(r"[A-Za-z][\w'’.-]*")
_WORD = re.compile(r"[^\W\d_]{2,}")  # a word of two letters or more (numbers and names are masked)


def _primary(lang: str) -> str:
    return lang.lower().replace("_", "-").split("-")[0]


@functools.lru_cache(maxsize=65536)
def candidates(text: str) -> tuple[tuple[str, float], ...]:
    """langdetect's (language, probability) candidates, best first; () when it cannot tell."""
    DetectorFactory.seed = 0
    try:
        return tuple((c.lang, float(c.prob)) for c in detect_langs(text))
    except LangDetectException:
        return ()


@functools.lru_cache(maxsize=65536)
def detect(text: str) -> tuple[str, float] | None:
    """(language, probability) of the best guess, or None when langdetect cannot tell."""
    found = candidates(text)
    return found[0] if found else None


def mask_copied(target: str, source: str) -> str:
    """Remove Latin tokens of the target that also occur in the source (names, brands, codes)."""
    words = {w.strip(".'’-") for w in re.findall(r"[\w'’.-]+", source.lower())}
    return _LATIN_TOKEN.sub(lambda m: " " if m.group(0).lower().strip(".'’-") in words else m.group(0), target)


def _with_script_counts(f: pl.DataFrame, text: pl.Expr) -> pl.DataFrame:
    """f with _f: Persian/Urdu letters in `text`; _a, _l: its Arabic and Latin letters. With every
    character but ASCII and Arabic letters removed, each Arabic letter is the one character of
    two UTF-8 bytes: their count is bytes minus characters (one pass that rarely matches, where
    counting them matches each). The removal is its own step: an eager select evaluates an
    expression used twice twice."""
    f = f.with_columns(text.str.replace_all(_NOT_ASCII_OR_ARABIC, "").alias("_kept"))
    kept = pl.col("_kept")
    return f.with_columns(text.str.contains(_FOREIGN_RE).alias("_f"),
                          (kept.str.len_bytes() - kept.str.len_chars()).cast(pl.UInt32).alias("_a"),
                          text.str.count_matches(LATIN_LETTER_RE).alias("_l")).drop("_kept")


def _undecided(frame: pl.DataFrame, ctx: CheckContext, min_letters: int) -> pl.DataFrame:
    """The rows the script does not decide (ROW, SOURCE, TARGET, TGT_LANG if present, _m: the
    target with URLs, e-mail addresses and numbers masked), in ROW order.

    Each text is scanned as few times as possible (a scan of a 20k-row column costs ~10 ms): the
    URL mask and its recount only where a URL or e-mail address can be."""
    text = pl.col(TARGET).fill_null("")
    f = frame.select(ROW, SOURCE, TARGET, *([TGT_LANG] if TGT_LANG in frame.columns else []),
                     target_is_arabic(frame, ctx).alias("_ar"),
                     # URL_OR_EMAIL_RE needs "://", "www." or "@": elsewhere the mask changes nothing.
                     text.str.contains(r"://|www\.|@").alias("_u"))
    if min_letters >= 1 and f.height > _PREFILTER_ROWS:
        # Exact shortcuts: masking never lengthens a text, so a shorter one has too few letters;
        # an Arabic target without Latin and Persian/Urdu letters has only Arabic ones (share 1:
        # decided) or none (too few). The filter below drops them too, after more scans.
        f = f.filter((text.str.len_chars() >= min_letters)
                     & (~pl.col("_ar") | text.str.contains(f"[A-Za-z{NON_ARABIC_LETTERS}]")))
    if f["_u"].any():
        masked = text.str.replace_all(URL_OR_EMAIL_RE, " ")
        linked = f.filter(pl.col("_u")).with_columns(masked.alias("_m"))
        f = pl.concat([_with_script_counts(f.filter(~pl.col("_u")).with_columns(text.alias("_m")), text),
                       _with_script_counts(linked, pl.col("_m"))]).sort(ROW)
    else:
        f = _with_script_counts(f.with_columns(text.alias("_m")), text)
    letters = pl.col("_a") + pl.col("_l")
    share_ar = pl.col("_a") / letters.clip(lower_bound=1)
    share_latin = pl.col("_l") / letters.clip(lower_bound=1)
    decided = (pl.col("_ar") & (share_ar >= ARABIC_SHARE_DECIDES) & ~pl.col("_f")) | (
        # untranslated (form family) fires from its Latin share on: wrong_language leaves those rows alone
        pl.col("_ar") & (share_latin >= float(catalogue()["untranslated"].params["min_latin_share"])))
    f = f.filter((letters >= min_letters) & ~decided)
    # Numbers hold no letters: masked only on the rows left.
    return f.with_columns(pl.col("_m").str.replace_all(_NUMBER_RE, " ")) if f.height else f


@implements("wrong_language")
def wrong_language(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    min_letters = int(ctx.params["min_letters"])
    min_words = int(ctx.params["min_words"])
    todo = _undecided(frame, ctx, min_letters)
    if todo.height == 0:
        return no_hits()
    # One library call per row is unavoidable; only the undecided rows get here, each distinct
    # text once (lru_cache), and not those it can only read as Arabic.
    rows, langs, probs = [], [], []
    default = ctx.tgt_lang
    tgt_langs = todo[TGT_LANG].to_list() if TGT_LANG in todo.columns else [None] * todo.height
    for row, src, masked_text, tgt_lang in zip(todo[ROW], todo[SOURCE].fill_null(""), todo["_m"], tgt_langs):
        text = mask_copied(masked_text, src)
        if len(re.findall(r"\w", text)) < min_letters or len(_WORD.findall(text)) < min_words:
            continue
        declared = _primary(tgt_lang or default)
        # Declared exactly "ar": for "arz" or "apc", langdetect's "ar" is itself a finding.
        if declared == "ar" and sees_only_arabic(text):
            continue
        guess = detect(text)
        if guess is None:
            continue
        lang, prob = guess
        if (prob >= MIN_PROBABILITY and _primary(lang) != declared
                and not any(_primary(c) == declared and p >= DECLARED_CANDIDATE for c, p in candidates(text))):
            rows.append(row)
            langs.append(lang)
            probs.append(prob)
    if not rows:
        return no_hits()
    found = pl.DataFrame({ROW: rows, "_lang": langs, "_p": probs}, schema={ROW: pl.Int64, "_lang": pl.String,
                                                                           "_p": pl.Float64})
    found = found.join(todo.select(ROW, TARGET, pl.col(TGT_LANG) if TGT_LANG in todo.columns
                                   else pl.lit(default).alias(TGT_LANG)), on=ROW)
    return found.select(
        ROW,
        pl.format("The target reads as language '{}' (probability {}), not '{}': '{}'.",
                  pl.col("_lang"), pl.col("_p").round(2), pl.col(TGT_LANG).fill_null(default),
                  quote_expr(TARGET)).alias("message"),
        pl.lit("target").alias("side"),
    )
