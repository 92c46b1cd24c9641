"""Script checks: English left in the Arabic, stray letters, invisible and look-alike characters,
tatweel, tripled letters, mojibake."""

from __future__ import annotations

import re

import polars as pl

from review.arabic import AR_LETTERS, DIACRITICS, TATWEEL
from review.checks.base import ROW, CheckContext, gate, implements, no_hits
from review.checks.spans import find_spans
from review.checks.text import AR_WORD, PLACEHOLDER_RE, TAG_RE, arabic_only, hit_frame, mostly_latin
from review.schema import SOURCE, TARGET

# ----------------------------------------------------------------------------- latin_leftover
# English words that are never names: capitalised ("The"), one does not make a Latin run a title
# or name, and in a title ("Bells of Coronado", "I Love it") it does not count as plain English.
ENGLISH_FUNCTION_WORDS = (
    "the", "and", "of", "to", "in", "for", "with", "on", "by", "is", "are", "was", "were", "that",
    "this", "from", "as", "at", "or", "but", "not", "be", "has", "have", "had", "it", "its", "an",
    "which", "who", "their", "they", "he", "she", "his", "her", "will", "would", "about", "into")
# Units and abbreviations written in Latin letters in Arabic prose.
LATIN_UNITS = ("km", "kg", "cm", "mm", "mg", "ml", "kb", "mb", "gb", "tb", "kw", "kwh", "mph",
               "hz", "khz", "mhz", "ghz", "px", "pt", "vs", "am", "pm", "etc")
# A token with any of these is a URL, e-mail, handle, path, code or markup, not a word.
# Command-line options (--clean, -v) and colon-joined identifiers (si:localuser:root) too.
_CODE_MARK = r"://|www\.|[@#{}%\\/_=<>`$|~^]|[A-Za-z][.:][A-Za-z]|[A-Za-z][0-9]|[0-9][A-Za-z]"
_CODE_LIKE = _CODE_MARK + r"|(?:^|[^\w-])--?[A-Za-z]"
_LATIN_RUN = r"[A-Za-z](?:[A-Za-z'’-]*[A-Za-z])?"
# A flag needs a token whose Latin run (_LATIN_RUN: from its first Latin letter, as far as letters
# and ' ’ - go, ending on a letter) is lowercase, of two letters or more, in a token that is not
# code. Such a run starts after a non-letter and ends before neither a letter nor ['’-]+ and a
# letter: rows without one cannot be flagged, and most Arabic targets (names are capitalised)
# have none outside URLs. Chunks (between spaces) matching _CODE_CHUNK are part of a code token
# whatever token they are in, so their lowercase runs do not count.
_LOWER_RUN = r"(?:^|[^A-Za-z])[a-z][a-z'’-]*[a-z](?:$|[^A-Za-z'’-]|['’-]+(?:$|[^A-Za-z'’-]))"
_CODE_CHUNK = rf"\S*(?:{_CODE_MARK})\S*"


def _latin_tokens(frame: pl.DataFrame) -> pl.DataFrame:
    """Whitespace tokens holding a Latin-letter run: ROW, k, run, start, end, kind, prefix, suffix
    (what the token has before and after its Latin run: quotes, brackets, glued Arabic)."""
    # A placeholder or tag with spaces inside ({{ limit }}, <a href="x">) is one (code) token.
    toks = find_spans(frame, TARGET, f"(?:\\S*?(?:{PLACEHOLDER_RE}|{TAG_RE}))+\\S*|\\S+")
    toks = toks.filter(pl.col("match").str.contains(r"[A-Za-z]"))
    prefix = pl.col("match").str.extract(r"^([^A-Za-z]*)", 1)
    run = pl.col("match").str.extract(f"({_LATIN_RUN})", 1)
    toks = toks.with_columns(
        run.alias("run"), prefix.alias("prefix"),
        (pl.col("start") + prefix.str.len_chars()).alias("start"),
        pl.col("match").str.contains(_CODE_LIKE).alias("code"),
    ).with_columns(
        (pl.col("start") + pl.col("run").str.len_chars()).alias("end"),
        pl.col("match").str.slice(pl.col("prefix").str.len_chars() + pl.col("run").str.len_chars()).alias("suffix"))
    is_lower = pl.col("run").str.contains(r"^[a-z][a-z'’-]*$")
    return toks.with_columns(
        pl.when(pl.col("code")).then(pl.lit("code"))
        .when(pl.col("run").str.len_chars() == 1).then(pl.lit("letter"))
        .when(is_lower).then(pl.lit("lower"))
        .otherwise(pl.lit("name")).alias("kind"))


