"""Files written by real tools (memoQ, Okapi, Swordfish, Symfony, OmegaT, Weblate): every one
loads, or fails with a one-line error; counts agree with translate-toolkit's parsers."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from review.errors import InputError
from review.load import load_file
from review.schema import BOM, DOC, FORMAT, LOCATOR, SOURCE, STATE, TARGET, TGT_LANG

pytestmark = pytest.mark.shared_data

FORMATS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "formats"
FILES = sorted(p for p in FORMATS.rglob("*") if p.is_file()) if FORMATS.is_dir() else []
TRANSLATION_SUFFIXES = {".xlf", ".tmx", ".po"}


@pytest.fixture(autouse=True)
def _need_data():
    if not FORMATS.is_dir():
        pytest.skip(f"shared data not found at {FORMATS}")


def _ttk_units(path: Path) -> list:
    from translate.storage import factory

    store = factory.getobject(str(path))
    return [u for u in store.units if not u.isheader() and not u.isobsolete()]


def test_there_are_samples():
    assert any(p.suffix in TRANSLATION_SUFFIXES for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_loads_or_fails_in_one_line(path):
    try:
        corpus = load_file(path)
    except InputError as e:
        assert path.suffix not in TRANSLATION_SUFFIXES, f"a translation file failed: {e}"
        assert "\n" not in str(e) and str(e).startswith(str(path))
        return
    s = corpus.segments
    assert s.height > 0
    assert s[SOURCE].null_count() == 0 and s[TARGET].null_count() == 0
    assert (s[SOURCE].str.len_chars() > 0).all()


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix in (".xlf", ".tmx")], ids=lambda p: p.name)
def test_xml_counts_and_texts_match_translate_toolkit(path):
    # translate-toolkit keeps the translator-credits entry; we skip it (names, not a translation)
    units = [u for u in _ttk_units(path) if str(u.source) != "translator-credits"]
    s = load_file(path).segments
    assert s.height == len(units)
    # Units without inline codes must come out as the same text. translate-toolkit strips
    # spaces at the edges; we keep them (a trailing space is worth a reviewer's look).
    for (src, tgt), unit in zip(s.select(SOURCE, TARGET).iter_rows(), units):
        if "⟦" not in src:
            assert src.strip() == str(unit.source).strip()
        if "⟦" not in tgt and unit.target is not None:
            assert tgt.strip() == str(unit.target).strip()


def test_po_counts_match_translate_toolkit_with_one_row_per_plural_form():
    path = FORMATS / "po" / "bleachbit.ar.po"
    # translate-toolkit keeps the translator-credits entry; we skip it (names, not a translation)
    units = [u for u in _ttk_units(path) if str(u.source) != "translator-credits"]
    s = load_file(path).segments
    n_plural = sum(1 for u in units if u.hasplural())
    assert n_plural >= 1
    assert s.height == len(units) - n_plural + 6 * n_plural  # Arabic: nplurals=6
    assert set(s[TGT_LANG]) == {"ar"}
    singles = [u for u in units if not u.hasplural()]
    ours = s.filter(~pl.col(LOCATOR).str.contains(r"\["))
    assert ours[SOURCE].to_list() == [str(u.source) for u in singles]
    assert ours[TARGET].to_list() == [str(u.target) for u in singles]
    assert (ours[STATE] == "fuzzy").sum() == sum(u.isfuzzy() for u in singles)


def test_memoq_file_with_bom_and_bpt_codes():
    c = load_file(FORMATS / "xliff12" / "MQ-12-Test01.xlf")
    assert c.documents[BOM].to_list() == [True]
    assert c.segments[SOURCE][3] == "⟦1⟧Input List 1⟦/1⟧"


def test_swordfish_file_has_one_document_per_file_element():
    c = load_file(FORMATS / "xliff12" / "SF-12-Test01.xlf")
    assert c.documents.height == 27 and c.documents[DOC].n_unique() == 27
    assert set(c.documents[FORMAT]) == {"xliff"}
    assert c.segments.group_by(DOC).len()["len"].sum() == 1918


def test_states_are_kept():
    s = load_file(FORMATS / "xliff12" / "states.xlf").segments
    assert s[STATE].to_list() == ["approved", "needs-work", "rejected", "needs-review", "unreviewed",
                                  "final", "translated", "fake"]


def test_omegat_tmx_inline_codes():
    s = load_file(FORMATS / "tmx" / "test-level2.tmx").segments
    assert s[SOURCE].to_list() == ["entuv", "First part ⟦1/⟧ end.", "2 ⟦1⟧ zz ⟦2⟧xx⟦/2⟧", "3 ⟦1⟧xx⟦/1⟧"]
    assert s[TARGET][1] == "First ⟦1/⟧ tr."
