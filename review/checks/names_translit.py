"""Transliterations of English name words into Arabic: the regex, a fast matcher and consonant keys.

For a name word (Musk) the transliteration regex is built from its consonants (م + س/ص/ز/ث + ك/ق)
with any long vowels, hamza forms, diacritics and proclitics around them; the letter tables are
data in review.arabic. Matching a regex per name over every target is minutes on 100,000
segments, so review.checks.names_table joins name words and target words on consonant keys
(word_keys / token_keys) and only verifies the few pairs that meet with the matcher
(proclitic_prefix), which accepts exactly the language of the regex (tested by a property test).
"""

from __future__ import annotations

import functools
import re

import polars as pl

from review.arabic import (ALEF_FORMS, ARTICLE, CLITIC_LETTERS, CONJUNCTIONS, EN_CONSONANTS, EN_VOWEL_LETTERS, GLIDES,
                           LI_AL, MARKS, PREPOSITIONS, PROCLITIC_RE, TATWEEL)
from review.checks.meaning import name_words


# --------------------------------------------------------------------------- transliteration regex
# The letter tables are data in review.arabic; marks and tatweel may sit anywhere in a name.
_MARKS = MARKS + TATWEEL
# Shorter words give too many chance matches with ordinary Arabic words.
MIN_CONSONANTS = 2


def _slot_letters(vowels: str, final: bool = False) -> str:
    letters = "".join(dict.fromkeys("".join(EN_VOWEL_LETTERS.get(v, "") for v in vowels)))
    if final and vowels:
        letters += "ةه"
    return letters


def _vowel_slot(vowels: str, final: bool = False) -> str:
    letters = _slot_letters(vowels, final)
    return f"[{letters}{GLIDES}{_MARKS}]*" if letters else f"[{_MARKS}]*"


@functools.cache
def _parse(word: str) -> tuple[tuple[str, ...], tuple[tuple[str, bool], ...]] | None:
    """(vowel slots, consonant parts (regex, optional)) of an English name word, or None when it
    has too few consonants. slots[0] holds the vowels before the first consonant, slots[k + 1]
    those after part k."""
    w = re.sub(r"[^a-z]", "", word.lower())
    w = re.sub(r"([b-df-hj-np-tv-z])\1", r"\1", w)  # doubled consonants are written once
    slots: list[str] = [""]
    parts: list[tuple[str, bool]] = []
    i = 0
    while i < len(w):
        if w[i] in "aeiou" or (w[i] == "y" and i > 0):
            slots[-1] += w[i]
            i += 1
            continue
        for latin, arabic in EN_CONSONANTS:
            if w.startswith(latin, i):
                optional = arabic.endswith("?")
                parts.append((arabic[:-1] if optional else arabic, optional))
                slots.append("")
                i += len(latin)
                break
        else:
            i += 1
    if sum(not opt for _, opt in parts) < MIN_CONSONANTS:
        return None
    return tuple(slots), tuple(parts)


@functools.cache
def translit_skeleton(word: str) -> str | None:
    """Regex (no boundaries) matching Arabic transliterations of an English name word, or None."""
    parsed = _parse(word)
    if parsed is None:
        return None
    slots, parts = parsed
    # A name that starts with a vowel starts with alef in Arabic (أوبن, إيلون), one that starts
    # with a consonant does not; vowel letters follow the English vowels (سام, not سيما or سوم).
    lead = f"[{ALEF_FORMS}]" + _vowel_slot(slots[0]) if slots[0] else f"[{_MARKS}]*"
    body = ""
    for k, (regex, optional) in enumerate(parts):
        vowel = _vowel_slot(slots[k + 1], final=k == len(parts) - 1)
        body += f"(?:{regex}{vowel})?" if optional else f"{regex}{vowel}"
    return lead + body


def _short(word: str) -> bool:
    return len(re.sub("[^a-z]", "", word.lower())) <= 3


@functools.cache
def _translit_regex(word: str) -> re.Pattern | None:
    """The whole Arabic word: proclitics (group 1, with the article unless the name is short: بالدوين
    is not ال+Dan) and the transliteration."""
    skel = translit_skeleton(word)
    if skel is None:
        return None
    prefix = PROCLITIC_RE if _short(word) else f"{PROCLITIC_RE}(?:{ARTICLE})?"
    return re.compile(f"({prefix}){skel}")


