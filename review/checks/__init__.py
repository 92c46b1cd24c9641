"""Run the catalogue of checks over a segment table and collect one flag table."""

from __future__ import annotations

import importlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import polars as pl

from review import mqm
from review.checks.base import ROW, CheckContext, can_flag, catalogue, hits, implementation
from review.checks.consistency import TERM, term_pattern
from review.config import Config, load_config
from review.normalize import add_normalized_columns
from review.schema import (BT, CATEGORY, CHECK, DOC, END, FLAG_SCHEMA, MESSAGE, REFERENCE, SEG, SEVERITY,
                           SIDE, SOURCE, SRC_LANG, START, TARGET, TGT_LANG, WEIGHT, empty)

FLAG_ORDER = [DOC, SEG, CHECK, START, END, SIDE, MESSAGE]  # the order of a flag table
Parts = list[tuple[str, pl.DataFrame]]  # (check id, its non-empty hits)
_SMALL_FRAME = 8  # rows up to which run_checks runs each family of checks on its own worker thread
THREADS = 2  # > 1: on a small frame the families run at once, each on its own thread; 1: one by one

# One long-lived worker thread per family of checks, for re-checking a correction (a few rows).
# polars keeps compiled regular expressions in a per-thread cache of 32 entries; all the checks
# together use a few hundred patterns, so on one thread every save recompiled the large ones
# (polarity's negation patterns, the Latin-token and language patterns: 10-20 ms each save). On
# its own thread a family finds its patterns compiled from the second save on. A thread per
# check did the same with four times the threads, which contend for the GIL and the two cores:
# about 10% more wall time and CPU per save.
_workers: dict[str, ThreadPoolExecutor] = {}
_workers_lock = threading.Lock()
_workers_pid = os.getpid()

# Checks that only read rows with this column (a back-translation, a reference): on a small frame
# where it is null throughout they can flag nothing, and are not run (_gated). (A correction's re-check
# never has a back-translation: it described the old MT.)
NEEDS = {"bt_low_chrf": BT, "bt_missing": BT, "bt_divergence": BT, "ref_low_chrf": REFERENCE}


def _worker(name: str) -> ThreadPoolExecutor:
    global _workers_pid
    with _workers_lock:
        if os.getpid() != _workers_pid:  # a forked child: the parent's threads did not come along
            _workers.clear()
            _workers_pid = os.getpid()
        pool = _workers.get(name)
        if pool is None:
            pool = _workers[name] = ThreadPoolExecutor(1, thread_name_prefix=f"checks-{name}")
        return pool


def families() -> list[str]:
    return list(dict.fromkeys(spec.family for spec in catalogue().values()))


def _import_families(check_ids) -> None:
    for family in dict.fromkeys(catalogue()[cid].family for cid in check_ids):
        importlib.import_module(f"review.checks.{family}")


def prepare(segments: pl.DataFrame) -> pl.DataFrame:
    """Add the row index and the normalised helper columns every check may use."""
    frame = segments.with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64))
    return add_normalized_columns(frame)


def weight_expr(config: Config) -> pl.Expr:
    """MQM weight of each flag from its severity and category, with the configured weights."""
    return mqm.weight_expr(pl.col(SEVERITY), pl.col(CATEGORY), config.weights)


def selected_checks(config: Config, only: list[str] | None = None) -> list[str]:
    """Check ids to run, in catalogue order: the enabled ones, or exactly `only`."""
    return [cid for cid in catalogue() if (cid in only if only is not None else config.enabled(cid))]


def by_family(check_ids: list[str]) -> dict[str, list[str]]:
    """The check ids grouped by family, families in catalogue order."""
    groups: dict[str, list[str]] = {}
    for cid in check_ids:
        groups.setdefault(catalogue()[cid].family, []).append(cid)
    return groups


def _languages(frame: pl.DataFrame) -> tuple[str, str]:
    if not frame.height:
        return "en", "ar"
    src = frame[SRC_LANG].drop_nulls()
    tgt = frame[TGT_LANG].drop_nulls()
    return (src[0] if len(src) else "en"), (tgt[0] if len(tgt) else "ar")


