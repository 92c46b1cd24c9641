"""TMX and XLIFF loaders: languages, inline tags as placeholders, notes, states, unsafe XML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from review.errors import InputError
from review.load import load_file
from review.schema import (
    BOM, DOC, ENCODING, FORMAT, LOCATOR, NOTE, SEG, SOURCE, SRC_LANG, STATE, TAG_PLACEHOLDER_RE, TAGS,
    TARGET, TGT_LANG,
)

FIX = Path(__file__).parent / "fixtures" / "formats"


def _placeholders(text: str) -> list[str]:
    return re.findall(TAG_PLACEHOLDER_RE, text)


# ----------------------------------------------------------------------------- TMX

def test_tmx_three_languages_default_pair_is_header_source_and_first_other():
    s = load_file(FIX / "three_langs.tmx").segments
    assert set(s[SRC_LANG]) == {"en"} and set(s[TGT_LANG]) == {"fr"}
    assert s[TARGET][0] == "La lettre a été envoyée lundi."
    assert s[LOCATOR].to_list() == ["tu 1", "tu 2", "tu 3"]
    assert s[NOTE][0] == "x-domain: news\nChecked by an editor."


def test_tmx_target_language_chosen_by_flag_and_missing_tuv_is_empty():
    s = load_file(FIX / "three_langs.tmx", tgt_lang="ar").segments
    assert s[TARGET].to_list() == ["أُرسلت الرسالة يوم الاثنين.", "اضغط ⟦1⟧موافق⟦/1⟧⟦2/⟧", ""]
    assert s[SOURCE][1] == "Press ⟦1⟧OK⟦/1⟧⟦2/⟧"
    tags = json.loads(s[TAGS][1])
    assert tags["⟦1⟧"] == '<bpt i="1" x="1">&lt;b&gt;</bpt>'
    assert tags["⟦/1⟧"] == '<ept i="1">&lt;/b&gt;</ept>'
    assert tags["⟦2/⟧"] == '<ph x="2">&lt;br/&gt;</ph>'
    assert set(_placeholders(s[TARGET][1])) <= set(tags)


def test_tmx_language_not_in_file_lists_languages():
    with pytest.raises(InputError, match="languages in the file: en, fr, ar"):
        load_file(FIX / "three_langs.tmx", tgt_lang="de")


def test_tmx_region_codes_match_plain_language():
    s = load_file(FIX / "three_langs.tmx", src_lang="EN-us", tgt_lang="ar-EG").segments
    assert s[SOURCE][0] == "The letter was sent on Monday."  # en-US asked, en in the file


# ----------------------------------------------------------------------------- XLIFF 1.2

def test_xliff12_inline_tags_notes_states_and_files():
    c = load_file(FIX / "inline12.xlf")
    s = c.segments
    assert c.documents[DOC].to_list() == ["intro.html", "outro.html"]
    assert set(c.documents[FORMAT]) == {"xliff"}
    assert s.select(DOC, SEG).rows() == [("intro.html", 1), ("intro.html", 2), ("intro.html", 3),
                                         ("outro.html", 1), ("outro.html", 2), ("outro.html", 3)]
    assert s[SOURCE][0] == "Click ⟦1⟧Save⟦/1⟧ now.⟦2/⟧"
    assert s[TARGET][0] == "انقر ⟦1⟧حفظ⟦/1⟧ الآن.⟦2/⟧"  # alt-trans ignored
    tags = json.loads(s[TAGS][0])
    assert tags == {"⟦1⟧": '<g id="1" ctype="bold">', "⟦/1⟧": "</g>", "⟦2/⟧": '<x id="2" ctype="lb"/>'}
    assert s[NOTE][0] == "developer: Button label in bold."
    assert s[STATE].to_list()[:4] == ["translated", "approved", None, "needs-review-translation"]
    assert s[SOURCE][1] == "Open ⟦1⟧the link⟦/1⟧ ⟦2/⟧"
    assert json.loads(s[TAGS][1])["⟦2/⟧"] == '<ph id="4">%s</ph>'
    assert s[SOURCE][2] == "Not translated yet, ⟦1⟧see⟦/1⟧ ⟦2⟧API⟦/2⟧."
    assert s[TARGET][2] == ""  # no <target>
    assert (s[SRC_LANG][0], s[TGT_LANG][0]) == ("en-US", "ar")


def test_xliff12_segmented_unit_gives_one_row_per_mrk():
    s = load_file(FIX / "inline12.xlf").segments.tail(2)
    assert s.select(SOURCE, TARGET, LOCATOR).rows() == [
        ("First sentence.", "الجملة الأولى.", "unit u2 seg 1"),
        ("Second one.", "الثانية.", "unit u2 seg 2"),
    ]


def test_language_flags_override_the_file():
    s = load_file(FIX / "inline12.xlf", src_lang="en", tgt_lang="ar-SA").segments
    assert set(s[SRC_LANG]) == {"en"} and set(s[TGT_LANG]) == {"ar-SA"}


# ----------------------------------------------------------------------------- XLIFF 2.x

def test_xliff21_units_segments_states_notes_and_codes():
    c = load_file(FIX / "inline21.xlf")
    s = c.segments
    assert set(c.documents[FORMAT]) == {"xliff2"}
    assert c.documents[DOC].to_list() == ["news.md", "f2"]  # original, else file id
    assert s[LOCATOR].to_list() == ["unit u1 segment s1", "unit u1 segment s2", "unit u2", "unit v1"]
    assert s[SOURCE][0] == "The ⟦1⟧board⟦/1⟧ replied.⟦2/⟧"
    assert s[TARGET][0] == "ردّ ⟦1⟧المجلس⟦/1⟧.⟦2/⟧"
    assert json.loads(s[TAGS][0])["⟦2/⟧"] == '<ph id="2" dataRef="d3"/>'
    assert s[SOURCE][1] == "See ⟦1⟧page 2⟦/1⟧."  # <sc>/<ec startRef> pair up
    assert s[STATE].to_list() == ["translated", "initial", None, "final"]
    assert s[NOTE][0] == "context: Headline of the article." == s[NOTE][1]
    assert s[TARGET][2] == ""
    assert s[SOURCE][3] == "Thanks\tall."  # <cp hex="0009"/>
    assert (s[SRC_LANG][0], s[TGT_LANG][0]) == ("en", "ar")


def test_placeholders_match_the_schema_pattern_and_tags_hold_each():
    for name in ("inline12.xlf", "inline21.xlf", "three_langs.tmx"):
        s = load_file(FIX / name).segments
        for src, tgt, tags in s.select(SOURCE, TARGET, TAGS).iter_rows():
            found = _placeholders(src) + _placeholders(tgt)
            assert "⟦" not in re.sub(TAG_PLACEHOLDER_RE, "", src + tgt)
            if found:
                assert set(found) <= set(json.loads(tags))


# ----------------------------------------------------------------------------- bad and unsafe XML

def test_malformed_xml_names_line_and_column():
    with pytest.raises(InputError) as e:
        load_file(FIX / "malformed.xlf")
    assert (e.value.line, e.value.column) == (7, 22)
    assert "malformed XML: mismatched tag" in str(e.value)
    assert str(e.value).startswith(str(FIX / "malformed.xlf") + ":7:22:")


def test_entity_bomb_is_refused_before_expansion():
    with pytest.raises(InputError) as e:
        load_file(FIX / "bomb.xlf")
    assert "refused unsafe XML" in str(e.value) and e.value.line == 3


def test_external_entity_is_refused_and_never_read():
    with pytest.raises(InputError) as e:
        load_file(FIX / "xxe.tmx")
    msg = str(e.value)
    assert "external entity 'secret'" in msg and "/etc/passwd" in msg and e.value.line == 3
    assert "root:" not in msg


def test_external_entity_in_a_file_we_control_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    p = tmp_path / "x.xlf"
    p.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY s SYSTEM "{secret.as_uri()}">]>
<xliff version="1.2"><file original="a"><body>
<trans-unit id="1"><source>&s;</source><target>x</target></trans-unit></body></file></xliff>""",
                 encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_file(p)
    assert "TOP-SECRET" not in str(e.value)


