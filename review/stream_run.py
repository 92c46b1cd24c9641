"""The local streaming engine: batches of complete documents scored on a pool of processes,
written incrementally; memory is set by the batch size (and the largest document), not the corpus.

    stream_score(batches, settings, out, fmt, batch_rows=..., jobs=...)

`batches` yields segment-table frames in corpus order, cut anywhere (review.load.batched reads
files that way). They are regrouped into units of whole documents of about `batch_rows` rows;
a document whose rows are not together in the input (it reappears after another one began)
raises NotGrouped, and the caller scores the corpus as one table instead.

Pass 1, in the workers: review.stream.score_unit on each unit; the scored unit is spilled to an
Arrow IPC file beside the output (JSONL/CSV bytes are formatted there too), and the main process
keeps only two hashes per row (review.stream.corpus_candidates). Then the corpus-scope checks run
on the rows whose key is duplicated, and pass 2 writes the output: each unit's bytes copied as
they are, with the lines of the rows a corpus-scope flag changed formatted again.
"""

from __future__ import annotations

import math
import os
import pickle
import shutil
import tempfile
from collections import deque
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import accumulate
from multiprocessing import get_context
from pathlib import Path
from typing import Callable, Iterable, Iterator

import polars as pl
import pyarrow.parquet as pq

from review.checks import FLAG_ORDER
from review.fileio import atomic_path
from review.load import detect_format
from review.load.batched import BATCHED_FORMATS, Unstreamable, iter_segments
from review.load.xmlstream import XML_FORMATS
from review.schema import DOC, SEGMENT_SCHEMA, SEVERITY_RANK
from review.score import (Scored, _segment_table, add_totals, corpus_metrics_from, source_words,
                          summarize)
from review.stream import (FLAGS, ScoreSettings, corpus_flags, duplicated_rows, finish_rows,
                           fixed_rows, flag_table, score_documents, score_table)
from review.stream_unit import UnitResult, format_bytes, format_rows, init_worker, ready, score_spilled

DEFAULT_BATCH_ROWS = 20_000
CORPUS_BATCH_ROWS = 50_000  # score_corpus: the corpus is in memory already, larger units
STREAM_FORMATS = ("jsonl", "csv", "parquet")

Progress = Callable[[int, int], None]  # (rows done, rows known so far; 0 when unknown)


