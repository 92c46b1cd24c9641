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
from review.schema import SEGMENT_SCHEMA
from review.stream import ScoreSettings, corpus_candidates, corpus_flags, duplicated_rows
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
        settings = ScoreSettings.make(config)
        scored = score_corpus(corpus.segments, settings)  # what init runs on this size
        t_score = time.perf_counter() - t
        # Its corpus-scope step (in the main process after the batches), redone alone with the key
        # hashes the workers compute from their prepared columns: the rows whose normalised
        # source or target occurs more than once are the candidates of inconsistent_source/target.
        t = time.perf_counter()
        segs = scored.segments.select(list(SEGMENT_SCHEMA))
        candidates = duplicated_rows(corpus_candidates(segs))
        extra = corpus_flags(segs[candidates], settings)
        t_corpus = time.perf_counter() - t
        t = time.perf_counter()
        if args.before:
            score(corpus, config)
            t_one = time.perf_counter() - t
        t, cpu = time.perf_counter(), time.process_time()
        project = Project.create(Path(d) / "p.review", corpus, scored)
        t_store, cpu_store = time.perf_counter() - t, time.process_time() - cpu
        project.close()
        project = Project.open(Path(d) / "p.review")  # as the dashboard opens it
        t, cpu = time.perf_counter(), time.process_time()
        project.ensure_text_index()
        t_index, cpu_index = time.perf_counter() - t, time.process_time() - cpu
        project.close()
        print(f"  load                             {t_load:7.2f} s")
        print(f"  score (batches, {default_jobs()} processes)      {t_score:7.2f} s")
        print(f"  corpus scope, redone alone       {t_corpus:7.2f} s   ({candidates.len():,} candidate rows, "
              f"{extra.height:,} flags)")
        if args.before:
            print(f"  score, before (one table)        {t_one:7.2f} s")
        print(f"  store (rows + indexes)           {t_store:7.2f} s   cpu {cpu_store:.2f} s")
        print(f"first text search: full-text index {t_index:7.2f} s   cpu {cpu_index:.2f} s (once per project, not in init)")
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
