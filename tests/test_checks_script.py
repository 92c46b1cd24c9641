import pytest
from helpers_form import demo_frame, fired, quiet

from review.checks import run_checks

SRC = "Earlier this month, X released a new AI called Grok."


# ----------------------------------------------------------------------------- latin_leftover
def test_latin_leftover_lowercase_english_words():
    tgt = "وافق the board على القرار"
    got = fired([("The board agreed to the decision.", tgt)], "latin_leftover")
    assert [(g[1]) for g in got] == ["the board"]
    assert "'the board'" in got[0][2]


def test_latin_leftover_word_not_in_source():
    got = fired([("He left.", "غادر and ثم عاد")], "latin_leftover")
    assert [g[1] for g in got] == ["and"]


def test_latin_leftover_fires_on_a_lowercase_source_word_left_in_arabic_prose():
    # English left in the Arabic is copied from the source by nature: that is no excuse.
    got = fired([("The talks aim to reach an agreement.", "تهدف المحادثات نحو الوصول reach اتفاق")], "latin_leftover")
    assert [g[1] for g in got] == ["reach"]
    # Inside an Arabic quotation, an English word is still a leftover.
    tgt = 'وأطلق عليها: "كنز ثقافي" و" أداة something لا تُعوض."'
    assert [g[1] for g in fired([("an irreplaceable historical instrument", tgt)], "latin_leftover")] == ["something"]


def test_latin_leftover_english_phrase_around_a_name_is_still_a_leftover():
    tgt = "وفي اجتماع طويل يوم الثلاثاء الماضي قرر the board of OpenAI decided إقالة الرئيس التنفيذي للشركة"
    got = fired([("the board of OpenAI decided", tgt)], "latin_leftover")
    assert [g[1] for g in got] == ["the board of", "decided"]


def test_latin_leftover_leaves_untranslated_targets_to_untranslated():
    tgt = "قال the company said it would open a new office next year"
    assert quiet([("The company said it would open a new office next year.", tgt)], "latin_leftover")
    assert fired([("The company said it would open a new office next year.", tgt)], "untranslated")


@pytest.mark.parametrize("src, tgt", [
    ("Elon Musk tweeted.", "غرد Elon Musk."),
    ('so-called "clicktivism" - people', 'ما يُسمى بـ "الحراك بالنقر (clicktivism)" - يشعر'),  # gloss in brackets
    ("Cookies (small files)", "ملفات تعريف الارتباط (cookies) التي نستخدمها"),
    ("the song I Love it", 'بأداء أغنية "I Love it"، مرتديًا'),  # a title: capitalised words
    ('the movie "Bells of Coronado,"', 'كما في فيلم"Bells of Coronado"عام 1950، الذي'),  # glued to Arabic
    ("the Chariots of Fire theme", 'لحن دراما Chariots of Fire في حفل'),  # unquoted title
    ("In Welsh twp means daft and pwp means poo.", "تعني twp في ويلز السخافة وتعني pwp الحماقة."),  # names kept in Latin: the names check's business
    ("OpenAI built ChatGPT.", "بنت OpenAI برنامج ChatGPT."),
    ("It uses AGI.", "يستخدم (AGI)."),
    ("Visit https://board.net/p/r.e6a8 now.", "زر https://board.net/p/r.e6a8 الآن."),
    ("Write to former_openai@mail2tor.com.", "اكتب إلى former_openai@mail2tor.com."),
    ("In Welsh twp means daft.", "تعني twp في الويلزية السخافة."),  # a quoted word of the source
    ("The song Bells of Coronado.", "أغنية \"Bells of Coronado\"."),  # function word inside a title
    ("It is 5 km away.", "تبعد 5 km."),
    ("Use the iPhone app.", "استخدم تطبيق iPhone."),
    ("It was posted on GitHub.", "نُشر على GitHub."),
])
def test_latin_leftover_quiet_on_names_codes_and_quoted_words(src, tgt):
    assert quiet([(src, tgt)], "latin_leftover")


