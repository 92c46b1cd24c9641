"""PO loader: plurals, fuzzy, obsolete, comments, escapes; compared with translate-toolkit."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.errors import InputError
from review.load import load_file
from review.load.po import plural_sources
from review.schema import LOCATOR, NOTE, SOURCE, SRC_LANG, STATE, TARGET, TGT_LANG

FIX = Path(__file__).parent / "fixtures" / "formats"


@pytest.fixture(scope="module")
def segments():
    return load_file(FIX / "plurals.po").segments


def test_header_and_obsolete_entries_are_skipped(segments):
    assert "Old message" not in segments[SOURCE].to_list()
    assert "" not in segments[SOURCE].to_list()
    assert segments.height == 1 + 1 + 6 + 1 + 1


def test_languages_from_header(segments):
    assert set(segments[TGT_LANG]) == {"ar"} and set(segments[SRC_LANG]) == {"en"}


def test_plural_forms_follow_the_arabic_formula(segments):
    plural = segments.filter(segments[LOCATOR].str.starts_with("entry 3["))
    assert plural[LOCATOR].to_list() == [f"entry 3[{k}]" for k in range(6)]
    # Arabic form 1 is n == 1 (English singular); forms 0 (n == 0) and 2-5 are English plurals.
    assert plural[SOURCE].to_list() == ["%d files", "%d file"] + ["%d files"] * 4
    assert plural[TARGET].to_list() == ["لا ملفات", "ملف واحد", "ملفان", "%d ملفات", "%d ملفًا", "%d ملف"]


def test_fuzzy_comments_context_and_escapes(segments):
    rows = {loc: row for loc, row in zip(segments[LOCATOR], segments.iter_rows(named=True))}
    assert rows["entry 1"][NOTE] == "Shown on the start page.\nTRANSLATORS: keep it short"
    assert rows["entry 2"][STATE] == "fuzzy" and rows["entry 1"][STATE] is None
    assert rows["entry 4"][SOURCE] == 'Open a "quoted" name\ton two lines\n'
    assert rows["entry 4"][TARGET] == 'افتح اسمًا "مقتبسًا"\tعلى سطرين\n'
    assert rows["entry 4"][NOTE] == "msgctxt: menu"
    assert rows["entry 5"][TARGET] == ""


def test_same_messages_as_translate_toolkit():
    from translate.storage import po as ttk_po

    store = ttk_po.pofile.parsefile(str(FIX / "plurals.po"))
    units = [u for u in store.units if not u.isheader() and not u.isobsolete()]
    ours = load_file(FIX / "plurals.po").segments
    singles = ours.filter(~ours[LOCATOR].str.contains(r"\["))
    ttk_singles = [u for u in units if not u.hasplural()]
    assert singles[SOURCE].to_list() == [str(u.source) for u in ttk_singles]
    assert singles[TARGET].to_list() == [str(u.target) for u in ttk_singles]
    assert [u.isfuzzy() for u in ttk_singles] == [s == "fuzzy" for s in singles[STATE]]


def test_plural_sources_without_formula_falls_back():
    assert plural_sources(None, 2) == (True, False)
    assert plural_sources("nplurals=2; plural=(n != 1);", 2) == (True, False)
    assert plural_sources("nplurals=1; plural=0;", 1) == (False,)  # n = 0 comes first: plural


def test_broken_po_line_is_named(tmp_path):
    p = tmp_path / "bad.po"
    p.write_text('msgid "a"\nmsgstr "b"\n\nmsgid "c\nmsgstr "d"\n', encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_file(p)
    assert e.value.line == 4 and "malformed PO string" in str(e.value)


def test_legacy_charset_in_header(tmp_path):
    p = tmp_path / "old.po"
    text = ('msgid ""\nmsgstr ""\n"Language: ar\\n"\n"Content-Type: text/plain; charset=windows-1256\\n"\n\n'
            'msgid "Peace"\nmsgstr "سلام"\n')
    p.write_bytes(text.encode("cp1256"))
    assert load_file(p).segments[TARGET].to_list() == ["سلام"]


def test_translator_credit_entries_are_not_segments(tmp_path):
    from review.load import load_file

    p = tmp_path / "c.po"
    p.write_text('msgid ""\nmsgstr "Language: ar\\n"\n\nmsgid "translator-credits"\n'
                 'msgstr "Ahmad <a@example.org>\\nSara"\n\nmsgctxt "NAME OF TRANSLATORS"\n'
                 'msgid "Your names"\nmsgstr "أحمد"\n\nmsgid "Save"\nmsgstr "حفظ"\n', encoding="utf-8")
    seg = load_file(p).segments
    assert seg.select("source", "target").rows() == [("Save", "حفظ")]
    assert seg["locator"].to_list() == ["entry 3"]


def test_unescaped_form_feed_and_line_separator_stay_in_the_message(tmp_path):
    """Only \\n ends a PO line: a form feed or U+2028 inside a string is text (str.splitlines()
    would cut the entry there)."""
    from review.load import load_file

    path = tmp_path / "ff.po"
    path.write_text('msgid ""\nmsgstr ""\n"Language: ar\\n"\n\nmsgid "a\x0cb\u2028c"\nmsgstr "أ\x0cب\u2028ج"\n',
                    encoding="utf-8")
    seg = load_file(path).segments
    assert seg["source"].to_list() == ["a\x0cb\u2028c"] and seg["target"].to_list() == ["أ\x0cب\u2028ج"]
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))  # classic Mac line ends
    assert load_file(path).segments["target"].to_list() == ["أ\x0cب\u2028ج"]
