"""review.workflow: create a project, rescore it, re-check corrections, build the demo."""

from __future__ import annotations

import polars as pl
import pytest

from review import workflow
from review.errors import ConflictError, InputError
from review.schema import CHECK, CURRENT, FROM_CORRECTION, REV, SEG, SEVERITY
from review.store import Project
from store_corpus import make_corpus, make_scored




def test_recheck_runs_the_checks_on_the_correction(project):
    before = project.flags("a", 3)  # English left as is: a critical "untranslated" flag
    assert before[CHECK].to_list() == ["untranslated"]
    project.save("a", 3, "Hello there, my good old friend.", "amal", 0)
    assert project.flags("a", 3).equals(before)  # not re-checked yet: the MT's flags stand
    flags = workflow.recheck(project, "a", 3)
    current = project.flags("a", 3)
    assert current[FROM_CORRECTION].all() and current.height == flags.height
    assert "untranslated" in current[CHECK].to_list()  # the real check still finds it
    assert workflow.save_correction(project, "a", 3, "مرحبا.", "amal", 1) == 2
    assert "untranslated" not in project.flags("a", 3)[CHECK].to_list()
    assert project.flags("a", 3, which="mt")[CHECK].to_list() == ["untranslated"]
    assert workflow.recheck(project, "a", 1) is None  # nothing corrected there
    with pytest.raises(ConflictError):
        workflow.save_correction(project, "a", 3, "أهلا.", "omar", 1)
    assert project.segment("a", 3)[CURRENT] == "مرحبا."


def test_a_failing_check_never_loses_the_correction(tmp_path):
    corpus = make_corpus()
    p = Project.create(tmp_path / "bad.review", corpus, make_scored(corpus),
                       config_text="[checks]\ndisabled = ['no_such_check']\n")
    with pytest.warns(RuntimeWarning, match="checks failed"):
        assert workflow.save_correction(p, "a", 2, "في 2024 نمونا.", "amal", 0) == 1
    assert p.segment("a", 2)[CURRENT] == "في 2024 نمونا."
    assert not p.flags("a", 2)[FROM_CORRECTION].any()
    p.close()


def test_create_keeps_the_settings_and_rescore_reuses_them(tmp_path):
    config = tmp_path / "strict.toml"
    config.write_text('[checks.untranslated]\nseverity = "minor"\n', encoding="utf-8")
    glossary = tmp_path / "terms.tsv"
    glossary.write_text("friend\tصديق\n", encoding="utf-8")
    path = tmp_path / "w.review"
    p = workflow.create_project(path, make_corpus(), workflow.settings(config, glossary))
    assert p.config_text == config.read_text(encoding="utf-8")
    assert p.glossary == ("terms.tsv", glossary.read_bytes())
    signature = p.signature
    assert signature and p.segments().height == 6
    untranslated = p.flags("a", 3).filter(pl.col(CHECK) == "untranslated")
    assert untranslated[SEVERITY].to_list() == ["minor"]
    with pytest.raises(InputError, match="already exists"):
        workflow.create_project(path, make_corpus())

    # The files are gone: the copies kept in the project serve the rescore, same signature.
    config.unlink()
    glossary.unlink()
    workflow.save_correction(p, "a", 3, "Hello there, my good old friend.", "amal", 0)
    corrected = p.flags("a", 3)
    assert corrected[FROM_CORRECTION].all()
    scored = workflow.rescore(p)
    assert scored.signature == signature == p.signature
    assert p.segment("a", 3)[REV] == 1  # the correction is kept ...
    assert p.flags("a", 3).drop("flag_id").equals(corrected.drop("flag_id"))  # ... and re-checked
    p.close()


def test_rescore_with_a_new_configuration_keeps_it(tmp_path, project):
    workflow.save_correction(project, "a", 3, "Hello there, my good old friend.", "amal", 0)
    config = tmp_path / "minor.toml"
    config.write_text('[checks.untranslated]\nseverity = "minor"\n', encoding="utf-8")
    workflow.rescore(project, config)
    assert project.config_text == config.read_text(encoding="utf-8")
    for which in ("mt", "current"):
        flags = project.flags("a", 3, which=which).filter(pl.col(CHECK) == "untranslated")
        assert flags[SEVERITY].to_list() == ["minor"], which
    with pytest.raises(InputError, match="cannot read configuration"):
        workflow.rescore(project, tmp_path / "missing.toml")
    with pytest.raises(InputError, match="cannot read glossary"):
        workflow.rescore(project, glossary=tmp_path / "missing.tsv")


