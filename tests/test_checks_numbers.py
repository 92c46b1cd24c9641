import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from helpers_form import demo_frame, fired, quiet

from review.checks import run_checks

CHECK = "number_mismatch"


@pytest.mark.parametrize("src, tgt", [
    ("In 2018 it grew.", "في عام ٢٠١٨ نمت."),
    ("In 2018 it grew.", "في عام ۲۰۱۸ نمت."),
    ("About 50% left.", "غادر حوالي ٥٠٪."),
    ("About 50% left.", "غادر حوالي 50٪."),
    ("About 50% left.", "غادر حوالي 50 في المئة."),
    ("It was 3.5 times.", "كان ٣٫٥ مرة."),
    ("It was 3.5 times.", "كان 3,5 مرة."),
    ("It cost 1,000 dollars.", "كلف ١٬٠٠٠ دولار."),
    ("It cost 1,000 dollars.", "كلف 1000 دولار."),
    ("A $2.5 billion deal.", "صفقة بقيمة 2.5 مليار دولار."),
    ("A $2.5 billion deal.", "صفقة بقيمة 2500 مليون دولار."),
    ("It sold for £125m.", "بيعت مقابل 125 مليون جنيه."),
    ("5,000 people", "5 آلاف شخص"),
    ("On 21/11/2023.", "في 21/11/2023."),
    ("On 11/21/2023.", "في ٢١/١١/٢٠٢٣."),
    ("At 10:30.", "في الساعة ١٠:٣٠."),
    ("At about 04:00 BST.", "في حوالي الساعة 4 بالتوقيت البريطاني."),
    ("Five days.", "خمسة أيام."),
    ("5 days.", "خمسة أيام."),
    ("over the last 5 days", "خلال الأيام الخمسة الماضية"),
    ("five days", "5 أيام"),
    ("2 million people", "مليوني شخص"),
    ("three million people", "3 ملايين شخص"),
    ("the 19th century", "القرن التاسع عشر"),
    ("He was 21.", "كان عمره واحدًا وعشرين عامًا."),
    ("In the 1990s.", "في التسعينيات."),
    ("the 1950-53 Korean War", "الحرب الكورية من 1950 إلى 1953"),
    ("turnout needs to be 50 percent plus one", "يجب أن تتجاوز المشاركة النصف بصوت"),
    ("contact former_openai@mail2tor.com", "اتصل على former_openai@mail2tor.com"),  # digits of an address
    ("see https://x.com/2020/02/17/844721/a", "انظر https://x.com/2020/02/17/844721/a"),
    ("GPT-4, the G7 and 3D printing", "GPT-4 ومجموعة السبع والطباعة ثلاثية الأبعاد"),
    ("No numbers here.", "لا أرقام هنا."),
    ("in the early 2000s", "في بداية القرن الواحد والعشرين"),  # a decade named by its century
    ("in the 2000s", "في العقد الأول من الألفية"),
])
def test_equal_numbers_in_any_script_or_format_are_quiet(src, tgt):
    assert quiet([(src, tgt)], CHECK)


def test_changed_number_is_paired_and_points_at_the_target_number():
    tgt = "في عام 2019 نمت."
    got = fired([("In 2018 it grew.", tgt)], CHECK)
    assert got == [(1, "2019", "The number '2018' of the source appears as '2019' in the target.")]


def test_changed_number_written_in_arabic_digits():
    got = fired([("Between January 2018 and July 2020.", "بين يناير ٢٠١٨ ويوليو ٢٠٢١.")], CHECK)
    assert [(g[1], "'2020'" in g[2]) for g in got] == [("٢٠٢١", True)]


def test_missing_number_spans_the_whole_segment():
    got = fired([("It rose 50% in 2018.", "ارتفع بنسبة 50%.")], CHECK)
    assert got == [(1, None, "The number '2018' of the source is missing from the target.")]


def test_extra_number_in_target():
    got = fired([("It grew.", "نمت في 2020.")], CHECK)
    assert got == [(1, "2020", "The target has the number '2020', which is not in the source.")]


def test_scale_word_dropped_or_changed():
    got = fired([("deals worth up to £1.5 million", "صفقات تساوي 1.5 جنيه إسترليني")], CHECK)
    assert got[0][1] == "1.5" and "'£1.5 million'" in got[0][2]
    got = fired([("upwards of 30,000 pupils", "أكثر من 300 ألف تلميذ")], CHECK)
    assert got[0][1] == "300 ألف"


