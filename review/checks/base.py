"""What a check is: catalogue entry (data) + one function over the whole segment table.

A check function receives the segment table (with a `_row` index column and the normalised
helper columns of review.normalize) and returns one row per problem found ("hits"):

    _row (Int64)      the row of the segment table
    message (String)  one sentence a reviewer understands, quoting the offending fragment
    side (String)     "source", "target", "bt" or "reference": the text START/END index into
    start, end (Int64) character span [start, end) in that text, null for the whole segment
    severity (String, optional)  only when a hit is worse/milder than the catalogue default

The runner (review.checks.run_checks) adds doc, seg, check id, MQM category, severity and weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import polars as pl

# The catalogue (data) is read one layer down, where review.config can use it too.
from review.catalogue import SCOPES, CheckSpec, catalogue  # noqa: F401 (re-exported)
from review.schema import SIDES

ROW = "_row"
# Up to this many rows a frame is a reviewer's correction being re-checked: fixed per-query costs
# dominate there, and a check may first ask, in one query, whether any row can be a hit at all.
SMALL_FRAME = 8
HIT_SCHEMA: dict[str, pl.DataType] = {
    ROW: pl.Int64(),
    "message": pl.String(),
    "side": pl.String(),
    "start": pl.Int64(),
    "end": pl.Int64(),
    "severity": pl.String(),
}


@dataclass
class CheckContext:
    spec: CheckSpec
    params: dict[str, Any]  # catalogue defaults overridden by the configuration
    glossary: pl.DataFrame | None = None  # columns: term, targets (list of allowed forms)
    src_lang: str = "en"
    tgt_lang: str = "ar"


CheckFunc = Callable[[pl.DataFrame, CheckContext], pl.DataFrame]
_IMPLEMENTATIONS: dict[str, CheckFunc] = {}
# A gate: (source, target) of one row, None as "" -> False only where the check cannot flag that
# row, whatever its other columns and parameters (a necessary condition, never a guess). On a
# small frame (a correction re-checked) the runner asks every gate first, in plain Python on the
# few strings, and skips the checks no row can open: a polars query costs a fixed ~0.3 ms, a
# substring test on one segment a microsecond. Checks are still polars expressions throughout;
# the gates only decide which of them run on a handful of rows.
Gate = Callable[[str, str], bool]
_GATES: dict[str, Gate] = {}
# A row gate: the same, for a check that reads other columns (a bead, a confidence): it gets the
# row as a dict of every column of the frame (null as None).
RowGate = Callable[[dict[str, Any]], bool]
_ROW_GATES: dict[str, RowGate] = {}


def _registrar(table: dict[str, Any], check_id: str) -> Callable:
    """A decorator that files a function under a catalogue check id in `table`."""
    if check_id not in catalogue():
        raise KeyError(f"check {check_id!r} is not in review/checks/catalogue.toml")

    def register(func):
        table[check_id] = func
        return func

    return register


def implements(check_id: str) -> Callable[[CheckFunc], CheckFunc]:
    """Register the function that implements a catalogue entry."""
    return _registrar(_IMPLEMENTATIONS, check_id)


def implementation(check_id: str) -> CheckFunc:
    return _IMPLEMENTATIONS[check_id]


def gate(check_id: str) -> Callable[[Gate], Gate]:
    """Register a check's gate (see Gate), defined next to the check it guards."""
    return _registrar(_GATES, check_id)


def row_gate(check_id: str) -> Callable[[RowGate], RowGate]:
    """Register a check's row gate (see RowGate)."""
    return _registrar(_ROW_GATES, check_id)


def gate_of(check_id: str) -> Gate | None:
    return _GATES.get(check_id)


def row_gate_of(check_id: str) -> RowGate | None:
    return _ROW_GATES.get(check_id)


def can_flag(check_id: str, texts: list[tuple[str, str]], rows: list[dict[str, Any]]) -> bool:
    """Whether the check may flag one of these rows ((source, target) pairs, and the same rows as
    dicts): its gates open for one, or it has none."""
    g, rg = _GATES.get(check_id), _ROW_GATES.get(check_id)
    if g is not None and not any(g(src, tgt) for src, tgt in texts):
        return False
    return rg is None or any(rg(row) for row in rows)


def collect(query: pl.LazyFrame) -> pl.DataFrame:
    """Run a check's lazy query on the in-memory engine, as eager calls run. Polars' default for
    lazy queries, the streaming engine, costs more per query on the small frames checks see (a
    correction re-checked: one row; a scoring batch: a few thousand)."""
    return query.collect(engine="in-memory")


def hits(df: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Conform a check's output to HIT_SCHEMA (missing optional columns become null)."""
    if isinstance(df, pl.LazyFrame):
        df = collect(df)
    missing = {ROW, "message", "side"} - set(df.columns)
    if missing:
        raise ValueError(f"check output lacks columns {sorted(missing)}")
    if df.height == 0:  # most checks find nothing in most segments: no query needed
        return _NO_HITS
    out = df.select(
        pl.col(name).cast(dtype) if name in df.columns else pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in HIT_SCHEMA.items()
    )
    bad = out.filter(~pl.col("side").is_in(SIDES))
    if bad.height:
        raise ValueError(f"check output has unknown side {bad['side'][0]!r}")
    return out


def no_hits() -> pl.DataFrame:
    return pl.DataFrame(schema=HIT_SCHEMA)


_NO_HITS = no_hits()
