import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from helpers_form import demo_frame, fired, frame, quiet

from review.checks import run_checks
from review.cli import main
from review.schema import LOCATOR, SEVERITY

MARKUP = ["url_changed", "email_changed", "handle_changed", "markdown_changed", "tag_mismatch",
          "placeholder_mismatch"]


# ----------------------------------------------------------------------------- url / e-mail
def test_translated_email_of_the_demo_is_quoted_both_ways():
    src = "We encourage former OpenAI employees to contact us at former_openai@mail2tor.com."
    tgt = "نحن نشجع موظفي OpenAI السابقين على الاتصال بنا على العنوان السابق_openai@mail2tor.com."
    got = fired([(src, tgt)], "email_changed")
    assert len(got) == 1
    assert got[0][1] == "السابق_openai@mail2tor.com"
    assert "'former_openai@mail2tor.com'" in got[0][2] and "'السابق_openai@mail2tor.com'" in got[0][2]


def test_missing_email_and_url():
    got = fired([("Mail a@b.org or see https://x.org/a.", "راسلنا.")], "email_changed")
    assert got == [(1, None, "The e-mail address 'a@b.org' of the source is missing from the target.")]
    got = fired([("Mail a@b.org or see https://x.org/a.", "راسلنا.")], "url_changed")
    assert got == [(1, None, "The URL 'https://x.org/a' of the source is missing from the target.")]


def test_changed_url_points_at_the_target_url():
    got = fired([("See https://example.com/page", "انظر https://example.com/pgae.")], "url_changed")
    assert got[0][1] == "https://example.com/pgae"
    assert quiet([("See https://example.com/page.", "انظر https://example.com/page.")], "url_changed")


@pytest.mark.parametrize("src, tgt", [
    ("Updates at https://board.net/p/r.e6a8f6578787a4cc67d4dc438c6d236e",
     "سيتم نشر التحديثات في https://board.net/p/r.e6a8f6578787a4cc67d4dc438c6d236e"),
    ("(see https://x.org/a).", "(انظر https://x.org/a)."),  # trailing punctuation is not the URL
    ("Visit www.bbc.co.uk, then", "زر www.bbc.co.uk، ثم"),
    ("Write to a@b.org.", "اكتب إلى a@b.org."),
])
def test_url_email_quiet_when_copied(src, tgt):
    assert quiet([(src, tgt)], "url_changed") and quiet([(src, tgt)], "email_changed")


# ----------------------------------------------------------------------------- handles
def test_handles_and_hashtags():
    got = fired([("Follow @OpenAI and #AI now", "تابع @أوبن و#AI الآن")], "handle_changed")
    assert got[0][1] is None and "'@OpenAI'" in got[0][2]
    got = fired([("in the #MeToo era", "في عصر #أنا_أيضا")], "handle_changed")
    assert got[0][1] == "#أنا_أيضا"
    assert quiet([("Write to a@b.org about #1 hits", "اكتب إلى a@b.org عن الأغاني رقم 1")], "handle_changed")
    assert quiet([("### Contact", "### اتصال")], "handle_changed")


# ----------------------------------------------------------------------------- markdown
def test_markdown_markers():
    got = fired([("* Widen the scope", "قم بتوسيع النطاق")], "markdown_changed")
    assert got == [(1, None, "The markdown marker '*' of the source is missing from the target.")]
    tgt = "## اتصال"
    got = fired([("### Contact", tgt)], "markdown_changed")
    assert got[0][1] == "##"
    assert quiet([("### Contact", "### اتصال"), ("* item", "* بند"), ("1. first", "١. الأول"),
                  ("Fields marked with *", "الحقول مشار إليها بـ *")], "markdown_changed")


# ----------------------------------------------------------------------------- tags
def test_tags():
    got = fired([("<b>Bold</b> text", "نص <b>عريض")], "tag_mismatch")
    assert got == [(1, None, "The tag '</b>' of the source is missing from the target.")]
    got = fired([("a ⟦1⟧b⟦/1⟧ c", "أ ⟦/1⟧ب⟦1⟧ ج")], "tag_mismatch")
    assert [(g[1], "closes before it opens" in g[2]) for g in got] == [("⟦/1⟧", True)]
    assert quiet([('<a href="x">link</a> and <br/>', 'و<br/> <a href="x">رابط</a>'),
                  ("⟦1⟧red⟦/1⟧ ⟦2/⟧car", "⟦2/⟧سيارة ⟦1⟧حمراء⟦/1⟧"),
                  ("a < b and c > d", "أ < ب و ج > د")], "tag_mismatch")


# ----------------------------------------------------------------------------- placeholders
@pytest.mark.parametrize("src, tgt, frag", [
    ("Hello {name}", "مرحبا {الاسم}", "{الاسم}"),
    ("{0} files", "ملفات", None),
    ("%s of %d", "%s من", None),
    ("Hi {{ user }}", "مرحبا {{ المستخدم }}", "{{ المستخدم }}"),
])
def test_placeholders_fire(src, tgt, frag):
    got = fired([(src, tgt)], "placeholder_mismatch")
    assert len(got) == 1 and got[0][1] == frag


