"""Punctuation checks of the target: brackets, quotation marks, spaces, Latin punctuation in
Arabic, sentence-final ? and !, repeated words."""

from __future__ import annotations

import re

import polars as pl

from review.arabic import AR_LETTERS, MARKED_ENDING_RE
from review.checks.base import ROW, SMALL_FRAME, CheckContext, collect, gate, implements, no_hits
from review.checks.spans import char_at, find_spans, shift_in_row
from review.checks.text import URL_OR_EMAIL_RE, arabic_only, contains_literal, hit_frame, not_bead
from review.normalize import normalize_expr
from review.schema import BEAD, SOURCE, TARGET, TGT_LANG

BRACKETS = {"(": ")", "[": "]", "{": "}"}
_AR = f"[{AR_LETTERS}]"


_BRACKET_RE = r"[()\[\]{}]"


def _brackets(col: str) -> pl.Expr:
    """The brackets of a text, in order, as one short string: counting in it is cheap."""
    return pl.col(col).fill_null("").str.extract_all(_BRACKET_RE).list.join("")


def _balance(marks: pl.Expr, open_: str, close: str) -> pl.Expr:
    return (marks.str.count_matches(open_, literal=True).cast(pl.Int64)
            - marks.str.count_matches(close, literal=True).cast(pl.Int64))


def _unmatched(marks: pl.DataFrame) -> pl.DataFrame:
    """Marks (ROW, start, _open, _kind) left without a partner by stack matching per kind."""
    marks = marks.sort(ROW, "start").with_columns(
        pl.when(pl.col("_open")).then(1).otherwise(-1).cum_sum().over(ROW, "_kind").alias("_d"))
    by = [ROW, "_kind"]
    before_min = pl.min_horizontal(pl.col("_d").cum_min().shift(1).over(by).fill_null(0), pl.lit(0))
    after_min = pl.col("_d").reverse().cum_min().reverse().over(by)
    # A closing mark is lost when the depth falls below every earlier level; an opening one when
    # the depth never comes back down to its level.
    lost_close = ~pl.col("_open") & (pl.col("_d") < before_min)
    lost_open = pl.col("_open") & (after_min == pl.col("_d")) & (pl.col("_d").last().over(by) > 0)
    return marks.filter(lost_close | lost_open)


@gate("unbalanced_brackets")
def _brackets_gate(src: str, tgt: str) -> bool:
    # A target whose balance is off has a bracket.
    return any(mark in tgt for mark in "()[]{}")


