"""Meaning checks: the back-translation or the reference says something else, a number or a name
got lost on the way back, a negation appeared or disappeared.

Metric columns (review.schema BT_CHRF, REF_CHRF) are taken from the frame when review.score (or
anyone) already computed them, otherwise computed here once with review.metrics.
"""

from __future__ import annotations

import functools
import threading
from importlib import resources

import polars as pl

from review.arabic import (BASIC_LETTERS, CONJUNCTIONS, NEGATION_PARTICLES, NEGATION_RE, spells_a_name,
                           word_skeletons)
from review.checks.base import ROW, CheckContext, gate, implements, no_hits
from review.checks.spans import compare_items, find_spans
from review.checks.text import quote_expr
from review.metrics import segment_metrics
from review.normalize import fold_digits_expr
from review.schema import BEAD, BT, BT_CHRF, DOC, REF_CHRF, REFERENCE, SOURCE, TARGET

# A document's own tail: robust z-score below this, and the score also below TAIL_CEILING.
ROBUST_Z = 3.5
TAIL_CEILING = 50.0
MIN_DOC_SEGMENTS = 8
# chrF of very short segments swings with one paraphrased word: they need this many source words.
MIN_WORDS = 8


def _metric_column(frame: pl.DataFrame, column: str) -> pl.Series:
    if column in frame.columns:
        return frame[column].cast(pl.Float64)
    return segment_metrics(frame)[column]


def _low_tail(frame: pl.DataFrame, column: str, threshold: float, text: str) -> pl.DataFrame:
    """Rows with `column` below `threshold`, or in the robust low tail of their document."""
    f = frame.with_columns(_metric_column(frame, column).alias("_m"))
    f = f.filter(pl.col("_m").is_not_null())
    if BEAD in f.columns:
        f = f.filter(~pl.col(BEAD).fill_null("").is_in(["1-0", "0-1"]))  # the boundary family's
    if f.height == 0:
        return f
    by = [DOC] if DOC in f.columns else []
    m = pl.col("_m")
    med = m.median().over(by) if by else m.median()
    mad = (m - med).abs().median()
    mad = mad.over(by) if by else mad
    n = pl.len().over(by) if by else pl.len()
    f = f.with_columns(((m - med) / (1.4826 * pl.max_horizontal(mad, pl.lit(1.0)))).alias("_z"),
                       (n >= MIN_DOC_SEGMENTS).alias("_stats"), med.alias("_med"))
    long_enough = pl.col(SOURCE).fill_null("").str.count_matches(r"\S+") >= MIN_WORDS
    low = (m < threshold) | (pl.col("_stats") & (pl.col("_z") < -ROBUST_Z) & (m < TAIL_CEILING))
    return f.filter(low & long_enough & (pl.col(text).fill_null("").str.strip_chars() != ""))


def _low_metric(frame: pl.DataFrame, text: str, metric: str, threshold: float, judged: str,
                quoted: str, message: str, side: str) -> pl.DataFrame:
    """Segments (with a non-empty `judged` text) whose `metric` against `text` is in the low
    tail; `message` takes the score, the document median and a quote of the `quoted` column."""
    if text not in frame.columns or frame[text].null_count() == frame.height:
        return no_hits()
    found = _low_tail(frame, metric, threshold, judged)
    if found.height == 0:
        return no_hits()
    return found.select(
        ROW,
        pl.format(message, pl.col("_m").round(1), pl.col("_med").round(1), quote_expr(quoted)).alias("message"),
        pl.lit(side).alias("side"),
    )


