"""`review load`: output formats, format detection, and one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from review.cli import main
from review.errors import InputError
from review.load import detect_format, load_file
from review.schema import SEGMENT_SCHEMA, SOURCE, TARGET

FIX = Path(__file__).parent / "fixtures" / "formats"


def run(*args: str):
    return CliRunner().invoke(main, ["load", *map(str, args)])


def test_table_output_keeps_arabic_in_logical_order():
    r = run(FIX / "header.tsv")
    assert r.exit_code == 0, r.output
    assert "اجتمع المجلس يوم الاثنين." in r.stdout
    assert "line 2 (id s1)" in r.stdout


def test_jsonl_rows_use_schema_names():
    r = run(FIX / "three_langs.tmx", "--tgt-lang", "ar", "--format", "jsonl")
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) == 3 and list(rows[0]) == list(SEGMENT_SCHEMA)
    assert rows[0][TARGET] == "أُرسلت الرسالة يوم الاثنين."


def test_out_file_parquet(tmp_path):
    out = tmp_path / "seg.parquet"
    r = run(FIX / "plurals.po", "--format", "parquet", "-o", out)
    assert r.exit_code == 0, r.output
    df = pl.read_parquet(out)
    assert df.height == 10 and df[SOURCE][0] == "Welcome"


def test_columns_and_encoding_flags(tmp_path):
    p = tmp_path / "t.txt"
    p.write_bytes("a\tb\tc\nOne\tواحد\tOne\n".encode("cp1256"))
    r = run(p, "--input-format", "tsv", "--source-col", "1", "--target-col", "2", "--bt-col", "3",
            "--encoding", "cp1256", "--format", "jsonl")
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(x["source"], x["target"], x["bt"]) for x in rows] == [("a", "b", "c"), ("One", "واحد", "One")]


def _binary(tmp_path: Path) -> Path:
    p = tmp_path / "blob.csv"
    p.write_bytes(b"source,target\n\x00\x01\x02\xff" * 10)
    return p


def _long_line(tmp_path: Path) -> Path:
    p = tmp_path / "long.tsv"
    p.write_text("source\ttarget\nshort\tقصير\n" + "x" * 50_000_000 + "\tطويل\n", encoding="utf-8")
    return p


def _empty(tmp_path: Path) -> Path:
    p = tmp_path / "empty.xlf"
    p.write_bytes(b"")
    return p


def _unknown(tmp_path: Path) -> Path:
    p = tmp_path / "notes.txt"
    p.write_text("Just some prose, with commas, and no tabs.\nA second line.\n", encoding="utf-8")
    return p


BAD = {
    "missing": (lambda tmp: tmp / "nope.tsv", [], "no such file"),
    "empty": (_empty, [], "file is empty"),
    "binary": (_binary, [], "binary file"),
    "malformed": (lambda tmp: FIX / "malformed.xlf", [], "malformed XML"),
    "bomb": (lambda tmp: FIX / "bomb.xlf", [], "refused unsafe XML"),
    "xxe": (lambda tmp: FIX / "xxe.tmx", [], "refused unsafe XML"),
    "column": (lambda tmp: FIX / "header.tsv", ["--source-col", "english"], "available columns: id, source, mt, bt"),
    "long line": (_long_line, [], "line is 50,000,005 characters long"),
    "unknown format": (_unknown, [], "cannot tell the file format"),
    "input format": (lambda tmp: FIX / "header.tsv", ["--input-format", "docx"], "unknown input format 'docx'"),
    "encoding": (lambda tmp: FIX / "header.tsv", ["--encoding", "klingon"], "unknown encoding 'klingon'"),
    "flag for xml": (lambda tmp: FIX / "inline12.xlf", ["--target-col", "x"], "only apply to tables"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, case):
    make, extra, message = BAD[case]
    path = make(tmp_path)
    out = tmp_path / "out.jsonl"
    r = run(path, *extra, "--format", "jsonl", "-o", out)
    assert r.exit_code == 2, (r.output, r.exception)
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"error: {path}") and message in lines[0]
    assert "Traceback" not in r.stderr
    assert not out.exists()
    assert list(tmp_path.glob(".out.jsonl*")) == []  # no temporary file left either


def test_long_line_error_names_line_3(tmp_path):
    with pytest.raises(InputError) as e:
        load_file(_long_line(tmp_path))
    assert e.value.line == 3


@pytest.mark.parametrize("name,expected", [
    ("header.tsv", "tsv"), ("crlf.csv", "csv"), ("data.jsonl", "jsonl"), ("plurals.po", "po"),
    ("three_langs.tmx", "tmx"), ("inline12.xlf", "xliff"), ("inline21.xlf", "xliff"),
])
def test_format_sniffed_without_extension(tmp_path, name, expected):
    p = tmp_path / "input.dat"
    p.write_bytes((FIX / name).read_bytes())
    assert detect_format(p) == expected
    assert load_file(p).segments.height == load_file(FIX / name).segments.height


def test_parquet_sniffed_by_magic(tmp_path):
    p = tmp_path / "table.bin"
    pl.DataFrame({"source": ["a"], "target": ["ب"]}).write_parquet(p)
    assert detect_format(p) == "parquet"