@implements("unbalanced_brackets")
def unbalanced_brackets(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    # In stages: the target's balance of each kind, then the source's where the target's is off.
    kinds = list(BRACKETS.items())
    rows = (frame.lazy().select(ROW, TARGET, SOURCE, _brackets(TARGET).alias("_tm"))
            .with_columns(_balance(pl.col("_tm"), o, c).alias(f"_t{i}") for i, (o, c) in enumerate(kinds))
            .filter(pl.any_horizontal(pl.col(f"_t{i}") != 0 for i in range(len(kinds))))
            .with_columns(_brackets(SOURCE).alias("_sm")))
    # Only the bracket kinds whose balance differs from the source are reported.
    rows = collect(rows.with_columns(
        ((pl.col(f"_t{i}") != 0) & (pl.col(f"_t{i}") != _balance(pl.col("_sm"), o, c))).alias(f"_d{i}")
        for i, (o, c) in enumerate(kinds)).filter(pl.any_horizontal(f"_d{i}" for i in range(len(kinds)))))
    if rows.height == 0:
        return no_hits()
    kinds = pl.concat([rows.filter(pl.col(f"_d{i}")).select(ROW, pl.lit(o).alias("_kind"))
                       for i, (o, _) in enumerate(kinds)])
    m = pl.col("match")
    kind = m.replace({c: o for o, c in BRACKETS.items()})
    marks = find_spans(rows, TARGET, _BRACKET_RE).with_columns(m.is_in(list(BRACKETS)).alias("_open"),
                                                                 kind.alias("_kind"))
    found = _unmatched(marks).join(kinds, on=[ROW, "_kind"])
    message = (pl.when(pl.col("_open"))
               .then(pl.format("The bracket '{}' is never closed in the target.", m))
               .otherwise(pl.format("The bracket '{}' closes nothing in the target.", m)))
    return hit_frame(found, message, start=pl.col("start"), end=pl.col("end"))


# ----------------------------------------------------------------------------- quotes
# Curly marks carry their direction and are paired in order: “…” and ”…“ (how some Arabic
# typesetters write the pair) are fine, ”…” and “…“ face the wrong way. Straight " marks get a
# direction from their neighbours (space before: opening; space or punctuation after: closing;
# glued on both sides: by position) and are matched like brackets, so nested quotes work.
_CURLY = "[“”]"
_GOOD_PAIRS = ("“”", "”“")
_OPENING_CONTEXT = r"^[\s(\[«“]?$"
_CLOSING_CONTEXT = r"^[\s.,،;؛:!?؟)\]»”…-]?$"


def _curly_pairs(rows: pl.DataFrame) -> pl.DataFrame:
    """Curly double quotes of the target paired in order: ROW, marks, start, end, _n, inner bounds,
    TARGET. Mark k and mark k+1 (k even) of a row make a pair: find_spans gives a row's marks in
    order, so the second one is the next row of the table (no sort, no group-by)."""
    marks = find_spans(rows, TARGET, _CURLY, keep=(TARGET,))
    nxt = lambda c: shift_in_row(pl.col(c), -1)  # noqa: E731
    pairs = marks.with_columns(nxt("match").alias("_m2"), nxt("start").alias("_s2"), nxt("end").alias("_e2"))
    second = pl.col("_m2").is_not_null()
    return pairs.filter(pl.col("k") % 2 == 0).select(
        ROW, (pl.col("k") // 2).alias("_pair"), (pl.col("match") + pl.col("_m2").fill_null("")).alias("marks"),
        "start", pl.coalesce("_e2", "end").alias("end"), (1 + second.cast(pl.UInt32)).alias("_n"),
        pl.col("end").alias("_inner_start"), pl.coalesce("_s2", "start").alias("_inner_end"), TARGET)


def _straight_marks(rows: pl.DataFrame) -> pl.DataFrame:
    """Straight " marks of the target: ROW, k, start, end, _open, _spaced, _kind.

    The text is split on the mark, so the characters around mark k are the ends of pieces k and
    k+1 (an empty piece between two marks means the neighbour is the other mark): no per-mark
    slicing of the whole text.
    """
    pieces = (rows.filter(pl.col(TARGET).str.contains('"', literal=True))
              .select(ROW, pl.col(TARGET).str.split('"').alias("_p"))
              .with_columns(pl.col("_p").list.len().alias("_n"))
              .explode("_p")
              .with_columns(pl.int_range(pl.len()).over(ROW).alias("k"),
                            pl.col("_p").str.len_chars().alias("_l")))
    p, k = pl.col("_p"), pl.col("k")
    nxt = p.shift(-1).over(ROW)
    marks = pieces.with_columns(
        ((pl.col("_l") + 1).cum_sum().over(ROW) - 1).alias("start"),
        pl.when(p != "").then(p.str.slice(-1, 1)).when(k > 0).then(pl.lit('"')).otherwise(pl.lit("")).alias("_b"),
        pl.when(nxt != "").then(nxt.str.slice(0, 1)).when(k + 2 < pl.col("_n")).then(pl.lit('"'))
        .otherwise(pl.lit("")).alias("_a"),
    ).filter(k + 1 < pl.col("_n"))
    before, after = pl.col("_b"), pl.col("_a")
    opens = before.str.contains(_OPENING_CONTEXT) & ~after.str.contains(r"^\s?$")
    closes = after.str.contains(_CLOSING_CONTEXT) & ~before.str.contains(r"^\s?$")
    return marks.select(
        ROW, k.cast(pl.Int64), pl.col("start").cast(pl.Int64), (pl.col("start") + 1).cast(pl.Int64).alias("end"),
        pl.when(opens & ~closes).then(True).when(closes & ~opens).then(False)
        .otherwise(k % 2 == 0).alias("_open"),
        (before.str.contains(r"^\s$") & after.str.contains(r"^\s$")).alias("_spaced"),
        pl.lit('"').alias("_kind"))


# British sources quote with single marks; apostrophes (O'Hagan, won't) sit between letters.
_SOURCE_QUOTES = r"[“”\"«»]|(?:^|[\s(:])['‘]|['’](?:$|[\s.,;:!?)])"


def _source_odd_quotes() -> pl.Expr:
    return pl.col(SOURCE).fill_null("").str.count_matches(_SOURCE_QUOTES) % 2 == 1


_QUOTE_MARKS = r"[“”\"«»]"


_QUOTE_CHARS = "“”\"«»"  # _QUOTE_MARKS as characters


@gate("unbalanced_quotes")
@gate("space_in_quotes")
def _quotes_gate(src: str, tgt: str) -> bool:
    # Both checks only read targets with one of _QUOTE_MARKS.
    return any(mark in tgt for mark in _QUOTE_CHARS)


@implements("unbalanced_quotes")
def unbalanced_quotes(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    # Only rows that can have a hit: a straight mark or a guillemet, or curly marks that do not
    # all pair up facing the right way (their sequence, read in pairs, is not all “” and ”“).
    curly = pl.col(TARGET).str.extract_all(_CURLY).list.join("")
    rows = frame.select(ROW, SOURCE, TARGET).filter(pl.col(TARGET).str.contains(_QUOTE_MARKS)).filter(
        pl.col(TARGET).str.contains(r'["«»]') | ~curly.str.contains("^(?:“”|”“)*$"))
    if rows.height == 0:
        return no_hits()
    pairs = _curly_pairs(rows)
    fragment = pl.col(TARGET).str.slice(pl.col("start"), pl.col("end") - pl.col("start"))
    facing = pairs.filter((pl.col("_n") == 2) & ~pl.col("marks").is_in(_GOOD_PAIRS)).select(
        ROW, pl.format("Quotation marks face the wrong way: '{}'.", fragment).alias("message"), "start", "end")
    # A quote the source also leaves open continues across segments (long quotations in news).
    # The source's quotes are counted only where a mark may lack a partner: a lonely curly mark,
    # a straight mark or a guillemet.
    single = pairs.filter(pl.col("_n") == 1)
    even = rows.filter(pl.col(ROW).is_in(single[ROW].implode()) | pl.col(TARGET).str.contains(r'["«»]'))
    even = even.filter(~_source_odd_quotes())
    curly_lonely = single.join(even.select(ROW), on=ROW, how="semi").select(ROW, "start", "end")
    straight = _unmatched(_straight_marks(even).select(ROW, "start", "end", "_open", "_kind"))
    guillemets = _unmatched(find_spans(even, TARGET, "[«»]").with_columns(
        (pl.col("match") == "«").alias("_open"), pl.lit("«").alias("_kind")))
    lonely = pl.concat([curly_lonely, straight.select(ROW, "start", "end"), guillemets.select(ROW, "start", "end")])
    lonely = lonely.join(rows.select(ROW, TARGET), on=ROW).select(
        ROW, pl.format("The quotation mark '{}' has no partner in the target.",
                       pl.col(TARGET).str.slice(pl.col("start"), 1)).alias("message"), "start", "end")
    found = pl.concat([facing, lonely], how="vertical_relaxed")
    return hit_frame(found, pl.col("message"), start=pl.col("start"), end=pl.col("end"))


_SPACED_GUILLEMETS = r"«\s+[^«»]*»|«[^«»]*\s+»"
# Texts that can have a space inside quotation marks (a superset, to settle a small frame in one
# query; on a large one these scans cost more than they save): a space after the first mark of
# a curly pair or before the second (an even number of curly marks before it), a straight mark
# with spaces on both sides, spaced guillemets.
_EVEN_CURLY = "^[^“”]*(?:[“”][^“”]*[“”][^“”]*)*"
_SPACED_QUOTE = (f"{_EVEN_CURLY}[“”](?:\\s|[^“”]*\\s[“”])", r'\s"\s', _SPACED_GUILLEMETS)


@implements("space_in_quotes")
def space_in_quotes(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    lang = [TGT_LANG] if TGT_LANG in frame.columns else []
    rows = arabic_only(frame.select(ROW, TARGET, *lang), ctx).filter(pl.col(TARGET).str.contains(_QUOTE_MARKS))
    if rows.height <= SMALL_FRAME:  # a correction re-checked: one query usually settles it
        rows = rows.filter(pl.any_horizontal(pl.col(TARGET).str.contains(p) for p in _SPACED_QUOTE))
    if rows.height == 0:
        return no_hits()
    pairs = _curly_pairs(rows).filter(pl.col("_n") == 2)
    text = pl.col(TARGET)
    spaced = (char_at(text, pl.col("_inner_start")).str.contains(r"^\s$")
              | char_at(text, pl.col("_inner_end") - 1).str.contains(r"^\s$"))
    curly = pairs.filter(spaced).select(ROW, "start", "end")
    # A straight mark with spaces on both sides belongs to neither word.
    straight = _straight_marks(rows).filter(pl.col("_spaced")).select(ROW, "start", "end")
    guil = find_spans(rows, TARGET, _SPACED_GUILLEMETS).select(ROW, "start", "end")
    found = pl.concat([curly, straight, guil]).join(rows.select(ROW, TARGET), on=ROW)
    fragment = pl.col(TARGET).str.slice(pl.col("start"), pl.col("end") - pl.col("start"))
    return hit_frame(found, pl.format("Space inside quotation marks: '{}'.", fragment),
                     start=pl.col("start"), end=pl.col("end"))


# ----------------------------------------------------------------------------- spaces, Latin marks
# Not before "..." (a single . followed by a space or the end), not before a decimal part (.5).
_SPACE_BEFORE = r"\S[ \t\u00a0]+(?:[،؛؟!]|:(?:\s|$)|\.(?:\s|$))"


# A superset of the texts _SPACE_BEFORE finds (a space, tab or no-break space right before the
# mark), found by literal searches: the regex itself scans every character.
_SPACE_MARKS = [" " + mark for mark in "،؛؟!:."]


_SPACE_BEFORE_GATE = re.compile("[ \t\u00a0][،؛؟!:.]")  # _SPACE_BEFORE's last space and its mark


@gate("space_before_punct")
def _space_before_gate(src: str, tgt: str) -> bool:
    return _SPACE_BEFORE_GATE.search(tgt) is not None


@implements("space_before_punct")
def space_before_punct(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    lang = [TGT_LANG] if TGT_LANG in frame.columns else []
    rows = arabic_only(frame.select(ROW, TARGET, *lang), ctx)
    if rows.height > SMALL_FRAME:
        rows = rows.filter(contains_literal(TARGET, _SPACE_MARKS) | pl.col(TARGET).str.contains("[\t\u00a0]"))
    found = find_spans(rows, TARGET, _SPACE_BEFORE)
    core = pl.col("match").str.strip_chars_end()
    found = found.with_columns((pl.col("start") + 1).alias("start"),
                               (pl.col("start") + core.str.len_chars()).alias("end"),
                               core.str.slice(-1, 1).alias("mark"))
    return hit_frame(found, pl.format("Space before the punctuation mark '{}'.", pl.col("mark")),
                     start=pl.col("start"), end=pl.col("end"))


ARABIC_OF = {",": "،", ";": "؛", "?": "؟"}


@gate("latin_punct")
def _latin_punct_gate(src: str, tgt: str) -> bool:
    return "," in tgt or ";" in tgt or "?" in tgt


@implements("latin_punct")
def latin_punct(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    rows = arabic_only(frame, ctx).filter(pl.col(TARGET).str.contains(r"[,;?]"))
    marks = find_spans(rows, TARGET, r"[,;?]").join(rows.select(ROW, TARGET), on=ROW)
    if marks.height == 0:
        return no_hits()
    text = pl.col(TARGET)
    prev = char_at(text, pl.col("start") - 1)
    nxt = text.str.slice(pl.col("end"), 6).str.strip_chars_start().str.slice(0, 1)
    left = text.str.slice(pl.max_horizontal(pl.col("start") - 40, pl.lit(0)),
                          pl.min_horizontal(pl.col("start"), pl.lit(40))).str.extract(r"(\S*)$", 1)
    token = left + pl.col("match") + text.str.slice(pl.col("end"), 40).str.extract(r"^(\S*)", 1)
    in_number = prev.str.contains("^[0-9٠-٩]$") & nxt.str.contains("^[0-9٠-٩]$")
    in_code = token.str.contains(f"{URL_OR_EMAIL_RE}|://|www\\.")
    arabic_context = prev.str.contains(f"^{_AR}$") | nxt.str.contains(f"^{_AR}$")
    found = marks.filter(arabic_context & ~in_number & ~in_code)
    message = pl.format("Latin '{}' in Arabic text; Arabic uses '{}'.", pl.col("match"),
                        pl.col("match").replace_strict(ARABIC_OF))
    return hit_frame(found, message, start=pl.col("start"), end=pl.col("end"))


_CLOSERS = r"[\s\"”’'»)\]]*$"


@gate("end_punct_mismatch")
def _end_punct_gate(src: str, tgt: str) -> bool:
    # A mismatch needs one of the marks compared, at the end of one side.
    return any(mark in src for mark in "?？!") or any(mark in tgt for mark in "?؟!")


@implements("end_punct_mismatch")
def end_punct_mismatch(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    # One query; the marks are looked for in the last two characters, computed once.
    tgt_body = pl.col("_tb")
    src, tgt = pl.col("_s2"), pl.col("_t2")
    mark = lambda text, *chars: pl.any_horizontal(text.str.contains(c, literal=True) for c in chars)  # noqa: E731
    sq, se = mark(src, "?", "？"), mark(src, "!")
    tq, te = mark(tgt, "?", "؟"), mark(tgt, "!")
    found = (frame.lazy().select(ROW, *([BEAD] if BEAD in frame.columns else []),
                                 pl.col(SOURCE).fill_null("").str.replace(_CLOSERS, "").str.slice(-2, 2).alias("_s2"),
                                 pl.col(TARGET).fill_null("").str.replace(_CLOSERS, "").alias("_tb"))
             .with_columns(tgt_body.str.slice(-2, 2).alias("_t2"))
             .filter((tgt_body != "") & not_bead(frame, ["1-0", "0-1"]) & ((sq != tq) | (se != te))))
    found = collect(found)
    if found.height == 0:
        return no_hits()
    found = found.with_columns(sq.alias("_sq"), se.alias("_se"),
                               tgt_body.str.len_chars().alias("_end"),
                               tgt_body.str.slice(-1, 1).alias("_last"))
    what = (pl.when(pl.col("_sq") & pl.col("_se")).then(pl.lit("?!")).when(pl.col("_sq")).then(pl.lit("?"))
            .when(pl.col("_se")).then(pl.lit("!")).otherwise(pl.lit("")))
    message = (pl.when(what != "")
               .then(pl.format("The source ends with '{}' but the target ends with '{}'.", what, pl.col("_last")))
               .otherwise(pl.format("The target ends with '{}' but the source does not.", pl.col("_last"))))
    is_mark = pl.col("_last").str.contains(r"^[.?؟!…]$")
    return hit_frame(found, message, start=pl.when(is_mark).then(pl.col("_end") - 1),
                     end=pl.when(is_mark).then(pl.col("_end")))


# ----------------------------------------------------------------------------- repeated_word
# Reduplications that are correct Arabic.
REDUPLICATIONS = ("رويدا", "رويدًا", "شيئا", "شيئًا")
_PUNCT = "\"'“”‘’«»()[]{}.,;:!?؟،؛…-–—"


def _tokens(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    """Space-separated tokens of the target with their offsets: ROW, w, _i, start.

    A token's offset is one running sum over all tokens minus its row's running start (a row's
    tokens and spaces take its length + 1 characters), not a sum per row (over())."""
    text = pl.col(TARGET).fill_null("")
    size = text.str.len_chars().cast(pl.Int64) + 1
    t = (frame.select(ROW, text.str.split(" ").alias("w"), (size.cum_sum() - size).alias("_base"))
         .with_columns(pl.int_ranges(0, pl.col("w").list.len()).alias("_i"))
         .explode("w", "_i")
         .with_columns(pl.col("w").str.len_chars().alias("_l")))
    step = pl.col("_l").cast(pl.Int64) + 1
    return (t.with_columns((step.cum_sum() - step - pl.col("_base")).alias("start")).drop("_base")
            .filter(pl.col("_l") > 0))


def _candidate_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows with two neighbouring tokens of which one could repeat the other.

    A cheap pass over all tokens, without building new strings (stripping 4 million tokens is the
    slow part): a token that starts with the one before it (إلى إلى, إلى إلى،), or that the one
    before ends with («إلى إلى), or that starts with و and the one before (X وX). A superset of
    what the exact pass reports; splitting on " " only keeps offsets exact."""
    # One query. The "و" + previous-token strings are built only for the few tokens the first
    # filter leaves (the filter on them reads a column made after the first one, so the two are
    # not merged into one over all tokens).
    pairs = (frame.lazy().select(ROW, _WORDS).explode("w").with_columns(_PREV_WORD)
             .filter(_MAYBE_REPEAT).with_columns(_WAW_PREV).filter(_REPEAT_CANDIDATE))
    return frame.join(collect(pairs.select(ROW).unique()), on=ROW, how="semi")


# The candidate pass's expressions, built once (it runs on every save).
_WORDS = pl.col(TARGET).fill_null("").str.split(" ").alias("w")
_PREV_WORD = shift_in_row(pl.col("w"), 1).alias("_pw")
_RELATED = pl.col("w").str.starts_with(pl.col("_pw")) | pl.col("_pw").str.ends_with(pl.col("w"))
_MAYBE_REPEAT = (pl.col("_pw") != "") & (pl.col("w") != "") & (_RELATED | pl.col("w").str.starts_with("و"))
_WAW_PREV = ("و" + pl.col("_pw")).alias("_wpw")
_REPEAT_CANDIDATE = _RELATED | pl.col("w").str.starts_with(pl.col("_wpw"))


_LEAD = pl.col("w").str.len_chars() - pl.col("w").str.strip_chars_start(_PUNCT).str.len_chars()
# The core ends at the first punctuation mark inside the token too: a quote glued to the next
# word ('العروش"كيت') must not hide a repeat.
_CORE = pl.col("w").str.strip_chars_start(_PUNCT).str.extract(f"^([^{re.escape(_PUNCT)}]*)", 1)


@gate("repeated_word")
def _repeated_gate(src: str, tgt: str) -> bool:
    """_candidate_rows on one target: two neighbouring tokens (split on " ") of which one could
    repeat the other."""
    words = tgt.split(" ")
    for pw, w in zip(words, words[1:]):
        if pw and w and (w.startswith(pw) or pw.endswith(w) or w.startswith("و" + pw)):
            return True
    return False


@implements("repeated_word")
def repeated_word(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    rows = _candidate_rows(frame)
    if rows.height == 0:
        return no_hits()
    t = _tokens(rows.lazy())
    # The core, its offset and its normal form depend on the token alone: worked out once per
    # distinct token and joined back.
    forms = t.select("w").unique().with_columns(_CORE.alias("core"), _LEAD.alias("_lead"))
    forms = forms.with_columns(normalize_expr(pl.col("core")).str.to_lowercase().alias("norm"))
    t = t.join(forms, on="w", how="left", maintain_order="left")
    t = t.with_columns((pl.col("start") + pl.col("_lead")).alias("cs"))
    t = t.with_columns((pl.col("cs") + pl.col("core").str.len_chars()).alias("ce"),
                       *(shift_in_row(pl.col(c), 1).alias(f"_prev_{c}") for c in ("w", "core", "norm", "cs")))
    prev = lambda c: pl.col(f"_prev_{c}")  # noqa: E731
    # Neighbours measured without a leading و/ب/ل, as in "وسي إن إن".
    bare_len = pl.col("norm").str.replace(r"^[وبلف]", "").str.len_chars()
    nxt_len = shift_in_row(bare_len, -1).fill_null(99)
    before_len = shift_in_row(bare_len, 2).fill_null(99)
    short = pl.col("norm").str.len_chars() <= 2
    # Letter-by-letter acronyms: بي بي سي, سي إن إن (short tokens next to short tokens).
    acronym = short & ((nxt_len <= 2) | (before_len <= 2))
    joined = prev("w").str.ends_with(prev("core"))  # nothing but space between the two words
    same = (pl.col("norm") == prev("norm")) & ~acronym
    # "الاضطرابات والاضطرابات": one English pair of synonyms rendered as the same word twice.
    with_and = (pl.col("norm") == ("و" + prev("norm"))) & (prev("norm").str.len_chars() >= 4)
    # "سابق سابقًا": the same word retyped with its vowel marks or case ending (the second one
    # carries a haraka right where the first one stops).
    rest = pl.col("core").str.slice(prev("core").str.len_chars())
    with_ending = (pl.col("core").str.starts_with(prev("core")) & rest.str.contains(MARKED_ENDING_RE)
                   & (prev("norm").str.len_chars() >= 3))
    found = t.filter(
        (same | with_and | with_ending) & joined & (pl.col("_lead") == 0) & pl.col("norm").str.contains(f"{_AR}|[A-Za-z]")
        & ~pl.col("core").is_in(REDUPLICATIONS))
    found = found.join(rows.lazy().select(ROW, TARGET, SOURCE), on=ROW)
    # A repetition the source has too is a name ("Roa Roa hotel").
    found = found.filter(~pl.col(SOURCE).fill_null("").str.to_lowercase().str.contains(
        pl.format("{} {}", pl.col("norm"), pl.col("norm")), literal=True))
    fragment = pl.col(TARGET).str.slice(pl.col("_prev_cs"), pl.col("ce") - pl.col("_prev_cs"))
    return collect(hit_frame(found, pl.format("Word repeated: '{}'.", fragment), start=pl.col("_prev_cs"),
                             end=pl.col("ce")))
