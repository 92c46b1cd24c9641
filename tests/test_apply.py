"""`review apply`: an export edited in another tool comes back as revisions by its reviewer.

The edits are made with other libraries (translate-toolkit for XLIFF/TMX/PO, the csv module for
CSV), as a CAT tool or a spreadsheet would make them."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from review.apply import apply_file
from review.cli import main
from review.export.project import export_bytes
from review.schema import CURRENT, DOC, REVIEWER, SEG, SOURCE, STATUS, TARGET
from review.store import Project
from review.workflow import build_demo, save_correction

translate = pytest.importorskip("translate", reason="translate-toolkit (test extra) is not installed")
from translate.storage import po, tmx, xliff, xliff2  # noqa: E402

EDITED = (4, 6, 8)  # the three corrections made in the other tool
CLASH = 10  # edited in the file too, but revised in the project after the export
SUFFIX = " (صُحّح)"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    return build_demo(tmp_path_factory.mktemp("apply") / "demo.review")


@pytest.fixture
def demo(demo_file, tmp_path) -> Path:
    path = tmp_path / "demo.review"
    shutil.copy(demo_file, path)
    return path


def _edit_toolkit(data: bytes, fmt: str, edits: dict[int, str]) -> bytes:
    """Edit the targets of segments `edits` (seg -> new text) as a CAT tool would."""
    cls = {"xliff": xliff.xlifffile, "xliff2": xliff2.Xliff2File, "tmx": tmx.tmxfile, "po": po.pofile}[fmt]
    store = cls.parsestring(data)
    units = [u for u in store.units if not u.isheader()]
    for seg, text in edits.items():
        units[seg - 1].target = text  # our exports list the segments in order, from 1
    out = io.BytesIO()
    store.serialize(out)
    return out.getvalue()


def _edit_csv(data: bytes, edits: dict[int, str]) -> bytes:
    text = data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    for row in rows:
        if int(row[SEG]) in edits:
            row[CURRENT] = edits[int(row[SEG])]
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def _edited_export(project: Project, fmt: str, edits: dict[int, str]) -> bytes:
    data, _, _ = export_bytes(project, fmt)
    return _edit_csv(data, edits) if fmt == "csv" else _edit_toolkit(data, fmt, edits)


@pytest.mark.parametrize("fmt", ["xliff", "xliff2", "tmx", "po", "csv"])
def test_round_trip_through_another_tool(demo, tmp_path, fmt):
    with Project.open(demo) as p:
        segs = p.segments()
        doc = segs[DOC][0]
        mt = dict(zip(segs[SEG].to_list(), segs[TARGET].to_list()))
        edits = {s: mt[s] + SUFFIX for s in (*EDITED, CLASH)}
        edited = _edited_export(p, fmt, edits)
        # Meanwhile, in the dashboard, another reviewer corrects the fourth segment.
        save_correction(p, doc, CLASH, mt[CLASH] + " (omar)", "omar", 0)
    path = tmp_path / f"corrected.{'xlf' if fmt.startswith('xliff') else fmt}"
    path.write_bytes(edited)

    r = run("apply", demo, path, "--reviewer", "amal")
    assert r.exit_code == 1, r.output  # a conflict: reported, exit code 1
    assert "applied 3, unchanged 92, conflicts 1, refused 0" in r.stdout
    assert f"conflict: {doc} #{CLASH}" in r.stderr

    with Project.open(demo) as p:
        revs = p.all_revisions()
        by_amal = revs.filter(pl.col(REVIEWER) == "amal")
        assert sorted(by_amal[SEG].to_list()) == list(EDITED)
        assert by_amal[CURRENT].to_list() == [mt[s] + SUFFIX for s in sorted(EDITED)]
        assert p.latest(doc, CLASH) == (1, mt[CLASH] + " (omar)")  # not overwritten
        statuses = dict(p.segments().select(SEG, STATUS).rows())
        assert {statuses[s] for s in EDITED} == {"corrected"}
        text = export_bytes(p, "text")[0].decode("utf-8")
    for s in EDITED:
        assert mt[s] + SUFFIX in text
    assert mt[CLASH] + " (omar)" in text and mt[CLASH] + SUFFIX not in text


def test_applied_corrections_are_rechecked_like_a_save(demo, tmp_path):
    with Project.open(demo) as p:
        seg = p.segments().row(EDITED[0] - 1, named=True)
        data = _edited_export(p, "xliff", {seg[SEG]: ""})  # an empty target would be critical
        p_before = p.flags(seg[DOC], seg[SEG])
    (tmp_path / "x.xlf").write_bytes(data)
    with Project.open(demo) as p:
        result = apply_file(p, tmp_path / "x.xlf", "amal")
        assert [c.reason for c in result.refused] == ["target emptied"]
        assert p.flags(seg[DOC], seg[SEG]).equals(p_before)
        # A real correction: the checks run on it (the Latin names are gone, their flags too).
        data = _edited_export(p, "xliff", {2: "قام إيلون ماسك بتغريد رابط."})
    (tmp_path / "y.xlf").write_bytes(data)
    with Project.open(demo) as p:
        assert apply_file(p, tmp_path / "y.xlf", "amal").summary().startswith("applied 1,")
        current = p.flags(seg[DOC], 2)
        assert current["from_correction"].all() and "untranslated" not in current["check"].to_list()
        assert "Elon Musk" not in " ".join(current["message"].to_list())


def test_dry_run_prints_the_diffs_and_writes_nothing(demo, tmp_path):
    with Project.open(demo) as p:
        segs = p.segments()
        mt = dict(zip(segs[SEG].to_list(), segs[TARGET].to_list()))
        data = _edited_export(p, "po", {4: mt[4] + SUFFIX})
    (tmp_path / "c.po").write_bytes(data)
    before = demo.read_bytes()
    r = run("apply", demo, tmp_path / "c.po", "--reviewer", "amal", "--dry-run")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == [f"{segs[DOC][0]} #4", f"- {mt[4]}", f"+ {mt[4]}{SUFFIX}"]
    assert "would apply 1, unchanged 95" in r.stderr
    with Project.open(demo) as p:
        assert p.all_revisions().height == 0
    assert demo.read_bytes() == before


def test_changed_source_and_unknown_units_are_refused(demo, tmp_path):
    with Project.open(demo) as p:
        data = export_bytes(p, "xliff")[0]
    store = xliff.xlifffile.parsestring(data)
    units = [u for u in store.units if not u.isheader()]
    units[0].source = "A different sentence."
    units[0].target = "جملة أخرى."
    units[1].setid("999")
    units[1].target = "نص."
    out = io.BytesIO()
    store.serialize(out)
    (tmp_path / "c.xlf").write_bytes(out.getvalue())
    with Project.open(demo) as p:
        result = apply_file(p, tmp_path / "c.xlf", "amal")
        assert [(c.seg, c.reason) for c in result.refused] == [
            (1, "source text changed"), (999, f"no segment {p.doc_ids()[0]} #999 in the project")]
        assert p.all_revisions().height == 0


def test_signed_off_in_the_cat_tool_means_approved(demo, tmp_path):
    with Project.open(demo) as p:
        store = xliff.xlifffile.parsestring(export_bytes(p, "xliff")[0])
        units = [u for u in store.units if not u.isheader()]
        units[2].xmlelement.find("{*}target").set("state", "signed-off")  # confirmed, text as is
        units[4].target = units[4].target + SUFFIX
        units[4].xmlelement.find("{*}target").set("state", "final")  # corrected and signed off
        out = io.BytesIO()
        store.serialize(out)
        (tmp_path / "c.xlf").write_bytes(out.getvalue())
        result = apply_file(p, tmp_path / "c.xlf", "amal")
        assert [(c.seg, c.approve) for c in result.applied] == [(3, True), (5, True)]
        statuses = dict(p.segments().select(SEG, STATUS).rows())
        assert statuses[3] == statuses[5] == "approved"
        assert p.latest(p.doc_ids()[0], 3)[0] == 0  # approved as is: no new revision
        # Our own states on the way back change nothing: the export applied again is all unchanged.
        (tmp_path / "again.xlf").write_bytes(export_bytes(p, "xliff")[0])
        (tmp_path / "again2.xlf").write_bytes(export_bytes(p, "xliff2")[0])
        for name in ("again.xlf", "again2.xlf"):
            again = apply_file(p, tmp_path / name, "amal")
            assert (len(again.applied), len(again.unchanged)) == (0, 96), name


def test_unedited_unit_revised_in_the_project_is_unchanged_not_a_conflict(demo, tmp_path):
    with Project.open(demo) as p:
        data = export_bytes(p, "jsonl")[0]
        doc = p.doc_ids()[0]
        save_correction(p, doc, 7, "نص جديد.", "omar", 0)
        (tmp_path / "c.jsonl").write_bytes(data)
        result = apply_file(p, tmp_path / "c.jsonl", "amal")
        assert (len(result.applied), len(result.conflicts), len(result.unchanged)) == (0, 0, 96)
        assert p.latest(doc, 7) == (1, "نص جديد.")


def test_jsonl_and_parquet_corrections_apply(demo, tmp_path):
    with Project.open(demo) as p:
        lines = [json.loads(x) for x in export_bytes(p, "jsonl")[0].decode().splitlines()]
        lines[3][CURRENT] = lines[3][TARGET] + SUFFIX
        (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
        table = pl.read_parquet(io.BytesIO(export_bytes(p, "parquet")[0]))
        table = table.with_columns(pl.when(pl.col(SEG) == 5).then(pl.col(TARGET) + SUFFIX)
                                   .otherwise(pl.col(CURRENT)).alias(CURRENT))
        table.write_parquet(tmp_path / "c.parquet")
        result = apply_file(p, tmp_path / "c.parquet", "amal", dry_run=True)
        assert [(c.seg, c.new) for c in result.applied] == [(5, table[CURRENT][4])]
        result = apply_file(p, tmp_path / "c.jsonl", "amal")
        assert [(c.seg, c.new) for c in result.applied] == [(4, lines[3][TARGET] + SUFFIX)]


def test_bad_files_are_one_line_errors(demo, tmp_path):
    (tmp_path / "bad.xlf").write_text("<xliff><file>", encoding="utf-8")
    r = run("apply", demo, tmp_path / "bad.xlf", "--reviewer", "amal")
    assert r.exit_code == 2 and r.stderr.startswith(f"error: {tmp_path / 'bad.xlf'}")
    (tmp_path / "t.tsv").write_text("a\tb\n", encoding="utf-8")
    r = run("apply", demo, tmp_path / "t.tsv", "--reviewer", "amal")
    assert r.exit_code == 2 and "cannot apply corrections from TSV" in r.stderr
    r = run("apply", demo, tmp_path / "bad.xlf", "--reviewer", " ")
    assert r.exit_code == 2 and "reviewer" in r.stderr


def test_formula_like_cells_survive_a_spreadsheet_that_drops_the_bom(tmp_path):
    from review.corpus import Corpus
    from review.schema import FORMAT

    segs = pl.DataFrame({DOC: ["d", "d"], SEG: [1, 2], SOURCE: ["=SUM(A1)", "'=x"], TARGET: ["-1", "+"],
                         "src_lang": ["en", "en"], "tgt_lang": ["ar", "ar"]})
    with Project.create(tmp_path / "c.review", Corpus(segs, pl.DataFrame({DOC: ["d"], FORMAT: ["csv"]}))) as p:
        data = export_bytes(p, "csv")[0]
        assert b"'=SUM(A1)" in data and b"''=x" in data
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        rows[1][CURRENT] = "'+ تصحيح"  # typed defused, as our export writes it
        buf = io.StringIO(newline="")
        w = csv.DictWriter(buf, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
        (tmp_path / "c.csv").write_text(buf.getvalue(), encoding="utf-8")  # saved without a BOM
        result = apply_file(p, tmp_path / "c.csv", "amal")
        assert [(c.seg, c.new) for c in result.applied] == [(2, "+ تصحيح")]
        assert len(result.unchanged) == 1 and not result.refused


def test_source_column_is_what_csv_compares(demo, tmp_path):
    with Project.open(demo) as p:
        data = export_bytes(p, "csv")[0].decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(data, newline="")))
        rows[0][SOURCE] = "Changed."
        rows[0][CURRENT] = "تغير."
        buf = io.StringIO(newline="")
        w = csv.DictWriter(buf, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
        (tmp_path / "c.csv").write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode())
        result = apply_file(p, tmp_path / "c.csv", "amal")
        assert [(c.seg, c.reason) for c in result.refused] == [(1, "source text changed")]


# ---------------------------------------------------------------------- states for other tools
def test_xliff2po_marks_only_unreviewed_flagged_segments_fuzzy(demo, tmp_path):
    from translate.convert import po2tmx, xliff2po

    with Project.open(demo) as p:
        doc = p.doc_ids()[0]
        flagged = p.segments().filter(pl.col("flagged") & (pl.col(SOURCE) != ""))[SEG].to_list()
        save_correction(p, doc, flagged[0], "نص مصحح.", "amal", 0)  # corrected: no longer fuzzy
        p.approve(doc, flagged[1], "amal", 0)
        (tmp_path / "demo.xlf").write_bytes(export_bytes(p, "xliff")[0])
        # A PO message with an empty msgid is a header: the 0-1 beads (text with no source) go.
        total = p.segments().filter(pl.col(SOURCE) != "").height
    with open(tmp_path / "demo.xlf", "rb") as i, open(tmp_path / "demo.po", "wb") as o:
        assert xliff2po.convertxliff(i, o, None) == 1
    units = [u for u in po.pofile.parsefile(str(tmp_path / "demo.po")).units if not u.isheader()]
    fuzzy = [u for u in units if u.isfuzzy()]
    assert len(units) == total and len(fuzzy) == len(flagged) - 2 > 0
    memory = tmx.tmxfile()
    with open(tmp_path / "demo.po", "rb") as i:
        po2tmx.po2tmx().convertfiles(i, memory, "en", "ar")
    assert len(memory.units) == total - len(fuzzy)  # po2tmx skips fuzzy messages only


def test_our_po_and_xliff2_read_by_translate_toolkit(demo):
    from translate.storage import factory

    with Project.open(demo) as p:
        segs = p.segments()
        store = po.pofile.parsestring(export_bytes(p, "po")[0])
        units = [u for u in store.units if not u.isheader()]
        assert [u.source for u in units] == segs[SOURCE].to_list()
        assert [u.target for u in units] == segs[CURRENT].to_list()
        assert sum(u.isfuzzy() for u in units) == segs.filter(pl.col("flagged"))[SEG].len()
        data, name, _ = export_bytes(p, "xliff2")
    assert name.endswith(".xlf")  # translate-toolkit's factory knows .xlf, not .xliff2
    assert factory.getclass(name).__name__ in ("Xliff1File", "xlifffile")
    store2 = xliff2.Xliff2File.parsestring(data)
    assert [u.target for u in store2.units] == segs[CURRENT].to_list()
    assert not any(u.isfuzzy() for u in store2.units)


def test_units_a_cat_tool_split_into_sentences_still_match(demo, tmp_path):
    """Trados and Okapi wrap sentences in <mrk mtype="seg"> (1.2); a 2.x tool may split a unit's
    segment in two: the text is what counts."""
    from lxml import etree

    with Project.open(demo) as p:
        segs = p.segments()
        mt = dict(zip(segs[SEG].to_list(), segs[TARGET].to_list()))
        root = etree.fromstring(export_bytes(p, "xliff")[0])
        ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
        target = root.find(".//x:trans-unit[@id='4']/x:target", ns)
        first, _, rest = (mt[4] + SUFFIX).partition(" ")
        target.text = None
        for k, piece in enumerate((first + " ", rest), 1):
            m = etree.SubElement(target, f"{{{ns['x']}}}mrk", mtype="seg", mid=str(k))
            m.text = piece
        (tmp_path / "seg.xlf").write_bytes(etree.tostring(root))

        root = etree.fromstring(export_bytes(p, "xliff2")[0])
        ns2 = "urn:oasis:names:tc:xliff:document:2.0"
        unit = root.find(f".//{{{ns2}}}unit[@id='u6']")
        segment = unit.find(f"{{{ns2}}}segment")
        src, tgt = segment.find(f"{{{ns2}}}source"), segment.find(f"{{{ns2}}}target")
        s1, _, s2 = src.text.partition(" ")
        t1, _, t2 = (mt[6] + SUFFIX).partition(" ")
        src.text, tgt.text = s1, t1
        gap = etree.SubElement(unit, f"{{{ns2}}}ignorable")
        etree.SubElement(gap, f"{{{ns2}}}source").text = " "
        second = etree.SubElement(unit, f"{{{ns2}}}segment", state="translated")
        etree.SubElement(second, f"{{{ns2}}}source").text = s2
        etree.SubElement(second, f"{{{ns2}}}target").text = t2
        (tmp_path / "split.xlf").write_bytes(etree.tostring(root))

        for name, seg in (("seg.xlf", 4), ("split.xlf", 6)):
            result = apply_file(p, tmp_path / name, "amal", dry_run=True)
            assert [(c.seg, c.new) for c in result.applied] == [(seg, mt[seg] + SUFFIX)], name
            assert not result.refused, result.refused


def test_a_file_of_another_project_is_an_error(demo, tmp_path):
    (tmp_path / "other.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: ar\\n"\n\n#. mt-review:base-revision: 0\n'
        'msgctxt "other-doc#1"\nmsgid "Hello."\nmsgstr "مرحبا."\n', encoding="utf-8")
    r = run("apply", demo, tmp_path / "other.po", "--reviewer", "amal")
    assert r.exit_code == 2 and "not an export of this project" in r.stderr and "'other-doc'" in r.stderr


def test_corrections_from_standard_input(demo, tmp_path):
    with Project.open(demo) as p:
        segs = p.segments()
        mt = dict(zip(segs[SEG].to_list(), segs[TARGET].to_list()))
        data = _edited_export(p, "tmx", {4: mt[4] + SUFFIX})
    r = CliRunner().invoke(main, ["apply", str(demo), "-", "--reviewer", "amal"], input=data)
    assert r.exit_code == 0, r.output
    assert "applied 1, unchanged 95, conflicts 0, refused 0" in r.stdout
    with Project.open(demo) as p:
        assert p.latest(p.doc_ids()[0], 4) == (1, mt[4] + SUFFIX)
        assert p.all_revisions()["note"].to_list() == ["applied from stdin"]


# ---------------------------------------------------------------------- PO quoting, any text
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=_TEXT, target=_TEXT, doc=st.from_regex(r"[a-z][a-z0-9#:.-]{0,12}", fullmatch=True))
def test_po_export_reads_back_exactly(tmp_path, source, target, doc):
    """Whatever the text (quotes, backslashes, line breaks, '#'), the PO we write gives back the
    same msgctxt, source and target to our reader and to translate-toolkit's."""
    from review.export.po import po_text
    from review.load.corrections import read_corrections
    from review.schema import FLAGGED, REV

    segs = pl.DataFrame({DOC: [doc], SEG: [7], SOURCE: [source], TARGET: ["mt"], "output": [target],
                         STATUS: ["corrected"], REV: [3], FLAGGED: [False], "src_lang": ["en"],
                         "tgt_lang": ["ar"]})
    empty_flags = pl.DataFrame(schema={DOC: pl.String, SEG: pl.Int64})
    text = po_text(pl.DataFrame(), segs, empty_flags.head(0).with_columns(), empty_flags)
    path = tmp_path / "x.po"
    path.write_text(text, encoding="utf-8")
    (unit,) = read_corrections(path)
    assert (unit.doc, unit.seg, unit.source, unit.target, unit.base_rev) == (doc, 7, source, target, 3)
    units = [u for u in po.pofile.parsestring(text.encode("utf-8")).units if not u.isheader()]
    if source:  # an empty msgid is a header to translate-toolkit
        assert [(u.getcontext(), u.source, u.target) for u in units] == [(f"{doc}#7", source, target)]


