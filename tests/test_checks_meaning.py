"""Meaning checks: back-translation chrF tail, numbers/names lost in the BT, reference chrF, polarity."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from review.checks import run_checks
from review.schema import BT_CHRF, SEGMENT_SCHEMA, conform

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "musk-letter"


def segments(rows: list[dict]) -> pl.DataFrame:
    base = {"doc": "d", "src_lang": "en", "tgt_lang": "ar", "bead": "1-1"}
    return conform(pl.DataFrame([{**base, "seg": i + 1, **r} for i, r in enumerate(rows)]), SEGMENT_SCHEMA)


def flagged(seg, check):
    out = []
    for f in run_checks(seg, only=[check]).iter_rows(named=True):
        text = seg.filter(pl.col("seg") == f["seg"])[f["side"]][0]
        out.append((f["seg"], f["side"], f["message"], text[f["start"]:f["end"]] if f["start"] is not None else None))
    return out


LONG = "The former board members have said almost nothing about their reasoning so far this week."


def test_bt_low_chrf_flags_a_back_translation_that_says_something_else():
    seg = segments([
        {"source": LONG, "target": "x", "bt": "The former board members said almost nothing about their reasoning this week."},
        {"source": LONG, "target": "x", "bt": "A cat sleeps quietly on the warm kitchen floor all day."},
        {"source": "It may well be a hoax.", "target": "x", "bt": "Perhaps it is a trick."},  # short: not judged
        {"source": "", "target": "اترك تعليقاً", "bt": "Leave a comment", "bead": "0-1"},
    ])
    found = flagged(seg, "bt_low_chrf")
    assert [(s, side) for s, side, _, _ in found] == [(2, "bt")]
    assert "A cat sleeps" in found[0][2]


def test_bt_low_chrf_uses_precomputed_metric_column():
    seg = segments([{"source": LONG, "target": "x", "bt": LONG}]).with_columns(pl.lit(12.0).alias(BT_CHRF))
    assert [s for s, *_ in flagged(seg, "bt_low_chrf")] == [1]  # trusts the column, not recomputed


def test_no_bt_no_flags():
    seg = segments([{"source": LONG, "target": "x"}])
    assert flagged(seg, "bt_low_chrf") == [] and flagged(seg, "bt_missing") == []


def test_bt_missing_numbers_and_names():
    seg = segments([
        {"source": "Between January 2018 and July 2020 attrition was 50%.", "target": "x",
         "bt": "Between January 2018 and July 2021 attrition was about 50%."},
        {"source": "There is no evidence that the letter Musk shared is genuine.", "target": "x",
         "bt": "There is no evidence that the letter that the musk shared is real."},
        {"source": "It was later reposted on GitHub by a person who told Gizmodo.", "target": "x",
         "bt": "Then it was republished on GitHub by someone who told the Gizmodo website."},
        {"source": "The figure was 2,500 in ٢٠١٨.", "target": "x", "bt": "The figure was 2500 in 2018."},
    ])
    found = flagged(seg, "bt_missing")
    assert [(s, frag) for s, _, _, frag in found] == [(1, "2020"), (2, "Musk")]
    assert "common word 'musk'" in found[1][2]


def test_ref_low_chrf():
    ref = "أرسلت الرسالة إلى مجلس الإدارة يوم الثلاثاء الماضي بعد اجتماع طويل."
    seg = segments([{"source": LONG, "target": ref, "reference": ref},
                    {"source": LONG, "target": "قطة نائمة على الأرض", "reference": ref}])
    assert [s for s, *_ in flagged(seg, "ref_low_chrf")] == [2]


@pytest.mark.parametrize("source,target,side,fragment", [
    ("The company did not respond.", "استجابت الشركة على الفور.", "source", "not"),
    ("He never answered.", "أجاب دائما.", "source", "never"),
    ("The company responded quickly.", "لم تستجب الشركة بسرعة.", "target", "لم"),
])
def test_polarity_true_positives(source, target, side, fragment):
    (found,) = flagged(segments([{"source": source, "target": target}]), "polarity")
    assert found[1] == side and found[3] == fragment and fragment in found[2]


@pytest.mark.parametrize("source,target", [
    ("The company did not respond.", "لم تستجب الشركة."),
    ("It is unclear what will happen.", "من غير الواضح ما سيحدث."),  # un- and غير
    ("OpenAI is a nonprofit.", "OpenAI منظمة غير ربحية."),
    ("It must have been a comfort.", "لا بد أنها كانت عزاء."),  # لا بد = must
    ("especially the claims against Sam", "ولا سيما مزاعم سوء السلوك ضد سام"),
    ("not only money but time", "المال والوقت معا"),
    ("We can no longer stand idly by.", "ولم يعد بإمكاننا الوقوف مكتوفي الأيدي."),
    ("It aims to be No.1 in AI.", "تهدف لأن تصبح الأولى."),
    ("Without word from the board, it is impossible to say.", "بدون معلومات من المجلس يستحيل القول."),
    ("It is still unclear.", "لا يزال الأمر غامضا."),
])
def test_polarity_look_alikes_do_not_fire(source, target):
    assert flagged(segments([{"source": source, "target": target}]), "polarity") == []


def test_demo_meaning_checks():
    if not (DEMO / "ar.bt.txt").is_file():
        pytest.skip("demo back-translation not written yet")
    from review.pipeline import load_pair

    seg = load_pair(DEMO / "en.txt", DEMO / "ar.mt.txt", bt=DEMO / "ar.bt.txt").segments
    lost = {frag for _, _, _, frag in flagged(seg, "bt_missing")}
    assert {"Musk", "Verge", "Information"} <= lost
    assert flagged(seg, "polarity") == []
