"""Fix propagation (review.propagate): edits aligned to source terms, clitic-aware replacement,
accept / skip / undo on a project where one name recurs in 24 segments with clitics attached."""

from __future__ import annotations

import contextlib

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review import propagate, workflow
from review.inputs import load_inputs
from review.schema import CURRENT, NOTE, PROPAGATED_DOC, PROPAGATED_SEG, REV, STATUS
from review.store import Project

# The MT wrote Musk as المسك ("the musk") with every proclitic chain Arabic allows in front.
CHAINS = ["", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "وك"]
WITH_ARTICLE = {"": "المسك", "و": "والمسك", "ف": "فالمسك", "ب": "بالمسك", "ل": "للمسك", "ك": "كالمسك",
                "وب": "وبالمسك", "ول": "وللمسك", "فب": "فبالمسك", "وك": "وكالمسك"}
FIXED = {c: c + "ماسك" for c in CHAINS}


def _pairs() -> list[tuple[str, str]]:
    pairs = []
    for i in range(24):
        chain = CHAINS[i % len(CHAINS)]
        pairs.append((f"Item {i}: the letter Musk shared on day {i} was news.",
                      f"البند {i}: كانت الرسالة التي شاركها {WITH_ARTICLE[chain]} في اليوم {i} خبرا."))
    # The perfume: the same Arabic word, but no Musk in the source: never offered.
    pairs.append(("The perfume smelled of musk and amber.", "كانت رائحة العطر من المسك والعنبر."))
    # A Latin leftover with a clitic: the fix of Altman is offered here.
    pairs.append(("Musk praised Altman on Tuesday.", "أشاد المسك لـAltman يوم الثلاثاء."))
    pairs.append(("After Altman was fired, Altman returned.", "بعد إقالة Altman، عاد وAltman."))
    return pairs


@pytest.fixture
def recurring(tmp_path) -> Project:
    tsv = tmp_path / "musk.tsv"
    tsv.write_text("source\ttarget\n" + "".join(f"{s}\t{t}\n" for s, t in _pairs()), encoding="utf-8")
    corpus = load_inputs([str(tsv)])
    p = workflow.create_project(tmp_path / "musk.review", corpus)
    yield p
    p.close()


def _doc(p: Project) -> str:
    return p.doc_ids()[0]


def test_replacement_keeps_each_proclitic_chain_and_drops_the_article():
    for chain in CHAINS:
        text = f"شاركها {WITH_ARTICLE[chain]} أمس"
        assert propagate.replace_rendering(text, "المسك", "ماسك") == (f"شاركها {FIXED[chain]} أمس", 1)
    # Normalisation: hamza and diacritics in the text still match the rendering.
    assert propagate.replace_rendering("والمِسْك", "المسك", "ماسك") == ("وماسك", 1)
    # Latin: the tatweel a clitic needs before Latin script goes once the name is Arabic.
    assert propagate.replace_rendering("لـAltman وAltman Altmann", "Altman", "ألتمان") == (
        "لألتمان وألتمان Altmann", 2)
    # A word that only contains the rendering is left alone.
    assert propagate.replace_rendering("المسكين", "المسك", "ماسك") == ("المسكين", 0)


@settings(max_examples=60, deadline=None)
@given(chains=st.lists(st.sampled_from(CHAINS), min_size=1, max_size=6),
       filler=st.lists(st.sampled_from(["قال", "إن", "الرسالة", "مسكين", "والعنبر"]), min_size=1, max_size=6))
def test_every_occurrence_and_nothing_else_is_replaced(chains, filler):
    words = [w for pair in zip(filler * len(chains), [WITH_ARTICLE[c] for c in chains]) for w in pair]
    expected = [w for pair in zip(filler * len(chains), [FIXED[c] for c in chains]) for w in pair]
    out, n = propagate.replace_rendering(" ".join(words), "المسك", "ماسك")
    assert (out, n) == (" ".join(expected), len(chains))


