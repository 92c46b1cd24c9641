"""Every XML file we write validates against its OASIS schema (../shared/data/schemas: XLIFF 1.2
strict, XLIFF 2.x core). There is no TMX schema or DTD there, so TMX is checked by parsing only
(test_export). Skips when the schemas or lxml are absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.export.project import export_bytes
from review.load import load_file
from review.store import Project
from review.workflow import build_demo, save_correction

etree = pytest.importorskip("lxml.etree", reason="lxml (with translate-toolkit, test extra) is not installed")

SCHEMAS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "schemas"
XLIFF_12 = SCHEMAS / "xliff-1.2" / "xliff-core-1.2-strict.xsd"
XLIFF_2 = SCHEMAS / "xliff-2.1" / "xliff_core_2.0.xsd"
XML_XSD = SCHEMAS / "xliff-2.1" / "informativeCopiesOf3rdPartySchemas" / "w3c" / "xml.xsd"
FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
SHARED_FORMATS = SCHEMAS.parent / "formats"

pytestmark = pytest.mark.shared_data


class _LocalXmlXsd(etree.Resolver):
    """The XLIFF 1.2 schema imports xml.xsd from beside itself, where it is not: use the copy
    shipped with the 2.x schemas (never the network)."""

    def resolve(self, url, pubid, context):
        if url.endswith("xml.xsd"):
            return self.resolve_filename(str(XML_XSD), context)
        return None


def _schema(path: Path):
    if not path.exists() or not XML_XSD.exists():
        pytest.skip(f"schema not available ({path})")
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalXmlXsd())
    return etree.XMLSchema(etree.parse(str(path), parser))


def _assert_valid(schema, data: bytes) -> None:
    doc = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))
    assert schema.validate(doc), [str(e) for e in schema.error_log][:5]


@pytest.fixture(scope="module")
def reviewed_demo(tmp_path_factory) -> Project:
    """The demo with every review state: corrected, approved, annotated, verdicts."""
    p = Project.open(build_demo(tmp_path_factory.mktemp("schemas") / "demo.review"))
    doc = p.doc_ids()[0]
    save_correction(p, doc, 2, "قام إيلون ماسك بتغريد <رابط> & \"رسالة\".", "amal", 0, note="names")
    p.approve(doc, 3, "omar", 0)
    p.annotate(doc, 4, "Accuracy/Mistranslation", "major", 0, 4, "wrong <word>", "amal")
    yield p
    p.close()


@pytest.mark.parametrize("fmt,schema_path", [("xliff", XLIFF_12), ("xliff2", XLIFF_2)])
def test_demo_exports_are_valid(reviewed_demo, fmt, schema_path):
    schema = _schema(schema_path)
    _assert_valid(schema, export_bytes(reviewed_demo, fmt)[0])
    _assert_valid(schema, export_bytes(reviewed_demo, fmt, approved_only=True)[0])


@pytest.mark.parametrize("fixture,fmt,schema_path", [
    ("inline12.xlf", "xliff", XLIFF_12), ("inline21.xlf", "xliff2", XLIFF_2),
    ("inline12.xlf", "xliff2", XLIFF_2), ("inline21.xlf", "xliff", XLIFF_12),
    ("three_langs.tmx", "xliff", XLIFF_12), ("plurals.po", "xliff2", XLIFF_2)])
def test_exports_of_files_with_inline_codes_are_valid(tmp_path, fixture, fmt, schema_path):
    """Native inline markup goes back into the format it came from; other formats get text."""
    schema = _schema(schema_path)
    p = Project.create(tmp_path / "p.review", load_file(FORMATS / fixture))
    row = p.segments().row(0, named=True)
    p.save(row["doc"], row["seg"], row["current"] + " ✓", "amal", 0)
    _assert_valid(schema, export_bytes(p, fmt)[0])
    p.close()


@pytest.mark.parametrize("name", ["xliff12/MQ-12-Test01.xlf", "xliff12/SF-12-Test01.xlf",
                                  "xliff12/validators.ar.xlf"])
def test_exports_of_real_xliff_are_valid(tmp_path, name):
    src = SHARED_FORMATS / name
    if not src.exists():
        pytest.skip(f"shared data not available ({src})")
    p = Project.create(tmp_path / "p.review", load_file(src))
    _assert_valid(_schema(XLIFF_12), export_bytes(p, "xliff")[0])
    _assert_valid(_schema(XLIFF_2), export_bytes(p, "xliff2")[0])
    p.close()
