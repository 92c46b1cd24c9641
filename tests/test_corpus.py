"""The demo corpus in corpora/musk-letter is consistent with itself and with the seed."""

from __future__ import annotations

import csv
import re
import tomllib
from pathlib import Path

import pytest

from review.schema import MQM_CATEGORIES, SEVERITIES

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpora" / "musk-letter"
SEED = REPO.parent / "shared" / "seed" / "000_6f734522d5b43dd6.txt"

# Kinds of automatic check a gold error is expected to be caught by (known_errors.tsv).
CHECK_HINTS = {
    "email", "stray_letter", "broken_line", "boilerplate", "name_latin_vs_transliterated",
    "name_translated_literally", "meaning_bt", "number", "punctuation", "grammar", "other",
}
URL_RE = re.compile(r"https?://\S+")
# Sentence ends: ., ! or ? (and the Arabic question mark), possibly followed by a closing quote.
SENTENCE_END_RE = re.compile(r"(?<=[.!?؟:])[”\"]?\s+")
BOILERPLATE_LINES = (105, 107, 109)


def read(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def lines(name: str) -> list[str]:
    return read(name).split("\n")


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def n_sentences(line: str) -> int:
    return len([s for s in SENTENCE_END_RE.split(line.strip()) if s]) if line.strip() else 0


def tsv_rows(name: str) -> list[dict[str, str]]:
    with open(CORPUS / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.mark.shared_data
def test_seed_is_byte_identical():
    if not SEED.exists():
        pytest.skip(f"seed not available at {SEED}")
    assert (CORPUS / "ar.mt.txt").read_bytes() == SEED.read_bytes()


@pytest.mark.parametrize("name", ["ar.mt.txt", "en.txt", "ar.bt.txt"])
def test_texts_are_utf8_with_lf(name):
    data = (CORPUS / name).read_bytes()
    data.decode("utf-8")
    assert b"\r" not in data
    assert not data.startswith(b"\xef\xbb\xbf")


def test_back_translation_follows_the_mt_line_for_line():
    mt, bt = lines("ar.mt.txt"), lines("ar.bt.txt")
    assert len(bt) == len(mt) == 109
    blank_mt = [i for i, line in enumerate(mt, 1) if not line.strip()]
    blank_bt = [i for i, line in enumerate(bt, 1) if not line.strip()]
    assert blank_bt == blank_mt


def test_back_translation_follows_the_mt_sentence_for_sentence():
    mismatched = [
        (i, n_sentences(a), n_sentences(b))
        for i, (a, b) in enumerate(zip(lines("ar.mt.txt"), lines("ar.bt.txt")), 1)
        if n_sentences(a) != n_sentences(b)
    ]
    assert mismatched == []


def test_back_translation_keeps_urls_and_shows_the_broken_email():
    bt = read("ar.bt.txt")
    assert URL_RE.findall(bt) == URL_RE.findall(read("ar.mt.txt"))
    assert "former_openai@mail2tor.com" not in bt
    assert "_openai@mail2tor.com" in bt


def test_back_translation_is_english():
    assert not re.search(r"[\u0600-\u06ff]", read("ar.bt.txt"))


def test_source_has_no_boilerplate_and_no_arabic():
    en = read("en.txt")
    assert not re.search(r"[\u0600-\u06ff]", en)
    for phrase in ("leave a comment", "will not be published", "required fields", "back to top"):
        assert phrase not in en.lower()


def test_source_keeps_email_date_and_urls_exactly():
    en = read("en.txt")
    en_lines = en.split("\n")
    assert "former_openai@mail2tor.com" in en
    assert "21/11/2023" in en_lines
    assert URL_RE.findall(en) == URL_RE.findall(read("ar.mt.txt"))
    for heading in ("### Contact", "### Further Updates", "### Further Reading for the General Public"):
        assert heading in en_lines


def test_source_has_one_paragraph_per_target_paragraph():
    # The MT broke three sentences across two lines; in the source each is one paragraph.
    # The last three target paragraphs are page boilerplate without a source counterpart.
    source, target = paragraphs(read("en.txt")), paragraphs(read("ar.mt.txt"))
    assert len(source) == len(target) - len(BOILERPLATE_LINES)
    # Only the contact block has two lines, as in the target (lines 88-89).
    multi_line = [p for p in source if "\n" in p]
    assert len(multi_line) == 1 and multi_line[0].startswith("We encourage")


def test_source_numbers_match_the_target():
    def numbers(text: str) -> list[str]:
        return sorted(re.findall(r"\d+(?:[/.]\d+)*%?", URL_RE.sub("", text)))

    assert numbers(read("en.txt")) == numbers(read("ar.mt.txt"))


def test_known_errors_are_well_formed_and_anchored():
    mt = lines("ar.mt.txt")
    rows = tsv_rows("known_errors.tsv")
    assert list(rows[0]) == ["line", "fragment", "category", "severity", "check_hint", "explanation"]
    assert len(rows) >= 30
    for row in rows:
        line = int(row["line"])
        assert row["fragment"] and row["fragment"] in mt[line - 1], row
        assert row["category"] in MQM_CATEGORIES, row
        assert row["severity"] in SEVERITIES and row["severity"] != "neutral", row
        assert row["check_hint"] in CHECK_HINTS, row
        assert row["explanation"].strip(), row


def test_known_errors_cover_the_obvious_faults():
    by_hint: dict[str, set[int]] = {}
    for row in tsv_rows("known_errors.tsv"):
        by_hint.setdefault(row["check_hint"], set()).add(int(row["line"]))
    assert by_hint["email"] == {88}
    assert by_hint["boilerplate"] == set(BOILERPLATE_LINES)
    assert {51, 64, 73} <= by_hint["broken_line"]
    assert {22, 73} <= by_hint["stray_letter"]
    assert {8, 18, 30} <= by_hint["name_translated_literally"]


def test_corpus_toml_names_existing_files():
    meta = tomllib.loads(read("corpus.toml"))
    assert meta["name"] == "musk-letter"
    assert meta["languages"] == {"source": "en", "target": "ar"}
    expected = {"ar.mt.txt", "en.txt", "ar.bt.txt", "glossary.tsv", "known_errors.tsv"}
    assert set(meta["files"]) == expected
    for name, info in meta["files"].items():
        assert (CORPUS / name).is_file(), name
        assert info["role"] and info["provenance"].strip() and info["licence"].strip()


def test_glossary_parses_and_its_terms_occur_in_the_source():
    rows = tsv_rows("glossary.tsv")
    assert list(rows[0]) == ["source", "target"]
    assert 10 <= len(rows) <= 20
    sources = [r["source"] for r in rows]
    assert len(set(sources)) == len(sources)
    en = read("en.txt")
    for row in rows:
        forms = row["target"].split("|")
        assert all(f.strip() == f and f for f in forms), row
        assert row["source"] in en, row