_XML_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff",
                                  codec="utf-8").filter(lambda c: c >= " " or c in "\t\n\r"), max_size=40)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=_XML_TEXT, target=_XML_TEXT, fmt=st.sampled_from(["xliff", "xliff2", "tmx"]))
def test_xml_exports_read_back_exactly(tmp_path, source, target, fmt):
    """Any text XML can hold (CR and CRLF of a plain document's broken lines included) comes back
    from our XLIFF and TMX exports as it was, so that `review apply` sees no change where none
    was made."""
    from review.export.tmx import tmx_text
    from review.export.xliff import xliff12_text, xliff21_text
    from review.load.corrections import read_corrections
    from review.schema import FLAGGED, FORMAT, REV, TAGS

    segs = pl.DataFrame({DOC: ["d"], SEG: [2], SOURCE: [source], TARGET: ["mt"], "output": [target],
                         STATUS: ["to_review"], REV: [0], FLAGGED: [True], TAGS: [None],
                         REVIEWER: [None], "updated": [None], "src_lang": ["en"], "tgt_lang": ["ar"]},
                        schema_overrides={TAGS: pl.String, REVIEWER: pl.String, "updated": pl.String})
    docs = pl.DataFrame({DOC: ["d"], FORMAT: ["text"]})
    no_flags = pl.DataFrame(schema={DOC: pl.String, SEG: pl.Int64})
    writer = {"xliff": xliff12_text, "xliff2": xliff21_text, "tmx": tmx_text}[fmt]
    path = tmp_path / f"x.{'tmx' if fmt == 'tmx' else 'xlf'}"
    path.write_text(writer(docs, segs, no_flags, no_flags), encoding="utf-8")
    (unit,) = read_corrections(path)
    assert (unit.doc, unit.seg, unit.source, unit.target, unit.base_rev) == ("d", 2, source, target, 0)