# --------------------------------------------------------------------------- matching without regex
# The same language as _translit_regex, run as a set of positions over the word: compiling a
# Python or Rust regex per name costs 0.1-3 ms, this costs microseconds per (name, word) pair.
_MARK_SET = frozenset(c for c in map(chr, range(0x600, 0x700)) if re.fullmatch(f"[{_MARKS}]", c))
_CLITIC1 = (*CONJUNCTIONS, "")  # [وف]?
_CLITIC2 = (*PREPOSITIONS, LI_AL, "")  # (?:[بلك]|ل?ل)? in the order a regex engine tries them


@functools.cache
def _machine(word: str) -> tuple[frozenset | None, frozenset, tuple[tuple[tuple[str, ...], bool, frozenset], ...]]:
    """(lead vowel set or None when the name starts with a consonant, lead marks, steps): each step
    is (consonant alternatives, optional, the vowel set that may follow)."""
    slots, parts = _parse(word)
    lead = (frozenset(_slot_letters(slots[0]) + GLIDES) | _MARK_SET) if slots[0] else None
    steps = []
    for k, (regex, optional) in enumerate(parts):
        letters = _slot_letters(slots[k + 1], final=k == len(parts) - 1)
        vowels = frozenset(letters + GLIDES) | _MARK_SET if letters else _MARK_SET
        steps.append((tuple(_expand(regex)), optional, vowels))
    return lead, _MARK_SET, tuple(steps)


def _star(text: str, positions: set[int], chars: frozenset) -> set[int]:
    out = set()
    for p in positions:
        out.add(p)
        while p < len(text) and text[p] in chars:
            p += 1
            out.add(p)
    return out


def _is_transliteration(word: str, text: str) -> bool:
    """translit_skeleton(word) matches the whole of text."""
    lead, marks, steps = _machine(word)
    if lead is None:
        pos = _star(text, {0}, marks)
    else:
        pos = _star(text, {1}, lead) if text[:1] and text[0] in ALEF_FORMS else set()
    for alts, optional, vowels in steps:
        moved = _star(text, {p + len(a) for p in pos for a in alts if text.startswith(a, p)}, vowels)
        pos = pos | moved if optional else moved
        if not pos:
            return False
    return len(text) in pos


def proclitic_prefix(word: str, form: str) -> str | None:
    """What _translit_regex(word).fullmatch(form).group(1) gives: the first proclitic/article
    prefix, in the regex's order of preference, after which the rest is a transliteration."""
    if _parse(word) is None:
        return None
    articles = ("",) if _short(word) else (ARTICLE, "")
    for a in _CLITIC1:
        if not form.startswith(a):
            continue
        for b in _CLITIC2:
            if not form.startswith(b, len(a)):
                continue
            for c in articles:
                prefix = a + b + c
                if form.startswith(prefix) and _is_transliteration(word, form[len(prefix):]):
                    return prefix
    return None


# --------------------------------------------------------------------------- consonant keys
# Letters that only ever stand in vowel slots, proclitics, the article or optional consonants
# (w, y, h as ه) leave no trace in a key; so do diacritics and tatweel.
_WEAK = set(ALEF_FORMS + "".join(EN_VOWEL_LETTERS.values()) + GLIDES + "ةهو")


def _expand(regex: str) -> list[str]:
    """The strings a consonant regex of EN_CONSONANTS matches (literals, [..] and (?:a|b))."""
    out = [""]
    i = 0
    while i < len(regex):
        if regex.startswith("(?:", i):
            j = regex.index(")", i)
            alts, i = regex[i + 3:j].split("|"), j + 1
        elif regex[i] == "[":
            j = regex.index("]", i)
            alts, i = list(regex[i + 1:j]), j + 1
        else:
            alts, i = [regex[i]], i + 1
        out = [o + a for o in out for a in alts]
    return out


def _letter_classes() -> dict[str, str]:
    """Strong letter -> its class representative: letters one English consonant may stand for
    (س/ص/ز/ث, ك/ق ...) share a class, transitively, so that each consonant has one key letter."""
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.setdefault(c, c) != c:
            c = parent[c]
        return c

    for _, regex in EN_CONSONANTS:
        for group in re.findall(r"\[([^\]]+)\]", regex):
            strong = [c for c in group if c not in _WEAK]
            for c in strong[1:]:
                parent[find(c)] = find(strong[0])
        for c in re.sub(r"[\[\]()?:|]", "", regex):
            find(c)
    return {c: find(c) for c in parent if c not in _WEAK}


_CLASS = _letter_classes()
_KEY_TABLE = str.maketrans({**{c: None for c in _WEAK}, **_CLASS})


