"""Limits and odd input of the loaders (issue 9): depth limits, column types, odd tables.

Every refusal is one InputError line naming the file and the position; every oddity that is
read anyway is an InputWarning, never silence.
"""

from __future__ import annotations

import polars as pl
import pytest

from review.errors import InputError, InputWarning
from review.load import load_file
from review.load.tabular import MAX_JSON_DEPTH
from review.load.xmlsafe import MAX_XML_DEPTH
from review.schema import REFERENCE, SOURCE, TARGET


def _xliff(groups: int, inline: int) -> str:
    return ('<xliff version="1.2"><file source-language="en" target-language="ar"><body>'
            + "<group>" * groups + '<trans-unit id="1"><source>a' + '<g id="1">' * inline + "x"
            + "</g>" * inline + "</source><target>ب</target></trans-unit>" + "</group>" * groups
            + "</body></file></xliff>")


@pytest.mark.parametrize("groups,inline", [(1000, 0), (0, 1000), (5, 100_000)])
def test_deep_xliff_is_refused_with_a_position(tmp_path, groups, inline):
    p = tmp_path / "deep.xlf"
    p.write_text(_xliff(groups, inline), encoding="utf-8")
    with pytest.raises(InputError, match=f"nested more than {MAX_XML_DEPTH} deep") as e:
        load_file(p)
    assert e.value.line == 1 and e.value.column > 1 and "\n" not in str(e.value)


def test_xml_just_under_the_limit_loads(tmp_path):
    p = tmp_path / "ok.xlf"
    p.write_text(_xliff(0, MAX_XML_DEPTH - 10), encoding="utf-8")
    assert load_file(p).segments[TARGET].to_list() == ["ب"]


def test_deep_tmx_inline_is_refused(tmp_path):
    p = tmp_path / "deep.tmx"
    p.write_text('<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>'
                 + "<hi>" * 5000 + "x" + "</hi>" * 5000
                 + '</seg></tuv><tuv xml:lang="ar"><seg>y</seg></tuv></tu></body></tmx>', encoding="utf-8")
    with pytest.raises(InputError, match="nested more than"):
        load_file(p)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1000, 100_000])
def test_deep_jsonl_is_refused(tmp_path, depth):
    p = tmp_path / "deep.jsonl"
    prefix = '{"source": "a", "target": "b", "x": "[[[", "y": '  # the outer object is depth 1
    p.write_text('{"source": "a", "target": "b"}\n' + prefix + "[" * depth + "]" * depth + "}\n",
                 encoding="utf-8")
    with pytest.raises(InputError, match=f"nested more than {MAX_JSON_DEPTH} deep") as e:
        load_file(p)
    assert e.value.line == 2 and e.value.column == len(prefix) + MAX_JSON_DEPTH


def test_deep_json_array_is_refused(tmp_path):
    p = tmp_path / "deep.json"
    p.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InputError, match="nested more than"):
        load_file(p)


@pytest.mark.parametrize("value,kind", [("42", "a number"), ("[1]", "a list"), ('{"a": 1}', "an object"),
                                        ("true", "a boolean")])
def test_jsonl_text_columns_must_be_text(tmp_path, value, kind):
    p = tmp_path / "t.jsonl"
    p.write_text('{"source": "a", "target": "b"}\n{"source": "a", "target": %s}\n' % value, encoding="utf-8")
    with pytest.raises(InputError, match=rf"t\.jsonl \(line 2\): column 'target' \(target\) holds {kind}"):
        load_file(p)


