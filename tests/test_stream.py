"""Streaming scoring (review.stream, review.stream_run): batches of whole documents, scored on a
pool of processes, give byte for byte what review.score.score() gives on the whole table."""

from __future__ import annotations

import json

import polars as pl
import pytest

from review.engines.ray_engine import candidates, key_hashes
from review.export.scores import segment_records, to_bytes
from review.load.rows import ROW_COLUMNS, build
from review.schema import DOC, SEG, SOURCE, TARGET
from review.score import score
from review.stream import (CORPUS_SCOPE, ScoreSettings, corpus_candidates, duplicated_rows, records,
                           score_documents, whole)
from review import stream_run
from review.stream_run import NotGrouped, document_units, stream_score
from scale_pairs import generate


def corpus_of(pairs: pl.DataFrame, name: str = "gen.jsonl"):
    rows = pairs.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in ROW_COLUMNS if c not in pairs.columns)
    return build(rows.select(ROW_COLUMNS), name, "jsonl", "utf-8", False)


def slices(frame: pl.DataFrame, size: int):
    return (frame.slice(i, size) for i in range(0, frame.height, size))


@pytest.fixture(scope="module")
def demo_corpus():
    from review.inputs import load_inputs
    from scale_pairs import DEMO

    return load_inputs([str(DEMO / "en.txt"), str(DEMO / "ar.mt.txt")], bt=str(DEMO / "ar.bt.txt"))


@pytest.fixture(scope="module")
def settings():
    return ScoreSettings.make()


@pytest.fixture(scope="module")
def generated():
    corpus = corpus_of(generate(1500, seed=3, bt=True, doc_size=(20, 300)))
    return corpus, score(corpus)


def test_whole_equals_score_on_the_demo(demo_corpus, settings):
    expected = segment_records(score(demo_corpus, settings.config)).write_ndjson()
    assert records(whole(demo_corpus.segments, settings)).write_ndjson() == expected


@pytest.mark.parametrize("jobs", [1, 2])
def test_stream_demo_batch_7_is_identical(demo_corpus, settings, tmp_path, jobs):
    """Batch size 7 on the demo: every unit cut at a document end (the demo is one document of
    96 segments, so the unit is the document however small the batches read)."""
    expected = to_bytes(score(demo_corpus, settings.config), "jsonl")
    out = tmp_path / "scored.jsonl"
    result = stream_score(slices(demo_corpus.segments, 7), settings, out, "jsonl", batch_rows=7, jobs=jobs)
    assert out.read_bytes() == expected
    assert result.rows == demo_corpus.segments.height and result.documents == 1


def test_generated_documents_identical_in_every_format(generated, settings, tmp_path):
    corpus, expected = generated
    assert corpus.segments[DOC_COL].n_unique() > 3
    for fmt in ("jsonl", "csv"):
        out = tmp_path / f"s.{fmt}"
        stream_score(slices(corpus.segments, 250), settings, out, fmt, batch_rows=350, jobs=2)
        assert out.read_bytes() == to_bytes(expected, fmt), fmt
    out = tmp_path / "s.parquet"
    result = stream_score(slices(corpus.segments, 250), settings, out, "parquet", batch_rows=350, jobs=1)
    from review.export.scores import score_table

    assert pl.read_parquet(out).equals(score_table(expected))
    assert result.units > 3


def test_corpus_scope_flags_cross_documents(generated, settings):
    """The generator repeats sources across documents with other targets: the inconsistency
    flags of the whole-table run are there, and come from the corpus-scope step."""
    corpus, expected = generated
    cross = expected.flags.filter(pl.col("check").is_in(CORPUS_SCOPE))
    assert cross.height > 0
    local = score_documents(corpus.segments, settings)
    assert not local["flags"].list.eval(pl.element().struct.field("check").is_in(CORPUS_SCOPE)).list.any().any()
    rows = duplicated_rows(corpus_candidates(corpus.segments))
    assert 0 < rows.len() < corpus.segments.height


def test_units_keep_documents_whole():
    frame = pl.DataFrame({DOC_COL: ["a"] * 5 + ["b"] * 3 + ["c"] * 4, "x": range(12)})
    units = list(document_units(slices(frame, 2), batch_rows=4))
    assert pl.concat(units).equals(frame)
    for unit in units:  # no document in two units
        for doc in unit[DOC_COL].unique():
            assert sum(doc in u[DOC_COL].to_list() for u in units) == 1
    with pytest.raises(NotGrouped):
        list(document_units(slices(pl.DataFrame({DOC_COL: ["a", "b", "a"]}), 1), batch_rows=1))


