"""The dashboard's segment HTML: escaped, right-to-left aware, flag spans highlighted."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from review.app.render import Span, annotation_html, edit_box_css, flag_html, highlight, segment_html, spans_from_flags
from review.schema import CHECK, END, MESSAGE, SEVERITY, SIDE, START, VERDICT

XSS = "<img src=x onerror=alert(1)>"


class Tree(HTMLParser):
    """Collects start tags, the visible text and the text inside each <mark>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text = ""
        self.marks: list[str] = []
        self._in_mark = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "mark":
            self._in_mark += 1
            self.marks.append("")

    def handle_endtag(self, tag):
        if tag == "mark":
            self._in_mark -= 1

    def handle_data(self, data):
        self.text += data
        if self._in_mark:
            self.marks[-1] += data


def parse(markup: str) -> Tree:
    t = Tree()
    t.feed(markup)
    t.close()
    return t


def test_markup_in_text_comes_out_as_text():
    out = segment_html(f"قبل {XSS} بعد", [Span(4, 4 + len(XSS), 'bad "tag" <b>', "major")],
                       lang="ar")
    tree = parse(out)
    assert "img" not in [tag for tag, _ in tree.tags]
    assert XSS in tree.text
    assert "<img" not in out
    # the markup-like fragment stays one left-to-right run, so it reads as typed
    assert '<bdi dir="ltr"><mark class="sev-major" title="bad &quot;tag&quot; &lt;b&gt;">&lt;img src=x' in out
    # the message is escaped inside the attribute and survives as plain text
    (mark,) = [a for tag, a in tree.tags if tag == "mark"]
    assert mark["title"] == 'bad "tag" <b>'


def test_span_is_highlighted_with_message_and_severity():
    text = "قام Elon Musk بتغريد رابط"
    start = text.index("بتغريد")
    tree = parse(highlight(text, [Span(start, start + 6, "literal: بتغريد", "critical")], rtl=True))
    assert tree.marks == ["بتغريد"]
    (mark,) = [a for tag, a in tree.tags if tag == "mark"]
    assert mark == {"class": "sev-critical", "title": "literal: بتغريد"}


def test_overlapping_spans_are_cut_and_carry_both_messages():
    text = "abcdefghij"
    tree = parse(highlight(text, [Span(2, 6, "one", "minor"), Span(4, 8, "two", "major")]))
    marks = [a for tag, a in tree.tags if tag == "mark"]
    assert tree.marks == ["cd", "ef", "gh"]
    assert [m["title"] for m in marks] == ["one", "one\ntwo", "two"]
    assert [m["class"] for m in marks] == ["sev-minor", "sev-major", "sev-major"]
    assert tree.text == text


def test_latin_names_and_numbers_inside_arabic_are_isolated():
    text = "من قبل Sam Altman و Greg Brockman في 21/11/2023."
    out = segment_html(text, lang="ar")
    tree = parse(out)
    assert tree.tags[0] == ("div", {"class": "mtr-seg", "dir": "rtl", "lang": "ar"})
    isolated = re.findall(r'<bdi dir="ltr">(.*?)</bdi>', out)
    assert isolated == ["Sam Altman", "Greg Brockman", "21/11/2023"]
    assert tree.text == text


def test_highlight_inside_a_name_does_not_split_the_isolate():
    text = "من قبل Sam Altman و"
    start = text.index("Altman")
    out = highlight(text, [Span(start - 5, start + 6, "name", "major")], rtl=True)
    # one isolate for the whole name, the highlight is cut at its start instead
    assert re.findall(r"<bdi[^>]*>(.*?)</bdi>", out) == ['<mark class="sev-major" title="name">Sam Altman</mark>']
    assert parse(out).marks == [" ", "Sam Altman"]


