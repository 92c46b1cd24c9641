"""review.score: penalty, risk, flagged, summary, exports, re-checking a correction."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import BLEU, CHRF

from review.checks.base import catalogue
from review.config import Config
from review.corpus import Corpus
from review.export.scores import score_table, segment_records, to_bytes
from review.inputs import load_inputs
from review.score import score as run_score
from review.mqm import DEFAULT_WEIGHTS
from review.schema import (BEAD, BT, BT_CHRF, CATEGORY, CHECK, DOC, END, FLAG_SCHEMA, FLAGGED,
                           MAX_SEVERITY, MESSAGE, METRIC_COLUMNS, N_FLAGS, PENALTY, RISK, SEG,
                           SEGMENT_SCHEMA, SEVERITIES, SEVERITY, SIDE, SOURCE,
                           START, TARGET, WEIGHT, conform)
from review.score import (TAIL_MAJORS, add_scores, catalogue_frame, check_segment, meets,
                          metric_thresholds, score, summarize)


def segments(rows: list[dict]) -> pl.DataFrame:
    """A segment table from a few dicts (doc, seg, source, target, ...), pre-aligned defaults."""
    df = pl.DataFrame(rows)
    df = df.with_columns(pl.lit("1-1").alias(BEAD)) if BEAD not in df.columns else df
    return conform(df.with_columns(pl.lit("en").alias("src_lang"), pl.lit("ar").alias("tgt_lang")),
                   SEGMENT_SCHEMA)


def only(*check_ids: str, **score_opts) -> Config:
    """A configuration with every other check disabled (tests independent of other checks)."""
    cfg = Config(disabled=frozenset(set(catalogue()) - set(check_ids)))
    cfg.score.update(score_opts)
    return cfg


def flag(doc: str, seg: int, check: str, severity: str, weight: float) -> dict:
    return {DOC: doc, SEG: seg, CHECK: check, CATEGORY: catalogue()[check].category,
            SEVERITY: severity, MESSAGE: f"{check} here", SIDE: "target", START: None, END: None,
            WEIGHT: weight}


def flags_frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=FLAG_SCHEMA)


def with_metrics(df: pl.DataFrame, bt_chrf: list[float | None]) -> pl.DataFrame:
    return df.with_columns(
        pl.Series(BT_CHRF, bt_chrf, dtype=pl.Float64),
        *(pl.lit(None, dtype=pl.Float64).alias(c) for c in METRIC_COLUMNS if c != BT_CHRF))


THREE = segments([  # 10, 9 and 9 source words: long enough for the metric terms
    {DOC: "d", SEG: 1, SOURCE: "The council met on Monday to discuss the new budget.",
     TARGET: "اجتمع المجلس يوم الاثنين لمناقشة الميزانية الجديدة."},
    {DOC: "d", SEG: 2, SOURCE: "The vote on the plan was postponed until spring.",
     TARGET: "تأجل التصويت على الخطة حتى الربيع."},
    {DOC: "e", SEG: 1, SOURCE: "Residents of the town welcomed the decision last week.",
     TARGET: "رحب سكان البلدة بالقرار الأسبوع الماضي."},
])


# --------------------------------------------------------------------------- add_scores
def test_penalty_is_sum_of_weights_and_worst_severity_wins():
    flags = flags_frame([
        flag("d", 1, "stray_letter", "minor", 1.0),
        flag("d", 1, "number_mismatch", "major", 5.0),
        flag("d", 2, "space_before_punct", "minor", 0.1),
    ])
    out = add_scores(with_metrics(THREE, [None] * 3), flags, Config())
    assert out[PENALTY].to_list() == [6.0, 0.1, 0.0]
    assert out[N_FLAGS].to_list() == [2, 1, 0]
    assert out[MAX_SEVERITY].to_list() == ["major", "minor", None]
    assert out[FLAGGED].to_list() == [True, False, False]
    assert out[RISK].to_list() == [6.0, 0.1, 0.0]
    assert out.select(DOC, SEG).equals(THREE.select(DOC, SEG))  # input order kept


def test_metric_tail_raises_risk_and_flags_the_segment():
    cfg = Config()
    threshold = metric_thresholds(cfg)[BT_CHRF]
    df = with_metrics(THREE, [0.0, threshold - 1, threshold + 30])
    out = add_scores(df, flags_frame([]), cfg)
    risk = out[RISK].to_list()
    major = DEFAULT_WEIGHTS["major"]
    assert risk[0] == pytest.approx(TAIL_MAJORS * major + 0.1)  # metric 0: TAIL_MAJORS majors
    assert 0 < risk[1] < 1  # just under the threshold: a small push
    assert risk[2] < 0.1  # above: only the tie-breaker
    assert risk[0] > risk[1] > risk[2]
    assert out[FLAGGED].to_list() == [True, True, False]
    quiet = add_scores(df, flags_frame([]), only(*catalogue(), metric_flag=False))
    assert quiet[FLAGGED].to_list() == [False, False, False]


def test_short_segment_gets_no_metric_term():
    short = segments([{DOC: "d", SEG: 1, SOURCE: "It may be a hoax.", TARGET: "ربما تكون خدعة."}])
    out = add_scores(with_metrics(short, [10.0]), flags_frame([]), Config())
    assert out[FLAGGED].to_list() == [False]
    assert out[RISK][0] < 0.1


def test_disabled_metric_check_does_not_flag():
    cfg = only("empty_target")
    out = add_scores(with_metrics(THREE, [0.0, 0.0, 0.0]), flags_frame([]), cfg)
    assert not out[FLAGGED].any()


def test_critical_flag_outranks_low_metric():
    flags = flags_frame([flag("d", 2, "empty_target", "critical", 25.0)])
    out = add_scores(with_metrics(THREE, [0.0, 90.0, 90.0]), flags, Config())
    top = out.sort(RISK, descending=True).row(0, named=True)
    assert (top[DOC], top[SEG]) == ("d", 2)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.sampled_from(SEVERITIES)), max_size=12))
def test_risk_never_falls_when_a_flag_is_added(picks):
    keys = [("d", 1), ("d", 2), ("e", 1)]
    rows = [flag(*keys[i], "stray_letter", sev, DEFAULT_WEIGHTS[sev]) for i, sev in picks]
    base = add_scores(with_metrics(THREE, [50.0, None, 20.0]), flags_frame(rows), Config())
    more = add_scores(with_metrics(THREE, [50.0, None, 20.0]),
                      flags_frame(rows + [flag("d", 2, "tatweel", "minor", 1.0)]), Config())
    assert (more[RISK] >= base[RISK]).all()
    assert more[RISK][1] == pytest.approx(base[RISK][1] + 1.0)
    expected = [sum(DEFAULT_WEIGHTS[s] for i, s in picks if i == k) for k in range(3)]
    assert base[PENALTY].to_list() == pytest.approx(expected)
    severe = [any(i == k and s in ("major", "critical") for i, s in picks) for k in range(3)]
    assert base[FLAGGED].to_list() == [severe[0], severe[1], True]  # e/1 has bt_chrf 20 < 35


# --------------------------------------------------------------------------- summarize
def test_summary_counts_penalty_per_thousand_words_and_is_json():
    flags = flags_frame([
        flag("d", 1, "stray_letter", "minor", 1.0),
        flag("d", 1, "number_mismatch", "major", 5.0),
        flag("e", 1, "stray_letter", "minor", 1.0),
    ])
    cfg = Config()
    scored = add_scores(with_metrics(THREE, [None] * 3), flags, cfg)
    summary = summarize(scored, flags, cfg)
    json.dumps(summary)
    corpus = summary["corpus"]
    assert corpus["segments"] == 3 and corpus["flagged"] == 1
    assert corpus["source_words"] == 10 + 9 + 9
    assert corpus["penalty"] == 7.0
    assert corpus["penalty_per_1000_words"] == pytest.approx(7000 / 28, abs=1e-3)
    assert corpus["by_check"] == {"stray_letter": 2, "number_mismatch": 1}
    assert corpus["by_severity"] == {"neutral": 0, "minor": 2, "major": 1, "critical": 0}
    assert corpus["metrics"] == {}
    docs = {d["doc"]: d for d in summary["documents"]}
    assert docs["d"]["source_words"] == 19 and docs["d"]["penalty"] == 6.0
    assert docs["e"]["by_check"] == {"stray_letter": 1}
    assert docs["e"]["penalty_per_1000_words"] == pytest.approx(1000 / 9, abs=1e-3)
    assert summary["signature"] == cfg.signature()


def test_corpus_scores_match_sacrebleu():
    df = segments([
        {DOC: "d", SEG: 1, SOURCE: "The cat sat on the mat.", TARGET: "جلست القطة على الحصيرة.",
         BT: "The cat sat on the rug."},
        {DOC: "d", SEG: 2, SOURCE: "It rained all day long.", TARGET: "أمطرت طوال اليوم.",
         BT: "It was raining all day."},
        {DOC: "d", SEG: 3, SOURCE: "He left.", TARGET: "غادر.", BT: None},
    ])
    result = score(df, only("empty_target"))
    bt = result.summary["corpus"]["metrics"]["bt_vs_source"]
    hyps, refs = ["The cat sat on the rug.", "It was raining all day."], [
        "The cat sat on the mat.", "It rained all day long."]
    assert bt["chrf"] == pytest.approx(CHRF().corpus_score(hyps, [refs]).score, abs=1e-9)
    assert bt["bleu"] == pytest.approx(BLEU(tokenize="intl").corpus_score(hyps, [refs]).score, abs=1e-9)
    assert "tok:intl" in bt["bleu_signature"]
    per_seg = result.segments[BT_CHRF].to_list()
    assert per_seg[0] == pytest.approx(CHRF().sentence_score(hyps[0], [refs[0]]).score)
    assert per_seg[2] is None


# --------------------------------------------------------------------------- score()
def test_score_runs_checks_and_ranks_worst_first():
    df = segments([
        {DOC: "d", SEG: 1, SOURCE: "Fine sentence here.", TARGET: "جملة جيدة هنا."},
        {DOC: "d", SEG: 2, SOURCE: "This one was dropped.", TARGET: ""},
    ])
    result = score(df, only("empty_target"))
    assert result.flags.columns == list(FLAG_SCHEMA)
    assert result.flags[CHECK].to_list() == ["empty_target"]
    worst = result.worst_first()
    assert worst[SEG].to_list() == [2]
    assert worst[MAX_SEVERITY][0] == "critical"
    assert worst[PENALTY][0] == DEFAULT_WEIGHTS["critical"]
    assert meets(result.flags, "critical") and not meets(result.flags.head(0), "minor")
    assert result.signature == only("empty_target").signature()


def test_progress_reports_every_step_and_changes_nothing():
    df = segments([
        {DOC: "d", SEG: 1, SOURCE: "A dropped line.", TARGET: "", BT: ""},
        {DOC: "d", SEG: 2, SOURCE: "Kept here.", TARGET: "محفوظ هنا.", BT: "Kept here."},
    ])
    cfg = only("empty_target", "bt_low_chrf")
    calls: list[tuple[int, int]] = []
    with_bar = score(df, cfg, progress=lambda done, total: calls.append((done, total)))
    plain = score(df, cfg)
    assert calls and calls[-1][0] == calls[-1][1]
    assert [d for d, _ in calls] == list(range(1, len(calls) + 1))
    assert with_bar.segments.equals(plain.segments)
    assert with_bar.flags.equals(plain.flags)


def test_check_segment_rechecks_a_correction():
    row = segments([{DOC: "d", SEG: 4, SOURCE: "The meeting is on Monday.",
                     TARGET: "الاجتماع يوم الاثنين.", BT: "The meeting is on Monday."}])
    cfg = only("empty_target")
    emptied = check_segment(row, "", cfg)
    assert emptied[CHECK].to_list() == ["empty_target"]
    assert emptied.select(DOC, SEG).row(0) == ("d", 4)
    assert check_segment(row, "الاجتماع يوم الاثنين.", cfg).height == 0


def test_check_segment_ignores_stale_score_columns():
    scored = score(segments([{DOC: "d", SEG: 1, SOURCE: "Hello there.", TARGET: ""}]), only("empty_target"))
    fixed = check_segment(scored.segments, "مرحبا.", only("empty_target"))
    assert fixed.height == 0


# --------------------------------------------------------------------------- exports
def test_jsonl_json_and_csv_carry_flags_and_metrics():
    df = segments([
        {DOC: "d", SEG: 1, SOURCE: "Kept.", TARGET: "محفوظ.", BT: "Kept."},
        {DOC: "d", SEG: 2, SOURCE: "Dropped.", TARGET: "", BT: ""},
    ])
    result = score(df, only("empty_target"))
    lines = to_bytes(result, "jsonl").decode().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(x) for x in lines)
    assert {"doc", "seg", "source", "target", "risk", "flagged", "flags", "metrics"} <= set(first)
    assert first["flags"] == [] and first["metrics"]["bt_chrf"] == 100.0
    assert second["flags"][0]["check"] == "empty_target"
    assert set(second["flags"][0]) >= {"check", "category", "severity", "message", "side", "start", "end"}
    assert second["flagged"] is True
    whole = json.loads(to_bytes(result, "json"))
    assert whole["signature"] == result.signature
    assert [s["seg"] for s in whole["segments"]] == [1, 2]
    assert whole["summary"]["corpus"]["by_check"] == {"empty_target": 1}
    table = pl.read_csv(to_bytes(result, "csv"))
    assert json.loads(table["flags"][1])[0]["severity"] == "critical"
    assert json.loads(table["flags"][0]) == []
    assert segment_records(result).height == score_table(result).height == 2


def test_catalogue_frame_reflects_config():
    cfg = Config(disabled=frozenset({"tatweel"}), overrides={"length_short": {"severity": "minor",
                                                                              "min_ratio": 0.3}})
    frame = catalogue_frame(cfg).to_dicts()
    by_id = {r["id"]: r for r in frame}
    assert list(by_id) == list(catalogue())
    assert by_id["tatweel"]["enabled"] is False
    assert by_id["length_short"]["severity"] == "minor"
    assert json.loads(by_id["length_short"]["params"])["min_ratio"] == 0.3


def test_reference_metrics_and_corpus_scores_match_sacrebleu():
    from sacrebleu.metrics import TER

    df = segments([
        {DOC: "d", SEG: 1, SOURCE: "The cat sat.", TARGET: "جلست القطة على الحصيرة.",
         "reference": "جلست القطة على السجادة."},
        {DOC: "d", SEG: 2, SOURCE: "It rained.", TARGET: "", "reference": "أمطرت طوال اليوم."},
        {DOC: "d", SEG: 3, SOURCE: "He left.", TARGET: "غادر.", "reference": None},
    ])
    result = score(df, only("empty_target"))
    hyps, refs = ["جلست القطة على الحصيرة.", ""], ["جلست القطة على السجادة.", "أمطرت طوال اليوم."]
    ref = result.summary["corpus"]["metrics"]["target_vs_reference"]
    assert ref["bleu"] == pytest.approx(BLEU(tokenize="intl").corpus_score(hyps, [refs]).score, abs=1e-9)
    assert ref["chrf"] == pytest.approx(CHRF().corpus_score(hyps, [refs]).score, abs=1e-9)
    assert ref["ter"] == pytest.approx(TER().corpus_score(hyps, [refs]).score, abs=1e-9)
    assert "bt_vs_source" not in result.summary["corpus"]["metrics"]
    chrf = result.segments["ref_chrf"].to_list()
    assert chrf[0] == pytest.approx(CHRF().sentence_score(hyps[0], [refs[0]]).score)
    assert chrf[1] == 0.0 and chrf[2] is None  # an empty target against a reference scores 0
    bleu = result.segments["ref_bleu"][0]
    assert bleu == pytest.approx(BLEU(tokenize="intl", effective_order=True).sentence_score(hyps[0], [refs[0]]).score)


# --------------------------------------------------------------------------- suppression
def test_catalogue_marks_whole_segment_checks_as_superseding():
    marked = [cid for cid, spec in catalogue().items() if spec.supersedes]
    assert marked[:2] == ["empty_target", "untranslated"]
    assert "latin_leftover" not in marked and "placeholder_mismatch" not in marked


SENTENCE = "Musk wrote to the board of OpenAI on 21 March 2024, asking for 50% of {name}."


def test_empty_target_keeps_only_its_own_flag():
    df = segments([
        {DOC: "d", SEG: 1, SOURCE: SENTENCE, TARGET: ""},
        {DOC: "d", SEG: 2, SOURCE: SENTENCE, TARGET: "كتب ماسك إلى مجلس OpenAI في 21 مارس 2024 طالبا 50% من."},
    ])
    flags = score(df, Config()).flags
    assert dict(flags.schema) == dict(FLAG_SCHEMA)
    assert flags.filter(pl.col(SEG) == 1)[CHECK].to_list() == ["empty_target"]
    # the same problems in a translated segment are still reported
    assert "placeholder_mismatch" in flags.filter(pl.col(SEG) == 2)[CHECK].to_list()
    # and without the empty-target check the noise would be there: suppression is what removed it
    noisy = score(df, Config(disabled=frozenset({"empty_target"}))).flags.filter(pl.col(SEG) == 1)
    assert {"number_mismatch", "placeholder_mismatch"} <= set(noisy[CHECK].to_list())


def test_untranslated_target_is_one_critical_flag_not_a_dozen_leftovers():
    df = segments([{DOC: "d", SEG: 1, SOURCE: SENTENCE, TARGET: SENTENCE}])
    result = score(df, Config())
    assert result.flags[CHECK].to_list() == ["untranslated"]
    assert result.segments[PENALTY][0] == DEFAULT_WEIGHTS["critical"]


def test_suppress_keeps_other_sides_and_the_first_superseding_check():
    from review.checks import suppress

    rows = [flag("d", 1, cid, "major", 5.0) for cid in ("wrong_language", "latin_leftover", "untranslated")]
    rows.append({**flag("d", 1, "glossary", "major", 5.0), SIDE: "source"})
    rows.append(flag("d", 2, "latin_leftover", "major", 5.0))  # another segment: untouched
    rows += [flag("d", 3, "untranslated", "critical", 25.0), flag("d", 3, "empty_target", "critical", 25.0)]
    kept = suppress(flags_frame(rows))
    assert kept.select(SEG, CHECK).rows() == [(1, "untranslated"), (1, "glossary"), (2, "latin_leftover"),
                                              (3, "empty_target")]  # catalogue order decides


# --------------------------------------------------------------------------- progress, re-checking
def test_progress_moves_once_per_check_family():
    df = segments([{DOC: "d", SEG: 1, SOURCE: "A line.", TARGET: "سطر."}])
    cfg = only("empty_target", "truncated", "space_before_punct", "tatweel")  # form, punctuation, script
    calls: list[tuple[int, int]] = []
    score(df, cfg, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.slow
def test_check_segment_flags_equal_scoring_the_corrected_row():
    """The shortcuts of check_segment (metric passes read off the row, the glossary cut to the
    terms of the source) change nothing: same flags as scoring that one corrected segment."""
    from pathlib import Path

    from review.inputs import load_pair

    demo = Path(__file__).parent.parent / "corpora" / "musk-letter"
    corpus = load_pair(str(demo / "en.txt"), str(demo / "ar.mt.txt"), bt=str(demo / "ar.bt.txt"))
    cfg = Config(glossary=str(demo / "glossary.tsv"))
    compared = 0
    for row in corpus.segments.head(40).iter_slices(1):
        text = (row[TARGET][0] or "") + " OpenAI"
        fast = check_segment(row, text, cfg)
        full = score(row.with_columns(pl.lit(text).alias(TARGET), pl.lit(None, dtype=pl.String).alias(BT)),
                     cfg).flags
        assert fast.equals(full), row[SEG][0]
        compared += fast.filter(pl.col(CHECK) == "glossary").height
    assert compared > 0  # some rows did exercise the glossary shortcut


def test_glossary_file_is_reread_when_it_changes(tmp_path):
    from review.score import resolve_glossary

    path = tmp_path / "g.tsv"
    path.write_text("OpenAI\tOpenAI\n", "utf-8")
    assert resolve_glossary(str(path), Config())["term"].to_list() == ["OpenAI"]
    path.write_text("OpenAI\tOpenAI\nTesla\tتسلا\n", "utf-8")
    assert resolve_glossary(str(path), Config())["term"].to_list() == ["OpenAI", "Tesla"]


def test_check_segment_leaves_document_scope_checks_to_the_rescore():
    from review.checks.base import catalogue
    from review.score import check_segment

    document_scope = {cid for cid, spec in catalogue().items() if spec.scope == "document"}
    assert {"inconsistent_target", "inconsistent_source", "name_inconsistent"} <= document_scope
    row = pl.DataFrame({"doc": ["d"], "seg": [1], "source": ["Sam Altman met Musk."],
                        "target": ["التقى Sam Altman بـ Musk."], "src_lang": ["en"], "tgt_lang": ["ar"],
                        "bead": ["1-1"]})
    flags = check_segment(row, "التقى ألتمان بـ")  # the name Musk dropped, no final stop
    assert set(flags["check"]) & document_scope == set()
    assert "truncated" in set(flags["check"])  # segment checks still judge the correction


def test_check_segment_still_judges_names_in_a_correction():
    """Most corrections skip the names table (no name can be flagged); these two cannot."""
    row = pl.DataFrame({"doc": ["d"], "seg": [1], "source": ["He told The Verge that GitHub would sue."],
                        "target": ["قال لـ The Verge إن GitHub ستقاضي."], "src_lang": ["en"], "tgt_lang": ["ar"],
                        "bead": ["1-1"]})
    checks = set(check_segment(row, "قال لموقع الحافة إن الشركة ستقاضي.")[CHECK])
    assert {"name_translated", "name_missing"} <= checks
    assert not {"name_translated", "name_missing"} & set(check_segment(row, "قال لـ The Verge إن GitHub ستقاضي.")[CHECK])


def test_a_table_of_several_chunks_scores_like_one():
    """pl.concat of two reads (several Parquet files, batches) leaves columns in several chunks,
    on which polars 2.1 panicked inside some checks' string expressions."""
    demo = Path(__file__).resolve().parent.parent / "corpora" / "musk-letter"
    c = load_inputs([str(demo / "en.txt"), str(demo / "ar.mt.txt")])
    two = pl.concat([c.segments.slice(0, 40), c.segments.slice(40)], rechunk=False)
    assert two.n_chunks() == 2
    assert run_score(Corpus(segments=two, documents=c.documents)).flags.equals(run_score(c).flags)
