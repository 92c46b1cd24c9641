from helpers_form import demo_frame, fired, flags, frame, quiet

from review.checks import run_checks
from review.schema import SEG, SEVERITY

LONG_EN = "The company said on Tuesday that it would open a new office in the city next year."
LONG_AR = "قالت الشركة يوم الثلاثاء إنها ستفتح مكتبًا جديدًا في المدينة العام المقبل."
FORM = ["empty_target", "untranslated", "length_short", "length_long", "truncated"]


# ----------------------------------------------------------------------------- empty_target
def test_empty_target_fires_on_blank_translation():
    got = fired([(LONG_EN, ""), (LONG_EN, "   \n")], "empty_target")
    assert [g[0] for g in got] == [1, 2]
    assert "empty" in got[0][2]


def test_empty_target_leaves_omission_beads_and_empty_pairs_alone():
    assert quiet([(LONG_EN, "")], "empty_target", bead="1-0")  # omission_bead reports it
    assert quiet([("", ""), (LONG_EN, LONG_AR)], "empty_target")


# ----------------------------------------------------------------------------- untranslated
def test_untranslated_identical_to_source():
    got = fired([(LONG_EN, LONG_EN)], "untranslated")
    assert len(got) == 1 and "identical" in got[0][2] and "The company said" in got[0][2]


def test_untranslated_mostly_latin_target():
    target = "قال the company said it would open a new office next year"
    got = fired([(LONG_EN, target)], "untranslated")
    assert len(got) == 1 and "Latin script" in got[0][2]


def test_untranslated_quiet_on_names_dates_urls_and_arabic():
    pairs = [
        ("Sam Altman and Greg Brockman", "Sam Altman و Greg Brockman"),  # names kept in Latin
        ("21/11/2023", "21/11/2023"),
        ("https://twitter.com/geoffreyirving/status/1726754277618491416",
         "https://twitter.com/geoffreyirving/status/1726754277618491416"),
        ("OpenAI", "OpenAI"),
        (LONG_EN, LONG_AR),
    ]
    assert quiet(pairs, "untranslated")


def test_untranslated_latin_share_only_for_arabic_targets():
    assert quiet([(LONG_EN, "the company said it would open a new office next year")],
                 "untranslated", tgt_lang="fr")


# ----------------------------------------------------------------------------- lengths
def _doc(extra):
    base = [(LONG_EN + f" Item {i}.", LONG_AR + f" البند {i}.") for i in range(12)]
    return base + [extra]


def test_length_short_absolute_bound():
    got = fired([(LONG_EN, "قالت الشركة.")], "length_short")
    assert len(got) == 1 and "shorter" in got[0][2] and "ratio" in got[0][2]


def test_length_short_robust_outlier_of_the_document():
    half = LONG_AR[: int(len(LONG_EN) * 0.52)]
    got = fired(_doc((LONG_EN, half)), "length_short")
    assert [g[0] for g in got] == [13]


def test_length_short_quiet_on_normal_ratios_and_tiny_segments():
    assert quiet(_doc((LONG_EN, LONG_AR[:60])), "length_short")  # ratio ~0.73: translators do that
    assert quiet([("Sincerely,", "بإخلاص،"), ("Contact", "اتصال بنا فورًا")], "length_short")


def _severity(pairs, check):
    df = flags(pairs, check)
    return dict(zip(df[SEG].to_list(), df[SEVERITY].to_list()))


def _wide_doc(extra):
    # A translator who writes about 5% longer than the source: the z-score rule keeps quiet on a
    # ratio of 0.65, the document-relative rule measures it against 1.05.
    base = [(LONG_EN, LONG_AR[:-1] + f" بحسب البيان {i}.") for i in range(12)]
    return base + [extra]


