"""XLIFF 1.2 (<trans-unit>) and XLIFF 2.x (<unit>/<segment>): one row per segment.

A file may hold several <file> elements: each is a document, named by its `original` (or id);
a single <file> is named after the path's stem, which is what a reviewer recognises.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from review.corpus import Corpus
from review.errors import InputError
from review.load.inline import Placeholders, flatten
from review.load.rows import add_row, build, new_rows
from review.load.xmlsafe import attr, local, parse, read_xml_text, text_of
from review.schema import DOC, LOCATOR, NOTE, SOURCE, SRC_LANG, STATE, TAGS, TARGET, TGT_LANG


def _child(el: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in el if local(c.tag) == name), None)


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if local(c.tag) == name]


def _descendants(el: ET.Element, name: str, stop: tuple[str, ...] = ()) -> list[ET.Element]:
    """Elements named `name` in document order, through <group> nesting, not inside `stop`."""
    found = []
    for c in el:
        n = local(c.tag)
        if n == name:
            found.append(c)
        elif n not in stop:
            found.extend(_descendants(c, name, stop))
    return found


def xliff_version(root: ET.Element) -> int:
    """1 for XLIFF 1.x, 2 for XLIFF 2.x (from the version attribute or the namespace)."""
    version = attr(root, "version") or ""
    if version.startswith("2") or "xliff:document:2" in str(root.tag):
        return 2
    return 1


def _notes(elements: list[ET.Element]) -> str | None:
    parts = []
    for note in elements:
        text = text_of(note).strip()
        if not text:
            continue
        author = attr(note, "from") or attr(note, "category")
        parts.append(f"{author}: {text}" if author else text)
    return "\n".join(parts) if parts else None


def doc_ids(files: list[ET.Element], path: str | Path, doc: str | None) -> list[str]:
    if len(files) == 1:
        return [doc or Path(path).stem]
    ids: list[str] = []
    for k, f in enumerate(files, 1):
        base = attr(f, "original") or attr(f, "id") or f"{Path(path).stem}#{k}"
        name = f"{doc}:{base}" if doc else base
        while name in ids:  # keep ids unique when two <file>s share an original
            name += f"#{k}"
        ids.append(name)
    return ids


def load_xliff(path: str | Path, src_lang: str | None = None, tgt_lang: str | None = None,
               encoding: str | None = None, doc: str | None = None) -> Corpus:
    decoded = read_xml_text(path, encoding)
    root = parse(decoded.text, path)
    if local(root.tag) != "xliff":
        raise InputError(path, f"not an XLIFF file (root element <{local(root.tag)}>)")
    files = _descendants(root, "file")
    if not files:
        raise InputError(path, "no <file> element in the XLIFF file")
    ids = doc_ids(files, path, doc)
    rows = new_rows()
    if xliff_version(root) == 2:
        fmt = "xliff2"
        src = src_lang or attr(root, "srcLang")
        tgt = tgt_lang or attr(root, "trgLang")
        for doc_id, f in zip(ids, files):
            _xliff2_file(f, doc_id, src, tgt, rows)
    else:
        fmt = "xliff"
        for doc_id, f in zip(ids, files):
            src = src_lang or attr(f, "source-language")
            tgt = tgt_lang or attr(f, "target-language")
            _xliff1_file(f, doc_id, src, tgt, rows)
    return build(rows, path, fmt, decoded.encoding, decoded.bom, doc_order=ids)


# ----------------------------------------------------------------------------- XLIFF 1.2

def _seg_marks(el: ET.Element | None) -> list[ET.Element]:
    if el is None:
        return []
    return [m for m in el.iter() if local(m.tag) == "mrk" and attr(m, "mtype") == "seg"]


def _xliff1_file(f: ET.Element, doc_id: str, src: str | None, tgt: str | None, rows: dict) -> None:
    for tu in _descendants(f, "trans-unit", stop=("alt-trans",)):
        xliff1_unit(tu, doc_id, src, tgt, rows)


def xliff1_unit(tu: ET.Element, doc_id: str, src: str | None, tgt: str | None, rows: dict) -> None:
    """The rows of one <trans-unit> (one per <mrk mtype="seg"> when it is segmented)."""
    uid = attr(tu, "id") or "?"
    source, target = _child(tu, "source"), _child(tu, "target")
    state = attr(target, "state") if target is not None else None
    if state is None and attr(tu, "approved") == "yes":
        state = "approved"
    note = _notes(_children(tu, "note"))
    keep = attr(tu, "space") == "preserve"
    common = {DOC: doc_id, SRC_LANG: src, TGT_LANG: tgt, STATE: state, NOTE: note}
    # Segmented units (Okapi, Trados): <seg-source> and <target> split by <mrk mtype="seg">.
    src_marks = _seg_marks(_child(tu, "seg-source"))
    if src_marks:
        tgt_marks = {attr(m, "mid"): m for m in _seg_marks(target)}
        for k, m in enumerate(src_marks, 1):
            mid = attr(m, "mid") or str(k)
            ph = Placeholders()
            s = flatten(m, ph, "source", keep)
            t = flatten(tgt_marks[mid], ph, "target", keep) if mid in tgt_marks else ""
            add_row(rows, **common, **{SOURCE: s, TARGET: t, LOCATOR: f"unit {uid} seg {mid}",
                                       TAGS: ph.tags_json()})
        return
    ph = Placeholders()
    s = flatten(source, ph, "source", keep) if source is not None else ""
    t = flatten(target, ph, "target", keep) if target is not None else ""
    add_row(rows, **common, **{SOURCE: s, TARGET: t, LOCATOR: f"unit {uid}", TAGS: ph.tags_json()})


# ----------------------------------------------------------------------------- XLIFF 2.x

def _xliff2_file(f: ET.Element, doc_id: str, src: str | None, tgt: str | None, rows: dict) -> None:
    for unit in _descendants(f, "unit"):
        xliff2_unit(unit, doc_id, src, tgt, rows)


def xliff2_unit(unit: ET.Element, doc_id: str, src: str | None, tgt: str | None, rows: dict) -> None:
    """The rows of one <unit>, one per <segment>."""
    uid = attr(unit, "id") or "?"
    keep = attr(unit, "space") == "preserve"
    notes_el = _child(unit, "notes")
    note = _notes(_children(notes_el, "note")) if notes_el is not None else None
    segments = _children(unit, "segment")
    for k, seg in enumerate(segments, 1):
        source, target = _child(seg, "source"), _child(seg, "target")
        ph = Placeholders()
        s = flatten(source, ph, "source", keep) if source is not None else ""
        t = flatten(target, ph, "target", keep) if target is not None else ""
        where = f"unit {uid}" if len(segments) == 1 else f"unit {uid} segment {attr(seg, 'id') or k}"
        add_row(rows, **{DOC: doc_id, SOURCE: s, TARGET: t, SRC_LANG: src, TGT_LANG: tgt,
                         LOCATOR: where, NOTE: note, STATE: attr(seg, "state"), TAGS: ph.tags_json()})
