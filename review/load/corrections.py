"""Reading back a file we exported (XLIFF 1.2/2.x, TMX, PO, CSV, JSONL) after someone edited it
elsewhere: one CorrectedUnit per unit, keyed by the ids our exports write.

Which id, base revision and text each format carries (see review.export.*):
- XLIFF 1.2: <file original=doc>, <trans-unit id=seg>, <note from="mt-review:base-revision">,
  target `state` and `approved`.
- XLIFF 2.x: <file original=doc>, <unit name=seg> (id "u<seg>"), <note category=
  "mt-review:base-revision">, <segment state subState>.
- TMX: <prop type="x-doc|x-seg|x-revision"> (tuid "doc#seg" when the props were dropped); the
  <tuv> in the header's srclang is the source, the other one the target.
- PO: msgctxt "doc#seg", extracted comment "mt-review:base-revision: N", msgid, msgstr.
- CSV/JSONL: the columns doc, seg, rev, source and current (the correction; `target` is the MT).
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from review.errors import InputError
from review.load import detect_format
from review.load.inline import Placeholders, flatten
from review.load.po import parse_po
from review.load.tabular import PARQUET_READ_ERRORS, _DEFUSED_CELL, _delimited_records, _json_loads
from review.load.encoding import read_text
from review.load.tmx import lang_matches
from review.load.xmlsafe import attr, local, parse, read_xml_text, text_of
from review.schema import (
    BASE_REV_NOTE, CURRENT, DOC, REV, SEG, SEG_KEY_SEP, SOURCE, STATUS, STATUSES, TARGET,
)

TO_REVIEW, CORRECTED, APPROVED = STATUSES
# XLIFF states that mean "approved" on the way back. 1.2: signed-off and final (and
# approved="yes" on a unit with no state at all). 2.x: final, and reviewed when a tool set it
# (our own export writes reviewed for a corrected segment, with our subState).
_APPROVED_12 = {"signed-off", "final"}
_APPROVED_2 = {"final", "reviewed"}
_OUR_SUBSTATE = re.compile(r"^mt-review:(to_review|corrected)$")


@dataclass(frozen=True)
class CorrectedUnit:
    doc: str
    seg: int | None  # None: the unit carries no id we can read
    source: str | None  # None: the format does not carry it
    target: str
    base_rev: int | None  # None: the file does not say which revision it was made from
    approved: bool  # the file marks the unit approved (signed off)
    where: str  # position in the file, for messages ("unit 5", "line 7")


def read_corrections(path: str | Path, fmt: str | None = None) -> list[CorrectedUnit]:
    """The units of a corrected export, in file order. InputError names the file on bad input."""
    fmt = (fmt or detect_format(path)).lower()
    if fmt in ("xliff", "xliff2"):
        return _xliff(path)
    if fmt == "tmx":
        return _tmx(path)
    if fmt == "po":
        return _po(path)
    if fmt == "csv":
        return _csv(path)
    if fmt == "jsonl":
        return _jsonl(path)
    if fmt == "parquet":
        return _parquet(path)
    raise InputError(path, f"cannot apply corrections from {fmt.upper()}; use XLIFF, TMX, PO, CSV, JSONL "
                     "or Parquet as exported by `review export`")


def _int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


# ----------------------------------------------------------------------------- XML
def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if local(c.tag) == name]


def _child(el: ET.Element, name: str) -> ET.Element | None:
    return next(iter(_children(el, name)), None)


def _all(el: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in el.iter() if local(e.tag) == name]


def _unwrap_seg_marks(el: ET.Element | None) -> ET.Element | None:
    """A copy of `el` without <mrk mtype="seg"> wrappers: CAT tools (Trados, Okapi) split a unit
    into sentences that way, which says nothing about its text."""
    if el is None or not any(local(m.tag) == "mrk" and attr(m, "mtype") == "seg" for m in el.iter()):
        return el
    el = copy.deepcopy(el)
    for parent in list(el.iter()):
        k = 0
        while k < len(parent):
            child = parent[k]
            if not (local(child.tag) == "mrk" and attr(child, "mtype") == "seg"):
                k += 1
                continue
            inner, tail = child.text or "", child.tail or ""
            parent.remove(child)
            kids = list(child)
            if kids:
                kids[-1].tail = (kids[-1].tail or "") + tail
            else:
                inner += tail
            if k == 0:
                parent.text = (parent.text or "") + inner
            else:
                parent[k - 1].tail = (parent[k - 1].tail or "") + inner
            for j, kid in enumerate(kids):
                parent.insert(k + j, kid)
    return el


def _texts(source: ET.Element | None, target: ET.Element | None, keep: bool) -> tuple[str, str]:
    ph = Placeholders()  # one numbering for both sides, as the loader does
    source, target = _unwrap_seg_marks(source), _unwrap_seg_marks(target)
    s = flatten(source, ph, "source", keep) if source is not None else ""
    t = flatten(target, ph, "target", keep) if target is not None else ""
    return s, t


def _unit_2(unit: ET.Element, keep: bool) -> tuple[str, str, list[ET.Element]]:
    """Source and target of an XLIFF 2 unit, its <segment>s and <ignorable>s joined in order (a
    tool may have split our one segment in several)."""
    src, tgt = [], []
    segments = []
    for part in unit:
        name = local(part.tag)
        if name not in ("segment", "ignorable"):
            continue
        s, t = _texts(_child(part, "source"), _child(part, "target"), keep)
        if name == "segment":
            segments.append(part)
        elif _child(part, "target") is None:
            t = s  # whitespace between segments stays as in the source
        src.append(s)
        tgt.append(t)
    return "".join(src), "".join(tgt), segments


def _xliff(path) -> list[CorrectedUnit]:
    root = parse(read_xml_text(path).text, path)
    if local(root.tag) != "xliff":
        raise InputError(path, f"not an XLIFF file (root element <{local(root.tag)}>)")
    v2 = (attr(root, "version") or "").startswith("2") or "xliff:document:2" in str(root.tag)
    units = []
    for f in _all(root, "file"):
        doc = attr(f, "original") or attr(f, "id") or Path(path).stem
        if v2:
            for u in _all(f, "unit"):
                notes = _child(u, "notes")
                base = next((_int(text_of(n)) for n in (_children(notes, "note") if notes is not None else [])
                             if attr(n, "category") == BASE_REV_NOTE), None)
                s, t, segments = _unit_2(u, attr(u, "space") == "preserve")
                if not segments:
                    continue
                states = [(attr(g, "state"), attr(g, "subState") or "") for g in segments]
                approved = all(state == "final" or (state in _APPROVED_2 and not _OUR_SUBSTATE.match(sub))
                               for state, sub in states)
                seg = _int(attr(u, "name")) or _int((attr(u, "id") or "").lstrip("u"))
                units.append(CorrectedUnit(doc, seg, s, t, base, approved, f"unit {attr(u, 'id')}"))
        else:
            for tu in _all(f, "trans-unit"):
                base = next((_int(text_of(n)) for n in _children(tu, "note")
                             if attr(n, "from") == BASE_REV_NOTE), None)
                target = _child(tu, "target")
                keep = attr(tu, "space") == "preserve"
                s, t = _texts(_child(tu, "source"), target, keep)
                state = attr(target, "state") if target is not None else None
                approved = state in _APPROVED_12 or (state is None and attr(tu, "approved") == "yes")
                units.append(CorrectedUnit(doc, _int(attr(tu, "id")), s, t, base, approved,
                                           f"trans-unit {attr(tu, 'id')}"))
    return units


def _tmx(path) -> list[CorrectedUnit]:
    root = parse(read_xml_text(path).text, path)
    if local(root.tag) != "tmx":
        raise InputError(path, f"not a TMX file (root element <{local(root.tag)}>)")
    header = _child(root, "header")
    srclang = attr(header, "srclang") if header is not None else None
    units = []
    for k, tu in enumerate(_all(root, "tu"), 1):
        props = {attr(p, "type"): text_of(p).strip() for p in _children(tu, "prop")}
        doc, seg = props.get("x-doc"), _int(props.get("x-seg"))
        if doc is None or seg is None:  # a tool kept the tuid but not our props
            tuid = attr(tu, "tuid") or ""
            doc, _, n = tuid.rpartition(SEG_KEY_SEP)
            seg = _int(n)
        tuvs = _children(tu, "tuv")
        src = next((t for t in tuvs if srclang and lang_matches(attr(t, "lang"), srclang)), tuvs[0] if tuvs else None)
        tgt = next((t for t in tuvs if t is not src), None)
        seg_of = (lambda t: _child(t, "seg") if t is not None else None)
        s, t = _texts(seg_of(src), seg_of(tgt), True)
        units.append(CorrectedUnit(doc or "", seg, s, t, _int(props.get("x-revision")), False, f"tu {k}"))
    return units


# ----------------------------------------------------------------------------- PO
_BASE_COMMENT = re.compile(rf"^{re.escape(BASE_REV_NOTE)}:\s*(\d+)\s*$")


def _po(path) -> list[CorrectedUnit]:
    units = []
    for e in parse_po(read_text(path).text, path):
        if e.obsolete or (e.msgid == "" and e.msgctxt is None):
            continue
        doc, _, n = (e.msgctxt or "").rpartition(SEG_KEY_SEP)
        base = next((int(m.group(1)) for c in e.extracted if (m := _BASE_COMMENT.match(c.strip()))), None)
        units.append(CorrectedUnit(doc, _int(n), e.msgid or "", e.msgstr.get(0, ""), base, False,
                                   f"line {e.line}"))
    return units


# ----------------------------------------------------------------------------- tables
def _table_unit(row: dict, path, where: str) -> CorrectedUnit:
    missing = [c for c in (DOC, SEG) if row.get(c) in (None, "")]
    if missing:
        raise InputError(path, f"no {' or '.join(missing)} column: not a table written by `review export`",
                         where=where)
    text = row.get(CURRENT)
    if text is None:
        text = row.get(TARGET)
    return CorrectedUnit(str(row[DOC]), _int(row[SEG]), row.get(SOURCE), "" if text is None else str(text),
                         _int(row.get(REV)), row.get(STATUS) == APPROVED, where)


def _csv(path) -> list[CorrectedUnit]:
    records = _delimited_records(read_text(path).text, "csv", path)
    if not records:
        raise InputError(path, "file is empty")
    header = records[0][1]
    units = []
    for line, fields in records[1:]:
        # Our CSV defused formula cells on the way out; undone even when a spreadsheet saved the
        # file again without its BOM (the export also prefixes cells that already looked defused).
        fields = [_DEFUSED_CELL.sub("", v) for v in fields]
        units.append(_table_unit(dict(zip(header, fields)), path, f"line {line}"))
    return units


def _jsonl(path) -> list[CorrectedUnit]:
    units = []
    for n, line in enumerate(read_text(path).text.split("\n"), 1):
        if not line.strip():
            continue
        obj = _json_loads(line, path, n)
        if not isinstance(obj, dict):
            raise InputError(path, f"expected a JSON object per line, got {type(obj).__name__}", n)
        units.append(_table_unit(obj, path, f"line {n}"))
    return units


def _parquet(path) -> list[CorrectedUnit]:
    try:
        df = pl.read_parquet(path)
    except PARQUET_READ_ERRORS as e:  # noqa: BLE001 (polars raises several kinds for a damaged file)
        raise InputError(path, f"cannot read Parquet: {e}") from None
    return [_table_unit(row, path, f"row {k}") for k, row in enumerate(df.iter_rows(named=True), 1)]
