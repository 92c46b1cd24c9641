"""TMX and XLIFF read in batches (review.load.xmlstream): the same rows as the whole-file loaders,
whatever the batch size, the tree never holding more than one unit; anything else is Unstreamable."""

from __future__ import annotations

import warnings
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.cli import main
from review.errors import InputError, InputWarning, Unstreamable
from review.export.scores import to_bytes
from review.load import detect_format, load_file
from review.load import xmlstream
from review.load.batched import iter_segments
from review.score import score
from review.stream_run import estimate_rows

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "formats"
XML_FILES = sorted([*FIXTURES.glob("*.xlf"), *FIXTURES.glob("*.tmx")])
SHARED_FILES = sorted([*SHARED.glob("*/*.xlf"), *SHARED.glob("*/*.tmx")]) if SHARED.is_dir() else []


def whole_or_error(path: Path, **kw):
    """The whole-file loader's segments, or None when it refuses the file or warns."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)
        try:
            return load_file(path, **kw).segments
        except (InputError, InputWarning):
            return None


def streamed(path: Path, batch_rows: int, **kw) -> pl.DataFrame:
    return pl.concat(list(iter_segments(path, detect_format(path), batch_rows, **kw)), how="vertical")


def assert_same_as_whole(path: Path, batch_rows: int, **kw) -> None:
    whole = whole_or_error(path, **kw)
    if whole is None:
        with pytest.raises(Unstreamable):
            streamed(path, batch_rows, **kw)
    else:
        got = streamed(path, batch_rows, **kw)
        assert got.equals(whole), (path, batch_rows)


@pytest.mark.parametrize("path", XML_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("batch_rows", [1, 2, 1000])
def test_our_fixtures_read_in_batches_as_whole(path, batch_rows):
    assert_same_as_whole(path, batch_rows)


@pytest.mark.skipif(not SHARED_FILES, reason="../shared/data absent")
@pytest.mark.parametrize("path", SHARED_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("batch_rows", [1, 5, 100_000])
def test_third_party_files_read_in_batches_as_whole(path, batch_rows):
    assert_same_as_whole(path, batch_rows)


def test_unsafe_and_malformed_xml_are_left_to_the_whole_loader():
    for name in ("xxe.tmx", "bomb.xlf", "malformed.xlf"):
        with pytest.raises(Unstreamable):
            streamed(FIXTURES / name, 10)
        with pytest.raises(InputError):
            load_file(FIXTURES / name)


# --------------------------------------------------------------------------- generated files
def xliff12(files: list[list[tuple[str, str]]], group: bool = False, alt: bool = False) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">']
    for k, units in enumerate(files, 1):
        out.append(f'<file original="f{k % 2}.txt" source-language="en" target-language="ar" datatype="plaintext"><body>')
        if group:
            out.append('<group id="g">')
        for u, (s, t) in enumerate(units, 1):
            extra = f'<alt-trans><trans-unit id="x"><source>{escape(s)}</source></trans-unit></alt-trans>' if alt else ""
            out.append(f'<trans-unit id="{k}-{u}"><source>{escape(s)}</source><target>{escape(t)}</target>{extra}</trans-unit>')
        if group:
            out.append('</group>')
        out.append('</body></file>')
    out.append('</xliff>')
    return "\n".join(out)


def xliff21(files: list[list[tuple[str, str]]]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<xliff version="2.1" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" trgLang="ar">']
    for k, units in enumerate(files, 1):
        out.append(f'<file id="f{k}">')
        for u, (s, t) in enumerate(units, 1):
            out.append(f'<unit id="u{u}"><segment><source>{escape(s)}</source><target>{escape(t)}</target></segment>'
                       f'<segment id="b"><source>{escape(t)}</source></segment></unit>')
        out.append('</file>')
    out.append('</xliff>')
    return "\n".join(out)


def tmx(units: list[tuple[str, str]], header_lang: str | None = "en") -> str:
    header = f'<header srclang={quoteattr(header_lang)} datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x" creationtool="t" creationtoolversion="1"/>' if header_lang else ""
    tus = "\n".join(f'<tu><tuv xml:lang="en"><seg>{escape(s)}</seg></tuv>'
                    f'<tuv xml:lang="ar-EG"><seg>{escape(t)}</seg></tuv></tu>' for s, t in units)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">{header}<body>\n{tus}\n</body></tmx>'


text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
pair = st.tuples(text, text)
files = st.lists(st.lists(pair, max_size=4), min_size=1, max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=files, group=st.booleans(), alt=st.booleans(), batch=st.integers(1, 5))
def test_property_xliff12_batches_equal_whole(tmp_path, files, group, alt, batch):
    path = tmp_path / "p.xlf"
    path.write_text(xliff12(files, group, alt), encoding="utf-8")
    assert_same_as_whole(path, batch)
    assert_same_as_whole(path, batch, doc="named")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=files, batch=st.integers(1, 5))
def test_property_xliff21_batches_equal_whole(tmp_path, files, batch):
    path = tmp_path / "p.xlf"
    path.write_text(xliff21(files), encoding="utf-8")
    assert_same_as_whole(path, batch)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(units=st.lists(pair, max_size=6), header=st.sampled_from(["en", "*all*", None]), batch=st.integers(1, 5),
       tgt=st.sampled_from([None, "ar", "fr"]))
def test_property_tmx_batches_equal_whole(tmp_path, units, header, batch, tgt):
    path = tmp_path / "p.tmx"
    path.write_text(tmx(units, header), encoding="utf-8")
    assert_same_as_whole(path, batch, tgt_lang=tgt)


def test_not_utf8_is_left_to_the_whole_loader(tmp_path):
    path = tmp_path / "latin.tmx"
    path.write_bytes(tmx([("café", "مقهى")]).replace('encoding="UTF-8"', 'encoding="windows-1256"')
                     .encode("cp1256"))
    with pytest.raises(Unstreamable):
        streamed(path, 10)
    assert load_file(path).segments["source"].to_list() == ["café"]


def test_the_tree_holds_one_unit_at_a_time(tmp_path, monkeypatch):
    path = tmp_path / "big.xlf"
    path.write_text(xliff12([[(f"sentence {i}", f"جملة {i}") for i in range(3000)]]), encoding="utf-8")
    monkeypatch.setattr(xmlstream, "_CHUNK", 4096)  # many chunks, each with several units
    sizes = []
    real = xmlstream._Units.end

    def end(self, tag):
        el = real(self, tag)
        if self.stack:
            sizes.append(sum(1 for _ in self.stack[0].iter()))
        return el

    monkeypatch.setattr(xmlstream._Units, "end", end)
    frames = list(iter_segments(path, "xliff", 500))
    assert [f.height for f in frames] == [500] * 6
    assert max(sizes) <= 8  # xliff/file/body + the open unit's elements, never the units read before


def test_cli_scores_tmx_in_batches_with_the_same_bytes(tmp_path):
    units = [(f"The minister met {i} farmers in Cairo on Monday.", f"التقى الوزير {i} مزارعا في القاهرة يوم الاثنين.")
             for i in range(600)]
    path = tmp_path / "news.tmx"
    path.write_text(tmx(units), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["-v", "score", str(path), "--format", "jsonl", "-o", str(out),
                                       "--batch-size", "200", "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "in batches of 200" in result.stderr
    assert out.read_bytes() == to_bytes(score(load_file(path)), "jsonl")


def test_xml_row_estimate_is_unknown_not_its_line_count(tmp_path):
    """The units' sizes and the progress bar's total follow the estimate: an XML file's lines are
    not its segments (one TMX unit here spans several lines)."""
    path = tmp_path / "lines.tmx"
    path.write_text(tmx([("a", "ب"), ("c", "د")]).replace("><", ">\n<"), encoding="utf-8")
    assert estimate_rows(path, "tmx") == 0
    assert streamed(path, 10).height == 2
