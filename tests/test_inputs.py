import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from review.cli import main
from review.errors import InputError
from review.inputs import doc_id_for, load_inputs, load_pair
from review.schema import (
    BEAD, BT, DOC, ENCODING, LOCATOR, LOW_CONF, ALIGN_CONF, REFERENCE, SEG, SOURCE, SOURCE_TEXT, SRC_END,
    SRC_START, TARGET, TARGET_TEXT, TGT_END, TGT_START,
)

DEMO = Path("corpora/musk-letter")
EN, MT, BT_FILE = DEMO / "en.txt", DEMO / "ar.mt.txt", DEMO / "ar.bt.txt"


def rebuild(text: str, starts, ends, pieces) -> str:
    """Replace bead spans by their text: export's way of rebuilding a document."""
    out, pos = [], 0
    for a, b, piece in sorted((a, b, p) for a, b, p in zip(starts, ends, pieces) if a is not None):
        out += [text[pos:a], piece]
        pos = b
    return "".join(out) + text[pos:]


def run_align(*args):
    return CliRunner().invoke(main, ["align", *map(str, args)])


@pytest.fixture(scope="module")
def demo_rows():
    result = run_align(EN, MT, "--bt", BT_FILE, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_demo_broken_lines_are_one_bead_each(demo_rows):
    by_locator = {r[LOCATOR]: r for r in demo_rows}
    for loc in ("line 51-52", "line 64-65", "line 73-74"):
        row = by_locator[loc]
        assert row[BEAD] == "1-2"
        assert row[SOURCE].count(".") >= 1 and "\n" not in row[SOURCE]
        assert "\n" in row[TARGET]  # the MT's line break is kept inside the bead
    assert "AGI" in by_locator["line 51-52"][SOURCE]
    assert by_locator["line 73-74"][SOURCE].startswith("This unwavering loyalty")


def test_demo_boilerplate_is_target_only(demo_rows):
    tail = [r for r in demo_rows if r[LOCATOR] in ("line 105", "line 107", "line 109")]
    assert len(tail) == 4 and all(r[BEAD] == "0-1" and r[SOURCE] == "" for r in tail)
    assert [r[BEAD] for r in demo_rows].count("0-1") == 4
    assert [r[BEAD] for r in demo_rows].count("1-0") == 0


def test_demo_rows_are_exact_slices_and_rebuild_the_documents(demo_rows):
    en, mt = EN.read_text(encoding="utf-8"), MT.read_text(encoding="utf-8")
    assert [r[SEG] for r in demo_rows] == list(range(1, len(demo_rows) + 1))
    assert {r[DOC] for r in demo_rows} == {"musk-letter"}
    for r in demo_rows:
        if r[TGT_START] is not None:
            assert mt[r[TGT_START]:r[TGT_END]] == r[TARGET]
        if r[SRC_START] is not None:
            assert en[r[SRC_START]:r[SRC_END]] == r[SOURCE]
        assert 0 <= r[ALIGN_CONF] <= 1 and r[LOW_CONF] == (r[ALIGN_CONF] < 0.5)
    marked = rebuild(mt, [r[TGT_START] for r in demo_rows], [r[TGT_END] for r in demo_rows],
                     [f"<{r[SEG]}>" for r in demo_rows])
    assert not marked.replace("\n", "").replace(" ", "").strip("<>0123456789")  # every character covered
    assert rebuild(mt, [r[TGT_START] for r in demo_rows], [r[TGT_END] for r in demo_rows],
                   [r[TARGET] for r in demo_rows]) == mt


def test_demo_back_translation_attached(demo_rows):
    assert all(r[BT] for r in demo_rows)
    by_locator = {r[LOCATOR]: r for r in demo_rows}
    assert by_locator["line 105"][BT] == "Leave a comment"
    assert by_locator["line 51-52"][BT].count("\n") == 1  # one piece per target line
    assert all(r[REFERENCE] is None for r in demo_rows)


def test_table_output_marks_continuation_lines():
    result = run_align(EN, MT, "--bt", BT_FILE)
    assert result.exit_code == 0
    assert "1-2" in result.output and "line 64-65" in result.output
    assert "      │ الموارد اللازمة لتحقيق أهدافه" in result.output
    assert "  bt  │ Leave a comment" in result.output


def test_output_file_csv(tmp_path):
    out = tmp_path / "aligned.csv"
    result = run_align(EN, MT, "--format", "csv", "-o", out)
    assert result.exit_code == 0 and result.output == ""
    df = pl.read_csv(out)
    assert df.height > 90 and "1-2" in df[BEAD].to_list()


def write(path: Path, text: str, encoding="utf-8", newline="\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


SRC = "The title\n\nWe saw a troubling pattern of deceit driven by their pursuit of AGI. Their methods raised doubts.\n\nIt ends here, with a few more words.\n"
TGT = "العنوان\n\nشهدنا نمطًا مزعجًا من الخداع مدفوعين بأفكارهما.\nالسعي الحثيث لتحقيق AGI. أثارت أساليبهم شكوكًا.\n\nينتهي الأمر هنا ببضع كلمات أخرى.\n\nاترك تعليقاً\n"
BTX = "The title\n\nWe saw a disturbing pattern of deception driven by their ideas.\nThe diligent pursuit of AGI. Their methods raised doubts.\n\nIt ends here with a few more words.\n\nLeave a comment\n"


def test_crlf_documents(tmp_path):
    src = write(tmp_path / "en.txt", SRC, newline="\r\n")
    tgt = write(tmp_path / "ar.txt", TGT, newline="\r\n")
    bt = write(tmp_path / "bt.txt", BTX, newline="\r\n")
    corpus = load_pair(src, tgt, bt=bt)
    seg = corpus.segments
    assert seg[BEAD].to_list() == ["1-1", "1-2", "1-1", "1-1", "0-1"]
    assert seg[LOCATOR].to_list() == ["line 1", "line 3-4", "line 4", "line 6", "line 8"]
    assert "\r\n" in seg[TARGET][1]
    assert seg[BT][1] == "We saw a disturbing pattern of deception driven by their ideas.\nThe diligent pursuit of AGI."
    doc = corpus.documents.row(0, named=True)
    assert doc[TARGET_TEXT] == TGT.replace("\n", "\r\n") and doc[SOURCE_TEXT] == SRC.replace("\n", "\r\n")
    assert seg[DOC].to_list() == [tmp_path.name] * 5  # "ar.txt" says nothing: the folder names it


def test_cp1256_target_and_reference(tmp_path):
    src = write(tmp_path / "en.txt", SRC)
    tgt = write(tmp_path / "letter.ar.txt", TGT, encoding="cp1256")
    ref = write(tmp_path / "ref.txt", TGT, encoding="cp1256")
    corpus = load_pair(src, tgt, ref=ref, doc="letter")
    assert corpus.documents[ENCODING][0] == "cp1256"
    assert corpus.segments[TARGET][0] == "العنوان"
    assert corpus.segments[REFERENCE].to_list() == corpus.segments[TARGET].to_list()
    assert corpus.segments[DOC][0] == "letter"


def test_doc_ids():
    assert doc_id_for("corpora/musk-letter/ar.mt.txt") == "musk-letter"
    assert doc_id_for("x/report-2023.txt") == "report-2023"
    assert doc_id_for("x/target.txt") == "x"
    # Several documents in one folder: each keeps its own name.
    assert doc_id_for("x/letter.ar.mt.txt") == "letter"
    assert doc_id_for("x/report.es-419.txt") == "report"
    assert [doc_id_for(f"x/ar_{k:02}.txt") for k in (1, 2)] == ["ar_01", "ar_02"]
    assert doc_id_for("x/ar-EG.mt.md") == "x"


def test_two_documents_of_one_folder_in_one_project(tmp_path):
    for name in ("a", "b"):
        write(tmp_path / f"{name}.en.txt", SRC)
        write(tmp_path / f"{name}.ar.txt", TGT)
    parts = [load_pair(tmp_path / f"{n}.en.txt", tmp_path / f"{n}.ar.txt") for n in ("a", "b")]
    assert [c.documents[DOC][0] for c in parts] == ["a", "b"]


def test_bad_inputs_exit_2_with_one_line(tmp_path):
    src = write(tmp_path / "en.txt", SRC)
    tgt = write(tmp_path / "ar.txt", TGT)
    empty = write(tmp_path / "empty.txt", "  \n")
    short_bt = write(tmp_path / "bt.txt", "one line only\n")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02abc")
    for args in ([src, tmp_path / "missing.txt"], [src, empty], [src, tgt, "--bt", short_bt],
                 [binary, tgt], [src, tgt, "--encoding", "klingon"]):
        result = run_align(*args)
        assert result.exit_code == 2, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output


def test_bt_with_text_on_a_blank_target_line_is_rejected(tmp_path):
    src = write(tmp_path / "en.txt", SRC)
    tgt = write(tmp_path / "ar.txt", TGT)
    bt = write(tmp_path / "bt.txt", BTX.replace("The title\n\n", "The title\nextra\n"))
    with pytest.raises(InputError) as e:
        load_pair(src, tgt, bt=bt)
    assert e.value.line == 2


def test_load_inputs_two_plain_documents_and_tables(tmp_path):
    src = write(tmp_path / "en.txt", SRC)
    tgt = write(tmp_path / "ar.txt", TGT)
    assert load_inputs([str(src), str(tgt)]).segments[BEAD].to_list() == ["1-1", "1-2", "1-1", "1-1", "0-1"]
    a = write(tmp_path / "a.tsv", "source\ttarget\nHello.\tمرحبا.\n")
    b = write(tmp_path / "b.tsv", "source\ttarget\nBye.\tوداعا.\n")
    corpus = load_inputs([str(a), str(b)])
    assert corpus.segments[TARGET].to_list() == ["مرحبا.", "وداعا."]
    assert corpus.documents.height == 2
    with pytest.raises(InputError):
        load_inputs([str(a)], bt=str(tgt))


@pytest.mark.parametrize("kind", ["pair", "tables"])
def test_error_names_the_binary_second_file(tmp_path, kind):
    if kind == "pair":
        first = write(tmp_path / "letter.en.txt", SRC)
        second = tmp_path / "letter.ar.txt"
    else:
        first = write(tmp_path / "a.tsv", "source\ttarget\nOne.\tواحد.\n")
        second = tmp_path / "b.tsv"
    second.write_bytes(b"source\ttarget\n" + bytes(range(256)) * 4)
    with pytest.raises(InputError) as e:
        load_inputs([str(first), str(second)])
    assert e.value.path == str(second) and "binary" in e.value.message


def test_target_language_from_corpus_toml_and_tgt_lang(tmp_path):
    src = write(tmp_path / "guide.en.txt", "Open the file. Save it.\n")
    tgt = write(tmp_path / "guide.es.txt", "Abra el archivo. Guárdelo.\n")
    assert set(load_pair(src, tgt).segments["tgt_lang"]) == {"ar"}  # nothing declared: the default
    write(tmp_path / "corpus.toml", '[languages]\nsource = "en"\ntarget = "es"\n')
    corpus = load_inputs([str(src), str(tgt)])
    assert set(corpus.segments["tgt_lang"]) == {"es"} and corpus.documents["tgt_lang"][0] == "es"
    assert set(load_inputs([str(src), str(tgt)], tgt_lang="es-MX").segments["tgt_lang"]) == {"es-MX"}
    write(tmp_path / "corpus.toml", '[languages]\ntarget = "Spanish!"\n')
    with pytest.raises(InputError) as e:
        load_pair(src, tgt)
    assert e.value.path == str(tmp_path / "corpus.toml") and "language code" in e.value.message


def test_declared_target_language_reaches_the_checks(tmp_path):
    """The same Arabic-script text declared Arabic or Urdu: the Arabic-only checks run on the
    first only."""
    from review.checks import run_checks

    src = write(tmp_path / "a.en.txt", "He said: do you agree? We do, of course.\n")
    tgt = write(tmp_path / "a.ar.txt", "قال: هل توافق? نعم, بالطبع.\n")
    ar = run_checks(load_pair(src, tgt, tgt_lang="ar").segments)
    es = run_checks(load_pair(src, tgt, tgt_lang="ur").segments)
    assert {"latin_punct", "space_before_punct"} & set(ar["check"])
    assert not {"latin_punct", "space_before_punct"} & set(es["check"])