@pytest.mark.parametrize("src, tgt", [
    ("Hello {name}, you have {0} items", "لديك {0} عناصر يا {name}"),
    ("%(count)d files and %s", "%s و%(count)d ملفات"),
    ("{٠} files", "{0} ملفات"),
    ("It cost $1 billion, 50% more", "كلف مليار دولار، أي أكثر بنسبة 50%"),
    ("A 50% off sale", "تخفيض بنسبة 50٪"),
])
def test_placeholders_quiet(src, tgt):
    assert quiet([(src, tgt)], "placeholder_mismatch")


def test_markup_on_demo_fires_only_on_the_email():
    df, pairs = demo_frame()
    got = run_checks(df, only=MARKUP)
    assert got["check"].to_list() == ["email_changed"]
    seg, start, end = got.select("seg", "start", "end").row(0)
    assert pairs[seg - 1][1][start:end] == "السابق_openai@mail2tor.com"


# ----------------------------------------------------------------------------- placeholders as sets
def test_placeholders_compare_as_sets_across_plural_variants():
    # Symfony plural variants: two in English, six in Arabic, each repeating the placeholder.
    src = "You must select at least {{ limit }} choice.|You must select at least {{ limit }} choices."
    tgt = "|".join(["يجب أن تختار {{ limit }} اختيار على الأقل."] * 6)
    assert quiet([(src, tgt)], "placeholder_mismatch")
    # A placeholder that only some variants have is still present.
    assert quiet([("{{ count }} file|{{ count }} files", "ملف واحد|{{ count }} ملفات")], "placeholder_mismatch")


def test_placeholder_sets_still_catch_a_swapped_or_missing_placeholder():
    src = "The image ratio is too small ({{ ratio }}). Minimum ratio expected is {{ min_ratio }}."
    tgt = "نسبة الصورة صغيرة جدا ({{ ratio }}). الحد الأدنى المسموح به هو {{ max_ratio }}."
    got = fired([(src, tgt)], "placeholder_mismatch")
    assert [g[1] for g in got] == ["{{ max_ratio }}"] and "'{{ min_ratio }}'" in got[0][2]
    got = fired([("{0} of {1}|{0} of {1} items", "{0} من|{0} من العناصر")], "placeholder_mismatch")
    assert len(got) == 1 and "'{1}'" in got[0][2] and got[0][1] is None


def _po_plural(pairs, locators):
    return frame(pairs).with_columns(pl.Series(LOCATOR, locators))


def test_placeholder_missing_from_a_po_plural_form_is_minor():
    pairs = [("About %d minute remaining.", "بقيت دقيقة واحدة تقريبًا."),  # Arabic "one" form
             ("About %d minutes remaining.", "بقي %d دقائق تقريبًا."),
             ("About %d minutes remaining.", "بقي تقريبًا."),  # not a plural entry: stays critical
             ("About %d minutes remaining.", "بقي %s دقائق.")]  # changed, not just missing: critical
    got = run_checks(_po_plural(pairs, ["entry 491[1]", "entry 491[3]", "entry 12", "entry 491[4]"]),
                     only=["placeholder_mismatch"])
    assert got.select("seg", SEVERITY).rows() == [(1, "minor"), (3, "critical"), (4, "critical")]


@pytest.mark.shared_data
def test_real_symfony_validators_file_has_no_placeholder_false_alarm():
    path = Path(__file__).resolve().parents[2] / "shared" / "data" / "formats" / "xliff12" / "validators.ar.xlf"
    if not path.is_file():
        pytest.skip("shared data absent")
    result = CliRunner().invoke(main, ["score", str(path), "--format", "jsonl"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    found = [(r["locator"], f["message"]) for r in rows for f in r["flags"] if f["check"] == "placeholder_mismatch"]
    # The one left is a real error of the file: min_ratio translated as max_ratio.
    assert [loc for loc, _ in found] == ["unit 74"] and "max_ratio" in found[0][1]


def test_hashtag_used_as_a_name_in_prose_is_minor_when_written_out():
    def severities(src, tgt):
        return run_checks(frame([(src, tgt)]), only=["handle_changed"])[SEVERITY].to_list()

    assert severities("in the #MeToo era", 'في عصر"هاشتاج أنا أيضًا"') == ["minor"]
    assert severities("at the height of the #MeToo movement", "في ذروة حركة أنا أيضًا") == ["minor"]
    # Still major: a tag replaced by another tag, a tag to click dropped, a handle dropped.
    assert severities("in the #MeToo era", "في عصر #أنا_أيضا") == ["major"]
    assert severities("Use #AI now", "استخدم الذكاء الآن") == ["major"]
    assert severities("Follow @OpenAI and #AI now", "تابع الذكاء الآن") == ["major", "major"]
