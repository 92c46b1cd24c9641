"""`review score --engine ray`: the checks of review.score run on a Ray cluster over sharded input.

Input: Parquet or JSONL files (a folder, a glob, or files) of pre-aligned segments (doc, seg,
source, target; optionally bt, reference and the other segment-table columns). Ray Data reads
them in Arrow blocks; every block reaches polars without a copy (`pl.from_arrow`) and leaves as
Arrow again.

Three passes, so that the result equals the local engine's on the whole table:
1. keys: per row, a hash of the coarse comparison key of its source and its target (the key the
   corpus-wide consistency checks start from). Small; gathered on the driver in corpus order.
2. the corpus-scope checks (inconsistent_target / inconsistent_source compare a segment with every
   other one, across documents) run on the driver over the few rows whose key occurs more than
   once: no other row can be flagged by them or change their result.
3. everything else, per document group (a hash shuffle on `doc`: every document whole in one
   block): the metrics and every other check (several use per-document statistics), the flags of
   pass 2 merged in, the risk computed; each block is written as the local engine writes its rows
   (JSONL records or the Parquet score table), one shard of whole documents.

Output: a folder of shards `part-*.jsonl` / `part-*.parquet`, built beside the target and renamed
into place at the end (nothing half-written). Within a shard, documents in their order of the
shuffle and segments in `seg` order; concatenated and sorted by (doc, seg) they are the local
engine's output sorted the same way.
"""

from __future__ import annotations

import contextlib
import glob as globlib
import importlib
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

import review.checks as checks_package
from review.config import Config
from review.errors import InputError
from review.export.tabular import frame_to_bytes
from review.schema import DOC, FLAG_SCHEMA, FLAGGED, SEG, SEGMENT_SCHEMA, SOURCE, TARGET, conform
from review.stream import (SRC_KEY, TGT_KEY, ScoreSettings, corpus_candidates, corpus_flags, duplicated_rows,
                           finish_rows, records, score_documents)
from review.stream import score_table as stream_score_table

