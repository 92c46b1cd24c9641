"""Boundary checks: broken lines, continuation, 1-0 / 0-1 beads, low-confidence alignment."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from review.checks import run_checks
from review.schema import SEGMENT_SCHEMA, conform

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "musk-letter"


def segments(rows: list[dict]) -> pl.DataFrame:
    base = {"doc": "d", "src_lang": "en", "tgt_lang": "ar", "bead": "1-1", "low_conf": False}
    df = pl.DataFrame([{**base, "seg": i + 1, **r} for i, r in enumerate(rows)])
    return conform(df, SEGMENT_SCHEMA)


def flags(seg: pl.DataFrame, check: str) -> list[tuple[int, str, str | None]]:
    """(seg, message, fragment) per flag; the fragment is text[start:end] of the flag's side."""
    out = []
    for f in run_checks(seg, only=[check]).iter_rows(named=True):
        text = seg.filter(pl.col("seg") == f["seg"])[f["side"]][0]
        frag = text[f["start"]:f["end"]] if f["start"] is not None else None
        out.append((f["seg"], f["message"], frag))
    return out


def test_broken_line_points_at_the_break_and_quotes_both_sides():
    seg = segments([{"source": "We witnessed a pattern driven by their relentless pursuit of AGI.",
                     "target": "شهدنا نمطًا مدفوعين بأفكارهما.\nالسعي الحثيث لتحقيق الذكاء العام.", "bead": "1-2"}])
    (found,) = flags(seg, "broken_line")
    assert found[2] == "\n"
    assert "بأفكارهما. ⏎ السعي الحثيث" in found[1]


def test_line_break_that_the_source_has_too_is_not_broken():
    seg = segments([{"source": "Roses are red,\nviolets are blue.", "target": "الورود حمراء،\nوالبنفسج أزرق."},
                    {"source": "One sentence.", "target": "جملة واحدة.\n"}])  # trailing newline only
    assert flags(seg, "broken_line") == []


def test_extra_line_in_a_pre_aligned_unit_is_only_minor():
    # A PO/XLIFF unit (no offsets into a document, bead 1-1): people cut it, lines inside are layout.
    credits = {"source": "translator-credits", "target": "أحمد <a@x.org>\nسارة <s@y.org>\nعلي"}
    aligned = {"source": "We witnessed a pattern driven by their pursuit of AGI.",
               "target": "شهدنا نمطًا مدفوعين.\nبالسعي لتحقيق الذكاء العام.", "tgt_start": 120, "tgt_end": 170}
    seg = segments([credits, aligned])
    got = run_checks(seg, only=["broken_line"]).select("seg", "severity").unique(maintain_order=True).rows()
    assert got == [(1, "minor"), (2, "major")]


def test_continues_next_on_a_dangling_end():
    seg = segments([
        {"source": "This loyalty stems from fear.", "target": "هذا الولاء ينبع من"},
        {"source": "We urge the board to act.", "target": "الخوف من الانتقام. نحن نحث المجلس على التحرك."},
    ])
    (found,) = flags(seg, "continues_next")
    assert found[0] == 1 and found[2] == "الولاء ينبع من" and "الخوف من" in found[1]


def test_headings_and_finished_sentences_do_not_continue():
    seg = segments([
        {"source": "### Contact", "target": "### اتصال"},
        {"source": "Write to us.", "target": "اكتب إلينا."},
        {"source": "The end.", "target": "النهاية."},
        {"source": "Sincerely,", "target": "بإخلاص،"},  # source does not end a sentence either
        {"source": "* A bullet item.", "target": "* بند من القائمة"},
    ])
    assert flags(seg, "continues_next") == []


def test_omission_and_addition_beads():
    seg = segments([
        {"source": "A sentence the MT dropped.", "target": "", "bead": "1-0"},
        {"source": "", "target": "اترك تعليقاً", "bead": "0-1"},
        {"source": "Kept.", "target": "محفوظ.", "bead": "1-1"},
        {"source": "", "target": "   ", "bead": "0-1"},  # blank: nothing to report
    ])
    assert [(s, f) for s, _, f in flags(seg, "omission_bead")] == [(1, None)]
    assert flags(seg, "omission_bead")[0][1].endswith("dropped.'.")  # no confidence: none quoted
    added = flags(seg, "addition_bead")
    assert [s for s, _, _ in added] == [2] and "اترك تعليقاً" in added[0][1]