# Letters a transliteration (with proclitics and article) may contain; other words never match.
_ALPHABET = "".join(sorted(_WEAK | set(_CLASS) | set(CLITIC_LETTERS)))
CANDIDATE_RE = f"^[{_ALPHABET}{_MARKS}]+$"


# A name's keys are every choice of letters for its consonants (Sutskever: س/ص/ز/ث, ت/ط ...);
# beyond this many, the name falls back to class keys (fewer, less selective).
MAX_EXACT_KEYS = 1024
_NO_CLASS = str.maketrans({c: None for c in _WEAK})


@functools.cache
def word_keys(word: str) -> tuple[tuple[str, ...], bool]:
    """(keys, exact) of all Arabic words (without proclitics) that translit_skeleton(word)
    matches: vowel slots hold weak letters only, so a key is one choice of letters for each
    consonant part. exact=False: the keys use letter classes (_key) instead of letters."""
    parsed = _parse(word)
    if parsed is None:
        return (), True
    for table, exact in ((_NO_CLASS, True), (_KEY_TABLE, False)):
        keys = {""}
        for regex, optional in parsed[1]:
            choices = {s.translate(table) for s in _expand(regex)} | ({""} if optional else set())
            keys = {k + c for k in keys for c in choices}
            if exact and len(keys) > MAX_EXACT_KEYS:
                break
        else:
            return tuple(sorted(keys)), exact
    raise AssertionError("unreachable")


def token_keys(token: pl.Expr, exact: bool) -> pl.Expr:
    """List of keys of a target word with any proclitic/article prefix stripped (a superset: the
    matcher decides which reading is right)."""
    key = token.str.replace_all(f"[{_MARKS}]", "")
    weak, classes = list(_WEAK), ({} if exact else _CLASS)
    key = key.str.replace_many(weak + list(classes), [""] * len(weak) + list(classes.values()))
    # A key starts with prefix p exactly when its first len(p) letters are p: one test per prefix
    # length (a handful) instead of one per prefix.
    return pl.concat_list([pl.when(key.str.slice(0, n).is_in(list(group))).then(key.str.slice(n))
                           for n, group in _prefixes_by_length(exact)]).list.drop_nulls().list.unique()


@functools.cache
def _prefixes_by_length(exact: bool) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """The proclitic/article prefixes as keys, grouped by length."""
    table = _NO_CLASS if exact else _KEY_TABLE
    prefixes = {(a + b + c).translate(table) for a in _CLITIC1 for b in _CLITIC2 for c in ("", ARTICLE)}
    return tuple((n, tuple(sorted(p for p in prefixes if len(p) == n))) for n in sorted({len(p) for p in prefixes}))


def _arabic_form_regex(form: str) -> str:
    """An Arabic word as a regex tolerant of hamza/alef spelling, ta marbuta and diacritics."""
    out = []
    for ch in form:
        if ch in ALEF_FORMS:
            out.append(f"[{ALEF_FORMS}]")
        elif ch in "ةه":
            out.append("[ةه]")
        elif ch in "يى":
            out.append("[يى]")
        elif ch.isspace():
            out.append(r"\s+")
        else:
            out.append(re.escape(ch))
        out.append(f"[{_MARKS}]*")
    return "".join(out)


def dictionary_regex(word: str) -> str | None:
    forms = name_words().get(word.lower())
    if not forms:
        return None
    return r"\b" + PROCLITIC_RE + "(?:" + "|".join(_arabic_form_regex(f) for f in forms) + r")\b"


@functools.cache
def dictionary_word_regex(word: str) -> str | None:
    """dictionary_regex(word) for one word run of the target (\\w+, what _pieces cuts), anchored
    instead of bounded by \\b; None when a form is more than one word (or has no forms).

    Every character these regexes can match is a word character (tested), so a \\b...\\b match in
    a text is always a whole word run: testing the distinct runs finds the same matches."""
    forms = name_words().get(word.lower())
    if not forms or not pl.Series(forms).str.contains(r"^\w+$").all():
        return None
    return "^" + PROCLITIC_RE + "(?:" + "|".join(_arabic_form_regex(f) for f in forms) + ")$"


@functools.cache
def dictionary_search(word: str) -> re.Pattern:
    return re.compile("|".join(_arabic_form_regex(f) for f in name_words()[word]))


@functools.cache
def article_search(word: str) -> re.Pattern | None:
    skel = translit_skeleton(word)
    return None if skel is None else re.compile(f"(?:{ARTICLE}|{LI_AL}){skel}")