def test_build_demo_builds_once(tmp_path):
    path = tmp_path / "demo.sqlite"
    assert workflow.build_demo(path) == path
    p = Project.open(path)
    assert p.segments().height > 50 and p.glossary is not None and p.signature
    p.close()
    stamp = path.stat().st_mtime_ns
    assert workflow.build_demo(path) == path and path.stat().st_mtime_ns == stamp
    assert sorted(x.name for x in tmp_path.iterdir()) == ["demo.sqlite"]


def test_recheck_stores_nothing_for_a_stale_revision(project, monkeypatch):
    """A save landing while the checks run on the previous one wins (its own re-check follows)."""
    project.save("a", 2, "في 2024 نمونا.", "amal", 0)
    real = workflow._correction_flags

    def meanwhile(p, doc, seg, text, config, glossary):
        flags = real(p, doc, seg, text, config, glossary)
        p.save(doc, seg, "في عام 2024 نمونا.", "omar", 1)
        return flags

    monkeypatch.setattr(workflow, "_correction_flags", meanwhile)
    workflow.recheck(project, "a", 2)
    assert project.segment("a", 2)[REV] == 2
    assert not project.flags("a", 2)[FROM_CORRECTION].any()
    assert project.flags("a", 2, which="all").filter(pl.col(SEG) == 2)[FROM_CORRECTION].sum() == 0


def test_create_project_reports_progress_through_the_store_step(tmp_path):
    calls = []
    p = workflow.create_project(tmp_path / "p.review", make_corpus(),
                                progress=lambda done, total: calls.append((done, total)))
    totals = {t for _, t in calls}
    assert len(totals) == 1 and calls[-1] == (totals.pop(),) * 2  # one length, ends full
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert calls[-2][0] == calls[-1][0] - 1  # the last step is storing, after every scoring step
    assert p.progress()["total"] == make_corpus().segments.height
    p.close()


def test_save_recheck_gives_the_flags_a_full_rescore_gives_that_segment(tmp_path):
    """The re-check of a save (each family of checks on its own worker thread) and a whole-table
    run of the same checks agree on the corrected segment, repeated saves included (warm workers)."""
    from review.checks import THREADS
    from review.checks.base import catalogue
    from review.demo import demo_dir
    from review.inputs import load_pair
    from review.schema import BT, DOC, TARGET
    from review.score import score

    assert THREADS > 1  # the worker-thread path is the one under test
    d = demo_dir()
    corpus = load_pair(d / "en.txt", d / "ar.mt.txt")
    p = workflow.create_project(tmp_path / "demo.review", corpus)
    own = [cid for cid, spec in catalogue().items() if spec.scope == "segment"]
    segs = corpus.segments
    edits = {0: " ولا أيضا", 3: " the board", 7: " لم", 11: " (كذلك", 15: ""}  # negation, English, ...
    keys = list(zip(segs[DOC], segs[SEG]))
    changed = 0
    for row, extra in edits.items():
        doc, seg = keys[row]
        text = (segs[TARGET][row] or "") + extra
        workflow.save_correction(p, doc, seg, text, "amal", p.segment(doc, seg)[REV])
        corrected = segs.with_columns(pl.when(pl.int_range(pl.len()) == row).then(pl.lit(text))
                                      .otherwise(pl.col(TARGET)).alias(TARGET),
                                      pl.lit(None, dtype=pl.String).alias(BT))
        full = score(corrected).flags.filter((pl.col(DOC) == doc) & (pl.col(SEG) == seg)
                                             & pl.col(CHECK).is_in(own))
        saved = p.flags(doc, seg)
        cols = [CHECK, SEVERITY, "side", "start", "end", "message"]
        assert sorted(saved.select(cols).rows()) == sorted(full.select(cols).rows()), (doc, seg, text)
        changed += sorted(saved.select(cols).rows()) != sorted(p.flags(doc, seg, which="mt").select(cols).rows())
    assert changed >= 2  # the edits are ones the checks see
    p.close()


