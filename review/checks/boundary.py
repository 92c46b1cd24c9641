"""Segment boundary checks: sentences the MT broke across lines or segments, beads the aligner
could not pair (1-0 omission, 0-1 addition), and alignments it is unsure of."""

from __future__ import annotations

import polars as pl

from review.checks.base import ROW, CheckContext, gate, implements, no_hits, row_gate
from review.checks.form import _length_frame
from review.checks.names_table import frame_names
from review.checks.spans import find_spans
from review.checks.text import not_bead, quote_expr
from review.normalize import SRC_DIGITS, TGT_DIGITS
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


@gate("broken_line")
def _broken_line_gate(src: str, tgt: str) -> bool:
    return "\n" in tgt  # more line breaks in the target than in the source: at least one


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


# Row gates (review.checks.base.RowGate): the bead or the aligner's verdict the check reports.
@row_gate("omission_bead")
def _omission_gate(row: dict) -> bool:
    return row.get(BEAD) == "1-0"


@row_gate("addition_bead")
def _addition_gate(row: dict) -> bool:
    return row.get(BEAD) == "0-1"


@row_gate("low_confidence")
def _low_confidence_gate(row: dict) -> bool:
    return bool(row.get(LOW_CONF))


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


# --------------------------------------------------------------------------- misaligned
_NUMBER_TOKEN = r"[0-9]+"


def _number_sets(frame: pl.DataFrame, col: str) -> pl.Expr:
    """The distinct numbers of a digit-folded column, leading zeros dropped (07 = 7)."""
    return (pl.col(col).fill_null("").str.extract_all(_NUMBER_TOKEN)
            .list.eval(pl.element().str.strip_chars_start("0")).list.unique())


