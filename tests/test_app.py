"""The dashboard's main flows, run headless with Streamlit's AppTest on a temporary project."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_project import DOC_ID, PAIRS, build, page, start
from review.app.safe import md_escape
from review.app.segment import BUSY
from review.cli.app import streamlit_command
from review.export.project import EXPORT_FORMATS
from review.schema import CURRENT, FLAG_ID, REV, REVIEWER, STATUS, VERDICT
from review.store import Project

@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    path = build(tmp_path / "news.sqlite")
    monkeypatch.setenv("MT_REVIEW_PROJECT", str(path))
    return path


def on_segment(at: AppTest) -> AppTest:
    """After the app switched pages itself, keep AppTest on the segment page for later runs."""
    return at.switch_page(page("segment")).run()


def html_bodies(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html")]


def queue_segs(at: AppTest) -> list[int]:
    return at.dataframe[0].value["seg"].tolist()


def test_overview_shows_progress_flags_and_scores(project):
    at = start()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Segments"] == "6" and metrics["Flagged"] == "3" and metrics["Reviewed"] == "0"
    summary = Project.open(project).summary()["corpus"]
    assert metrics["MQM penalty per 1,000 source words"] == f"{summary['penalty_per_1000_words']:.1f}"
    assert "BLEU" in metrics and "chrF" in metrics  # back-translation vs source, with signatures
    assert any("nrefs:1" in c.value for c in at.code)
    assert any("Scoring signature" in c.value for c in at.caption)
    assert len(at.get("vega_lite_chart")) == 3  # category, severity, risk histogram


def test_queue_is_worst_first_and_filters(project):
    at = start("queue")
    assert queue_segs(at) == [3, 5, 4]
    at.multiselect(key="q_severities").set_value(["critical"]).run()
    assert queue_segs(at) == [3]
    at.multiselect(key="q_severities").set_value([]).run()
    at.multiselect(key="q_checks").set_value(["number_mismatch"]).run()
    assert queue_segs(at) == [5]
    at.multiselect(key="q_checks").set_value([]).run()
    at.multiselect(key="q_categories").set_value(["Design/Markup"]).run()
    assert queue_segs(at) == [4]
    at.multiselect(key="q_categories").set_value([]).run()
    at.text_input(key="q_search").input("52%").run()
    assert queue_segs(at) == [5]
    at.text_input(key="q_search").input(r"Musk|board").run()
    assert queue_segs(at) == []
    at.toggle(key="q_regex").set_value(True).run()
    assert queue_segs(at) == [3]  # "board" (segment 6) is not flagged
    at.toggle(key="q_all").set_value(True).run()
    assert sorted(queue_segs(at)) == [3, 6]
    at.selectbox(key="q_side").set_value("target").run()
    assert queue_segs(at) == []
    at.text_input(key="q_search").input("[").run()
    assert at.error and "invalid regular expression" in at.error[0].value


def test_show_all_and_hide_approved(project):
    Project.open(project).approve(DOC_ID, 5, "Ann", 0)
    at = start("queue")
    assert queue_segs(at) == [3, 4]  # approved segments are hidden by default
    at.toggle(key="q_hide_approved").set_value(False).run()
    assert queue_segs(at) == [3, 5, 4]
    at.toggle(key="q_all").set_value(True).run()
    assert len(queue_segs(at)) == len(PAIRS)


def test_open_edit_save_shows_diff_and_rechecks(project):
    at = start("queue")
    at.button(key="q_open").click().run()
    assert at.query_params["doc"] == DOC_ID and at.query_params["seg"] == "3"
    at = on_segment(at)
    assert at.title[0].value == f"{DOC_ID} #3"
    box = at.text_area(key="correction")
    assert box.value == PAIRS[2][1]  # prefilled with the MT
    fixed = "قام إيلون ماسك بمشاركة الرسالة."
    box.input(fixed)
    at.button(key="FormSubmitter:edit-Save").click().run()
    assert not at.exception
    assert any("Saved revision 1" in s.value for s in at.success)
    row = Project.open(project).segment(DOC_ID, 3)
    assert (row[CURRENT], row[REV], row[STATUS], row[REVIEWER]) == (fixed, 1, "corrected", "Tess")
    diff = [b for b in html_bodies(at) if 'class="mtr-diff"' in b]
    assert diff and "<del>" in diff[0] and "<ins>" in diff[0]
    # the re-run checks are reported either way: still flagged, or nothing found
    assert (any("Still flagged" in w.value for w in at.warning)
            or any("find nothing in the correction" in s.value for s in at.success))
    # the correction is still there for a new session (a reload or a restart)
    again = start("segment", doc=DOC_ID, seg=3)
    assert again.text_area(key="correction").value == fixed
    assert any(c.value.endswith("by Tess · corrected") for c in again.caption)


def test_save_needs_a_reviewer_name(project):
    at = start("segment", reviewer=None, doc=DOC_ID, seg=3)
    at.text_area(key="correction").input("نص جديد")
    at.button(key="FormSubmitter:edit-Save").click().run()
    assert any("Enter your name" in w.value for w in at.warning)
    assert Project.open(project).segment(DOC_ID, 3)[REV] == 0


def test_approve_as_is_and_next_flagged(project):
    at = start("segment", doc=DOC_ID, seg=3)
    at.button(key="approve").click().run()
    row = Project.open(project).segment(DOC_ID, 3)
    assert (row[STATUS], row[REVIEWER], row[REV]) == ("approved", "Tess", 0)
    at.button(key="next").click().run()
    assert at.query_params["seg"] == "5" and at.title[0].value == f"{DOC_ID} #5"
    assert at.text_area(key="correction").value == PAIRS[4][1]
    at.button(key="next").click().run()
    assert at.query_params["seg"] == "4"


def test_false_alarm_and_confirm(project):
    at = start("segment", doc=DOC_ID, seg=5)
    (flag,) = Project.open(project).flags(DOC_ID, 5).to_dicts()
    at.button(key=f"mt_fa_{flag[FLAG_ID]}").click().run()
    assert Project.open(project).flags(DOC_ID, 5)[VERDICT].to_list() == ["false_alarm"]
    assert at.button(key=f"mt_fa_{flag[FLAG_ID]}").label.startswith("False alarm ✓")
    # the false alarm is no longer highlighted in the MT
    mt = [b for b in html_bodies(at) if b.startswith('<div class="mtr-seg" dir="rtl"')]
    assert mt and "<mark" not in mt[0]
    at.button(key=f"mt_ok_{flag[FLAG_ID]}").click().run()
    assert Project.open(project).flags(DOC_ID, 5)[VERDICT].to_list() == ["confirmed"]
    at.button(key=f"mt_ok_{flag[FLAG_ID]}").click().run()  # clicking again withdraws it
    assert Project.open(project).flags(DOC_ID, 5)[VERDICT].to_list() == [None]


def test_conflict_is_refused_with_both_texts_and_resolvable(project):
    ann = start("segment", reviewer="Ann", doc=DOC_ID, seg=3)
    bob = start("segment", reviewer="Bob", doc=DOC_ID, seg=3)  # both opened revision 0
    ann.text_area(key="correction").input("نص آن")
    ann.button(key="FormSubmitter:edit-Save").click().run()
    bob.text_area(key="correction").input("نص بوب")
    bob.button(key="FormSubmitter:edit-Save").click().run()
    assert not bob.exception
    assert any("not saved" in e.value for e in bob.error)
    bodies = " ".join(html_bodies(bob))
    assert "نص آن" in bodies and "نص بوب" in bodies  # both texts shown
    row = Project.open(project).segment(DOC_ID, 3)
    assert (row[CURRENT], row[REVIEWER], row[REV]) == ("نص آن", "Ann", 1)  # no silent overwrite

    bob.button(key="conflict_theirs").click().run()
    assert bob.text_area(key="correction").value == "نص آن"
    bob.text_area(key="correction").input("نص بوب المعدل")
    bob.button(key="FormSubmitter:edit-Save").click().run()
    row = Project.open(project).segment(DOC_ID, 3)
    assert (row[CURRENT], row[REVIEWER], row[REV]) == ("نص بوب المعدل", "Bob", 2)

    ann.text_area(key="correction").input("نص آن الثاني")
    ann.button(key="FormSubmitter:edit-Save").click().run()
    assert any("not saved" in e.value for e in ann.error)
    ann.button(key="conflict_mine").click().run()
    row = Project.open(project).segment(DOC_ID, 3)
    assert (row[CURRENT], row[REVIEWER], row[REV]) == ("نص آن الثاني", "Ann", 3)


def test_annotation_with_a_span(project):
    at = start("segment", doc=DOC_ID, seg=3)
    at.selectbox(key="an_cat").set_value("Accuracy/Mistranslation")
    at.selectbox(key="an_sev").set_value("major")
    at.text_input(key="an_span").input("الرائحة الكريهة")
    at.text_input(key="an_comment").input("the name Musk, translated as a word")
    at.button(key="FormSubmitter:annotate-Add annotation").click().run()
    assert not at.exception
    (a,) = Project.open(project).annotations(DOC_ID, 3).to_dicts()
    start_at = PAIRS[2][1].index("الرائحة الكريهة")
    assert (a["category"], a["severity"], a["start"], a["end"], a["reviewer"]) == (
        "Accuracy/Mistranslation", "major", start_at, start_at + len("الرائحة الكريهة"), "Tess")
    at.text_input(key="an_span").input("not in the text")
    at.button(key="FormSubmitter:annotate-Add annotation").click().run()
    assert any("exact piece" in e.value for e in at.error)
    assert Project.open(project).annotations(DOC_ID, 3).height == 1


def test_markup_in_a_segment_is_shown_as_text(project):
    at = start("segment", doc=DOC_ID, seg=4)
    bodies = [b for b in html_bodies(at) if "onerror" in b]
    assert bodies
    for b in bodies:
        assert "<img" not in b and "&lt;img" in b


def test_approve_all_unflagged(project):
    at = start("queue")
    at.button(key="q_approve_unflagged").click().run()
    assert any("Approved 2 segment(s)" in s.value for s in at.success)
    statuses = Project.open(project).segments().select("seg", STATUS).rows()
    assert statuses == [(1, "approved"), (2, "to_review"), (3, "to_review"), (4, "to_review"),
                        (5, "to_review"), (6, "approved")]  # 2 has a minor flag


def test_export_page_offers_every_format_and_the_report(project):
    at = start("export")
    labels = [b.label for b in at.get("download_button")]
    assert len(labels) == len(EXPORT_FORMATS) + 2
    for fmt, name in [("tmx", "news.tmx"), ("xliff2", "news.xliff2.xlf"), ("csv", "news.csv"),
                      ("text", "news.txt"), ("parquet", "news.parquet"), ("jsonl", "news.jsonl")]:
        assert any(label.endswith(md_escape(name)) for label in labels), (fmt, labels)
    assert any(md_escape("report.html") in label for label in labels)


def test_project_can_be_switched_in_the_sidebar(project, tmp_path):
    other = build(tmp_path / "other.sqlite")
    Project.open(other).approve(DOC_ID, 3, "Ann", 0)
    at = start()
    picker = at.selectbox(key="project_input")
    assert picker.options == ["news.sqlite", "other.sqlite"]  # the projects of the served folder
    picker.set_value("other.sqlite")
    at.button(key="project_open").click().run()
    assert not at.error
    assert {m.label: m.value for m in at.metric}["Approved"] == "1"


# ------------------------------------------------------------------ `review app`
def test_command_line_leaves_streamlit_settings_to_its_environment(tmp_path):
    script = tmp_path / "x.py"
    bare = streamlit_command(script, None, None, {})
    assert bare[bare.index("--server.address") + 1] == "127.0.0.1"
    assert "--server.port" not in bare
    env = {"STREAMLIT_SERVER_PORT": "9999", "STREAMLIT_SERVER_ADDRESS": "0.0.0.0"}
    cmd = streamlit_command(script, None, None, env)
    assert "--server.port" not in cmd and "--server.address" not in cmd
    cmd = streamlit_command(script, 8600, "::1", env)
    assert cmd[cmd.index("--server.port") + 1] == "8600" and cmd[cmd.index("--server.address") + 1] == "::1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_review_app_serves_on_the_port_from_the_environment(project):
    port = _free_port()
    env = dict(os.environ, STREAMLIT_SERVER_PORT=str(port), STREAMLIT_SERVER_HEADLESS="true")
    proc = subprocess.Popen([sys.executable, "-m", "review", "app", str(project)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    assert r.read() == b"ok"
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.time() < deadline, "the dashboard did not start"
                time.sleep(0.3)
        proc.terminate()  # a plain SIGTERM to `review app` stops the server itself
        proc.wait(20)
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
            proc.wait(20)


def test_review_app_refuses_a_missing_project(tmp_path):
    out = subprocess.run([sys.executable, "-m", "review", "app", str(tmp_path / "none.sqlite")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "no such project file" in out.stderr and "Traceback" not in out.stderr


def test_queue_pages_through_the_store_one_page_at_a_time(project, monkeypatch):
    from review.app import queue

    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    at = start("queue")
    assert queue_segs(at) == [3, 5]
    at.get("pagination")[0].select(2).run()
    assert queue_segs(at) == [4]
    at.toggle(key="q_all").set_value(True).run()  # other filters: back to their first page
    assert len(queue_segs(at)) == 2 and at.get("pagination")[0].value == 1
    at.toggle(key="q_all").set_value(False).run()  # and back: the page that was open
    assert queue_segs(at) == [4]


def test_without_a_project_the_demo_working_copy_is_opened_and_kept(tmp_path, monkeypatch):
    from review.app import workcopy

    monkeypatch.delenv("MT_REVIEW_PROJECT", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    at = start("queue")
    path = tmp_path / "mt-review" / "musk-letter.sqlite"
    assert path.is_file()
    flagged = queue_segs(at)
    assert len(flagged) >= 5  # the demo shows real flagged segments at once
    at.button(key="q_open").click().run()
    at = on_segment(at)
    at.text_area(key="correction").input("تصحيح المراجع.")
    at.button(key="FormSubmitter:edit-Save").click().run()
    assert any("Saved revision 1" in s.value for s in at.success)
    # a restart reuses the working copy: the correction is still there
    assert workcopy.build_demo(workcopy.demo_project_path()) == path
    again = start("segment", doc=at.query_params["doc"], seg=at.query_params["seg"])
    assert again.text_area(key="correction").value == "تصحيح المراجع."


def test_save_on_a_locked_project_keeps_the_text_and_says_busy(project, monkeypatch):
    """Another program holds the write lock past the busy timeout (a real second connection under
    BEGIN EXCLUSIVE): the save is refused with a clear message and the reviewer's text stays."""
    monkeypatch.setattr(Project, "BUSY_TIMEOUT_S", 0.3)
    at = start("segment", doc=DOC_ID, seg=3)
    mine = "قام إيلون ماسك بمشاركة الرسالة."
    at.text_area(key="correction").input(mine)
    holder = sqlite3.connect(project, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        at.button(key="FormSubmitter:edit-Save").click().run()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not at.exception
    assert [e.value for e in at.error] == [BUSY]
    assert at.text_area(key="correction").value == mine
    assert Project.open(project).segment(DOC_ID, 3)[REV] == 0
    at.button(key="FormSubmitter:edit-Save").click().run()  # the lock is gone: saved this time
    assert any("Saved revision 1" in s.value for s in at.success)
    assert Project.open(project).segment(DOC_ID, 3)[CURRENT] == mine


def test_overview_shows_check_precision_and_learned_glossary_and_accepts_an_entry(project):
    from review import workflow

    with Project.open(project) as p:
        t = p.segment(DOC_ID, 3)[CURRENT]
        workflow.save_correction(p, DOC_ID, 3, t.replace("الرائحة الكريهة", "إيلون ماسك"), "Tess", 0)
        fid = p.flags(DOC_ID, 3, which="mt")[FLAG_ID][0]
        workflow.set_verdict(p, int(fid), "false_alarm", "Tess")
    at = start("overview")
    table = next(d.value for d in at.dataframe if "calibrated" in d.value.columns)
    row = table[table["check"] == "name_translated"].iloc[0]
    assert (row["false_alarm"], round(row["calibrated"], 3)) == (1, 0.4)
    add = [b for b in at.button if b.label == "Add to glossary"]
    assert add, [b.label for b in at.button]
    add[0].click().run()
    assert not at.exception
    assert any("Added to the project glossary" in m.value for m in at.success)
    with Project.open(project) as p:
        assert p.glossary[1].decode() in ("source\ttarget\nElon\tإيلون\n", "source\ttarget\nMusk\tماسك\n")
