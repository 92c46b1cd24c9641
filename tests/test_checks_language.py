"""wrong_language: langdetect only where the script does not decide, names masked, never raising."""

from __future__ import annotations

import polars as pl
import pytest

from review.arabic import AR_LETTER_RE, LATIN_LETTER_RE
from review.checks import run_checks
from review.checks import language
from review.schema import SEGMENT_SCHEMA, conform

SRC = "The letter was sent to the board of directors on Tuesday evening."


def segments(targets: list[str], tgt_lang: str = "ar", sources: list[str] | None = None) -> pl.DataFrame:
    sources = sources or [SRC] * len(targets)
    df = pl.DataFrame({"doc": "d", "seg": list(range(1, len(targets) + 1)), "source": sources,
                       "target": targets, "src_lang": "en", "tgt_lang": tgt_lang})
    return conform(df, SEGMENT_SCHEMA)


def fired(seg: pl.DataFrame) -> list[int]:
    return run_checks(seg, only=["wrong_language"])["seg"].to_list()


def test_persian_output_for_an_arabic_target_is_flagged():
    seg = segments(["این نامه روز سه شنبه برای هیئت مدیره ارسال شد و پاسخی دریافت نکرد.",
                    "أُرسلت الرسالة إلى مجلس الإدارة مساء يوم الثلاثاء الماضي."])
    flags = run_checks(seg, only=["wrong_language"])
    assert flags["seg"].to_list() == [1]
    assert "'fa'" in flags["message"][0] and "این نامه" in flags["message"][0]


def test_script_decides_without_calling_langdetect():
    language.detect.cache_clear()
    seg = segments(["أُرسلت الرسالة إلى مجلس الإدارة مساء يوم الثلاثاء الماضي.",
                    "The letter was sent to the board of directors on Tuesday evening."])
    assert fired(seg) == []
    assert language.detect.cache_info().currsize == 0  # Arabic decided by script, Latin left to untranslated


def test_dates_percentages_urls_and_names_do_not_raise_or_fire():
    seg = segments(["21/11/2023", "50%", "https://board.net/p/r.e6a8f6578787a4cc67d4dc438c6d236e",
                    "Sam Altman و Greg Brockman”.", "former_openai@mail2tor.com"])
    assert fired(seg) == []
    assert language.detect("21/11/2023") is None  # LangDetectException -> no guess


def test_french_target_checked_against_its_own_language():
    seg = segments(["La lettre a été envoyée au conseil d'administration mardi soir.",
                    "Der Brief wurde am Dienstagabend an den Vorstand geschickt, sagte er."], tgt_lang="fr")
    assert fired(seg) == [2]


def test_masking_keeps_words_absent_from_the_source():
    assert language.mask_copied("Musk a tweeté about it", "Musk tweeted").split() == ["a", "tweeté", "about", "it"]


def test_detection_is_deterministic():
    text = "Ceci est un texte assez court mais clairement rédigé en français."
    language.detect.cache_clear()
    first = language.detect(text)
    language.detect.cache_clear()
    assert language.detect(text) == first and first[0] == "fr"


def test_short_strings_are_not_judged():
    """langdetect reads short Spanish UI strings as Portuguese or Italian with probability 1.0."""
    seg = segments(["Exportar base de datos a formato TMX", "Nombre de base de datos inválido.",
                    "No hay programa predeterminado para ver los archivos.",
                    "Seleccione el archivo que desea convertir."], tgt_lang="es",
                   sources=["Export database to TMX", "Invalid database name.",
                            "There is no default program to view the files.", "Select the file to convert."])
    assert fired(seg) == []


def test_long_wrong_language_still_fires_and_the_declared_language_decides():
    german = "Der Brief wurde am Dienstagabend an den Vorstand geschickt, und niemand hat darauf geantwortet."
    assert fired(segments([german], tgt_lang="es")) == [1]
    assert fired(segments([german], tgt_lang="de")) == []
    assert fired(segments([german], tgt_lang="de-AT")) == []


def test_arabic_only_checks_skip_other_targets():
    from review.checks.base import catalogue

    arabic_only = [cid for cid, spec in catalogue().items() if spec.targets == ("ar",)]
    assert {"latin_punct", "tatweel", "persian_letters", "polarity"} <= set(arabic_only)
    assert catalogue()["wrong_language"].targets == ()  # every language, against the declared one
    text = "قال المدير, هل وصلت الرسالة?"  # Latin comma and question mark in Arabic prose
    both = pl.concat([segments([text], tgt_lang="ar"), segments([text], tgt_lang="es-ES")
                      .with_columns(pl.lit(2, dtype=pl.Int64).alias("seg"))])
    flags = run_checks(both, only=["latin_punct"])
    assert flags["seg"].unique().to_list() == [1]  # the same text declared Spanish is not checked


