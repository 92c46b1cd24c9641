import re

from hypothesis import given, settings
from hypothesis import strategies as st

from review.sentences import segment, split_sentences


def texts(doc: str) -> list[str]:
    return [doc[s.start:s.end] for s in split_sentences(doc)]


def test_english_stops_abbreviations_and_numbers():
    doc = ("Dr. Smith met Mr. Jones in the U.S. capital on Jan. 5. Prices rose 3.5 percent, e.g. in "
           "shops. Did they agree? Yes! Wait... it went on. See https://example.com/a.b/c.html now. "
           "Mail former_openai@mail2tor.com. Done.")
    assert texts(doc) == [
        "Dr. Smith met Mr. Jones in the U.S. capital on Jan. 5.",
        "Prices rose 3.5 percent, e.g. in shops.",
        "Did they agree?",
        "Yes!",
        "Wait... it went on.",
        "See https://example.com/a.b/c.html now.",
        "Mail former_openai@mail2tor.com.",
        "Done.",
    ]


def test_closing_quotes_stay_with_their_sentence():
    doc = 'He said “this is it.” Then he left. «كفى.» ثم غادر. "Why?" he asked.'
    assert texts(doc) == ["He said “this is it.”", "Then he left.", "«كفى.»", "ثم غادر.", '"Why?" he asked.']


def test_arabic_stops_decimals_dates_and_abbreviations():
    doc = "قال د. أحمد إن النسبة ٣٫٥ في المئة. هل هذا صحيح؟ نعم… بتاريخ 21/11/2023 انتهى الأمر."
    assert texts(doc) == ["قال د. أحمد إن النسبة ٣٫٥ في المئة.", "هل هذا صحيح؟", "نعم…",
                          "بتاريخ 21/11/2023 انتهى الأمر."]


def test_tanween_before_the_stop_is_not_an_abbreviation():
    assert texts("ينبع أحيانًا. تبادل الطرفان الانتقادات.") == ["ينبع أحيانًا.", "تبادل الطرفان الانتقادات."]


def test_lines_headings_bullets_and_paragraphs():
    doc = ("### Contact\n\nWe write. Twice.\nbroken line without stop\n\n* first item. More.\n"
           "- second\n1. third item\n\n\nLast")
    sents = split_sentences(doc)
    assert [doc[s.start:s.end] for s in sents] == [
        "### Contact", "We write.", "Twice.", "broken line without stop", "* first item.", "More.",
        "- second", "1. third item", "Last"]
    assert [s.kind for s in sents] == ["heading", "text", "text", "text", "bullet", "text", "bullet",
                                       "bullet", "text"]
    assert [s.para for s in sents] == [1, 2, 2, 2, 3, 3, 3, 3, 4]
    assert [s.line for s in sents] == [1, 3, 3, 4, 6, 6, 7, 8, 11]
    assert [s.line_start for s in sents] == [True, True, False, True, True, False, True, True, True]


def test_crlf_offsets_are_exact_and_lines_counted():
    doc = "First line.\r\nSecond one. Third.\r\n\r\nNew para\r\n"
    sents = split_sentences(doc)
    assert [doc[s.start:s.end] for s in sents] == ["First line.", "Second one.", "Third.", "New para"]
    assert [s.line for s in sents] == [1, 2, 2, 4]
    assert [s.para for s in sents] == [1, 1, 1, 2]


def test_segment_frame():
    df = segment("One. Two.\n\nThree")
    assert df.columns == ["start", "end", "para", "line", "line_start", "kind", "text"]
    assert df["text"].to_list() == ["One.", "Two.", "Three"]
    assert df["para"].to_list() == [1, 1, 2]


def test_demo_broken_lines_are_separate_units():
    with open("corpora/musk-letter/ar.mt.txt", encoding="utf-8") as f:
        doc = f.read()
    lines = {s.line for s in split_sentences(doc)}
    assert {51, 52, 64, 65, 73, 74, 105, 107, 109} <= lines
    assert all("\n" not in t for t in texts(doc))


ALPHABET = list("ab AZ.?!؟…“”«»\"'\n\r\t#*-1٣٫,:/@") + ["Dr.", "U.S.", "e.g.", "http://x.y/z.", "د.", "\r\n",
                                                         "### ", "\n\n", "* ", "1. ", "كلمة"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=60).map("".join))
def test_segments_cover_the_text_in_order(doc):
    sents = split_sentences(doc)
    pos = 0
    for s in sents:
        assert s.start >= pos and s.end > s.start  # in order, non-overlapping, non-empty
        piece = doc[s.start:s.end]
        assert piece == piece.strip() and piece  # trimmed, never empty
        assert "\n" not in piece and "\r" not in piece  # a line break never sits inside a sentence
        assert not doc[pos:s.start].strip()  # nothing but whitespace between sentences
        pos = s.end
    assert not doc[pos:].strip()
    squash = re.compile(r"\s+")
    assert squash.sub("", "".join(doc[s.start:s.end] for s in sents)) == squash.sub("", doc)
    paras = [s.para for s in sents]
    assert paras == sorted(paras)
