"""How quiet is the tool on professional translations? NTREX-128 EN->AR, 988 lines, 62 documents.

Scores the line-aligned pairs (one 1-1 segment per line, documents from doc_ids.txt) with the
default configuration and prints the share of segments flagged major or worse (target: under 5%),
the count of flags per check and severity, and examples of each check's firings, so that every
class of false alarm can be inspected. Exits cleanly when the data is absent.

    .venv/bin/python bench/false_alarms.py [--split tune|heldout|all] [--examples 4] [--markdown report.md] [--data DIR]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ntrex_segments import DATA, add_split_argument, load_segments, require

import polars as pl

from review.config import load_config
from review.schema import (CHECK, DOC, LOCATOR, MAX_SEVERITY, MESSAGE, SEG, SEVERITY, SEVERITY_RANK,
                           SOURCE, TARGET)
from review.score import score

TARGET_SHARE = 0.05


def severe(col: str) -> pl.Expr:
    return pl.col(col).replace_strict(SEVERITY_RANK, default=-1, return_dtype=pl.Int64) >= SEVERITY_RANK["major"]


def report(data: Path, n_examples: int, split: str = "all") -> tuple[str, float]:
    segments = load_segments(data, split)
    t0 = time.perf_counter()
    scored = score(segments, load_config())
    elapsed = time.perf_counter() - t0
    segs, flags = scored.segments, scored.flags
    n = segs.height
    n_severe = segs.filter(severe(MAX_SEVERITY)).height
    share = n_severe / n
    lines = [
        f"NTREX-128 EN->AR, split {split}: {n} segments, {segs[DOC].n_unique()} documents, scored in {elapsed:.1f} s",
        f"segments flagged major or worse: {n_severe} ({share:.1%}; target < {TARGET_SHARE:.0%})"
        f"  {'OK' if share < TARGET_SHARE else 'TOO NOISY'}",
        f"segments with any flag: {segs.filter(pl.col('n_flags') > 0).height}",
        f"signature: {scored.signature}",
        "",
        "flags per check (flags, segments with a major+ flag of the check, flags by severity):",
    ]
    by_check = (flags.group_by(CHECK).agg(
        pl.len().alias("flags"),
        pl.struct(DOC, SEG).filter(severe(SEVERITY)).n_unique().alias("major_plus"),
        *(pl.col(SEVERITY).eq(s).sum().alias(s) for s in ("minor", "major", "critical")),
    ).sort("major_plus", "flags", descending=True))
    for r in by_check.iter_rows(named=True):
        lines.append(f"  {r[CHECK]:<22} {r['flags']:>4} flags  major+ segments {r['major_plus']:>3}"
                     f"  (minor {r['minor']}, major {r['major']}, critical {r['critical']})")
    lines.append("")
    examples = (flags.join(segs.select(DOC, SEG, SOURCE, TARGET, LOCATOR), on=[DOC, SEG])
                .with_columns(pl.int_range(pl.len()).over(CHECK).alias("_k"))
                .filter(pl.col("_k") < n_examples))
    for check, group in examples.group_by(CHECK, maintain_order=True):
        lines.append(f"### {check[0]}")
        for r in group.iter_rows(named=True):
            lines.append(f"- {r[DOC]} {r[LOCATOR]} [{r[SEVERITY]}] {r[MESSAGE]}")
            lines.append(f"    src: {r[SOURCE]}")
            lines.append(f"    tgt: {r[TARGET]}")
        lines.append("")
    return "\n".join(lines), share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--examples", type=int, default=4, help="examples printed per check")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the report here")
    add_split_argument(parser)
    args = parser.parse_args()
    require(args.data)
    text, _ = report(args.data, args.examples, args.split)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