@implements("bt_low_chrf")
def bt_low_chrf(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    return _low_metric(frame, BT, BT_CHRF, float(ctx.params["threshold"]), BT, BT,
                       "The back-translation is far from the source (chrF {}; document median {}): '{}'.",
                       "bt")


@implements("ref_low_chrf")
def ref_low_chrf(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    return _low_metric(frame, REFERENCE, REF_CHRF, float(ctx.params["threshold"]), TARGET, REFERENCE,
                       "The target is far from the reference (chrF {}; document median {}); reference: '{}'.",
                       "target")


# --------------------------------------------------------------------------- bt_missing
_NUMBER = r"\d+(?:[.,:/]\d+)*"
_NAME = r"\b[A-Z][A-Za-z0-9]*(?:[-'][A-Z][A-Za-z0-9]*)*\b"
# _NAME with ASCII word boundaries, run on the text with every non-ASCII word character (é, ü)
# replaced by "_", a word character that is no part of a name: the same matches at the same
# character offsets, but a Unicode \b keeps the regex engine off its fast path on non-ASCII text.
_NAME_ASCII = r"(?-u:\b)[A-Z][A-Za-z0-9]*(?:[-'][A-Z][A-Za-z0-9]*)*(?-u:\b)"
_NON_ASCII_WORD = r"[\w&&[^\x00-\x7F]]"
# Capitalised words that are not names (sentence starts, headings) when seen alone.
CAPITALISED_FUNCTION_WORDS = frozenset("""
A An The This That These Those It Its He She They We You I Our Their His Her My Your In On At By
For From To Of With Without As And But Or Nor If When While After Before Since Until Although Though
Because So Yet Still However Also Then There Here What Who Which Where Why How All Some Many Most
Any Each Every No Not None Both Either Neither One Two Three First Last Next Other Such Even Just
Only Despite Throughout Among Between According Over Under About Into Through During Meanwhile Now
Mr Mrs Ms Dr Prof Sir Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February
March April May June July August September October November December
""".split())
_HEADING_SHARE = 0.6  # a source whose words are mostly capitalised is a title: its words are not names


@functools.cache
def name_words() -> dict[str, list[str]]:
    """English words that are also parts of names -> their Arabic dictionary translations (data file)."""
    text = resources.files("review.checks").joinpath("data/name_words.tsv").read_text("utf-8")
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("word\t"):
            continue
        word, _, forms = line.partition("\t")
        out[word.strip().lower()] = [f.strip() for f in forms.split("|") if f.strip()]
    return out


_SENTINEL = "\x00"  # never in text: loaders reject NUL
_INITIAL_GAP = r"(?:^|[.!?:;“\"«*#>•])\s*$"


def _name_tokens(rows: pl.DataFrame, keep: tuple[str, ...]) -> pl.DataFrame:
    """ROW, *keep, match, start, end, _initial for every _NAME match of the source.

    Like spans.find_spans, by cutting the text at the matches, but with list operations instead of
    window functions, and keeping the text between matches: a word is sentence-initial when the
    gap before it is empty or ends with sentence punctuation (and it is the row's first match, or
    the gap is more than spaces), which spares a slice of the source per word."""
    # The gaps and matches are cut from the source with its non-ASCII word characters as "_" (see
    # _NAME_ASCII): the same length in characters, and no match or gap test reads them.
    text = pl.col(SOURCE).fill_null("").str.replace_all(_NON_ASCII_WORD, "_")
    base = rows.select(ROW, *keep, text.alias("_t")).filter(pl.col("_t").str.contains(_NAME_ASCII))
    size = pl.col("_t").str.len_chars().cast(pl.Int64)
    parts = base.select(
        ROW, *keep, (size.cum_sum() - size).alias("_base"),
        pl.col("_t").str.replace_all(_NAME_ASCII, f"{_SENTINEL}${{0}}{_SENTINEL}").str.split(_SENTINEL).alias("_p"))
    # Pieces alternate gap, match, gap, ..., gap; one running sum over all pieces minus the row's
    # own running start gives each piece's offset and index (no window function per row).
    n = pl.col("_p").list.len()
    parts = parts.with_columns((n.cum_sum() - n).alias("_first")).explode("_p")
    step = pl.col("_p").str.len_chars().cast(pl.Int64)
    i = pl.int_range(pl.len()) - pl.col("_first")
    parts = parts.with_columns((step.cum_sum() - step - pl.col("_base")).alias("start"), i.alias("_i"),
                               pl.col("_p").shift(1).alias("_gap"))
    # A match's gap is the piece before it, in its own row; tested on the matches' rows only.
    toks = parts.filter(pl.col("_i") % 2 == 1)
    gap = pl.col("_gap")
    initial = gap.str.contains(_INITIAL_GAP) & ((pl.col("_i") == 1) | (gap.str.strip_chars() != ""))
    return toks.select(ROW, *keep, pl.col("_p").alias("match"), "start",
                       (pl.col("start") + pl.col("_p").str.len_chars()).alias("end"), initial.alias("_initial"))


_EIGHT_WORDS = r"(?:[A-Za-z]+[^A-Za-z]+){8}"


def _titles(frame: pl.DataFrame) -> pl.Series:
    """Whether each source is a title: no sentence-final punctuation, and capitalised words are at
    least _HEADING_SHARE of its words ([A-Za-z]+ runs). Computed in steps, each column once."""
    src = pl.col(SOURCE).fill_null("")
    closed = src.str.strip_chars().str.contains(r"[.!?…][\"”’»)]*$")
    # when/then computes both branches on every row: a closed source is counted as empty text.
    t = frame.select(closed.alias("_closed"), pl.when(closed).then(pl.lit("")).otherwise(src).alias("_s"))
    # The words \b[A-Z][A-Za-z]* would match, counted by their first letter: a capital at the
    # start or after a non-word character. The same count, but a Unicode \b keeps the regex off
    # its fast engine on non-ASCII text.
    # Counting words one by one is the costly part. Eight at a time, each match is eight whole
    # runs each followed by a gap, so with n matches n*8 <= words <= n*8 + 8; that decides nearly
    # every source, and only the rest are counted word by word.
    t = t.with_columns(pl.col("_s").str.count_matches(r"(?:^|\W)[A-Z]").alias("_caps"),
                       (8 * pl.col("_s").str.count_matches(_EIGHT_WORDS)).alias("_low"))
    caps, low, high = pl.col("_caps"), _HEADING_SHARE * pl.col("_low"), _HEADING_SHARE * (pl.col("_low") + 8)
    t = t.with_columns(((caps >= low) & (caps < high)).alias("_unsure"))
    words = pl.when(pl.col("_unsure")).then(pl.col("_s")).otherwise(pl.lit("")).str.count_matches(r"[A-Za-z]+")
    return t.select(pl.when(pl.col("_closed")).then(False).when(pl.col("_unsure"))
                    .then(caps >= _HEADING_SHARE * words).otherwise(caps >= high).alias("_title")).to_series()


def source_names(frame: pl.DataFrame) -> pl.DataFrame:
    """Capitalised words of the source that are names: ROW, match, start, end (+ DOC when present).

    A capitalised word counts when it is not a function word, the source is not a title, and it
    is either inside the sentence or also seen capitalised inside a sentence of the same document.
    """
    keep = (DOC,) if DOC in frame.columns else ()
    rows = frame.filter(~_titles(frame))
    toks = _name_tokens(rows, keep)
    toks = toks.filter(~pl.col("match").is_in(list(CAPITALISED_FUNCTION_WORDS))
                       & pl.col("match").str.contains(r"[a-z]"))  # ALL-CAPS acronyms get expanded
    inside = toks.filter(~pl.col("_initial")).select(*keep, "match").unique()
    confirmed = toks.join(inside.with_columns(pl.lit(True).alias("_seen")), on=[*keep, "match"], how="left")
    return confirmed.filter(~pl.col("_initial") | pl.col("_seen").fill_null(False)).select(
        ROW, *keep, "match", pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64))


@implements("bt_missing")
def bt_missing(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    if BT not in frame.columns:
        return no_hits()
    rows = frame.filter(pl.col(BT).is_not_null() & (pl.col(SOURCE).fill_null("").str.strip_chars() != ""))
    if rows.height == 0:
        return no_hits()
    rows = rows.with_columns(fold_digits_expr(pl.col(SOURCE).fill_null("")).alias("_src"),
                             fold_digits_expr(pl.col(BT).fill_null("")).alias("_bt"))
    parts = []
    # numbers: multiset of the source's numbers minus the back-translation's
    key = pl.col("match").str.replace_all(r"(\d),(\d{3})", "$1$2").str.strip_chars(".,:/")
    sn = find_spans(rows, "_src", _NUMBER).with_columns(key.alias("key"), pl.col("match").alias("text"))
    bn = find_spans(rows, "_bt", _NUMBER).with_columns(key.alias("key"), pl.col("match").alias("text"))
    missing, _ = compare_items(sn.select(ROW, "key", "text", "start", "end"),
                               bn.select(ROW, "key", "text", "start", "end"))
    parts.append(missing.select(
        ROW, pl.format("The number '{}' of the source is missing from the back-translation.",
                       pl.col("text")).alias("message"), "start", "end"))
    # names: absent from the back-translation, or present only as the common noun (the musk)
    names = source_names(rows)
    if names.height:
        common = list(name_words())
        word = pl.col("match")
        # \bword\b per row would compile a regex per name: the back-translation's capitalised \w+
        # runs are joined instead. Only names not found that way (few) get the regexes: kept in
        # another case (the musk), or with ' or - (O'Brien, Al-Jazeera).
        runs = (rows.select(ROW, pl.col(BT).fill_null("").str.extract_all(r"\b[A-Z]\w*").alias("match"))
                .explode("match").drop_nulls("match").unique().with_columns(pl.lit(True).alias("_found")))
        names = names.join(runs, on=[ROW, "match"], how="left")
        found = names.filter(pl.col("_found").fill_null(False) & ~word.str.contains(r"\W"))
        rest = names.join(found.select(ROW, "start"), on=[ROW, "start"], how="anti").join(
            rows.select(ROW, pl.col(BT).fill_null("").alias("_bt")), on=ROW)
        rest = rest.with_columns(
            pl.col("_bt").str.contains(pl.lit(r"\b") + word + pl.lit(r"\b")).alias("_name_kept"),
            pl.col("_bt").str.to_lowercase().str.contains(pl.lit(r"\b") + word.str.to_lowercase() + pl.lit(r"\b"))
            .alias("_kept_any"))
        names = pl.concat([found.with_columns(pl.lit(True).alias("_name_kept"), pl.lit(True).alias("_kept_any")),
                           rest.drop("_bt")], how="diagonal")
        as_name, any_case = pl.col("_name_kept"), pl.col("_kept_any")
        lowered = word.str.to_lowercase().is_in(common) & ~as_name
        lost = names.filter(~any_case | lowered)
        parts.append(lost.select(
            ROW,
            pl.when(any_case)
            .then(pl.format("The name '{}' comes back as the common word '{}' in the back-translation: "
                            "it was translated, not kept.", word, word.str.to_lowercase()))
            .otherwise(pl.format("The name '{}' of the source is missing from the back-translation.", word))
            .alias("message"), "start", "end"))
    out = pl.concat([p.with_columns(pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64)) for p in parts])
    if out.height == 0:
        return no_hits()
    return out.with_columns(pl.lit("source").alias("side"))


# --------------------------------------------------------------------------- bt_divergence
# Content words of the source and the back-translation are compared after crude stemming. A
# literal back-translator swaps synonyms all the time (pushed out -> expelled, troubling ->
# disturbing), so a missing word alone says little. Three patterns say more, each cheap to see:
#   kept elsewhere  a word the back-translation returns unchanged in most other segments of the
#                   document is replaced here (letter -> lawsuit);
#   lost affix      a back-translated word is the tail of a source word (transgender -> gender,
#                   research -> search): the MT read only part of the word;
#   term changed    a hyphenated compound or a short quoted term comes back with one word kept
#                   and another replaced (anti-woke -> anti-awakening, "bad culture fits" ->
#                   "bad cultural occasions"): the MT translated the term word by word.
EN_STOP_WORDS = frozenset("""
a an the this that these those it its he she they we you i our their his her my your him them us me
in on at by for from to of with without as and but or nor if when while after before since until
although though because so is are was were be been being has have had do does did will would shall
should can could may might must not no also then there here what who whom which where why how all
some many most any each every both either neither one other such even just only than too very more
much own same into through during about over under again further once up down out off am per via
upon onto within whose whether s t d ll re ve let get got make made take took said says say come comes
came go goes went gone keep keeps kept put puts set sets give gives gave given
""".split())
_WORD = r"[A-Za-z]+"
# Suffixes removed to compare words (the stem is a key, not a word): shortest stem of 3+ letters.
_STEM = r"^([a-z]{3,}?)(?:ations?|ments?|ness|ingly|edly|ings?|ers?|ed|es|s|ly|al|e)$"
_QUOTED = r"[“\"«]([^“”\"«»]{1,60})[”\"»]"
MAX_TERM_WORDS = 4
# kept elsewhere: the word is back-translated unchanged in at least this many other segments,
# and in at least this share of them.
KEPT_MIN_SEGMENTS = 5
KEPT_MIN_SHARE = 0.75
# Words sharing this many first letters are forms of one word (stand/stance, lead/leadership).
SAME_WORD_PREFIX = 4
MIN_AFFIX = 2
MIN_TAIL = 4


def _stem(word: pl.Expr) -> pl.Expr:
    return pl.when(word.str.contains(_STEM)).then(word.str.replace(_STEM, "$1")).otherwise(word)


def _words(rows: pl.DataFrame, col: str) -> pl.DataFrame:
    """ROW, i (index of the word among the [A-Za-z]+ runs of the text), word, low, stem, content
    (not a stop word), hyph (joined to the previous word by a hyphen). No character offsets: they
    cost a regex split per text, and only the few words that end in a flag need them (_locate)."""
    words = (rows.select(ROW, pl.col(col).str.extract_all("-?" + _WORD).alias("_w"))
             .with_columns(pl.int_ranges(0, pl.col("_w").list.len(), dtype=pl.Int64).alias("i"))
             .explode("_w", "i").drop_nulls("_w"))
    words = words.select(ROW, "i", pl.col("_w").str.strip_chars_start("-").alias("word"),
                         pl.col("_w").str.starts_with("-").alias("hyph"))
    vocab = words.select("word").unique().with_columns(pl.col("word").str.to_lowercase().alias("low"))
    vocab = vocab.with_columns(_stem(pl.col("low")).alias("stem"),
                               ((pl.col("low").str.len_chars() > 1) & ~pl.col("low").is_in(EN_STOP_WORDS))
                               .alias("content"))
    return words.join(vocab, on="word", how="left", maintain_order="left")


def _locate(rows: pl.DataFrame, col: str, found: pl.DataFrame, first: str, last: str) -> pl.DataFrame:
    """found plus start, end: the character span in `col` from word `first` to word `last`."""
    spans = find_spans(rows.join(found.select(ROW).unique(), on=ROW), col, _WORD).select(ROW, "k", "start", "end")
    return (found.join(spans.select(ROW, pl.col("k").alias(first), "start"), on=[ROW, first], how="left")
            .join(spans.select(ROW, pl.col("k").alias(last), "end"), on=[ROW, last], how="left"))


def _kept_elsewhere(rows, src, bt, missing, extra) -> pl.DataFrame:
    by = [DOC] if DOC in rows.columns else []
    doc = rows.select(ROW, *by)
    cand = missing.filter(pl.col("word").str.contains(r"^[a-z]") & (pl.col("stem").str.len_chars() >= 4))
    if cand.height == 0:
        return pl.DataFrame()
    # Only the stems that are missing somewhere need their document statistics.
    wanted = cand.select("stem").unique()
    kept = src.select(ROW, "stem").join(wanted, on="stem").unique().join(
        bt.select(ROW, "stem").join(wanted, on="stem").unique().with_columns(pl.lit(True).alias("_kept")),
        on=[ROW, "stem"], how="left").join(doc, on=ROW)
    stats = kept.group_by(*by, "stem").agg(pl.len().alias("_n"), pl.col("_kept").fill_null(False).sum().alias("_k"))
    cand = (cand.join(doc, on=ROW).join(stats, on=[*by, "stem"])
            .filter((pl.col("_k") >= KEPT_MIN_SEGMENTS) & (pl.col("_k") >= KEPT_MIN_SHARE * (pl.col("_n") - 1))))
    if cand.height == 0:
        return pl.DataFrame()
    # The replacement: the extra word of the back-translation at the closest relative position.
    n_src = src.group_by(ROW).agg(pl.len().alias("_ns"))
    n_bt = bt.group_by(ROW).agg(pl.len().alias("_nb"))
    cand = cand.join(n_src, on=ROW).with_columns((pl.col("ci") / pl.col("_ns")).alias("_rel"))
    ext = extra.join(cand.select(ROW).unique(), on=ROW).join(n_bt, on=ROW).select(
        ROW, pl.col("word").alias("bt_word"), pl.col("i").alias("bt_i"), (pl.col("ci") / pl.col("_nb")).alias("_brel"))
    variant = (pl.col("low").str.slice(0, SAME_WORD_PREFIX)
               == pl.col("bt_word").str.to_lowercase().str.slice(0, SAME_WORD_PREFIX))
    cand = cand.join(ext.join(cand.select(ROW, "low"), on=ROW).filter(variant).select(ROW, "low").unique(),
                     on=[ROW, "low"], how="anti")
    pairs = (cand.join(ext, on=ROW, how="left")
             .with_columns((pl.col("_rel") - pl.col("_brel")).abs().alias("_d"))
             .sort("_d", nulls_last=True).group_by(ROW, "i", maintain_order=True).first())
    replaced = pl.col("bt_word").is_not_null()
    return pairs.select(
        ROW,
        pl.when(replaced)
        .then(pl.format("The source's '{}' comes back as '{}' in the back-translation, which keeps '{}' in {} "
                        "other segments of the document: the meaning may have changed.",
                        "word", "bt_word", "word", "_k"))
        .otherwise(pl.format("The source's '{}' is missing from the back-translation, which keeps it in {} other "
                             "segments of the document.", "word", "_k")).alias("message"),
        pl.when(replaced).then(pl.lit("bt")).otherwise(pl.lit("source")).alias("side"),
        pl.coalesce("bt_i", "i").alias("i0"), pl.coalesce("bt_i", "i").alias("i1"))


def _lost_affix(bt, missing, extra) -> pl.DataFrame:
    long_missing = missing.filter(pl.col("low").str.len_chars() >= MIN_TAIL + MIN_AFFIX)
    pairs = long_missing.select(ROW, pl.col("low").alias("s")).join(
        extra.filter(pl.col("low").str.len_chars() >= MIN_TAIL).select(ROW, "i", pl.col("low").alias("b")), on=ROW)
    affix = pl.col("s").str.len_chars().cast(pl.Int64) - pl.col("b").str.len_chars().cast(pl.Int64)
    pairs = pairs.filter(pl.col("s").str.ends_with(pl.col("b")) & (affix >= MIN_AFFIX))
    if pairs.height == 0:
        return pl.DataFrame()
    pairs = pairs.with_columns(pl.col("s").str.slice(0, affix).alias("affix"))
    # non-profit, internal fighting: the affix is back as a word of its own right before.
    prev = bt.select(ROW, (pl.col("i") + 1).alias("i"), pl.col("low").alias("_prev"))
    pairs = pairs.join(prev, on=[ROW, "i"], how="left").filter(
        ~pl.col("_prev").fill_null("").str.starts_with(pl.col("affix")))
    return pairs.unique([ROW, "i"], maintain_order=True).select(
        ROW,
        pl.format("The source's '{}' comes back as '{}' in the back-translation: the '{}' part of the word was "
                  "lost, which changes its meaning.", "s", "b", "affix").alias("message"),
        pl.lit("bt").alias("side"), pl.col("i").alias("i0"), pl.col("i").alias("i1"))


def _terms(rows: pl.DataFrame, col: str, words: pl.DataFrame) -> pl.DataFrame:
    """ROW, i0, i1 (first and last word), text, stems (content stems): short quoted spans and
    hyphenated compounds of `col`."""
    quoted = find_spans(rows.filter(pl.col(col).str.contains(_QUOTED)), col, _QUOTED, keep=(col,))
    quoted = quoted.filter(pl.col("match").str.count_matches(r"\S+") <= MAX_TERM_WORDS).select(
        ROW, pl.col(col).str.slice(0, pl.col("start")).str.count_matches(_WORD).cast(pl.Int64).alias("i0"),
        (pl.col("match").str.count_matches(_WORD).cast(pl.Int64) - 1).alias("_len"))
    quoted = quoted.filter(pl.col("_len") >= 0).select(ROW, "i0", (pl.col("i0") + pl.col("_len")).alias("i1"))
    linked = words.filter(pl.col("hyph")).select(ROW, "i")
    # A compound: the words joined by hyphens, from the word before the first hyphen on.
    comp = (words.join(linked, on=ROW, how="semi").sort(ROW, "i")
            .with_columns((~pl.col("hyph")).cum_sum().alias("_g"))
            .group_by(ROW, "_g").agg(pl.col("i").min().alias("i0"), pl.col("i").max().alias("i1"))
            .filter(pl.col("i1") > pl.col("i0")).select(ROW, "i0", "i1"))
    terms = pl.concat([quoted, comp.with_columns(pl.col("i0").cast(pl.Int64), pl.col("i1").cast(pl.Int64))])
    inside = terms.join(words.filter(pl.col("content")).select(ROW, "i", "stem"), on=ROW)
    inside = inside.filter((pl.col("i") >= pl.col("i0")) & (pl.col("i") <= pl.col("i1")))
    return inside.group_by(ROW, "i0", "i1").agg(pl.col("stem").unique().alias("stems"))


def _term_changed(rows, src, bt, missing, extra) -> pl.DataFrame:
    ts, tb = _terms(rows, SOURCE, src), _terms(rows, BT, bt)
    if ts.height == 0 or tb.height == 0:
        return pl.DataFrame()
    miss = missing.group_by(ROW).agg(pl.col("stem").unique().alias("_miss"))
    ext = extra.group_by(ROW).agg(pl.col("stem").unique().alias("_ext"))
    pairs = (ts.join(tb, on=ROW, suffix="_b").join(miss, on=ROW).join(ext, on=ROW)
             .with_columns(pl.col("stems").list.set_intersection("stems_b").list.len().alias("_shared"),
                           pl.col("stems").list.set_intersection("_miss").list.len().alias("_gone"),
                           pl.col("stems_b").list.set_intersection("_ext").list.len().alias("_new")))
    pairs = pairs.filter((pl.col("_shared") > 0) & (pl.col("_gone") > 0) & (pl.col("_new") > 0))
    if pairs.height == 0:
        return pl.DataFrame()
    # Sorted first: the joins above give the pairs in no fixed order, and which source term is
    # kept for a back-translation term must not change from run to run (or batch to batch).
    pairs = pairs.sort(ROW, "i0_b", "i0", "i1").unique([ROW, "i0_b"], maintain_order=True)
    pairs = _locate(rows, SOURCE, pairs, "i0", "i1")
    pairs = _locate(rows, BT, pairs.rename({"start": "_ss", "end": "_se"}), "i0_b", "i1_b")
    pairs = pairs.join(rows.select(ROW, SOURCE, BT), on=ROW)
    src_term = pl.col(SOURCE).str.slice(pl.col("_ss"), pl.col("_se") - pl.col("_ss"))
    bt_term = pl.col(BT).str.slice(pl.col("start"), pl.col("end") - pl.col("start"))
    return pairs.select(
        ROW,
        pl.format("The term '{}' of the source comes back as '{}' in the back-translation: it was translated word "
                  "by word and may mean something else.", src_term, bt_term).alias("message"),
        pl.lit("bt").alias("side"), pl.col("i0_b").alias("i0"), pl.col("i1_b").alias("i1"))


def divergence_hits(frame: pl.DataFrame) -> pl.DataFrame:
    rows = frame.filter(pl.col(BT).is_not_null() & (pl.col(BT).str.strip_chars() != "")
                        & (pl.col(SOURCE).fill_null("").str.strip_chars() != ""))
    if BEAD in rows.columns:
        rows = rows.filter(~pl.col(BEAD).fill_null("").is_in(["1-0", "0-1"]))
    if rows.height == 0:
        return no_hits()
    rows = rows.select(ROW, *([DOC] if DOC in rows.columns else []), SOURCE, BT)
    src, bt = _words(rows, SOURCE), _words(rows, BT)
    content_index = pl.int_range(pl.len()).over(ROW).alias("ci")
    src_c = src.filter(pl.col("content")).with_columns(content_index)
    bt_c = bt.filter(pl.col("content")).with_columns(content_index)
    missing = src_c.join(bt.select(ROW, "stem"), on=[ROW, "stem"], how="anti")
    extra = bt_c.join(src.select(ROW, "stem"), on=[ROW, "stem"], how="anti")
    if missing.height == 0 or extra.height == 0:
        return no_hits()
    parts = [p for p in (_kept_elsewhere(rows, src_c, bt_c, missing, extra), _lost_affix(bt, missing, extra),
                         _term_changed(rows, src, bt, missing, extra)) if p.height]
    if not parts:
        return no_hits()
    out = pl.concat([p.with_columns(pl.col("i0").cast(pl.Int64), pl.col("i1").cast(pl.Int64)) for p in parts])
    out = out.unique([ROW, "side", "i0"], keep="first", maintain_order=True)
    located = [_locate(rows, col, out.filter(pl.col("side") == side), "i0", "i1")
               for side, col in (("bt", BT), ("source", SOURCE))]
    return pl.concat(located).select(ROW, "message", "side", "start", "end").sort(ROW, "start")


@implements("bt_divergence")
def bt_divergence(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    if BT not in frame.columns or frame[BT].null_count() == frame.height:
        return no_hits()
    return divergence_hits(frame)


# --------------------------------------------------------------------------- polarity
# Explicit negation. Weak forms (affixes, "without", "lack", "fail", غير بدون عدم دون) only
# excuse the other side: a lost/added negation is reported only when the other side has neither.
EN_STRONG = r"(?i)\b(?:not|never|no|none|nobody|nothing|neither|nor|cannot|nowhere)\b|n['’]t\b"
# Idioms whose not/never/no negates nothing: "not least" (= especially), "never more so than",
# "No. 1", and an elliptic "the advice they don't," whose verb is elsewhere.
EN_NOT_NEGATION = (r"(?i)not only\b|not least\b|not to mention\b|no doubt\b|no matter\b|no\.\s?\d"
                   r"|never (?:been )?more so\b|no sooner\b"
                   r"|\b(?:do|does|did)n['’]t\s*(?:[,;.!?]|and\b|or\b|$)")
# Implicit English negation, which translators make explicit (struggled -> لم ينجح, scarcely changed -> لم يتغير, fall
# silent -> لن يدق, we are stuck -> لا نستطيع, looked away -> لم يهتم, more hope than belief -> أمل وليس يقين).
_EN_WEAK_WORDS = (
    "without", r"lack\w*", r"fail\w*", r"refus\w*", "den(?:y|ied|ies)", r"absen\w*", "hardly", "barely", "unless",
    "only", "until", "still", "instead", "rather", "except", "neither", "nor", "nothing", "anymore", "longer", r"ban\w*",
    "yet", "ever", "scarcely", r"prevent\w*", r"stop\w*", r"avoid\w*", r"reject\w*", r"declin\w*", "impossible",
    "unable", r"silen\w*", "stuck", "los[et]", "losing",
    # paraphrases of failing (struggled -> لم ينجح, missed -> لم يحضر, ignored -> لم يهتم)
    r"struggl\w*", r"miss\w*", r"ignor\w*", r"forg[eo]t\w*", r"neglect\w*", "little", "few", r"far\s+from", r"short\s+of",
    r"(?:look|turn)\w*\s+away", r"more\s+\w+\s+than",
    r"(?:un|in|im|il|ir|non|dis|mis)-?[a-z]{3,}", r"[a-z]+less")
EN_WEAK = rf"(?i)\b(?:{'|'.join(_EN_WEAK_WORDS)})\b"
AR_STRONG = NEGATION_RE  # a particle as a whole word, after at most one conjunction (review.arabic)
# "neither ... nor" is one negation (its Arabic is often one لا, or لا ... ولا): nor is not counted.
EN_NEITHER_NOR = r"(?i)(\bneither\b.*?)\bnor\b"
# Particles that look like negation but are not: لا سيما (especially), لا بد (must), لا يزال/ما زال
# (still), لا شك (no doubt), ... إلا (only); كلا before a word (كلا الجانبين = both sides; the
# interjection كلا stands alone); لمّ الشمل (reunite); a negated verb of failing/missing (لم تفوت =
# you did not miss: a double negation, positive).
AR_NOT_NEGATION = (r"لا\s*(?:سيما|سيّما|بد|بُد|يزال|تزال|يزالون|نزال|أزال|زال|شك|محالة|غنى)"
                   r"|ولا\s+سيما|\sإلا\s|\sإلّا\s|كلا\s+[^\s،,.!؟?]|لم[ّ]?\s+(?:ال)?شمل"
                   r"|(?:لا|لم|لن)\s+[وف]?[تينأ]?(?:فوت|تفوت|يفوت|توقف|يتوقف|تتوقف|تردد|يتردد|تتردد|يفشل|تفشل|ينس|تنس)")
# ألا without its hamza (الا) is also إلا: it counts only as weak evidence of a negation (ألا itself
# is a strong one). ما negates a verb at the start of a clause (ما كان, وما زال); after a noun it is
# "what" (جميع ما كان = all that was), and لما (when), بما (including), مما, عما are other words.
# إلا (except, however) is no negation of its own; غير in non-governmental (منظمات غير حكومية) and
# إلى حد ما (to some extent) negate nothing.
_AR_WEAK_WORDS = ("غير", "بدون", "دون", "عدم", "الا", "سوى", "بلا", "كاد", "يكاد", "تكاد", r"رفض\w*", r"منع\w*",
                  r"فشل\w*", r"امتنع\w*", r"توقف\w*", r"تجنب\w*", r"[يت]?تعذر\w*", "[يت]ستحيل", r"مستحيل\w*",
                  r"استحال\w*", r"عجز\w*")
_AR_WEAK_WORD = f"[وف]?(?:{'|'.join(_AR_WEAK_WORDS)})"
_AR_WEAK_PREP = r"[بل](?:غير|دون|عدم)"
_AR_WEAK_MA = r"[وف]ما"
AR_WEAK = (rf"\b{_AR_WEAK_WORD}\b|\b{_AR_WEAK_PREP}\b"
           r"|(?:^|[^\w\s]\s*|\bو\s+)ما\b" rf"|\b{_AR_WEAK_MA}\b")
AR_WEAK_NOT = r"غير\s+(?:ال)?حكومي\w*|حد\s+ما\b"
# Letters glued into one token this long: the target lost its spaces (a data defect that
# tripled_letters and the form checks report); its negations cannot be read reliably.
RUN_TOGETHER = f"[{BASIC_LETTERS}]{{20,}}"
# Transliterated names whose first syllable is written like a negation (La Bomba -> لا بومبا).
EN_NAME_SYLLABLE = r"\b(?:La|Lah|Lam|Lim|Lum|Lan|Lin|Lun|Lyn|Lis|Lees)\s+[A-Z]"
_ARABIC_LETTER = f"[{BASIC_LETTERS}]"


# Speed. A Unicode \b sends polars' regex engine from its fast automaton to a much slower one on
# any text with a non-ASCII letter (every Arabic target, many English sources): AR_WEAK over 20k
# targets took over a second. The patterns above stay the definition; what runs is equivalent
# and free of \b:
#  - "contains \b(?:X)\b", every match of X starting and ending with a word character, is
#    "contains (?:^|\W)(?:X)(?:\W|$)" (the same positions, the boundary characters consumed);
#  - a match of \bX\b, X all word characters, is a whole word. (?:^|\W)X\w* finds every word
#    that starts with a match of X, whole (\w* runs to its end, and leaves the character after it
#    to the next word's match); the ones that fully match X are the matches of \bX\b. Such
#    matches never overlap, so spans and counts stay exact.
def _contains_word(words: str, flags: str = "") -> str:
    return rf"{flags}(?:^|\W)(?:{words})(?:\W|$)"


def _word_starting(words: str) -> str:
    return rf"(?:^|\W)(?:{words})\w*"


def _open_closed(words: tuple[str, ...]) -> tuple[str, str]:
    r"""The stems of the words written X\w* (any word starting with X), and the other words, as
    alternations. Such a word needs no boundary after it: "contains \bX\w*\b" is "contains
    (?:^|\W)X", and a word starts with X\w* when it starts with X. Fewer \w (a large class) also
    compile faster: EN_WEAK took 10 ms."""
    return ("|".join(w[:-3] for w in words if w.endswith(r"\w*")),
            "|".join(w for w in words if not w.endswith(r"\w*")))


_AR_PARTICLE = f"[{''.join(CONJUNCTIONS)}]?(?:{'|'.join(NEGATION_PARTICLES)})"  # AR_STRONG is \b_AR_PARTICLE\b
_AR_PARTICLE_ANY = _contains_word(_AR_PARTICLE)
_AR_PARTICLE_STARTS = _word_starting(_AR_PARTICLE)
_AR_PARTICLE_WORDS = sorted(c + p for c in ("", *CONJUNCTIONS) for p in NEGATION_PARTICLES)
_EN_OPEN, _EN_CLOSED = _open_closed(_EN_WEAK_WORDS)
_EN_WEAK_ANY = rf"(?i)(?:^|\W)(?:{_EN_OPEN}|(?:{_EN_CLOSED})(?:\W|$))"
_AR_OPEN, _AR_CLOSED = _open_closed(_AR_WEAK_WORDS)
_AR_WEAK_STARTS = _word_starting(f"[وف]?(?:{_AR_OPEN}|{_AR_CLOSED})|{_AR_WEAK_PREP}|{_AR_WEAK_MA}")
# A word (word characters only) that AR_WEAK matches whole: it starts with an open stem, or it is
# one of the other words.
_AR_WEAK_WHOLE = rf"^(?:[وف]?(?:{_AR_OPEN})|(?:[وف]?(?:{_AR_CLOSED})|{_AR_WEAK_PREP}|{_AR_WEAK_MA})$)"
# AR_WEAK's clause-initial ما, (?:^|[^\w\s]\s*|\bو\s+)ما\b: the ما word is whole when the match ends with it.
_AR_CLAUSE_MA = r"(?:^|[^\w\s]\s*|(?:^|\W)و\s+)ما\w*"
_LEAD = r"^\W"  # the boundary character a (?:^|\W) match starts with
# Particles long enough to be a name's skeleton (فليس for Felice): spells_a_name is False for the
# others whatever the source (its skeleton is word_skeletons' prefix-free one, 3+ consonants).
_NAMEABLE_PARTICLES = [w for w in _AR_PARTICLE_WORDS if word_skeletons(w)]


def _matches(rows: pl.DataFrame, text: pl.Expr, pattern: str) -> pl.DataFrame:
    """ROW, match, start, end of every match of `pattern` in `text` (spans.find_spans without its
    window function: cut at the matches, one running sum over all pieces, as _name_tokens)."""
    size = text.str.len_chars().cast(pl.Int64)
    parts = rows.select(ROW, (size.cum_sum() - size).alias("_base"),
                        text.str.replace_all(pattern, f"{_SENTINEL}${{0}}{_SENTINEL}").str.split(_SENTINEL).alias("_p"))
    parts = parts.with_columns(pl.int_ranges(0, pl.col("_p").list.len()).alias("_i")).explode("_p", "_i")
    step = pl.col("_p").str.len_chars().cast(pl.Int64)
    parts = parts.with_columns((step.cum_sum() - step - pl.col("_base")).alias("start"))
    return parts.filter(pl.col("_i") % 2 == 1).select(
        ROW, pl.col("_p").alias("match"), "start", (pl.col("start") + step).alias("end"))


def _ar_particles(f: pl.DataFrame) -> pl.DataFrame:
    """ROW, match, start, end of AR_STRONG's matches in TARGET (whole-word particles)."""
    found = _matches(f, pl.col(TARGET), _AR_PARTICLE_STARTS)
    lead = pl.col("match").str.contains(_LEAD).cast(pl.Int64)
    return (found.with_columns(pl.col("match").str.slice(lead), pl.col("start") + lead)
            .filter(pl.col("match").is_in(_AR_PARTICLE_WORDS)))


def _ar_negation_spans(f: pl.DataFrame) -> pl.DataFrame:
    """ROW, SOURCE, match, start, end of the Arabic negation particles (AR_STRONG, whole words): not
    inside a look-alike idiom (لا سيما), and not a word that spells a name of the source (فليس for
    Felice)."""
    spans = _ar_particles(f).join(f.select(ROW, SOURCE), on=ROW, how="left", maintain_order="left").select(
        ROW, SOURCE, "match", "start", "end")
    idioms = _matches(f.filter(pl.col(TARGET).str.contains(AR_NOT_NEGATION)), pl.col(TARGET), AR_NOT_NEGATION)
    if idioms.height:
        inside = (spans.join(idioms.select(ROW, pl.col("start").alias("_s"), pl.col("end").alias("_e")), on=ROW)
                  .filter((pl.col("start") < pl.col("_e")) & (pl.col("_s") < pl.col("end"))).select(ROW, "start"))
        spans = spans.join(inside, on=[ROW, "start"], how="anti", maintain_order="left")
    # The few particle tokens left that could spell a name are checked against the source's names
    # in Python (cached skeletons).
    maybe = spans.filter(pl.col("match").is_in(_NAMEABLE_PARTICLES))
    if maybe.height == 0:
        return spans
    named = [spells_a_name(w, src) for w, src in zip(maybe["match"].to_list(), maybe[SOURCE].to_list())]
    named = maybe.filter(pl.Series(named, dtype=pl.Boolean)).select(ROW, "start")
    return spans.join(named, on=[ROW, "start"], how="anti", maintain_order="left")


def _ar_negations(f: pl.DataFrame) -> pl.DataFrame:
    """ROW, _ar_n: how many Arabic negation particles each row has (_ar_negation_spans)."""
    return _ar_negation_spans(f).group_by(ROW).agg(pl.len().cast(pl.Int64).alias("_ar_n"))


def _ar_weak_counts(rows: pl.DataFrame) -> pl.DataFrame:
    """ROW, _ar_w: how often AR_WEAK matches each target once AR_WEAK_NOT is blanked out: its
    whole words (tested per distinct word) plus its clause-initial ما."""
    text = pl.col(TARGET).str.replace_all(AR_WEAK_NOT, " ")
    rows = rows.select(ROW, text.alias("_t"))
    ma = rows.select(ROW, pl.col("_t").str.extract_all(_AR_CLAUSE_MA).list.eval(pl.element().str.contains(r"(?:^|\W)ما$"))
                     .list.sum().cast(pl.Int64).alias("_ma"))
    words = (rows.select(ROW, pl.col("_t").str.extract_all(_AR_WEAK_STARTS).alias("_w")).explode("_w")
             .with_columns(pl.col("_w").str.replace(_LEAD, "")))
    weak = words.select("_w").unique().filter(pl.col("_w").str.contains(_AR_WEAK_WHOLE))
    counts = words.filter(pl.col("_w").is_in(weak["_w"].implode())).group_by(ROW).agg(pl.len().alias("_n"))
    return ma.join(counts, on=ROW, how="left", maintain_order="left").select(
        ROW, (pl.col("_ma") + pl.col("_n").fill_null(0)).cast(pl.Int64).alias("_ar_w"))


# polarity and negation_count read one table: the memo is keyed on the content of the columns
# it reads (as names_table's), so a new frame reusing an id never gets a stale table. On a
# re-checked correction the two run at once on their own threads: the lock lets one build it.
_TABLE_MEMO: dict[tuple, pl.DataFrame] = {}
_TABLE_LOCK = threading.Lock()
_TABLE_SCHEMA = {ROW: pl.Int64, SOURCE: pl.String, TARGET: pl.String, "_en0": pl.Boolean, "_ar0": pl.Boolean,
                 "_en_n": pl.Int64, "_ar_n": pl.Int64, "_ar_w": pl.Int64, "_en_weak": pl.Boolean}


def _negation_table(frame: pl.DataFrame) -> pl.DataFrame:
    """ROW, SOURCE, TARGET, _en0, _en_n, _ar_n of the rows whose source and target count different
    strong negations; _ar_w (weak Arabic forms) where a lost or fewer negation is possible, and
    _en_weak (weak English forms or a name like La Bomba) where an added one is; null elsewhere."""
    key = (frame.height, frame.select(ROW, SOURCE, TARGET).hash_rows().sum() if frame.height else 0)
    with _TABLE_LOCK:
        if key not in _TABLE_MEMO:
            _TABLE_MEMO.clear()
            _TABLE_MEMO[key] = _build_negation_table(frame)
        return _TABLE_MEMO[key]


def _build_negation_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Cheap tests first: the strong patterns over every row, the idiom masks and the token count
    on the rows where some side is negated, the weak patterns on the few rows that need them. A
    step that leaves no row ends it (one row, the save re-check, mostly stops at the first)."""
    f = frame.select(ROW, pl.col(SOURCE).fill_null("").alias(SOURCE), pl.col(TARGET).fill_null("").alias(TARGET))
    f = f.with_columns(pl.col(SOURCE).str.contains(EN_STRONG).alias("_en0"),
                       pl.col(TARGET).str.contains(_AR_PARTICLE_ANY).alias("_ar0"))
    f = f.filter((pl.col("_en0") | pl.col("_ar0")) & pl.col(TARGET).str.contains(_ARABIC_LETTER))  # else: untranslated
    if f.height:
        f = f.filter(~pl.col(TARGET).str.contains(RUN_TOGETHER))
    if f.height == 0:
        return pl.DataFrame(schema=_TABLE_SCHEMA)
    en_n = (pl.col(SOURCE).str.replace_all(EN_NOT_NEGATION, " ").str.replace_all(EN_NEITHER_NOR, "$1")
            .str.count_matches(EN_STRONG).cast(pl.Int64))
    f = f.with_columns(en_n.alias("_en_n"))
    particles = f.filter(pl.col("_ar0"))
    if particles.height:
        f = (f.join(_ar_negations(particles), on=ROW, how="left", maintain_order="left")
             .with_columns(pl.col("_ar_n").fill_null(0)))
    else:
        f = f.with_columns(pl.lit(0, pl.Int64).alias("_ar_n"))
    f = f.filter(pl.col("_en_n") != pl.col("_ar_n"))
    if f.height == 0:
        return pl.DataFrame(schema=_TABLE_SCHEMA)
    en, ar = pl.col("_en_n"), pl.col("_ar_n")
    lost_or_fewer = f.filter(((en >= 1) & (ar == 0)) | ((ar >= 1) & (ar < en)))
    added = f.filter((ar >= 1) & (en == 0) & ~pl.col("_en0"))
    f = f.with_columns(pl.lit(None, pl.Int64).alias("_ar_w"), pl.lit(None, pl.Boolean).alias("_en_weak"))
    if lost_or_fewer.height:
        f = f.update(_ar_weak_counts(lost_or_fewer), on=ROW)
    if added.height:
        f = f.update(added.select(ROW, (pl.col(SOURCE).str.contains(_EN_WEAK_ANY)
                                        | pl.col(SOURCE).str.contains(EN_NAME_SYLLABLE)).alias("_en_weak")), on=ROW)
    return f


def polarity_flags(frame: pl.DataFrame, min_count: int = 2) -> pl.DataFrame:
    """ROW, kind ('lost' or 'added') for rows whose negation appears on one side only; 'fewer' for
    rows whose source has min_count or more negations and the target fewer negations of any kind
    (one of several lost). With en_negations and ar_negations (the strong ones, as counted)."""
    f = _negation_table(frame)
    if f.height == 0:
        return pl.DataFrame(schema={ROW: pl.Int64, SOURCE: pl.String, TARGET: pl.String, "kind": pl.String,
                                    "en_negations": pl.Int64, "ar_negations": pl.Int64})
    en, ar, ar_w = pl.col("_en_n"), pl.col("_ar_n"), pl.col("_ar_w")
    # Lost: the source is negated and the target has no negation of any kind. Fewer: the source has
    # several (at least min_count) and the target fewer, counting its weak forms too (a translator may
    # turn "not X" into غير X): weaker evidence, its own check (negation_count).
    lost = f.filter((en >= 1) & (ar == 0) & (ar_w == 0))
    fewer = f.filter((en >= min_count) & (ar >= 1) & (ar + ar_w < en))
    added = f.filter((ar >= 1) & (en == 0) & ~pl.col("_en0") & ~pl.col("_en_weak"))
    return pl.concat([lost.with_columns(pl.lit("lost").alias("kind")),
                      added.with_columns(pl.lit("added").alias("kind")),
                      fewer.with_columns(pl.lit("fewer").alias("kind"))]).select(
        ROW, SOURCE, TARGET, "kind", pl.col("_en_n").alias("en_negations"), pl.col("_ar_n").alias("ar_negations"))


# The gate of polarity and negation_count (review.checks.base.Gate): _build_negation_table keeps
# only rows whose source matches EN_STRONG or whose target matches _AR_PARTICLE_ANY. In plain
# Python, wider than both: the words of EN_STRONG in the lowercased source (none of their
# letters has a case variant outside ASCII) and the particles in the target, each where the
# characters around it are not letters (polars' \b and \W need a non-word character there,
# which is never a letter); "n't" anywhere.
_EN_STRONG_WORDS = ("not", "never", "no", "none", "nobody", "nothing", "neither", "nor", "cannot", "nowhere")
_AR_PARTICLES = tuple(c + p for c in ("", *CONJUNCTIONS) for p in NEGATION_PARTICLES)


def _word_in(text: str, words: tuple[str, ...]) -> bool:
    for word in words:
        i = text.find(word)
        while i >= 0:
            end = i + len(word)
            if (i == 0 or not text[i - 1].isalpha()) and (end == len(text) or not text[end].isalpha()):
                return True
            i = text.find(word, i + 1)
    return False


@gate("polarity")
@gate("negation_count")
def _negation_gate(src: str, tgt: str) -> bool:
    lower = src.lower()
    return ("n't" in lower or "n’t" in lower or _word_in(lower, _EN_STRONG_WORDS)
            or _word_in(tgt, _AR_PARTICLES))


@implements("polarity")
def polarity(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    rows = _polarity_rows(frame)
    found = polarity_flags(rows).filter(pl.col("kind") != "fewer")
    if found.height == 0:
        return no_hits()
    lost = found.filter(pl.col("kind") == "lost")
    added = found.filter(pl.col("kind") == "added")
    parts = []
    if lost.height:
        spans = find_spans(lost, SOURCE, EN_STRONG, keep=(SOURCE,))
        spans = spans.filter(~pl.col(SOURCE).str.slice(pl.col("start")).str.contains(f"^(?:{EN_NOT_NEGATION})"))
        first = spans.group_by(ROW).agg(pl.all().sort_by("start").first())
        parts.append(first.select(
            ROW, pl.format("The source is negated ('{}') but the target has no negation: the meaning may "
                           "be reversed.", pl.col("match")).alias("message"),
            pl.lit("source").alias("side"), "start", "end"))
    if added.height:
        spans = _ar_negation_spans(added)
        first = spans.group_by(ROW).agg(pl.all().sort_by("start").first())
        parts.append(first.select(
            ROW, pl.format("The target is negated ('{}') but the source has no negation: the meaning may "
                           "be reversed.", pl.col("match")).alias("message"),
            pl.lit("target").alias("side"), "start", "end"))
    if not parts:
        return no_hits()
    return pl.concat([p.with_columns(pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64))
                      for p in parts])


def _polarity_rows(frame: pl.DataFrame) -> pl.DataFrame:
    rows = frame.filter((pl.col(SOURCE).fill_null("").str.strip_chars() != "")
                        & (pl.col(TARGET).fill_null("").str.strip_chars() != ""))
    if BEAD in rows.columns:
        rows = rows.filter(~pl.col(BEAD).fill_null("").is_in(["1-0", "0-1"]))
    return rows


@implements("negation_count")
def negation_count(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    found = polarity_flags(_polarity_rows(frame), int(ctx.params["min_source_negations"]))
    found = found.filter(pl.col("kind") == "fewer")
    if found.height == 0:
        return no_hits()
    return found.select(
        ROW, pl.format("The source has {} negations but the target only {} (weak forms such as غير included): "
                       "one may have been lost.", "en_negations", "ar_negations").alias("message"),
        pl.lit("target").alias("side"), pl.lit(None, pl.Int64).alias("start"), pl.lit(None, pl.Int64).alias("end"))
