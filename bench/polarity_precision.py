"""Precision and recall of the polarity check (review.checks.meaning.polarity_flags).

    .venv/bin/python bench/polarity_precision.py [--split tune|heldout|all]

Clean pairs: NTREX-128 English->Arabic (../shared/data/ntrex128-dev, professional translations):
every firing there counts as a false alarm (an upper bound: a few may be real divergences).
Injected errors: (lost) the Arabic negation particles deleted from pairs where both sides are
negated; (added) لم inserted after the first word of pairs where neither side is negated; (one of
several) one particle deleted from pairs whose source and target both have two or more negations
(caught by the negation_count check, kind "fewer").
Precision is estimated on the mix of all clean pairs and all injected pairs.
"""

from __future__ import annotations

import argparse
import re

from ntrex_segments import DATA, add_split_argument, load_segments, require

import polars as pl

from review.checks.meaning import AR_STRONG, AR_WEAK, EN_STRONG, EN_WEAK, polarity_flags

_AR_NEG = re.compile(r"(?<!\w)[وف]?(?:لا|لم|لن|ليس|ليست|لست|ليسوا|لسنا|ليسا|ألا|كلا)(?!\w)\s*")


_AR_ONE = r"(?<!\w)[وف]?(?:لا|لم|لن|ليس|ليست)(?!\w)\s*"


def _drop_one(text: str) -> str:
    """The text without its last negation particle."""
    found = list(re.finditer(_AR_ONE, text))
    return text[:found[-1].start()] + text[found[-1].end():]


def frame(src: list[str], tgt: list[str]) -> pl.DataFrame:
    return (pl.DataFrame({"source": src, "target": tgt}).with_row_index("_row")
            .with_columns(pl.col("_row").cast(pl.Int64)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_split_argument(parser)
    args = parser.parse_args()
    require(DATA)
    segments = load_segments(DATA, args.split)
    clean = frame(segments["source"].to_list(), segments["target"].to_list())
    found = polarity_flags(clean)
    fired = found.filter(pl.col("kind") != "fewer")
    fewer = found.height - fired.height
    print(f"split {args.split}; clean NTREX pairs: {clean.height}, polarity (major) fires on {fired.height} "
          f"({100 * fired.height / clean.height:.1f}%), negation_count (minor) on {fewer} "
          f"({100 * fewer / clean.height:.1f}%): false alarms, upper bounds")
    quiet = clean.join(fired.select("_row"), on="_row", how="anti")
    flags = quiet.with_columns(
        pl.col("source").str.contains(EN_STRONG).alias("en"),
        pl.col("target").str.contains(AR_STRONG).alias("ar"),
        (pl.col("source").str.contains(EN_STRONG) | pl.col("source").str.contains(EN_WEAK)).alias("en_any"),
        (pl.col("target").str.contains(AR_STRONG) | pl.col("target").str.contains(AR_WEAK)).alias("ar_any"))
    both = flags.filter(pl.col("en") & pl.col("ar"))
    lost = frame(both["source"].to_list(), [_AR_NEG.sub("", t) for t in both["target"]])
    neither = flags.filter(~pl.col("en_any") & ~pl.col("ar_any"))
    added = frame(neither["source"].to_list(),
                  [re.sub(r"^(\S+\s+)", r"\1لم ", t, count=1) for t in neither["target"]])
    counted = quiet.with_columns(
        pl.col("source").str.count_matches(EN_STRONG).alias("en_n"), pl.col("target").str.count_matches(AR_STRONG).alias("ar_n"))
    several = counted.filter((pl.col("en_n") >= 2) & (pl.col("ar_n") >= 2))
    one_less = frame(several["source"].to_list(), [_drop_one(t) for t in several["target"]])
    tp_fewer = polarity_flags(one_less).filter(pl.col("kind").is_in(["fewer", "lost"])).height
    tp_lost = polarity_flags(lost).filter(pl.col("kind") == "lost").height
    tp_added = polarity_flags(added).filter(pl.col("kind") == "added").height
    print(f"injected 'negation lost':  {lost.height:4d} pairs, recall {100 * tp_lost / max(lost.height, 1):.1f}%")
    print(f"injected 'negation added': {added.height:4d} pairs, recall {100 * tp_added / max(added.height, 1):.1f}%")
    print(f"injected 'one of several negations lost': {one_less.height:4d} pairs, recall "
          f"{100 * tp_fewer / max(one_less.height, 1):.1f}%")
    tp = tp_lost + tp_added
    print(f"precision on clean + injected pairs: {100 * tp / max(tp + fired.height, 1):.1f}% "
          f"({tp} true / {fired.height} false alarms)")


if __name__ == "__main__":
    main()
