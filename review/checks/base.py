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

import functools
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Callable

import polars as pl

from review.schema import MQM_CATEGORIES, SEVERITIES, SIDES

ROW = "_row"
HIT_SCHEMA: dict[str, pl.DataType] = {
    ROW: pl.Int64(),
    "message": pl.String(),
    "side": pl.String(),
    "start": pl.Int64(),
    "end": pl.Int64(),
    "severity": pl.String(),
}


SCOPES = ("segment", "document")


@dataclass(frozen=True)
class CheckSpec:
    id: str
    family: str
    category: str
    severity: str
    title: str
    description: str
    params: dict[str, Any] = field(default_factory=dict)
    # A flag of this check covers the whole segment (empty, untranslated target): the runner drops
    # the segment's other target-side flags (review.checks.suppress).
    supersedes: bool = False
    # "segment": judges a segment on its own; "document": compares it with the other segments.
    scope: str = "segment"
    # Target languages (primary codes, "ar") the check applies to; empty: every target language.
    # The runner gives the check only the segments whose target language is one of them.
    targets: tuple[str, ...] = ()

    def applies_to(self, lang: str | None) -> bool:
        return not self.targets or primary_language(lang) in self.targets


def primary_language(lang: str | None) -> str:
    """"ar" of "ar", "AR-eg", "ar_SA"; "" for none."""
    return (lang or "").strip().lower().replace("_", "-").split("-")[0]


@dataclass
class CheckContext:
    spec: CheckSpec
    params: dict[str, Any]  # catalogue defaults overridden by the configuration
    glossary: pl.DataFrame | None = None  # columns: term, targets (list of allowed forms)
    src_lang: str = "en"
    tgt_lang: str = "ar"


CheckFunc = Callable[[pl.DataFrame, CheckContext], pl.DataFrame]
_IMPLEMENTATIONS: dict[str, CheckFunc] = {}


@functools.cache
def catalogue() -> dict[str, CheckSpec]:
    """All checks, in catalogue order, validated against the MQM vocabulary of review.schema."""
    data = tomllib.loads(resources.files("review.checks").joinpath("catalogue.toml").read_text("utf-8"))
    specs: dict[str, CheckSpec] = {}
    for entry in data["check"]:
        if "targets" in entry:
            targets = entry["targets"]
            if not (isinstance(targets, list) and targets
                    and all(isinstance(t, str) and re.fullmatch(r"[a-z]{2,3}", t) for t in targets)):
                raise ValueError(f"check {entry.get('id')!r}: targets must be a list of language codes "
                                 "such as [\"ar\"]")
            entry = {**entry, "targets": tuple(targets)}
        spec = CheckSpec(**entry)
        if spec.id in specs:
            raise ValueError(f"check {spec.id!r} is in the catalogue twice")
        if spec.category not in MQM_CATEGORIES:
            raise ValueError(f"check {spec.id!r}: unknown MQM category {spec.category!r}")
        if spec.scope not in SCOPES:
            raise ValueError(f"check {spec.id!r}: scope must be one of {', '.join(SCOPES)}")
        if spec.severity not in SEVERITIES:
            raise ValueError(f"check {spec.id!r}: unknown severity {spec.severity!r}")
        specs[spec.id] = spec
    return specs


def implements(check_id: str) -> Callable[[CheckFunc], CheckFunc]:
    """Register the function that implements a catalogue entry."""
    if check_id not in catalogue():
        raise KeyError(f"check {check_id!r} is not in review/checks/catalogue.toml")

    def register(func: CheckFunc) -> CheckFunc:
        _IMPLEMENTATIONS[check_id] = func
        return func

    return register


def implementation(check_id: str) -> CheckFunc:
    return _IMPLEMENTATIONS[check_id]


def hits(df: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Conform a check's output to HIT_SCHEMA (missing optional columns become null)."""
    if isinstance(df, pl.LazyFrame):
        df = df.collect()
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