class NotGrouped(Exception):
    """The rows of a document are not contiguous in the input."""

    def __init__(self, doc: str):
        super().__init__(f"document {doc!r} reappears after another document began")
        self.doc = doc


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------- regrouping
def document_units(batches: Iterable[pl.DataFrame], batch_rows: int, expected: int = 0,
                   jobs: int = 1) -> Iterator[pl.DataFrame]:
    """Frames of complete documents, about `batch_rows` rows each (one large document may make a
    unit larger), in corpus order. Raises NotGrouped when a finished document reappears.

    Given the `expected` number of rows, the units are as many as `batch_rows` asks for rounded up
    to a multiple of `jobs`, of about equal size: the `jobs` workers get as many units each and
    finish about together, and no unit is smaller than it must be (each one repeats fixed costs
    of the checks, about 0.2 s of CPU)."""
    pending: list[pl.DataFrame] = []
    size = emitted = count = 0
    smallest = max(1, batch_rows // 8)
    planned = jobs * max(1, -(-expected // (jobs * batch_rows)))

    def target() -> int:
        if expected <= 0 or count >= planned - 1:  # the last unit: the rest, up to batch_rows
            return batch_rows
        # What is left over the units left: each unit's cut (a document's end) moves the others.
        return max(smallest, min(batch_rows, -(-(expected - emitted) // (planned - count))))

    done: set[str] = set()
    last: str | None = None
    for frame in batches:
        if frame.height == 0:
            continue
        runs = frame.select(pl.col(DOC).rle_id().alias("_r"), DOC).unique("_r", keep="first",
                                                                         maintain_order=True)[DOC]
        for doc in runs.to_list():
            if doc != last:
                if doc in done:
                    raise NotGrouped(doc)
                if last is not None:
                    done.add(last)
                last = doc
        pending.append(frame)
        size += frame.height
        while size >= (rows := target()):
            joined = pl.concat(pending, how="vertical")
            if rows < batch_rows:  # one of the last units: cut to its size
                cut = _cut(joined, rows)
            else:  # cut before the last document: it may go on in the next frame
                cut = joined.height - joined[DOC].reverse().rle_id().eq(0).sum()
            if cut == 0:  # one document so far: keep it together
                pending, size = [joined], joined.height
                break
            yield joined.slice(0, cut)
            emitted += cut
            count += 1
            rest = joined.slice(cut)
            pending, size = [rest], rest.height
    if size:
        yield pl.concat(pending, how="vertical")


def _cut(joined: pl.DataFrame, rows: int) -> int:
    """Where to end a unit of `joined`: after the last document that ends within `rows` rows,
    else after the first document; 0 when the last document (which may go on) is all there is."""
    ends = joined.select((pl.col(DOC) != pl.col(DOC).shift(-1)).fill_null(False).arg_true() + 1).to_series()
    if ends.len() == 0:
        return 0
    within = ends.filter(ends <= rows)
    return int(within[-1] if within.len() else ends[0])


# --------------------------------------------------------------------------- workers
class _Inline(Executor):
    """jobs=1: the same code path without processes."""

    def __init__(self, settings: ScoreSettings):
        self.settings = settings

    def submit(self, fn, *args, **kwargs):
        future: Future = Future()
        try:
            future.set_result(fn(*args, settings=self.settings, **kwargs))
        except BaseException as e:  # handed to the caller by result()
            future.set_exception(e)
        return future


def _pool(settings: ScoreSettings, jobs: int) -> Executor:
    if jobs <= 1:
        return _Inline(settings)
    # spawn, not fork: polars' thread pool does not survive a fork. Each worker runs polars on one
    # thread: the processes are the parallelism (and the main process reads the input meanwhile).
    pool = ProcessPoolExecutor(jobs, mp_context=get_context("spawn"), initializer=init_worker,
                               initargs=(pickle.dumps(settings), 1))
    # A spawn pool starts a process per task submitted while none is idle: one task each now
    # starts them all, their imports overlapping the reading of the first unit.
    for _ in range(jobs):
        pool.submit(ready)
    return pool


# --------------------------------------------------------------------------- the engine
@dataclass
class StreamResult:
    rows: int = 0
    units: int = 0
    worst: int = -1  # highest severity rank of any flag
    corpus_rows: int = 0  # candidate rows of the corpus-scope checks
    corpus_flags: int = 0
    documents: int = 0
    extra: list[str] = field(default_factory=list)

    def meets(self, level: str) -> bool:
        return self.worst >= SEVERITY_RANK[level]


def stream_score(batches: Iterable[pl.DataFrame], settings: ScoreSettings, out: str | Path, fmt: str,
                 batch_rows: int = DEFAULT_BATCH_ROWS, jobs: int | None = None,
                 progress: Progress | None = None, total: int = 0) -> StreamResult:
    """Score `batches` (segment-table frames in corpus order) and write `out` in `fmt`
    (jsonl/csv/parquet) atomically. Raises NotGrouped (nothing written) when a document's rows
    are not together; errors of the reader propagate, nothing written."""
    if fmt not in STREAM_FORMATS:
        raise ValueError(f"streaming writes {', '.join(STREAM_FORMATS)}, not {fmt!r}")
    jobs = jobs or default_jobs()
    result = StreamResult()
    with atomic_path(out) as final, tempfile.TemporaryDirectory(
            prefix=".mt-review-spill.", dir=_spill_parent(final)) as folder:
        units = _run_pass1(batches, settings, folder, fmt, batch_rows, jobs, result, progress, total)
        extra, candidates = _corpus_scope(units, settings, result, whole_rows=fmt != "parquet")
        _write(units, extra, candidates, settings, final, fmt)
    return result


def _spill_parent(final: Path) -> str | None:
    parent = Path(final).parent
    return str(parent) if os.access(parent, os.W_OK) else None


def _run_pass1(batches, settings, folder, fmt, batch_rows, jobs, result, progress, total):
    units: list[UnitResult] = []
    docs: set[str] = set()
    with _pool(settings, jobs) as pool:
        queue: deque[Future] = deque()

        def collect(future: Future) -> None:
            r = future.result()
            units.append(r)
            result.rows += r.rows
            result.worst = max(result.worst, r.worst)
            if progress is not None:
                progress(result.rows, max(total, result.rows))

        # Parquet: one row group per unit, so the file's layout stays that of --batch-size.
        expected = 0 if fmt == "parquet" else total
        for k, unit in enumerate(document_units(batches, batch_rows, expected, jobs)):
            docs.update(unit[DOC].unique().to_list())
            queue.append(pool.submit(score_spilled, unit.select(list(SEGMENT_SCHEMA)), k, folder, fmt))
            while len(queue) > jobs:  # bounded: memory stays a few units deep
                collect(queue.popleft())
        while queue:
            collect(queue.popleft())
    result.units = len(units)
    result.documents = len(docs)
    return units


Candidates = dict[int, tuple[pl.Series, pl.DataFrame]]  # unit -> (positions in it, its rows)
WHOLE_SHARE = 10  # candidates kept with all their columns when at most 1 row in this many


def _corpus_scope(units: list[UnitResult], settings: ScoreSettings, result: StreamResult,
                  whole_rows: bool = False) -> tuple[pl.DataFrame, Candidates]:
    """The corpus-scope flags: hashes of all rows -> duplicated rows -> their flags. And per unit
    that has some, the candidate rows: their positions and, with `whole_rows` and when they are a
    small share of the corpus, every column of them (pass 2 then finishes the rows the flags
    change from these, without reading the unit again; a corpus of many repeated segments keeps
    only the segment columns, which bounds the memory)."""
    if not settings.corpus_checks() or not units:
        return corpus_flags(pl.DataFrame(), settings), {}
    keys = pl.concat([u.keys for u in units], how="vertical")
    rows = duplicated_rows(keys)
    result.corpus_rows = len(rows)
    if rows.len() == 0:
        return corpus_flags(pl.DataFrame(), settings), {}
    candidates: Candidates = {}
    start = 0
    whole_rows = whole_rows and rows.len() * WHOLE_SHARE <= keys.height
    for k, u in enumerate(units):
        mine = rows.filter((rows >= start) & (rows < start + u.rows)) - start
        if mine.len():
            frame = pl.read_ipc(u.spill, columns=None if whole_rows else list(SEGMENT_SCHEMA))
            # Copied out through Arrow's plain strings: a gathered string-view column keeps the
            # whole unit's text buffers alive, and these parts live until the end of the run.
            candidates[k] = (mine, pl.from_arrow(frame[mine].to_arrow(compat_level=pl.CompatLevel.oldest())))
        start += u.rows
    extra = corpus_flags(pl.concat([f.select(list(SEGMENT_SCHEMA)) for _, f in candidates.values()],
                                   how="vertical"), settings)
    result.corpus_flags = extra.height
    return extra, candidates


def _write(units: list[UnitResult], extra: pl.DataFrame, candidates: Candidates,
           settings: ScoreSettings, final: Path, fmt: str) -> None:
    touched = set(extra[DOC].unique().to_list()) if extra.height else set()
    writer = None
    with open(final, "wb") as sink:
        for k, u in enumerate(units):
            if fmt == "parquet":
                out = pl.read_ipc(u.spill)
                changed = bool(touched) and out[DOC].is_in(list(touched)).any()
                writer = _parquet_rows(writer, sink, finish_rows(out, extra, settings) if changed else out)
            elif k in candidates and (found := _changed(u, *candidates[k], extra, settings)) is not None:
                sink.write(_patch(u, found, extra, settings, fmt, k == 0))
            else:
                with open(u.part, "rb") as part:
                    shutil.copyfileobj(part, sink, 1 << 20)
            os.unlink(u.spill)
        if fmt == "parquet":
            if writer is None:  # no rows: an empty table with the output's columns
                writer = _parquet_rows(None, sink, None)
            writer.close()


def _changed(u: UnitResult, mine: pl.Series, rows: pl.DataFrame, extra: pl.DataFrame,
             settings: ScoreSettings) -> tuple[pl.Series, pl.DataFrame] | None:
    """fixed_rows of the unit: from its candidate rows when they were kept whole (positions among
    them mapped to positions in the unit), else from the unit's spill."""
    if FLAGS not in rows.columns:
        return fixed_rows(pl.read_ipc(u.spill), extra, settings)
    found = fixed_rows(rows, extra, settings)
    return None if found is None else (mine.gather(found[0]), found[1])


def _patch(u: UnitResult, found: tuple[pl.Series, pl.DataFrame], extra: pl.DataFrame,
           settings: ScoreSettings, fmt: str, first: bool) -> bytes:
    """The unit's bytes from pass 1 with the lines of the rows the corpus-scope flags changed
    (`found`, review.stream.fixed_rows) replaced: formatting a few hundred rows, not the unit.
    When the bytes do not have the expected lines, the whole unit is formatted again."""
    with open(u.part, "rb") as part:
        lines = part.read().split(b"\n")
    positions, fixed = found
    new, new_counts = format_rows(fixed, fmt, first=False)
    new_lines = new.split(b"\n")
    head = int(fmt == "csv" and first)  # the header line
    counts = u.lines or [1] * u.rows
    new_counts = new_counts or [1] * fixed.height
    if (len(lines) != head + sum(counts) + 1 or lines[-1] or len(counts) != u.rows
            or len(new_lines) != sum(new_counts) + 1 or new_lines[-1]):
        return format_bytes(finish_rows(pl.read_ipc(u.spill), extra, settings), fmt, first)
    starts = list(accumulate(counts, initial=head))
    pieces, cursor, at = [], 0, 0
    for p, n in zip(positions.to_list(), new_counts):
        pieces += lines[cursor:starts[p]]
        pieces += new_lines[at:at + n]
        cursor, at = starts[p] + counts[p], at + n
    pieces += lines[cursor:]
    return b"\n".join(pieces)


def _parquet_rows(writer, sink, out: pl.DataFrame | None):
    """One row group per unit (pyarrow's ParquetWriter, zstd as review.export writes)."""
    table = score_table(out).to_arrow() if out is not None else None
    if writer is None:
        if table is None:
            raise ValueError("no rows to write")
        writer = pq.ParquetWriter(sink, table.schema, compression="zstd")
    if table is not None:
        writer.write_table(table.cast(writer.schema))
    return writer


# --------------------------------------------------------------------------- a corpus in memory
def score_corpus(segments: pl.DataFrame, settings: ScoreSettings, jobs: int | None = None,
                 progress: Progress | None = None, batch_rows: int | None = None,
                 spill_dir: str | Path | None = None) -> Scored:
    """review.score.score() of a segment table already in memory, on `jobs` processes: the same
    Scored (rows, flags in the same order, summary with the corpus metric scores), from batches
    of whole documents. Raises NotGrouped when a document's rows are not together. The scored
    batches are spilled to a temporary folder in `spill_dir` (default: the system's)."""
    jobs = jobs or default_jobs()
    segments = _segment_table(segments)
    _require_grouped(segments)  # before any process starts
    if batch_rows is None:
        # Every process gets the same number of units (none idles while another finishes), as
        # few as memory allows: each unit repeats fixed costs of the checks (the names table of
        # `misaligned` alone is about 0.4 s per unit).
        units = jobs * max(1, math.ceil(segments.height / (jobs * CORPUS_BATCH_ROWS)))
        batch_rows = max(1, math.ceil(segments.height / units))
    result = StreamResult()
    totals: dict = {}
    with tempfile.TemporaryDirectory(prefix=".mt-review-spill.", dir=spill_dir) as folder:
        done = _run_pass1(slices(segments, batch_rows), settings, folder, "parquet", batch_rows, jobs, result,
                          progress, segments.height)
        extra, _ = _corpus_scope(done, settings, result)
        touched = set(extra[DOC].unique().to_list()) if extra.height else set()
        parts = []
        for u in done:
            out = pl.read_ipc(u.spill)
            if touched and out[DOC].is_in(list(touched)).any():
                out = finish_rows(out, extra, settings)
            parts.append(out)
            add_totals(totals, u.totals)
    out = pl.concat(parts, how="vertical").rechunk() if parts else score_documents(segments, settings)
    # One table's flags are in FLAG_ORDER over the whole corpus; the batches give each
    # segment's flags in that order, segments in corpus order.
    flags = flag_table(out).sort(FLAG_ORDER, nulls_last=False, maintain_order=True)
    scored = out.drop(FLAGS)
    config = settings.config
    words = source_words(scored)
    summary = summarize(scored, flags, config, corpus_metrics_from(totals), words)
    return Scored(scored, flags, summary, config.signature())


def _require_grouped(segments: pl.DataFrame) -> None:
    runs = segments.select(DOC, pl.col(DOC).rle_id().alias("_r")).unique("_r", maintain_order=True)
    again = runs.filter(pl.col(DOC).is_duplicated())
    if again.height:
        raise NotGrouped(again[DOC][0])


# --------------------------------------------------------------------------- from files
def slices(frame: pl.DataFrame, size: int) -> Iterator[pl.DataFrame]:
    return (frame.slice(i, size) for i in range(0, frame.height, size))


def score_input(paths: list[str], load_whole: Callable[[], object], settings: ScoreSettings,
                out: str | Path, fmt: str, batch_rows: int = DEFAULT_BATCH_ROWS, jobs: int | None = None,
                progress: Progress | None = None, bt: str | None = None, ref: str | None = None,
                input_format: str | None = None, src_lang: str | None = None, tgt_lang: str | None = None,
                encoding: str | None = None, named: bool = True) -> tuple[StreamResult | None, object | None]:
    """`review score` with row output. One pre-aligned table file (`paths`, no `bt` or `ref`, a
    format review.load.batched reads: `input_format` or detected) is streamed in batches when it
    can be; anything else (documents to align, several files, `named` False: a spool of standard
    input, whose name only the whole loader hides) is loaded whole with `load_whole()` (a Corpus)
    and scored in batches. Returns (result, None) or (result, corpus); (None, corpus) when the
    corpus's documents are not grouped and the caller must score it as one table."""
    fmt_in = streamed_format(paths, bt, ref, input_format) if named else None
    if fmt_in is not None:
        try:
            total = estimate_rows(paths[0], fmt_in)  # the progress bar's, and the last units' size
            batches = iter_segments(paths[0], fmt_in, batch_rows, src_lang=src_lang, tgt_lang=tgt_lang,
                                    encoding=encoding)
            return stream_score(batches, settings, out, fmt, batch_rows, jobs, progress, total), None
        except (Unstreamable, NotGrouped):
            pass  # loaded whole below: its errors and warnings are the loader's own
    corpus = load_whole()
    segments = corpus.segments
    try:
        return stream_score(slices(segments, batch_rows), settings, out, fmt, batch_rows, jobs, progress,
                            segments.height), corpus
    except NotGrouped:
        return None, corpus


def streamed_format(paths: list[str], bt: str | None = None, ref: str | None = None,
                    input_format: str | None = None) -> str | None:
    """The format to read `paths` in batches in, or None when they are loaded whole: batches are
    for one pre-aligned table file (no back-translation or reference file to join)."""
    if len(paths) != 1 or bt is not None or ref is not None:
        return None
    fmt_in = input_format or (detect_format(paths[0]) if os.path.isfile(paths[0]) else None)
    return fmt_in if fmt_in in BATCHED_FORMATS else None


def estimate_rows(path: str | Path, fmt: str) -> int:
    """Rows of a table file for the progress bar and the units' sizes: Parquet's count, else its
    lines (a fast pass); 0 (unknown) for TMX/XLIFF, whose lines say nothing of their segments."""
    if fmt in XML_FORMATS:
        return 0
    if fmt == "parquet":
        try:
            return pq.ParquetFile(path).metadata.num_rows
        except Exception:  # damaged: the reader says why
            return 0
    n = 0
    with open(path, "rb") as f:
        while block := f.read(1 << 24):
            n += block.count(b"\n")
    return max(0, n - (fmt in ("tsv", "csv")))