# ----------------------------------------------------------------------------- stray_letter
def test_stray_arabic_letter_in_demo_sentence():
    tgt = "في وقت سابق من هذا الشهر، أصدر X أ ذكاء اصطناعي جديد يسمى Grok."
    got = fired([(SRC, tgt)], "stray_letter")
    assert [g[1] for g in got] == ["أ"]
    assert "X أ ذكاء" in got[0][2]
    assert tgt[tgt.index(" أ ") + 1] == "أ"


def test_stray_letter_at_line_end():
    tgt = "هذا الولاء ينبع من أ\nمزيج من الخوف."
    got = fired([("This loyalty stems from a mixture of fear.", tgt)], "stray_letter")
    assert [g[1] for g in got] == ["أ"]


def test_stray_latin_article():
    got = fired([("He bought a car.", "اشترى a سيارة.")], "stray_letter")
    assert [g[1] for g in got] == ["a"]


@pytest.mark.parametrize("src, tgt", [
    ("Sam Altman and Greg Brockman", "Sam Altman و Greg Brockman"),  # و apart before Latin script
    (SRC, "أصدر X روبوتًا جديدًا."),  # X the company, in the source too
    ("Items: a) one", "البنود: أ) واحد"),  # list markers
    ("Mr. Ahmed", "أ. أحمد"),  # abbreviation with a full stop
    ("in 2023 AD", "في عام 2023 م"),  # year mark next to a number
    ("fields marked with *", "الحقول مشار إليها بـ *"),  # clitic with tatweel
    ("The Welsh letter w is pronounced like u.", "يُنطق حرف W مثل حرف u."),
])
def test_stray_letter_quiet(src, tgt):
    assert quiet([(src, tgt)], "stray_letter")


# ----------------------------------------------------------------------------- invisible_chars
def test_invisible_characters_inside_text():
    tgt = "قال\u200f ماسك\u200b\u200b إن"
    got = fired([("x", tgt)], "invisible_chars")
    assert [g[1] for g in got] == ["\u200f", "\u200b\u200b"]
    assert "U+200F RIGHT-TO-LEFT MARK" in got[0][2] and "2 in a row" in got[1][2]


def test_zwnj_fires_in_arabic_but_not_persian_and_leading_bom_is_ignored():
    assert [g[1] for g in fired([("x", "می\u200cخواهم")], "invisible_chars")] == ["\u200c"]
    assert quiet([("x", "می\u200cخواهم")], "invisible_chars", tgt_lang="fa")
    assert quiet([("x", "\ufeffقال ماسك")], "invisible_chars")


# ----------------------------------------------------------------------------- persian_letters
def test_persian_letters():
    got = fired([("x", "قال یوسف إن الکتاب جيد")], "persian_letters")
    assert [g[1] for g in got] == ["یوسف", "الکتاب"]
    assert quiet([("x", "قال يوسف إن الكتاب جيد على مستشفى")], "persian_letters")
    assert quiet([("x", "یک کتاب")], "persian_letters", tgt_lang="fa")


# ----------------------------------------------------------------------------- tatweel
def test_tatweel_inside_a_word():
    got = fired([("x", "هذا كـبـيـر جدًا")], "tatweel")
    assert [g[1] for g in got] == ["كـبـيـر"]


@pytest.mark.parametrize("tgt", ["لـ OpenAI", "المحدد لـOpenAI", "مشار إليها بـ *", "عام 1445 هـ", "الـ50 دولارًا"])
def test_tatweel_quiet_on_clitics_before_latin_and_marks(tgt):
    assert quiet([("x", tgt)], "tatweel")


# ----------------------------------------------------------------------------- tripled_letters
def test_tripled_letters():
    got = fired([("x", "كان رائععع جدًا، sooo good.")], "tripled_letters")
    assert [g[1] for g in got] == ["رائععع", "sooo"]


