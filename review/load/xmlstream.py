"""TMX and XLIFF read in batches: the rows review.load.tmx / review.load.xliff give, in order,
without holding the file's tree.

The file is parsed incrementally through defusedxml (entities refused, depth limited as
review.load.xmlsafe.parse does), a megabyte of text at a time; each finished unit (<tu>,
<trans-unit>, <unit>) is turned into rows by the function the whole-file loader uses, then dropped
from the tree. What load_tmx / load_xliff decide from the whole file is decided so:

- XLIFF doc ids: one <file> is named after the path, several by their `original`. A scan of the
  bytes counts `<file` tags (an upper bound); only when there are several does a first parsing
  pass collect the <file>s' attributes.
- TMX languages: the source is the header's srclang (else the first <tuv> language), the target
  the first other language; units wait until both are known (at most a batch), and at the end
  they are worked out again from everything seen: a difference is Unstreamable.

Only UTF-8 text is read here (with or without a BOM); anything else, and any error, raises
Unstreamable, and the whole-file loader reads the file (and names the error's position).
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable, Iterator

import polars as pl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from review.errors import InputError, Unstreamable
from review.load.rows import add_row, build, new_rows
from review.load.tmx import lang_matches, languages, note_language, tu_row
from review.load.xliff import doc_ids, xliff1_unit, xliff2_unit, xliff_version
from review.load.xmlsafe import _DECLARED_ENCODING, MAX_XML_DEPTH, attr, local

XML_FORMATS = ("tmx", "xliff")
_CHUNK = 1 << 20  # bytes of the file fed to the parser at a time


def iter_xml(path: Path, fmt: str, batch_rows: int, src_lang: str | None, tgt_lang: str | None,
             doc: str | None) -> Iterator[pl.DataFrame]:
    """Segment-table frames of about `batch_rows` rows (SEG numbered from 1 in each frame: the
    caller continues the numbering across frames). `doc` as load_file takes it (None: the stem)."""
    if fmt == "tmx":
        yield from _tmx_rows(path, batch_rows, src_lang, tgt_lang, doc)
    else:
        yield from _xliff_rows(path, batch_rows, src_lang, tgt_lang, doc)


# --------------------------------------------------------------------------- parsing
def _parse(path: Path, target) -> Iterator[None]:
    """Feed the file to a defused parser building into `target`; yields after each chunk (the
    caller takes the finished units out of the target)."""
    parser = DefusedXMLParser(target=target, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    with open(path, "rb") as f:
        head = f.read(256)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise Unstreamable("UTF-16")
        bom = head.startswith(codecs.BOM_UTF8)
        m = _DECLARED_ENCODING.match(head[len(codecs.BOM_UTF8) if bom else 0:].lstrip())
        if m and _codec(m.group(1).decode("ascii")) != "utf-8":
            raise Unstreamable("an encoding other than UTF-8 is declared")
        f.seek(len(codecs.BOM_UTF8) if bom else 0)
        target.bom = bom
        try:
            while block := f.read(_CHUNK):
                text = decoder.decode(block)  # UnicodeDecodeError: not UTF-8
                if "\x00" in text:
                    raise Unstreamable("NUL characters")
                parser.feed(text)
                yield
            decoder.decode(b"", final=True)
            parser.close()
        except (ET.ParseError, DefusedXmlException, UnicodeDecodeError, _TooDeep) as e:
            raise Unstreamable(f"the whole-file loader reports it: {type(e).__name__}") from None
    yield


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


class _TooDeep(Exception):
    pass


class _Survey:
    """Parser target of the first pass over an XLIFF file with several <file>s: keeps the
    attributes of the outermost <file>s (their doc ids come from `original`); builds no tree."""

    def __init__(self):
        self.names: list[str] = []  # open elements, local names
        self.files: list[ET.Element] = []  # attribute-only copies
        self.bom = False

    def start(self, tag, attrs):
        if len(self.names) >= MAX_XML_DEPTH:
            raise _TooDeep()
        name = local(tag)
        if name == "file" and "file" not in self.names:
            self.files.append(ET.Element(tag, dict(attrs)))
        self.names.append(name)

    def end(self, tag):
        self.names.pop()

    # No `data` method: the parser then skips character data instead of calling back for it.

    def close(self):
        return None


class _Units(ET.TreeBuilder):
    """Parser target of pass 2: builds the tree, but each finished unit (`is_unit(element,
    ancestors)`) is handed over in `done` with the number of outermost <file>s begun so far (its
    <file>'s position in the survey, when it is in one) and dropped from its parent, so the tree
    holds one unit at a time."""

    def __init__(self, names: tuple[str, ...], is_unit: Callable[[ET.Element, list[ET.Element]], bool]):
        super().__init__()
        self.names = names  # local names of the unit elements (is_unit decides on those only)
        self.is_unit = is_unit
        self.open_files = 0
        self.stack: list[ET.Element] = []
        self.done: list[tuple[ET.Element, tuple[ET.Element, ...], int]] = []
        self.files = 0
        self.root: ET.Element | None = None
        self.bom = False

    def start(self, tag, attrs):
        if len(self.stack) >= MAX_XML_DEPTH:
            raise _TooDeep()
        el = super().start(tag, attrs)
        if self.root is None:
            self.root = el
        if local(tag) == "file":
            self.files += self.open_files == 0
            self.open_files += 1
        self.stack.append(el)
        return el

    def end(self, tag):
        el = super().end(tag)
        self.stack.pop()
        name = local(tag)
        self.open_files -= name == "file"
        if name in self.names and self.stack and self.is_unit(el, self.stack):
            self.done.append((el, tuple(self.stack), self.files))
            self.stack[-1].remove(el)
        return el


def _batches(path: Path, builder: _Units, batch_rows: int, to_rows) -> Iterator[dict[str, list]]:
    """Row dicts of about `batch_rows` rows, the units turned into rows by `to_rows(unit,
    ancestors, files, rows)` in file order."""
    rows = new_rows()
    for _ in _parse(path, builder):
        for unit, ancestors, files in builder.done:
            to_rows(unit, ancestors, files, rows)
            if len(rows["doc"]) >= batch_rows:
                yield rows
                rows = new_rows()
        builder.done.clear()
    if rows["doc"]:
        yield rows


def _frame(rows: dict[str, list], path: Path, fmt: str, bom: bool) -> pl.DataFrame:
    try:
        return build(rows, path, fmt, "utf-8", bom).segments
    except InputError as e:  # an overlong text: the whole-file loader names its unit
        raise Unstreamable(str(e)) from None


# --------------------------------------------------------------------------- TMX
class _TmxRows:
    """<tu>s -> rows, as load_tmx makes them. The languages load_tmx takes from the whole file are
    fixed as soon as they are known (the header before the body, the first <tuv>s); the units
    before that wait (at most a batch of them). At the end the languages are worked out again
    from the whole file: if they differ, or the file has an error, Unstreamable."""

    def __init__(self, path, batch_rows, src_lang, tgt_lang, doc):
        self.path, self.batch_rows = path, batch_rows
        self.src_lang, self.tgt_lang = src_lang, tgt_lang
        self.doc_id = doc or Path(path).stem
        self.seen: list[str] = []
        self.langs: tuple[str, str] | None = None
        self.waiting: list[ET.Element] = []
        self.count = 0

    @staticmethod
    def is_unit(el: ET.Element, ancestors: list[ET.Element]) -> bool:
        """A <tu> child of the root <tmx>'s first <body>."""
        return (len(ancestors) == 2 and local(el.tag) == "tu" and local(ancestors[0].tag) == "tmx"
                and _first_child(ancestors[0], "body") is ancestors[1])

    def add(self, tu: ET.Element, ancestors, files, rows) -> None:
        for tuv in tu:
            if local(tuv.tag) == "tuv":
                note_language(self.seen, attr(tuv, "lang"))
        self.waiting.append(tu)
        if self.langs is None:
            self.langs = self._known(ancestors[0])
            if self.langs is None:
                if len(self.waiting) > self.batch_rows:
                    raise Unstreamable("the languages are not known after a batch of units")
                return
        for unit in self.waiting:
            self.count += 1
            add_row(rows, **tu_row(unit, self.count, *self.langs, self.doc_id))
        self.waiting.clear()

    def _known(self, root: ET.Element) -> tuple[str, str] | None:
        header = _first_child(root, "header")
        header_src = attr(header, "srclang") if header is not None else None
        if header_src and header_src.lower() == "*all*":
            header_src = None
        src = self.src_lang or header_src or (self.seen[0] if self.seen else None)
        if src is None:
            return None
        tgt = self.tgt_lang or next((s for s in self.seen if not lang_matches(s, src)), None)
        return (src, tgt) if tgt is not None else None

    def finish(self, root: ET.Element | None) -> None:
        if self.waiting or root is None or self.count == 0:
            raise Unstreamable("no <tu> with both languages")
        header = _first_child(root, "header")
        final = languages(self.path, attr(header, "srclang") if header is not None else None,
                          self.seen, self.src_lang, self.tgt_lang)  # InputError: see iter_segments
        if final != self.langs:
            raise Unstreamable("the file's languages are only known at its end")


def _first_child(el: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in el if local(c.tag) == name), None)


