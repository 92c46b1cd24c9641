"""Names of the source in the target: kept in Latin, transliterated, translated, or lost.

For every capitalised name word of the source (review.checks.meaning.source_names) we look in the
target of the same segment for its renderings: the word in Latin script, an Arabic
transliteration (a regex built from the word's consonants: Musk -> م + س/ص/ز/ث + ك/ق with any
long vowels, hamza forms, diacritics and proclitics around them), or its dictionary translation
(data/name_words.tsv). Per document this gives the rendering table of each name, from which:

- name_inconsistent: a name written in Latin in some segments and in Arabic in the majority (or
  the reverse), or spelled two ways in Arabic: the minority form is flagged, quoting the majority;
- name_translated: the dictionary meaning instead of the name (The Verge -> الحافة), or the Arabic
  article on a transliterated name that the document otherwise writes without it (الأنثروبيك);
- name_missing: a name of the source with no rendering at all in the target.
"""

from __future__ import annotations

import functools
import re

import polars as pl

from review.checks.base import ROW, CheckContext, implements, no_hits
from review.checks.meaning import name_words, source_names
from review.normalize import match_key
from review.schema import BEAD, DOC, SOURCE, TARGET

# --------------------------------------------------------------------------- transliteration regex
_MARKS = "\u064b-\u065f\u0670\u0640"  # harakat, superscript alef, tatweel
_ALEF = "اأإآٱ"
_VOWEL = f"[{_ALEF}ويىئؤءة{_MARKS}]*"
_CONSONANTS: list[tuple[str, str]] = [  # longest first
    ("sch", "ش"), ("tch", "(?:تش|ش)"), ("sh", "ش"), ("ch", "(?:تش|ش|ك)"), ("th", "[ثتذ]"), ("ph", "ف"),
    ("ck", "[كق]"), ("gh", "[غج]?"), ("kh", "خ"), ("qu", "[كق]و?"), ("wh", "و"), ("ng", "ن[غجك]?"),
    ("x", "[كق][سز]"), ("b", "[بپ]"), ("p", "[بپ]"), ("c", "[كسقص]"), ("d", "[دض]"), ("f", "ف"),
    ("g", "[جغكق]"), ("h", "[هح]?"), ("j", "ج"), ("k", "[كق]"), ("l", "ل"), ("m", "م"), ("n", "ن"),
    ("q", "[قك]"), ("r", "ر"), ("s", "[سصزث]"), ("t", "[تط]"), ("v", "[فڤ]"), ("w", "و?"), ("y", "ي?"),
    ("z", "[زس]"),
]
_PROCLITICS = "(?:[وف]?(?:[بلك]|ل?ل)?)"
_ARTICLE = "ال"
# Shorter words give too many chance matches with ordinary Arabic words.
MIN_CONSONANTS = 2


# Arabic letters that write each English vowel letter in transliterations (Musk -> ماسك,
# Greg -> جريج, Brockman -> بروكمان); a slot without vowels takes none.
_VOWEL_LETTERS = {"a": "اىيه", "e": "يا", "i": "يى", "o": "وا", "u": "واي", "y": "يى"}
_GLIDES = "ئؤء"


def _vowel_slot(vowels: str, final: bool = False) -> str:
    letters = "".join(dict.fromkeys("".join(_VOWEL_LETTERS.get(v, "") for v in vowels)))
    if final and vowels:
        letters += "ةه"
    return f"[{letters}{_GLIDES}{_MARKS}]*" if letters else f"[{_MARKS}]*"


