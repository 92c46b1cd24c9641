"""The MQM typology (categories, severities, weights) and the one rule that weighs an error.

The typology is data: review/checks/mqm.toml. Scoring (review.checks), the report's reviewed
penalty (review.export.report) and reviewers' annotations all weigh an error with `weight` or its
column form `weight_expr`, given the configured weights (review.config.Config.weights: the
defaults below overridden by a configuration file's [weights]).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Mapping

import polars as pl


@dataclass(frozen=True)
class Category:
    path: str  # "Accuracy/Omission", or "Non-translation" for a category without subcategories
    description: str


@dataclass(frozen=True)
class Severity:
    name: str
    weight: float  # default weight
    description: str


@dataclass(frozen=True)
class WeightException:
    """A (severity, category) pair that weighs `weights[key]` instead of `weights[severity]`."""
    key: str
    severity: str
    category: str
    weight: float  # default weight
    description: str


def _load() -> dict:
    # Read through the top-level package: importing review.checks here would be a circle
    # (review.checks -> review.config -> review.schema -> review.mqm).
    text = resources.files("review").joinpath("checks").joinpath("mqm.toml").read_text("utf-8")
    return tomllib.loads(text)


def _categories(data: dict) -> tuple[Category, ...]:
    out = []
    for top in data["category"]:
        subs = top.get("subcategory", [])
        if not subs:
            out.append(Category(top["name"], top["description"]))
        out += [Category(f"{top['name']}/{sub['name']}", sub["description"]) for sub in subs]
    return tuple(out)


_DATA = _load()
CATEGORIES: tuple[Category, ...] = _categories(_DATA)
SEVERITY_LEVELS: tuple[Severity, ...] = tuple(
    Severity(s["name"], float(s["weight"]), s["description"]) for s in _DATA["severity"])
EXCEPTIONS: tuple[WeightException, ...] = tuple(
    WeightException(e["key"], e["severity"], e["category"], float(e["weight"]), e["description"])
    for e in _DATA.get("exception", []))

MQM_CATEGORIES: tuple[str, ...] = tuple(c.path for c in CATEGORIES)
SEVERITIES: tuple[str, ...] = tuple(s.name for s in SEVERITY_LEVELS)
SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}
# Keys of a configuration file's [weights]: one per severity, one per exception. Read-only: a
# configuration copies it (review.config.Config.weights).
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({**{s.name: s.weight for s in SEVERITY_LEVELS},
                                                         **{e.key: e.weight for e in EXCEPTIONS}})


def _validate() -> None:
    for e in EXCEPTIONS:
        if e.severity not in SEVERITIES or e.category not in MQM_CATEGORIES or e.key in SEVERITIES:
            raise ValueError(f"mqm.toml: exception {e.key!r} names an unknown severity or category")


_validate()


def weight(severity: str, category: str, weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> float:
    """MQM penalty points of one error."""
    for e in EXCEPTIONS:
        if severity == e.severity and category == e.category:
            return float(weights[e.key])
    return float(weights[severity])


def weight_expr(severity: pl.Expr, category: pl.Expr,
                weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> pl.Expr:
    """`weight` over whole columns: Float64 penalty points from a severity and a category column."""
    expr = severity.replace_strict({s: float(weights[s]) for s in SEVERITIES}, return_dtype=pl.Float64)
    for e in reversed(EXCEPTIONS):  # the first matching exception wins, as in `weight`
        expr = (pl.when((severity == e.severity) & (category == e.category))
                .then(pl.lit(float(weights[e.key]))).otherwise(expr))
    return expr
