"""Segment boundary checks: sentences the MT broke across lines or segments, beads the aligner
could not pair (1-0 omission, 0-1 addition), and alignments it is unsure of."""

from __future__ import annotations

import polars as pl

from review.checks.base import ROW, CheckContext, implements, no_hits
from review.checks.spans import find_spans
from review.checks.text import quote_expr
from review.schema import ALIGN_CONF, BEAD, DOC, LOW_CONF, SEG, SOURCE, TARGET, TGT_START

# A target ending like this is finished (sentence end, closing quote/bracket, colon, number).
_CLOSED_END = r"[.!?؟…:;؛»”\"'’)\]}*]\s*$|[0-9%]\s*$"
_SOURCE_SENTENCE_END = r"[.!?…]['\"”’»)\]]*\s*$"
# Words an Arabic sentence cannot end on, and a lone letter (the English article "a" left as أ).
_DANGLING = ("من", "في", "إلى", "على", "عن", "مع", "و", "أو", "ثم", "أن", "إن", "الذي", "التي",
             "الذين", "لكن", "بين", "حول", "أ", "ب", "ل", "ف", "ك", "بـ", "لـ", "عند", "حتى", "قد")
_DANGLING_RE = r"(?:^|\s)(?:" + "|".join(_DANGLING) + r")\s*$"
# What a new sentence, item or heading may start with: a bullet, heading or list marker.
_NEW_BLOCK_START = r"^\s*(?:[*#>•\-–—]|\d+[.)]\s)"
_AROUND = 3  # words quoted on each side of a break


def _side(name: str) -> pl.Expr:
    return pl.lit(name).alias("side")


def _words_before(text: pl.Expr) -> pl.Expr:
    return text.str.extract(r"((?:\S+\s+){0,%d}\S+)\s*$" % (_AROUND - 1), 1).fill_null("")


def _words_after(text: pl.Expr) -> pl.Expr:
    return text.str.extract(r"^\s*(\S+(?:\s+\S+){0,%d})" % (_AROUND - 1), 1).fill_null("")