@pytest.mark.slow
def test_a_project_scored_in_batches_is_the_project_scored_as_one_table(tmp_path):
    """`review init` of a large corpus scores it on several processes (review.stream_run): the
    stored project is the same, table for table: segments and their scores, flags with their
    ids (one table sorts them by document id, not by corpus order), verdict-ready metadata, the
    summary with the corpus metric scores. Documents here are not in id order, some sources repeat
    across documents (corpus-scope checks), and half the rows have a reference."""
    from scale_pairs import generate

    from review.inputs import load_inputs
    from review.schema import DOC, REFERENCE, TARGET

    pairs = generate(1500, bt=True, doc_size=(40, 300))
    pairs = pairs.with_columns(
        pl.col(DOC).str.replace("news-", "d").str.reverse(),  # id order is not corpus order
        pl.int_range(1, pl.len() + 1).over(DOC).alias(SEG),
        pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.col(TARGET).str.replace(r" \S+", ""))
        .alias(REFERENCE))
    pairs.write_parquet(tmp_path / "pairs.parquet")
    corpus = load_inputs([str(tmp_path / "pairs.parquet")])
    assert corpus.segments.height < workflow.PARALLEL_MIN_ROWS  # scored as one table by default
    one = workflow.create_project(tmp_path / "one.review", corpus)
    calls = []
    two = workflow.create_project(tmp_path / "two.review", corpus, jobs=2,
                                  progress=lambda done, total: calls.append((done, total)))
    assert len({t for _, t in calls}) == 1 and calls[-1][0] == calls[-1][1]  # one length, ends full
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and len(calls) >= 3  # per batch, then stored
    assert one.flags(which="all").height > 100
    assert one.segments().equals(two.segments())
    assert one.flags(which="all").equals(two.flags(which="all"))
    assert one.base_risks().equals(two.base_risks())
    assert one.documents().equals(two.documents())
    assert one.metrics().equals(two.metrics()) and one.metrics().height >= 5  # bt and reference scores
    assert one.summary() == two.summary() and one.signature == two.signature
    one.close()
    two.close()


def test_a_corpus_whose_documents_come_back_is_scored_as_one_table(tmp_path):
    from review.corpus import Corpus
    from review.schema import DOC, SOURCE, TARGET

    segs = make_corpus().segments
    mixed = pl.concat([segs.filter(pl.col(DOC) == "a").head(1), segs.filter(pl.col(DOC) != "a"),
                       segs.filter(pl.col(DOC) == "a").slice(1)])
    assert mixed.select(pl.col(DOC).rle_id().max()).item() > mixed[DOC].n_unique() - 1
    corpus = Corpus(segments=mixed, documents=make_corpus().documents)
    p = workflow.create_project(tmp_path / "p.review", corpus, jobs=2)
    assert p.segments().select(DOC, SEG, SOURCE, TARGET).equals(mixed.select(DOC, SEG, SOURCE, TARGET))
    assert p.flags().height > 0
    p.close()


def test_the_checks_a_save_skips_flag_nothing_without_their_input():
    """On a small frame run_checks does not run the NEEDS checks when their column is null
    throughout (a save's re-check has no back-translation): exact only because without it they
    flag nothing, anywhere, while with it they do flag."""
    from review.checks import NEEDS
    from review.demo import demo_dir
    from review.inputs import load_pair
    from review.schema import REFERENCE, TARGET
    from review.score import score

    d = demo_dir()
    segs = load_pair(d / "en.txt", d / "ar.mt.txt", bt=d / "ar.bt.txt").segments
    segs = segs.with_columns(pl.col(TARGET).str.replace(r" \S+ \S+ \S+", "").alias(REFERENCE))
    assert score(segs).flags.filter(pl.col(CHECK).is_in(list(NEEDS))).height > 0
    for column in set(NEEDS.values()):
        without = score(segs.with_columns(pl.lit(None, dtype=pl.String).alias(column))).flags
        mine = [cid for cid, col in NEEDS.items() if col == column]
        assert without.filter(pl.col(CHECK).is_in(mine)).height == 0, column
