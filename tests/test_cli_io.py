"""Unix conventions of the `review` command: `-o -` and `-` (stdin), outputs that are links, FIFOs
or devices, bad output paths as one-line errors, -q / -v, and a reader that leaves the pipe."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import main
from review.corpus import Corpus
from review.inputs import load_pair
from review.store import Project

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures" / "formats"
PAIRS = "source\ttarget\nThe board met on Monday.\tاجتمع المجلس يوم الاثنين.\nIt left.\t\n"
SOURCE, TARGET = "One. Two.\n", "واحد. اثنان.\n"


def run(*args, input: str | bytes | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "doc.en.txt").write_text(SOURCE, "utf-8")
    (tmp_path / "doc.ar.txt").write_text(TARGET, "utf-8")
    p = Project.create(tmp_path / "doc.review", load_pair(tmp_path / "doc.en.txt", tmp_path / "doc.ar.txt", doc="doc"))
    p.close()
    return tmp_path / "doc.review"


@pytest.fixture
def two_docs(tmp_path) -> Path:
    parts = []
    for name in ("a", "b"):
        (tmp_path / f"{name}.en.txt").write_text(SOURCE, "utf-8")
        (tmp_path / f"{name}.ar.txt").write_text(TARGET, "utf-8")
        parts.append(load_pair(tmp_path / f"{name}.en.txt", tmp_path / f"{name}.ar.txt", doc=name))
    Project.create(tmp_path / "two.review", Corpus.concat(parts)).close()
    return tmp_path / "two.review"


# --------------------------------------------------------------------------- -o -
def test_export_text_to_stdout_prints_the_document(project):
    r = run("export", project, "--format", "text", "-o", "-")
    assert r.exit_code == 0, r.output
    assert r.stdout == TARGET and "wrote" not in r.stderr
    assert not Path("-").exists()


@pytest.mark.parametrize("fmt, start", [("tmx", "<?xml"), ("xliff", "<?xml"), ("xliff2", "<?xml"),
                                        ("csv", "\ufeffdoc"), ("jsonl", '{"doc"')])
def test_export_every_format_to_stdout(project, fmt, start):
    r = run("export", project, "--format", fmt, "-o", "-")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(start)


def test_export_parquet_to_stdout_pipe_is_bytes(project):
    r = run("export", project, "--format", "parquet", "-o", "-")
    assert r.exit_code == 0 and r.stdout_bytes[:4] == b"PAR1"


def test_binary_to_a_terminal_refused(project, monkeypatch):
    from review.cli import output

    monkeypatch.setattr(output, "to_terminal", lambda out: True)
    one_line_error(run("export", project, "--format", "parquet", "-o", "-"), "parquet is binary")
    one_line_error(run("load", FIX / "header.tsv", "--format", "parquet"), "parquet is binary")


def test_several_documents_cannot_go_to_stdout(two_docs):
    one_line_error(run("export", two_docs, "--format", "text", "-o", "-"), "give a folder")


def test_report_to_stdout(project):
    r = run("report", project, "-o", "-", "--format", "json")
    assert r.exit_code == 0, r.output
    assert {"summary", "signature", "scorecard"} <= set(json.loads(r.stdout))
    r = run("report", project, "-o", "-")
    assert r.exit_code == 0 and r.stdout.lstrip().lower().startswith("<!doctype html")


@pytest.mark.parametrize("cmd", [["load", str(FIX / "header.tsv")],
                                 ["align", "{src}", "{tgt}"]])
def test_load_and_align_dash_out_is_stdout(tmp_path, cmd):
    (tmp_path / "s.txt").write_text(SOURCE, "utf-8")
    (tmp_path / "t.txt").write_text(TARGET, "utf-8")
    cmd = [c.format(src=tmp_path / "s.txt", tgt=tmp_path / "t.txt") for c in cmd]
    r = run(*cmd, "--format", "jsonl", "-o", "-")
    assert r.exit_code == 0, r.output
    assert all(json.loads(line) for line in r.stdout.splitlines())


# --------------------------------------------------------------------------- bad output paths
BAD_OUTPUTS = [
    ("", "empty output path"),
    ("{dir}", "is a directory"),
    ("{dir}/missing/out.x", "does not exist"),
    ("{dir}/dangling", "which does not exist"),
]


def _bad_commands(project: Path) -> list[list[str]]:
    return [["load", str(FIX / "header.tsv"), "--format", "jsonl"],
            ["load", str(FIX / "header.tsv")],
            ["score", str(FIX / "header.tsv"), "--format", "jsonl"],
            ["export", str(project), "--format", "tmx"],
            ["export", str(project), "--format", "text"],
            ["report", str(project)]]


@pytest.mark.parametrize("out, message", BAD_OUTPUTS)
def test_bad_output_path_is_one_line_on_every_command(project, tmp_path, out, message):
    (tmp_path / "dangling").symlink_to("gone/file")
    out = out.format(dir=tmp_path)
    for cmd in _bad_commands(project):
        if cmd[0] == "export" and "text" in cmd and out == str(tmp_path):
            continue  # text export of one document into an existing folder: allowed (named file)
        r = run(*cmd, "-o", out)
        one_line_error(r, message)
    assert not (tmp_path / "missing").exists() and not (tmp_path / "gone").exists()


def test_export_through_symlink_keeps_the_link(project, tmp_path):
    real = tmp_path / "real.tmx"
    real.write_text("old")
    (tmp_path / "link.tmx").symlink_to("real.tmx")
    r = run("export", project, "--format", "tmx", "-o", tmp_path / "link.tmx")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "link.tmx").is_symlink() and real.read_text().startswith("<?xml")


# --------------------------------------------------------------------------- - as input
def test_score_reads_pairs_from_stdin():
    r = run("score", "-", "--format", "jsonl", input=PAIRS)
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["doc"] for row in rows] == ["stdin", "stdin"]
    assert rows[1]["flagged"]  # the empty target


def test_stdin_with_input_format():
    r = run("load", "-", "--input-format", "csv", "--format", "jsonl",
            input="source,target\nHello.,مرحبا.\n")
    assert r.exit_code == 0, r.output
    row = json.loads(r.stdout.splitlines()[0])
    assert row["target"] == "مرحبا." and row["origin"] == "<stdin>"
    assert "mt-review-stdin" not in r.output


def test_text_pair_target_from_stdin(tmp_path):
    (tmp_path / "en.txt").write_text(SOURCE, "utf-8")
    r = run("score", tmp_path / "en.txt", "-", "--all", input=TARGET)
    assert r.exit_code == 0, r.output
    assert "اثنان." in r.stdout and "Summary: 2 segments" in r.stdout
    r = run("align", tmp_path / "en.txt", "-", "--format", "jsonl", input=TARGET)
    assert r.exit_code == 0, r.output
    assert [json.loads(x)["target"] for x in r.stdout.splitlines()] == ["واحد.", "اثنان."]


def test_stdin_errors_name_stdin_not_a_temporary_file():
    r = run("load", "-", input="just words, no format\nmore words\n")
    one_line_error(r, "<stdin>", "cannot tell the file format")
    assert "mt-review-stdin" not in r.stderr
    one_line_error(run("load", "-", input=""), "<stdin>: file is empty")
    one_line_error(run("score", "-", "-", input=PAIRS), "only once")


# --------------------------------------------------------------------------- -q / -v
def test_quiet_and_verbose(project, tmp_path):
    out = tmp_path / "out.txt"
    r = run("export", project, "-o", out)
    assert r.exit_code == 0 and f"wrote {out}" in r.stderr and r.stdout == ""
    for args in (["-q", "export", project, "-o", out], ["export", project, "-o", out, "-q"]):
        r = run(*args)
        assert r.exit_code == 0 and r.stderr == "", r.stderr
    r = run("load", FIX / "cp1256.tsv", "-v", "--format", "jsonl")
    assert r.exit_code == 0 and "cp1256: tsv, encoding cp1256" in r.stderr
    r = run("-v", "score", "-", "--format", "jsonl", input=PAIRS)
    assert "signature: mt-review:" in r.stderr and "signature" not in r.stdout
    r = run("score", "-", "--format", "jsonl", input=PAIRS)
    assert r.stderr == ""


def test_quiet_turns_the_progress_bar_off():
    import click

    from review.cli.score import ProgressBar

    class Tty:
        def isatty(self):
            return True

    with click.Context(main) as ctx:
        assert ProgressBar(Tty()).enabled
        ctx.meta["review.verbosity"] = 0
        assert not ProgressBar(Tty()).enabled


# --------------------------------------------------------------------------- real processes
def review(*args, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "review", *map(str, args)], env=env,
                          capture_output=True, timeout=120, **kwargs)


@pytest.mark.slow
def test_pipe_into_head_ends_quietly(tmp_path):
    rows = "".join(f"Line {i} of the board.\tسطر {i} من المجلس.\n" for i in range(60_000))
    big = tmp_path / "big.tsv"
    big.write_text("source\ttarget\n" + rows, "utf-8")
    shell = (f"cat {big} | {sys.executable} -m review load - --format jsonl | head -n 1; "
             "echo \"status ${PIPESTATUS[1]}\" >&2")
    r = subprocess.run(["bash", "-c", shell], env=dict(os.environ, PYTHONPATH=str(ROOT)),
                       capture_output=True, text=True, timeout=120)
    assert json.loads(r.stdout)["seg"] == 1
    assert "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr, r.stderr
    assert r.stderr.strip() in ("status 0", "status 141"), r.stderr


def test_score_pipe_from_cat_to_head(tmp_path):
    (tmp_path / "pairs.tsv").write_text(PAIRS, "utf-8")
    shell = f"cat {tmp_path / 'pairs.tsv'} | {sys.executable} -m review score - --format jsonl | head -n 1"
    r = subprocess.run(["bash", "-c", shell], env=dict(os.environ, PYTHONPATH=str(ROOT)),
                       capture_output=True, text=True, timeout=120)
    assert json.loads(r.stdout)["source"] == "The board met on Monday."
    assert r.stderr == ""


def test_fifo_output_in_place(project, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def drain():
        with open(fifo, "rb") as f:
            got.append(f.read())
    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    r = review("export", project, "--format", "text", "-o", fifo)
    reader.join(30)
    assert r.returncode == 0, r.stderr
    assert got == [TARGET.encode("utf-8")] and stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.slow
def test_devices_written_in_place(project):
    r = review("export", project, "--format", "tmx", "-o", "/dev/null")
    assert r.returncode == 0, r.stderr
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)
    if os.path.exists("/dev/full"):
        r = review("report", project, "-o", "/dev/full")
        assert r.returncode == 2
        assert r.stderr.decode().strip() == "error: /dev/full: cannot write: No space left on device"
        assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_stdin_from_a_real_pipe(tmp_path):
    r = review("score", "-", "--format", "jsonl", input=PAIRS.encode("utf-8"))
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == 2


def test_init_and_rescore_take_quiet(tmp_path):
    from click.testing import CliRunner

    from review.cli import main

    src, tgt = tmp_path / "en.txt", tmp_path / "ar.txt"
    src.write_text("The board met on Monday.\n", encoding="utf-8")
    tgt.write_text("اجتمع المجلس يوم الاثنين.\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["init", str(tmp_path / "p.review"), str(src), str(tgt), "-q"])
    assert r.exit_code == 0 and r.stderr == "" and r.stdout == "" and (tmp_path / "p.review").is_file()
    r = CliRunner().invoke(main, ["init", str(tmp_path / "q.review"), str(src), str(tgt)])
    assert r.exit_code == 0 and "loaded 1 segments" in r.stderr and "created" in r.stderr and r.stdout == ""
    r = CliRunner().invoke(main, ["-q", "rescore", str(tmp_path / "p.review")])
    assert r.exit_code == 0 and r.stderr == "" and r.stdout == ""
    r = CliRunner().invoke(main, ["rescore", str(tmp_path / "p.review")])
    assert r.exit_code == 0 and "rescored" in r.stderr and r.stdout == ""
