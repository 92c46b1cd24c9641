"""The rendering table of names: for every name word of the source, where and how the target of
the same segment renders it (in Latin script, transliterated, or by its dictionary meaning).

Speed: the targets are cut into words once; every Arabic word and every name word get consonant
keys (review.checks.names_translit), the two sides are joined on (segment, key), and only the few
distinct (name, word) pairs that meet are checked against the name's transliteration. A word the
regex accepts always has one of the name's keys, so the result is the same as matching every
regex everywhere. Dictionary translations of one word are found the same way, among the distinct
target words (dictionary_word_regex); only forms of several words are searched in the texts. The
three name checks and misaligned share one table per run (frame_names).
"""

from __future__ import annotations

import re

import polars as pl

from review.arabic import ARTICLE, LI_AL, NISBA_FINALS, NISBA_ONLY_RE, NISBA_RE
from review.checks.base import ROW
from review.checks.meaning import name_words, source_names
from review.checks.names_translit import (CANDIDATE_RE, article_search, dictionary_regex, dictionary_search,
                                          dictionary_word_regex, proclitic_prefix, token_keys, word_keys)
from review.checks.spans import find_spans
from review.normalize import match_key_expr
from review.schema import BEAD, DOC, SOURCE, TARGET


# --------------------------------------------------------------------------- words of the targets
def _chunks(rows: pl.DataFrame) -> pl.DataFrame:
    """ROW, _c (the target cut at spaces), _cs (character offset of the chunk in the target).

    The offsets come from one running sum over all chunks minus each row's own running start,
    which is much cheaper than a sum per row (over())."""
    t = pl.col(TARGET).fill_null("")
    size = t.str.len_chars() + 1
    rows = rows.select(ROW, t.str.split(" ").alias("_c"), (size.cum_sum() - size).alias("_base"))
    rows = rows.explode("_c")
    step = pl.col("_c").str.len_chars() + 1
    return rows.select(ROW, "_c", (step.cum_sum() - step - pl.col("_base")).cast(pl.Int64).alias("_cs"))


def _pieces(chunks: pl.Series) -> pl.DataFrame:
    """_c, _w (a maximal run of word characters, what regex \\b...\\b delimits), _ws (its offset
    in the chunk), for distinct chunks."""
    # \W -> " " keeps the length, so a chunk's pieces and separators take len + 1 characters: the
    # offsets are one running sum over all pieces minus each chunk's running start, as in _chunks.
    size = pl.col("_c").str.len_chars().cast(pl.Int64) + 1
    step = pl.col("_w").str.len_chars().cast(pl.Int64) + 1
    return (chunks.unique(maintain_order=True).to_frame("_c")  # (faster than unordered here)
            .with_columns(pl.col("_c").str.replace_all(r"\W", " ").str.split(" ").alias("_w"),
                          (size.cum_sum() - size).alias("_base"))
            .explode("_w")
            .select("_c", "_w", (step.cum_sum() - step - pl.col("_base")).alias("_ws"))
            .filter(pl.col("_w") != ""))


