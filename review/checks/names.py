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

The transliterations are in review.checks.names_translit, the rendering table (and how it is made
fast) in review.checks.names_table; this module holds the checks.
"""

from __future__ import annotations

import polars as pl

from review.checks.base import ROW, CheckContext, implements, no_hits
from review.checks.names_table import frame_names, one_row_cannot_flag
from review.arabic import AR_LETTERS
from review.normalize import match_key_expr, normalize_expr
from review.schema import DOC, SOURCE, TARGET

# A non-letter then a letter: where review.normalize.strip_clitics may have cut clitics out.
_STRADDLES_A_CUT = f"[^{AR_LETTERS}][{AR_LETTERS}]"


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
    _, rend, _ = frame_names(frame)
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
    # The most frequent spelling per kind is the form quoted as the majority.
    # Ties go to the spelling seen first (row, then offset: two spellings may share their first
    # row), so that every run, whatever other documents share the frame, quotes the same form.
    top = (rend.group_by(DOC, "word", "kind", "_key")
           .agg(pl.len().alias("_n"), pl.col(ROW).min().alias("_first"),
                pl.col("start").sort_by(ROW, "start").first().alias("_first_start"),
                pl.col("form").sort_by(pl.col("form").str.len_chars(), ROW, "start").first())
           .sort("_n", "_first", "_first_start", descending=[True, False, False], maintain_order=True)
           .group_by(DOC, "word", "kind", maintain_order=True)
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
    if one_row_cannot_flag(frame, "name_translated"):
        return no_hits()
    return _name_translated_from_table(frame)


def _name_translated_from_table(frame: pl.DataFrame) -> pl.DataFrame:
    names, rend, phrases = frame_names(frame)
    if rend.height == 0:
        return no_hits()
    kept = rend.filter(pl.col("kind").is_in(["latin", "nisba"]) | ((pl.col("kind") == "arabic") & ~pl.col("article")))
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
    full = _with_phrase(phrases.join(hits.select(ROW).unique(), on=ROW), phrases).sort(ROW, "start")
    hits = hits.join(full.select(ROW, "word", "phrase"), on=[ROW, "word"], how="left", maintain_order="left").unique(
        [ROW, "start"], keep="first", maintain_order=True)
    phrase = pl.coalesce("phrase", "word")
    message = (pl.when(pl.col("why") == "dictionary")
               .then(pl.format("The name '{}' is translated as the common word '{}' ('{}') instead of being "
                               "kept or transliterated.", phrase, pl.col("form"), pl.col("word").str.to_lowercase()))
               .otherwise(pl.format("'{}' puts the Arabic article on the name '{}' as if it were a common noun; "
                                    "the document writes the name without it elsewhere.", pl.col("form"), phrase)))
    return hits.select(ROW, message.alias("message"), pl.lit("target").alias("side"),
                       pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64))


def _with_phrase(hits: pl.DataFrame, phrases: pl.DataFrame) -> pl.DataFrame:
    """hits (with _g) plus `phrase`, the words of its name joined by spaces (The New York Times)."""
    words = phrases.join(hits.select("_g").unique(), on="_g")
    text = words.group_by("_g").agg(pl.col("word").str.join(" ").alias("phrase"))
    return hits.join(text, on="_g", how="left", maintain_order="left")


def _keys_in_target(per_key: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of per_key (ROW, _k, ...) whose _k is a substring of the match key of the row's target.

    The match key is the normalised, lowercased target with clitics cut, and a clitic is only cut
    between a non-letter and a letter: a _k without that transition can be in the key only if it
    is in the normalised text, a cheap test that spares most targets the clitic regex."""
    text = pl.col(TARGET).fill_null("")
    texts = (frame.select(ROW, TARGET).join(per_key.select(ROW).unique(), on=ROW)
             .with_columns(normalize_expr(text).str.to_lowercase().alias("_n")))
    maybe = per_key.join(texts.select(ROW, "_n"), on=ROW).filter(
        pl.col("_k").str.contains(_STRADDLES_A_CUT) | pl.col("_n").str.contains(pl.col("_k"), literal=True))
    keyed = texts.join(maybe.select(ROW).unique(), on=ROW).select(ROW, match_key_expr(text).alias("_t"))
    return maybe.join(keyed, on=ROW).filter(pl.col("_t").str.contains(pl.col("_k"), literal=True)).drop("_n", "_t")


@implements("name_missing")
def name_missing(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    if one_row_cannot_flag(frame, "name_missing"):
        return no_hits()
    return _name_missing_from_table(frame)


def _name_missing_from_table(frame: pl.DataFrame) -> pl.DataFrame:
    names, rend, phrases = frame_names(frame)
    if names.height == 0:
        return no_hits()
    found = rend.select(ROW, "word").unique().with_columns(pl.lit(True).alias("_found"))
    # Only names the document does render somewhere (or brand-like words, OpenAI, iPhone): a
    # capitalised common noun (Board, Updates, August) is translated, which is no loss.
    known = rend.select(DOC, "word").unique().with_columns(pl.lit(True).alias("_known"))
    brand = pl.col("word").str.contains(r"^[A-Z]?[a-z]+[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$")
    status = (phrases.join(found, on=[ROW, "word"], how="left").join(known, on=[DOC, "word"], how="left")
              .group_by("_g").agg(pl.col(ROW).first(), pl.col("start").first(), pl.col("end").first(),
                                  pl.col("_found").fill_null(False).any().alias("_any"),
                                  (pl.col("_known").fill_null(False) | brand).any().alias("_checkable")))
    missing = status.filter(~pl.col("_any") & pl.col("_checkable"))
    if missing.height == 0:
        return no_hits()
    # Last chance: any spelling the document uses for the name (its rendering table) in this target.
    seen = (rend.filter(pl.col("kind") != "dictionary")
            .rename({"_key": "_k"})
            .filter(pl.col("_k").str.len_chars() >= 3)
            .group_by(DOC, "word").agg(pl.col("_k").unique()))
    per_key = (phrases.join(missing.select("_g"), on="_g").join(seen, on=[DOC, "word"], how="left")
               .select("_g", ROW, "_k").explode("_k").drop_nulls("_k"))
    missing = missing.join(_keys_in_target(per_key, frame).select("_g").unique(), on="_g", how="anti")
    if missing.height == 0:
        return no_hits()
    return _with_phrase(missing, phrases).select(
        ROW,
        pl.format("The name '{}' does not appear in the target, neither in Latin script nor transliterated.",
                  pl.col("phrase")).alias("message"),
        pl.lit("source").alias("side"), pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64))
