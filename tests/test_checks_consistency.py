"""Glossary (clitic-aware), load_glossary, and corpus-level translation consistency."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review.checks import run_checks
from review.checks.consistency import TAIL_READ, coarse_duplicates, coarse_key, load_glossary, segment_key
from review.errors import InputError
from review.normalize import normalize_expr, strip_clitics_expr
from review.schema import SEGMENT_SCHEMA, conform

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "musk-letter"


def segments(pairs: list[tuple[str, str]], docs: list[str] | None = None) -> pl.DataFrame:
    df = pl.DataFrame({"doc": docs or ["d"] * len(pairs), "seg": list(range(1, len(pairs) + 1)),
                       "source": [s for s, _ in pairs], "target": [t for _, t in pairs],
                       "src_lang": "en", "tgt_lang": "ar", "bead": "1-1"})
    return conform(df, SEGMENT_SCHEMA)


def glossary(rows: dict[str, list[str]]) -> pl.DataFrame:
    return pl.DataFrame({"term": list(rows), "targets": list(rows.values())},
                        schema={"term": pl.String, "targets": pl.List(pl.String)})


GLOSSARY = glossary({"OpenAI": ["OpenAI", "أوبن إيه آي"], "The Verge": ["The Verge", "ذا فيرج"],
                     "Musk": ["ماسك", "Musk"], "Elon Musk": ["إيلون ماسك", "Elon Musk"]})


def flagged(seg, check, gl=None):
    out = []
    for f in run_checks(seg, only=[check], glossary=gl).iter_rows(named=True):
        text = seg.filter(pl.col("seg") == f["seg"])[f["side"]][0]
        out.append((f["seg"], f["message"], text[f["start"]:f["end"]] if f["start"] is not None else None))
    return out


def test_glossary_forms_with_clitics_are_found():
    seg = segments([
        ("OpenAI did not respond.", "ولم تستجب وOpenAI على الفور."),
        ("He works for OpenAI.", "يعمل لشركة OpenAI."),
        ("He works for OpenAI.", "يعمل بأوبن إيه آي منذ سنوات."),
        ("Elon Musk tweeted.", "غرد لإيلون ماسك."),
        ("Musk tweeted.", "وغرد ماسك."),
    ])
    assert flagged(seg, "glossary", GLOSSARY) == []


def test_glossary_term_rendered_otherwise_is_flagged_on_the_source_term():
    seg = segments([
        ("according to The Verge.", "وفقا لما ذكره موقع الحافة."),
        ("the letter Musk shared", "الرسالة التي شاركها المسك"),
        ("Elon Musk shared it.", "شاركها المسك إيلون."),  # longer term missing; Musk not reported twice
    ])
    found = flagged(seg, "glossary", GLOSSARY)
    assert [(s, frag) for s, _, frag in found] == [(1, "The Verge"), (2, "Musk"), (3, "Elon Musk")]
    assert "ذا فيرج" in found[0][1]


def test_glossary_is_case_sensitive_for_names_and_whole_word():
    seg = segments([("the perfume smells of musk", "العطر برائحة المسك"),
                    ("OpenAIs is not a word here", "لا شيء")])
    assert flagged(seg, "glossary", GLOSSARY) == []


def test_load_glossary_tsv_csv_and_errors(tmp_path):
    tsv = tmp_path / "g.tsv"
    tsv.write_text("source\ttarget\n# comment\nOpenAI\tOpenAI|أوبن إيه آي\nGitHub\t\n", "utf-8")
    g = load_glossary(tsv)
    assert g["term"].to_list() == ["OpenAI", "GitHub"]
    assert g["targets"].to_list() == [["OpenAI", "أوبن إيه آي"], ["GitHub"]]
    csv = tmp_path / "g.csv"
    csv.write_text('term,targets\n"New York Times","نيويورك تايمز|The New York Times"\n', "utf-8")
    assert load_glossary(csv)["targets"][0].to_list() == ["نيويورك تايمز", "The New York Times"]
    bad = tmp_path / "bad.tsv"
    bad.write_text("OpenAI\tOpenAI\textra\n", "utf-8")
    with pytest.raises(InputError) as e:
        load_glossary(bad)
    assert e.value.line == 1
    dup = tmp_path / "dup.tsv"
    dup.write_text("A\tا\nA\tب\n", "utf-8")
    with pytest.raises(InputError, match="twice"):
        load_glossary(dup)
    with pytest.raises(InputError, match="no such file"):
        load_glossary(tmp_path / "missing.tsv")
    latin1 = tmp_path / "l1.tsv"
    latin1.write_bytes("caf\xe9\tx\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        load_glossary(latin1)


def test_inconsistent_target_flags_the_minority_translation():
    seg = segments([("Leave a comment here", "اترك تعليقاً هنا"),
                    ("Leave a comment here.", "اترك تعليقاً هنا."),  # punctuation does not count
                    ("Leave a comment here", "أضف ملاحظة هنا"),
                    ("Yes.", "نعم."), ("Yes.", "أجل.")],  # too short to demand one translation
                   docs=["a", "a", "b", "a", "b"])
    found = flagged(seg, "inconsistent_target")
    assert [s for s, _, _ in found] == [3]
    assert "اترك تعليقاً هنا" in found[0][1] and "أضف ملاحظة هنا" in found[0][1]


def test_inconsistent_source_flags_one_translation_for_two_sources():
    seg = segments([("The board met today.", "اجتمع المجلس اليوم."),
                    ("The board met today.", "اجتمع المجلس اليوم."),
                    ("The council met today.", "اجتمع المجلس اليوم.")])
    found = flagged(seg, "inconsistent_source")
    assert [s for s, _, _ in found] == [3] and "The board met today." in found[0][1]


def test_demo_glossary_catches_translated_publication_names():
    if not (DEMO / "en.txt").is_file():
        pytest.skip("demo source not written yet")
    from review.inputs import load_pair

    seg = load_pair(DEMO / "en.txt", DEMO / "ar.mt.txt").segments
    found = {frag for _, _, frag in flagged(seg, "glossary", load_glossary(DEMO / "glossary.tsv"))}
    assert {"The Verge", "The Information", "The New York Times", "Musk"} <= found
    assert "OpenAI" not in found


def test_inconsistency_ignores_clitics_alef_forms_and_punctuation():
    seg = segments([("The board met today.", "اجتمع المجلس اليوم."),
                    ("The board met today", "واجتمع المجلس اليوم"),  # clitic و, no full stop
                    ("the board met today!", "اجتمع المجلس اليوم!"),
                    ("The board met today.", "إجتمع المجلس اليوم")])  # hamza form
    assert flagged(seg, "inconsistent_target") == []
    assert flagged(seg, "inconsistent_source") == []


# Texts built from words and separators; the second text is derived from the first by changes
# the full key ignores: another clitic chain before each Arabic word, another alef form, Latin case
# swapped, other punctuation and spacing between words.
_CLITICS = ["", "و", "ب", "ل", "ف", "ك", "ال", "وال", "بال", "فال", "لل"]
_STEMS = ["مجلس", "كتاب", "أمير", "إعلان", "Board", "news", "OpenAI"]
_SEPARATORS = [" ", "  ", ". ", "، ", "! ", " - ", "-"]
_OTHER_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "ا": "أ"})
_word = st.tuples(st.sampled_from(_STEMS), st.sampled_from(_CLITICS), st.sampled_from(_CLITICS),
                  st.sampled_from(_SEPARATORS), st.sampled_from(_SEPARATORS))


def _render(stem: str, clitic: str, sep: str) -> str:
    return (stem if stem.isascii() else clitic + stem) + sep


@given(st.lists(_word, max_size=6), st.booleans(), st.booleans())
@settings(max_examples=150, deadline=None)
def test_coarse_key_never_separates_texts_with_equal_keys(words, swap_case, other_alef):
    # The coarse key is only a filter: two texts the full key calls equal must share it.
    def changed(stem: str) -> str:
        if stem.isascii():
            return stem.swapcase() if swap_case else stem
        return stem[0].translate(_OTHER_ALEF) + stem[1:] if other_alef else stem

    a = "".join(_render(stem, c1, s1) for stem, c1, _, s1, _ in words)
    b = "".join(_render(changed(stem), c2, s2) for stem, _, c2, _, s2 in words)
    texts = pl.DataFrame({"t": [a, b]}).select(normalize_expr(pl.col("t")).alias("n"))
    keys = texts.select(segment_key(pl.col("n")).alias("k"), coarse_key(pl.col("n")).alias("c"))
    assert keys["k"][0] == keys["k"][1], (a, b)  # equal by construction
    assert keys["c"][0] == keys["c"][1], (a, b)


# Words whose case, cut or final sigma the tail key must not tell apart: Greek (ΟΔΟΣ lowercases
# to οδος at a word's end, οδοσ inside one), dotted İ (lowercased to two characters), digits, and
# runs of marks long enough to leave a read tail thin.
_TAIL_WORDS = ["ΟΔΟΣ", "οδος", "ΣΟΦΟΣ", "İstanbul", "istanbul", "42", "Board", "مجلس", "والكتاب", "كتاب",
               "… … … … … … … … … … … … … … … …", "—", "“", "x"]
_tail_text = st.lists(st.tuples(st.sampled_from(_TAIL_WORDS), st.sampled_from(["", " ", ". ", "،", "!!"])),
                      max_size=12).map(lambda ws: "".join(w + sep for w, sep in ws))


@given(st.lists(_tail_text, min_size=1, max_size=12), st.data())
@settings(max_examples=200, deadline=None)
def test_coarse_duplicates_keeps_exactly_the_rows_sharing_a_coarse_key(texts, data):
    # Some texts again with other case and spacing, so that coarse keys are shared.
    again = data.draw(st.lists(st.sampled_from(texts), max_size=6))
    texts = texts + [t.upper() if i % 2 else t.replace(" ", "  ") for i, t in enumerate(again)]
    rows = pl.DataFrame({"n": texts}).with_row_index("_row").with_columns(pl.col("_row").cast(pl.Int64),
                                                                          normalize_expr(pl.col("n")))
    want = rows.filter(coarse_key(pl.col("n")).is_duplicated())
    assert coarse_duplicates(rows, "n").equals(want)


def test_coarse_duplicates_reads_a_thin_tail_whole():
    marks = " …" * TAIL_READ
    rows = pl.DataFrame({"_row": [0, 1, 2], "n": ["ΑΒΓΔ ΕΖΗ" + marks, "αβγδεζη", "αβγδεζθ" + marks]})
    assert coarse_duplicates(rows, "n")["_row"].to_list() == [0, 1]


def test_coarse_duplicates_folds_a_final_sigma_cut_from_its_word():
    # ΟΣ before digits ends a word: lowercased whole it is ος; the read tail starts at Σ (σ).
    rows = pl.DataFrame({"_row": [0, 1], "n": ["Ο" + "Σ12345678901" + " " * 20, "ΟΣ12345678901"]})
    assert coarse_duplicates(rows, "n")["_row"].to_list() == [0, 1]


def test_segment_key_is_the_clitic_stripped_folded_text():
    # segment_key skips clitic-free words and folds marks and spaces in one pass: the same key as
    # strip_clitics_expr, lower-casing, marks to spaces and spaces folded, one after the other.
    texts = ((DEMO / "ar.mt.txt").read_text("utf-8").splitlines() + (DEMO / "en.txt").read_text("utf-8").splitlines()
             + ["وبالكتاب، والبيت - فلل  بلد و ب", "«الكتاب» .. بال كتاب\tللمكسيك!!", "", " ! ", "وال"])
    n = pl.DataFrame({"t": texts}).select(normalize_expr(pl.col("t")).alias("n"))
    want = (strip_clitics_expr(pl.col("n")).str.to_lowercase().str.replace_all(r"[\p{P}\p{S}]+", " ")
            .str.replace_all(r"\s+", " ").str.strip_chars())
    keys = n.select(segment_key(pl.col("n")).alias("got"), want.alias("want"))
    assert keys["got"].equals(keys["want"])
    assert (n["n"] != keys["got"]).sum() > 50