def test_edits_are_aligned_to_the_source_term_they_render():
    src = "The letter Musk shared names Sam Altman, according to The Verge."
    mt = "الرسالة التي شاركها المسك تذكر Sam Altman، وفقا لما ذكره الحافة."
    fixed = "الرسالة التي شاركها ماسك تذكر سام ألتمان، وفقا لما ذكره The Verge."
    found = {(e.old, e.new): e.term for e in propagate.edits(src, mt, fixed)}
    assert found == {("المسك", "ماسك"): "Musk", ("Sam", "سام"): "Sam", ("Altman", "ألتمان"): "Altman",
                     ("الحافة", "The Verge"): "The Verge"}
    # A reworded phrase renders no term: not propagated.
    assert [e.term for e in propagate.edits("It was sent to him.", "أرسلت إليه.", "بعثت إليه.")] == [None]


def test_a_fix_is_offered_in_every_segment_with_the_term_and_the_old_rendering(recurring):
    p, doc = recurring, _doc(recurring)
    first = p.segment(doc, 1)
    workflow.save_correction(p, doc, 1, first[CURRENT].replace("المسك", "ماسك"), "Tess", 0)
    cands = propagate.candidates(p, doc, 1)
    # 23 other item segments and the Altman segment (its source has Musk); not the perfume.
    assert sorted(cands["seg"].to_list()) == [*range(2, 25), 26]
    by_seg = {r["seg"]: r for r in cands.iter_rows(named=True)}
    for seg in range(2, 25):
        chain = CHAINS[(seg - 1) % len(CHAINS)]
        assert by_seg[seg]["proposed"] == p.segment(doc, seg)[CURRENT].replace(WITH_ARTICLE[chain], FIXED[chain])
        assert by_seg[seg]["terms"] == "Musk"
    assert by_seg[26]["proposed"] == "أشاد ماسك لـAltman يوم الثلاثاء."

    saved, refused = propagate.accept(p, doc, 1, "Tess", only=[(doc, 2), (doc, 3)])
    assert [(s, r) for _, s, r in saved] == [(2, 1), (3, 1)] and refused == []
    rev = p.revisions(doc, 3).row(-1, named=True)
    assert (rev[PROPAGATED_DOC], rev[PROPAGATED_SEG]) == (doc, 1)
    assert rev[NOTE] == "propagated from " + doc + " #1: المسك → ماسك"
    assert p.segment(doc, 3)[CURRENT] == p.segment(doc, 3)["target"].replace("فالمسك", "فماسك")

    assert propagate.skip(p, doc, 1, doc, 4, "Tess") == 1
    rest = propagate.candidates(p, doc, 1)
    assert sorted(rest["seg"].to_list()) == [*range(5, 25), 26]
    saved, _ = propagate.accept(p, doc, 1, "Tess")
    assert len(saved) == 21
    assert propagate.candidates(p, doc, 1).height == 0
    assert p.segment(doc, 4)[REV] == 0  # skipped stays as it was
    assert p.segment(doc, 25)[REV] == 0  # the perfume
    # Every accepted revision was re-checked like a save: its flags are the correction's.
    assert p.flags(doc, 5).filter(pl.col("from_correction")).height == p.flags(doc, 5).height


def test_accept_refuses_a_candidate_changed_meanwhile(recurring):
    p, doc = recurring, _doc(recurring)
    workflow.save_correction(p, doc, 1, p.segment(doc, 1)[CURRENT].replace("المسك", "ماسك"), "Tess", 0)
    stale = propagate.candidates(p, doc, 1)
    assert stale.height
    p.save(doc, 2, "نص آخر فيه المسك", "Ali", 0)  # still has the old rendering: offered again, fresh
    saved, refused = propagate.accept(p, doc, 1, "Tess", only=[(doc, 2)])
    assert saved == [(doc, 2, 2)] and refused == []
    assert p.segment(doc, 2)[CURRENT] == "نص آخر فيه ماسك"


