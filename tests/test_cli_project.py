"""`review init`, `rescore`, `export` and `report` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import main
from review.schema import CHECK, END, FLAG_ID, SEG, START, VERDICT
from review.store import Project

DEMO = Path(__file__).resolve().parent.parent / "corpora" / "musk-letter"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.review"
    r = run("init", path, DEMO / "en.txt", DEMO / "ar.mt.txt", "--bt", DEMO / "ar.bt.txt")
    assert r.exit_code == 0, r.output
    assert "created" in r.output and "signature: mt-review:" in r.output
    return path


def test_init_then_export_text_round_trips(demo_project, tmp_path):
    r = run("export", demo_project, "--format", "text", "-o", tmp_path / "ar.txt")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "ar.txt").read_bytes() == (DEMO / "ar.mt.txt").read_bytes()
    with Project.open(demo_project) as p:
        assert p.progress()["flagged"] > 0  # the demo corpus has real problems to review
        assert p.signature and p.summary()["corpus"]["segments"] == p.progress()["total"]


@pytest.mark.parametrize("fmt", ["tmx", "xliff", "xliff2", "po", "csv", "jsonl", "parquet"])
def test_export_formats(demo_project, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    r = run("export", demo_project, "--format", fmt, "-o", out)
    assert r.exit_code == 0, r.output
    assert out.stat().st_size > 0


def test_report_html_and_json(demo_project, tmp_path):
    r = run("report", demo_project, "-o", tmp_path / "r.html")
    assert r.exit_code == 0, r.output
    html = (tmp_path / "r.html").read_text("utf-8")
    assert 'dir="rtl"' in html and "MQM scorecard" in html
    r = run("report", demo_project, "-o", tmp_path / "r.json", "--format", "json", "--threshold", "1000")
    assert r.exit_code == 0, r.output
    data = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert data["threshold"] == 1000 and all(c["pass"] for c in data["scorecard"])


def test_rescore_keeps_review_work(demo_project, tmp_path):
    copy = tmp_path / "copy.review"
    copy.write_bytes(demo_project.read_bytes())
    with Project.open(copy) as p:
        flag = p.flags().row(0, named=True)
        p.set_verdict(flag[FLAG_ID], "false_alarm", "amal")
        seg = p.segment(flag["doc"], flag[SEG])
        p.save(seg["doc"], seg[SEG], seg["target"] + " ", "amal", seg["rev"])
        before = p.signature
    r = run("rescore", copy)
    assert r.exit_code == 0, r.output
    with Project.open(copy) as p:
        assert p.signature == before
        again = p.flags(flag["doc"], flag[SEG], which="mt")
        same = again.filter((again[CHECK] == flag[CHECK]) & again[START].eq_missing(flag[START])
                            & again[END].eq_missing(flag[END]))
        assert same[VERDICT].to_list() == ["false_alarm"]
        assert p.segment(seg["doc"], seg[SEG])["rev"] == 1


def test_errors_are_one_line_and_write_nothing(tmp_path, demo_project):
    target = tmp_path / "new.review"
    r = CliRunner().invoke(main, ["init", str(target), str(DEMO / "en.txt"), str(tmp_path / "missing.txt")])
    assert r.exit_code == 2 and "error:" in r.output and "Traceback" not in r.output
    assert not target.exists() and list(tmp_path.iterdir()) == []
    before = demo_project.read_bytes()
    r = CliRunner().invoke(main, ["init", str(demo_project), str(DEMO / "en.txt"), str(DEMO / "ar.mt.txt")])
    assert r.exit_code == 2 and "already exists" in r.output
    assert demo_project.read_bytes() == before
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    for cmd in (["export", str(notes), "--format", "csv", "-o", str(tmp_path / "x.csv")],
                ["report", str(notes), "-o", str(tmp_path / "x.html")],
                ["rescore", str(notes)]):
        r = CliRunner().invoke(main, cmd)
        assert r.exit_code == 2 and "not a review project" in r.output, cmd
    assert sorted(x.name for x in tmp_path.iterdir()) == ["notes.txt"]


def test_rescore_with_unreadable_settings_is_one_line_and_changes_nothing(demo_project, tmp_path):
    copy = tmp_path / "copy.review"
    copy.write_bytes(demo_project.read_bytes())
    before = copy.read_bytes()
    for option in ("--config", "--glossary"):
        r = CliRunner().invoke(main, ["rescore", str(copy), option, str(tmp_path / "missing")])
        assert r.exit_code == 2 and "cannot read" in r.output and "Traceback" not in r.output, r.output
        assert len(r.output.strip().splitlines()) == 1
    assert copy.read_bytes() == before


def test_init_and_rescore_report_on_stderr_and_keep_stdout_for_data(demo_project, tmp_path):
    copy = tmp_path / "copy.review"
    copy.write_bytes(demo_project.read_bytes())
    r = CliRunner().invoke(main, ["rescore", str(copy)])
    assert r.exit_code == 0 and r.stdout == ""
    assert f"rescored {copy}:" in r.stderr and "signature: mt-review:" in r.stderr
    r = CliRunner().invoke(main, ["-q", "rescore", str(copy)])
    assert r.exit_code == 0 and r.stdout == "" and r.stderr == ""


@pytest.mark.parametrize("project", ["-", "", "   "])
def test_init_needs_a_project_file(tmp_path, project):
    r = CliRunner().invoke(main, ["init", project, str(DEMO / "en.txt"), str(DEMO / "ar.mt.txt")])
    assert r.exit_code == 2 and r.output.count("\n") == 1 and r.output.startswith("error: "), r.output
    assert "not supported" in r.output or "empty project path" in r.output


def test_init_through_a_symbolic_link_replaces_its_target_and_keeps_the_link(demo_project, tmp_path):
    real = tmp_path / "real.review"
    real.write_bytes(demo_project.read_bytes())
    link = tmp_path / "link.review"
    link.symlink_to(real)
    r = CliRunner().invoke(main, ["init", str(link), str(DEMO / "en.txt"), str(DEMO / "ar.mt.txt")])
    assert r.exit_code == 2 and "already exists" in r.output  # the link's file exists: --force needed
    r = CliRunner().invoke(main, ["-q", "init", str(link), str(DEMO / "en.txt"), str(DEMO / "ar.mt.txt"), "--force"])
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and real.is_file()
    with Project.open(link) as p:
        bt = p.segments()["bt"]
        assert bt.len() > 0 and bt.null_count() == bt.len()  # the new project: made without --bt
    dangling = tmp_path / "dangling.review"
    dangling.symlink_to(tmp_path / "missing" / "p.review")
    r = CliRunner().invoke(main, ["init", str(dangling), str(DEMO / "en.txt"), str(DEMO / "ar.mt.txt")])
    assert r.exit_code == 2 and "does not exist; not created" in r.output and r.output.count("\n") == 1
    assert dangling.is_symlink() and not (tmp_path / "missing").exists()
    loop = tmp_path / "loop.review"
    loop.symlink_to(loop)
    r = CliRunner().invoke(main, ["init", str(loop), str(DEMO / "en.txt"), str(DEMO / "ar.mt.txt"), "--force"])
    assert r.exit_code == 2 and "cannot be resolved" in r.output and loop.is_symlink()