def run_family(frame: pl.DataFrame, check_ids: list[str], config: Config,
               glossary: pl.DataFrame | None, languages: tuple[str, str] | None = None) -> Parts:
    """Run `check_ids` over a prepared frame; the checks that found something, with their hits."""
    _import_families(check_ids)
    src_lang, tgt_lang = languages or _languages(frame)
    parts: Parts = []
    for cid in check_ids:
        spec = catalogue()[cid]
        rows = _for_targets(frame, spec, tgt_lang)
        if rows.height == 0:
            continue
        gl = _glossary_for(rows, glossary) if cid == "glossary" else glossary
        ctx = CheckContext(spec=spec, params=config.params(cid), glossary=gl,
                           src_lang=src_lang, tgt_lang=tgt_lang)
        found = hits(implementation(cid)(rows, ctx))
        if found.height:
            parts.append((cid, found))
    return parts


def _for_targets(frame: pl.DataFrame, spec, default_lang: str) -> pl.DataFrame:
    """The rows of `frame` whose target language the check applies to (catalogue `targets`);
    a row without a language has the corpus's. Rows keep their ROW index, so hits map back."""
    if not spec.targets:
        return frame
    if TGT_LANG not in frame.columns:
        return frame if spec.applies_to(default_lang) else frame.head(0)
    primary = (pl.col(TGT_LANG).fill_null(default_lang).str.strip_chars().str.to_lowercase()
               .str.replace_all("_", "-").str.split("-").list.first())
    return frame.filter(primary.is_in(list(spec.targets)))


def _glossary_for(frame: pl.DataFrame, glossary: pl.DataFrame | None) -> pl.DataFrame | None:
    """For a handful of segments (a reviewer's correction), only the glossary terms whose pattern
    occurs in their source: the glossary check costs one query per term, and a term absent from
    every source can flag nothing. Large frames get the whole glossary (the per-term queries are
    vectorised over all rows there, and matching every term on every row first costs more)."""
    if glossary is None or glossary.height == 0 or frame.height > 8:
        return glossary
    sources = [s for s in frame[SOURCE].to_list() if s]
    if not sources:
        return glossary.head(0)
    patterns = pl.Series([term_pattern(t) for t in glossary[TERM].to_list()], dtype=pl.String)
    present = pl.Series([False] * glossary.height)
    for text in sources:
        present = present | pl.select(pl.lit(text).str.contains(pl.lit(patterns))).to_series()
    return glossary.filter(present)


def label_hits(frame: pl.DataFrame, parts: Parts, config: Config) -> pl.DataFrame:
    """The checks' hits as one FLAG_SCHEMA frame: doc, seg, check id, category, severity, weight;
    sorted by doc, seg, check, start."""
    parts = [(cid, found) for cid, found in parts if found.height]
    if not parts:
        return empty(FLAG_SCHEMA)
    ids = [cid for cid, _ in parts]
    hits_ = pl.concat([found for _, found in parts], how="vertical")
    # Built from Series (no query plan per step): this runs on every re-check of a correction.
    check = pl.Series(CHECK, ids, dtype=pl.String).gather(
        pl.Series([i for i, (_, found) in enumerate(parts) for _ in range(found.height)], dtype=pl.Int64))
    rows = hits_[ROW]
    flags = pl.DataFrame([
        frame[DOC].gather(rows).alias(DOC),
        frame[SEG].gather(rows).alias(SEG),
        check,
        check.replace_strict({cid: catalogue()[cid].category for cid in ids}, return_dtype=pl.String)
        .alias(CATEGORY),
        hits_["severity"].fill_null(
            check.replace_strict({cid: config.severity(cid) for cid in ids}, return_dtype=pl.String))
        .alias(SEVERITY),
        hits_["message"].alias(MESSAGE), hits_["side"].alias(SIDE),
        hits_["start"].alias(START), hits_["end"].alias(END),
    ])
    # A total order (END, SIDE, MESSAGE break ties): a check may emit a segment's hits in any
    # order, and scoring in batches (review.stream) must give the same flag lists as one run.
    return (flags.with_columns(weight_expr(config).alias(WEIGHT))
            .sort(FLAG_ORDER, nulls_last=False))