@pytest.mark.shared_data
def test_real_spanish_xliff_has_no_wrong_language_flags():
    from pathlib import Path

    from review.load import load_file

    path = Path(__file__).resolve().parents[2] / "shared" / "data" / "formats" / "xliff12" / "SF-12-Test01.xlf"
    if not path.exists():
        pytest.skip(f"shared data not available ({path})")
    seg = load_file(path).segments
    assert set(seg["tgt_lang"].to_list()) == {"es"}  # the file's target-language
    assert fired(seg) == []


# ----------------------------------------------------------------------------- what langdetect can answer
# review.checks.arabic_detection lets wrong_language skip langdetect on texts it can only read as
# Arabic. The tests below check the facts its argument rests on against the installed langdetect,
# and that the check's flags are those it gives with langdetect asked about every row.

from langdetect import detector_factory  # noqa: E402
from langdetect.detector import Detector  # noqa: E402
from langdetect.utils.ngram import NGram  # noqa: E402

from review.checks import arabic_detection  # noqa: E402

NAMES = "OpenAI, Microsoft, Anthropic and Google wrote to Sam Altman and Greg Brockman on Tuesday."
# Persian typed with Arabic letters only (ي ك, no پ چ ژ گ): langdetect reads it as Persian.
PERSIAN_IN_ARABIC_LETTERS = "اين نامه روز سه شنبه براي هيئت مديره ارسال شد و جوابي دريافت نكرد و مدير آن را نخواند"
ARABIC_NEWS = ("قالت الشركة في بيان يوم الثلاثاء إن مجلس الإدارة اجتمع لمناقشة الرسالة التي وصلت من "
               "الموظفين السابقين، وإنه سيرد عليها خلال الأسبوع المقبل بعد مراجعة التفاصيل")


def _factory():
    detector_factory.init_factory()
    return detector_factory._factory


def test_every_arabic_block_ngram_is_likeliest_in_arabic_but_for_persian_and_urdu():
    """The 52 other languages can never end above Arabic on Arabic-block n-grams."""
    factory = _factory()
    langs = factory.langlist
    ar = langs.index("ar")
    rivals = {langs.index(r) for r in arabic_detection.RIVALS}
    arabic_grams = [(g, p) for g, p in factory.word_lang_prob_map.items()
                    if all(c == " " or "\u0600" <= c <= "\u06ff" for c in g)]
    assert len(arabic_grams) > 1000
    beaten = [(g, langs[i]) for g, p in arabic_grams for i, q in enumerate(p) if i not in rivals and q > p[ar]]
    assert beaten == []


def test_langdetect_behaves_as_the_argument_assumes():
    assert (Detector.ALPHA_DEFAULT, Detector.ALPHA_WIDTH, Detector.BASE_FREQ) == (0.5, 0.05, 10000)
    assert (Detector.CONV_THRESHOLD, Detector.ITERATION_LIMIT) == (0.99999, 1000)
    detector = _factory().create()
    assert (detector.n_trial, detector.max_text_length, detector.prior_map) == (7, arabic_detection.MAX_TEXT, None)
    assert arabic_detection.ALPHA_RANGE == (0.5 - 5 * 0.05, 0.5 + 5 * 0.05)
    # Everything the texts may hold besides Latin letters and the basic Arabic block becomes a space;
    # the basic Arabic block stays as it is.
    for code in [*range(0x80), 0xA0, 0xAB, 0xB0, 0xBB, *range(0x2000, 0x2070)]:
        ch = chr(code)
        if not ("A" <= ch <= "Z" or "a" <= ch <= "z"):
            assert NGram.normalize(ch) == " ", hex(code)
    basic = [c for c in map(chr, range(0x600, 0x700)) if not arabic_detection._OUTSIDE.search(c)]
    assert len(basic) > 60 and all(NGram.normalize(c) == c for c in basic)
    # Latin letters outnumbered two to one by the rest are dropped before the n-grams.
    detector.append(f"{ARABIC_NEWS} the board said on Tuesday")
    detector.cleaning_text()
    assert not arabic_detection.LATIN.search(detector.text)


@pytest.mark.parametrize("text", [ARABIC_NEWS, ARABIC_NEWS + ".", "ك", "كلمة  كلمة؟",
                                  f"“{ARABIC_NEWS}” — كلمةabc كلمة، a@b.cc http://x.y"])
