"""review score --engine ray: the same output as the local engine, on a local 2-worker Ray cluster."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from review.demo import demo_dir
from review.errors import InputError
from review.inputs import load_pair
from review.schema import DOC, SEG, SEGMENT_SCHEMA, conform
from review.score import score

ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install 'mt-review[ray]')")
pytest.importorskip("ray.data")

from review.engines.ray_engine import score_ray  # noqa: E402


def corpus(n_docs: int = 12) -> pl.DataFrame:
    """The demo letter cut into documents of 8 segments; documents 0-3 repeat in 4-7 with a
    different translation of one segment, so the corpus-wide consistency checks fire across
    documents (and across shards)."""
    d = demo_dir()
    seg = load_pair(d / "en.txt", d / "ar.mt.txt").segments
    rows = seg.select("source", "target").head(8 * n_docs // 2)
    first = rows.with_columns(pl.int_range(pl.len()).alias("_k"))
    again = first.with_columns(
        pl.when(pl.col("_k") % 8 == 2).then(pl.col("target") + " أيضا").otherwise(pl.col("target")).alias("target"),
        (pl.col("_k") + rows.height).alias("_k"))
    both = pl.concat([first, again]).with_columns(
        pl.format("d{}", (pl.col("_k") // 8).cast(pl.String).str.zfill(3)).alias(DOC),
        (pl.col("_k") % 8 + 1).cast(pl.Int64).alias(SEG)).drop("_k")
    return conform(both, SEGMENT_SCHEMA).rechunk()  # (a 2-chunk table makes polars panic in `truncated`)


def local_lines(frame: pl.DataFrame) -> list[str]:
    from review.export.scores import to_bytes

    return to_bytes(score(frame), "jsonl").decode("utf-8").splitlines()


def shard_lines(folder: Path) -> list[str]:
    return [line for f in sorted(folder.glob("part-*.jsonl")) for line in f.read_text("utf-8").splitlines()]


def by_key(lines: list[str]) -> list[str]:
    return sorted(lines, key=lambda x: (json.loads(x)[DOC], json.loads(x)[SEG]))


@pytest.mark.slow
def test_ray_engine_writes_what_the_local_engine_writes(tmp_path):
    frame = corpus()
    shards = tmp_path / "in"
    shards.mkdir()
    for i, part in enumerate(frame.iter_slices(20)):  # shards cut across documents
        part.write_parquet(shards / f"{i:02d}.parquet")
    expected = local_lines(frame)
    assert any("inconsistent_target" in line for line in expected)  # the cross-document case is exercised
    result = score_ray([str(shards)], tmp_path / "out", "jsonl", num_cpus=2)
    got = shard_lines(tmp_path / "out")
    assert result.segments == frame.height == len(got)
    assert result.flagged == sum(json.loads(x)["flagged"] for x in expected)
    assert by_key(got) == by_key(expected)
    with pytest.raises(InputError, match="new or empty"):
        score_ray([str(shards)], tmp_path / "out", "jsonl")


def test_ray_engine_refuses_bad_input_in_one_line(tmp_path):
    (tmp_path / "a.tsv").write_text("x\ty\n")
    with pytest.raises(InputError, match="Parquet"):
        score_ray([str(tmp_path / "a.tsv")], tmp_path / "out")
    with pytest.raises(InputError, match="no Parquet or JSONL"):
        score_ray([str(tmp_path / "none-*.parquet")], tmp_path / "out")
    assert not (tmp_path / "out").exists()
