"""`review score --format jsonl|csv|parquet` scored in batches: the same bytes as one table,
for every table format read in batches and for the inputs loaded whole."""

from __future__ import annotations

import polars as pl
import pytest
from click.testing import CliRunner

from review.cli import main
from review.export.scores import score_table, to_bytes
from review.inputs import load_inputs
from review.load import load_file
from review.load.batched import Unstreamable, iter_segments
from review.score import score
from scale_pairs import DEMO, generate, write

DEMO_ARGS = [str(DEMO / "en.txt"), str(DEMO / "ar.mt.txt"), "--bt", str(DEMO / "ar.bt.txt")]


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def pairs():
    return generate(1200, seed=11)


def test_demo_batch_size_7_same_bytes(tmp_path):
    corpus = load_inputs(DEMO_ARGS[:2], bt=DEMO_ARGS[3])
    want = to_bytes(score(corpus), "jsonl")
    out = tmp_path / "demo.jsonl"
    result = run("score", *DEMO_ARGS, "--format", "jsonl", "-o", out, "--batch-size", "7", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == want
    assert "scoring" not in result.stderr  # no progress bar: standard error is not a terminal


@pytest.mark.parametrize("fmt_in", ["jsonl", "tsv", "csv", "parquet"])
def test_each_table_format_read_in_batches(pairs, tmp_path, fmt_in):
    path = write(pairs, tmp_path / f"pairs.{fmt_in}", fmt_in)
    frames = list(iter_segments(path, fmt_in, 250))
    assert len(frames) >= 4  # really read in batches
    whole = load_file(path).segments
    assert pl.concat(frames).equals(whole)
    out = tmp_path / "out.jsonl"
    result = run("-v", "score", path, "--format", "jsonl", "-o", out, "--batch-size", "250", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "in batches of 250" in result.stderr
    # Locators and origin differ by format: compare with the one-table run of the same file.
    assert out.read_bytes() == to_bytes(score(load_file(path)), "jsonl")


def test_csv_and_parquet_outputs(pairs, tmp_path):
    path = write(pairs, tmp_path / "pairs.jsonl", "jsonl")
    expected = score(load_file(path))
    for fmt in ("csv", "parquet"):
        out = tmp_path / f"out.{fmt}"
        result = run("score", path, "--format", fmt, "-o", out, "--batch-size", "300", "--jobs", "1")
        assert result.exit_code == 0, result.output
        if fmt == "csv":
            assert out.read_bytes() == to_bytes(expected, "csv")
        else:
            assert pl.read_parquet(out).equals(score_table(expected))


def test_documents_not_grouped_fall_back_to_one_table(pairs, tmp_path):
    mixed = pairs.with_columns(pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.lit("odd"))
                               .otherwise(pl.lit("even")).alias("doc"))
    path = write(mixed, tmp_path / "mixed.jsonl", "jsonl")
    out = tmp_path / "out.jsonl"
    result = run("score", path, "--format", "jsonl", "-o", out, "--batch-size", "100")
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == to_bytes(score(load_file(path)), "jsonl")
    assert "scored as one table" in result.stderr  # the fallback is said, not silent


def test_quoted_tsv_is_loaded_whole(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_text('source\ttarget\n"Hello\tthere"\tمرحبا هناك\nGood morning.\tصباح الخير.\n', "utf-8")
    with pytest.raises(Unstreamable):
        list(iter_segments(path, "tsv", 10))
    out = tmp_path / "out.jsonl"
    result = run("score", path, "--format", "jsonl", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == to_bytes(score(load_file(path)), "jsonl")


def test_bad_line_late_in_the_file_is_the_loaders_error(pairs, tmp_path):
    path = write(pairs, tmp_path / "bad.jsonl", "jsonl")
    lines = path.read_text("utf-8").splitlines()
    lines[900] = lines[900][:-5]  # broken JSON in the fourth batch
    path.write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    result = run("score", path, "--format", "jsonl", "-o", out, "--batch-size", "250")
    assert result.exit_code == 2
    assert f"{path}:901" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [path]  # nothing half-written, no spill


def test_fail_on_in_batches(pairs, tmp_path):
    path = write(pairs, tmp_path / "pairs.jsonl", "jsonl")
    result = run("score", path, "--format", "jsonl", "-o", tmp_path / "o.jsonl", "--fail-on", "critical",
                 "--batch-size", "400", "--jobs", "1")
    assert result.exit_code == 1  # the generator empties some targets: critical flags
    clean = write(pairs.head(3).with_columns(pl.col("target").str.slice(0, 0)), tmp_path / "c.jsonl", "jsonl")
    assert run("score", clean, "--format", "jsonl", "-o", tmp_path / "c_out.jsonl",
               "--fail-on", "critical", "--jobs", "1").exit_code == 1


@pytest.mark.slow
def test_100k_pairs_in_many_documents_identical(tmp_path):
    """100,000 pairs in ~130 documents, some sources repeated across documents: same flags,
    same risks, byte for byte, as one table."""
    pairs = generate(100_000, seed=7)
    assert pairs["doc"].n_unique() > 50
    path = write(pairs, tmp_path / "p.jsonl", "jsonl")
    expected = to_bytes(score(load_file(path)), "jsonl")
    out = tmp_path / "out.jsonl"
    result = run("score", path, "--format", "jsonl", "-o", out, "--batch-size", "20000")
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == expected
