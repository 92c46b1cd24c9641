"""`review score` at corpus scale against pofilter and a sacrebleu loop, on the same pairs.

    .venv/bin/python bench/score_scale.py [--n 100000 1000000] [--bt] [--pofilter-max 100000]
                                          [--jobs N] [--batch-size N] [--keep DIR]

For each N: generate N pairs deterministically in documents of 50-1,500 segments
(tests/scale_pairs.py: demo-corpus beads joined, numbered, some made faulty), write them as
JSONL, run `review score PAIRS --format jsonl -o OUT` and measure wall time and peak RSS; the
peak RSS is the largest sum over the process tree (the command and its scoring workers), sampled
every 20 ms from /proc, with the largest single process beside it. The same pairs converted to PO
(msgid = source, msgstr = target) go through `pofilter --language=ar`; above --pofilter-max
pairs pofilter runs on the first --pofilter-max pairs and its time is scaled linearly (said so).
With --bt the pairs carry a back-translation: the command's bt_chrf is compared with sacrebleu's
`CHRF().sentence_score(bt, [source])` on a sample, and the time of that loop (scaled to N) with
the extra wall time the back-translation costs `review score`.

The machine may be shared: the load average is printed; compare ratios from the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from scale_pairs import generate, write  # noqa: E402

PY = sys.executable


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(cmd: list[str], env: dict | None = None) -> dict:
    """Wall time, CPU time (user + system of the process and its workers), peak RSS of the
    process tree (sum) and of its largest process, in MB."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = {"sum": 0, "max": 0}

    def sample():
        while proc.poll() is None:
            sizes = [_rss_kb(p) for p in _tree(proc.pid)]
            peak["sum"] = max(peak["sum"], sum(sizes))
            peak["max"] = max(peak["max"], max(sizes, default=0))
            time.sleep(0.02)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    watcher.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}): {err.decode()[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "rss_sum_mb": peak["sum"] / 1024, "rss_max_mb": peak["max"] / 1024}


def to_po(pairs, path: Path) -> None:
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'

    with open(path, "w", encoding="utf-8") as f:
        f.write('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: ar\\n"\n\n')
        for k, (s, t) in enumerate(zip(pairs["source"].to_list(), pairs["target"].to_list()), 1):
            f.write(f"#: pairs:{k}\nmsgctxt {q(str(k))}\nmsgid {q(s)}\nmsgstr {q(t)}\n\n")


def pofilter(pairs, folder: Path, limit: int) -> tuple[float, int]:
    sample = pairs.head(limit)
    po = folder / "pairs.po"
    to_po(sample, po)
    exe = shutil.which("pofilter") or str(Path(PY).parent / "pofilter")
    r = run([exe, "--language=ar", "-i", str(po), "-o", str(folder / "pofilter.po")])
    return r, sample.height


def review_score(path: Path, out: Path, args) -> dict:
    cmd = [PY, "-m", "review", "score", str(path), "--format", "jsonl", "-o", str(out),
           "--batch-size", str(args.batch_size)]
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return run(cmd, env)


def bt_check(pairs, out: Path, n: int, sample: int) -> dict:
    """bt_chrf of the output against sacrebleu's sentence_score, and the loop's speed."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    got = []
    with open(out, encoding="utf-8") as f:
        for k, line in enumerate(f):
            if k >= sample:
                break
            got.append(json.loads(line)["metrics"]["bt_chrf"])
    src, bt = pairs["source"].to_list()[:sample], pairs["bt"].to_list()[:sample]
    start = time.perf_counter()
    want = [chrf.sentence_score(b, [s]).score if b.strip() and s.strip() else None for s, b in zip(src, bt)]
    loop = time.perf_counter() - start
    same = sum(1 for a, b in zip(got, want) if a == b)
    # The metric pass alone, as review.score runs it (chrF and BLEU of the back-translation against
    # the source from one statistics pass), against sacrebleu's sentence_score loop for both.
    from sacrebleu.metrics import BLEU

    from review.metrics import score_pairs

    start = time.perf_counter()
    per_row, _ = score_pairs(bt, src, ("chrf", "bleu"))
    ours = time.perf_counter() - start
    bleu = BLEU(tokenize="intl", effective_order=True)
    start = time.perf_counter()
    want_bleu = [bleu.sentence_score(b, [s]).score for s, b in zip(src, bt)]
    loop_bleu = time.perf_counter() - start
    same_metric = sum(1 for a, b in zip(per_row["chrf"], want) if a == b)
    same_bleu = sum(1 for a, b in zip(per_row["bleu"], want_bleu) if a == b)
    return {"identical": same, "checked": len(want), "loop_s_scaled": loop * n / len(want),
            "metric_identical": (same_metric, same_bleu), "metric_s": ours, "loop_s": loop + loop_bleu}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--bt", action="store_true", help="pairs with a back-translation column")
    ap.add_argument("--pofilter-max", type=int, default=100_000)
    ap.add_argument("--no-pofilter", action="store_true")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=20_000)
    ap.add_argument("--bt-sample", type=int, default=20_000)
    ap.add_argument("--keep", type=Path, default=None, help="keep the generated files here")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (shared machine: compare ratios)")
    folder = Path(tempfile.mkdtemp(prefix="score-scale."))
    try:
        for n in args.n:
            t = time.perf_counter()
            pairs = generate(n, seed=7, bt=args.bt)
            path = write(pairs, folder / f"pairs{n}.jsonl", "jsonl")
            print(f"\n{n:,} pairs in {pairs['doc'].n_unique():,} documents "
                  f"({path.stat().st_size / 1e6:.0f} MB JSONL, generated in {time.perf_counter() - t:.1f} s)")
            r = review_score(path, folder / "out.jsonl", args)
            print(f"  review score --format jsonl: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU, "
                  f"peak RSS {r['rss_sum_mb']:.0f} MB "
                  f"(all processes; largest one {r['rss_max_mb']:.0f} MB)")
            if args.bt:
                plain = write(pairs.drop("bt"), folder / f"plain{n}.jsonl", "jsonl")
                r0 = review_score(plain, folder / "out0.jsonl", args)
                check = bt_check(pairs, folder / "out.jsonl", n, args.bt_sample)
                extra = max(r["wall"] - r0["wall"], 1e-9)
                print(f"  without the back-translation: {r0['wall']:.1f} s wall, {r0['cpu']:.1f} s CPU; the "
                      f"back-translation (metrics and bt checks) costs {extra:.1f} s wall, "
                      f"{r['cpu'] - r0['cpu']:.1f} s CPU")
                print(f"  bt_chrf identical to sacrebleu sentence_score: {check['identical']}/{check['checked']}; "
                      f"sacrebleu CHRF sentence_score loop {check['loop_s_scaled']:.1f} s for {n:,} "
                      f"(measured on {check['checked']:,}, scaled)")
                print(f"  metric pass alone on those {check['checked']:,} pairs (chrF + BLEU, identical rows: "
                      f"{check['metric_identical'][0]} and {check['metric_identical'][1]}): {check['metric_s']:.2f} s "
                      f"vs sacrebleu sentence_score loop {check['loop_s']:.2f} s: "
                      f"{check['loop_s'] / check['metric_s']:.1f}x")
            if not args.no_pofilter:
                p, m = pofilter(pairs, folder, min(n, args.pofilter_max))
                scaled, scaled_cpu = p["wall"] * n / m, p["cpu"] * n / m
                how = "" if m == n else f" (measured on the first {m:,} pairs: {p['wall']:.1f} s, scaled linearly)"
                print(f"  pofilter --language=ar: {scaled:.1f} s wall, {scaled_cpu:.1f} s CPU{how}; "
                      f"review score is {scaled / r['wall']:.1f}x faster (wall), {scaled_cpu / r['cpu']:.1f}x "
                      f"less CPU")
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, args.keep / path.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