@pytest.mark.parametrize("fmt", ["xliff", "xliff2", "tmx", "po", "csv"])
def test_crlf_document_round_trips_unchanged(tmp_path, fmt):
    """A Windows document whose MT broke a sentence across lines: the bead's target holds a CRLF;
    exported and applied back untouched, nothing changes."""
    from review.inputs import load_pair

    (tmp_path / "a.en.txt").write_bytes(b"The board met on Monday. Nobody answered the letter.\r\n")
    (tmp_path / "a.ar.txt").write_bytes("اجتمع المجلس يوم الاثنين. لم يرد أحد على\r\nالرسالة.\r\n".encode())
    with Project.create(tmp_path / "a.review", load_pair(tmp_path / "a.en.txt", tmp_path / "a.ar.txt")) as p:
        assert any("\r\n" in t for t in p.segments()[TARGET].to_list())
        data = export_bytes(p, fmt)[0]
        (tmp_path / f"a.{fmt}").write_bytes(data)
        result = apply_file(p, tmp_path / f"a.{fmt}", "amal", fmt="xliff" if fmt == "xliff2" else fmt)
        assert (len(result.applied), len(result.refused), len(result.unchanged)) == (0, 0, p.segments().height)


FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "formats"


@pytest.mark.parametrize("src", [FIXTURES / "export" / "tags.xlf", FIXTURES / "formats" / "inline12.xlf",
                                 FIXTURES / "formats" / "inline21.xlf", FIXTURES / "formats" / "three_langs.tmx",
                                 FIXTURES / "formats" / "plurals.po", SHARED / "xliff12" / "MQ-12-Test01.xlf",
                                 SHARED / "tmx" / "test-level2.tmx"], ids=lambda p: p.name)
