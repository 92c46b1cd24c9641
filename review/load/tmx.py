"""TMX 1.4 (also 1.1-style `lang`): one segment per <tu>, two of its languages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from review.corpus import Corpus
from review.errors import InputError
from review.load.inline import Placeholders, flatten
from review.load.rows import add_row, build, new_rows
from review.load.xmlsafe import attr, local, parse, read_xml_text, text_of
from review.schema import DOC, LOCATOR, NOTE, SOURCE, SRC_LANG, TAGS, TARGET, TGT_LANG


def lang_matches(code: str | None, wanted: str) -> bool:
    """'en' matches 'en-US' and 'EN-us'; 'en-US' matches 'en'."""
    if not code:
        return False
    c, w = code.lower().replace("_", "-"), wanted.lower().replace("_", "-")
    return c == w or c.startswith(w + "-") or w.startswith(c + "-")


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if local(c.tag) == name]


def _tuv_lang(tuv: ET.Element) -> str | None:
    return attr(tuv, "lang")


def _notes(*elements: ET.Element | None) -> str | None:
    parts = []
    for el in elements:
        if el is None:
            continue
        for child in el:
            name = local(child.tag)
            if name == "note":
                parts.append(text_of(child).strip())
            elif name == "prop":
                parts.append(f"{attr(child, 'type') or 'prop'}: {text_of(child).strip()}")
    parts = [p for p in parts if p]
    return "\n".join(parts) if parts else None


def note_language(seen: list[str], lang: str | None) -> None:
    """Add a <tuv>'s language to `seen` (file order, case-insensitively distinct)."""
    if lang and not any(lang.lower() == s.lower() for s in seen):
        seen.append(lang)


def languages(path: str | Path, header_src: str | None, seen: list[str], src_lang: str | None,
              tgt_lang: str | None) -> tuple[str, str]:
    """The source and target language: given, else the header's srclang / the first seen, and
    the first other language seen. InputError when the file has no such <tuv>."""
    if header_src and header_src.lower() == "*all*":
        header_src = None
    src = src_lang or header_src or (seen[0] if seen else None)
    if src is None:
        raise InputError(path, "no language codes on the <tuv> elements; give --src-lang and --tgt-lang")
    if not any(lang_matches(s, src) for s in seen):
        raise InputError(path, f"no <tuv> in source language {src!r}; languages in the file: {', '.join(seen)}")
    if tgt_lang is None:
        others = [s for s in seen if not lang_matches(s, src)]
        if not others:
            raise InputError(path, f"only language {src!r} in the file; nothing to review")
        return src, others[0]
    if not any(lang_matches(s, tgt_lang) for s in seen):
        raise InputError(path, f"no <tuv> in target language {tgt_lang!r}; languages in the file: {', '.join(seen)}")
    return src, tgt_lang


def tu_row(tu: ET.Element, k: int, src: str, tgt: str, doc_id: str) -> dict[str, str | None]:
    """The segment row of the k-th <tu> (1-based)."""
    tuvs = _children(tu, "tuv")
    s_tuv = next((t for t in tuvs if lang_matches(_tuv_lang(t), src)), None)
    t_tuv = next((t for t in tuvs if lang_matches(_tuv_lang(t), tgt)), None)
    ph = Placeholders()
    texts = {}
    for side, tuv in (("source", s_tuv), ("target", t_tuv)):
        seg = next(iter(_children(tuv, "seg")), None) if tuv is not None else None
        texts[side] = flatten(seg, ph, side) if seg is not None else ""
    return {DOC: doc_id, SOURCE: texts["source"], TARGET: texts["target"], SRC_LANG: src, TGT_LANG: tgt,
            LOCATOR: f"tu {k}", NOTE: _notes(tu, s_tuv, t_tuv), TAGS: ph.tags_json()}


def load_tmx(path: str | Path, src_lang: str | None = None, tgt_lang: str | None = None,
             encoding: str | None = None, doc: str | None = None) -> Corpus:
    decoded = read_xml_text(path, encoding)
    root = parse(decoded.text, path)
    if local(root.tag) != "tmx":
        raise InputError(path, f"not a TMX file (root element <{local(root.tag)}>)")
    header = next(iter(_children(root, "header")), None)
    body = next(iter(_children(root, "body")), None)
    tus = _children(body, "tu") if body is not None else []
    if not tus:
        raise InputError(path, "no <tu> translation units in the TMX file")

    seen: list[str] = []  # languages in file order
    for tu in tus:
        for tuv in _children(tu, "tuv"):
            note_language(seen, _tuv_lang(tuv))
    header_src = attr(header, "srclang") if header is not None else None
    src, tgt = languages(path, header_src, seen, src_lang, tgt_lang)
    doc_id = doc or Path(path).stem
    rows = new_rows()
    for k, tu in enumerate(tus, 1):
        add_row(rows, **tu_row(tu, k, src, tgt, doc_id))
    return build(rows, path, "tmx", decoded.encoding, decoded.bom)