def test_fail_level_and_counts(generated, settings, tmp_path):
    corpus, expected = generated
    result = stream_score(slices(corpus.segments, 1000), settings, tmp_path / "o.jsonl", "jsonl",
                          batch_rows=1000, jobs=1)
    assert result.meets("critical") == bool((expected.flags["severity"] == "critical").any())
    lines = (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == corpus.segments.height == result.rows
    assert json.loads(lines[0])["seg"] == 1


DOC_COL = "doc"


def test_ray_engine_picks_corpus_scope_candidates_with_the_local_engines_keys():
    """The Ray engine's pass 1 is review.stream's: two sources that differ only in their digits'
    script share a key (digits are folded), so the pair is checked for consistency on Ray too."""
    batch = pl.DataFrame({DOC: ["a", "a", "b"], SEG: [1, 2, 1],
                          SOURCE: ["Sales rose 12% in 2023.", "Sales rose 12% in 2023.", "Other text here."],
                          TARGET: ["ارتفعت المبيعات 12% في 2023.", "ارتفعت المبيعات ١٢٪ في ٢٠٢٣.",
                                   "نص آخر هنا."]}).to_arrow()
    keys = pl.from_arrow(key_hashes(batch))
    assert candidates(keys).rows() == [("a", 1), ("a", 2)]


@pytest.mark.parametrize("whole_share", [10, 10**9])
def test_csv_rows_over_several_lines_patched_by_the_corpus_scope_step(settings, tmp_path, monkeypatch,
                                                                      whole_share):
    """A cell with a line break makes its CSV row several lines long; the corpus-scope step
    replaces the lines of the rows it changes (review.stream_run._patch) and must find them,
    whether it finishes them from the candidate rows it kept or from the unit's spill (a corpus
    with too many candidates to keep them whole)."""
    monkeypatch.setattr(stream_run, "WHOLE_SHARE", whole_share)
    pairs = generate(900, seed=5, doc_size=(20, 120))
    k = pl.int_range(pl.len())
    pairs = pairs.with_columns(
        pl.when(k % 3 == 0).then(pl.col(SOURCE).str.replace(" ", "\n")).otherwise(pl.col(SOURCE)).alias(SOURCE),
        pl.when(k % 4 == 0).then(pl.col(TARGET).str.replace_all(" ", "\r\n")).otherwise(pl.col(TARGET))
        .alias(TARGET))
    corpus = corpus_of(pairs)
    expected = score(corpus)
    cross = expected.flags.filter(pl.col("check").is_in(CORPUS_SCOPE)).select(DOC, SEG).unique()
    multiline = corpus.segments.join(cross, on=[DOC, SEG], how="semi").filter(
        pl.col(SOURCE).str.contains("\n") | pl.col(TARGET).str.contains("\n"))
    assert multiline.height > 0
    for fmt in ("csv", "jsonl"):
        out = tmp_path / f"s.{fmt}"
        result = stream_score(slices(corpus.segments, 200), settings, out, fmt, batch_rows=250, jobs=1)
        assert out.read_bytes() == to_bytes(expected, fmt), fmt
        assert result.units > 2 and result.corpus_flags > 0


def test_equal_units_when_the_row_count_is_known():
    """With the expected row count, the units are a multiple of jobs in number and about equal
    (the workers finish together, no unit smaller than it must be); documents stay whole, and
    the rows and their order are the same."""
    frame = pl.DataFrame({DOC_COL: [f"d{k // 10:03d}" for k in range(400)], "x": range(400)})
    plain = [u.height for u in document_units(slices(frame, 40), batch_rows=80)]
    units = list(document_units(slices(frame, 40), batch_rows=80, expected=400, jobs=2))
    assert pl.concat(units).equals(frame)
    assert plain == [70, 80, 80, 80, 80, 10]
    # 400 rows in units of at most 80 for 2 jobs: 6 units; each cut at the last document's end
    # within what is left over the units left (67: 60, then 68: 60, then 70...), the last the rest.
    assert [u.height for u in units] == [60, 60, 70, 70, 70, 70]
    # Fewer rows than expected (480: units of 80 planned): the last unit is what there is.
    assert [u.height for u in document_units(slices(frame, 40), batch_rows=80, expected=480, jobs=2)] == plain
