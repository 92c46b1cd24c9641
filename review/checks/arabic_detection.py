"""When langdetect can only answer Arabic: texts wrong_language need not send to it.

langdetect (Detector.append, cleaning_text, _extract_ngrams, NGram.normalize) cuts a text at
10,000 characters, blanks URLs and e-mail addresses, drops its Latin letters (A..z) when the
characters from U+0300 up are more than twice as many, and turns ASCII non-letters, General
Punctuation (U+2000-U+206F) and four Latin-1 signs (NBSP, « ° ») into spaces. A text made of
those, Latin letters so outnumbered, and the basic Arabic block (letters hamza..yeh, marks,
digits, ، ؛ ؟ ٪) reaches the detector as n-grams of Arabic-block characters only. Then:

- the 52 languages other than Arabic, Persian and Urdu: in langdetect's profiles every n-gram of
  Arabic-block characters is at least as probable in Arabic as in each of them (checked on the
  installed profiles by tests/test_checks_language.py). Each update multiplies Arabic's
  probability by w + p_ar(g) >= w + p_L(g), so none of them ends above Arabic, let alone at 0.8.
- Persian and Urdu can win on such a text (Persian typed with Arabic ي and ك reads as Persian with
  probability 1.0), so `sees_only_arabic` also bounds them with langdetect's own numbers. In a
  trial the log-ratio S = log(P(ar) / P(fa)) starts at 0 and moves by X = -log r(g),
  r(g) = (w + p_fa(g)) / (w + p_ar(g)), g drawn uniformly from the text's n-grams, w = alpha /
  10000 with alpha ~ N(0.5, 0.05). If phi = mean over the n-grams of r(g)^THETA <= PHI_MAX, then
  exp(-THETA * S) is a supermartingale and (Ville's inequality) S reaches -11.5 (Persian above
  0.99999: the trial converges on it) with probability <= exp(-11.5 * THETA) = 3.2e-3, and ends
  the 1001 updates of an unconverged trial at or below log(0.4 / 0.6) with probability <=
  PHI_MAX ** 1001 < 2e-9. Persian at 0.8 over the 7 trials needs 4 trials ending with it at 0.6
  or more: probability <= 35 * (3.2e-3 + 2e-9 + 6e-7)^4 < 4e-9 per text (6e-7: alpha outside
  0.25..0.75, five standard deviations; phi is taken at the worse end of that range, r being
  monotone in w); Urdu likewise. The bound holds for the seeded generator as far as it behaves
  like a random one.

A window in none of the three profiles read here is counted as r = 1 (it weighs Arabic and the
rival alike, or langdetect skips it), which can only raise phi. wrong_language flags at 0.8
(language.MIN_PROBABILITY): a lower threshold needs fewer such trials and weakens the bound.

On 25,000 Arabic texts (NTREX-128 and the demo: sentences, windows of 10 to 20 words, random
10-word bags) 97% are decided this way, and langdetect puts Arabic above 0.99999 on every one of
them (bench/langdetect_arabic.py); the others, and all other texts, go to langdetect as before.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from langdetect import detector_factory
from langdetect.detector import Detector

from review.arabic import BLOCK

_BASIC_ARABIC = "\u060c\u061b\u061f\u0621-\u063a\u0640-\u065f\u0660-\u066d\u0670"
_NEUTRAL = "\u0000-\u007f\u00a0\u00ab\u00b0\u00bb\u2000-\u206f"
_OUTSIDE = re.compile(f"[^{_NEUTRAL}{_BASIC_ARABIC}]")
LATIN = re.compile("[A-z]")  # langdetect's own test: 'A' <= ch <= 'z'
_NOT_ARABIC_BLOCK = re.compile(f"[^{BLOCK}]+")
MAX_TEXT = 10_000  # Detector.max_text_length
THETA = 0.5
PHI_MAX = 0.98
ALPHA_RANGE = (0.25, 0.75)  # alpha = 0.5 + N(0, 1) * 0.05, within five standard deviations
RIVALS = ("fa", "ur")


def sees_only_arabic(text: str) -> bool:
    """Whether langdetect, given `text`, can only answer Arabic (see the module docstring)."""
    phi = rival_phi(text)
    return phi is not None and all(p <= PHI_MAX for p in phi)


def rival_phi(text: str) -> tuple[float, ...] | None:
    """Per rival (Persian, Urdu), the mean of r(g)^THETA over the n-grams langdetect would sample
    from `text`, r taken at the worse end of the alpha range; None when langdetect would see more
    than Arabic-block characters (or nothing)."""
    if len(text) > MAX_TEXT or _OUTSIDE.search(text):
        return None
    # Of the characters allowed, those from U+0300 up are the ones from U+0600 up: all but the
    # ones Latin-1 can encode.
    non_latin = len(text) - len(text.encode("latin-1", "ignore"))
    if 2 * len(LATIN.findall(text)) >= non_latin:
        return None
    # What langdetect keeps: URLs and addresses blanked, Latin letters dropped, the rest of the
    # allowed characters spaces.
    kept = Detector.URL_RE.sub(" ", text) if "://" in text else text
    kept = LATIN.sub("", Detector.MAIL_RE.sub(" ", kept) if "@" in kept else kept)
    spaced = _NOT_ARABIC_BLOCK.sub(" ", kept)
    words = spaced.split()
    if not words:
        return None
    terms = [_word_terms(word, False) for word in words[:-1]]
    terms.append(_word_terms(words[-1], not spaced.endswith(" ")))
    count = sum(n for _, n in terms)
    return tuple(sum(sums[k] for sums, _ in terms) / count for k in range(len(RIVALS))) if count else None


@functools.lru_cache(maxsize=1 << 16)
def _word_terms(word: str, at_end: bool) -> tuple[tuple[float, ...], int]:
    """For one word: per rival, the sum of r(g)^THETA over its windows, and their number.
    langdetect samples the 1- to 3-character windows of " word " that end after its first space
    (without the closing space at the very end of the text) and are in some profile. All of them
    count here, one in none of the three profiles read as r = 1: in another profile it weighs
    Arabic and the rival alike; in none, langdetect skips it, and while the mean is below 1 (the
    only case that decides anything) a term of 1 can only raise it."""
    profiles = _profiles()
    padded = " " + word + ("" if at_end else " ")
    lo, hi = (a / Detector.BASE_FREQ for a in ALPHA_RANGE)
    sums, count = [0.0] * len(RIVALS), 0
    for end in range(2, len(padded) + 1):
        for n in (1, 2, 3):
            gram = padded[end - n:end] if end >= n else " "
            if gram == " ":
                continue
            count += 1
            p = profiles.get(gram)
            for k in range(len(RIVALS)):
                sums[k] += 1.0 if p is None else max(
                    (lo + p[k + 1]) / (lo + p[0]), (hi + p[k + 1]) / (hi + p[0])) ** THETA
    return tuple(sums), count


@functools.cache
def _profiles() -> dict[str, tuple[float, ...]]:
    """n-gram -> its probability in Arabic and in each rival, as langdetect computes it
    (DetectorFactory.add_profile: count / number of n-grams of its length). Three profiles read
    directly: loading all 55 into langdetect costs a third of a second."""
    table: dict[str, list[float]] = {}
    langs = ("ar", *RIVALS)
    for i, lang in enumerate(langs):
        data = json.loads((Path(detector_factory.PROFILES_DIRECTORY) / lang).read_text(encoding="utf-8"))
        for gram, freq in data["freq"].items():
            if 1 <= len(gram) <= 3:
                table.setdefault(gram, [0.0] * len(langs))[i] = 1.0 * freq / data["n_words"][len(gram) - 1]
    return {gram: tuple(p) for gram, p in table.items()}
