"""Speed of `review init` on 100,000 segment pairs (issue 10: target under 10 s on 2 cores), and
where its time goes: loading the input, scoring, storing (rows, then the B-tree indexes), and the
full-text index that the first text search builds.

    .venv/bin/python bench/init_speed.py [--n 100000]

Pairs as in bench/score_speed.py (NTREX-128 lines when ../shared is present, else the demo
corpus's), written to a Parquet file of pre-aligned pairs, no back-translation. The first figure
is the whole command in a fresh process (`python -m review init`), as a user runs it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ntrex_segments import ROOT
from score_speed import build

from review import workflow
from review.inputs import load_inputs
from review.schema import DOC, SEG, SOURCE, TARGET
from review.score import score
from review.store import Project
from review.store.tables import migrate
from review.store.writes import fill
from review.stream import ScoreSettings
from review.stream_run import default_jobs, score_corpus


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--before", action="store_true",
                    help="also score as one table in this process and store the way init did before "
                         "issue 10 (every index, the full-text one included, kept in step with each "
                         "insert), for the ratios")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    segments, origin = build(args.n)
    segments = segments.select(DOC, SEG, SOURCE, TARGET)
    with tempfile.TemporaryDirectory() as d:
        pairs = Path(d) / "pairs.parquet"
        segments.write_parquet(pairs)
        print(f"{args.n:,} pairs ({origin}), pre-aligned Parquet")

        t = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "review", "init", str(Path(d) / "cli.review"), str(pairs)],
                             cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                             capture_output=True, text=True)
        wall = time.perf_counter() - t
        if run.returncode != 0:
            sys.exit(f"review init failed: {run.stderr.strip()}")
        print(f"review init (whole command)        {wall:7.2f} s   target < 10 s")

        t = time.perf_counter()
        corpus = load_inputs([str(pairs)])
        t_load = time.perf_counter() - t
        config = workflow.settings().config
        t = time.perf_counter()
        scored = score_corpus(corpus.segments, ScoreSettings.make(config))  # what init runs on this size
        t_score = time.perf_counter() - t
        t = time.perf_counter()
        if args.before:
            score(corpus, config)
            t_one = time.perf_counter() - t
        t = time.perf_counter()
        project = Project.create(Path(d) / "p.review", corpus, scored)
        t_store = time.perf_counter() - t
        t = time.perf_counter()
        project.ensure_text_index()
        t_index = time.perf_counter() - t
        project.close()
        print(f"  load                             {t_load:7.2f} s")
        print(f"  score (batches, {default_jobs()} processes)      {t_score:7.2f} s")
        if args.before:
            print(f"  score, before (one table)        {t_one:7.2f} s")
        print(f"  store (rows + indexes)           {t_store:7.2f} s")
        print(f"first text search: full-text index {t_index:7.2f} s   (once per project, not in init)")
        if args.before:
            t = time.perf_counter()
            old_way(Path(d) / "before.review", corpus, scored)
            print(f"  store, before (indexes during the inserts) {time.perf_counter() - t:7.2f} s")


def old_way(path: Path, corpus, scored) -> None:
    conn = Project._connect(path)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    migrate(conn)
    fill(conn, corpus, scored, None)
    conn.close()


if __name__ == "__main__":
    main()
