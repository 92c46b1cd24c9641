"""Paragraphs and sentences of a plain document, with character offsets into the original text.

The spans are exact: `text[start:end]` is the sentence, trimmed of surrounding whitespace, so that
export can rebuild the document by replacing spans. Rules:

- A blank (whitespace-only) line separates paragraphs.
- Every non-empty line ends a unit: a sentence never spans a line break here. A sentence the MT
  broke across two lines is put back together by the aligner (1-2 beads), not by the splitter.
- A markdown heading line (`### x`) is one segment; a bullet item (`* x`, `- x`, `1. x`) starts a
  new segment and its marker stays in that segment.
- Within a line, a sentence ends after `. ? ! ؟ …` (possibly repeated, possibly followed by closing
  quotes or brackets) when whitespace follows, unless the stop belongs to an abbreviation (U.S.,
  Dr., e.g., د.) or the next word starts in lower case. Decimals, dates, URLs and e-mail addresses
  have no whitespace after their dots, so they are never cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from review.arabic import ARABIC_INDIC_DIGITS, BASIC_LETTERS

HEADING_RE = re.compile(r"#{1,6}(?=\s|$)")
BULLET_RE = re.compile(rf"(?:[*\-+•▪◦]|\d{{1,3}}[.)]|[{ARABIC_INDIC_DIGITS}]{{1,3}}[.)])(?=\s)")
LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")

# A stop, then closing quotes/brackets, then whitespace: a candidate sentence end.
STOP_RE = re.compile(r"(?:[.?!؟…]+|\.\.\.)[\"'”’»)\]]*(?=\s)")
# The token before a stop ("U.S", "e.g", "Jan", "د"), without opening quotes or brackets.
WORD_BEFORE_RE = re.compile(r"[\"'“‘«(\[]*(\S+)$")
# First letter-ish character of the next sentence, after opening quotes/brackets.
NEXT_START_RE = re.compile(r"\s+[\"'“‘«(\[]*(.)", re.S)

ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft rev gen col lt sgt capt cmdr gov sen rep pres hon messrs
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    inc ltd co corp llc plc bros dept est univ assn no nos vol vols fig figs approx ca cf vs etc
    e.g i.e a.m p.m u.s u.k u.n e.u d.c ph.d b.a m.a et al
    """.split()
)
# One Arabic letter plus a dot is an abbreviation (د. for doctor, أ. for professor).
ARABIC_LETTER_RE = re.compile(f"[{BASIC_LETTERS}]")


@dataclass(frozen=True)
class Sentence:
    start: int  # offset of the first character in the document text
    end: int  # offset one past the last character
    para: int  # 1-based paragraph
    line: int  # 1-based line of the file the sentence is on
    line_start: bool  # the sentence is the first one on its line
    kind: str  # "heading", "bullet" (first sentence of a bullet item) or "text"


def _is_abbreviation(before: str) -> bool:
    m = WORD_BEFORE_RE.search(before)
    if not m:
        return False
    word = m.group(1).lower()
    if word in ABBREVIATIONS or word.rstrip(".") in ABBREVIATIONS:
        return True
    if ARABIC_LETTER_RE.fullmatch(word):
        return True
    # Initials and dotted acronyms: "J.", "U.S.A", "a.k.a".
    if len(word) == 1 and word.isalpha() and m.group(1).isupper():
        return True
    parts = [p for p in word.split(".") if p]
    return "." in word and len(parts) > 1 and all(len(p) <= 2 and p.isalpha() for p in parts)


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end] (one line, already trimmed)."""
    spans = []
    s = start
    line = text[start:end]
    for m in STOP_RE.finditer(line):
        cut = start + m.end()
        stop = m.group(0)
        if stop.startswith(".") and len(stop.rstrip("\"'”’»)]")) == 1:
            if _is_abbreviation(text[s:start + m.start()]):
                continue
        nxt = NEXT_START_RE.match(text, cut, end)
        if not nxt:
            continue
        first = nxt.group(1)
        # "Why?" he asked. / e.g. an Inc. filing: the sentence goes on in lower case.
        if first.islower() or first in ",;:،؛)]":
            continue
        if cut - s > 0 and text[s:cut].strip():
            spans.append((s, cut))
        s = _skip_space(text, cut, end)
    if s < end:
        spans.append((s, end))
    return spans


def _skip_space(text: str, i: int, end: int) -> int:
    while i < end and text[i].isspace():
        i += 1
    return i


def split_sentences(text: str) -> list[Sentence]:
    """All sentences of a document, in order, with offsets into `text`."""
    out: list[Sentence] = []
    para = 0
    in_para = False
    for lineno, m in enumerate(LINE_RE.finditer(text), start=1):
        if m.start() == len(text) and not m.group(0):
            break
        body = m.group(0).rstrip("\r\n")
        stripped = body.strip()
        if not stripped:
            in_para = False
            continue
        if not in_para:
            para += 1
            in_para = True
        start = m.start() + (len(body) - len(body.lstrip()))
        end = m.start() + len(body.rstrip())
        if HEADING_RE.match(stripped):
            out.append(Sentence(start, end, para, lineno, True, "heading"))
            continue
        kind = "bullet" if BULLET_RE.match(stripped) else "text"
        for k, (a, b) in enumerate(_split_line(text, start, end)):
            out.append(Sentence(a, b, para, lineno, k == 0, kind if k == 0 else "text"))
    return out


def segment(text: str) -> pl.DataFrame:
    """The sentences of a document as a frame: start, end, para, line, line_start, kind, text."""
    sents = split_sentences(text)
    return pl.DataFrame(
        {
            "start": [s.start for s in sents],
            "end": [s.end for s in sents],
            "para": [s.para for s in sents],
            "line": [s.line for s in sents],
            "line_start": [s.line_start for s in sents],
            "kind": [s.kind for s in sents],
            "text": [text[s.start:s.end] for s in sents],
        },
        schema={"start": pl.Int64, "end": pl.Int64, "para": pl.Int64, "line": pl.Int64,
                "line_start": pl.Boolean, "kind": pl.String, "text": pl.String},
    )