def _word_spans(per_row: pl.DataFrame, rows: pl.DataFrame,
                dictionary: list[str]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(latin, arabic, dictionary) renderings found in the targets, as ROW, DOC, word, form, start, end
    (+ _prefix, the proclitics, for arabic): a target word equal to a name word of the same
    segment, transliterating it, or (for the name words in `dictionary`, which have one-word
    forms: dictionary_word_regex) its dictionary translation."""
    chunks = _chunks(rows)
    pieces = _pieces(chunks["_c"])
    names = per_row["word"].unique()
    # Distinct name words x distinct target words meet on a key, and the matcher keeps the pairs
    # that really are transliterations; only then are the segments looked at.
    keys = []
    for word in names.to_list():
        found, exact = word_keys(word)
        keys += [(word, k, exact) for k in found]
    keys = pl.DataFrame(keys, schema={"word": pl.String, "_k": pl.String, "_exact": pl.Boolean}, orient="row")
    arabic = (pieces.select("_w").unique().filter(pl.col("_w").str.contains(CANDIDATE_RE))
              .with_columns(token_keys(pl.col("_w"), True).alias("_exact_k"),
                            token_keys(pl.col("_w"), False).alias("_class_k")))
    candidates = pl.concat([
        arabic.explode(key).join(keys.filter(pl.col("_exact") == exact), left_on=key, right_on="_k")
        .select("word", pl.col("_w").alias("form")) for key, exact in (("_exact_k", True), ("_class_k", False))])
    valid = pl.concat([_verified(candidates).with_columns(pl.lit(False).alias("_nisba")),
                       _nisba_verified(arabic, keys)])
    translated = _dictionary_forms(pieces.select("_w").unique(), dictionary)
    # Only the words that are a rendering of some name are located in the rows.
    forms = pl.concat([valid["form"], translated["form"], names])
    found = pieces.filter(pl.col("_w").is_in(forms.implode()))
    located = chunks.filter(pl.col("_c").is_in(found["_c"].implode())).join(found, on="_c")
    span = [(pl.col("_cs") + pl.col("_ws")).alias("start"),
            (pl.col("_cs") + pl.col("_ws") + pl.col("_w").str.len_chars()).cast(pl.Int64).alias("end")]
    located = located.select(ROW, pl.col("_w").alias("form"), *span)
    pairs = per_row.select(ROW, "word", DOC)  # DOC rides along for the table
    latin = located.join(pairs, left_on=[ROW, "form"], right_on=[ROW, "word"]).with_columns(
        pl.col("form").alias("word"))
    arabic = located.join(valid, on="form").join(pairs, on=[ROW, "word"])
    translated = located.join(translated, on="form").join(pairs, on=[ROW, "word"])
    return (latin.select(ROW, DOC, "word", "form", "start", "end"), arabic,
            translated.select(ROW, DOC, "word", "form", "start", "end"))


def _dictionary_forms(words: pl.DataFrame, dictionary: list[str]) -> pl.DataFrame:
    """word, form: the distinct target words (_w) that are a dictionary translation of a name word."""
    parts = [words.filter(pl.col("_w").str.contains(dictionary_word_regex(w)))
             .select(pl.lit(w).alias("word"), pl.col("_w").alias("form")) for w in dictionary]
    return pl.concat([pl.DataFrame(schema={"word": pl.String, "form": pl.String}), *parts])


def _nisba_verified(arabic: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """word, form, _prefix, _nisba=True for the Arabic words that are a name's adjective: the word
    without its nisba ending (NISBA_RE), with the name's final vowel back (NISBA_FINALS), is a
    transliteration of the name (الإندونيسية for Indonesia, الأوروبي for Europe). Derived by rule,
    for every name, through the same keys and matcher as the name itself."""
    stems = (arabic.select("_w").with_columns(pl.col("_w").str.extract(NISBA_RE, 1).alias("_stem"))
             .drop_nulls("_stem"))
    if stems.height == 0:
        return pl.DataFrame(schema={"word": pl.String, "form": pl.String, "_prefix": pl.String, "_nisba": pl.Boolean})
    # The finals are weak letters, which keys leave out: every variant has its stem's keys.
    stems = stems.with_columns(token_keys(pl.col("_stem"), True).alias("_exact_k"),
                               token_keys(pl.col("_stem"), False).alias("_class_k"))
    met = pl.concat([
        stems.explode(key).join(keys.filter(pl.col("_exact") == exact), left_on=key, right_on="_k")
        .select("word", "_stem", "_w") for key, exact in (("_exact_k", True), ("_class_k", False))])
    candidates = pl.concat([met.select("word", (pl.col("_stem") + final).alias("form"), "_w")
                            for final in NISBA_FINALS])
    valid = _verified(candidates.select("word", "form"))
    # The stem must be most of the name (ين + ي is no adjective of Johnny).
    return (candidates.join(valid, on=["word", "form"])
            .filter(pl.col("form").str.len_chars() - pl.col("_prefix").str.len_chars()
                    >= pl.max_horizontal(pl.lit(3), (pl.col("word").str.len_chars() * 0.6).ceil()))
            .sort("word", "_w", "form").unique(["word", "_w"], keep="first", maintain_order=True)
            .select("word", pl.col("_w").alias("form"), "_prefix", pl.lit(True).alias("_nisba")))


def _verified(candidates: pl.DataFrame) -> pl.DataFrame:
    """word, form, _prefix for the distinct (name word, Arabic word) pairs that the name's
    transliteration regex accepts as a whole word; _prefix is the proclitics/article part."""
    pairs = candidates.select("word", "form").unique()
    rows = []
    for word, form in pairs.iter_rows():
        prefix = proclitic_prefix(word, form)
        if prefix is not None:
            rows.append((word, form, prefix))
    return pl.DataFrame(rows, schema={"word": pl.String, "form": pl.String, "_prefix": pl.String}, orient="row")


def _pattern_spans(per_row: pl.DataFrame, rows: pl.DataFrame, words: list[str], pattern) -> pl.DataFrame:
    """ROW, DOC, word, form, start, end: matches of pattern(word) in the targets of the segments that
    have that name word; one regex per distinct word, for the few words that need one."""
    parts = []
    for word in words:
        regex = pattern(word)
        if regex is None:
            continue
        sub = per_row.filter(pl.col("word") == word).select(ROW, DOC).join(rows.select(ROW, TARGET), on=ROW)
        found = find_spans(sub, TARGET, regex, keep=(DOC,))
        parts.append(found.select(ROW, DOC, pl.lit(word).alias("word"), pl.col("match").alias("form"), "start", "end"))
    if not parts:
        return pl.DataFrame(schema={ROW: pl.Int64, DOC: pl.String, "word": pl.String, "form": pl.String,
                                    "start": pl.Int64, "end": pl.Int64})
    return pl.concat(parts)


# --------------------------------------------------------------------------- rendering table
_SCHEMA = {ROW: pl.Int64, DOC: pl.String, "word": pl.String, "kind": pl.String, "form": pl.String,
           "start": pl.Int64, "end": pl.Int64, "article": pl.Boolean}


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
    per_row = names.select(ROW, DOC, "word").unique()
    rows = f.select(ROW, TARGET).join(per_row.select(ROW).unique(), on=ROW)
    words = per_row["word"].unique().sort().to_list()
    translated = [w for w in words if w.lower() in name_words()]
    one_word = [w for w in translated if dictionary_word_regex(w) is not None]
    latin, translit, dictionary = _word_spans(per_row, rows, one_word)
    # \bO'Brien\b spans several word runs: the few such names get a regex of their own.
    compound = _pattern_spans(per_row, rows, [w for w in words if re.search(r"\W", w)],
                              lambda w: rf"\b{re.escape(w)}\b")
    latin = pl.concat([latin, compound]).with_columns(pl.lit("latin").alias("kind"), pl.lit(False).alias("article"))
    translit = (translit
                .with_columns(
                    # ال, or لل (li + al contracted: للمكسيك) ends the proclitics
                    pl.col("_prefix").str.contains(f"(?:{ARTICLE}|{LI_AL})$").alias("article"),
                    # the name itself must be long enough: ين (ب + ين) is no transliteration of Johnny
                    (pl.col("form").str.len_chars() - pl.col("_prefix").str.len_chars()).alias("_stem"))
                .filter(pl.col("_nisba") | (pl.col("_stem") >= pl.max_horizontal(
                    pl.lit(3), (pl.col("word").str.len_chars() * 0.6).ceil())))
                # an adjective of the name (الإندونيسية) is its own kind: it takes the article and is
                # spelled apart from the name, which is neither a translation nor an inconsistency
                .with_columns(pl.when(pl.col("_nisba")).then(pl.lit("nisba")).otherwise(pl.lit("arabic")).alias("kind"),
                              (pl.col("article") & ~pl.col("_nisba")).alias("article")))
    # A word read both ways (الأوروبي, سامي) is the name when it reads so without the article and
    # has no ending only adjectives have; otherwise it is the adjective.
    plain = (translit.filter(~pl.col("_nisba") & ~pl.col("article") & ~pl.col("form").str.contains(NISBA_ONLY_RE))
             .select(ROW, "start").unique())
    adjective = translit.filter(pl.col("_nisba")).join(plain, on=[ROW, "start"], how="anti")
    translit = pl.concat([adjective, translit.filter(~pl.col("_nisba")).join(
        adjective.select(ROW, "start"), on=[ROW, "start"], how="anti")])
    # forms of several words (الخبير الاقتصادي) are searched in the text
    several = _pattern_spans(per_row, rows, [w for w in translated if w not in one_word], dictionary_regex)
    dictionary = pl.concat([dictionary, several]).with_columns(pl.lit("dictionary").alias("kind"),
                                                               pl.lit(False).alias("article"))
    cols = list(_SCHEMA)
    rend = pl.concat([p.select(cols) for p in (latin, translit, dictionary)], how="vertical_relaxed")
    # A dictionary word that also reads as a transliteration (المسك for Musk) is a translation.
    dict_spans = dictionary.select(ROW, "start", pl.lit(True).alias("_is_dict")).unique()
    rend = (rend.join(dict_spans, on=[ROW, "start"], how="left")
            .filter(~((pl.col("kind") == "arabic") & pl.col("_is_dict").fill_null(False)))
            .drop("_is_dict"))
    # One Arabic word stands for one name word: the longest name word that matches it (بالدوين is
    # Baldwin, not Dan); ties go to the alphabetically first, so that runs agree.
    arabic = (rend.filter(pl.col("kind") == "arabic")
              .sort(pl.col("word").str.len_chars(), "word", descending=[True, False], maintain_order=True)
              .unique([ROW, "start"], keep="first", maintain_order=True))
    rend = pl.concat([rend.filter(pl.col("kind") != "arabic"), arabic]).unique(
        [ROW, "word", "kind", "start"], maintain_order=True)
    return names, rend.sort(ROW, "start", "kind", "word")


# The three name checks of one run_checks call share one table. The memo is keyed on the
# content of the columns the table reads, not on the frame object, so another frame that
# happens to reuse an id can never get a stale table.
_MEMO: dict[tuple, tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]] = {}


def clear_memo() -> None:
    """Forget the shared table (benchmarks time a cold run with it)."""
    _MEMO.clear()
    _ONE_ROW_MEMO.clear()


def _content_key(frame: pl.DataFrame) -> tuple:
    cols = [c for c in (ROW, DOC, SOURCE, TARGET, BEAD) if c in frame.columns]
    digest = frame.select(cols).hash_rows().sum() if frame.height else 0
    return frame.height, tuple(cols), digest


def frame_names(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(names, renderings with their spelling key _key, source phrases), once per frame."""
    key = _content_key(frame)
    if key not in _MEMO:
        names, rend = rendering_table(frame)
        forms = rend.select("form").unique().with_columns(_key_expr("form").alias("_key"))
        rend = rend.join(forms, on="form", how="left", maintain_order="left")
        _MEMO.clear()
        _MEMO[key] = names, rend, _source_phrases(names)
    return _MEMO[key]


# A reviewer's correction is re-checked alone, one row, on every save: there the rendering
# table (dozens of small queries) is only needed when a hit is possible at all, which the name
# words of the source and the target text tell in plain Python (see one_row_cannot_flag).
_BRAND_RE = re.compile(r"^[A-Z]?[a-z]+[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$")
_ONE_ROW_MEMO: dict[tuple, list[str]] = {}


def _one_row_names(frame: pl.DataFrame) -> tuple[list[str], str] | None:
    """(name words of the source, target) of a one-row frame, filtered as rendering_table filters
    it; None for any other frame. Keyed on the row's values, so no query decides a memo hit."""
    if frame.height != 1:
        return None
    cols = [c for c in (ROW, DOC, SOURCE, TARGET, BEAD) if c in frame.columns]
    values = tuple(frame[c][0] for c in cols)
    row = dict(zip(cols, values))
    target = row.get(TARGET) or ""
    if not target.strip():  # left to the table: its notion of blank (polars) decides
        return None
    if (row.get(BEAD) or "") in ("1-0", "0-1"):
        return [], target
    key = (tuple(cols), values)
    if key not in _ONE_ROW_MEMO:
        f = frame if DOC in frame.columns else frame.with_columns(pl.lit("").alias(DOC))
        words = source_names(f.select(ROW, DOC, SOURCE))["match"].to_list()
        _ONE_ROW_MEMO.clear()
        _ONE_ROW_MEMO[key] = words
    return _ONE_ROW_MEMO[key], target


def one_row_cannot_flag(frame: pl.DataFrame, check: str) -> bool:
    """True when `check` provably finds nothing in a one-row frame, decided without the table.

    name_translated needs a dictionary rendering (a name word listed in data/name_words.tsv) or
    a Latin rendering next to an article form (the name word written in the target). name_missing,
    with one row, can only flag a name whose words the target renders nowhere, and then only a
    brand-like one: a word is 'known' to the document exactly when this one row renders it."""
    found = _one_row_names(frame)
    if found is None:
        return False
    words, target = found
    if not words:
        return True
    if check == "name_translated":
        return not any(_dictionary_form_possible(w, target) or (w in target and _article_form_possible(w, target))
                       for w in words)
    return not any(_BRAND_RE.match(w) for w in words)


def _article_form_possible(word: str, target: str) -> bool:
    """Whether target may hold a transliteration of word with the article (proclitics ending in
    ال or لل, see rendering_table): such a word always contains that ending followed by a
    stretch the skeleton regex matches, so no such stretch means no such rendering."""
    pattern = article_search(word)
    return pattern is not None and pattern.search(target) is not None


def _dictionary_form_possible(word: str, target: str) -> bool:
    """Whether dictionary_regex(word) may match in target: its forms without the proclitics and
    word boundaries, so anything the boundary regex finds this finds too (Python's \\s covers
    every character the Rust \\s does)."""
    forms = name_words().get(word.lower())
    if not forms:
        return False
    return dictionary_search(word.lower()).search(target) is not None


def _key_expr(col: str) -> pl.Expr:
    """Arabic spelling key: match_key (clitics, hamza, ta marbuta folded) without final long vowels
    or ه, which are endings (تركيا/تركية, بوليفيا/بوليفي), not spellings."""
    return match_key_expr(pl.col(col)).str.replace(r"[اويىه]+$", "")


def _source_phrases(names: pl.DataFrame) -> pl.DataFrame:
    """ROW, DOC, word, start, end, _g: each name word with the span of the multi-word name it
    belongs to (_g numbers those names). Sorted, so a name's words are consecutive rows."""
    n = names.sort(ROW, "start")
    new = ((pl.col(ROW) != pl.col(ROW).shift(1)) | (pl.col("start") - pl.col("end").shift(1) > 1)).fill_null(True)
    last = new.shift(-1).fill_null(True)
    return n.select(
        ROW, DOC, "word",
        pl.when(new).then(pl.col("start")).forward_fill().alias("start"),
        pl.when(last).then(pl.col("end")).backward_fill().alias("end"),
        new.cum_sum().alias("_g"))
