"""Word-level difference between the MT and a correction (report and dashboard)."""

from __future__ import annotations

import difflib
import re
from html import escape

EQUAL, DELETE, INSERT = "equal", "delete", "insert"

# Words (any script, with attached marks), runs of spaces, or single other characters; joined
# back they give the text unchanged.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def word_diff(a: str | None, b: str | None) -> list[tuple[str, str]]:
    """[(op, text)] with op "equal", "delete" (only in a) or "insert" (only in b); the equal and
    delete pieces concatenate to `a`, the equal and insert pieces to `b`."""
    ta, tb = tokens(a or ""), tokens(b or "")
    out: list[tuple[str, str]] = []

    def add(op: str, parts: list[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if tag == "equal":
            add(EQUAL, ta[i1:i2])
        else:
            add(DELETE, ta[i1:i2])
            add(INSERT, tb[j1:j2])
    return out


def diff_html(a: str | None, b: str | None) -> str:
    """The diff as HTML: escaped text, removals in <del>, additions in <ins>. Wrap it in an
    element with dir="rtl" (or dir="auto") for Arabic."""
    wrap = {EQUAL: "{}", DELETE: "<del>{}</del>", INSERT: "<ins>{}</ins>"}
    return "".join(wrap[op].format(escape(text)) for op, text in word_diff(a, b))


def diff_marked(a: str | None, b: str | None) -> str:
    """The word diff as plain text for a terminal: [-removed-] {+added+} (git's --word-diff)."""
    marks = {DELETE: "[-{}-]", INSERT: "{{+{}+}}"}
    return "".join(marks.get(op, "{}").format(t) for op, t in word_diff(a, b))


def edit_stats(a: str | None, b: str | None) -> dict[str, int]:
    """Characters and words removed and added between a and b."""
    d = word_diff(a, b)
    return {
        "chars_deleted": sum(len(t) for op, t in d if op == DELETE),
        "chars_inserted": sum(len(t) for op, t in d if op == INSERT),
        "words_deleted": sum(len(re.findall(r"\w+", t)) for op, t in d if op == DELETE),
        "words_inserted": sum(len(re.findall(r"\w+", t)) for op, t in d if op == INSERT),
    }
