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

An Arabic target whose masked text (names copied from the source taken out) langdetect would
read in basic Arabic letters only is not sent to it either: see `sees_only_arabic`.
"""

from __future__ import annotations

import functools
import re

import polars as pl
from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from review.arabic import AR_LETTERS, LATIN_LETTER_RE
from review.checks.base import ROW, CheckContext, catalogue, implements, no_hits
from review.checks.text import URL_OR_EMAIL_RE, quote_expr, target_is_arabic
from review.schema import SOURCE, TARGET, TGT_LANG

# Letters Arabic does not use but Persian, Urdu, Pashto, Kurdish do: their presence means the
# script no longer decides the language.
NON_ARABIC_LETTERS = "پچژگڤڭۆۇۈۋێۏڕڵھےۓٹڈڑںۀ"
_FOREIGN_RE = f"[{NON_ARABIC_LETTERS}]"
# An Arabic-script target with at least this share of Arabic letters (of all letters) and none of
# the letters above is taken as Arabic without asking langdetect.
ARABIC_SHARE_DECIDES = 0.8
MIN_PROBABILITY = 0.8
# The declared language with at least this probability among langdetect's candidates: no flag.
DECLARED_CANDIDATE = 0.05
_NUMBER_RE = r"[0-9٠-٩۰-۹]+(?:[.,٫٬:/-][0-9٠-٩۰-۹]+)*%?٪?"
_LATIN_TOKEN = re.compile(r"[A-Za-z][\w'’.-]*")
_WORD = re.compile(r"[^\W\d_]{2,}")  # a word of two letters or more (numbers and names are masked)

# ----------------------------------------------------------------------------- what langdetect sees
# langdetect (Detector.append, cleaning_text, NGram.normalize) cuts a text at 10,000 characters,
# drops its Latin letters (A..z) when other letters from U+0300 up are more than twice as many,
# and turns ASCII non-letters, General Punctuation (U+2000-U+206F) and four Latin-1 signs (NBSP,
# « ° ») into spaces. A text made of those, Latin letters so outnumbered, and the basic Arabic
# block (letters hamza..yeh, marks, digits, ، ؛ ؟ ٪) reaches the detector as basic Arabic n-grams
# only. In langdetect's profiles every n-gram of Arabic-block characters is at least as probable
# in Arabic as in each of the 52 languages other than Persian and Urdu (tests/test_checks_language
# checks this on the installed profiles), so each update multiplies Arabic's probability by at
# least as much as theirs and none of them can end above Arabic, let alone at 0.8 with Arabic
# below 0.05. Persian and Urdu are told from Arabic by the letters left out of that block (پ چ ژ
# گ ک ی ے ہ ...); on ten or more words of basic Arabic letters langdetect never put them first
# on the texts measured (bench/langdetect_arabic.py): the rule the script decision above
# already relies on, applied to the text langdetect is actually given.
_LD_MAX_TEXT = 10_000
_BASIC_ARABIC = "\u060c\u061b\u061f\u0621-\u063a\u0640-\u065f\u0660-\u066d\u0670"
_LD_NEUTRAL = "\u0000-\u007f\u00a0\u00ab\u00b0\u00bb\u2000-\u206f"
_LD_OUTSIDE = re.compile(f"[^{_LD_NEUTRAL}{_BASIC_ARABIC}]")
_LD_LATIN = re.compile("[A-z]")  # langdetect's own test: 'A' <= ch <= 'z'
_LD_NON_LATIN = re.compile("[\u0600-\u06ff\u2000-\u206f]")  # the characters >= U+0300 allowed above
_BASIC_LETTER = "\u0621-\u063a\u0641-\u064a"
_BASIC_WORD = re.compile(f"(?:[{_BASIC_LETTER}][\u0640\u064b-\u065f\u0670]*){{2,}}")
ARABIC_WORDS_DECIDE = 10  # the shortest text measured


def sees_only_arabic(text: str) -> bool:
    """Whether langdetect, given `text`, can only answer Arabic: it would see ten or more words of
    basic Arabic letters and nothing else that counts (see above)."""
    if len(text) > _LD_MAX_TEXT or _LD_OUTSIDE.search(text):
        return False
    return (2 * len(_LD_LATIN.findall(text)) < len(_LD_NON_LATIN.findall(text))
            and len(_BASIC_WORD.findall(text)) >= ARABIC_WORDS_DECIDE)


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


def _undecided(frame: pl.DataFrame, ctx: CheckContext, min_letters: int) -> pl.DataFrame:
    """The rows the script does not decide (ROW, SOURCE, TARGET, TGT_LANG if present, _m: the
    target with URLs, e-mail addresses and numbers masked), in ROW order.

    Each text is scanned as few times as possible (a scan of a 20k-row column costs ~10 ms): the
    URL mask and its recount only where a URL or e-mail address can be, Arabic letters counted
    from byte lengths rather than match by match."""
    text = pl.col(TARGET).fill_null("")
    f = frame.select(ROW, SOURCE, TARGET, *([TGT_LANG] if TGT_LANG in frame.columns else []),
                     target_is_arabic(frame, ctx).alias("_ar"))
    f = f.with_columns(text.str.contains(_FOREIGN_RE).alias("_f"))
    if min_letters >= 1:
        # Exact shortcuts: masking never lengthens a text, so a shorter one has too few letters;
        # an Arabic target without Latin and Persian/Urdu letters has only Arabic ones (share 1:
        # decided) or none (too few).
        f = f.filter((text.str.len_chars() >= min_letters)
                     & (~pl.col("_ar") | pl.col("_f") | text.str.contains(LATIN_LETTER_RE)))
    # URL_OR_EMAIL_RE needs "://", "www." or "@": elsewhere the mask changes nothing.
    has_url = text.str.contains(r"://|www\.|@")
    linked = f.filter(has_url).with_columns(text.str.replace_all(URL_OR_EMAIL_RE, " ").alias("_m"))
    f = pl.concat([f.filter(~has_url).with_columns(text.alias("_m")),
                   linked.with_columns(pl.col("_m").str.contains(_FOREIGN_RE).alias("_f"))])
    # With every character but ASCII and Arabic letters removed, each Arabic letter is the one
    # character of two UTF-8 bytes: their count is bytes minus characters.
    kept = pl.col("_m").str.replace_all(f"[^\\x00-\\x7f{AR_LETTERS}]+", "")
    f = f.with_columns((kept.str.len_bytes() - kept.str.len_chars()).cast(pl.UInt32).alias("_a"),
                       pl.col("_m").str.count_matches(LATIN_LETTER_RE).alias("_l"))
    letters = pl.col("_a") + pl.col("_l")
    share_ar = pl.col("_a") / letters.clip(lower_bound=1)
    share_latin = pl.col("_l") / letters.clip(lower_bound=1)
    decided = (pl.col("_ar") & (share_ar >= ARABIC_SHARE_DECIDES) & ~pl.col("_f")) | (
        # untranslated (form family) fires from its Latin share on: wrong_language leaves those rows alone
        pl.col("_ar") & (share_latin >= float(catalogue()["untranslated"].params["min_latin_share"])))
    # Numbers hold no letters: masked only on the rows left.
    return (f.filter((letters >= min_letters) & ~decided).sort(ROW)
            .with_columns(pl.col("_m").str.replace_all(_NUMBER_RE, " ")))


@implements("wrong_language")
def wrong_language(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    min_letters = int(ctx.params["min_letters"])
    min_words = int(ctx.params["min_words"])
    todo = _undecided(frame, ctx, min_letters)
    if todo.height == 0:
        return no_hits()
    # One library call per row is unavoidable; only the undecided rows get here, each distinct
    # text once (lru_cache).
    rows, langs, probs = [], [], []
    default = ctx.tgt_lang
    tgt_langs = todo[TGT_LANG].to_list() if TGT_LANG in todo.columns else [None] * todo.height
    for row, src, masked_text, tgt_lang in zip(todo[ROW], todo[SOURCE].fill_null(""), todo["_m"], tgt_langs):
        text = mask_copied(masked_text, src)
        if len(re.findall(r"\w", text)) < min_letters or len(_WORD.findall(text)) < min_words:
            continue
        declared = _primary(tgt_lang or default)
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
