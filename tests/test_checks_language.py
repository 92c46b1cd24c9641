"""wrong_language: langdetect only where the script does not decide, names masked, never raising."""

from __future__ import annotations

import polars as pl
import pytest

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