@functools.cache
def translit_skeleton(word: str) -> str | None:
    """Regex (no boundaries) matching Arabic transliterations of an English name word, or None."""
    w = re.sub(r"[^a-z]", "", word.lower())
    w = re.sub(r"([b-df-hj-np-tv-z])\1", r"\1", w)  # doubled consonants are written once
    slots: list[str] = [""]  # vowels before the first consonant, then after each consonant
    parts: list[tuple[str, bool]] = []  # (regex, optional)
    i = 0
    while i < len(w):
        if w[i] in "aeiou" or (w[i] == "y" and i > 0):
            slots[-1] += w[i]
            i += 1
            continue
        for latin, arabic in _CONSONANTS:
            if w.startswith(latin, i):
                optional = arabic.endswith("?")
                parts.append((arabic[:-1] if optional else arabic, optional))
                slots.append("")
                i += len(latin)
                break
        else:
            i += 1
    if sum(not opt for _, opt in parts) < MIN_CONSONANTS:
        return None
    # A name that starts with a vowel starts with alef in Arabic (أوبن, إيلون), one that starts
    # with a consonant does not; vowel letters follow the English vowels (سام, not سيما or سوم).
    lead = f"[{_ALEF}]" + _vowel_slot(slots[0]) if slots[0] else f"[{_MARKS}]*"
    body = ""
    for k, (regex, optional) in enumerate(parts):
        vowel = _vowel_slot(slots[k + 1], final=k == len(parts) - 1)
        body += f"(?:{regex}{vowel})?" if optional else f"{regex}{vowel}"
    return lead + body


def _arabic_form_regex(form: str) -> str:
    """An Arabic word as a regex tolerant of hamza/alef spelling, ta marbuta and diacritics."""
    out = []
    for ch in form:
        if ch in _ALEF:
            out.append(f"[{_ALEF}]")
        elif ch in "ةه":
            out.append("[ةه]")
        elif ch in "يى":
            out.append("[يى]")
        elif ch.isspace():
            out.append(r"\s+")
        else:
            out.append(re.escape(ch))
        out.append(f"[{_MARKS}]*")
    return "".join(out)


def _patterns(word: str) -> tuple[str, str | None, str | None]:
    """(Latin, transliteration, dictionary-translation) patterns of a name word for the target."""
    latin = rf"\b{re.escape(word)}\b"
    skel = translit_skeleton(word)
    translit = rf"\b({_PROCLITICS}(?:{_ARTICLE})?){skel}\b" if skel else None
    if skel and len(re.sub("[^a-z]", "", word.lower())) <= 3:
        translit = rf"\b({_PROCLITICS}){skel}\b"  # no article on short names (بالدوين is not ال+Dan)
    forms = name_words().get(word.lower())
    dictionary = (r"\b" + _PROCLITICS + "(?:" + "|".join(_arabic_form_regex(f) for f in forms) + r")\b"
                  if forms else None)
    return latin, translit, dictionary


# --------------------------------------------------------------------------- rendering table
_SCHEMA = {ROW: pl.Int64, DOC: pl.String, "word": pl.String, "kind": pl.String, "form": pl.String,
           "start": pl.Int64, "end": pl.Int64, "article": pl.Boolean}


def _spans(frame: pl.DataFrame, pattern_col: str) -> pl.DataFrame:
    """All matches of the per-row regex in `pattern_col` over TARGET, with character spans."""
    f = frame.filter(pl.col(pattern_col).is_not_null())
    if f.height == 0:
        return f.select(ROW, DOC, "word", pl.lit("").alias("form"), pl.lit(0, pl.Int64).alias("start"),
                        pl.lit(0, pl.Int64).alias("end")).clear()
    pat = pl.col(pattern_col)
    # `.*?P` matches run from one match end to the next: their cumulative lengths are the match
    # ends (polars has no match-offset API that counts characters).
    f = f.with_columns(
        pl.col(TARGET).str.extract_all(pl.lit("(?s).*?(?:") + pat + pl.lit(")")).alias("_chunks"),
        pl.col(TARGET).str.extract_all(pat).alias("_forms"),
    ).filter(pl.col("_forms").list.len() > 0)
    f = f.explode("_chunks", "_forms").with_columns(
        pl.col("_chunks").str.len_chars().cum_sum().over(ROW, "word").cast(pl.Int64).alias("end"))
    return f.select(ROW, DOC, "word", pl.col("_forms").alias("form"),
                    (pl.col("end") - pl.col("_forms").str.len_chars()).cast(pl.Int64).alias("start"), "end")