def test_different_date_and_time():
    got = fired([("On 21/11/2023 at 10:30.", "في 22/11/2023 الساعة 10:45.")], CHECK)
    assert sorted(g[1] for g in got) == ["10:45", "22/11/2023"]


def test_word_numbers_do_not_excuse_a_different_digit():
    got = fired([("over the last 5 days", "خلال الأيام الخمسة الماضية و6 ساعات")], CHECK)
    assert [g[1] for g in got] == ["6"]


def test_numbers_quiet_on_demo():
    df, _ = demo_frame()
    assert run_checks(df, only=[CHECK]).height == 0


def test_century_words_excuse_only_a_decade():
    got = fired([("In 2000 he left.", "غادر في بداية القرن الحالي.")], CHECK)
    assert [g[2] for g in got] == ["The number '2000' of the source is missing from the target."]
    got = fired([("in the early 2000s", "في بداية 2010")], CHECK)
    assert [g[1] for g in got] == ["2010"]


@pytest.mark.parametrize("src, tgt", [
    ("The firm lost 142 million customers.", "خسرت الشركة 142 مليونًا من العملاء."),  # accusative
    ("The firm lost 142 million customers.", "خسرت الشركة 142 مليونا من العملاء."),
    ("It raised 14 billion.", "جمعت 14 ملياراً."),
    ("a decade ago", "قبل 10 سنوات"),
    ("10 years ago", "قبل عقد"),
    ("for two decades", "منذ 20 عامًا"),
    ("a century ago", "قبل 100 عام"),
    ("a dozen people", "12 شخصًا"),
    ("12 eggs", "دزينة بيض"),
    ("2,000 people", "ألفا شخص"),  # dual construct
    ("300 people", "ثلاثمئة شخص"),
    ("400 people", "أربعمائة شخص"),
    ("2 years", "عامين"),  # a dual noun says "two"
    ("1.5 million", "مليون ونصف"),
    ("2.5 million", "مليونان ونصف"),
    ("500,000", "نصف مليون"),
    ("half a million people", "500 ألف شخص"),
    ("25 million", "خمسة وعشرين مليونًا"),
    ("twenty-five thousand fans", "25,000 مشجع"),
    ("three hundred thousand", "300 ألف"),
    ("in 3 months", "خلال ثلاثة أشهر"),
])
def test_number_words_and_scales_match_digits(src, tgt):
    assert quiet([(src, tgt)], CHECK)


@pytest.mark.parametrize("src, tgt, frag", [
    ("The firm lost 142 million customers.", "خسرت الشركة 143 مليونًا من العملاء.", "143 مليونًا"),
    ("The firm lost 142 million customers.", "خسرت الشركة 142 ألفًا من العملاء.", "142 ألفًا"),
    ("a decade ago", "قبل 20 عامًا", "20"),
    ("2 years", "3 أعوام", "3"),
    ("1.5 million", "مليونان ونصف و 3", "3"),
])
def test_number_words_do_not_hide_a_changed_amount(src, tgt, frag):
    assert [g[1] for g in fired([(src, tgt)], CHECK)] == [frag]


def test_changed_code_digits_are_caught_and_a_translated_code_is_not():
    got = fired([("the SS21 collection and the HER4 protein", "مجموعة SS26 وبروتين HER4")], CHECK)
    assert [(g[1], g[2]) for g in got] == [("SS26", "The code 'SS21' of the source appears as 'SS26' in the target.")]
    assert quiet([("the G7 summit on HER4", "قمة مجموعة السبع حول HER4")], CHECK)


_SCALES = [("thousand", "ألف"), ("million", "مليون"), ("billion", "مليار"), ("trillion", "تريليون")]
_ENDINGS = ["", "ًا", "اً", "ا"]  # none, and the accusative as usually written


@settings(max_examples=15, deadline=None)
@given(n=st.integers(min_value=3, max_value=999), scale=st.sampled_from(_SCALES), ending=st.sampled_from(_ENDINGS),
       delta=st.integers(min_value=1, max_value=9))
def test_scaled_amounts_match_across_languages_and_a_changed_one_does_not(n, scale, ending, delta):
    en, ar = scale
    src = f"They spent {n} {en} dollars."
    assert quiet([(src, f"أنفقوا {n} {ar}{ending} دولار.")], CHECK)
    got = fired([(src, f"أنفقوا {n + delta} {ar}{ending} دولار.")], CHECK)
    assert [g[1].split()[0] for g in got] == [str(n + delta)]
