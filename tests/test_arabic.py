"""review.arabic: the Arabic spelling tables, defined once and used everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from review import arabic
from review.arabic import (ARTICLE, BASIC_LETTERS, CLITIC_CHAIN_RE, CLITIC_LETTERS, DIGIT_MAP, LETTER_MAP,
                           PROCLITIC_RE, SCRIPT_RANGES, is_rtl, name_skeletons, word_skeletons)

REVIEW = Path(__file__).resolve().parents[1] / "review"


@pytest.mark.parametrize("lang,rtl", [("ar", True), ("ar-EG", True), ("AR", True), ("fa", True), ("he-IL", True),
                                      ("ur", True), ("en", False), ("en-US", False), ("", False), (None, False),
                                      ("arz", False)])
def test_rtl_languages(lang, rtl):
    assert is_rtl(lang) is rtl


def test_digit_map_folds_both_digit_systems_one_character_each():
    assert "".join(DIGIT_MAP[c] for c in "٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert "".join(DIGIT_MAP[c] for c in "۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert (DIGIT_MAP["٫"], DIGIT_MAP["٬"], DIGIT_MAP["٪"]) == (".", ",", "%")
    assert re.fullmatch(arabic.NON_ASCII_DIGIT_RE + "+", "".join(DIGIT_MAP))


def test_letter_map_folds_alef_forms_ta_marbuta_and_persian_look_alikes():
    assert {c for c, v in LETTER_MAP.items() if v == "ا"} == set("أإآٱ")
    assert (LETTER_MAP["ة"], LETTER_MAP["ى"], LETTER_MAP["ی"], LETTER_MAP["ک"]) == ("ه", "ي", "ي", "ك")


def test_clitic_letters_are_the_proclitics_and_the_article():
    assert set(CLITIC_LETTERS) == set("وفبكل") | set(ARTICLE)


@pytest.mark.parametrize("prefix", ["", "و", "ف", "ب", "ل", "ك", "وب", "فل", "لل", "ول", "فلل"])
def test_strict_proclitics_accept_one_conjunction_then_one_preposition(prefix):
    assert re.fullmatch(PROCLITIC_RE, prefix)


@pytest.mark.parametrize("prefix", ["بو", "لو", "وف", "ببل", "كل"])
def test_strict_proclitics_reject_other_orders(prefix):
    assert not re.fullmatch(PROCLITIC_RE, prefix)


@pytest.mark.parametrize("word", ["والمجلس", "بالمجلس", "المجلس", "فبالمجلس", "وللمجلس", "مجلس"])
def test_clitic_chain_reaches_the_stem(word):
    assert re.sub(CLITIC_CHAIN_RE, r"\g<1>\g<2>", word) == "مجلس"


def test_basic_letters_are_a_subset_of_the_script():
    script = re.compile(f"[{SCRIPT_RANGES}]")
    assert all(script.match(chr(c)) for c in range(0x621, 0x64B))
    assert re.fullmatch(f"[{BASIC_LETTERS}]+", "ابتثجحخدذرزسشصضطظعغفقكلمنهوي")


def test_name_skeletons_meet_across_scripts():
    assert name_skeletons("Donald Trump met Altman.") & word_skeletons("التقى دونالد ترامب بألتمان.")
    assert not name_skeletons("Musk wrote to Toner.") & word_skeletons("كتب المجلس رسالة طويلة أمس.")


@given(st.text(alphabet="ابتكلمنويةىأـَُِّ ", max_size=30))
def test_word_skeletons_ignore_harakat_and_tatweel(text):
    plain = re.sub("[\u064b-\u0652\u0640]", "", text)
    assert word_skeletons(text) == word_skeletons(plain)


# --------------------------------------------------------------------------- defined once
def _sources() -> dict[str, str]:
    return {str(p.relative_to(REVIEW)): p.read_text(encoding="utf-8") for p in REVIEW.rglob("*.py")}


@pytest.mark.parametrize("pattern", [
    r"RTL_LANGS\s*=", r"def is_rtl\b", r"def _?is_rtl\b",  # text direction
    r"\\u0621-\\u064[aA]", "\u0621-\u064a", r"\\u0600-\\u06[fF][fF]",  # letter ranges written out
    r"[\"']وال[\"']", r"\[وفبكل\]|\[وفبلك\]", r"[\"']ال[\"']",  # clitics and the article
    "٠١٢٣٤٥٦٧٨٩", r"\[٠-٩", "۰۱۲۳۴۵۶۷۸۹",  # digit maps
    r"[\"']أ[\"']: [\"']ا[\"']", r"[\"']اأإآٱ[\"']",  # alef folding
])
def test_arabic_rules_are_defined_only_in_review_arabic(pattern):
    where = sorted(name for name, text in _sources().items() if re.search(pattern, text))
    assert where in ([], ["arabic.py"]), where
