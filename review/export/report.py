"""The QA report of a project: one self-contained HTML file (or the same data as JSON).

Sections: summary, MQM scorecard per document (penalty per 1,000 source words, pass/fail
against a threshold), flags by category, post-editing effort (TER and chrF between the MT and
the correction), the reviewers' verdicts on each automatic check (its precision), and the
corrected segments with a word-level diff.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import polars as pl

from review.calibrate import PRIOR_CONFIRMED, PRIOR_FALSE
from review.config import parse_config
from review.diff import edit_stats, word_diff
from review.export.report_html import render
from review.fileio import write_text
from review.metrics import corpus_metrics, sentence_metrics
from review.mqm import DEFAULT_WEIGHTS, weight
from review.schema import (
    CATEGORY, CHECK, CURRENT, DOC, REV, REVIEWER, SEG, SEVERITIES,
    SEVERITY, SOURCE, SRC_LANG, STATUS, TARGET, TGT_LANG, VERDICT, VERDICTS, WEIGHT,
)

# MQM penalty points per 1,000 source words above which a document fails (--threshold).
DEFAULT_THRESHOLD = 10.0
CONFIRMED, FALSE_ALARM = VERDICTS


def project_weights(project) -> dict[str, float]:
    """The MQM weights the project is scored with: its stored configuration's, else the defaults."""
    text = project.config_text
    return parse_config(text, project.path).weights if text else dict(DEFAULT_WEIGHTS)


def _round(x: float | None, k: int = 2) -> float | None:
    return None if x is None else round(float(x), k)


