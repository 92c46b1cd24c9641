"""Recall on controlled errors: inject one kind of error into clean NTREX-128 pairs, score, count.

For each error type, N segments (seeded) are chosen among those that the clean run does not flag
major or worse and where the injection applies; the error is injected into them (the rest of the
corpus untouched, so document-level checks see their usual context) and the corpus is scored.
Printed per type:
  intended  share of injected segments on which one of the checks meant for this error fired
  major+    share of injected segments with any flag of severity major or critical
  clean     clean segments on which one of those checks fires (false alarms, an upper bound)
  prec.     precision of those checks on the clean segments plus the injected ones
Plus the false-positive rate: untouched segments flagged major or worse, in the clean run and over
all injected runs. Exits cleanly when the data is absent.

    .venv/bin/python bench/inject_errors.py [--split tune|heldout|all] [--n 40] [--seed 1] [--types a,b] [--show 2]
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path
from typing import Callable

from ntrex_segments import DATA, add_split_argument, load_segments, require

import polars as pl

from review.config import load_config
from review.schema import CHECK, DOC, MAX_SEVERITY, SEG, SEVERITY_RANK, SOURCE, TARGET
from review.score import score

Pair = tuple[str, str]
Inject = Callable[[str, str, random.Random], Pair | None]

ARABIC_WORD = re.compile(r"[\u0621-\u064A]{3,}")
NUMBER = re.compile(r"\d+")
END_PUNCT = re.compile(r"[.!?؟…\"”»)]+$")
PUBLICATIONS = [  # English name -> a word-for-word "translation" a careless MT produces
    ("The Guardian", "الحارس"),
    ("The Independent", "المستقل"),
    ("The Economist", "الاقتصادي"),
    ("the Financial Times", "الأوقات المالية"),
    ("The Washington Post", "المنشور واشنطن"),
    ("The Sun", "الشمس"),
]


def changed_number(src: str, tgt: str, rng: random.Random) -> Pair | None:
    shared = [m for m in NUMBER.finditer(tgt) if m.group() in NUMBER.findall(src)]
    if not shared:
        return None
    m = rng.choice(shared)
    new = str(int(m.group()) + rng.choice([1, 2, 7, 10]))
    return src, tgt[:m.start()] + new + tgt[m.end():]


def dropped_clause(src: str, tgt: str, rng: random.Random) -> Pair | None:
    if len(src) < 60:
        return None
    end = END_PUNCT.search(tgt)
    body, close = (tgt[:end.start()], end.group()) if end else (tgt, "")
    cut = body.rfind("،")
    if cut < 0 or len(body) - cut < 0.35 * len(body):
        words = body.split()
        if len(words) < 8:
            return None
        kept = " ".join(words[: int(len(words) * 0.55)])
    else:
        kept = body[:cut]
    return src, kept.rstrip() + (close or ".")


def copied_source(src: str, tgt: str, rng: random.Random) -> Pair | None:
    return (src, src) if len(src) >= 20 else None


def translated_url(src: str, tgt: str, rng: random.Random) -> Pair | None:
    n = rng.randint(10, 99)
    return (f"{src} Details: https://www.example.org/news/report-{n}.",
            f"{tgt} التفاصيل: https://www.example.org/أخبار/تقرير-{n}.")


def translated_email(src: str, tgt: str, rng: random.Random) -> Pair | None:
    return f"{src} Contact: press.office@example.org.", f"{tgt} للتواصل: مكتب.الصحافة@example.org."


def doubled_word(src: str, tgt: str, rng: random.Random) -> Pair | None:
    words = [m for m in ARABIC_WORD.finditer(tgt) if len(m.group()) >= 4]
    if not words:
        return None
    m = rng.choice(words)
    return src, tgt[:m.end()] + " " + m.group() + tgt[m.end():]


PAIRS = [("(", ")"), ("«", "»"), ("“", "”"), ('"', '"'), ("[", "]")]


def unbalanced_bracket(src: str, tgt: str, rng: random.Random) -> Pair | None:
    """Drop the closing half of a bracket or quote pair, or open one that never closes."""
    for left, right in PAIRS:
        i = tgt.find(left)
        j = tgt.find(right, i + 1) if i >= 0 else -1
        if j > i >= 0:
            return src, tgt[:j] + tgt[j + 1:]
    words = list(ARABIC_WORD.finditer(tgt))
    if len(words) < 4:
        return None
    m = rng.choice(words[1:-1])
    left = rng.choice(["(", "«", '"'])
    return src, tgt[:m.start()] + left + tgt[m.start():]


NEG_EN = re.compile(r"\b(not|never|no)\b|n't", re.I)
NEG_AR = re.compile(r"(?:^|\s)(لا|لم|لن|ليس|ليست)(?=\s)")


# Particles that open an idiom negate nothing (لا يزال = still, لا شك = no doubt, لا بد = must; "no
# doubt" in English): removing one is no dropped negation, so such pairs are not used.
AR_IDIOM = re.compile(r"(?:لا|لم)\s*(?:سيما|بد|يزال|تزال|يزالون|زال|شك|محالة|غنى|يسع\w*)")
EN_IDIOM = re.compile(r"\b(?:not only|not least|no doubt|no matter|not to mention)\b", re.I)


def negation_removed(src: str, tgt: str, rng: random.Random) -> Pair | None:
    if not NEG_EN.search(EN_IDIOM.sub(" ", src)):
        return None
    found = list(NEG_AR.finditer(tgt))
    if len(found) != 1 or AR_IDIOM.search(tgt):  # one negation only: removing it surely flips the meaning
        return None
    m = found[0]
    return src, tgt[:m.start(1)] + tgt[m.end(1) + 1:]


def name_translated(src: str, tgt: str, rng: random.Random) -> Pair | None:
    name, literal = rng.choice(PUBLICATIONS)
    body = END_PUNCT.sub("", src)
    tbody = END_PUNCT.sub("", tgt)
    return f"{body}, according to {name}.", f"{tbody}، بحسب {literal}."


def stray_letter(src: str, tgt: str, rng: random.Random) -> Pair | None:
    words = list(ARABIC_WORD.finditer(tgt))
    if len(words) < 3:
        return None
    m = rng.choice(words[1:])
    letter = rng.choice(["أ", "a"])
    return src, tgt[:m.start()] + letter + " " + tgt[m.start():]


def english_left(src: str, tgt: str, rng: random.Random) -> Pair | None:
    english = [w for w in re.findall(r"\b[a-z]{5,}\b", src)]
    words = list(ARABIC_WORD.finditer(tgt))
    if not english or len(words) < 3:
        return None
    m = rng.choice(words[1:])
    return src, tgt[:m.start()] + rng.choice(english) + tgt[m.end():]


def truncated(src: str, tgt: str, rng: random.Random) -> Pair | None:
    words = tgt.split()
    if len(words) < 10:
        return None
    return src, " ".join(words[: int(len(words) * 0.6)])


def empty_target(src: str, tgt: str, rng: random.Random) -> Pair | None:
    return src, ""


# error type -> (injection, the checks meant to catch it). "swapped_segments" is special-cased.
TYPES: dict[str, tuple[Inject | None, frozenset[str]]] = {
    "changed_number": (changed_number, frozenset({"number_mismatch"})),
    "dropped_clause": (dropped_clause, frozenset({"length_short", "truncated"})),
    "copied_source": (copied_source, frozenset({"untranslated", "wrong_language"})),
    "translated_url": (translated_url, frozenset({"url_changed"})),
    "translated_email": (translated_email, frozenset({"email_changed"})),
    "swapped_segments": (None, frozenset({"length_short", "length_long", "number_mismatch", "name_missing",
                                          "low_confidence", "misaligned"})),
    "doubled_word": (doubled_word, frozenset({"repeated_word"})),
    "unbalanced_bracket": (unbalanced_bracket, frozenset({"unbalanced_brackets", "unbalanced_quotes"})),
    "negation_removed": (negation_removed, frozenset({"polarity", "negation_count"})),
    "name_translated": (name_translated, frozenset({"name_translated"})),
    "stray_letter": (stray_letter, frozenset({"stray_letter"})),
    "english_left": (english_left, frozenset({"latin_leftover"})),
    "truncated": (truncated, frozenset({"truncated", "length_short"})),
    "empty_target": (empty_target, frozenset({"empty_target"})),
}


def severe_segments(scored) -> pl.DataFrame:
    rank = pl.col(MAX_SEVERITY).replace_strict(SEVERITY_RANK, default=-1, return_dtype=pl.Int64)
    return scored.segments.filter(rank >= SEVERITY_RANK["major"]).select(DOC, SEG)


def choose(segments: pl.DataFrame, eligible: list[bool], name: str, n: int, rng: random.Random):
    """Rows to inject and their new (source, target)."""
    src, tgt = segments[SOURCE].to_list(), segments[TARGET].to_list()
    docs = segments[DOC].to_list()
    rows = [i for i in range(segments.height) if eligible[i]]
    rng.shuffle(rows)
    changes: dict[int, Pair] = {}
    inject = TYPES[name][0]
    for i in rows:
        if len(changes) >= n:
            break
        if inject is None:  # swap targets with the next segment of the same document
            j = i + 1
            if j < len(docs) and docs[j] == docs[i] and eligible[j] and i not in changes and j not in changes \
                    and abs(len(tgt[i]) - len(tgt[j])) > 0.3 * max(len(tgt[i]), len(tgt[j])):
                changes[i], changes[j] = (src[i], tgt[j]), (src[j], tgt[i])
            continue
        pair = inject(src[i], tgt[i], rng)
        if pair is not None:
            changes[i] = pair
    return changes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--n", type=int, default=40, help="segments injected per error type")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--types", default=",".join(TYPES), help="comma-separated error types")
    parser.add_argument("--show", type=int, default=2, help="missed examples printed per type")
    add_split_argument(parser)
    args = parser.parse_args()
    require(args.data)
    config = load_config()
    clean = load_segments(args.data, args.split)
    t0 = time.perf_counter()
    base = score(clean, config)
    base_time = time.perf_counter() - t0
    base_severe = severe_segments(base).with_columns(pl.lit(True).alias("_severe"))
    marks = clean.select(DOC, SEG).join(base_severe, on=[DOC, SEG], how="left")
    quiet = (~marks["_severe"].fill_null(False)).to_list()
    print(f"split {args.split}; clean run: {clean.height} segments, {base_severe.height} flagged major+ "
          f"({base_severe.height / clean.height:.1%}), {base_time:.1f} s")
    print(f"{'error type':<18} {'n':>3} {'intended':>9} {'major+':>7} {'clean':>6} {'prec.':>6}  intended checks")
    fp_num = fp_den = 0
    recalls = []
    for name in args.types.split(","):
        inject, intended = TYPES[name]
        base_hits = base.flags.filter(pl.col(CHECK).is_in(list(intended))).select(DOC, SEG).unique()
        hit_rows = clean.select(DOC, SEG).with_row_index("_i").join(base_hits, on=[DOC, SEG])["_i"].to_list()
        eligible = list(quiet)
        for i in hit_rows:
            eligible[i] = False
        rng = random.Random(f"{args.seed}-{name}")
        changes = choose(clean, eligible, name, args.n, rng)
        rows = sorted(changes)
        src = clean[SOURCE].to_list()
        tgt = clean[TARGET].to_list()
        for i in rows:
            src[i], tgt[i] = changes[i]
        injected = clean.with_columns(pl.Series(SOURCE, src), pl.Series(TARGET, tgt))
        scored = score(injected, config)
        keys = clean.select(DOC, SEG).with_row_index("_i")
        touched = keys.filter(pl.col("_i").is_in(rows)).select(DOC, SEG)
        fired = (scored.flags.filter(pl.col(CHECK).is_in(list(intended)))
                 .select(DOC, SEG).unique().with_columns(pl.lit(True).alias("_intended")))
        severe = severe_segments(scored).with_columns(pl.lit(True).alias("_major"))
        res = (touched.join(fired, on=[DOC, SEG], how="left").join(severe, on=[DOC, SEG], how="left")
               .with_columns(pl.col("_intended", "_major").fill_null(False)))
        n = res.height
        if n == 0:
            print(f"{name:<18} {0:>3}  (no segment where this injection applies)")
            continue
        rec_i, rec_m = res["_intended"].mean(), res["_major"].mean()
        recalls.append(rec_i)
        # clean: segments of the clean run on which an intended check fires (false alarms, an upper
        # bound); precision: caught injected segments over those plus the clean firings.
        clean_fp = len(hit_rows)
        tp = int(res["_intended"].sum())
        prec = tp / max(tp + clean_fp, 1)
        print(f"{name:<18} {n:>3} {rec_i:>9.0%} {rec_m:>7.0%} {clean_fp:>6} {prec:>6.0%}  {', '.join(sorted(intended))}")
        untouched = scored.segments.select(DOC, SEG).join(touched, on=[DOC, SEG], how="anti")
        fp_num += untouched.join(severe_segments(scored), on=[DOC, SEG]).height
        fp_den += untouched.height
        missed = res.filter(~pl.col("_intended")).join(
            injected.select(DOC, SEG, SOURCE, TARGET), on=[DOC, SEG]).head(args.show)
        for r in missed.iter_rows(named=True):
            print(f"      missed {r[DOC]} #{r[SEG]}: {r[TARGET][:140]}")
    if recalls:
        print(f"macro recall (intended check) over {len(recalls)} error types: {sum(recalls) / len(recalls):.1%}")
    if fp_den:
        print(f"false-positive rate on untouched segments (major+): {fp_num / fp_den:.1%} "
              f"over all injected runs; {base_severe.height / clean.height:.1%} in the clean run")


if __name__ == "__main__":
    main()