def test_undo_restores_the_text_before_the_propagated_revision(recurring):
    p, doc = recurring, _doc(recurring)
    t27 = p.segment(doc, 27)[CURRENT]
    workflow.save_correction(p, doc, 27, t27.replace("Altman", "ألتمان"), "Tess", 0)
    cands = propagate.candidates(p, doc, 27)
    assert cands["seg"].to_list() == [26]
    assert cands["proposed"][0] == "أشاد المسك لألتمان يوم الثلاثاء."
    assert propagate.accept(p, doc, 27, "Tess")[0] == [(doc, 26, 1)]
    assert propagate.undo_all(p, doc, 27, "Tess") == [(doc, 26, 2)]
    row = p.segment(doc, 26)
    assert (row[CURRENT], row[STATUS]) == (row["target"], "to_review")
    assert p.revisions(doc, 26)[NOTE][-1].startswith("undo of revision 1")
    with pytest.raises(Exception, match="not a propagated fix"):
        propagate.undo(p, doc, 26, "Tess")
    # Offered again after the undo.
    assert propagate.candidates(p, doc, 27)["seg"].to_list() == [26]


def test_the_demo_altman_fix_reaches_the_other_latin_altman(tmp_path):
    with contextlib.closing(Project.open(workflow.build_demo(tmp_path / "demo.review"))) as p:
        doc = "musk-letter"
        text = p.segment(doc, 43)[CURRENT]
        workflow.save_correction(p, doc, 43, text.replace("Altman", "ألتمان"), "Tess", 0)
        cands = propagate.candidates(p, doc, 43)
        assert cands["seg"].to_list() == [2]
        assert "Sam ألتمان و Greg" in cands["proposed"][0]


def test_propagated_revisions_are_in_the_history_and_the_exported_notes(recurring, tmp_path):
    from review.export.project import export_project

    p, doc = recurring, _doc(recurring)
    workflow.save_correction(p, doc, 1, p.segment(doc, 1)[CURRENT].replace("المسك", "ماسك"), "Tess", 0)
    propagate.accept(p, doc, 1, "Tess", only=[(doc, 2)])
    history = p.revisions(doc, 2)
    assert history.select(PROPAGATED_DOC, PROPAGATED_SEG).row(0) == (doc, 1)
    for fmt in ("xliff", "tmx"):
        out = tmp_path / f"out.{fmt}"
        export_project(p, fmt, out)
        text = out.read_text(encoding="utf-8")
        assert f"Tess: propagated fix (revision 1): propagated from {doc} #1: المسك → ماسك" in text
        assert text.count("propagated from") == 1


def test_cli_propagate_dry_run_accept_and_undo(recurring):
    from click.testing import CliRunner

    from review.cli import main

    p, doc = recurring, _doc(recurring)
    workflow.save_correction(p, doc, 27, p.segment(doc, 27)[CURRENT].replace("Altman", "ألتمان"), "Tess", 0)
    path = str(p.path)
    run = CliRunner().invoke
    dry = run(main, ["propagate", path, "--from", "27", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"{doc} #26 (Altman → ألتمان): أشاد المسك [-لـAltman-]{{+لألتمان+}}" in dry.stdout
    assert p.segment(doc, 26)[REV] == 0
    no_name = run(main, ["propagate", path, "--from", "27"])
    assert no_name.exit_code == 2 and "--reviewer" in no_name.stderr
    done = run(main, ["propagate", path, "--from", f"{doc}#27", "--reviewer", "Tess"])
    assert done.exit_code == 0 and "saved 1 propagated revision(s)" in done.stdout
    assert p.segment(doc, 26)[CURRENT] == "أشاد المسك لألتمان يوم الثلاثاء."
    undone = run(main, ["propagate", path, "--from", "27", "--reviewer", "Tess", "--undo"])
    assert undone.exit_code == 0 and "undid 1" in undone.stdout
    assert p.segment(doc, 26)[CURRENT] == "أشاد المسك لـAltman يوم الثلاثاء."
    bad = run(main, ["propagate", path, "--from", "nosuch#3", "--dry-run"])
    assert bad.exit_code == 2 and "no document" in bad.stderr