def test_the_ngrams_weighed_are_langdetects(text):
    """rival_phi averages over the n-grams langdetect samples from, plus windows in none of the
    three profiles it reads, each weighing 1 (an upper bound: langdetect skips those in no profile)."""
    factory = _factory()
    detector = factory.create()
    detector.append(text)
    detector.cleaning_text()
    grams = detector._extract_ngrams()
    langs = factory.langlist
    ar, rivals = langs.index("ar"), [langs.index(r) for r in arabic_detection.RIVALS]
    lo, hi = (a / Detector.BASE_FREQ for a in arabic_detection.ALPHA_RANGE)

    def r(p, k):
        return max((lo + p[k]) / (lo + p[ar]), (hi + p[k]) / (hi + p[ar])) ** arabic_detection.THETA

    sums = [sum(r(factory.word_lang_prob_map[g], k) for g in grams) for k in rivals]
    got = arabic_detection.rival_phi(text)
    assert got is not None and all(g >= s / len(grams) - 1e-12 for g, s in zip(got, sums))
    extra = (sums[0] - len(grams) * got[0]) / (got[0] - 1)  # got = (sum + extra) / (n + extra)
    assert extra == pytest.approx(round(extra), abs=1e-6) and round(extra) >= 0
    assert got[1] == pytest.approx((sums[1] + round(extra)) / (len(grams) + round(extra)), rel=1e-12)


@pytest.mark.parametrize("text", ["The letter was sent to the board on Tuesday evening by the staff.",
                                  "La lettre a été envoyée au conseil d'administration mardi soir.",
                                  "قالت الشركة the letter was sent to the board on Tuesday evening",
                                  "این نامه روز سه شنبه برای هیئت مدیره ارسال شد و پاسخی دریافت نکرد.",
                                  # Persian typed with Arabic ي and ك reads as Persian: the bound keeps it
                                  PERSIAN_IN_ARABIC_LETTERS,
                                  "Привет " + ARABIC_NEWS])
def test_what_langdetect_may_read_otherwise_is_left_to_it(text):
    assert not arabic_detection.sees_only_arabic(text)


def test_persian_in_arabic_letters_is_kept_by_the_bound_not_the_letters():
    phi = arabic_detection.rival_phi(PERSIAN_IN_ARABIC_LETTERS)
    assert phi is not None and phi[0] > 1  # Persian n-grams: the mean ratio is above 1
    assert language.candidates(PERSIAN_IN_ARABIC_LETTERS)[0][0] == "fa"


def test_arabic_with_english_words_outnumbered_is_decided():
    quote = "the board said the letter was a hoax"
    assert arabic_detection.sees_only_arabic(f"{ARABIC_NEWS} {quote}")
    assert not arabic_detection.sees_only_arabic(f"{ARABIC_NEWS} {quote} {quote} {quote}")  # a third Latin or more


def _fired_both_ways(monkeypatch, seg: pl.DataFrame) -> tuple[list[int], list[int]]:
    with_prefilter = fired(seg)
    monkeypatch.setattr(language, "sees_only_arabic", lambda text: False)
    language.candidates.cache_clear()
    language.detect.cache_clear()
    return with_prefilter, fired(seg)


@pytest.mark.parametrize("target,tgt_lang", [
    ("The letter was sent to the board of directors on Tuesday evening, and nobody answered it.", "ar"),
    ("The letter was sent to the board of directors on Tuesday evening, and nobody answered it.", "fr"),
    ("La lettre a été envoyée au conseil d'administration mardi soir et personne n'y a répondu.", "ar"),
    ("La lettre a été envoyée au conseil d'administration mardi soir et personne n'y a répondu.", "fr"),
    ("La lettre a été envoyée au conseil d'administration mardi soir et personne n'y a répondu.", "es"),
    # mixed: half Arabic, half English
    ("قالت الشركة إن مجلس الإدارة اجتمع the board met on Tuesday to discuss the letter", "ar"),
    # an Arabic target with a long English quote the source does not have
    (f"{ARABIC_NEWS} “the board said the letter was a hoax and would not answer it”", "ar"),
    (f"{ARABIC_NEWS} “the board said the letter was a hoax and would not answer it, "
     "and the staff said they would write again next week to the whole company”", "ar"),
    # Arabic with the source's names in Latin letters: decided without langdetect
    (f"كتبت OpenAI و Microsoft و Anthropic و Google إلى Sam Altman و Greg Brockman {ARABIC_NEWS}", "ar"),
    # Persian typed with Arabic letters, names in Latin: langdetect's finding (Persian) stands
    ("اين نامه روز سه شنبه براي هيئت مديره OpenAI Microsoft Anthropic Google ارسال شد و جوابي "
     "دريافت نكرد و مدير آن را نخواند", "ar"),
])
def test_flags_are_those_of_langdetect_on_every_row(monkeypatch, target, tgt_lang):
    seg = segments([target], tgt_lang=tgt_lang, sources=[NAMES])
    got, alone = _fired_both_ways(monkeypatch, seg)
    assert got == alone


