"""XML in, safely: only through defusedxml, with errors that name the file and the position.

A document type declaration is allowed (TMX files carry `<!DOCTYPE tmx SYSTEM "tmx14.dtd">`,
which is never fetched), but any entity declaration is refused: that covers external entities
(`SYSTEM "file:///etc/passwd"`) and expansion bombs ("billion laughs") before anything is read
or expanded.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from html import escape
from pathlib import Path

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from review.errors import InputError
from review.load.encoding import Decoded, decode, declared_encoding, read_bytes

# Deepest element nesting we read. Real XLIFF/TMX is under 20 deep (xliff/file/body/group*/
# trans-unit/source/inline tags); the loaders walk the tree recursively, so a file nested
# thousands deep would otherwise end in a RecursionError.
MAX_XML_DEPTH = 200

_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def read_xml_text(path: str | Path, encoding: str | None = None) -> Decoded:
    """Decode an XML file: forced encoding, else BOM, else the XML declaration, else our guess."""
    data = read_bytes(path)
    if not encoding and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        m = _DECLARED_ENCODING.match(data.lstrip()[:200])
        if m:
            declared = m.group(1).decode("ascii").lower()
            # UTF-16 without a BOM cannot carry an ASCII declaration: our guess refuses it.
            if declared not in ("utf-16", "utf16"):
                encoding = declared_encoding(data, declared, path)
    decoded = decode(data, path, encoding)
    if not decoded.text.strip():
        raise InputError(path, "file is empty")
    return decoded


class _TooDeep(Exception):
    pass


class _DepthLimitedBuilder(ET.TreeBuilder):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0

    def start(self, tag, attrs):
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise _TooDeep()
        return super().start(tag, attrs)

    def end(self, tag):
        self.depth -= 1
        return super().end(tag)


def parse(text: str, path: str | Path) -> ET.Element:
    """Parse XML text into an ElementTree element. Raises InputError on malformed or unsafe XML,
    and on elements nested deeper than MAX_XML_DEPTH."""
    parser = DefusedXMLParser(target=_DepthLimitedBuilder(), forbid_dtd=False, forbid_entities=True,
                              forbid_external=True)
    try:
        parser.feed(text)
        return parser.close()
    except _TooDeep:
        line = parser.parser.CurrentLineNumber
        col = parser.parser.CurrentColumnNumber + 1
        raise InputError(path, f"elements nested more than {MAX_XML_DEPTH} deep; refused", line, col) from None
    except ET.ParseError as e:
        line, col = e.position
        reason = str(e).split(":")[0]
        raise InputError(path, f"malformed XML: {reason}", line, col + 1) from None
    except (EntitiesForbidden, ExternalReferenceForbidden, DTDForbidden, DefusedXmlException) as e:
        line = parser.parser.CurrentLineNumber
        col = parser.parser.CurrentColumnNumber + 1
        raise InputError(path, f"refused unsafe XML: {_describe(e)}", line, col) from None


def _describe(e: Exception) -> str:
    if isinstance(e, EntitiesForbidden):
        if e.sysid or e.pubid:
            return f"external entity {e.name!r} (points to {e.sysid or e.pubid!r}); it was not read"
        return f"entity declaration {e.name!r} (entity expansion is not allowed)"
    if isinstance(e, ExternalReferenceForbidden):
        return f"external reference to {e.sysid!r}; it was not read"
    return "document type declaration with entities"


@functools.lru_cache(maxsize=4096)  # a file uses a handful of tag names, millions of times
def local(tag: object) -> str:
    """'{urn:oasis:...}trans-unit' -> 'trans-unit' (comments and PIs have non-string tags)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


_XML_NS = "{http://www.w3.org/XML/1998/namespace}"


def attr(el: ET.Element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace ('lang' finds xml:lang)."""
    if name in el.attrib:
        return el.attrib[name]
    for key, value in el.attrib.items():
        if local(key) == name:
            return value
    return None


def _attr_name(key: str) -> str:
    if key.startswith(_XML_NS):
        return "xml:" + key[len(_XML_NS):]
    return local(key)


def start_tag(el: ET.Element, self_closing: bool = False) -> str:
    attrs = "".join(f' {_attr_name(k)}="{escape(v, quote=True)}"' for k, v in el.attrib.items())
    return f"<{local(el.tag)}{attrs}{'/' if self_closing else ''}>"


def end_tag(el: ET.Element) -> str:
    return f"</{local(el.tag)}>"


def markup(el: ET.Element) -> str:
    """The element as XML text (local names, no namespace declarations), without its tail."""
    if el.text is None and len(el) == 0:
        return start_tag(el, self_closing=True)
    parts = [start_tag(el), escape(el.text or "", quote=False)]
    for child in el:
        parts.append(markup(child))
        parts.append(escape(child.tail or "", quote=False))
    parts.append(end_tag(el))
    return "".join(parts)


def text_of(el: ET.Element) -> str:
    """All character data inside the element (tags dropped)."""
    return "".join(el.itertext())
