"""The check catalogue: review/checks/catalogue.toml read into CheckSpec entries.

Data, like the MQM typology (review.mqm): it sits below review.config (which validates and hashes
check parameters against it) and below review.checks (whose functions implement the entries).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from review.schema import MQM_CATEGORIES, SEVERITIES

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


@functools.cache
def catalogue() -> dict[str, CheckSpec]:
    """All checks, in catalogue order, validated against the MQM vocabulary of review.schema."""
    # Read through the top-level package: importing review.checks here would be a circle.
    path = resources.files("review").joinpath("checks").joinpath("catalogue.toml")
    data = tomllib.loads(path.read_text("utf-8"))
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