def test_omission_quotes_the_alignment_confidence():
    seg = segments([{"source": "Dropped here.", "target": "", "bead": "1-0", "align_conf": 0.372},
                    {"source": "And here.", "target": "", "bead": "1-0", "align_conf": 0.99}])
    found = flags(seg, "omission_bead")
    assert [(s, m.endswith(f"(alignment confidence {c}).")) for (s, m, _), c in zip(found, ("0.37", "0.99"))] \
        == [(1, True), (2, True)]


def test_low_confidence_quotes_the_confidence():
    seg = segments([{"source": "a", "target": "ب", "low_conf": True, "align_conf": 0.41},
                    {"source": "c", "target": "د", "low_conf": False, "align_conf": 0.95}])
    (found,) = flags(seg, "low_confidence")
    assert found[0] == 1 and "0.41" in found[1]


def test_demo_has_three_broken_lines_and_four_boilerplate_lines():
    if not (DEMO / "en.txt").is_file():
        pytest.skip("demo source not written yet")
    from review.inputs import load_pair

    seg = load_pair(DEMO / "en.txt", DEMO / "ar.mt.txt", bt=DEMO / "ar.bt.txt").segments
    broken = flags(seg, "broken_line")
    assert len(broken) == 3
    assert {"بأفكارهما.", "الربحية", "أ"} == {m.split(" ⏎ ")[0].split()[-1] for _, m, _ in broken}
    added = flags(seg, "addition_bead")
    assert any("اترك تعليقاً" in m for _, m, _ in added)
    assert any("زر الذهاب إلى الأعلى" in m for _, m, _ in added)
    assert flags(seg, "omission_bead") == []


# --------------------------------------------------------------------------- misaligned
_PAIRS = [
    ("The council met on Monday to discuss the new budget.", "اجتمع المجلس يوم الاثنين لمناقشة الميزانية الجديدة."),
    ("Members said the plan was too expensive for the town.", "قال الأعضاء إن الخطة مكلفة جدا بالنسبة للبلدة."),
    ("The mayor defended it.", "دافع عنها رئيس البلدية."),
    ("She said that the roads and the schools of the town needed repairs before the coming winter.",
     "وقالت إن طرق البلدة ومدارسها تحتاج إلى إصلاحات قبل حلول فصل الشتاء القادم."),
    ("A vote was planned for 12 May.", "وكان من المقرر التصويت في 12 مايو."),
    ("Residents wrote many letters to the local newspaper.", "كتب السكان رسائل كثيرة إلى الصحيفة المحلية."),
    ("Some of them supported the plan.", "أيد بعضهم الخطة."),
    ("Others asked for a smaller budget and for lower taxes on small shops in the centre of town.",
     "وطالب آخرون بميزانية أصغر وبضرائب أقل على المتاجر الصغيرة في وسط البلدة."),
    ("The meeting ended late in the evening.", "انتهى الاجتماع في وقت متأخر من المساء."),
    ("A second meeting will be held next week.", "وسيعقد اجتماع ثان الأسبوع المقبل."),
]


def test_misaligned_quiet_on_a_clean_document():
    assert flags(segments([{"source": s, "target": t} for s, t in _PAIRS]), "misaligned") == []


def test_swapped_targets_are_misaligned():
    pairs = [list(p) for p in _PAIRS]
    pairs[2][1], pairs[3][1] = pairs[3][1], pairs[2][1]  # a short and a long sentence swap targets
    got = flags(segments([{"source": s, "target": t} for s, t in pairs]), "misaligned")
    assert [g[0] for g in got] == [3, 4]
    assert "fits this source's length better" in got[0][1]


def test_shared_number_is_counter_evidence():
    pairs = [list(p) for p in _PAIRS]
    # the target of 5 lost its words but keeps the date: the number agrees, so no misalignment
    pairs[4][1] = "12 مايو."
    got = flags(segments([{"source": s, "target": t} for s, t in pairs]), "misaligned")
    assert 5 not in [g[0] for g in got]