def report_data(project, threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """Everything the report shows, JSON-serialisable."""
    segs = project.segments()
    flags = project.flags(which="mt")
    annotations = project.annotations()
    verdicts = project.verdicts()
    words = segs.select(DOC, pl.col(SOURCE).fill_null("").str.count_matches(r"\S+").alias("words"))
    langs = segs.select(pl.col(SRC_LANG).drop_nulls().first(), pl.col(TGT_LANG).drop_nulls().first()).row(0)

    return {
        "project": Path(project.path).name,
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "signature": project.signature,
        "languages": {"source": langs[0] or "en", "target": langs[1] or "ar"},
        "threshold": threshold,
        "summary": _summary(project, segs, words, flags),
        "scorecard": _scorecard(segs, words, flags, annotations, threshold, project_weights(project)),
        "flags_by_category": _counts(flags, CATEGORY),
        "flags_by_severity": {s: int((flags[SEVERITY] == s).sum()) for s in SEVERITIES},
        "flags_by_check": _counts(flags, CHECK),
        "effort": _effort(segs),
        "verdicts": _verdicts(verdicts),
        "corrections": _corrections(segs),
    }


def _summary(project, segs, words, flags) -> dict[str, Any]:
    progress = project.progress()
    metrics = [{"name": n, "score": _round(v), "signature": s} for n, v, s in project.metrics().rows()]
    return {
        **progress,
        "documents": segs[DOC].n_unique(),
        "source_words": int(words["words"].sum()),
        "flags": flags.height,
        "corpus_metrics": metrics,
    }


def _scorecard(segs, words, flags, annotations, threshold, weights) -> list[dict[str, Any]]:
    """Per document: the automatic penalty (all flags), and the reviewed penalty (flags not
    judged false alarms, plus the reviewers' own annotations weighed with `weights`, like the
    flags were when scored), both per 1,000 source words."""
    per_doc_words = dict(words.group_by(DOC).agg(pl.col("words").sum()).rows())
    auto = dict(flags.group_by(DOC).agg(pl.col(WEIGHT).sum()).rows())
    kept = dict(flags.filter(pl.col(VERDICT).fill_null("") != FALSE_ALARM)
                .group_by(DOC).agg(pl.col(WEIGHT).sum()).rows())
    ann: dict[str, float] = {}
    for doc, sev, cat in annotations.select(DOC, SEVERITY, CATEGORY).rows():
        ann[doc] = ann.get(doc, 0.0) + weight(sev, cat, weights)
    rows = []
    for doc, n in segs.group_by(DOC, maintain_order=True).len().rows():
        w = int(per_doc_words.get(doc, 0))
        automatic = float(auto.get(doc, 0.0))
        reviewed = float(kept.get(doc, 0.0)) + ann.get(doc, 0.0)
        per_k = (reviewed * 1000 / w) if w else None
        rows.append({
            "doc": doc, "segments": n, "source_words": w,
            "automatic_penalty": _round(automatic), "automatic_per_1000_words": _round(automatic * 1000 / w) if w else None,
            "reviewed_penalty": _round(reviewed), "penalty_per_1000_words": _round(per_k),
            "pass": per_k is not None and per_k <= threshold,
        })
    return rows


def _counts(flags: pl.DataFrame, key: str) -> dict[str, int]:
    if flags.height == 0:
        return {}
    return dict(flags.group_by(key).len().sort(["len", key], descending=[True, False]).rows())


def _effort(segs: pl.DataFrame) -> dict[str, Any]:
    """Post-editing effort: TER and chrF of the MT against its correction (HTER-like), per
    corrected segment and for the corpus (untouched segments count as zero edits)."""
    mt = segs[TARGET].fill_null("").to_list()
    final = segs[CURRENT].fill_null("").to_list()
    edited = [i for i, (a, b) in enumerate(zip(mt, final)) if a != b]
    stats = [edit_stats(mt[i], final[i]) for i in edited]
    per_seg = []
    if edited:
        scores = sentence_metrics([mt[i] for i in edited], [final[i] for i in edited], which=("chrf", "ter"))
        for i, st, (chrf, ter) in zip(edited, stats, scores.select("chrf", "ter").rows()):
            per_seg.append({"doc": segs[DOC][i], "seg": int(segs[SEG][i]), "ter": _round(ter),
                            "chrf": _round(chrf), **st})
    corpus = corpus_metrics(mt, final, which=("chrf", "ter")) if any(final) else {}
    total_chars = sum(len(t) for t in mt)
    changed = sum(s["chars_deleted"] + s["chars_inserted"] for s in stats)
    return {
        "corpus": {
            "segments": len(mt),
            "segments_edited": len(edited),
            "share_edited": _round(len(edited) / len(mt), 4) if mt else 0.0,
            "chars_edited": changed,
            "chars_mt": total_chars,
            "ter": _round(corpus.get("ter")), "ter_signature": corpus.get("ter_signature"),
            "chrf": _round(corpus.get("chrf")), "chrf_signature": corpus.get("chrf_signature"),
        },
        "segments": per_seg,
    }


def _verdicts(verdicts: pl.DataFrame) -> list[dict[str, Any]]:
    """Per check: how often the reviewers confirmed it or called it a false alarm (precision)."""
    if verdicts.height == 0:
        return []
    grouped = verdicts.group_by(CHECK).agg(
        (pl.col(VERDICT) == CONFIRMED).sum().alias(CONFIRMED),
        (pl.col(VERDICT) == FALSE_ALARM).sum().alias(FALSE_ALARM),
    ).sort(CHECK)
    out = []
    for check, ok, bad in grouped.rows():
        calibrated = (ok + PRIOR_CONFIRMED) / (ok + bad + PRIOR_CONFIRMED + PRIOR_FALSE)
        out.append({"check": check, CONFIRMED: int(ok), FALSE_ALARM: int(bad),
                    "precision": _round(ok / (ok + bad), 3) if ok + bad else None,
                    "calibrated_precision": _round(calibrated, 3)})
    return out


def _corrections(segs: pl.DataFrame) -> list[dict[str, Any]]:
    rows = segs.filter(pl.col(REV) > 0, pl.col(CURRENT) != pl.col(TARGET).fill_null(""))
    return [{"doc": r[DOC], "seg": r[SEG], "status": r[STATUS], "reviewer": r[REVIEWER],
             "source": r[SOURCE], "mt": r[TARGET], "correction": r[CURRENT],
             "diff": [list(p) for p in word_diff(r[TARGET], r[CURRENT])]}
            for r in rows.iter_rows(named=True)]


def write_report(project, out: str | Path, fmt: str = "html", threshold: float = DEFAULT_THRESHOLD) -> None:
    data = report_data(project, threshold)
    if fmt == "json":
        write_text(out, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    else:
        write_text(out, render(data))
