"""Speed of the project store on a 100,000-segment synthetic English/Arabic project.

    .venv/bin/python bench/store_speed.py [N_SEGMENTS]

Targets (issue 4; the app adds its own overhead): first queue page < 2 s, filter change < 0.5 s,
save < 0.2 s.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from review import workflow
from review.corpus import Corpus
from review.schema import DOC, FLAG_SCHEMA, FLAGGED, MAX_SEVERITY, N_FLAGS, PENALTY, RISK, SEG, SOURCE, TARGET
from review.store import Project

EN = "the board said on Monday that the company will publish its letter about safety and growth".split()
AR = "قال المجلس يوم الاثنين إن الشركة ستنشر رسالتها حول السلامة والنمو في العام المقبل".split()
CHECKS = [("numbers_mismatch", "Accuracy/Mistranslation", "major"),
          ("untranslated", "Non-translation", "critical"),
          ("punctuation_end", "Fluency/Punctuation", "minor"),
          ("glossary_term", "Terminology/Inappropriate", "major")]


class Scored:
    def __init__(self, segments, flags):
        self.segments, self.flags, self.summary, self.signature = segments, flags, {"n": segments.height}, "bench"


def build(n: int, rng: random.Random) -> tuple[Corpus, Scored]:
    docs = [f"doc{i:03d}" for i in range(max(1, n // 1000))]
    rows = {DOC: [], SEG: [], SOURCE: [], TARGET: [], RISK: [], PENALTY: [], FLAGGED: [], N_FLAGS: [],
            MAX_SEVERITY: []}
    flags = {k: [] for k in FLAG_SCHEMA}
    for i in range(n):
        doc, seg = docs[i % len(docs)], i // len(docs) + 1
        src = " ".join(rng.choices(EN, k=rng.randint(8, 30)))
        tgt = " ".join(rng.choices(AR, k=rng.randint(6, 25)))
        picked = [c for c in CHECKS if rng.random() < 0.12]
        weights = [{"minor": 1.0, "major": 5.0, "critical": 25.0}[c[2]] for c in picked]
        rows[DOC].append(doc); rows[SEG].append(seg); rows[SOURCE].append(src); rows[TARGET].append(tgt)
        rows[RISK].append(float(sum(weights)) + rng.random()); rows[PENALTY].append(float(sum(weights)))
        rows[FLAGGED].append(any(c[2] != "minor" for c in picked)); rows[N_FLAGS].append(len(picked))
        rows[MAX_SEVERITY].append(max((c[2] for c in picked), default=None,
                                      key=lambda s: ["minor", "major", "critical"].index(s)))
        for (check, cat, sev), w in zip(picked, weights):
            for k, v in zip(FLAG_SCHEMA, [doc, seg, check, cat, sev, f"{check} in segment", "target", 0, 3, w]):
                flags[k].append(v)
    segments = pl.DataFrame(rows)
    corpus = Corpus(segments=segments, documents=pl.DataFrame({DOC: docs}))
    return corpus, Scored(corpus.segments.join(segments.drop(SOURCE, TARGET), on=[DOC, SEG]),
                          pl.DataFrame(flags, schema=FLAG_SCHEMA))


def timed(label: str, fn, repeat: int = 3):
    best = float("inf")
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    print(f"{label:<48} {best * 1000:8.1f} ms")
    return result


def main(n: int = 100_000) -> None:
    rng = random.Random(7)
    t = time.perf_counter()
    corpus, scored = build(n, rng)
    print(f"synthetic corpus: {n} segments, {scored.flags.height} flags ({time.perf_counter() - t:.1f} s)")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "bench.review"
        t = time.perf_counter()
        Project.create(path, corpus, scored).close()
        print(f"{'Project.create':<48} {(time.perf_counter() - t) * 1000:8.1f} ms")
        t = time.perf_counter()
        p = Project.open(path)
        page, total = p.queue()
        print(f"{'open + first queue page (cold)':<48} {(time.perf_counter() - t) * 1000:8.1f} ms  ({total} flagged)")
        timed("queue() first page", lambda: p.queue())
        timed("queue(flagged_only=False) page 100", lambda: p.queue(flagged_only=False, offset=5000))
        timed("filter: check=untranslated", lambda: p.queue(checks=["untranslated"]))
        timed("filter: category=Accuracy, severity=major", lambda: p.queue(categories=["Accuracy"], severities=["major"]))
        timed("filter: status=to_review, hide approved", lambda: p.queue(statuses=["to_review"], hide_approved=True))
        timed("filter: one document", lambda: p.queue(docs=["doc007"]))
        timed("search 'السلامة' (both sides, all segments)", lambda: p.queue(flagged_only=False, search="السلامة"))
        timed("regex search r'\\bgrowth\\b' (source)", lambda: (p._cache.pop("regex_hits", None), p.queue(flagged_only=False, search=r"\bgrowth\b", regex=True, search_side="source")))
        timed("regex search r'^(\\w+\\s?)*$' (both sides)", lambda: (p._cache.pop("regex_hits", None), p.queue(flagged_only=False, search=r"^(\w+\s?)*$", regex=True)))
        doc, seg = page[DOC][0], page[SEG][0]
        rev = p.segment(doc, seg)["rev"]

        def save(recheck: bool):
            nonlocal rev
            save_ = workflow.save_correction if recheck else (lambda p, *a: p.save(*a))
            rev = save_(p, doc, seg, "نص مصحح " + str(rev), "bench", rev)
        timed("save(): the revision, committed", lambda: save(False), repeat=5)
        save(True)  # first run imports the checks
        timed("workflow.save_correction(): + checks re-run", lambda: save(True), repeat=5)
        timed("segment() + neighbours() + flags()", lambda: (p.segment(doc, seg), p.neighbours(doc, seg), p.flags(doc, seg)))
        timed("approve_unflagged()", lambda: p.approve_unflagged("bench"), repeat=1)
        timed("progress() (after a change)", lambda: (p._cache.clear(), p.progress()))
        def cold_segments():
            p._cache.clear()
            return p.segments()
        timed("segments() full table, cold: cursor rows -> frame", cold_segments, repeat=2)
        timed("segments() again, nothing changed (cached)", lambda: p.segments())
        con = sqlite3.connect(path)
        timed("segments() full table: pl.read_database", lambda: pl.read_database("SELECT * FROM segments", con), repeat=2)
        con.close()
        timed("flags() all", lambda: p.flags(), repeat=2)
        p.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
