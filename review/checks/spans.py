"""Vectorised building blocks shared by the form checks: regex matches with character spans, and
the comparison of two multisets of items (numbers, URLs, tags ...) found on source and target.

Spans are character offsets (what Python's str indexing uses), never byte offsets: polars'
``str.find`` returns bytes, so matches are located by splitting on a sentinel instead.
"""

from __future__ import annotations

import polars as pl

from review.checks.base import ROW

_SENTINEL = "\x00"  # never in text: loaders reject NUL


def find_spans(frame: pl.DataFrame, text: str, pattern: str, keep: tuple[str, ...] = ()) -> pl.DataFrame:
    """Every non-overlapping match of `pattern` in column `text`.

    Returns ROW, *keep, match (str), start, end (character offsets into `text`), k (0-based
    index of the match within its row). Rows without a match are filtered out first (cheap).
    The pattern must not match the empty string.
    """
    base = frame.select(ROW, *keep, pl.col(text).fill_null("").alias("_t")) if frame.height else frame
    base = base.filter(pl.col("_t").str.contains(pattern)) if base.height else base
    if base.height == 0:
        return pl.DataFrame(schema={ROW: pl.Int64, **{c: frame.schema[c] for c in keep},
                                    "match": pl.String, "start": pl.Int64, "end": pl.Int64,
                                    "k": pl.Int64})
    pieces = (base.select(ROW, *keep, pl.col("_t").str.replace_all(pattern, f"{_SENTINEL}${{0}}{_SENTINEL}")
                          .str.split(_SENTINEL).alias("_p"))
              .with_columns(pl.int_ranges(0, pl.col("_p").list.len(), dtype=pl.Int64).alias("_i"))
              .explode("_p", "_i")
              .with_columns(pl.col("_p").str.len_chars().cast(pl.Int64).alias("_len")))
    if base[ROW].is_unique().all():
        # One text per ROW: its pieces are contiguous, and an offset is the running total of piece
        # lengths minus the total before the text's first piece (no window, a group-by, needed).
        before = pl.col("_len").cum_sum() - pl.col("_len")
        pieces = pieces.with_columns((before - pl.when(pl.col("_i") == 0).then(before).forward_fill()).alias("start"))
    else:  # several texts with one ROW count on from each other, as they always have
        pieces = pieces.with_columns(pl.int_range(pl.len()).over(ROW).cast(pl.Int64).alias("_i")).with_columns(
            (pl.col("_len").cum_sum().over(ROW) - pl.col("_len")).alias("start"))
    # split() yields gap, match, gap, match, ..., gap: matches are the odd pieces.
    return (pieces.filter(pl.col("_i") % 2 == 1)
            .select(ROW, *keep, pl.col("_p").alias("match"), "start",
                    (pl.col("start") + pl.col("_len")).alias("end"),
                    (pl.col("_i") // 2).alias("k")))


def _occurrence(items: pl.DataFrame) -> pl.DataFrame:
    """`_occ`: the item's number among the items of its row with its key, in order of `start`.
    Sorted by row, key and start, that is its distance from the first item of its group (a window
    over a string key hashes every item: several times slower)."""
    items = items.sort(ROW, "key", "start", maintain_order=True)
    i = pl.int_range(pl.len(), dtype=pl.Int64)
    first = (pl.col(ROW) != pl.col(ROW).shift(1)).fill_null(True) | pl.col("key").ne_missing(pl.col("key").shift(1))
    return items.with_columns((i - pl.when(first).then(i).forward_fill()).alias("_occ"))


def compare_items(src: pl.DataFrame, tgt: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Multiset difference of items per row.

    `src` and `tgt` have ROW, key (what must be equal), text (how the item is quoted), start,
    end. Returns (missing, extra): source items with no equal target item, and target items with
    no equal source item, each with a `rank` (order among the row's missing/extra items) so that
    a missing and an extra item of one row can be paired as "X became Y".
    """
    s, t = _occurrence(src.sort(ROW, "start")), _occurrence(tgt.sort(ROW, "start"))
    on = [ROW, "key", "_occ"]
    missing = s.join(t.select(on), on=on, how="anti").sort(ROW, "start")
    extra = t.join(s.select(on), on=on, how="anti").sort(ROW, "start")
    rank = pl.int_range(pl.len()).over(ROW).alias("rank")
    return missing.with_columns(rank), extra.with_columns(rank)


def difference_hits(missing: pl.DataFrame, extra: pl.DataFrame, what: str,
                    report_extra: bool = True) -> pl.DataFrame:
    """Hits for compare_items results: "X became Y" (span on Y), "X missing", "extra Y".

    `what` names the item for the message ("number", "URL", "e-mail address" ...). A `severity`
    column of `missing` (null: the catalogue default) is kept on the hits about its items.
    """
    if "severity" not in missing.columns:
        missing = missing.with_columns(pl.lit(None, pl.String).alias("severity"))
    extra = extra.drop("severity", strict=False)
    pairs = missing.join(extra, on=[ROW, "rank"], how="inner", suffix="_t")
    changed = pairs.select(
        ROW,
        pl.format(f"The {what} '{{}}' of the source appears as '{{}}' in the target.",
                  pl.col("text"), pl.col("text_t")).alias("message"),
        pl.col("start_t").alias("start"), pl.col("end_t").alias("end"), pl.col("severity"))
    only_missing = missing.join(pairs.select(ROW, "rank"), on=[ROW, "rank"], how="anti").select(
        ROW,
        pl.format(f"The {what} '{{}}' of the source is missing from the target.",
                  pl.col("text")).alias("message"),
        pl.lit(None, pl.Int64).alias("start"), pl.lit(None, pl.Int64).alias("end"), pl.col("severity"))
    parts = [changed, only_missing]
    if report_extra:
        parts.append(extra.join(pairs.select(ROW, "rank"), on=[ROW, "rank"], how="anti").select(
            ROW,
            pl.format(f"The target has the {what} '{{}}', which is not in the source.",
                      pl.col("text")).alias("message"),
            pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64),
            pl.lit(None, pl.String).alias("severity")))
    out = pl.concat([p.with_columns(pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64))
                     for p in parts], how="vertical")
    return out.with_columns(pl.lit("target").alias("side"))


def shift_in_row(expr: pl.Expr, k: int) -> pl.Expr:
    """`expr` k rows before (k < 0: after) when that row has the same ROW, else null: shift(k)
    .over(ROW) for a table whose rows of one ROW are contiguous (an exploded list, find_spans),
    without the group-by a window costs."""
    return pl.when(pl.col(ROW).shift(k) == pl.col(ROW)).then(expr.shift(k))


def char_at(text: pl.Expr, pos: pl.Expr) -> pl.Expr:
    """The character at `pos` ("" outside the text)."""
    return pl.when(pos >= 0).then(text.str.slice(pos, 1)).otherwise(pl.lit(""))
