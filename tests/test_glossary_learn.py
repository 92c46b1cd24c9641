"""Glossary learned from corrections (review.glossary_learn): the done-when of issue 13 on the demo."""

from __future__ import annotations

import contextlib
import json

import polars as pl
import pytest
from click.testing import CliRunner

from review import glossary_learn, propagate, workflow
from review.checks.consistency import load_glossary
from review.cli import main
from review.demo import demo_dir
from review.inputs import load_pair
from review.schema import CURRENT
from review.store import Project

DOC = "musk-letter"


def _fresh_demo(path) -> Project:
    """The demo corpus as a project with no glossary (the next document from the same MT engine)."""
    d = demo_dir()
    corpus = load_pair(d / "en.txt", d / "ar.mt.txt", bt=d / "ar.bt.txt")
    return workflow.create_project(path, corpus, workflow.settings(None, None))


def _glossary_flags(p: Project, seg: int) -> pl.DataFrame:
    return p.flags(DOC, seg, which="mt").filter(pl.col("check") == "glossary")


@pytest.fixture(scope="module")
def learned(tmp_path_factory):
    """A demo project without glossary where the reviewer fixed المسك -> ماسك in #8 and Altman in #43
    (propagated to #2)."""
    tmp = tmp_path_factory.mktemp("learned")
    p = _fresh_demo(tmp / "learned.review")
    workflow.save_correction(p, DOC, 8, p.segment(DOC, 8)[CURRENT].replace("المسك", "ماسك"), "Tess", 0)
    workflow.save_correction(p, DOC, 43, p.segment(DOC, 43)[CURRENT].replace("Altman", "ألتمان"), "Tess", 0)
    propagate.accept(p, DOC, 43, "Tess")
    yield p, tmp
    p.close()


def test_a_name_fix_becomes_a_suggested_glossary_entry(learned):
    p, _ = learned
    sugg = glossary_learn.suggestions(p)
    rows = {r["term"]: r for r in sugg.iter_rows(named=True)}
    assert (rows["Musk"]["target"], rows["Musk"]["old"], rows["Musk"]["segments"]) == ("ماسك", "المسك", f"{DOC} #8")
    assert rows["Altman"]["target"] == "ألتمان"
    assert rows["Altman"]["segments"] == f"{DOC} #2, {DOC} #43" and rows["Altman"]["propagated"] == 1
    assert not rows["Musk"]["in_glossary"]


def test_accepting_it_flags_the_old_rendering_in_a_fresh_copy_of_the_demo(learned, tmp_path):
    p, _ = learned
    glossary_learn.accept(p, "Musk", "ماسك")
    out = tmp_path / "learned.tsv"
    assert glossary_learn.export_glossary(p, out) == 1
    assert load_glossary(out).rows() == [("Musk", ["ماسك"])]
    assert glossary_learn.suggestions(p).filter(pl.col("term") == "Musk")["in_glossary"].to_list() == [True]

    with contextlib.closing(_fresh_demo(tmp_path / "fresh.review")) as fresh:
        assert _glossary_flags(fresh, 8).height == 0  # no glossary: the check is silent
        workflow.rescore(fresh, glossary=out)
        flags = _glossary_flags(fresh, 8)
        assert flags.height == 1 and "'Musk'" in flags["message"][0]
    # The same through the CLI: review score --glossary on the demo's files.
    d = demo_dir()
    r = CliRunner().invoke(main, ["score", str(d / "en.txt"), str(d / "ar.mt.txt"), "--glossary", str(out),
                                  "--format", "jsonl", "--all"])
    assert r.exit_code == 0, r.output
    segs = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    hit = [s for s in segs if "المسك" in (s.get("target") or "")]
    assert hit and any(f["check"] == "glossary" for f in hit[0]["flags"])


def test_accept_merges_into_an_existing_entry_and_import_replaces(tmp_path):
    with contextlib.closing(_fresh_demo(tmp_path / "g.review")) as p:
        gl = tmp_path / "in.tsv"
        gl.write_text("source\ttarget\nMusk\tMusk|ماسك\nOpenAI\tOpenAI\n", encoding="utf-8")
        assert glossary_learn.import_glossary(p, gl) == 2
        frame = glossary_learn.accept(p, "Musk", "ماسك")
        assert frame.rows() == [("Musk", ["ماسك", "Musk"]), ("OpenAI", ["OpenAI"])]
        assert workflow.project_glossary(p).rows() == frame.rows()  # what re-checks use now
        with pytest.raises(Exception, match="not a glossary entry"):
            glossary_learn.accept(p, "Musk", "a|b")


def test_cli_glossary_lists_accepts_and_exports(learned, tmp_path):
    p, _ = learned
    run = CliRunner().invoke
    listed = run(main, ["glossary", str(p.path)])
    assert listed.exit_code == 0 and "Altman\tألتمان\tsuggested\treplaces Altman\t2 segment(s) (1 propagated)" in listed.stdout
    out = tmp_path / "g.tsv"
    done = run(main, ["glossary", str(p.path), "--accept", "Altman", "--export", str(out)])
    assert done.exit_code == 0, done.output
    assert ("Altman", ["ألتمان"]) in load_glossary(out).rows()
    bad = run(main, ["glossary", str(p.path), "--accept", "Nobody"])
    assert bad.exit_code == 2 and "no suggestion for Nobody" in bad.stderr


def test_accept_suggestions_takes_named_terms_or_every_new_one(tmp_path):
    p = _fresh_demo(tmp_path / "acc.review")
    try:
        workflow.save_correction(p, DOC, 8, p.segment(DOC, 8)[CURRENT].replace("المسك", "ماسك"), "Tess", 0)
        workflow.save_correction(p, DOC, 43, p.segment(DOC, 43)[CURRENT].replace("Altman", "ألتمان"), "Tess", 0)
        with pytest.raises(Exception, match="no suggestion for Nobody"):
            glossary_learn.accept_suggestions(p, ["Altman", "Nobody"])
        assert glossary_learn.glossary_frame(p).height == 0  # nothing accepted when one is missing
        assert glossary_learn.accept_suggestions(p, ["Altman"]) == [("Altman", "ألتمان")]
        # every new one: Musk; Altman is in the glossary already
        assert glossary_learn.accept_suggestions(p, every_new=True) == [("Musk", "ماسك")]
        assert glossary_learn.accept_suggestions(p, every_new=True) == []
        assert dict(glossary_learn.glossary_frame(p).rows()) == {"Altman": ["ألتمان"], "Musk": ["ماسك"]}
    finally:
        p.close()