def test_length_short_dropped_clause_against_the_document_ratio():
    # A clause of the source has no counterpart (62% of the document's usual ratio), and the
    # source's clause break is gone with it: major.
    src = LONG_EN[:-1] + ", while the old one will close."
    got = fired(_wide_doc((src, LONG_AR)), "length_short")
    assert [g[0] for g in got] == [13] and "clause" in got[0][2] and "1 clause breaks in the source, 0" in got[0][2]
    assert _severity(_wide_doc((src, LONG_AR)), "length_short") == {13: "major"}


def test_length_short_dropped_clause_without_clause_evidence_is_minor():
    # About 65% of the usual ratio, and the target keeps as many clause breaks as the source.
    src = LONG_EN[:-1] + " and will hire more people."
    assert _severity(_wide_doc((src, LONG_AR)), "length_short") == {13: "minor"}


def test_length_short_dropped_clause_with_its_number():
    # 71% of the usual ratio alone is not enough; the source's date missing from the target is.
    src = LONG_EN[:-1] + " on May 30 2005."
    got = fired(_wide_doc((src, LONG_AR)), "length_short")
    assert [g[0] for g in got] == [13] and "2 numbers of the source missing" in got[0][2]
    assert _severity(_wide_doc((src, LONG_AR)), "length_short") == {13: "major"}
    # the same length with the number kept (in Arabic-Indic digits): quiet
    assert quiet(_wide_doc((src, LONG_AR[:-10] + " ٣٠ ٢٠٠٥.")), "length_short")
    assert quiet(_wide_doc((LONG_EN[:-1] + " on that day.", LONG_AR)), "length_short")


def test_length_short_document_ratio_quiet_on_short_sources_and_near_usual_ratios():
    short_src = "Man: What in the world is that thing?"  # under doc_min_source_chars
    assert quiet(_wide_doc((short_src, "الرجل: ما هذا الشيء يا ترى؟")), "length_short")
    assert quiet(_wide_doc((LONG_EN + " Again.", LONG_AR)), "length_short")  # ~85% of the usual ratio


def test_length_long():
    got = fired([(LONG_EN, LONG_AR * 3)], "length_long")
    assert len(got) == 1 and "longer" in got[0][2]
    assert quiet(_doc((LONG_EN, LONG_AR + " " + LONG_AR[:20])), "length_long")


# ----------------------------------------------------------------------------- truncated
def test_truncated_dangling_word_is_major_and_points_at_the_end():
    src = "This unwavering loyalty stems from a mixture of fear of retaliation and the lure of gain."
    tgt = "هذا الولاء الذي لا يتزعزع ينبع من أ"
    df = flags([(src, tgt)], "truncated")
    assert df.height == 1 and df[SEVERITY][0] == "major"
    got = fired([(src, tgt)], "truncated")
    assert got[0][1] == "من أ" and "'…من أ'" in got[0][2]


def test_truncated_missing_full_stop_only_is_minor():
    df = flags([("He also voiced his thoughts on Twitter.", "كما عبّر عن أفكاره على تويتر")], "truncated")
    assert df.height == 1 and df[SEVERITY][0] == "minor"


def test_truncated_quiet_on_complete_targets_and_headings():
    pairs = [
        (LONG_EN, LONG_AR),
        ("Is it real?", "هل هي حقيقية؟"),
        ("He said: “No.”", "قال: «لا»"),
        ("### Contact", "### اتصال"),  # the source does not end a sentence
        ("CNN reported it live on CNN.", "بثت ذلك مباشرة على سي إن إن."),  # إن is a letter of CNN here
        ("The attrition rate was 50%.", "كان معدل التناقص 50%"),
    ]
    assert quiet(pairs, "truncated")


# ----------------------------------------------------------------------------- demo
def test_form_checks_quiet_on_demo():
    df, _ = demo_frame()
    assert run_checks(df, only=FORM).height == 0


def test_schema_frame_without_bead_column_still_works():
    df = frame([(LONG_EN, "")]).drop("bead")
    assert run_checks(df, only=["empty_target"]).height == 1
