"""Configuration: one TOML file, defaults that work, and the signature of a scoring run.

Example (every key optional):

    [weights]                 # MQM weights per severity
    minor = 1
    major = 5
    critical = 25
    minor_punctuation = 0.1   # a minor Fluency/Punctuation flag

    [checks]
    disabled = ["tatweel"]

    [checks.length_short]     # per-check: severity and parameters of the catalogue entry
    severity = "minor"
    min_ratio = 0.4

    [score]
    metric_flag = true        # a metric below its check's threshold flags the segment

    glossary = "glossary.tsv" # do-not-translate / terminology list, relative to this file
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from review.errors import InputError
from review.schema import MINOR_PUNCTUATION_WEIGHT, SEVERITIES, SEVERITY_WEIGHTS

DEFAULT_SCORE = {"metric_flag": True}


@dataclass
class Config:
    weights: dict[str, float] = field(default_factory=lambda: dict(SEVERITY_WEIGHTS))
    minor_punctuation_weight: float = MINOR_PUNCTUATION_WEIGHT
    disabled: frozenset[str] = frozenset()
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)  # check id -> keys
    score: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_SCORE))
    glossary: str | None = None
    path: str | None = None

    def enabled(self, check_id: str) -> bool:
        return check_id not in self.disabled

    def severity(self, check_id: str) -> str:
        from review.checks.base import catalogue

        return self.overrides.get(check_id, {}).get("severity", catalogue()[check_id].severity)

    def params(self, check_id: str) -> dict[str, Any]:
        from review.checks.base import catalogue

        merged = dict(catalogue()[check_id].params)
        merged.update({k: v for k, v in self.overrides.get(check_id, {}).items() if k != "severity"})
        return merged

    def weight(self, severity: str, category: str) -> float:
        if severity == "minor" and category == "Fluency/Punctuation":
            return self.minor_punctuation_weight
        return float(self.weights[severity])

    def effective(self) -> dict[str, Any]:
        """Everything that changes a result, in canonical form (what the signature hashes)."""
        from review.checks.base import catalogue

        return {
            "weights": self.weights,
            "minor_punctuation_weight": self.minor_punctuation_weight,
            "checks": {
                cid: {"severity": self.severity(cid), **self.params(cid)}
                for cid in catalogue() if self.enabled(cid)
            },
            "score": self.score,
            "glossary": _file_digest(self.glossary) if self.glossary else None,
        }

    def digest(self) -> str:
        blob = json.dumps(self.effective(), sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()[:10]

    def signature(self) -> str:
        """Like sacrebleu's: enough to reproduce a result. Versions + hash of the effective config."""
        n = sum(1 for cid in _catalogue_ids() if self.enabled(cid))
        parts = [
            f"mt-review:{_version('mt-review')}",
            f"checks:{n}",
            f"cfg:{self.digest()}",
            f"polars:{_version('polars')}",
            f"sacrebleu:{_version('sacrebleu')}",
            f"langdetect:{_version('langdetect')}",
        ]
        return "|".join(parts)


def _catalogue_ids():
    from review.checks.base import catalogue

    return catalogue().keys()


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def _file_digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]
    except OSError:
        return "missing"


def load_config(path: str | Path | None = None, glossary: str | Path | None = None) -> Config:
    """Defaults, overridden by the TOML file at `path`; `glossary` overrides the file's glossary."""
    cfg = Config()
    if path is not None:
        cfg = _from_toml(Path(path))
    if glossary is not None:
        cfg.glossary = str(glossary)
    return cfg


def _from_toml(path: Path) -> Config:
    from review.checks.base import catalogue

    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(path, f"cannot read configuration: {e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line = getattr(e, "lineno", None)
        raise InputError(path, f"invalid TOML: {getattr(e, 'msg', e)}", line) from None
    cfg = Config(path=str(path))
    known = {"weights", "checks", "score", "glossary"}
    for key in data:
        if key not in known:
            raise InputError(path, f"unknown key {key!r} (known: {', '.join(sorted(known))})")
    weights = data.get("weights", {})
    for key, value in weights.items():
        if key == "minor_punctuation":
            cfg.minor_punctuation_weight = float(value)
        elif key in SEVERITIES:
            cfg.weights[key] = float(value)
        else:
            raise InputError(path, f"[weights]: unknown severity {key!r}")
    checks = dict(data.get("checks", {}))
    disabled = checks.pop("disabled", [])
    cat = catalogue()
    for cid in list(disabled) + list(checks):
        if cid not in cat:
            raise InputError(path, f"[checks]: unknown check {cid!r} (see `review checks`)")
    cfg.disabled = frozenset(disabled)
    for cid, over in checks.items():
        if not isinstance(over, dict):
            raise InputError(path, f"[checks.{cid}] must be a table")
        sev = over.get("severity")
        if sev is not None and sev not in SEVERITIES:
            raise InputError(path, f"[checks.{cid}]: severity must be one of {', '.join(SEVERITIES)}")
        unknown = set(over) - {"severity"} - set(cat[cid].params)
        if unknown:
            raise InputError(path, f"[checks.{cid}]: unknown parameter(s) {', '.join(sorted(unknown))}")
        cfg.overrides[cid] = dict(over)
    cfg.score.update(data.get("score", {}))
    if "glossary" in data:
        cfg.glossary = str((path.parent / data["glossary"]).resolve())
    return cfg