def test_the_prefilter_spares_langdetect_and_keeps_persian(monkeypatch):
    language.candidates.cache_clear()
    names = f"كتبت OpenAI و Microsoft و Anthropic و Google إلى Sam Altman و Greg Brockman {ARABIC_NEWS}"
    quote = f"{ARABIC_NEWS} “the board said the letter was a hoax and would not answer it”"
    assert fired(segments([names, quote], sources=[NAMES, NAMES])) == []
    assert language.candidates.cache_info().currsize == 0  # decided without langdetect
    persian = ("اين نامه روز سه شنبه براي هيئت مديره OpenAI Microsoft Anthropic Google ارسال شد و جوابي "
               "دريافت نكرد و مدير آن را نخواند")
    flags = run_checks(segments([persian], sources=[NAMES]), only=["wrong_language"])
    assert flags["seg"].to_list() == [1] and "'fa'" in flags["message"][0]


def _undecided_reference(frame: pl.DataFrame, ctx, min_letters: int) -> pl.DataFrame:
    """wrong_language's row selection written plainly (every row masked and counted)."""
    from review.checks.text import URL_OR_EMAIL_RE, target_is_arabic

    masked = (pl.col("target").fill_null("").str.replace_all(URL_OR_EMAIL_RE, " ")
              .str.replace_all(language._NUMBER_RE, " "))
    f = frame.select("_row", target_is_arabic(frame, ctx).alias("_ar"), masked.alias("_m"))
    f = f.with_columns(pl.col("_m").str.count_matches(AR_LETTER_RE).alias("_a"),
                       pl.col("_m").str.count_matches(LATIN_LETTER_RE).alias("_l"))
    letters = pl.col("_a") + pl.col("_l")
    foreign = pl.col("_m").str.contains(f"[{language.NON_ARABIC_LETTERS}]")
    decided = pl.col("_ar") & (((pl.col("_a") / letters.clip(lower_bound=1) >= 0.8) & ~foreign)
                               | (pl.col("_l") / letters.clip(lower_bound=1) >= 0.6))
    return f.filter((letters >= min_letters) & ~decided).select("_row", "_m")


@pytest.mark.parametrize("copies", [1, 10])  # 10: more rows than _PREFILTER_ROWS, the prefiltered path
@pytest.mark.parametrize("min_letters", [0, 1, 20])
def test_row_selection_is_exact(copies, min_letters):
    from review.checks import prepare
    from review.checks.base import CheckContext, catalogue

    targets = [ARABIC_NEWS, f"{NAMES} {ARABIC_NEWS}", NAMES, "", None, "ژ" * 30, "x" * 19,
               "راسلنا على مرحباinfo@example.com الآن " + "OpenAI " * 5, "ژinfo@x.com " + ARABIC_NEWS,
               "https://example.com/پ " + ARABIC_NEWS, "مرحبا www.example.com/مسار " + "Sam " * 10,
               "١٢٣ 456 ٧٨٩ " * 10, "ک" * 25 + " abc", "كلمة " * 5 + "word " * 5]
    seg = pl.concat([segments(targets * copies, tgt_lang=lang) for lang in ("ar", "fr", "ar-EG")])
    frame = prepare(seg.with_columns(pl.int_range(pl.len()).alias("seg")))
    spec = catalogue()["wrong_language"]
    for default in ("ar", "fr"):
        ctx = CheckContext(spec=spec, params={"min_letters": min_letters, "min_words": 10}, glossary=None,
                           tgt_lang=default)
        got = language._undecided(frame, ctx, min_letters)
        want = _undecided_reference(frame, ctx, min_letters)
        assert got.select("_row", "_m").equals(want) if got.height else want.height == 0


def test_script_counts_count_each_letter():
    # _a by bytes minus characters of the text without other non-ASCII characters, checked
    # against counting the letters one by one; harakat, Arabic punctuation, é and emoji are no letters.
    texts = ["", "abc", "مرحبا بالعالم", "قال: «نَعَم»، café 2024 😀", "پچژگ and ابت", "ـــ ؟ ، ٣"]
    got = language._with_script_counts(pl.DataFrame({"t": texts}), pl.col("t"))
    assert got["_a"].to_list() == [len(pl.Series([t]).str.extract_all(AR_LETTER_RE)[0]) for t in texts]
    assert got["_l"].to_list() == [len(pl.Series([t]).str.extract_all(LATIN_LETTER_RE)[0]) for t in texts]
    assert got["_f"].to_list() == [False, False, False, False, True, False]
