"""TSV, CSV, JSONL and Parquet loaders: columns, headers, encodings, and round trips."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.errors import InputError
from review.load import load_file
from review.schema import (
    ALIGN_CONF, BEAD, BOM, BT, DOC, DOCUMENT_SCHEMA, ENCODING, FORMAT, LOCATOR, LOW_CONF, ORIGIN, PARA,
    REFERENCE, SEG, SEGMENT_SCHEMA, SOURCE, SRC_LANG, TARGET, TGT_LANG,
)

FIX = Path(__file__).parent / "fixtures" / "formats"


def test_tsv_header_names_pick_columns_and_id_goes_to_locator():
    c = load_file(FIX / "header.tsv")
    s = c.segments
    assert s.schema == pl.Schema(SEGMENT_SCHEMA)
    assert s[SOURCE].to_list()[0] == "The board met on Monday."
    assert s[TARGET].to_list()[0] == "اجتمع المجلس يوم الاثنين."
    assert s[BT].to_list()[1] == '"Yes," he said.'
    # An unquoted TSV keeps quotes at the start of a field as text.
    assert s[SOURCE].to_list()[1] == '"Yes," he said.'
    assert s[TARGET].to_list()[1] == '"نعم"، قال.'
    assert s[REFERENCE].null_count() == 3
    assert s[LOCATOR].to_list() == ["line 2 (id s1)", "line 3 (id s2)", "line 4 (id s3)"]
    assert s[SEG].to_list() == [1, 2, 3] and s[PARA].to_list() == [1, 2, 3]
    assert set(s[BEAD]) == {"1-1"} and set(s[ALIGN_CONF]) == {1.0} and set(s[LOW_CONF]) == {False}
    assert set(s[DOC]) == {"header"}
    assert set(s[ORIGIN]) == {str(FIX / "header.tsv")}
    assert (s[SRC_LANG][0], s[TGT_LANG][0]) == ("en", "ar")


def test_tsv_without_header_takes_first_two_columns():
    s = load_file(FIX / "noheader.tsv").segments
    assert s.select(SOURCE, TARGET).rows() == [("Hello world.", "مرحبا بالعالم."),
                                                ("Good night.", "تصبحون على خير.")]
    assert s[LOCATOR].to_list() == ["line 1", "line 2"]


def test_csv_crlf_quoted_newlines_and_line_numbers():
    c = load_file(FIX / "crlf.csv")
    s = c.segments
    assert s[SOURCE].to_list() == ["A, B and C", "Line one\r\nline two", "=SUM(A1)"]
    assert s[REFERENCE].to_list() == ["أ و ب و ج", None, None]  # empty cell: no reference
    # A record spanning lines 3-5 pushes the next one to line 6.
    assert s[LOCATOR].to_list() == ["line 2", "line 3", "line 6"]
    assert c.documents[FORMAT].to_list() == ["csv"]


@pytest.mark.parametrize("name,encoding,bom", [("cp1256.tsv", "cp1256", False),
                                               ("utf16.tsv", "utf-16", True),
                                               ("bom.csv", "utf-8", True)])
def test_encodings_are_detected(name, encoding, bom):
    c = load_file(FIX / name)
    assert c.documents.row(0, named=True)[ENCODING] == encoding
    assert c.documents.row(0, named=True)[BOM] is bom
    assert c.documents.schema == pl.Schema(DOCUMENT_SCHEMA)
    target = c.segments[TARGET][0]
    assert target in ("السلام عليكم.", "واحد")
    assert "\r" not in target and "\ufeff" not in c.segments[SOURCE][0]


def test_forced_encoding_wins(tmp_path):
    p = tmp_path / "latin.tsv"
    p.write_bytes("source\ttarget\nCafé\tمقهى\n".encode("utf-8"))
    # Forcing cp1256 on UTF-8 bytes gives mojibake: proof that the flag is used.
    s = load_file(p, encoding="cp1256").segments
    assert s[SOURCE][0] != "Café"
    assert load_file(p).segments[SOURCE][0] == "Café"


def test_columns_by_flag_name_or_number(tmp_path):
    p = tmp_path / "cols.csv"
    p.write_text("english,arabic,human,back\nHi,مرحبا,أهلا,Hello\n", encoding="utf-8")
    s = load_file(p, source_col="english", target_col="arabic", ref_col="human", bt_col="4").segments
    assert s.select(SOURCE, TARGET, REFERENCE, BT).row(0) == ("Hi", "مرحبا", "أهلا", "Hello")
    assert s[LOCATOR][0] == "line 2"  # the flag named a header cell, so line 1 is a header


def test_unknown_column_lists_available_ones(tmp_path):
    with pytest.raises(InputError) as e:
        load_file(FIX / "header.tsv", ref_col="human")
    assert "no column 'human'" in str(e.value)
    assert "id, source, mt, bt" in str(e.value)


def test_stray_separator_names_the_line(tmp_path):
    p = tmp_path / "ragged.tsv"
    p.write_text("source\ttarget\na\tb\nc\td\textra\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_file(p)
    assert e.value.line == 3 and "3 fields" in str(e.value)


def test_doc_column_numbers_segments_per_document():
    c = load_file(FIX / "data.jsonl")
    s = c.segments
    assert s.select(DOC, SEG).rows() == [("a", 1), ("a", 2), ("b", 1)]
    assert s[TARGET].to_list() == ["الأول.", "", "الثالث."]  # null target -> ""
    assert s[LOCATOR].to_list() == ["line 1 (id 1)", "line 3 (id 2)", "line 4 (id 3)"]
    assert c.documents[DOC].to_list() == ["a", "b"]


def test_json_array_of_objects(tmp_path):
    p = tmp_path / "pairs.json"
    p.write_text('[{"src": "One", "tgt": "واحد"}, {"src": "Two", "tgt": "اثنان", "ref": "اثنين"}]',
                 encoding="utf-8")
    s = load_file(p).segments
    assert s.select(SOURCE, TARGET, REFERENCE, LOCATOR).rows() == [
        ("One", "واحد", None, "item 1"), ("Two", "اثنان", "اثنين", "item 2")]


def test_jsonl_bad_line_is_named(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"source": "a", "target": "b"}\n{"source": "c", \n', encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_file(p)
    assert e.value.line == 2


def test_parquet_by_header_and_flags(tmp_path):
    p = tmp_path / "t.parquet"
    pl.DataFrame({"src": ["One", "Two"], "mt": ["واحد", None], "n": [1, 2]}).write_parquet(p)
    s = load_file(p).segments
    assert s.select(SOURCE, TARGET, LOCATOR).rows() == [("One", "واحد", "row 1"), ("Two", "", "row 2")]
    s = load_file(p, id_col="n", src_lang="en-GB").segments
    assert s[LOCATOR].to_list() == ["row 1 (id 1)", "row 2 (id 2)"]
    assert s[SRC_LANG].to_list() == ["en-GB", "en-GB"]


def test_corrupt_parquet_is_an_input_error(tmp_path):
    p = tmp_path / "t.parquet"
    p.write_bytes(b"PAR1 this is not really parquet PAR1")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        load_file(p)


# ----------------------------------------------------------------------------- round trips

# Any text a translation might hold, including the characters that break naive CSV/TSV handling.
PIECE = st.one_of(st.sampled_from(list('\t\n\r",;=+-@ \'\\') + ["\r\n", "٣", "؟", "ال", "\u200f", "=cmd"]),
                  st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")))
TEXT = st.lists(PIECE, max_size=20).map("".join)
PAIRS = st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=8)


def _write(df: pl.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "tsv":
        df.write_csv(path, separator="\t")
    elif fmt == "csv":
        df.write_csv(path)
    elif fmt == "jsonl":
        df.write_ndjson(path)
    else:
        df.write_parquet(path)


@pytest.mark.parametrize("fmt", ["tsv", "csv", "jsonl", "parquet"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=PAIRS)
def test_round_trip_through_polars(tmp_path, fmt, pairs):
    # Blank rows are skipped by the table readers (and an all-blank file is "empty"): keep one
    # visible character so that every written row is a row.
    pairs = [(s, t + "x") for s, t in pairs]
    df = pl.DataFrame({"source": [s for s, _ in pairs], "target": [t for _, t in pairs]},
                      schema={"source": pl.String, "target": pl.String})
    path = tmp_path / f"rt.{fmt}"
    _write(df, path, fmt)
    s = load_file(path).segments
    assert s.select(SOURCE, TARGET).rows() == pairs


def test_a_first_row_with_one_known_word_is_data_not_a_header(tmp_path):
    p = tmp_path / "ui.tsv"
    p.write_text("Source\tالمصدر\nTarget\tالهدف\n", encoding="utf-8")
    s = load_file(p).segments
    assert s.select(SOURCE, TARGET).rows() == [("Source", "المصدر"), ("Target", "الهدف")]
    p.write_text("en\tar\nSource\tالمصدر\n", encoding="utf-8")  # language codes name the columns
    assert load_file(p).segments.select(SOURCE, TARGET).rows() == [("Source", "المصدر")]


def test_csv_defused_formula_cells_and_tags_come_back(tmp_path):
    from review.load import load_file

    path = tmp_path / "back.csv"
    path.write_text('source,target,tags\n"=1+1","\'=1+1","{""⟦1⟧"": ""<b>""}"\n'
                    '"\'quoted","\'مقتبس",\n', encoding="utf-8-sig")
    seg = load_file(path).segments
    assert seg["target"].to_list() == ["=1+1", "'مقتبس"]  # only the defusing apostrophe goes
    assert seg["source"].to_list() == ["=1+1", "'quoted"]
    assert seg["tags"].to_list() == ['{"⟦1⟧": "<b>"}', None]
