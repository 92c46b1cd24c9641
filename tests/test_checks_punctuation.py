import re

import polars as pl
import pytest
from helpers_form import demo_frame, fired, quiet

from review.checks import run_checks
from review.checks.base import ROW, collect
from review.checks.punctuation import _tokens
from review.schema import TARGET

LINE22 = "تبادل ” ماسك ” و ” ألتمان ” الانتقادات اللاذعة."
SRC22 = "Musk and Altman traded barbs."


# ----------------------------------------------------------------------------- brackets
def test_unbalanced_brackets():
    got = fired([("the AGI (artificial general intelligence).", "الذكاء العام (AGI.")], "unbalanced_brackets")
    assert [g[1] for g in got] == ["("] and "never closed" in got[0][2]
    got = fired([("x", "قال) إنه")], "unbalanced_brackets")
    assert [g[1] for g in got] == [")"] and "closes nothing" in got[0][2]


def test_brackets_quiet_when_balanced_or_like_the_source():
    assert quiet([("a (b) [c]", "أ (ب) [ج]"), ("a) first", "أ) الأول"), ("(1 (2) 3)", "(1 (2) 3)")],
                 "unbalanced_brackets")


# ----------------------------------------------------------------------------- quotes
def test_wrongly_facing_quotes_of_the_demo():
    got = fired([(SRC22, LINE22)], "unbalanced_quotes")
    assert [g[1] for g in got] == ["” ماسك ”", "” ألتمان ”"]
    assert "wrong way" in got[0][2] and "'” ماسك ”'" in got[0][2]


def test_quote_without_partner():
    got = fired([("He said “yes” today.", "قال “نعم اليوم.")], "unbalanced_quotes")
    assert [g[1] for g in got] == ["“"]
    got = fired([("He said \"yes\" today.", "قال \"نعم اليوم.")], "unbalanced_quotes")
    assert [g[1] for g in got] == ['"']


@pytest.mark.parametrize("src, tgt", [
    ("He said “No.”", "قال «لا»."),
    ("He said “No.”", "قال “لا”."),
    ("He said “No.”", "قال ”لا“."),  # the pair written mirrored, as some Arabic typesetters do
    ('He said "I think "ye" is common"', 'قال "أعتقد أن "يي" شائعة"'),  # nested straight quotes
    ("“We left,” the letter says. “Now", "“لقد غادرنا”، كما جاء في الرسالة. “الآن"),  # source leaves it open
    ("'It will not happen overnight.", "\"لن يحدث هذا بين عشية وضحاها."),  # British single quotes
    ("O'Hagan said it won't.", "قال أوهاغان إنه لن يحدث."),
])
def test_quotes_quiet(src, tgt):
    assert quiet([(src, tgt)], "unbalanced_quotes")


def test_space_in_quotes():
    got = fired([(SRC22, LINE22)], "space_in_quotes")
    assert [g[1] for g in got] == ["” ماسك ”", "” ألتمان ”"]
    got = fired([("x", "قال « لا » بحزم")], "space_in_quotes")
    assert [g[1] for g in got] == ["« لا »"]
    got = fired([("x", "ومن ثم \" سأكون بخير.\"")], "space_in_quotes")
    assert [g[1] for g in got] == ['"']
    assert quiet([("x", "قال «لا» و“نعم” و\"ربما\" اليوم")], "space_in_quotes")


# ----------------------------------------------------------------------------- spaces and marks
def test_space_before_punct():
    got = fired([("x", "بعد ثلاثة أشواط ، ظهر يوم السبت ؟")], "space_before_punct")
    assert [g[1] for g in got] == [" ،", " ؟"]
    assert "'،'" in got[0][2]


@pytest.mark.parametrize("tgt", ["انتظر ...", "بلغ .5 في المئة", "قال: نعم.", "نسبة 3 .5", "الموقع example .com"])
def test_space_before_punct_quiet(tgt):
    assert quiet([("x", tgt)], "space_before_punct")


def test_latin_punct_in_arabic_prose():
    got = fired([("x", "قال ماسك, إن الرسالة حقيقية; هل هي كذلك?")], "latin_punct")
    assert [g[1] for g in got] == [",", ";", "?"]
    assert "Arabic uses '،'" in got[0][2]


@pytest.mark.parametrize("tgt", [
    "كلف 1,000 دولار",
    "زر https://x.org/search?q=a,b الآن",
    "قال Sam Altman, Greg Brockman و Ilya",
    "اكتب إلى a,b@x.org",
])
def test_latin_punct_quiet(tgt):
    assert quiet([("x", tgt)], "latin_punct")