# A Latin run quoted or bracketed as a whole is a title or a term the translator kept on purpose
# ("Bells of Coronado", الحراك بالنقر (clicktivism)); an English word inside an Arabic quotation is not.
_OPENS = r"[\"“”«(\[‘']$"
_CLOSES = r"^[.,;:!?؟،؛]*[\"“”»)\]’']"
# The source explains a foreign word: "In Welsh twp means daft".
_GLOSSED = r"[a-z][a-z'’-]*\s+(?:means|meaning|meant)\b"


def _latin_runs(toks: pl.DataFrame) -> pl.DataFrame:
    """Per token, facts about its Latin run (consecutive Latin tokens not split by Arabic): whether
    the run is quoted or bracketed as a whole, and whether it reads as a title or name (a
    capitalised word or acronym, and no more plain lowercase words than capitalised ones)."""
    toks = toks.sort(ROW, "k")
    arabic_prefix = pl.col("prefix").str.contains(AR_WORD)
    arabic_before = pl.col("suffix").shift(1).str.contains(AR_WORD)
    new_run = ((pl.col(ROW) != pl.col(ROW).shift(1)) | (pl.col("k") != pl.col("k").shift(1) + 1)
               | arabic_prefix | arabic_before).fill_null(True)
    word = pl.col("run").str.to_lowercase()
    function = word.is_in(ENGLISH_FUNCTION_WORDS)
    toks = toks.with_columns(new_run.cum_sum().alias("_run"), function.alias("_function"))
    run = pl.col("_run")
    capital = (pl.col("kind") == "name") & ~pl.col("_function")
    content = (pl.col("kind") == "lower") & ~pl.col("_function") & ~word.is_in(LATIN_UNITS)
    n_capital, n_content = capital.sum().over(run), content.sum().over(run)
    quoted = (pl.col("prefix").first().over(run).str.contains(_OPENS)
              & pl.col("suffix").last().over(run).str.contains(_CLOSES))
    return toks.with_columns(
        quoted.alias("_quoted"),
        ((n_capital >= 1) & (n_content <= n_capital)).alias("_title"))