def _tmx_rows(path, batch_rows, src_lang, tgt_lang, doc) -> Iterator[pl.DataFrame]:
    tmx = _TmxRows(path, batch_rows, src_lang, tgt_lang, doc)
    builder = _Units(("tu",), tmx.is_unit)
    for rows in _batches(path, builder, batch_rows, tmx.add):
        yield _frame(rows, path, "tmx", builder.bom)
    tmx.finish(builder.root)


# --------------------------------------------------------------------------- XLIFF
_FILE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?file[\s/>]")


def _file_tags(path: Path) -> int:
    """How many `<file` start tags the bytes hold: at least the number of <file> elements (also
    counts any in comments or CDATA), so at most 1 means there is at most one <file>."""
    n, tail = 0, b""
    with open(path, "rb") as f:
        while block := f.read(_CHUNK):
            data = tail + block
            n += len(_FILE_TAG.findall(data))
            cut = data.rfind(b"<", max(0, len(data) - 64))  # a tag cut by the block boundary
            tail = data[cut:] if cut >= 0 else b""
            n -= len(_FILE_TAG.findall(tail))  # counted again with the next block
    return n


def _xliff_rows(path, batch_rows, src_lang, tgt_lang, doc) -> Iterator[pl.DataFrame]:
    files: list[ET.Element] | None = None  # several <file>s: their attributes, from a first pass
    if _file_tags(path) > 1:
        survey = _Survey()
        for _ in _parse(path, survey):
            pass
        files = survey.files
    ids = doc_ids(files, path, doc) if files and len(files) > 1 else None

    def is_unit(el: ET.Element, ancestors: list[ET.Element]) -> bool:
        # As review.load.xliff finds them: inside a <file>, not inside another unit, and
        # (XLIFF 1.2) not inside <alt-trans>.
        version = xliff_version(ancestors[0])
        if local(el.tag) != ("unit" if version == 2 else "trans-unit") or local(ancestors[0].tag) != "xliff":
            return False
        names = [local(a.tag) for a in ancestors]
        if "file" not in names or local(el.tag) in names:
            return False
        return version == 2 or "alt-trans" not in names

    def add(unit: ET.Element, ancestors, k: int, rows) -> None:
        root = ancestors[0]
        f = next(a for a in ancestors if local(a.tag) == "file")
        if ids is None:
            if k > 1:
                raise Unstreamable("a second <file> the first pass did not see")
            doc_id = doc or Path(path).stem
        else:
            f, doc_id = files[k - 1], ids[k - 1]
        if xliff_version(root) == 2:
            xliff2_unit(unit, doc_id, src_lang or attr(root, "srcLang"), tgt_lang or attr(root, "trgLang"), rows)
        else:
            xliff1_unit(unit, doc_id, src_lang or attr(f, "source-language"),
                        tgt_lang or attr(f, "target-language"), rows)

    builder = _Units(("unit", "trans-unit"), is_unit)
    n = 0
    for rows in _batches(path, builder, batch_rows, add):
        n += len(rows["doc"])
        yield _frame(rows, path, "xliff2" if xliff_version(builder.root) == 2 else "xliff", builder.bom)
    if n == 0:
        raise Unstreamable("no segments")