def test_end_punct_mismatch():
    got = fired([("Is it real?", "هل هي حقيقية.")], "end_punct_mismatch")
    assert got[0][1] == "." and "'?'" in got[0][2]
    got = fired([("Stop now!", "توقف الآن")], "end_punct_mismatch")
    assert got[0][1] is None and "'!'" in got[0][2]
    assert quiet([("Is it real?", "هل هي حقيقية؟"), ("Is it real?", "هل هي حقيقية?"),
                  ("He asked: “Why?”", "سأل: «لماذا؟»"), ("It is.", "إنها كذلك."),
                  ("Really?!", "حقًا؟!")], "end_punct_mismatch")


# ----------------------------------------------------------------------------- repeated_word
def test_repeated_word():
    got = fired([("x", "ذهب إلى إلى المدينة")], "repeated_word")
    assert [g[1] for g in got] == ["إلى إلى"]
    got = fired([("upheaval and turmoil", "فترة من الاضطرابات والاضطرابات الكبيرة")], "repeated_word")
    assert [g[1] for g in got] == ["الاضطرابات والاضطرابات"]


def test_repeated_word_with_case_ending_or_glued_quote():
    # The same word retyped with its accusative ending, and a repeat glued to a closing quote.
    got = fired([("formerly", "وهو معروف سابق سابقًا باسم كاني")], "repeated_word")
    assert [g[1] for g in got] == ["سابق سابقًا"]
    got = fired([("x", "نجم مسلسل \"صراع العروش العروش\"كيت هارينغتون")], "repeated_word")
    assert [g[1] for g in got] == ["العروش العروش"]
    got = fired([("x", "المنظمة الدولي الدوليّة للهجرة")], "repeated_word")
    assert [g[1] for g in got] == ["الدولي الدوليّة"]


@pytest.mark.parametrize("src, tgt", [
    ("on the BBC", "على بي بي سي"),
    ("on CNN and MSNBC", "على سي إن إن وإم إس إن بي سي"),
    ("channels ABC and CNN", "قنوات إيه بي سي وسي إن إن وفوكس"),
    ("in the Roa Roa hotel", "في فندق Roa Roa"),
    ("slowly", "تقدم رويدًا رويدًا"),
    ("between 10 10", "بين 10 10"),
    ("work, work", "العمل، العمل"),
    ("they both wrote", "هما كتب كتبا معا"),  # a suffix without a haraka is another word
    ("x", "قال \"العمل\" العمل"),  # a quote between the two words
])
def test_repeated_word_quiet(src, tgt):
    assert quiet([(src, tgt)], "repeated_word")


# ----------------------------------------------------------------------------- demo
def test_punctuation_on_demo():
    df, pairs = demo_frame()
    got = run_checks(df, only=["unbalanced_brackets", "unbalanced_quotes", "space_in_quotes",
                               "space_before_punct", "latin_punct", "end_punct_mismatch", "repeated_word"])
    frags = {(c, pairs[s - 1][1][a:b]) for c, s, a, b in got.select("check", "seg", "start", "end").iter_rows()}
    assert ("space_in_quotes", "” ماسك ”") in frags
    assert ("unbalanced_quotes", "” ماسك ”") in frags
    assert ("repeated_word", "الاضطرابات والاضطرابات") in frags
    # Everything else it reports is the ”…” pair of line 8 (a real wrongly facing pair).
    others = frags - {("space_in_quotes", "” ماسك ”"), ("unbalanced_quotes", "” ماسك ”"),
                      ("space_in_quotes", "” ألتمان ”"), ("unbalanced_quotes", "” ألتمان ”"),
                      ("repeated_word", "الاضطرابات والاضطرابات")}
    assert others == {("unbalanced_quotes", "”تبدو هذه مخاوف تستحق التحقيق”")}


def test_repeated_word_tokens_offsets_per_row():
    # _tokens' offsets come from one running sum over all rows: each must be the token's own
    # position in its row's target, across rows of different lengths, double spaces and nulls.
    targets = ["إلى إلى البيت", None, "  a  bb ", "", "كلمة"]
    frame = pl.DataFrame({ROW: range(len(targets)), TARGET: targets}, schema={ROW: pl.Int64, TARGET: pl.String})
    got = collect(_tokens(frame.lazy())).select(ROW, "w", "start").rows()
    want = [(row, m.group(), m.start()) for row, text in enumerate(targets)
            for m in re.finditer(r"[^ ]+", text or "")]
    assert got == want