def _outside_copied_lines(toks: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """Drop tokens on a target line that is a line of the source as it stands (a command, a path,
    a code sample in a multi-line entry: "xhost si:localuser:root")."""
    multi = rows.filter(pl.col(TARGET).str.contains("\n", literal=True)).select(
        ROW, TARGET, pl.col(SOURCE).fill_null("").str.split("\n").list.eval(pl.element().str.strip_chars())
        .alias("_src_lines"))
    if multi.height == 0:
        return toks
    line = (pl.col(TARGET).str.slice(0, pl.col("start")).str.count_matches("\n").alias("_line"))
    on_multi = toks.join(multi, on=ROW).with_columns(line)
    copied = on_multi.filter(pl.col("_src_lines").list.contains(
        pl.col(TARGET).str.split("\n").list.get(pl.col("_line")).str.strip_chars()))
    return toks.join(copied.select(ROW, "k"), on=[ROW, "k"], how="anti")


_LATIN_PAIR = re.compile("[a-z]{2}")


@gate("latin_leftover")
def _latin_leftover_gate(src: str, tgt: str) -> bool:
    return _LATIN_PAIR.search(tgt) is not None  # the check's first filter


@implements("latin_leftover")
def latin_leftover(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    rows = (arabic_only(frame, ctx).filter(pl.col(TARGET).str.contains(r"[a-z]{2}"))
            .filter(pl.col(TARGET).str.contains(_LOWER_RUN))
            .filter(pl.col(TARGET).str.replace_all(_CODE_CHUNK, " ").str.contains(_LOWER_RUN)))
    if rows.height == 0:
        return no_hits()
    # A target in English as a whole is untranslated's finding, not a list of leftovers.
    rows = rows.join(mostly_latin(rows, TARGET), on=ROW, how="anti").filter(
        pl.col(TARGET).str.strip_chars() != pl.col(SOURCE).fill_null("").str.strip_chars())
    if rows.height == 0:
        return no_hits()
    toks = _latin_runs(_latin_tokens(rows))
    word = pl.col("run").str.to_lowercase()
    lower = (pl.col("kind") == "lower") & ~word.is_in(LATIN_UNITS)
    candidates = toks.filter(lower & ~pl.col("_quoted") & ~pl.col("_title"))
    if candidates.height == 0:
        return no_hits()
    # Copied from the source does not excuse a lowercase English word (English left in the Arabic
    # is copied from the source by nature), except a word the source itself explains.
    glossed = rows.select(ROW, pl.col(SOURCE).fill_null("").str.to_lowercase().str.extract_all(_GLOSSED)
                          .list.eval(pl.element().str.extract(r"^(\S+)", 1)).alias("_glossed"))
    leftover = (candidates.join(glossed, on=ROW, how="left")
                .filter(~pl.col("_glossed").list.contains(word).fill_null(False)))
    leftover = _outside_copied_lines(leftover, rows)
    if leftover.height == 0:
        return no_hits()
    # Consecutive leftover words make one flag ("the board", not "the" and "board").
    grouped = (leftover.sort(ROW, "k")
               .with_columns((pl.col("k").diff().over(ROW).fill_null(2) != 1).cum_sum().alias("_g"))
               .group_by(ROW, "_g").agg(pl.col("start").min(), pl.col("end").max(), pl.len().alias("_n")))
    grouped = grouped.join(rows.select(ROW, TARGET), on=ROW).with_columns(
        pl.col(TARGET).str.slice(pl.col("start"), pl.col("end") - pl.col("start")).alias("_frag"))
    message = pl.format("English left untranslated in the Arabic: '{}'.", pl.col("_frag"))
    return hit_frame(grouped, message, start=pl.col("start"), end=pl.col("end"))


# ----------------------------------------------------------------------------- stray_letter
# Arabic letters standing alone. و is excluded: written apart it is the conjunction "and", which
# must stand apart before Latin script or digits ("Sam Altman و Greg Brockman"); "و الشركة" is a
# spacing matter, not a stray letter. Letters followed by "." or ")" or preceded by "(" are list
# markers or abbreviations (أ. ب) (أ)), and letters next to a number are year/page marks (2023 م).
_AR_STRAY = f"[\u0621-\u063a\u0641-\u0647\u0649-\u064a\u067e\u0686\u06a4\u06a9\u06af\u06cc][{DIACRITICS}]*"
_LONE = f"(?:{_AR_STRAY}|[A-Za-z])"
# A run of lone letters ("X أ" shares its middle space, which a single-letter pattern would consume).
_STRAY_RUN_RE = f"(?:^|\\s){_LONE}(?:\\s+{_LONE})*(?:\\s|$)"


def _lone_letters(rows: pl.DataFrame) -> pl.DataFrame:
    runs = find_spans(rows, TARGET, _STRAY_RUN_RE)
    if runs.height == 0:
        return runs.with_columns(pl.lit("").alias("letter"))
    parts = (runs.with_columns(pl.col("match").str.replace_all(r"\s", " ").str.split(" ").alias("_p"))
             .drop("k").explode("_p")
             .with_columns(pl.col("_p").str.len_chars().alias("_l"))
             .with_columns((pl.col("start") + pl.col("_l").cum_sum().over(ROW, "start")
                            + pl.int_range(pl.len()).over(ROW, "start") - pl.col("_l")).alias("_s")))
    return parts.filter(pl.col("_l") > 0).select(
        ROW, pl.col("_p").alias("letter"), pl.col("_s").alias("start"),
        (pl.col("_s") + pl.col("_l")).alias("end"))


# The run pattern itself, in Python: its \s and $ accept what polars' do and more (a superset).
_STRAY_RUN_PY = re.compile(_STRAY_RUN_RE)


@gate("stray_letter")
def _stray_gate(src: str, tgt: str) -> bool:
    return _STRAY_RUN_PY.search(tgt) is not None


@implements("stray_letter")
def stray_letter(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    rows = arabic_only(frame, ctx)
    found = _lone_letters(rows)
    if found.height == 0:
        return no_hits()
    # The source's lone letters only for the rows with a hit (Unicode \b is slow on every row).
    found = found.join(rows.join(found.select(ROW).unique(), on=ROW, how="semi").select(
        ROW, TARGET, pl.col(SOURCE).fill_null("").str.extract_all(r"\b[A-Za-z]\b").alias("_src_letters")), on=ROW)
    text = pl.col(TARGET)
    before = text.str.slice(pl.max_horizontal(pl.col("start") - 12, pl.lit(0)),
                            pl.min_horizontal(pl.col("start"), pl.lit(12))).str.strip_chars_end()
    after = text.str.slice(pl.col("end"), 12).str.strip_chars_start()
    near_number = before.str.contains(r"[0-9٠-٩۰-۹]$") | after.str.contains(r"^[0-9٠-٩۰-۹]")
    latin = pl.col("letter").str.contains(r"^[A-Za-z]$")
    # A Latin letter that stands alone in the source too is a name or a symbol ("X", "the letter w",
    # "World War I", "x = 2"), except a/A/i: those are English words left behind.
    kept = (latin & ~pl.col("letter").is_in(["a", "A", "i"])
            & pl.col("_src_letters").list.eval(pl.element().str.to_lowercase())
            .list.contains(pl.col("letter").str.to_lowercase()))
    found = found.filter(~near_number & ~kept)
    context = pl.format("{} {} {}", before.str.extract(r"(\S*)$", 1), pl.col("letter"),
                        after.str.extract(r"^(\S*)", 1)).str.strip_chars()
    message = pl.format("Stray single letter '{}' in '{}'.", pl.col("letter"), context)
    return hit_frame(found, message, start=pl.col("start"), end=pl.col("end"))


# ----------------------------------------------------------------------------- invisible_chars
INVISIBLE_NAMES = {
    "\u00ad": "SOFT HYPHEN", "\u200b": "ZERO WIDTH SPACE", "\u200c": "ZERO WIDTH NON-JOINER",
    "\u200d": "ZERO WIDTH JOINER", "\u200e": "LEFT-TO-RIGHT MARK", "\u200f": "RIGHT-TO-LEFT MARK",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING", "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING", "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u2060": "WORD JOINER", "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE", "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE", "\ufeff": "ZERO WIDTH NO-BREAK SPACE (BOM)",
}
# Persian and Urdu write ZWNJ inside words on purpose.
ZWNJ_LANGUAGES = ("fa", "ur", "ps", "ku")


@gate("invisible_chars")
def _invisible_gate(src: str, tgt: str) -> bool:
    return any(c in tgt for c in INVISIBLE_NAMES)  # ZWNJ included whatever the language


@implements("invisible_chars")
def invisible_chars(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    chars = "".join(INVISIBLE_NAMES)
    if ctx.tgt_lang.lower().split("-")[0] in ZWNJ_LANGUAGES:
        chars = chars.replace("\u200c", "")
    found = find_spans(frame, TARGET, f"[{chars}]+")
    # A byte-order mark at the very start is a file artefact, not text.
    found = found.filter(~((pl.col("start") == 0) & (pl.col("match") == "\ufeff")))
    first = pl.col("match").str.slice(0, 1)
    code = first.replace_strict({c: f"U+{ord(c):04X}" for c in INVISIBLE_NAMES}, default="?")
    name = first.replace_strict(INVISIBLE_NAMES, default="?")
    n = pl.col("match").str.len_chars()
    message = pl.format("Invisible character {} {} in the text{}.", code, name,
                        pl.when(n > 1).then(pl.format(" ({} in a row)", n)).otherwise(pl.lit("")))
    return hit_frame(found, message, start=pl.col("start"), end=pl.col("end"))


# ----------------------------------------------------------------------------- persian_letters
_AR_OR_MARK = f"[{AR_LETTERS}{DIACRITICS}]"


@gate("persian_letters")
def _persian_gate(src: str, tgt: str) -> bool:
    return "ی" in tgt or "ک" in tgt


@implements("persian_letters")
def persian_letters(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    # The two letters first: a search for them alone is ten times cheaper than the word pattern.
    rows = arabic_only(frame, ctx).filter(pl.col(TARGET).str.contains("[یک]"))
    if rows.height == 0:
        return no_hits()
    found = find_spans(rows, TARGET, f"{_AR_OR_MARK}*[یک]{_AR_OR_MARK}*")
    message = pl.format("Persian letter in '{}': Arabic writes ي (not ی) and ك (not ک).", pl.col("match"))
    return hit_frame(found, message, start=pl.col("start"), end=pl.col("end"))


# ----------------------------------------------------------------------------- tatweel
# Only tatweel between two Arabic letters stretches a word; after a clitic before Latin script or
# digits (لـ OpenAI, بـ *, الـ50) and in the Hijri mark هـ it is the normal way of writing.
_TATWEEL_WORD = (f"{_AR_OR_MARK}*[{AR_LETTERS}][{DIACRITICS}]*{TATWEEL}+"
                 f"[{AR_LETTERS}][{AR_LETTERS}{DIACRITICS}{TATWEEL}]*")


@gate("tatweel")
def _tatweel_gate(src: str, tgt: str) -> bool:
    return TATWEEL in tgt


@implements("tatweel")
def tatweel(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    rows = frame.filter(pl.col(TARGET).str.contains(TATWEEL, literal=True))
    if rows.height == 0:
        return no_hits()
    found = find_spans(rows, TARGET, _TATWEEL_WORD)
    message = pl.format("Tatweel (ـ) stretches the word '{}' in running text.", pl.col("match"))
    return hit_frame(found, message, start=pl.col("start"), end=pl.col("end"))


# ----------------------------------------------------------------------------- tripled_letters
# Lowercase Latin and Arabic letters only: capitals are acronyms or Roman numerals (XXX, III).
_TRIPLES = "|".join(c * 3 for c in "abcdefghijklmnopqrstuvwxyz" + "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي")
_TRIPLED_TOKEN = f"\\S*(?:{_TRIPLES})\\S*"
# A token (a chunk between spaces) with one of these is a URL, an address or a number, not a word.
_NOT_A_WORD = r"://|www\.|@|[0-9]|\.[a-z]{2,}"
_NOT_A_WORD_CHUNK = rf"\S*(?:{_NOT_A_WORD})\S*"


_THREE_ALIKE = re.compile(r"(.)\1\1", re.DOTALL)  # any character three times: _TRIPLES' superset


@gate("tripled_letters")
def _tripled_gate(src: str, tgt: str) -> bool:
    return _THREE_ALIKE.search(tgt) is not None


@implements("tripled_letters")
def tripled_letters(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    # Most tripled letters are the w's of "www.": rows where every tripled token is a URL, an
    # address or a number (those chunks blanked, no tripled token left) are dropped before the spans.
    text = pl.col(TARGET).fill_null("")
    rows = frame.filter(text.str.contains(_TRIPLED_TOKEN))
    if rows.height:
        rows = rows.filter(text.str.replace_all(_NOT_A_WORD_CHUNK, " ").str.contains(_TRIPLED_TOKEN))
    if rows.height == 0:
        return no_hits()
    found = find_spans(rows, TARGET, _TRIPLED_TOKEN)
    found = found.filter(~pl.col("match").str.contains(_NOT_A_WORD))
    lead = pl.col("match").str.extract(r"^(\W*)", 1).str.len_chars()
    trail = pl.col("match").str.extract(r"(\W*)$", 1).str.len_chars()
    found = found.with_columns((pl.col("start") + lead).alias("start"), (pl.col("end") - trail).alias("end"),
                               pl.col("match").str.strip_chars(r"""!"#'(),-.:;?[]«»“”’‘،؛؟…""").alias("word"))
    message = pl.format("A letter is repeated three times or more in '{}'.", pl.col("word"))
    return hit_frame(found, message, start=pl.col("start"), end=pl.col("end"))


# ----------------------------------------------------------------------------- mojibake
# UTF-8 read as Windows-1252/Latin-1: a lead byte shown as Ã Â Ø Ù Ú Û â followed by characters
# that continuation bytes 0x80-0xBF become (C1 controls, Latin-1 symbols, cp1252 punctuation).
_CONTINUATION = ("\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                 "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122")
MOJIBAKE_RE = f"(?:[ÃÂØÙÚÛâ][{_CONTINUATION}]+)+|\ufffd+"


_MOJIBAKE_START = re.compile("[ÃÂØÙÚÛâ\ufffd]")  # how every MOJIBAKE_RE match begins


@gate("mojibake")
def _mojibake_gate(src: str, tgt: str) -> bool:
    return _MOJIBAKE_START.search(tgt) is not None


@implements("mojibake")
def mojibake(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    found = find_spans(frame, TARGET, MOJIBAKE_RE)
    message = pl.format("Garbled characters '{}': the text was decoded with the wrong encoding.",
                        pl.col("match"))
    return hit_frame(found, message, start=pl.col("start"), end=pl.col("end"))