@implements("misaligned")
def misaligned(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    p = ctx.params
    f = misalignment_evidence(frame, float(p["length_z"]), float(p["swap_gain"]))
    if f.height == 0:
        return no_hits()
    found = f.filter(~pl.col("_agree") & (pl.col("_evidence") >= int(p["min_evidence"])))
    why = pl.concat_str([pl.when(pl.col(c)).then(pl.lit(text)) for c, text in (
        ("_len_off", "the length ratio is far from the document's"),
        ("_len_swap", "a neighbouring target fits this source's length better"),
        ("_num_off", "no number in common"),
        ("_name_off", "no name of the source in the target"),
        ("_neighbour", "a number of this source is in a neighbouring target"),
        ("_latin_off", "the Latin-script words of the target are in a neighbouring source, not in this one"))], separator="; ", ignore_nulls=True)
    return found.select(ROW, pl.format("This source and target may not belong together: {}.", why).alias("message"),
                        pl.lit("target").alias("side"))


_LATIN_WORD = r"[A-Za-z][A-Za-z0-9]+"


def _latin_words(col: str) -> pl.Expr:
    """The distinct Latin-script words of a column (names, acronyms, titles the MT kept)."""
    return pl.col(col).fill_null("").str.extract_all(_LATIN_WORD).list.unique()


def _overlap(a: str, b: str) -> pl.Expr:
    """How many items the lists a and b share (0 when b is null: no neighbour)."""
    return pl.col(a).list.set_intersection(pl.col(b)).list.len().fill_null(0)


def misalignment_evidence(frame: pl.DataFrame, length_z: float, swap_gain: float) -> pl.DataFrame:
    """ROW, the evidence columns (_len_off, _len_swap, _num_off, _name_off, _neighbour, _latin_off), their sum _evidence
    and _agree, for the pairs with text on both sides whose anchors do not agree.

    A source and target that do not belong together: their anchors disagree. Evidence, each one
    point: the length ratio far from the document's usual one; numbers on both sides with none in
    common (or on one side only); names of the source (ones the document renders elsewhere) with
    no rendering in this target; a number of this source found in a neighbouring target instead;
    Latin-script words in the target (kept names, acronyms) not in this source but in a neighbouring
    one; and, counting twice, lengths that fit better with this target and the next (or previous)
    one swapped. A number, a Latin word or all the names both sides share is counter-evidence: such
    a pair is never flagged, so it is left out before the costlier evidence (the source's Latin
    words, the neighbours) is gathered."""
    empty = pl.DataFrame(schema={ROW: pl.Int64})
    if SRC_DIGITS not in frame.columns:
        return empty
    cols = [c for c in (ROW, DOC, SOURCE, TARGET, BEAD, SRC_DIGITS, TGT_DIGITS) if c in frame.columns]
    base = frame.select(cols).filter((pl.col(SOURCE).fill_null("").str.strip_chars() != "")
                                     & (pl.col(TARGET).fill_null("").str.strip_chars() != "")
                                     & not_bead(frame, ["1-0", "0-1"]))
    if base.height == 0:
        return empty
    doc = pl.col(DOC) if DOC in base.columns else pl.lit("")
    f = base.sort(ROW).select(ROW, doc.alias("_doc"), _number_sets(base, SRC_DIGITS).alias("_sn"),
                              _number_sets(base, TGT_DIGITS).alias("_tn"))
    # The neighbours: the previous and next pair of the same document, in row order.
    f = f.with_columns(pl.col(ROW).shift(1).over("_doc").alias("_prev"),
                       pl.col(ROW).shift(-1).over("_doc").alias("_next"), _overlap("_sn", "_tn").alias("_shared"))
    # names: source name words the document renders somewhere, and how many this target renders
    names, rend, _ = frame_names(frame)  # the whole frame: the table the name checks share (memo)
    if names.height:
        known = rend.select(DOC, "word").unique()
        checkable = names.join(known, on=[DOC, "word"]).group_by(ROW).agg(pl.col("word").n_unique().alias("_names"))
        rendered = rend.group_by(ROW).agg(pl.col("word").n_unique().alias("_rendered"))
        f = (f.join(checkable, on=ROW, how="left", maintain_order="left")
             .join(rendered, on=ROW, how="left", maintain_order="left"))
    else:
        f = f.with_columns(pl.lit(None, pl.UInt32).alias("_names"), pl.lit(None, pl.UInt32).alias("_rendered"))
    f = f.with_columns(pl.col("_names", "_rendered").fill_null(0))
    # a name the whole document repeats may be in any target: only all of them rendered agrees
    names_agree = (pl.col("_rendered") > 0) & (pl.col("_rendered") >= pl.col("_names"))
    targets = f.select(ROW, "_tn")
    f = f.filter((pl.col("_shared") == 0) & ~names_agree)
    f = (f.join(base.select(ROW, TARGET), on=ROW, how="left", maintain_order="left")
         .with_columns(_latin_words(TARGET).alias("_tl_words")).drop(TARGET)
         .with_columns(pl.col("_tl_words").list.len().alias("_latin_n")))
    # Latin words the MT kept (names, acronyms, titles: BNPB, "Ghost Town") come from the source:
    # the source words of the pairs left with Latin words in the target, and of their neighbours.
    latin = f.filter(pl.col("_latin_n") > 0)
    wanted = pl.concat([latin[ROW], latin["_prev"], latin["_next"]]).drop_nulls().unique()
    sources = base.filter(pl.col(ROW).is_in(wanted.implode())).select(ROW, _latin_words(SOURCE).alias("_sw"))
    f = (f.join(sources, on=ROW, how="left", maintain_order="left")
         .with_columns(_overlap("_tl_words", "_sw").alias("_latin_shared"))
         .filter(pl.col("_latin_shared") == 0))
    # what the neighbours hold: their targets' numbers, their sources' Latin words
    for side in ("_prev", "_next"):
        f = (f.join(targets.rename({ROW: side, "_tn": "_tn" + side}), on=side, how="left", maintain_order="left")
             .join(sources.rename({ROW: side, "_sw": "_sw" + side}), on=side, how="left", maintain_order="left"))
    near = [_overlap("_sn", "_tn" + side) for side in ("_prev", "_next")]
    near_latin = [_overlap("_tl_words", "_sw" + side) for side in ("_prev", "_next")]
    ns, nt = pl.col("_sn").list.len(), pl.col("_tn").list.len()
    f = f.with_columns(((pl.col("_latin_n") > 0) & ((near_latin[0] > 0) | (near_latin[1] > 0))).alias("_latin_off"),
                       ((ns > 0) | (nt > 0)).alias("_num_off"),
                       ((ns > 0) & ((near[0] > 0) | (near[1] > 0))).alias("_neighbour"))
    # length: the robust z of the log length ratio within the document (review.checks.form)
    lf = _length_frame(base, 1).sort(ROW)
    # ... and whether this pair and its neighbour fit their lengths better with the targets swapped:
    # the gain in |z| summed over both pairs (clean professional pairs: above 2.5 in 1 of 309).
    lf = lf.with_columns(((pl.col("_lr") - pl.col("_med")) / pl.col("_z")).fill_nan(None).alias("_scale"))
    nxt = lambda c: pl.col(c).shift(-1).over(DOC)  # noqa: E731
    cross = lambda t, s: ((t.cast(pl.Float64) / s.cast(pl.Float64)).log() - pl.col("_med")).abs() / pl.col("_scale")  # noqa: E731
    gain = (pl.col("_z").abs() + nxt("_z").abs() - cross(nxt("_tl"), pl.col("_sl")) - cross(pl.col("_tl"), nxt("_sl")))
    lf = lf.with_columns((pl.col("_stats") & (gain > swap_gain)).fill_null(False).alias("_swap_next"))
    lengths = lf.select(
        ROW, (pl.col("_stats") & (pl.col("_z").abs() > length_z)).alias("_len_off"),
        (pl.col("_swap_next") | pl.col("_swap_next").shift(1).over(DOC)).fill_null(False).alias("_len_swap"))
    f = f.join(lengths, on=ROW, how="left", maintain_order="left").with_columns(
        pl.col("_len_off", "_len_swap").fill_null(False))
    # most names of the source unrendered (a name the whole document repeats may be in any target)
    f = f.with_columns(((pl.col("_names") > 0) & (pl.col("_rendered") * 2 < pl.col("_names"))).alias("_name_off"))
    # a better fit with the neighbour's target counts twice: it is enough on its own
    evidence = (sum(pl.col(c).cast(pl.Int32) for c in ("_len_off", "_num_off", "_name_off", "_neighbour", "_latin_off"))
                + 2 * pl.col("_len_swap").cast(pl.Int32))
    # every pair still here disagrees: the agreeing ones were left out above
    return f.with_columns(evidence.alias("_evidence"), pl.lit(False).alias("_agree"))
