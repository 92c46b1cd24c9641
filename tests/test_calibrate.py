"""Checks calibrated by verdicts (review.calibrate): precision with a Beta(2,2) prior, the queue's
risk re-weighed, the report and `review checks --suggest`."""

from __future__ import annotations

import tomllib

import polars as pl
import pytest
from click.testing import CliRunner

from review import calibrate, workflow
from review.cli import main
from review.config import load_config
from review.corpus import Corpus
from review.schema import (CATEGORY, CHECK, DOC, END, FLAG_SCHEMA, MESSAGE, RISK, SEG, SEVERITY, SIDE, SOURCE,
                           START, TARGET, WEIGHT, conform)
from review.score import Scored
from review.store import Project

N = 30


def _flag(seg: int, check: str, severity: str, weight: float) -> dict:
    return {DOC: "d", SEG: seg, CHECK: check, CATEGORY: "Fluency/Punctuation" if check == "latin_punct" else
            "Accuracy/Mistranslation", SEVERITY: severity, MESSAGE: f"{check} here", SIDE: "target",
            START: 0, END: 1, WEIGHT: weight}


@pytest.fixture
def judged(tmp_path) -> Project:
    """30 segments: 1-10 flagged by latin_punct (minor), 11-20 by polarity (major), 21-30 by both
    number_mismatch and bt_missing; the risk is the penalty."""
    segs = pl.DataFrame({DOC: ["d"] * N, SEG: list(range(1, N + 1)),
                         SOURCE: [f"Sentence {i}." for i in range(N)], TARGET: [f"جملة {i}." for i in range(N)]})
    flags = ([_flag(s, "latin_punct", "minor", 3.0) for s in range(1, 11)]
             + [_flag(s, "polarity", "major", 3.0) for s in range(11, 21)]
             + [_flag(s, "number_mismatch", "major", 3.0) for s in range(21, 31)])
    flags = conform(pl.DataFrame(flags), FLAG_SCHEMA)
    scored_segs = segs.with_columns(pl.lit(3.0).alias(RISK), pl.lit(3.0).alias("penalty"),
                                    pl.lit(True).alias("flagged"), pl.lit(1).alias("n_flags"))
    corpus = Corpus(segments=segs, documents=pl.DataFrame({DOC: ["d"]}))
    p = Project.create(tmp_path / "judged.review", corpus, Scored(scored_segs, flags, {}, "sig"))
    yield p
    p.close()


def _judge(p: Project, check: str, verdict: str) -> None:
    ids = p.flags(which="mt").filter(pl.col(CHECK) == check)["flag_id"].to_list()
    for i in ids:
        workflow.set_verdict(p, i, verdict, "Tess")


def _rank(p: Project, check: str) -> list[int]:
    """Positions (0-based) in the queue of the segments flagged by `check`."""
    page, _ = p.queue(limit=N)
    segs = set(p.flags(which="mt").filter(pl.col(CHECK) == check)[SEG].to_list())
    return [i for i, s in enumerate(page[SEG].to_list()) if s in segs]


def test_precision_has_a_prior_so_one_verdict_does_not_swing_it(judged):
    p = judged
    first = p.flags(which="mt").filter(pl.col(CHECK) == "polarity")["flag_id"][0]
    workflow.set_verdict(p, first, "false_alarm", "Tess")
    row = calibrate.precision_table(p).filter(pl.col(CHECK) == "polarity").row(0, named=True)
    assert (row["confirmed"], row["false_alarm"], row["observed"]) == (0, 1, 0.0)
    assert row["precision"] == pytest.approx(2 / 5) and row["factor"] == pytest.approx(0.8)


def test_a_check_rejected_ten_times_sinks_and_one_confirmed_ten_times_rises(judged):
    p = judged
    before_rejected, before_confirmed = _rank(p, "latin_punct"), _rank(p, "polarity")
    assert set(before_rejected) | set(before_confirmed) <= set(range(20))  # ties in document order
    _judge(p, "latin_punct", "false_alarm")
    _judge(p, "polarity", "confirmed")
    table = calibrate.precision_table(p)
    prec = dict(zip(table[CHECK], table["precision"]))
    assert prec["latin_punct"] == pytest.approx(2 / 14) and prec["polarity"] == pytest.approx(12 / 14)
    assert _rank(p, "polarity") == list(range(10))  # first now
    assert _rank(p, "latin_punct") == list(range(20, 30))  # last now
    risks = dict(zip(*p.queue(limit=N)[0].select(SEG, RISK)))
    assert risks[1] == pytest.approx(3 * (2 / 14) / 0.5) and risks[11] == pytest.approx(3 * (12 / 14) / 0.5)
    assert risks[21] == pytest.approx(3.0)  # unjudged check: unchanged
    # Withdrawing the verdicts brings the scorer's order back.
    for fid in p.flags(which="mt").filter(pl.col(CHECK) == "latin_punct")["flag_id"]:
        workflow.set_verdict(p, fid, None, "Tess")
    assert dict(zip(*p.queue(limit=N)[0].select(SEG, RISK)))[1] == pytest.approx(3.0)


def test_report_lists_each_checks_calibrated_precision(judged):
    from review.export.report import report_data, render

    p = judged
    _judge(p, "latin_punct", "false_alarm")
    _judge(p, "polarity", "confirmed")
    rows = {r["check"]: r for r in report_data(p)["verdicts"]}
    assert rows["latin_punct"]["calibrated_precision"] == pytest.approx(0.143, abs=1e-3)
    assert rows["polarity"]["calibrated_precision"] == pytest.approx(0.857, abs=1e-3)
    html = render(report_data(p))
    assert "14.3%" in html and "85.7%" in html


def test_suggest_proposes_toml_the_configuration_accepts(judged, tmp_path):
    p = judged
    _judge(p, "latin_punct", "false_alarm")  # 0.14: disable
    ids = p.flags(which="mt").filter(pl.col(CHECK) == "number_mismatch")["flag_id"].to_list()
    for i in ids[:3]:
        workflow.set_verdict(p, i, "confirmed", "Tess")
    for i in ids[3:]:
        workflow.set_verdict(p, i, "false_alarm", "Tess")  # 5/14 = 0.36: lower severity
    _judge(p, "polarity", "confirmed")  # precise: left alone
    text = calibrate.suggest_toml(p, load_config())
    data = tomllib.loads(text)
    assert data["checks"]["disabled"] == ["latin_punct", "tatweel"] or data["checks"]["disabled"] == ["latin_punct"]
    assert data["checks"]["number_mismatch"] == {"severity": "minor"}
    assert "polarity" not in data["checks"]
    cfg = tmp_path / "suggested.toml"
    cfg.write_text(text, encoding="utf-8")
    loaded = load_config(cfg)
    assert not loaded.enabled("latin_punct") and loaded.severity("number_mismatch") == "minor"
    r = CliRunner().invoke(main, ["checks", "--suggest", str(p.path)])
    assert r.exit_code == 0 and r.stdout == text