FORMATS = ("jsonl", "parquet")
SUFFIXES = {".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
LOCAL_CPUS = 2  # a local cluster when no address is given: one worker per core of this machine
INSTALL_HINT = "the Ray engine needs the ray extra: pip install 'mt-review[ray]'"


@dataclass(frozen=True)
class RayResult:
    segments: int
    flagged: int
    shards: int
    out: Path


def import_ray():
    """ray and ray.data, imported only when the engine is used (the CLI starts without them)."""
    try:
        ray = importlib.import_module("ray")
        importlib.import_module("ray.data")
    except ImportError:
        raise InputError(None, INSTALL_HINT) from None
    return ray


# --------------------------------------------------------------------------- input
def input_files(inputs: list[str]) -> tuple[list[str], str]:
    """The files named by `inputs` (files, folders, globs), sorted within each input, and their
    format (one per run)."""
    files: list[str] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(str(f) for f in p.iterdir() if f.is_file() and f.suffix.lower() in SUFFIXES)
        elif p.is_file():
            found = [str(p)]
        else:
            found = sorted(f for f in globlib.glob(item) if Path(f).is_file())
        if not found:
            raise InputError(item, "no Parquet or JSONL input files here")
        files += found
    kinds = {SUFFIXES.get(Path(f).suffix.lower()) for f in files}
    if None in kinds:
        bad = next(f for f in files if Path(f).suffix.lower() not in SUFFIXES)
        raise InputError(bad, "the Ray engine reads Parquet (.parquet) or JSONL (.jsonl) files")
    if len(kinds) > 1:
        raise InputError(files[0], "mixed Parquet and JSONL input: use one format per run")
    return files, kinds.pop()


def _segments(batch: Any) -> pl.DataFrame:
    """An Arrow block as a segment table (zero-copy into polars, then the schema's columns)."""
    frame = pl.from_arrow(batch)
    if isinstance(frame, pl.Series):
        frame = frame.to_frame()
    missing = [c for c in (DOC, SEG, SOURCE, TARGET) if c not in frame.columns]
    if missing:
        raise InputError(None, f"input rows lack the column(s) {', '.join(missing)}")
    # One chunk: a block of several Arrow chunks makes polars 2.1 panic inside the form checks
    # (string slices over a multi-chunk column); a no-op for the usual single-chunk block.
    return conform(frame, SEGMENT_SCHEMA).rechunk()


# --------------------------------------------------------------------------- the three passes
# The steps are review.stream's (the local batch engine's): only the distribution is Ray's.
def key_hashes(batch: Any) -> Any:
    """Pass 1: doc, seg and the hashes of the corpus-scope comparison keys of source and target."""
    seg = _segments(batch)
    return pl.concat([seg.select(DOC, SEG), corpus_candidates(seg)], how="horizontal").to_arrow()


def candidates(keys: pl.DataFrame) -> pl.DataFrame:
    """(doc, seg) of the rows the corpus-scope checks can flag or be swayed by."""
    return keys[duplicated_rows(keys.select(SRC_KEY, TGT_KEY))].select(DOC, SEG)


def pick_rows(batch: Any, wanted: pl.DataFrame) -> Any:
    seg = _segments(batch)
    return seg.join(wanted, on=[DOC, SEG], how="semi", maintain_order="left").to_arrow()


def score_group(batch: Any, settings: ScoreSettings, extra: pl.DataFrame, fmt: str) -> Any:
    """Pass 3: whole documents scored as review.score.score scores them inside the whole table,
    with the corpus-scope flags of pass 2 merged in."""
    segments = _segments(batch)
    if segments.height == 0:
        return segments.head(0).to_arrow()
    # Documents in first-seen order, each in `seg` order (the shuffle may interleave them).
    first = segments.with_row_index("_i").group_by(DOC).agg(pl.col("_i").min().alias("_first"))
    segments = (segments.join(first, on=DOC, how="left").sort("_first", SEG, maintain_order=True)
                .drop("_first"))
    out = finish_rows(score_documents(segments, settings), extra, settings)
    return (records(out) if fmt == "jsonl" else stream_score_table(out)).to_arrow()


def write_shard(batch: Any, folder: str, fmt: str) -> Any:
    """Write one block as a shard file; returns its row and flagged counts."""
    frame = pl.from_arrow(batch)
    if frame.height == 0:
        return pl.DataFrame({"rows": [0], "flagged": [0]}).to_arrow()
    name = Path(folder) / f"part-{uuid.uuid4().hex}.{fmt}"
    with open(name, "wb") as f:  # inside the run's temporary folder, renamed into place at the end
        f.write(frame_to_bytes(frame, fmt))
    return pl.DataFrame({"rows": [frame.height], "flagged": [int(frame[FLAGGED].sum())]}).to_arrow()


# --------------------------------------------------------------------------- the run
@contextlib.contextmanager
def cluster(address: str | None, num_cpus: int = LOCAL_CPUS):
    """Join the cluster at `address` (or RAY_ADDRESS), else start a local one; shut down after."""
    ray = import_ray()
    address = address or os.environ.get("RAY_ADDRESS") or None
    # One polars thread per worker: Ray counts a worker as one CPU, and polars' own pool on top
    # of every worker would put twice as many busy threads as cores.
    runtime_env: dict[str, Any] = {"env_vars": {"POLARS_MAX_THREADS": "1"}}
    kwargs: dict[str, Any] = {"log_to_driver": False, "include_dashboard": False, "runtime_env": runtime_env}
    if address:
        # The workers run this very code: the package travels with the job (its dependencies,
        # polars and the rest, must be installed on every node).
        runtime_env["py_modules"] = [str(Path(checks_package.__file__).parent.parent)]
        kwargs.update(address=address)
        kwargs.pop("include_dashboard")
    else:
        kwargs["num_cpus"] = num_cpus
    started = not ray.is_initialized()
    if started:
        ray.init(**kwargs)
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()


def score_ray(inputs: list[str], out: str | Path, fmt: str = "jsonl", config: Config | None = None,
              glossary: pl.DataFrame | str | Path | None = None, address: str | None = None,
              num_cpus: int = LOCAL_CPUS) -> RayResult:
    """Score the sharded input on Ray and write the sharded output folder `out`."""
    if fmt not in FORMATS:
        raise InputError(out, f"the Ray engine writes {' or '.join(FORMATS)} shards, not {fmt}")
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(out, "the output folder must be new or empty (shards are written there)")
    files, kind = input_files(inputs)
    settings = ScoreSettings.make(config, glossary)
    with cluster(address, num_cpus) as ray:
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True  # corpus order: the consistency checks' tie-break
        ctx.enable_progress_bars = False
        ds = ray.data.read_parquet(files) if kind == "parquet" else ray.data.read_json(files, lines=True)
        ds = ds.materialize()  # read once, used by the three passes
        extra = conform(pl.DataFrame(), FLAG_SCHEMA)
        if settings.corpus_checks():
            keys = _collect(ray, ds.map_batches(key_hashes, batch_format="pyarrow"))
            wanted = candidates(keys)
            if wanted.height:
                rows = _collect(ray, ds.map_batches(pick_rows, batch_format="pyarrow",
                                                    fn_kwargs={"wanted": wanted}))
                extra = corpus_flags(conform(rows, SEGMENT_SCHEMA), settings)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent))
        try:
            # Grouped by document: a hash shuffle on `doc` puts every document whole into one
            # block, and each block is scored in one call. (map_groups would call the checks once
            # per document: their fixed cost, ~0.1 s, times every document of the corpus.)
            blocks = max(1, 2 * int(ray.cluster_resources().get("CPU", 1)))
            scored = ds.repartition(blocks, keys=[DOC]).map_batches(
                score_group, batch_format="pyarrow", batch_size=None,
                fn_kwargs={"settings": settings, "extra": extra, "fmt": fmt})
            counts = _collect(ray, scored.map_batches(write_shard, batch_format="pyarrow",
                                                      fn_kwargs={"folder": str(tmp), "fmt": fmt}))
            if out.exists():
                out.rmdir()  # empty, checked above
            os.replace(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    if counts.height == 0:  # no input rows: an empty output folder
        return RayResult(0, 0, 0, out)
    written = counts.filter(pl.col("rows") > 0)
    return RayResult(int(written["rows"].sum()), int(written["flagged"].sum()), written.height, out)


def _collect(ray, ds) -> pl.DataFrame:
    """A (small) dataset gathered on the driver as one polars frame, block order kept."""
    tables = [t for t in ray.get(ds.to_arrow_refs()) if t.num_rows]
    if not tables:
        return pl.DataFrame()
    return pl.from_arrow(pa.concat_tables(tables, promote_options="default"))
