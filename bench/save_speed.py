"""A reviewer's save in the dashboard on a 100,000-segment project: the correction committed and
its checks re-run (workflow.save_correction), issue 10 target under 30 ms.

    .venv/bin/python bench/save_speed.py [--n 100000] [--saves 60]

Pairs as in bench/score_speed.py (NTREX-128 lines when ../shared is present, else the demo
corpus's). Each save appends a word to the MT of a segment spread over the project. Two ways of
running the checks, interleaved save by save so that the machine's load hits both alike:
  one thread   every check on the calling thread (checks.THREADS = 1): polars' per-thread cache
               of compiled patterns (32 entries) is cycled through by the few hundred patterns of
               all checks, so the large ones are compiled again on every save;
  per family   each family of checks on its own long-lived thread (the default): compiled once.
Printed: median and 90th percentile wall time, and process CPU, per save.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from score_speed import build

import polars as pl

import review.checks as checks
from review import workflow
from review.corpus import Corpus
from review.schema import BT, DOC, REFERENCE, SEG, TARGET
from review.store import Project

EDITS = (" أيضا", " كذلك")  # one per mode: langdetect's cache must not favour either


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--saves", type=int, default=60)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    segments, origin = build(args.n)
    # No back-translation, no reference (the stand-in reference of score_speed.build is shuffled
    # words, the worst case for TER: seconds per save, which would hide the checks).
    segments = segments.with_columns(pl.lit(None, dtype=pl.String).alias(BT),
                                     pl.lit(None, dtype=pl.String).alias(REFERENCE))
    corpus = Corpus(segments=segments, documents=pl.DataFrame({DOC: segments[DOC].unique(maintain_order=True)}))
    picks = segments.gather_every(max(1, args.n // (args.saves + 5))).select(DOC, SEG, TARGET).rows()
    with tempfile.TemporaryDirectory() as d:
        project = Project.create(Path(d) / "p.review", corpus)
        print(f"{args.n:,}-segment project ({origin}); {args.saves} saves per mode")
        modes = {"one thread": 1, "per family": 2}
        times = {m: ([], []) for m in modes}
        revs: dict[tuple[str, int], int] = {}
        for k, (doc, seg, target) in enumerate(picks[:args.saves + 5]):
            order = list(modes.items()) if k % 2 == 0 else list(modes.items())[::-1]
            for i, (mode, threads) in enumerate(order):
                checks.THREADS = threads
                text = (target or "") + EDITS[(k + i) % 2]
                rev = revs.get((doc, seg), 0)
                t, c = time.perf_counter(), time.process_time()
                revs[(doc, seg)] = workflow.save_correction(project, doc, seg, text, "bench", rev)
                wall, cpu = time.perf_counter() - t, time.process_time() - c
                if k >= 5:  # the first saves import the checks and start the workers
                    times[mode][0].append(wall)
                    times[mode][1].append(cpu)
        project.close()
    for mode, (wall, cpu) in times.items():
        wall, cpu = sorted(wall), sorted(cpu)
        p90 = lambda xs: xs[int(0.9 * (len(xs) - 1))] * 1000  # noqa: E731
        print(f"save + re-check, {mode:<10}  wall median {statistics.median(wall) * 1000:6.1f} ms, "
              f"p90 {p90(wall):6.1f};  cpu median {statistics.median(cpu) * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
