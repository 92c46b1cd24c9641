"""Configuration: one TOML file, defaults that work, and the signature of a scoring run.

Example (every key optional):

    [weights]                 # MQM penalty points; keys and defaults: review/checks/mqm.toml
    major = 10                # a severity, or an exception's key such as minor_punctuation

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
import math
import tomllib
from dataclasses import dataclass, field, fields
from importlib import metadata
from pathlib import Path
from typing import Any

from review.catalogue import catalogue
from review.errors import InputError
from review.mqm import DEFAULT_WEIGHTS, EXCEPTIONS, SEVERITIES

DEFAULT_SCORE = {"metric_flag": True}


@dataclass
class Config:
    # [weights] over review.mqm.DEFAULT_WEIGHTS: severity (or exception key) -> points, for
    # review.mqm.weight / weight_expr.
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    disabled: frozenset[str] = frozenset()
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)  # check id -> keys
    score: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_SCORE))
    glossary: str | None = None
    path: str | None = None

    def enabled(self, check_id: str) -> bool:
        return check_id not in self.disabled

    def severity(self, check_id: str) -> str:
        return self.overrides.get(check_id, {}).get("severity", catalogue()[check_id].severity)

    def params(self, check_id: str) -> dict[str, Any]:
        merged = dict(catalogue()[check_id].params)
        merged.update({k: v for k, v in self.overrides.get(check_id, {}).items() if k != "severity"})
        return merged

    def effective(self) -> dict[str, Any]:
        """Everything that changes a result, in canonical form (what the signature hashes)."""
        # The shape of this dict is what every stored signature's cfg hash was computed from:
        # weights per severity, then each exception as "<key>_weight" ("minor_punctuation_weight").
        return {
            "weights": {s: self.weights[s] for s in SEVERITIES},
            **{f"{e.key}_weight": self.weights[e.key] for e in EXCEPTIONS},
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
        """Like sacrebleu's: enough to reproduce a result (see Signature)."""
        return Signature.of(self).format()


@dataclass(frozen=True)
class Signature:
    """Versions and the hash of the effective configuration of a scoring run, rendered like
    sacrebleu's signatures (sacrebleu.metrics.base.Signature): `name:value` joined by `|`, e.g.
    mt-review:0.1.0|checks:45|cfg:c750fab05a|polars:2.1.0|sacrebleu:2.6.0|langdetect:1.0.9"""

    mt_review: str  # the fields in rendering order; "_" is rendered as "-"
    checks: int  # enabled checks
    cfg: str  # Config.digest()
    polars: str
    sacrebleu: str
    langdetect: str

    @classmethod
    def of(cls, config: "Config") -> "Signature":
        return cls(mt_review=_version("mt-review"),
                   checks=sum(1 for cid in catalogue() if config.enabled(cid)),
                   cfg=config.digest(), polars=_version("polars"), sacrebleu=_version("sacrebleu"),
                   langdetect=_version("langdetect"))

    def info(self) -> dict[str, str]:
        """Rendered name -> value, in order."""
        return {f.name.replace("_", "-"): str(getattr(self, f.name)) for f in fields(self)}

    def format(self) -> str:
        return "|".join(f"{name}:{value}" for name, value in self.info().items())

    __str__ = format

    @classmethod
    def parse(cls, text: str) -> "Signature":
        """The inverse of format: for reading a stored or documented signature back."""
        parts = [part.split(":", 1) for part in text.strip().split("|")]
        pairs = dict(p for p in parts if len(p) == 2)
        names = [f.name for f in fields(cls)]
        if len(pairs) != len(parts) or sorted(pairs) != sorted(n.replace("_", "-") for n in names):
            raise ValueError(f"not an mt-review signature: {text!r}")
        values = {n: pairs[n.replace("_", "-")] for n in names}
        return cls(**{**values, "checks": int(values["checks"])})


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
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(path, f"cannot read configuration: {e}") from None
    return parse_config(text, path)


def parse_config(text: str, path: str | Path) -> Config:
    """The configuration in TOML `text` (a file's, or the copy a project keeps); `path` names it
    in errors and anchors a relative glossary path."""
    path = Path(path)
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
    for key, value in data.get("weights", {}).items():
        if key not in DEFAULT_WEIGHTS:
            raise InputError(path, f"[weights]: unknown severity {key!r} (known: {', '.join(DEFAULT_WEIGHTS)})")
        cfg.weights[key] = _number(path, f"[weights] {key}", value)
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
        for name, value in over.items():
            if name != "severity" and _is_number(cat[cid].params[name]):
                _number(path, f"[checks.{cid}] {name}", value)
        cfg.overrides[cid] = dict(over)
    for key, value in data.get("score", {}).items():
        if key not in DEFAULT_SCORE:
            raise InputError(path, f"[score]: unknown key {key!r} (known: {', '.join(DEFAULT_SCORE)})")
        if not isinstance(value, bool):
            raise InputError(path, f"[score] {key}: must be true or false, not {value!r}")
        cfg.score[key] = value
    if "glossary" in data:
        cfg.glossary = str((path.parent / data["glossary"]).resolve())
    return cfg


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(path: Path, key: str, value: Any) -> float:
    """A weight or numeric parameter: a finite number, at least 0 (`major = "ten"` is an error
    naming the file and the key, not a traceback later)."""
    if not _is_number(value) or not math.isfinite(value) or value < 0:
        raise InputError(path, f"{key}: must be a number of at least 0, not {value!r}")
    return float(value)