@implements("broken_line")
def broken_line(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    """A line break inside the target of one bead that its source does not have at that place."""
    tgt = pl.col(TARGET).fill_null("")
    src = pl.col(SOURCE).fill_null("")
    extra_breaks = (tgt.str.strip_chars().str.count_matches(r"\n+")
                    > src.str.strip_chars().str.count_matches(r"\n+"))
    rows = frame.filter(extra_breaks)
    if rows.height == 0:
        return no_hits()
    rows = rows.with_columns(tgt.str.strip_chars_end().alias("_t"))
    breaks = find_spans(rows, "_t", r"[ \t]*\n[\s]*", keep=(TARGET,))
    # Only breaks inside the text, not before its first word.
    breaks = breaks.filter(pl.col("start") > 0)
    # Input that came pre-aligned (PO, XLIFF, TMX, a table: no offsets into a document, bead 1-1)
    # had its units cut by people: an extra line inside a unit is a layout matter (minor), not a
    # sentence the MT split and the aligner had to join.
    pre_aligned = pl.col(TGT_START).is_null() if TGT_START in rows.columns else pl.lit(False)
    if BEAD in rows.columns:
        pre_aligned = pre_aligned & ~pl.col(BEAD).fill_null("").is_in(["1-2", "2-1", "2-2"])
    breaks = breaks.join(rows.select(ROW, pre_aligned.alias("_pre")), on=ROW)
    text = pl.col(TARGET)
    before = _words_before(text.str.slice(0, pl.col("start")))
    after = _words_after(text.str.slice(pl.col("end")))
    return breaks.select(
        ROW,
        pl.format("The sentence is broken across two lines at '…{} ⏎ {}…': the MT split one source "
                  "sentence in two.", before, after).alias("message"),
        _side("target"),
        pl.col("start"), pl.col("end"),
        pl.when(pl.col("_pre")).then(pl.lit("minor")).otherwise(pl.lit(None, pl.String)).alias("severity"),
    )


@implements("continues_next")
def continues_next(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    """The target stops unfinished and the next segment of the document carries on the sentence."""
    if frame.height < 2:
        return no_hits()
    order = [c for c in (DOC, SEG) if c in frame.columns]
    by_doc = [DOC] if DOC in frame.columns else []
    tgt = pl.col(TARGET).fill_null("").str.strip_chars()
    src = pl.col(SOURCE).fill_null("").str.strip_chars()
    f = frame.select(ROW, *order, SOURCE, TARGET).sort(order or ROW).with_columns(
        tgt.alias("_t"),
        (tgt.shift(-1).over(by_doc) if by_doc else tgt.shift(-1)).alias("_next"),
        (src.shift(-1).over(by_doc) if by_doc else src.shift(-1)).alias("_next_src"),
    )
    t, nxt = pl.col("_t"), pl.col("_next")
    unfinished = (t != "") & ~t.str.contains(_CLOSED_END)
    next_continues = (
        nxt.is_not_null() & (nxt != "") & ~nxt.str.contains(_NEW_BLOCK_START)
        # the next target opens lower-case (Latin) or the current one stops on a word that needs more
        & (nxt.str.contains(r"^[a-z]") | t.str.contains(_DANGLING_RE))
    )
    # The break must be the MT's: the source of this bead ends its sentence and the next one
    # does not start a list item or heading either.
    source_closed = src.str.contains(_SOURCE_SENTENCE_END) | (src == "")
    found = f.filter(unfinished & next_continues & source_closed
                     & ~pl.col("_next_src").fill_null("").str.contains(_NEW_BLOCK_START))
    end = pl.col(TARGET).fill_null("").str.strip_chars_end().str.len_chars()
    tail = _words_before(t)
    return found.select(
        ROW,
        pl.format("The target stops at '…{}' and the next segment continues the sentence with '{}…'.",
                  tail, _words_after(nxt)).alias("message"),
        _side("target"),
        (end - tail.str.len_chars()).cast(pl.Int64).alias("start"),
        end.cast(pl.Int64).alias("end"),
    )


@implements("omission_bead")
def omission_bead(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    if BEAD not in frame.columns:
        return no_hits()
    found = frame.filter((pl.col(BEAD) == "1-0") & (pl.col(SOURCE).fill_null("").str.strip_chars() != ""))
    # The aligner's confidence that the sentence really has no translation (rather than one it
    # failed to pair): a reviewer reads a low one as "look next door first".
    conf = pl.col(ALIGN_CONF) if ALIGN_CONF in frame.columns else pl.lit(None, pl.Float64)
    plain = pl.format("No translation was found for the source sentence '{}'", quote_expr(SOURCE))
    return found.select(
        ROW,
        pl.when(conf.is_not_null())
        .then(pl.format("{} (alignment confidence {}).", plain, conf.round(2)))
        .otherwise(pl.format("{}.", plain))
        .alias("message"),
        _side("source"),
    )


@implements("addition_bead")
def addition_bead(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    if BEAD not in frame.columns:
        return no_hits()
    found = frame.filter((pl.col(BEAD) == "0-1") & (pl.col(TARGET).fill_null("").str.strip_chars() != ""))
    return found.select(
        ROW,
        pl.format("The target text '{}' has no counterpart in the source (page boilerplate or an addition).",
                  quote_expr(TARGET)).alias("message"),
        _side("target"),
    )


@implements("low_confidence")
def low_confidence(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    if LOW_CONF not in frame.columns:
        return no_hits()
    conf = (pl.col(ALIGN_CONF) if ALIGN_CONF in frame.columns else pl.lit(None, pl.Float64))
    found = frame.filter(pl.col(LOW_CONF).fill_null(False))
    return found.select(
        ROW,
        pl.when(conf.is_not_null())
        .then(pl.format("The aligner is unsure (confidence {}) that this source and target belong together.",
                        conf.round(2)))
        .otherwise(pl.lit("The aligner is unsure that this source and target belong together."))
        .alias("message"),
        _side("target"),
    )
