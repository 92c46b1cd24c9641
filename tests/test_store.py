"""The SQLite project store: review record, conflicts, queue filters, migrations."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3

import polars as pl
import pytest

from review.corpus import Corpus
from review.errors import ConflictError, InputError
from review.schema import (
    CHECK, CURRENT, DOC, FLAG_ID, FLAGGED, FROM_CORRECTION, N_FLAGS, REV, REVIEWER, RISK, SEG, SOURCE,
    STATUS, TARGET, VERDICT,
)
from review.store import SCHEMA_VERSION, STORED_SEGMENT_SCHEMA, Project
from review.store.tables import APPLICATION_ID, MIGRATIONS, migrate
from store_corpus import FLAG_ROWS, make_corpus, make_scored




# ---------------------------------------------------------------------- create / open
def test_create_and_reopen_keeps_corpus_scores_and_meta(tmp_path, project):
    segs = project.segments()
    assert segs.columns == list(STORED_SEGMENT_SCHEMA)
    assert segs.height == 6
    assert segs[CURRENT].to_list() == segs[TARGET].to_list()
    assert set(segs[STATUS]) == {"to_review"} and set(segs[REV]) == {0}
    assert project.signature == "test-signature"
    assert project.summary()["segments"] == 6
    assert project.metrics().row(0) == ("bt_vs_source.chrf", 50.0, "x")
    project.close()
    again = Project.open(tmp_path / "p.review")
    assert again.segments().equals(segs)
    assert again.documents()[DOC].to_list() == ["a", "b"]
    assert again._rows("PRAGMA journal_mode")[0][0] == "wal"
    assert again._rows("PRAGMA foreign_keys")[0][0] == 1
    again.close()


def test_create_refuses_to_overwrite_unless_asked(tmp_path, project):
    with pytest.raises(InputError, match="already exists"):
        Project.create(project.path, make_corpus())
    project.save("a", 1, "واحد!", "amal", 0)
    fresh = Project.create(project.path, make_corpus(), overwrite=True)
    assert fresh.segment("a", 1)[REV] == 0
    fresh.close()


def test_failed_create_leaves_nothing_behind(tmp_path):
    corpus = make_corpus()
    dup = Corpus(segments=pl.concat([corpus.segments, corpus.segments.head(1)]), documents=corpus.documents)
    with pytest.raises(InputError, match="duplicate"):
        Project.create(tmp_path / "x.review", dup)
    assert list(tmp_path.iterdir()) == []


def test_open_rejects_other_files_and_newer_schemas(tmp_path, project):
    text = tmp_path / "notes.txt"
    text.write_text("not a database " * 100)
    with pytest.raises(InputError, match="not a review project"):
        Project.open(text)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(InputError, match="another program"):
        Project.open(other)
    with pytest.raises(InputError, match="no such project"):
        Project.open(tmp_path / "missing.review")
    project._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(InputError, match="newer"):
        Project.open(project.path)


def test_upgrade_from_a_version_1_file(tmp_path):
    path = tmp_path / "old.review"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    assert migrate(conn, MIGRATIONS[:1]) == 1
    conn.execute("INSERT INTO documents (doc) VALUES ('d')")
    conn.execute("INSERT INTO segments (doc, seg, source, target, current, risk, flagged) "
                 "VALUES ('d', 1, 'Hi.', 'مرحبا.', 'مرحبا.', 3.0, 1)")
    conn.execute("INSERT INTO revisions VALUES ('d', 1, 1, 'أهلا.', 'old', '2020-01-01T00:00:00Z', NULL)")
    conn.close()

    p = Project.open(path)
    assert p._rows("PRAGMA user_version")[0][0] == SCHEMA_VERSION == len(MIGRATIONS)
    indexes = {r[0] for r in p._rows("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"segments_queue", "flags_filter"} <= indexes
    assert p.revisions("d", 1)[CURRENT].to_list() == ["أهلا."]
    page, total = p.queue()
    assert total == 1 and page[SOURCE].to_list() == ["Hi."]
    p.close()


# ---------------------------------------------------------------------- revisions and conflicts
def test_revisions_are_append_only(project):
    assert project.save("a", 2, "في 2024 نمونا.", "amal", 0, note="year") == 1
    assert project.save("a", 2, "في عام 2024 نمونا.", "omar", 1) == 2
    revs = project.revisions("a", 2)
    assert revs[REV].to_list() == [1, 2]
    assert revs[REVIEWER].to_list() == ["amal", "omar"]
    assert revs["note"].to_list() == ["year", None]
    seg = project.segment("a", 2)
    assert (seg[CURRENT], seg[REV], seg[STATUS], seg[REVIEWER]) == ("في عام 2024 نمونا.", 2, "corrected", "omar")
    assert seg[TARGET] == "في 2025 نمونا."  # the MT stays as loaded
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        project._conn.execute("UPDATE revisions SET current = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        project._conn.execute("DELETE FROM revisions")


def test_conflict_between_two_connections(tmp_path, project):
    other = Project.open(project.path)
    assert other.segments()[CURRENT][0] == "واحد."  # cached by `other` ...
    assert project.save("a", 1, "واحد (أمل).", "amal", 0) == 1
    assert other.segments()[CURRENT][0] == "واحد (أمل)."  # ... and refreshed after a change elsewhere
    assert other.progress()["corrected"] == 1
    with pytest.raises(ConflictError) as err:
        other.save("a", 1, "واحد (عمر).", "omar", 0)
    assert err.value.mine == "واحد (عمر)."
    assert err.value.theirs == "واحد (أمل)."
    assert err.value.theirs_by == "amal"
    assert "amal" in str(err.value)
    assert other.segment("a", 1)[CURRENT] == "واحد (أمل)."
    assert other.revisions("a", 1).height == 1
    with pytest.raises(ConflictError):
        other.approve("a", 1, "omar", 0)
    other.approve("a", 1, "omar", 1)
    assert project.segment("a", 1)[STATUS] == "approved"
    other.close()


def _race(path: str, text: str, barrier, results) -> None:
    p = Project.open(path)
    barrier.wait()
    outcomes = []
    for seg in (1, 2, 3, 4):
        try:
            p.save("a", seg, text, text, 0)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
    results.put((text, outcomes))
    p.close()


@pytest.mark.slow
def test_conflict_across_processes(project):
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_race, args=(str(project.path), name, barrier, results)) for name in ("x", "y")]
    for proc in procs:
        proc.start()
    got = dict(results.get(timeout=60) for _ in procs)
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    for i, seg in enumerate((1, 2, 3, 4)):
        # Exactly one writer won each segment, and the stored text is the winner's.
        assert sorted([got["x"][i], got["y"][i]]) == ["conflict", "saved"]
        winner = "x" if got["x"][i] == "saved" else "y"
        assert project.segment("a", seg)[CURRENT] == winner
        assert project.revisions("a", seg).height == 1


def test_status_survives_reopen(tmp_path, project):
    project.approve("a", 1, "amal", 0)
    project.set_status("a", 4, "corrected", "omar")
    with pytest.raises(InputError, match="status"):
        project.set_status("a", 4, "done", "omar")
    with pytest.raises(InputError, match="reviewer"):
        project.approve("a", 2, "  ", 0)
    project.close()
    p = Project.open(tmp_path / "p.review")
    assert p.segment("a", 1)[STATUS] == "approved"
    assert p.segment("a", 4)[STATUS] == "corrected"
    assert p.progress() == {"total": 6, "reviewed": 2, "corrected": 1, "approved": 1, "flagged": 3}
    p.close()


def test_approve_unflagged_only_touches_segments_without_flags(project):
    project.save("b", 2, "<b>غامق</b>", "amal", 0)
    assert project.approve_unflagged("lead") == 2  # a#1 and a#4; a#2, a#3, b#1 have flags
    segs = project.segments()
    approved = segs.filter(pl.col(STATUS) == "approved").select(DOC, SEG).rows()
    assert approved == [("a", 1), ("a", 4)]
    assert set(segs.filter(pl.col(STATUS) == "approved")[REVIEWER]) == {"lead"}
    assert project.segment("b", 2)[STATUS] == "corrected"  # corrected segments are left alone
    assert project.approve_unflagged("lead") == 0


# ---------------------------------------------------------------------- queue
def test_queue_orders_worst_first_and_counts(project):
    page, total = project.queue()
    assert total == 3
    assert page.select(DOC, SEG).rows() == [("a", 3), ("a", 2), ("b", 1)]
    page, total = project.queue(flagged_only=False, offset=1, limit=2)
    assert total == 6
    assert page.select(DOC, SEG).rows() == [("a", 2), ("b", 1)]


def test_queue_filters(project):
    def keys(**kw):
        page, total = project.queue(flagged_only=False, **kw)
        assert total == page.height
        return page.select(DOC, SEG).rows()

    assert keys(checks=["numbers"]) == [("a", 2), ("b", 1)]
    assert keys(checks="punct") == [("a", 2)]
    assert keys(categories=["Accuracy"]) == [("a", 2), ("b", 1)]
    assert keys(categories=["Non-translation"]) == [("a", 3)]
    assert keys(severities=["critical", "minor"]) == [("a", 3), ("a", 2)]
    assert keys(checks=["numbers"], severities=["minor"]) == []
    assert keys(docs=["b"]) == [("b", 1), ("b", 2)]
    assert keys(search="2025") == [("a", 2)]
    assert keys(search="Hello", search_side="target") == [("a", 3)]
    assert keys(search="Call", search_side="target") == []
    assert keys(search=r"\b\d{3}\b", regex=True, search_side="source") == [("b", 1)]
    assert keys(search="<img", search_side="both") == [("b", 2)]
    project.approve("a", 3, "amal", 0)
    assert keys(statuses=["approved"]) == [("a", 3)]
    assert ("a", 3) not in keys(hide_approved=True)
    for bad in (dict(statuses=["nope"]), dict(severities=["huge"]), dict(categories=["Vibes"]),
                dict(search="(", regex=True), dict(search="x", search_side="left")):
        with pytest.raises(InputError):
            project.queue(**bad)


def test_segment_neighbours_and_flags(project):
    seg = project.segment("a", 2)
    assert seg[SOURCE] == "In 2024 we grew." and seg[N_FLAGS] == 2 and seg[FLAGGED] is True
    assert project.neighbours("a", 2, k=1)[SEG].to_list() == [1, 2, 3]
    assert project.neighbours("b", 1)[SEG].to_list() == [1, 2]
    with pytest.raises(InputError, match="no segment"):
        project.segment("a", 99)
    flags = project.flags("a", 2)
    assert flags[CHECK].to_list() == ["numbers", "punct"]
    assert flags.columns[:1] == [FLAG_ID] and VERDICT in flags.columns
    assert project.flags().height == 4
    assert project.flags(doc="b").height == 1


# ---------------------------------------------------------------------- annotations and verdicts
def test_annotations(project):
    aid = project.annotate("a", 2, "Accuracy/Mistranslation", "major", 3, 7, "wrong year", "amal")
    project.annotate("a", 3, "Non-translation", "critical", None, None, None, "amal")
    ann = project.annotations("a", 2)
    assert ann.row(0, named=True)["annotation_id"] == aid
    assert ann.row(0, named=True)["comment"] == "wrong year"
    assert project.annotations().height == 2
    with pytest.raises(InputError, match="category"):
        project.annotate("a", 2, "Accuracy/Vibes", "major", 0, 1, "", "amal")
    with pytest.raises(InputError, match="severity"):
        project.annotate("a", 2, "Other", "fatal", 0, 1, "", "amal")
    with pytest.raises(InputError, match="span"):
        project.annotate("a", 2, "Other", "minor", 5, 500, "", "amal")
    project.delete_annotation(aid)
    assert project.annotations().height == 1


def test_verdicts_set_clear_and_survive_rescore(project):
    fid = {r[CHECK]: r[FLAG_ID] for r in project.flags("a", 2).iter_rows(named=True)}
    project.set_verdict(fid["numbers"], "confirmed", "amal")
    project.set_verdict(fid["punct"], "false_alarm", "amal")
    assert project.flags("a", 2)[VERDICT].to_list() == ["confirmed", "false_alarm"]
    project.set_verdict(fid["punct"], None, "amal")
    project.set_verdict(fid["punct"], "false_alarm", "omar")
    with pytest.raises(InputError, match="verdict"):
        project.set_verdict(fid["punct"], "maybe", "amal")
    untranslated = project.flags("a", 3)[FLAG_ID][0]
    project.set_verdict(untranslated, "false_alarm", "omar")  # a flag with no span

    # A new scoring run: "numbers" found again at the same place, "punct" moved, a#3 unchanged.
    rows = [FLAG_ROWS[0], ("a", 2, "punct", "Fluency/Punctuation", "minor", 9, 10, 0.1), FLAG_ROWS[2]]
    project.replace_scores(make_scored(make_corpus(), rows))
    flags = project.flags("a", 2)
    assert set(flags[FLAG_ID]).isdisjoint(fid.values())
    assert dict(zip(flags[CHECK], flags[VERDICT])) == {"numbers": "confirmed", "punct": None}
    assert project.flags("a", 3)[VERDICT].to_list() == ["false_alarm"]
    assert project.flags("b").height == 0
    assert project.verdicts().height == 3  # the moved flag's old verdict is kept on record
    assert project.segment("b", 1)[FLAGGED] is False


def test_saved_correction_keeps_mt_flags_until_its_own_are_stored(project):
    project.save("a", 2, "في 2024 نمونا.", "amal", 0)
    mt = project.flags("a", 2, which="mt")
    assert mt.height == 2 and not mt[FROM_CORRECTION].any()
    assert project.flags("a", 2).equals(mt)  # not re-checked: the MT's flags stand
    assert project.latest("a", 2) == (1, "في 2024 نمونا.")
    assert project.corrections() == [("a", 2, 1, "في 2024 نمونا.")]
    mine = make_scored(make_corpus(), [("a", 2, "punct", "Fluency/Punctuation", "minor", 1, 2, 0.1)]).flags
    assert project.store_correction_flags("a", 2, 1, mine)
    current = project.flags("a", 2)
    assert current[CHECK].to_list() == ["punct"] and current[FROM_CORRECTION].all()
    assert project.flags("a", 2, which="mt").equals(mt)
    # Flags of a revision that is no longer the latest are not stored.
    project.save("a", 2, "في عام 2024 نمونا.", "amal", 1)
    assert not project.store_correction_flags("a", 2, 1, mine)
    assert project.flags("a", 2).equals(mt)


def test_replace_scores_keeps_the_flags_of_the_revision_checked(project):
    project.save("a", 1, "واحد!", "amal", 0)
    project.save("a", 4, "حسنا!", "amal", 0)
    project.save("a", 4, "حسنا جدا!", "amal", 1)
    checked = make_scored(make_corpus(), [("a", 1, "punct", "Fluency/Punctuation", "minor", 4, 5, 0.1),
                                          ("a", 4, "punct", "Fluency/Punctuation", "minor", 4, 5, 0.1)]).flags
    project.replace_scores(make_scored(make_corpus()), config_text="[weights]\nmajor = 6\n",
                           glossary=("terms.tsv", "Musk\tماسك\n".encode()),
                           rechecked={("a", 1, 1): checked.filter(pl.col(SEG) == 1),
                                      ("a", 4, 1): checked.filter(pl.col(SEG) == 4)})  # a#4 is at rev 2
    assert project.flags("a", 1)[FROM_CORRECTION].to_list() == [True]
    assert project.flags("a", 4).height == 0 and project.flags("a", 4, which="all").height == 0
    assert project.config_text == "[weights]\nmajor = 6\n"
    assert project.glossary == ("terms.tsv", "Musk\tماسك\n".encode())


def test_one_project_shared_by_threads(project):
    """The dashboard shares one Project between sessions (threads): calls are serialised."""
    import threading

    errors: list[BaseException] = []

    def work(seg: int) -> None:
        try:
            for k in range(5):
                rev = project.segment("a", seg)[REV]
                project.save("a", seg, f"نص {k}", f"r{seg}", rev)
                project.queue(flagged_only=False)
                project.segments()
        except BaseException as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=work, args=(seg,)) for seg in (1, 2, 3, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert project.segments().filter(pl.col(DOC) == "a")[REV].to_list() == [5, 5, 5, 5]


# ---------------------------------------------------------------------- text search and its index
def _v2_file(path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    assert migrate(conn, MIGRATIONS[:2]) == 2
    conn.execute("INSERT INTO documents (doc) VALUES ('d')")
    conn.executemany("INSERT INTO segments (doc, seg, source, target, current, rev, risk, flagged) "
                     "VALUES ('d', ?, ?, ?, ?, ?, 1.0, 1)",
                     [(1, "Elon Musk wrote.", "كتب إيلون ماسك.", "كتب إيلون ماسك.", 0),
                      (2, "The board met.", "اجتمع المجلس.", "اجتمع مجلس الإدارة.", 1)])
    conn.close()


def test_upgrade_from_version_2_indexes_the_text_and_keeps_it_in_step(tmp_path):
    path = tmp_path / "v2.review"
    _v2_file(path)
    p = Project.open(path)
    assert p._rows("PRAGMA user_version")[0][0] == SCHEMA_VERSION
    assert p._rows("SELECT name FROM sqlite_master WHERE name = 'segments_text'")

    def found(text, side="both", regex=False):
        page, total = p.queue(flagged_only=False, search=text, search_side=side, regex=regex)
        assert total == page.height
        return page[SEG].to_list()

    assert found("musk") == [1]  # case ignored, through the index
    assert found("مجلس الإدارة", "target") == [2]  # the correction is searched too
    assert found("مجلس الإدارة", "source") == []
    assert found(r"\bMusk\b", regex=True) == [1] and found(r"\bmusk\b", regex=True) == []
    p.save("d", 1, "كتب الملياردير.", "amal", 0)
    assert found("الملياردير") == [1]
    assert found("(?i)الملياردير", "target", regex=True) == [1]  # no literal for the index: polars
    assert found("(?i)الملياردير", "source", regex=True) == []
    assert found("ماسك", "target") == [1]  # still in the MT
    p.save("d", 2, "اجتمع المجلس.", "amal", 1)
    assert found("الإدارة") == []  # the old correction left the index
    p.close()


PATTERNS = [r"\b\d{3}\b", r"Hello|واحد", r"(friend|نمونا)\.", r"\bgood old\b", r"^<img", r"991|2024",
            r"(?i)hello", r"o\w+d", r"[Cc]all", "ال", r"\.$", r"Fine|nothing\d"]


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("side", ["both", "source", "target"])
def test_regex_search_finds_exactly_what_python_finds(project, pattern, side):
    import re

    cols = {"source": [SOURCE], "target": [TARGET, CURRENT], "both": [SOURCE, TARGET, CURRENT]}[side]
    segs = project.segments()
    expected = sorted((r[DOC], r[SEG]) for r in segs.iter_rows(named=True)
                      if any(re.search(pattern, r[c] or "") for c in cols))
    page, total = project.queue(flagged_only=False, search=pattern, regex=True, search_side=side, limit=100)
    assert sorted(page.select(DOC, SEG).rows()) == expected and total == len(expected)


@pytest.mark.parametrize("text", ["HELLO", "good old", "2025", "<img", "ال", "l", "%", "_", "'", '"x'])
def test_plain_search_is_a_substring_ignoring_case(project, text):
    segs = project.segments()
    expected = sorted((r[DOC], r[SEG]) for r in segs.iter_rows(named=True)
                      if any(text.lower() in (r[c] or "").lower() for c in (SOURCE, TARGET, CURRENT)))
    page, total = project.queue(flagged_only=False, search=text, limit=100)
    assert sorted(page.select(DOC, SEG).rows()) == expected and total == len(expected)


def test_narrow_reads_histogram_and_document_ids(project):
    assert project.doc_ids() == ["a", "b"]
    risk = project.segments([RISK])
    assert risk.columns == [RISK] and risk[RISK].to_list() == project.segments()[RISK].to_list()
    with pytest.raises(ValueError):
        project.segments(["nope"])
    hist = project.risk_histogram(bins=5)
    assert hist.height == 5 and hist["segments"].sum() == 6
    assert hist["from"][0] == 0.0 and hist["to"][-1] == pytest.approx(25.0)
    # risks 0, 5.1, 25, 0, 5, 0 in bins of width 5 (the top one closed)
    assert hist["segments"].to_list() == [3, 2, 0, 0, 1]


def test_new_project_builds_its_text_index_on_the_first_search_from_the_text_as_it_is(project):
    indexes = {r[0] for r in project._rows("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"segments_queue", "segments_order", "flags_segment"} <= indexes  # built after the rows
    assert not project._rows("SELECT name FROM sqlite_master WHERE name = 'segments_text'")
    assert project.text_index_ready() is False  # the dashboard shows a spinner for the first search
    project.save("a", 1, "تصحيح المراجع", "amal", 0)  # before any index: nothing to keep in step

    def found(text):
        page, total = project.queue(flagged_only=False, search=text)
        assert total == page.height
        return list(zip(page[DOC], page[SEG]))

    assert found("المراجع") == [("a", 1)]  # the first search builds the index, correction included
    assert project._rows("SELECT name FROM sqlite_master WHERE name = 'segments_text'")
    assert project.ensure_text_index() is False  # once
    assert project.text_index_ready() is True
    assert found("المراجع") == [("a", 1)]
    project.save("a", 1, "نص آخر", "amal", 1)  # now the triggers keep it in step
    assert found("المراجع") == [] and found("نص آخر") == [("a", 1)]
    other = Project.open(project.path)  # another session sees the built index, does not rebuild
    assert other.text_index_ready() is True
    assert other.ensure_text_index() is False
    assert other.queue(flagged_only=False, search="نص آخر")[1] == 1
    other.close()
