"""Damaged and foreign project files: every command that opens a project (export, report,
rescore, the dashboard) refuses them with one line naming the file and what is wrong."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from review.cli import main
from review.errors import InputError
from review.store import Project
from store_corpus import make_corpus, make_scored

BENCH = Path(__file__).resolve().parents[1] / "bench" / "hostile.py"
if "hostile" not in sys.modules:  # the damages are defined once, in the hostile-input suite
    _spec = importlib.util.spec_from_file_location("hostile", BENCH)
    sys.modules["hostile"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["hostile"])
hostile = sys.modules["hostile"]

# What each damage must be reported as (a fragment of the one-line message).
SAYS = {
    "flipped bytes in a table": "damaged project file",
    "flipped bytes in the schema page": "damaged project file",
    "dropped table": "table revisions missing",
    "renamed column": "table segments has no column current",
    "user_version 0": "schema version 0",
    "future user_version": "newer than this program",
    "not sqlite": "not an SQLite database",
    "foreign sqlite": "made by another program",
    "foreign sqlite with our id": "schema version 0",
    "empty file": "empty file",
    "truncated": "damaged project file",
    "header only": "damaged project file",
}


def test_every_damage_has_its_message():
    assert set(SAYS) == set(hostile.DAMAGES)


@pytest.fixture
def damaged(tmp_path, request) -> Path:
    path = tmp_path / "p.review"
    Project.create(path, make_corpus(), make_scored(make_corpus())).close()
    hostile.DAMAGES[request.param](path)
    return path


@pytest.mark.parametrize("damaged", list(SAYS), indirect=True)
def test_open_refuses_a_damaged_project_in_one_line(damaged, request):
    says = SAYS[request.node.callspec.params["damaged"]]
    before = damaged.read_bytes()
    with pytest.raises(InputError) as e:
        Project.open(damaged)
    assert says in e.value.message and e.value.path == str(damaged)
    assert "\n" not in str(e.value)
    assert damaged.read_bytes() == before  # refused without touching it (no migration, no WAL)


@pytest.mark.parametrize("damaged", ["flipped bytes in a table", "dropped table", "renamed column",
                                     "user_version 0", "not sqlite", "foreign sqlite", "empty file"],
                         indirect=True)
@pytest.mark.parametrize("command", ["export", "report", "rescore"])
def test_every_command_refuses_a_damaged_project(damaged, command, tmp_path, request):
    args = {"export": ["export", str(damaged), "--format", "csv", "-o", str(tmp_path / "out.csv")],
            "report": ["report", str(damaged), "-o", str(tmp_path / "out.html")],
            "rescore": ["rescore", str(damaged)]}[command]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2, r.output
    assert r.output.count("\n") == 1 and r.output.startswith(f"error: {damaged}: "), r.output
    assert SAYS[request.node.callspec.params["damaged"]] in r.output
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "out.html").exists()


@pytest.mark.parametrize("damaged", ["dropped table", "renamed column", "flipped bytes in a table"], indirect=True)
def test_the_dashboard_names_the_damage_without_a_traceback(damaged, monkeypatch, request):
    monkeypatch.setenv("MT_REVIEW_PROJECT", str(damaged))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    assert [e.value for e in at.error][:1] and "damaged project file" in at.error[0].value
    assert str(damaged.parent) not in at.error[0].value


def test_damage_met_after_opening_is_one_line_too(tmp_path):
    """Damage quick_check cannot see at open (a table dropped by another program meanwhile):
    any SQLite error of a project method is an InputError naming the file."""
    path = tmp_path / "p.review"
    p = Project.create(path, make_corpus(), make_scored(make_corpus()))
    hostile.DAMAGES["dropped table"](path)
    with pytest.raises(InputError) as e:
        p.revisions("a", 1)
    assert e.value.path == str(path) and "no such table: revisions" in e.value.message
    p.close()