def test_wrong_root_element():
    with pytest.raises(InputError, match="not a TMX file"):
        load_file(FIX / "inline12.xlf", fmt="tmx")


def test_xml_declared_legacy_encoding_is_honoured(tmp_path):
    p = tmp_path / "legacy.xlf"
    body = """<?xml version="1.0" encoding="windows-1256"?>
<xliff version="1.2"><file original="a" source-language="en" target-language="ar"><body>
<trans-unit id="1"><source>Peace</source><target>سلام</target></trans-unit></body></file></xliff>"""
    p.write_bytes(body.encode("cp1256"))
    c = load_file(p)
    assert c.segments[TARGET][0] == "سلام"
    assert c.documents.row(0, named=True)[ENCODING] == "cp1256"
    assert c.documents.row(0, named=True)[BOM] is False


def test_indentation_is_layout_but_preserved_space_and_edge_spaces_are_kept(tmp_path):
    p = tmp_path / "pretty.xlf"
    p.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2"><file original="a" source-language="en" target-language="ar"><body>
<trans-unit id="1">
  <source>
    Indented source
  </source>
  <target>مسافة في النهاية </target>
</trans-unit>
<trans-unit id="2" xml:space="preserve">
  <source>
    Kept
</source>
  <target>محفوظ</target>
</trans-unit>
</body></file></xliff>""", encoding="utf-8")
    s = load_file(p).segments
    assert s[SOURCE].to_list() == ["Indented source", "\n    Kept\n"]
    assert s[TARGET][0] == "مسافة في النهاية "


def test_isolated_codes_open_and_close_in_both_dialects(tmp_path):
    p = tmp_path / "it.xlf"
    p.write_text("""<?xml version="1.0"?>
<xliff version="1.2"><file original="a"><body><trans-unit id="1">
<source>a <it id="1" pos="open">&lt;b&gt;</it>b<it id="2" pos="close">&lt;/i&gt;</it></source>
</trans-unit></body></file></xliff>""", encoding="utf-8")
    s = load_file(p).segments
    assert s[SOURCE][0] == "a ⟦1⟧b⟦/2⟧"
    assert json.loads(s[TAGS][0])["⟦/2⟧"] == '<it id="2" pos="close">&lt;/i&gt;</it>'


def test_a_segment_longer_than_the_line_limit_is_refused(tmp_path):
    from review.load.encoding import MAX_LINE_CHARS

    p = tmp_path / "huge.xlf"
    p.write_text('<xliff version="1.2"><file original="a"><body>'
                 '<trans-unit id="1"><source>ok</source><target>جيد</target></trans-unit>'
                 f'<trans-unit id="2"><source>{"x" * (MAX_LINE_CHARS + 5)}</source></trans-unit>'
                 '</body></file></xliff>', encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_file(p)
    assert e.value.where == "unit 2" and "source text is 1,000,005 characters long" in str(e.value)