@pytest.mark.parametrize("tgt", ["انظر www.example.com", "الحرب العالمية III", "XXX", "رقم 1000", "للّه",
                                 "الشهر المقبل"])
def test_tripled_letters_quiet(tgt):
    assert quiet([("x", tgt)], "tripled_letters")


# ----------------------------------------------------------------------------- mojibake
def test_mojibake():
    got = fired([("x", "Ø§Ù„Ø´Ø±ÙƒØ© said â€œhiâ€\x9d and caf\ufffd")], "mojibake")
    assert [g[1] for g in got] == ["Ø§Ù„Ø´Ø±ÙƒØ©", "â€œ", "â€\x9d", "\ufffd"]


@pytest.mark.parametrize("tgt", ["Øresund", "Ângela", "São Paulo", "café «لا»", "Ünal"])
def test_mojibake_quiet_on_real_accented_text(tgt):
    assert quiet([("x", tgt)], "mojibake")


# ----------------------------------------------------------------------------- demo
def test_script_checks_on_demo_find_the_two_stray_letters_and_nothing_else():
    df, pairs = demo_frame()
    got = run_checks(df, only=["latin_leftover", "stray_letter", "invisible_chars", "persian_letters",
                               "tatweel", "tripled_letters", "mojibake"])
    assert got["check"].to_list() == ["stray_letter", "stray_letter"]
    frags = [pairs[s - 1][1][a:b] for s, a, b in got.select("seg", "start", "end").iter_rows()]
    assert frags == ["أ", "أ"]
    assert "X أ ذكاء" in got["message"][0] and "من أ مزيج" in got["message"][1]


# ----------------------------------------------------------------------------- prefilters
# latin_leftover and tripled_letters drop rows that cannot be flagged before their expensive
# patterns. Mixtures of the awkward pieces (quotes, hyphens, glued Arabic, code, tags with spaces,
# URLs) must get the same flags with the prefilter and with it disabled.
_PIECES = ["كلمة", "بالـabc", "abcب", "بabc", "the", "board", "The", "Board", "iPhone", "eBay", "O'neil",
           "-abc", "abc-", "a-b", "x", "'quoted'", '"kept words"', "(clicktivism)", "https://x.com/abc",
           "www.abc.org", "a@b.com", "{{ limit }}", '<a href="x y">', "</a>", "%s", "{0}", "⟦1⟧", "km",
           "etc.", "don't", "rock’n’roll", "--clean", "-v", "si:localuser:root", "abc123", "x2", "\n", "،",
           "«", "»", "“", "”", "and", "of", "A", "i", "abc'", "abc'-", "ab’", "ABC", "aBc", "abC", "e.g.",
           "ok,go", "ووو", "aaa", "www.aaa.com", "cooool", "ككك", "123aaa", "aaa.", "(aaa)", "mmm-hmm"]


def _mixtures(n: int = 400) -> list[tuple[str, str]]:
    import random

    rng = random.Random(3)
    pairs = []
    for _ in range(n):
        target = " ".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 10)))
        if rng.random() < 0.3:
            target = target.replace(" ", "")
        source = rng.choice(["", "In Welsh board means daft", "the board", target,
                             "xhost si:localuser:root\nabc def"])
        pairs.append((source, target))
    return pairs


@pytest.mark.parametrize("check,disable", [
    ("latin_leftover", {"_LOWER_RUN": "^", "_CODE_CHUNK": "\x00"}),  # every row passes
    ("tripled_letters", {"_NOT_A_WORD_CHUNK": "\x00"}),
])
def test_prefilters_drop_no_flag(monkeypatch, check, disable):
    from review.checks import script

    pairs = _mixtures()
    with_prefilter = fired(pairs, check)
    assert len(with_prefilter) > 50  # the mixtures do exercise the check
    for name, pattern in disable.items():
        monkeypatch.setattr(script, name, pattern)
    assert fired(pairs, check) == with_prefilter
