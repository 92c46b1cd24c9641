"""The Ray engine against the local engine on 100,000 pairs (issue 10: Ray on the local 2-worker
cluster within 1.5x of the local engine, identical output).

    .venv/bin/python bench/score_ray.py [--n 100000] [--shards 8]

Pairs as in bench/score_speed.py (NTREX-128 lines when ../shared is present, else the demo
corpus's), reference-free (no back-translation, no reference), documents of 100 segments, written
as Parquet shards. Local engine: review.score.score on the whole table + the JSONL bytes. Ray:
review.engines.ray_engine.score_ray into a folder of JSONL shards, on a local cluster of 2
workers started once (its start-up is printed apart), then the outputs are compared line by line
(sorted by doc, seg). Skips when ray is not installed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from score_speed import build

import polars as pl

from review.schema import BT, REFERENCE


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--shards", type=int, default=8)
    args = ap.parse_args()
    try:
        import ray  # noqa: F401
    except ImportError:
        print("skipped: ray is not installed (pip install 'mt-review[ray]')")
        return
    from review.engines.ray_engine import cluster, score_ray
    from review.export.scores import to_bytes
    from review.score import score

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    segments, origin = build(args.n)
    segments = segments.with_columns(pl.lit(None, dtype=pl.String).alias(BT),
                                     pl.lit(None, dtype=pl.String).alias(REFERENCE))
    with tempfile.TemporaryDirectory() as d:
        shards = Path(d) / "in"
        shards.mkdir()
        size = -(-segments.height // args.shards)
        for i, part in enumerate(segments.iter_slices(size)):
            part.write_parquet(shards / f"{i:03d}.parquet")
        print(f"{args.n:,} pairs ({origin}), {args.shards} Parquet shards")

        t = time.perf_counter()
        local = to_bytes(score(pl.read_parquet(shards / "*.parquet").rechunk()), "jsonl").decode("utf-8").splitlines()
        t_local = time.perf_counter() - t
        print(f"local engine (read, score, JSONL)      {t_local:7.2f} s  {args.n / t_local:8.0f} pairs/s")

        t = time.perf_counter()
        with cluster(None, num_cpus=2):
            t_start = time.perf_counter() - t
            print(f"ray: local cluster start (2 workers)   {t_start:7.2f} s")
            t = time.perf_counter()
            result = score_ray([str(shards)], Path(d) / "out", "jsonl", num_cpus=2)
            t_ray = time.perf_counter() - t
        print(f"ray engine (3 passes, JSONL shards)    {t_ray:7.2f} s  {args.n / t_ray:8.0f} pairs/s "
              f"({args.n / t_ray / 2:.0f} per worker), {result.shards} shards")
        print(f"ratio ray / local: {t_ray / t_local:.2f}x (target <= 1.5x); with start-up "
              f"{(t_ray + t_start) / t_local:.2f}x")
        got = [x for f in sorted((Path(d) / "out").glob("part-*.jsonl"))
               for x in f.read_text("utf-8").splitlines()]
        key = lambda x: (json.loads(x)["doc"], json.loads(x)["seg"])  # noqa: E731
        pairs = list(zip(sorted(got, key=key), sorted(local, key=key)))
        same = sum(a == b for a, b in pairs)
        print(f"identical records: {same:,} of {len(local):,} ({len(got):,} written by ray)")
        for a, b in [(a, b) for a, b in pairs if a != b][:3]:
            print(f"  differs: {key(b)}")
        if same != len(local) or len(got) != len(local):
            sys.exit(1)


if __name__ == "__main__":
    main()
