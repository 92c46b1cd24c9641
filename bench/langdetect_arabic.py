"""What langdetect answers on texts that wrong_language decides as Arabic without asking it
(review.checks.arabic_detection.sees_only_arabic), and how many Arabic texts that decides.

    .venv/bin/python bench/langdetect_arabic.py [--samples N]

Texts: every Arabic target of NTREX-128 (../shared/data/ntrex128-dev, when present) and of the
demo corpus, windows of 10 to 20 consecutive words of them (10 is the fewest the prefilter
accepts), and bags of 10 words drawn at random from all of them (n-gram mixtures no real sentence
has). Numbers, URLs and Latin words are masked as the check masks them. The answer is bounded
in review.checks.arabic_detection; this checks it on real text (Arabic should come first on every
text decided) and measures the share of texts decided, which is the time saved.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

from ntrex_segments import DATA, available

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from review.checks.arabic_detection import sees_only_arabic  # noqa: E402
from review.checks.language import DECLARED_CANDIDATE, MIN_PROBABILITY, _NUMBER_RE, candidates  # noqa: E402
from review.checks.text import URL_OR_EMAIL_RE  # noqa: E402

_MASK = re.compile(f"{URL_OR_EMAIL_RE}|{_NUMBER_RE}|[A-Za-z][\\w'’.-]*")


def texts() -> list[str]:
    out = []
    if available():
        out += (DATA / "ar.txt").read_text(encoding="utf-8").splitlines()
    out += (ROOT / "corpora" / "musk-letter" / "ar.mt.txt").read_text(encoding="utf-8").splitlines()
    return [_MASK.sub(" ", t) for t in out if t.strip()]


def samples(lines: list[str], bags: int, seed: int = 1) -> tuple[list[str], int]:
    """The texts decided as Arabic, and the number of texts tried."""
    rng = random.Random(seed)
    out = list(lines)
    vocabulary = []
    for line in lines:
        words = line.split()
        vocabulary += words
        for size in (10, 12, 15, 20):
            for start in range(0, max(len(words) - size + 1, 0), size):
                out.append(" ".join(words[start:start + size]))
    out += [" ".join(rng.choice(vocabulary) for _ in range(10)) for _ in range(bags)]
    out = list(dict.fromkeys(out))
    return [t for t in out if sees_only_arabic(t)], len(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=3000, help="random 10-word bags (default 3000)")
    args = parser.parse_args()
    todo, tried = samples(texts(), args.samples)
    flagged, not_first, worst_ar, worst_other = [], 0, 1.0, ("", 0.0)
    lowest = []
    for text in todo:
        found = candidates(text)
        probs = dict(found)
        ar = probs.get("ar", 0.0)
        worst_ar = min(worst_ar, ar)
        lowest.append((ar, text))
        for lang, p in found:
            if lang != "ar" and p > worst_other[1]:
                worst_other = (lang, p)
        if found and found[0][0] != "ar":
            not_first += 1
            if found[0][1] >= MIN_PROBABILITY and ar < DECLARED_CANDIDATE:
                flagged.append((text, found))
    print(f"{len(todo)} of {tried} texts decided as Arabic without langdetect")
    print(f"  Arabic not first: {not_first}; would be flagged by wrong_language: {len(flagged)}")
    print(f"  lowest Arabic probability: {worst_ar:.6f}; "
          f"highest other language: {worst_other[0]} {worst_other[1]:.3f}")
    for ar, text in sorted(lowest)[:5]:
        print(f"  Arabic {ar:.6f}: {candidates(text)} {text[:90]}")
    for text, found in flagged[:10]:
        print("  FLAGGED", found, text[:80])


if __name__ == "__main__":
    main()
