"""`review score` and `review checks` through click's CliRunner."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from review.checks.base import catalogue
from review.cli import main
from review.cli.score import ProgressBar
from review.config import load_config

FIX = Path(__file__).parent / "fixtures" / "score"
PAIRS = str(FIX / "pairs.tsv")  # row 2 has an empty target
CLEAN = str(FIX / "clean.tsv")


@pytest.fixture
def only_empty(tmp_path) -> str:
    """A configuration running the empty-target check alone: these tests exercise the command,
    not the other checks' judgement."""
    others = sorted(set(catalogue()) - {"empty_target"})
    path = tmp_path / "only_empty.toml"
    path.write_text("[checks]\ndisabled = [" + ", ".join(f'"{c}"' for c in others) + "]\n", "utf-8")
    return str(path)


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_table_lists_flagged_segment_with_its_flag_summary_and_signature(only_empty):
    result = run("score", PAIRS, "--config", only_empty)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "#2" in out and "The vote was postponed." in out
    assert "critical" in out and "empty_target" in out
    assert "#1 " not in out  # clean segments are not listed by default
    assert "3 segments, 1 flagged" in out
    assert f"signature: {load_config(only_empty).signature()}" in out
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


def test_all_lists_every_segment(only_empty):
    out = run("score", PAIRS, "--config", only_empty, "--all").stdout
    assert "#1 " in out and "#2 " in out and "#3 " in out
    assert out.index("#2 ") < out.index("#1 ")  # worst first


def test_jsonl_one_object_per_segment(only_empty):
    result = run("score", PAIRS, "--config", only_empty, "--format", "jsonl")
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["seg"] for r in rows] == [1, 2, 3]
    assert rows[1]["flagged"] is True and rows[1]["flags"][0]["check"] == "empty_target"
    assert rows[0]["flags"] == [] and "bt_chrf" in rows[0]["metrics"]


def test_json_has_segments_summary_signature(only_empty):
    doc = json.loads(run("score", PAIRS, "--config", only_empty, "--format", "json").stdout)
    assert len(doc["segments"]) == 3
    assert doc["summary"]["corpus"]["by_severity"]["critical"] == 1
    assert doc["signature"] == load_config(only_empty).signature()


def test_csv_and_parquet_files(only_empty, tmp_path):
    csv_path, pq_path = tmp_path / "s.csv", tmp_path / "s.parquet"
    assert run("score", PAIRS, "--config", only_empty, "--format", "csv", "-o", str(csv_path)).exit_code == 0
    assert run("score", PAIRS, "--config", only_empty, "--format", "parquet", "-o", str(pq_path)).exit_code == 0
    for table in (pl.read_csv(csv_path), pl.read_parquet(pq_path)):
        assert table["risk"].to_list()[1] > table["risk"].to_list()[0]
        assert json.loads(table["flags"][1])[0]["check"] == "empty_target"
    assert not list(tmp_path.glob("*.part"))


def test_text_pair_with_back_translation(only_empty):
    doc = json.loads(run("score", str(FIX / "en.txt"), str(FIX / "ar.txt"), "--bt", str(FIX / "ar.bt.txt"),
                         "--config", only_empty, "--format", "json").stdout)
    assert [s["metrics"]["bt_chrf"] == 100.0 for s in doc["segments"]] == [True, False]
    assert "chrf_signature" in doc["summary"]["corpus"]["metrics"]["bt_vs_source"]


@pytest.mark.parametrize("level, code", [("minor", 1), ("major", 1), ("critical", 1)])
def test_fail_on_met(only_empty, level, code):
    assert run("score", PAIRS, "--config", only_empty, "--fail-on", level).exit_code == code


def test_fail_on_not_met(only_empty, tmp_path):
    assert run("score", CLEAN, "--config", only_empty, "--fail-on", "minor").exit_code == 0
    # the same critical flag demoted to minor no longer meets --fail-on major
    demoted = tmp_path / "demoted.toml"
    demoted.write_text(Path(only_empty).read_text("utf-8") + '\n[checks.empty_target]\nseverity = "minor"\n',
                       "utf-8")
    assert run("score", PAIRS, "--config", str(demoted), "--fail-on", "major").exit_code == 0
    assert run("score", PAIRS, "--config", str(demoted), "--fail-on", "minor").exit_code == 1


def test_bad_config_is_one_line_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[checks]\ndisabled = [\"no_such_check\"]\n", "utf-8")
    out = tmp_path / "out.jsonl"
    result = run("score", PAIRS, "--config", str(bad), "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "no_such_check" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_missing_input_exit_2(tmp_path):
    result = run("score", str(tmp_path / "nope.tsv"))
    assert result.exit_code == 2


def test_progress_bar_only_on_a_terminal(tmp_path):
    master, slave = os.openpty()
    try:
        with os.fdopen(slave, "w", closefd=False) as tty:
            assert ProgressBar(tty).enabled
    finally:
        os.close(master)
        os.close(slave)
    with open(tmp_path / "log", "w") as plain:
        assert not ProgressBar(plain).enabled


def test_checks_table_and_json(tmp_path):
    table = run("checks").stdout
    for cid in catalogue():
        assert cid in table
    cfg = tmp_path / "c.toml"
    cfg.write_text('[checks]\ndisabled = ["tatweel"]\n[checks.bt_low_chrf]\nthreshold = 20.0\n', "utf-8")
    rows = json.loads(run("checks", "--config", str(cfg), "--format", "json").stdout)
    by_id = {r["id"]: r for r in rows}
    assert by_id["tatweel"]["enabled"] is False and by_id["empty_target"]["enabled"] is True
    assert by_id["bt_low_chrf"]["params"]["threshold"] == 20.0
    assert {"id", "family", "category", "severity", "title", "description", "params", "enabled"} <= set(rows[0])
    assert "(disabled)" in run("checks", "--config", str(cfg)).stdout


def test_engine_ray_without_the_extra_is_one_line_exit_2(tmp_path, monkeypatch):
    import sys

    pl.DataFrame({"doc": ["d"], "seg": [1], "source": ["Hi."], "target": ["مرحبا."]}).write_parquet(
        tmp_path / "a.parquet")
    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed: `import ray` fails
    result = run("score", str(tmp_path / "a.parquet"), "--engine", "ray", "--format", "jsonl",
                 "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "pip install 'mt-review[ray]'" in result.stderr
    assert not (tmp_path / "out").exists()
    result = run("score", str(tmp_path / "a.parquet"), "--engine", "ray")  # table: not for shards
    assert result.exit_code == 2 and "--out FOLDER" in result.stderr


def test_cli_starts_without_importing_ray():
    import subprocess
    import sys

    code = "import sys; from review.cli import main; assert 'ray' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent,
                   env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
