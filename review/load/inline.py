"""Inline markup of XLIFF and TMX segments -> text with placeholders ⟦1⟧ ⟦/1⟧ ⟦1/⟧.

The translatable text stays; native codes (the content of <bpt>, <ph>, <x/> ...) are replaced by a
placeholder, and the original markup of each placeholder is kept so that nothing is lost: the
TAGS column holds it as JSON. Source and target of one unit share one numbering, so the same
code carries the same number on both sides (what a tag check compares).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from review.load.xmlsafe import attr, end_tag, local, markup, start_tag

# How each inline element is turned into placeholders.
PAIRED = {"g", "pc", "mrk", "hi"}  # content is text: ⟦n⟧content⟦/n⟧
STANDALONE = {"x", "ph", "ut"}  # ⟦n/⟧, content (if any) is native code
OPENING = {"bpt", "bx", "sc", "sm"}  # ⟦n⟧, the closing partner comes later
CLOSING = {"ept", "ex", "ec", "em"}  # ⟦/n⟧
# <it> (isolated code) opens or closes by its pos: "begin"/"end" in TMX, "open"/"close" in XLIFF 1.2.


class Placeholders:
    """Numbering shared by the source and the target of one unit; markup kept per side."""

    def __init__(self) -> None:
        self._numbers: dict[tuple, int] = {}
        self.markup: dict[str, dict[str, str]] = {"source": {}, "target": {}}

    def number(self, key: tuple) -> int:
        if key not in self._numbers:
            self._numbers[key] = len(self._numbers) + 1
        return self._numbers[key]

    def tags_json(self) -> str | None:
        """Placeholder -> markup; the target's markup wins, source-only codes keep the source's."""
        merged = {**self.markup["source"], **self.markup["target"]}
        return json.dumps(merged, ensure_ascii=False, sort_keys=False) if merged else None


_LAYOUT_EDGES = re.compile(r"^[ \t]*\r?\n\s*|\s*\r?\n[ \t]*$")


def flatten(el: ET.Element, ph: Placeholders, side: str, preserve: bool = False) -> str:
    """The text of a <source>/<target>/<seg> element with inline markup as placeholders.

    Unless xml:space="preserve", whitespace that starts or ends with a line break at either edge
    is the file's indentation, not content, and is dropped; other spaces are kept as they are (a
    trailing space is something a reviewer may need to see).
    """
    anon: dict[str, int] = {}
    out: list[str] = []
    _walk(el, ph, side, anon, out)
    text = "".join(out)
    if preserve or attr(el, "space") == "preserve":
        return text
    return _LAYOUT_EDGES.sub("", text)


def _key(child: ET.Element, name: str, anon: dict[str, int]) -> tuple:
    # Pairing attributes: XLIFF 1.2 rid/id, TMX i (bpt/ept) and x, XLIFF 2 id/startRef.
    if name in ("bpt", "ept", "bx", "ex"):
        ident = attr(child, "rid") or attr(child, "i") or attr(child, "id") or attr(child, "x")
        group = "pair"
    elif name in ("sc", "ec"):
        ident = attr(child, "startRef") or attr(child, "id")
        group = "pair"
    elif name in ("sm", "em"):
        ident = attr(child, "startRef") or attr(child, "id")
        group = "marker"
    elif name == "it":
        ident = attr(child, "x") or attr(child, "id")
        group = "isolated"
    else:
        ident = attr(child, "id") or attr(child, "mid") or attr(child, "x")
        group = name
    if ident is None:
        # No identifier: the k-th such tag of the source matches the k-th of the target.
        anon[name] = anon.get(name, 0) + 1
        return (group, "#anon", anon[name])
    return (group, ident)


def _walk(el: ET.Element, ph: Placeholders, side: str, anon: dict[str, int], out: list[str]) -> None:
    if el.text:
        out.append(el.text)
    marks = ph.markup[side]
    for child in el:
        name = local(child.tag)
        if not name:  # comment or processing instruction inside a segment
            pass
        elif name == "cp":  # XLIFF 2 code point that XML cannot carry directly
            try:
                out.append(chr(int(attr(child, "hex") or "", 16)))
            except ValueError:
                pass
        elif name in PAIRED:
            n = ph.number(_key(child, name, anon))
            marks[f"⟦{n}⟧"] = start_tag(child)
            marks[f"⟦/{n}⟧"] = end_tag(child)
            out.append(f"⟦{n}⟧")
            _walk(child, ph, side, anon, out)
            out.append(f"⟦/{n}⟧")
        elif name in STANDALONE:
            n = ph.number(_key(child, name, anon))
            marks[f"⟦{n}/⟧"] = markup(child)
            out.append(f"⟦{n}/⟧")
        elif name in OPENING or (name == "it" and attr(child, "pos") in ("begin", "open")):
            n = ph.number(_key(child, name, anon))
            marks[f"⟦{n}⟧"] = markup(child)
            out.append(f"⟦{n}⟧")
        elif name in CLOSING or name == "it":
            n = ph.number(_key(child, name, anon))
            marks[f"⟦/{n}⟧"] = markup(child)
            out.append(f"⟦/{n}⟧")
        else:  # an element we do not know: keep its text rather than lose it
            _walk(child, ph, side, anon, out)
        if child.tail:
            out.append(child.tail)