def test_source_side_is_left_to_right_and_isolates_arabic():
    out = segment_html("The word سلام means peace", lang="en")
    assert out.startswith('<div class="mtr-seg" dir="ltr" lang="en">')
    assert '<bdi dir="rtl">سلام</bdi>' in out


def test_whole_segment_flags_go_on_the_block():
    out = segment_html("نص", [Span(None, None, "wrong_language: <x>", "major")], lang="ar")
    tag, attrs = parse(out).tags[0]
    assert attrs["class"] == "mtr-seg whole" and attrs["title"] == "wrong_language: <x>"
    assert "<mark" not in out


def test_spans_out_of_range_are_clipped_or_dropped():
    assert parse(highlight("abc", [Span(1, 99, "m")])).marks == ["bc"]
    assert "<mark" not in highlight("abc", [Span(5, 9, "m"), Span(2, 2, "empty")])


def test_spans_from_flags_skips_other_sides_and_false_alarms():
    flags = [
        {SIDE: "target", START: 0, END: 2, CHECK: "numbers", MESSAGE: "m1", SEVERITY: "major", VERDICT: None},
        {SIDE: "source", START: 0, END: 2, CHECK: "numbers", MESSAGE: "m2", SEVERITY: "major", VERDICT: None},
        {SIDE: "target", START: 1, END: 3, CHECK: "urls", MESSAGE: "m3", SEVERITY: "minor",
         VERDICT: "false_alarm"},
    ]
    assert spans_from_flags(flags) == [Span(0, 2, "numbers: m1", "major")]


def test_edit_box_css_targets_the_keyed_widget():
    css = edit_box_css("edit_doc1_3")
    assert ".st-key-edit_doc1_3 textarea" in css and "direction: rtl" in css


_text = st.lists(st.sampled_from(list("ab <>&\"'\nسلام12é") + ["<img>", "&amp;"]), max_size=25).map("".join)
_spans = st.lists(st.tuples(st.integers(-3, 45), st.integers(-3, 45),
                            st.sampled_from(["minor", "major", "critical"])), max_size=5)


@given(_text, _spans, st.booleans())
def test_visible_text_is_always_the_input_and_no_tag_comes_from_it(text, spans, rtl):
    out = highlight(text, [Span(a, b, f"<m{i}>", sev) for i, (a, b, sev) in enumerate(spans)], rtl=rtl)
    tree = parse(out)
    assert tree.text == text
    assert {tag for tag, _ in tree.tags} <= {"mark", "bdi"}
    # every highlighted character is inside at least one of the spans
    plain = re.sub(r"<[^>]+>", "", out)
    assert html.unescape(plain) == text


def test_flag_html_escapes_the_message_and_shows_the_span():
    out = flag_html({CHECK: "markup", SEVERITY: "major", "category": "Design/Markup", SIDE: "target",
                     START: 3, END: 9, MESSAGE: f"found {XSS}"})
    tree = parse(out)
    assert "img" not in [tag for tag, _ in tree.tags]
    assert f"found {XSS}" in tree.text and "[3–9]" in tree.text
    assert ("mark", {"class": "sev-major"}) in tree.tags


def test_flag_message_is_left_to_right_with_the_quoted_arabic_isolated():
    out = flag_html({CHECK: "name_translated", SEVERITY: "major", MESSAGE: "“الرائحة الكريهة” is a word"})
    assert out.startswith('<div class="mtr-flag" dir="ltr">')
    assert '“<bdi dir="rtl">الرائحة الكريهة</bdi>” is a word' in out


def test_annotation_html_escapes_the_comment():
    out = annotation_html({"category": "Accuracy/Mistranslation", SEVERITY: "major", START: None, END: None,
                           "rev": 2, "reviewer": "<b>Ann</b>", "comment": XSS})
    tree = parse(out)
    assert {tag for tag, _ in tree.tags} == {"div", "mark", "br", "bdi"}
    assert XSS in tree.text and "<b>Ann</b>" in tree.text and "whole segment · rev 2" in tree.text