def superseding() -> list[str]:
    """Check ids whose flag makes the segment's other target-side flags noise (catalogue key
    `supersedes`), in catalogue order, which is their precedence."""
    return [cid for cid, spec in catalogue().items() if spec.supersedes]


def suppress(flags: pl.DataFrame) -> pl.DataFrame:
    """Drop the flags that a superseding flag of the same segment makes redundant.

    In a segment where a superseding check fired (an empty or untranslated target), only the
    first such check in catalogue order keeps its target-side flags; flags on the source, the
    back-translation or the reference stay. Order is kept."""
    rank = {cid: i for i, cid in enumerate(superseding())}
    if not rank or flags.height == 0 or not flags[CHECK].is_in(list(rank)).any():
        return flags
    r = pl.col(CHECK).replace_strict(rank, default=None, return_dtype=pl.Int64)
    top = r.min().over(DOC, SEG)
    keep = top.is_null() | (pl.col(SIDE) != "target") | (r == top).fill_null(False)
    return flags.filter(keep)


def run_checks(segments: pl.DataFrame, config: Config | None = None,
               glossary: pl.DataFrame | None = None, only: list[str] | None = None,
               advance: Callable[[], None] | None = None) -> pl.DataFrame:
    """All enabled checks (or `only` these) over `segments`; returns a FLAG_SCHEMA frame with
    superseded flags removed (see suppress). `advance()` is called after each check family."""
    config = config or load_config()
    frame = prepare(segments)
    if frame.height > _SMALL_FRAME or advance is not None:
        return run_prepared(frame, config, glossary, only, advance)
    # A reviewer's correction (a few rows): only the checks whose gates open (_gated).
    languages = _languages(frame)
    groups = list(by_family(_gated(frame, selected_checks(config, only))).values())
    parts: Parts = []
    if THREADS > 1:
        # Each check is a few tiny queries, mostly waiting on polars, which releases the GIL, so
        # the families overlap; each runs on its own thread (see _worker). Results are taken in
        # family order, as one after another gives them.
        futures = [_worker(catalogue()[ids[0]].family).submit(run_family, frame, ids, config, glossary, languages)
                   for ids in groups]
        for future in futures:
            parts += future.result()
    else:
        for ids in groups:
            parts += run_family(frame, ids, config, glossary, languages)
    return suppress(label_hits(frame, parts, config))


def _gated(frame: pl.DataFrame, check_ids: list[str]) -> list[str]:
    """The checks that may flag a row of a small frame: the column they need (NEEDS) is not null
    throughout, and their gates (review.checks.base.Gate, RowGate) open for a row. The others
    cannot flag any of its rows and are not run."""
    _import_families(check_ids)  # a family's gates are registered when its module loads
    absent = {col for col in set(NEEDS.values()) if col not in frame.columns
              or frame[col].null_count() == frame.height}
    check_ids = [cid for cid in check_ids if NEEDS.get(cid) not in absent]
    rows = frame.rows(named=True)
    texts = [(row[SOURCE] or "", row[TARGET] or "") for row in rows]
    return [cid for cid in check_ids if can_flag(cid, texts, rows)]


def run_prepared(frame: pl.DataFrame, config: Config, glossary: pl.DataFrame | None = None,
                 only: list[str] | None = None, advance: Callable[[], None] | None = None) -> pl.DataFrame:
    """run_checks over a frame that prepare() gave, family after family (the large-frame way;
    review.stream calls it directly, as it uses prepare's helper columns too: the corpus keys).
    `advance()` is called after each check family."""
    languages = _languages(frame)
    parts: Parts = []
    for ids in by_family(selected_checks(config, only)).values():
        parts += run_family(frame, ids, config, glossary, languages)
        if advance is not None:
            advance()
    return suppress(label_hits(frame, parts, config))
