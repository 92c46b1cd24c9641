"""Dashboard speed on a 100,000-segment project (issue 4 targets: first page of the queue
< 2 s, a filter change < 0.5 s, a save < 0.2 s).

The project repeats the demo corpus's aligned segments over many documents, with synthetic
flags (a few checks, all severities) so that the queue has work to filter. Timings are taken
two ways: the store calls the pages make (server side), and whole page runs in Streamlit's
AppTest (script run included, browser rendering not).

    .venv/bin/python bench/app_speed.py [--segments 100000] [--keep PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from review import workflow  # noqa: E402
from review.config import load_config  # noqa: E402
from review.corpus import Corpus  # noqa: E402
from review.demo import demo_dir  # noqa: E402
from review.inputs import load_pair  # noqa: E402
from review.schema import (BT, REV, CATEGORY, CHECK, DOC, FLAG_SCHEMA, MESSAGE, METRIC_COLUMNS, SEG,  # noqa: E402
                           SEVERITY, SIDE, START, TARGET, END, WEIGHT)
from review.score import Scored, add_scores, summarize  # noqa: E402
from review.store import Project  # noqa: E402

# (check, category, severity, weight, every n-th segment)
SYNTHETIC = [
    ("number_mismatch", "Accuracy/Mistranslation", "major", 5.0, 7),
    ("latin_leftover", "Accuracy/Untranslated", "major", 5.0, 5),
    ("stray_letter", "Fluency/Spelling", "minor", 1.0, 3),
    ("name_translated", "Accuracy/Mistranslation", "critical", 25.0, 41),
    ("space_before_punct", "Fluency/Punctuation", "minor", 0.1, 4),
]


def build(path: Path, n: int) -> None:
    demo = demo_dir()
    base = load_pair(demo / "en.txt", demo / "ar.mt.txt", bt=demo / "ar.bt.txt")
    per_doc = base.segments.height
    copies = -(-n // per_doc)
    segs = pl.concat([base.segments.with_columns(pl.lit(f"doc{i:05d}").alias(DOC)) for i in range(copies)]).head(n)
    docs = pl.concat([base.documents.with_columns(pl.lit(f"doc{i:05d}").alias(DOC)) for i in range(copies)])
    corpus = Corpus(segments=segs, documents=docs)
    idx = segs.select(DOC, SEG, pl.col(TARGET).str.len_chars().alias("n")).with_row_index("i")
    parts = []
    for check, category, severity, weight, every in SYNTHETIC:
        parts.append(idx.filter(pl.col("i") % every == 0).select(
            DOC, SEG, pl.lit(check).alias(CHECK), pl.lit(category).alias(CATEGORY),
            pl.lit(severity).alias(SEVERITY), pl.lit(f"synthetic {check} flag").alias(MESSAGE),
            pl.lit("target").alias(SIDE), pl.lit(0, pl.Int64).alias(START),
            pl.min_horizontal(pl.col("n"), pl.lit(5)).cast(pl.Int64).alias(END), pl.lit(weight).alias(WEIGHT)))
    flags = pl.concat(parts).select(list(FLAG_SCHEMA))
    config = load_config()
    # No metric columns: sentence and corpus metrics over 100k pairs take minutes and the
    # dashboard's speed does not depend on them.
    no_metrics = segs.with_columns(pl.lit(None, pl.Float64).alias(m) for m in METRIC_COLUMNS)
    scored_segs = add_scores(no_metrics, flags, config)
    summary = summarize(scored_segs.with_columns(pl.lit(None, pl.String).alias(BT)), flags, config)
    scored = Scored(scored_segs, flags, summary, config.signature())
    Project.create(path, corpus, scored, overwrite=True).close()


def timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def store_timings(path: Path) -> dict[str, float]:
    from review.app.queue import PAGE_SIZE, filters

    p = Project.open(path)
    base = filters()
    out = {
        "queue first page": timed(lambda: p.queue(**base, limit=PAGE_SIZE)),
        "queue page 500": timed(lambda: p.queue(**base, offset=500 * PAGE_SIZE, limit=PAGE_SIZE)),
        "filter severity=critical": timed(lambda: p.queue(**{**base, "severities": ["critical"]}, limit=PAGE_SIZE)),
        "filter check+category": timed(lambda: p.queue(**{**base, "checks": ["number_mismatch"],
                                                          "categories": ["Accuracy"]}, limit=PAGE_SIZE)),
        "filter text search": timed(lambda: p.queue(**{**base, "search": "OpenAI"}, limit=PAGE_SIZE)),
        "filter regex search": timed(lambda: p.queue(**{**base, "search": r"Altman|ألتمان", "regex": True},
                                                    limit=PAGE_SIZE)),
        "show all": timed(lambda: p.queue(**{**base, "flagged_only": False}, limit=PAGE_SIZE)),
        "progress": timed(p.progress),
    }
    rows, _ = p.queue(**base, limit=20)
    revs = {(d, s): r for d, s, r in rows.select(DOC, SEG, REV).iter_rows()}

    def save(recheck: bool, i=[0]):
        doc, seg = rows[DOC][i[0] % 20], int(rows[SEG][i[0] % 20])
        rev = revs[(doc, seg)]
        save_ = workflow.save_correction if recheck else (lambda p, *a: p.save(*a))
        revs[(doc, seg)] = save_(p, doc, seg, f"تصحيح رقم {i[0]}", "bench", rev)
        i[0] += 1
    out["save: commit only (recheck=False)"] = timed(lambda: save(False), repeat=10)
    out["save: commit + checks re-run"] = timed(lambda: save(True), repeat=10)
    p.close()
    return out


def apptest_timings(path: Path) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    os.environ["MT_REVIEW_PROJECT"] = str(path)
    app = str(ROOT / "streamlit_app.py")
    out = {}
    warm = AppTest.from_file(app, default_timeout=120)
    warm.query_params["reviewer"] = "bench"
    t = time.perf_counter()
    warm.run()  # imports, the shared project connection, the risk histogram: once per server
    out["overview, first page of a fresh server (cold)"] = time.perf_counter() - t
    assert not warm.exception, warm.exception
    for label in ("queue page, new session", "queue page, new session (again)"):
        at = AppTest.from_file(app, default_timeout=120)
        at.query_params["reviewer"] = "bench"
        t = time.perf_counter()
        at.run()
        at.switch_page("review/app/pages/page_queue.py").run()
        out[label + " (overview + queue runs)"] = time.perf_counter() - t
        assert not at.exception, at.exception
    t = time.perf_counter()
    at.run()
    out["queue page rerun"] = time.perf_counter() - t
    for label, action in [
        ("filter change: severity", lambda: at.multiselect(key="q_severities").set_value(["critical"])),
        ("filter change: check", lambda: at.multiselect(key="q_checks").set_value(["latin_leftover"])),
        ("filter change: search", lambda: at.text_input(key="q_search").input("Musk")),
        ("filter change: show all", lambda: at.toggle(key="q_all").set_value(True)),
    ]:
        action()
        t = time.perf_counter()
        at.run()
        out[label] = time.perf_counter() - t
        assert not at.exception, at.exception
    seg = AppTest.from_file(app, default_timeout=120)
    seg.query_params["reviewer"] = "bench"
    rows, _ = Project.open(path).queue(limit=1)
    seg.query_params.update(doc=rows[DOC][0], seg=str(rows[SEG][0]))
    seg.run()
    t = time.perf_counter()
    seg.switch_page("review/app/pages/page_segment.py").run()
    out["segment page open"] = time.perf_counter() - t
    seg.text_area(key="correction").input("نص مصحح للقياس.")
    t = time.perf_counter()
    seg.button(key="FormSubmitter:edit-Save").click().run()
    out["save + segment page rerun"] = time.perf_counter() - t
    assert any("Saved revision" in s.value for s in seg.success), [e.value for e in seg.error]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--segments", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="build the project here and keep it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = args.keep or Path(d) / "bench.sqlite"
        if not path.exists():
            t = time.perf_counter()
            build(path, args.segments)
            print(f"built {args.segments:,}-segment project in {time.perf_counter() - t:.1f} s "
                  f"({path.stat().st_size / 1e6:.0f} MB)")
        print("\nstore calls behind the pages (median of 5; save: of 10)")
        for k, v in store_timings(path).items():
            print(f"  {k:<40} {v * 1000:8.1f} ms")
        print("\nwhole page runs in AppTest (script + store; no browser rendering)")
        for k, v in apptest_timings(path).items():
            print(f"  {k:<55} {v * 1000:8.1f} ms")
        print("\ntargets: first queue page < 2000 ms, filter change < 500 ms, save < 200 ms")


if __name__ == "__main__":
    main()
