"""Run the catalogue of checks over a segment table and collect one flag table."""

from __future__ import annotations

import importlib

import polars as pl

from review.checks.base import ROW, CheckContext, catalogue, hits, implementation
from review.config import Config, load_config
from review.schema import (CATEGORY, CHECK, DOC, END, FLAG_SCHEMA, MESSAGE, SEG, SEVERITY, SIDE,
                           SRC_LANG, START, TGT_LANG, WEIGHT, empty)


def families() -> list[str]:
    return list(dict.fromkeys(spec.family for spec in catalogue().values()))


def _import_families(check_ids) -> None:
    for family in dict.fromkeys(catalogue()[cid].family for cid in check_ids):
        importlib.import_module(f"review.checks.{family}")


def prepare(segments: pl.DataFrame) -> pl.DataFrame:
    """Add the row index and the normalised helper columns every check may use."""
    frame = segments.with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64))
    try:
        from review.normalize import add_normalized_columns
    except ImportError:  # pragma: no cover - during bootstrap only
        return frame
    return add_normalized_columns(frame)


def weight_expr(config: Config) -> pl.Expr:
    """MQM weight of each flag from its severity and category (see Config.weight)."""
    by_severity = pl.col(SEVERITY).replace_strict(config.weights, return_dtype=pl.Float64)
    return (pl.when((pl.col(SEVERITY) == "minor") & (pl.col(CATEGORY) == "Fluency/Punctuation"))
            .then(pl.lit(config.minor_punctuation_weight)).otherwise(by_severity))


def run_checks(segments: pl.DataFrame, config: Config | None = None,
               glossary: pl.DataFrame | None = None, only: list[str] | None = None) -> pl.DataFrame:
    """All enabled checks (or `only` these) over `segments`; returns a FLAG_SCHEMA frame."""
    config = config or load_config()
    selected = [cid for cid in catalogue()
                if (cid in only if only is not None else config.enabled(cid))]
    _import_families(selected)
    frame = prepare(segments)
    src_lang = frame[SRC_LANG].drop_nulls().first() if frame.height else None
    tgt_lang = frame[TGT_LANG].drop_nulls().first() if frame.height else None
    parts = []
    for cid in selected:
        spec = catalogue()[cid]
        ctx = CheckContext(spec=spec, params=config.params(cid), glossary=glossary,
                           src_lang=src_lang or "en", tgt_lang=tgt_lang or "ar")
        found = hits(implementation(cid)(frame, ctx))
        if found.height:
            parts.append(found.with_columns(
                pl.lit(cid).alias(CHECK),
                pl.lit(spec.category).alias(CATEGORY),
                pl.col("severity").fill_null(config.severity(cid)).alias(SEVERITY),
            ))
    if not parts:
        return empty(FLAG_SCHEMA)
    flags = pl.concat(parts, how="vertical")
    flags = flags.join(frame.select(ROW, DOC, SEG), on=ROW, how="left")
    flags = flags.with_columns(weight_expr(config).alias(WEIGHT))
    return flags.select(
        pl.col(DOC), pl.col(SEG), pl.col(CHECK), pl.col(CATEGORY), pl.col(SEVERITY),
        pl.col("message").alias(MESSAGE), pl.col("side").alias(SIDE),
        pl.col("start").alias(START), pl.col("end").alias(END), pl.col(WEIGHT),
    ).sort(DOC, SEG, CHECK, START, nulls_last=False)