def rendering_table(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(names, renderings).

    names: ROW, DOC, word, start, end (the name word in the source).
    renderings: ROW, DOC, word, kind ('latin', 'arabic', 'dictionary'), form, start, end (in the
    target), article (the Arabic article sits on a transliteration).
    """
    f = frame
    if DOC not in f.columns:
        f = f.with_columns(pl.lit("").alias(DOC))
    f = f.filter(pl.col(TARGET).fill_null("").str.strip_chars() != "")
    if BEAD in f.columns:
        f = f.filter(~pl.col(BEAD).fill_null("").is_in(["1-0", "0-1"]))
    names = source_names(f.select(ROW, DOC, SOURCE)).rename({"match": "word"})
    if names.height == 0:
        return names, pl.DataFrame(schema=_SCHEMA)
    words = names.select("word").unique()
    pats = [(w, *_patterns(w)) for w in words["word"].to_list()]
    pat_frame = pl.DataFrame(pats, schema={"word": pl.String, "_latin": pl.String, "_translit": pl.String,
                                           "_dict": pl.String}, orient="row")
    per_row = (names.select(ROW, DOC, "word").unique()
               .join(f.select(ROW, TARGET), on=ROW).join(pat_frame, on="word").sort("word"))
    latin = _spans(per_row, "_latin").with_columns(pl.lit("latin").alias("kind"), pl.lit(False).alias("article"))
    translit = _spans(per_row, "_translit").with_columns(pl.lit("arabic").alias("kind"))
    if translit.height:
        translit = translit.join(pat_frame.select("word", "_translit"), on="word").with_columns(
            pl.col("form").str.extract(pl.lit("^") + pl.col("_translit"), 1).fill_null("").alias("_prefix")
        ).with_columns(
            # ال, or لل (li + al contracted: للمكسيك) ends the proclitics
            pl.col("_prefix").str.contains(f"(?:{_ARTICLE}|لل)$").alias("article"),
            # the name itself must be long enough: ين (ب + ين) is no transliteration of Johnny
            (pl.col("form").str.len_chars() - pl.col("_prefix").str.len_chars()).alias("_stem"),
        ).filter(pl.col("_stem") >= pl.max_horizontal(pl.lit(3), (pl.col("word").str.len_chars() * 0.6).ceil()))
        translit = translit.drop("_translit", "_prefix", "_stem")
    else:
        translit = translit.with_columns(pl.lit(False).alias("article"))
    dictionary = _spans(per_row, "_dict").with_columns(pl.lit("dictionary").alias("kind"),
                                                       pl.lit(False).alias("article"))
    cols = list(_SCHEMA)
    rend = pl.concat([p.select(cols) for p in (latin, translit, dictionary)], how="vertical_relaxed")
    # A dictionary word that also reads as a transliteration (المسك for Musk) is a translation.
    dict_spans = dictionary.select(ROW, "start", pl.lit(True).alias("_is_dict"))
    rend = (rend.join(dict_spans, on=[ROW, "start"], how="left")
            .filter(~((pl.col("kind") == "arabic") & pl.col("_is_dict").fill_null(False)))
            .drop("_is_dict"))
    # One Arabic word stands for one name word: the longest name word that matches it (بالدوين is
    # Baldwin, not Dan).
    arabic = (rend.filter(pl.col("kind") == "arabic")
              .sort(pl.col("word").str.len_chars(), descending=True)
              .unique([ROW, "start"], keep="first", maintain_order=True))
    rend = pl.concat([rend.filter(pl.col("kind") != "arabic"), arabic]).unique(
        [ROW, "word", "kind", "start"], maintain_order=True)
    return names, rend


_LAST: list = []  # (frame, result) of the latest call: the three name checks share one table


def _frame_names(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    if _LAST and _LAST[0] is frame:
        return _LAST[1]
    result = rendering_table(frame)
    _LAST[:] = [frame, result]
    return result


def _key_expr(col: str) -> pl.Expr:
    """Arabic spelling key: match_key (clitics, hamza, ta marbuta folded) without final long vowels
    or ه, which are endings (تركيا/تركية, بوليفيا/بوليفي), not spellings. Few distinct values."""
    return (pl.col(col).map_elements(match_key, return_dtype=pl.String)
            .str.replace(r"[اويىه]+$", ""))


def _merge_adjacent(hits: pl.DataFrame) -> pl.DataFrame:
    """Join flagged spans of one row that touch (Elon + Musk -> 'Elon Musk')."""
    hits = hits.sort(ROW, "start")
    new = ((pl.col(ROW) != pl.col(ROW).shift(1)) | (pl.col("start") - pl.col("end").shift(1) > 1)).fill_null(True)
    hits = hits.with_columns(new.cum_sum().alias("_g"))
    return hits.group_by("_g", maintain_order=True).agg(
        pl.col(ROW).first(), pl.col("start").min(), pl.col("end").max(),
        pl.col("major").str.join(" "), pl.col("major_kind").first(), pl.col("n_major").min(),
        pl.col("kind").first())


@implements("name_inconsistent")
def name_inconsistent(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    _, rend = _frame_names(frame)
    rend = rend.filter(pl.col("kind").is_in(["latin", "arabic"]) & ~pl.col("article"))
    if rend.height == 0:
        return no_hits()
    # A segment with both scripts for one name glosses it (جوني إنجليش (Johnny English)): its
    # Latin form is not an inconsistency.
    glossed = pl.col("kind").n_unique().over(ROW, "word") > 1
    rend = rend.filter(~(glossed & (pl.col("kind") == "latin")))
    # Script: Latin vs Arabic, per document and name word; minority flagged when strictly fewer.
    counts = rend.group_by(DOC, "word", "kind").agg(pl.len().alias("n"))
    wide = counts.pivot(on="kind", index=[DOC, "word"], values="n")
    for k in ("latin", "arabic"):
        if k not in wide.columns:
            wide = wide.with_columns(pl.lit(0, pl.UInt32).alias(k))
    wide = wide.with_columns(pl.col("latin").fill_null(0), pl.col("arabic").fill_null(0))
    wide = wide.filter((pl.col("latin") > 0) & (pl.col("arabic") > 0) & (pl.col("latin") != pl.col("arabic")))
    rend = rend.with_columns(_key_expr("form").alias("_key"))
    # The most frequent spelling per kind is the form quoted as the majority.
    top = (rend.group_by(DOC, "word", "kind", "_key").agg(pl.len().alias("_n"), pl.col("form").sort_by(pl.col("form").str.len_chars()).first())
           .sort("_n", descending=True).group_by(DOC, "word", "kind", maintain_order=True)
           .agg(pl.col("form").first().alias("top_form"), pl.col("_n").first().alias("top_n"),
                pl.col("_key").first().alias("top_key")))
    script_hits = (rend.join(wide, on=[DOC, "word"])
                   .with_columns(pl.when(pl.col("latin") > pl.col("arabic")).then(pl.lit("latin"))
                                 .otherwise(pl.lit("arabic")).alias("major_kind"))
                   .filter(pl.col("kind") != pl.col("major_kind"))
                   .join(top.rename({"kind": "major_kind"}), on=[DOC, "word", "major_kind"])
                   .select(ROW, "start", "end", "kind", pl.col("top_form").alias("major"), "major_kind",
                           pl.max_horizontal("latin", "arabic").alias("n_major")))
    # Spelling: two Arabic spellings of one name word; the rarer one is flagged.
    arabic = rend.filter(pl.col("kind") == "arabic").join(
        top.filter(pl.col("kind") == "arabic").drop("kind"), on=[DOC, "word"])
    variants = arabic.group_by(DOC, "word", "_key").agg(pl.len().alias("_n"))
    arabic = arabic.join(variants, on=[DOC, "word", "_key"])
    similar = ((pl.col("_key").str.slice(0, 1) == pl.col("top_key").str.slice(0, 1))
               & ((pl.col("_key").str.len_chars().cast(pl.Int64) - pl.col("top_key").str.len_chars().cast(pl.Int64)).abs() <= 2))
    spelling_hits = arabic.filter((pl.col("_key") != pl.col("top_key")) & (pl.col("_n") < pl.col("top_n"))
                                  & similar & (pl.col("word").str.len_chars() >= 4)).select(
        ROW, "start", "end", pl.lit("spelling").alias("kind"), pl.col("top_form").alias("major"),
        pl.lit("arabic").alias("major_kind"), pl.col("top_n").cast(pl.UInt32).alias("n_major"))
    hits = pl.concat([script_hits.with_columns(pl.col("n_major").cast(pl.UInt32)), spelling_hits])
    if hits.height == 0:
        return no_hits()
    hits = _merge_adjacent(hits.unique([ROW, "start", "end"], maintain_order=True)).join(
        frame.select(ROW, TARGET), on=ROW)
    fragment = pl.col(TARGET).str.slice(pl.col("start"), pl.col("end") - pl.col("start"))
    message = (pl.when(pl.col("kind") == "latin")
               .then(pl.format("'{}' is left in Latin script here, but the document writes it '{}' elsewhere.",
                               fragment, pl.col("major")))
               .when(pl.col("kind") == "arabic")
               .then(pl.format("'{}' is transliterated here, but the document keeps it as '{}' elsewhere.",
                               fragment, pl.col("major")))
               .otherwise(pl.format("'{}' is spelled differently from '{}', the spelling used elsewhere in "
                                    "the document.", fragment, pl.col("major"))))
    return hits.select(ROW, message.alias("message"), pl.lit("target").alias("side"),
                       pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64)).unique(
        [ROW, "start", "end"], maintain_order=True)


@implements("name_translated")
def name_translated(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    names, rend = _frame_names(frame)
    if rend.height == 0:
        return no_hits()
    kept = rend.filter((pl.col("kind") == "latin") | ((pl.col("kind") == "arabic") & ~pl.col("article")))
    kept_rows = kept.select(ROW, "word").unique().with_columns(pl.lit(True).alias("_kept"))
    src = frame.select(ROW, SOURCE)
    # (a) the dictionary meaning, where the segment has no kept form of the name and the source
    # does not use the word as a common noun itself.
    dictionary = (rend.filter(pl.col("kind") == "dictionary")
                  .join(kept_rows, on=[ROW, "word"], how="left").filter(~pl.col("_kept").fill_null(False))
                  .join(src, on=ROW)
                  .filter(~pl.col(SOURCE).str.contains(pl.lit(r"\b") + pl.col("word").str.to_lowercase()
                                                       + pl.lit(r"\b")))
                  .select(ROW, "start", "end", "word", "form", pl.lit("dictionary").alias("why")))
    # (b) the article on a transliteration that the same document also writes without it.
    # Only for names the document also keeps in Latin script (Anthropic ... الأنثروبيك): place names
    # take the article in Arabic (المكسيك, البرازيل) and are never kept in Latin.
    kept_docs = (rend.filter(pl.col("kind") == "latin").select(DOC, "word").unique()
                 .with_columns(pl.lit(True).alias("_kept_doc")))
    article = (rend.filter((pl.col("kind") == "arabic") & pl.col("article"))
               .join(kept_docs, on=[DOC, "word"], how="left").filter(pl.col("_kept_doc").fill_null(False))
               .select(ROW, "start", "end", "word", "form", pl.lit("article").alias("why")))
    hits = pl.concat([dictionary, article]).unique([ROW, "start"], keep="first", maintain_order=True)
    if hits.height == 0:
        return no_hits()
    # Quote the whole source name (The New York Times), not just the word that was translated.
    full = _source_phrases(names).join(src, on=ROW)
    hits = hits.join(full.select(ROW, "word", "phrase"), on=[ROW, "word"], how="left").unique(
        [ROW, "start"], keep="first", maintain_order=True)
    phrase = pl.coalesce("phrase", "word")
    message = (pl.when(pl.col("why") == "dictionary")
               .then(pl.format("The name '{}' is translated as the common word '{}' ('{}') instead of being "
                               "kept or transliterated.", phrase, pl.col("form"), pl.col("word").str.to_lowercase()))
               .otherwise(pl.format("'{}' puts the Arabic article on the name '{}' as if it were a common noun; "
                                    "the document writes the name without it elsewhere.", pl.col("form"), phrase)))
    return hits.select(ROW, message.alias("message"), pl.lit("target").alias("side"),
                       pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64))


def _source_phrases(names: pl.DataFrame) -> pl.DataFrame:
    """ROW, word, phrase, start, end: each name word with the multi-word name it belongs to."""
    if names.height == 0:
        return names.select(ROW, "word", pl.lit("").alias("phrase"), "start", "end")
    n = names.sort(ROW, "start")
    new = ((pl.col(ROW) != pl.col(ROW).shift(1)) | (pl.col("start") - pl.col("end").shift(1) > 1)).fill_null(True)
    n = n.with_columns(new.cum_sum().alias("_g"))
    phrases = n.group_by("_g").agg(pl.col("word").str.join(" ").alias("phrase"),
                                   pl.col("start").min().alias("_ps"), pl.col("end").max().alias("_pe"))
    return n.join(phrases, on="_g").select(ROW, "word", "phrase", pl.col("_ps").alias("start"),
                                           pl.col("_pe").alias("end"), "_g")


@implements("name_missing")
def name_missing(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    names, rend = _frame_names(frame)
    if names.height == 0:
        return no_hits()
    phrases = _source_phrases(names)
    found = rend.select(ROW, "word").unique().with_columns(pl.lit(True).alias("_found"))
    status = phrases.join(found, on=[ROW, "word"], how="left").group_by("_g").agg(
        pl.col(ROW).first(), pl.col("phrase").first(), pl.col("start").first(), pl.col("end").first(),
        pl.col("_found").fill_null(False).any().alias("_any"))
    # Only names the document does render somewhere (or brand-like words, OpenAI, iPhone): a
    # capitalised common noun (Board, Updates, August) is translated, which is no loss.
    known = rend.select(DOC, "word").unique().with_columns(pl.lit(True).alias("_known"))
    brand = pl.col("word").str.contains(r"^[A-Z]?[a-z]+[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$")
    words = phrases.join(frame.select(ROW, *([DOC] if DOC in frame.columns else [])), on=ROW)
    if DOC not in words.columns:
        words = words.with_columns(pl.lit("").alias(DOC))
    words = words.join(known, on=[DOC, "word"], how="left").with_columns(
        (pl.col("_known").fill_null(False) | brand).alias("_checkable"))
    checkable = words.group_by("_g").agg(pl.col("_checkable").any())
    missing = status.join(checkable, on="_g").filter(~pl.col("_any") & pl.col("_checkable"))
    if missing.height == 0:
        return no_hits()
    # Last chance: any spelling the document uses for the name (its rendering table) in this target.
    seen = (rend.filter(pl.col("kind") != "dictionary")
            .with_columns(_key_expr("form").alias("_k"))
            .filter(pl.col("_k").str.len_chars() >= 3)
            .group_by(DOC, "word").agg(pl.col("_k").unique()))
    target_key = frame.select(ROW, *([DOC] if DOC in frame.columns else [pl.lit("").alias(DOC)]),
                              pl.col(TARGET).fill_null("").alias("_t"))
    per_word = (phrases.join(missing.select("_g"), on="_g").join(target_key, on=ROW)
                .join(seen, on=[DOC, "word"], how="left"))
    if per_word.height:
        per_word = per_word.with_columns(pl.col("_t").map_elements(match_key, return_dtype=pl.String))
        per_word = per_word.explode("_k").with_columns(
            pl.when(pl.col("_k").is_null()).then(False)
            .otherwise(pl.col("_t").str.contains(pl.col("_k"), literal=True)).alias("_seen"))
        rescued = per_word.group_by("_g").agg(pl.col("_seen").any()).filter(pl.col("_seen"))
        missing = missing.join(rescued, on="_g", how="anti")
    if missing.height == 0:
        return no_hits()
    return missing.select(
        ROW,
        pl.format("The name '{}' does not appear in the target, neither in Latin script nor transliterated.",
                  pl.col("phrase")).alias("message"),
        pl.lit("source").alias("side"), pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64))