def test_jsonl_numeric_ids_are_fine(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_text('{"id": 7, "source": "a", "target": "b"}\n', encoding="utf-8")
    assert load_file(p).segments["locator"].to_list() == ["line 1 (id 7)"]


@pytest.mark.parametrize("values", [[b"\x00abc"], [3], [[1, 2]], [{"a": "b"}]])
def test_parquet_text_columns_must_be_text(tmp_path, values):
    p = tmp_path / "t.parquet"
    pl.DataFrame({"source": values, "target": ["ب"]}).write_parquet(p)
    with pytest.raises(InputError, match=r"t\.parquet: column 'source' \(source\) holds .*, not text"):
        load_file(p)


def test_parquet_with_unknown_column_names_warns(tmp_path):
    p = tmp_path / "t.parquet"
    pl.DataFrame({"english": ["One"], "arabic": ["واحد"]}).write_parquet(p)
    with pytest.warns(InputWarning, match=r"no column named source or target; reading 'english' as the "
                                          r"source, 'arabic' as the target"):
        s = load_file(p).segments
    assert s.select(SOURCE, TARGET).rows() == [("One", "واحد")]


def test_short_tsv_row_is_an_error_naming_the_line(tmp_path):
    p = tmp_path / "short.tsv"
    p.write_text("One\tواحد\nTwo\nاثنان\nThree\tثلاثة\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"short\.tsv:2: 1 field\(s\), but the source and target are in "
                                         r"columns 1 and 2"):
        load_file(p)


def test_short_row_missing_only_an_optional_cell_warns(tmp_path):
    p = tmp_path / "ref.tsv"
    p.write_text("source\ttarget\tref\nOne\tواحد\tواحد\nTwo\tاثنان\n", encoding="utf-8")
    with pytest.warns(InputWarning, match=r"ref\.tsv:3: 2 field\(s\) where the file has 3 columns"):
        s = load_file(p).segments
    assert s[REFERENCE].to_list() == ["واحد", None]


def test_extra_columns_without_header_warn(tmp_path):
    p = tmp_path / "extra.tsv"
    p.write_text("One\tواحد\nTwo\tاثنان\tمزيد\tآخر\n", encoding="utf-8")
    with pytest.warns(InputWarning, match=r"extra\.tsv:2: no header line, so columns 3-4 not read"):
        s = load_file(p).segments
    assert s[TARGET].to_list() == ["واحد", "اثنان"]


@pytest.mark.parametrize("shift", range(4))
def test_format_sniffing_never_cuts_a_character(tmp_path, shift):
    # The sniffer reads the first 8 KB; an Arabic letter across that boundary is not a bad byte.
    p = tmp_path / "pairs.dat"
    rows = "".join(f"One {i}\tواحد {i} مرحبا\n" for i in range(800))
    p.write_bytes(("source\ttarget\n" + "x" * shift + rows).encode("utf-8"))
    assert load_file(p).segments.height == 800


# ---------------------------------------------------------------- CSV written by any command

FORMULAS = ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "\uff1dcmd", "\uff0b1",
            "\uff0d1", "\uff20A1", "plain", "'=already quoted"]


def test_load_csv_output_is_defused_and_reads_back(tmp_path):
    import codecs

    from click.testing import CliRunner

    from review.cli import main

    src = tmp_path / "cells.jsonl"
    src.write_text("".join(pl.DataFrame({"source": FORMULAS, "target": ["ب"] * len(FORMULAS)})
                           .write_ndjson()), encoding="utf-8")
    out = tmp_path / "out.csv"
    r = CliRunner().invoke(main, ["load", str(src), "--format", "csv", "-o", str(out)])
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    cells = pl.read_csv(data[3:])[SOURCE].to_list()
    assert all(c.startswith("'") for c in cells[:9]) and cells[9] == "plain"
    assert cells[10] == "''=already quoted"
    assert load_file(out).segments[SOURCE].to_list() == FORMULAS  # the defusing is undone
    r = CliRunner().invoke(main, ["load", str(src), "--format", "csv"])
    assert r.stdout_bytes.startswith(codecs.BOM_UTF8) and "'\uff1dcmd" in r.stdout


# ---------------------------------------------------------------- declared encodings, PO limits

def test_declared_legacy_encoding_over_utf8_bytes_is_refused(tmp_path):
    p = tmp_path / "a.tmx"
    p.write_text('<?xml version="1.0" encoding="windows-1256"?>\n<tmx version="1.4"><header srclang="en"/>'
                 '<body><tu><tuv xml:lang="en"><seg>a</seg></tuv><tuv xml:lang="ar"><seg>ب</seg></tuv></tu>'
                 "</body></tmx>", encoding="utf-8")
    with pytest.raises(InputError, match=r"a\.tmx:1: declares windows-1256 but is UTF-8 text"):
        load_file(p)
    p.write_bytes(p.read_bytes().decode("utf-8").encode("cp1256"))
    assert load_file(p).segments[TARGET].to_list() == ["ب"]
    p.write_bytes(p.read_bytes().replace(b"windows-1256", b"UTF-8"))
    with pytest.raises(InputError, match="cannot decode as utf-8"):  # the declaration is obeyed
        load_file(p)


def test_po_with_absurd_plural_count_is_refused(tmp_path):
    p = tmp_path / "a.po"
    p.write_text('msgid "a"\nmsgid_plural "as"\nmsgstr[99999999999] "b"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"a\.po:1: msgstr\[99999999999\]: more than 20 plural forms"):
        load_file(p)