def test_an_untouched_export_changes_nothing(tmp_path, src):
    """Inline codes, plural forms, empty targets, three languages: every format exported and
    applied back as it is gives only `unchanged`."""
    from review.load import load_file

    if not src.exists():
        pytest.skip(f"shared data not available ({src})")
    with Project.create(tmp_path / "p.review", load_file(src)) as p:
        total = p.segments().height
        for fmt in ("xliff", "xliff2", "tmx", "po", "csv", "jsonl"):
            path = tmp_path / f"x.{fmt}"
            path.write_bytes(export_bytes(p, fmt)[0])
            result = apply_file(p, path, "amal", fmt="xliff" if fmt == "xliff2" else fmt)
            assert len(result.unchanged) == total and not result.applied and not result.refused, fmt


def test_apply_then_propagate_through_the_cli_leaves_no_latin_altman(demo):
    """Issue 13's CLI path: a fix made in an edited export comes back with `review apply`, then
    `review propagate` repeats it in the other segment; `--undo` brings the MT back."""
    run = CliRunner()
    out = demo.parent / "e.jsonl"
    assert run.invoke(main, ["export", str(demo), "--format", "jsonl", "-o", str(out)]).exit_code == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    latin = [r for r in rows if "Altman" in r["current"]]
    assert len(latin) == 2  # the demo MT leaves Altman in Latin script twice
    latin[0]["current"] = latin[0]["current"].replace("Altman", "ألتمان")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    r = run.invoke(main, ["apply", str(demo), str(out), "--reviewer", "Amal"])
    assert r.exit_code == 0 and "applied 1," in r.stdout

    def text_export() -> str:
        r = run.invoke(main, ["export", str(demo), "--format", "text", "-o", "-"])
        assert r.exit_code == 0
        return r.stdout

    assert text_export().count("Altman") == 1
    seg = str(latin[0]["seg"])
    r = run.invoke(main, ["propagate", str(demo), "--from", seg, "--reviewer", "Amal"])
    assert r.exit_code == 0, r.output
    assert "Altman" not in text_export()
    r = run.invoke(main, ["propagate", str(demo), "--from", seg, "--reviewer", "Amal", "--undo"])
    assert r.exit_code == 0, r.output
    assert text_export().count("Altman") == 1
