"""Text from data, files, URLs and reviewers is only ever text in the dashboard; URL parameters
are checked; projects open only from the projects folder; errors show no server path.

AppTest sees the Markdown each element is given (the browser's rendering of it is checked in
tests/test_browser.py): hostile text must reach it escaped, so that no link, math, HTML or
emphasis can start in it.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from app_project import APP, DOC_ID, HOSTILE, XSS, build, start
from review.app import state
from review.app.safe import WORD_JOINER, badge, error_text, md_escape
from review.cli.app import PROJECTS_DIR_ENV, server_env
from review.errors import InputError
from review.schema import REV
from review.store import Project

# What must never reach Streamlit unescaped: a Markdown link, LaTeX, HTML, emphasis, a bare URL.
RAW = ("[x](", "$x^2$", "<img", "**bold**", "https://")
TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info",
                 "success", "toast", "exception")


def texts(at: AppTest) -> list[str]:
    """The Markdown of every text element, and every label and help text."""
    out = []
    for kind in TEXT_ELEMENTS:
        out += [str(e.value) for e in at.get(kind)]
    for kind in ("metric", "button", "download_button", "text_input", "selectbox", "expander"):
        for e in at.get(kind):
            out += [str(getattr(e, "label", "") or ""), str(getattr(e.proto, "help", "") or "")]
    return out


def assert_inert(at: AppTest) -> None:
    for value in texts(at):
        for raw in RAW:
            assert not re.search(r"(?<!\\)" + re.escape(raw), value), (raw, value)


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


# ------------------------------------------------------------------ the escaping itself
@settings(max_examples=300, deadline=None)
@given(st.text())
def test_md_escape_keeps_the_text_and_leaves_no_markup(text):
    escaped = md_escape(text)
    # word joiners are what md_escape adds (to break bare URLs): ignored on both sides
    assert unescape(escaped) == re.sub(r"\s+", " ", text).replace(WORD_JOINER, "")
    # every ASCII punctuation character is escaped, so none can start markup
    assert not re.search(r"(?<!\\)(?:\\\\)*[!-/:-@\[-`{-~]", re.sub(r"\\[!-/:-@\[-`{-~]", "", escaped))
    assert "\n" not in escaped


@pytest.mark.parametrize("text", ["https://example.com", "HTTP://x.org", "www.example.com", "WWW.x.org",
                                  "mail@example.com"])
def test_bare_urls_and_addresses_are_broken_for_the_autolinker(text):
    # GFM makes links of these after the escapes are resolved: a word joiner stops it.
    assert WORD_JOINER in md_escape(text) and WORD_JOINER in badge(text)
    assert unescape(md_escape(text)) == text


def test_badge_leaves_square_brackets_to_streamlit():
    assert badge("[x](y) *z*") == "[x]\\(y\\) \\*z\\*"


def test_error_text_shows_a_file_name_never_its_folder(tmp_path):
    e = InputError(tmp_path / "sub" / "p.sqlite", "no segment [x](https://example.com) #3")
    shown = error_text(e)
    assert str(tmp_path) not in unescape(shown) and unescape(shown).startswith("p.sqlite: ")
    assert "[x](" not in shown


# ------------------------------------------------------------------ every injection point
@pytest.fixture
def hostile(tmp_path, monkeypatch) -> Path:
    """A project whose document id, locators, notes, reviewer name and annotation are hostile."""
    path = build(tmp_path / "hostile.sqlite", doc=HOSTILE, locator=HOSTILE, note=HOSTILE)
    p = Project.open(path)
    p.save(HOSTILE, 3, f"نص {HOSTILE}", HOSTILE, 0)  # another client (the CLI) may store any name
    p.annotate(HOSTILE, 3, "Accuracy/Mistranslation", "major", None, None, HOSTILE, HOSTILE)
    monkeypatch.setenv("MT_REVIEW_PROJECT", str(path))
    return path


def test_hostile_document_id_locator_and_reviewer_are_text_on_the_segment_page(hostile):
    at = start("segment", doc=HOSTILE, seg=3)
    assert not at.exception, at.exception
    assert at.title[0].value == f"{md_escape(HOSTILE)} #3"
    everything = " ".join(texts(at))
    in_badge = badge(HOSTILE).replace("[", "\\[").replace("]", "\\]")  # as st.badge passes it on
    assert f":gray-badge[{in_badge}]" in everything  # the locator badge
    assert f"by {in_badge}]" in everything  # the revision badge's reviewer
    assert any(f"by {md_escape(HOSTILE)}" in c.value for c in at.caption)
    assert_inert(at)
    # the HTML blocks (segment text, flags, annotations) are escaped HTML
    bodies = " ".join(h.proto.body for h in at.get("html"))
    assert "<img" not in bodies and "&lt;img" in bodies


@pytest.mark.parametrize("name", ["overview", "queue", "export"])
def test_hostile_project_on_every_page(hostile, name):
    at = start(name)
    assert not at.exception, at.exception
    assert_inert(at)


def test_flash_messages_escape_the_document_id(hostile):
    at = start("segment", doc=HOSTILE, seg=4)
    at.button(key="approve").click().run()
    assert any(f"Approved {md_escape(HOSTILE)} #4" in s.value for s in at.success)
    assert_inert(at)


def test_conflict_panel_escapes_the_other_reviewer(hostile):
    at = start("segment", doc=HOSTILE, seg=5)
    Project.open(hostile).save(HOSTILE, 5, "نص آخر", HOSTILE, 0)
    at.text_area(key="correction").input("نص جديد")
    at.button(key="FormSubmitter:edit-Save").click().run()
    assert at.error and any("Not saved" in e.value for e in at.error)
    assert any(md_escape(HOSTILE) in m.value for m in at.markdown)
    assert_inert(at)
    at.button(key="conflict_theirs").click().run()
    assert_inert(at)


# ------------------------------------------------------------------ URL parameters
@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    path = build(tmp_path / "news.sqlite")
    monkeypatch.setenv("MT_REVIEW_PROJECT", str(path))
    return path


@pytest.mark.parametrize("doc, seg, says", [
    ("[x](https://example.com)", "1", "no document"),
    (f"{DOC_ID}/../../etc/passwd", "1", "no document"),
    (DOC_ID, "one", "no segment"),
    (DOC_ID, "-1", "no segment"),
    (DOC_ID, "1e3", "no segment"),
    (DOC_ID, "99", "no segment"),
    (DOC_ID, "9" * 40, "no segment"),
])
def test_segment_address_is_checked(project, doc, seg, says):
    at = start("segment", doc=doc, seg=seg)
    assert not at.exception, at.exception
    assert len(at.error) == 1 and says in at.error[0].value
    assert not at.title  # no segment is shown for a bad address
    assert_inert(at)
    assert str(project.parent) not in " ".join(texts(at))


def test_a_good_address_still_opens_its_segment(project):
    at = start("segment", doc=DOC_ID, seg=" 4")
    assert at.title[0].value == f"{DOC_ID} #4" and not at.error


@pytest.mark.parametrize("name", ["[x](https://example.com)", "$x^2$", XSS, "**bold**", "a" * 65, "-Tess",
                                  "Tess\u202e", "Tess\nAnn"])
def test_a_reviewer_name_that_is_not_a_plain_name_is_refused(project, name):
    at = start("segment", reviewer=name, doc=DOC_ID, seg=3)
    assert any(e.value == state.BAD_REVIEWER for e in at.sidebar.error)
    at.text_area(key="correction").input("نص جديد")
    at.button(key="FormSubmitter:edit-Save").click().run()
    assert any(w.value == state.BAD_REVIEWER for w in at.warning)
    assert Project.open(project).segment(DOC_ID, 3)[REV] == 0  # nothing saved under that name
    assert_inert(at)


@pytest.mark.parametrize("name", ["Tess", "سارة أحمد", "Anne-Marie O'Neil", "J. Doe_2", "a" * 64])
def test_plain_names_in_any_script_are_accepted(name):
    assert state.valid_reviewer(name)


# ------------------------------------------------------------------ the projects folder
def _foreign(path: Path) -> Path:
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE t (x)")
    return path


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """The served folder: news.sqlite, other.review, and files that are not openable projects."""
    d = tmp_path / "projects"
    d.mkdir()
    served = build(d / "news.sqlite")
    build(d / "other.review")
    build(tmp_path / "outside.sqlite")
    _foreign(d / "foreign.sqlite")
    (d / "notes.txt").write_text("not a database")
    (d / "link.sqlite").symlink_to(tmp_path / "outside.sqlite")
    build(d / ".hidden.sqlite")
    (d / "sub").mkdir()
    build(d / "sub" / "deep.sqlite")
    monkeypatch.setenv("MT_REVIEW_PROJECT", str(served))
    monkeypatch.delenv(state.PROJECTS_DIR_ENV, raising=False)
    return d


def test_only_the_projects_of_the_folder_are_offered(folder):
    assert state.projects_dir() == folder.resolve()
    assert state.project_files() == ["news.sqlite", "other.review"]


@pytest.mark.parametrize("name", ["missing.sqlite", "notes.txt", "foreign.sqlite", "link.sqlite", "../outside.sqlite",
                                  "sub/deep.sqlite", "sub", "..", ".", "", " news.sqlite", "news.sqlite\0",
                                  "/etc/passwd", "{outside}", "..\\outside.sqlite"])
def test_anything_else_is_refused_with_one_neutral_message(folder, name):
    name = name.replace("{outside}", str(folder.parent / "outside.sqlite"))
    with pytest.raises(InputError) as e:
        state.open_in_projects_dir(name)
    assert e.value.message == state.CANNOT_OPEN and e.value.path is None


def test_a_listed_project_that_cannot_be_opened_gives_the_neutral_message(folder):
    with sqlite3.connect(folder / "other.review") as c:
        c.execute("PRAGMA user_version = 999")  # a newer program's project
    at = start()
    at.selectbox(key="project_input").set_value("other.review")
    at.button(key="project_open").click().run()
    assert [e.value for e in at.sidebar.error] == [state.CANNOT_OPEN]
    assert {m.label: m.value for m in at.metric}["Segments"] == "6"  # still on the served project


def test_the_projects_folder_can_be_configured(folder, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    build(elsewhere / "third.sqlite")
    monkeypatch.setenv(state.PROJECTS_DIR_ENV, str(elsewhere))
    assert state.project_files() == ["third.sqlite"]
    assert state.open_in_projects_dir("third.sqlite") == (elsewhere / "third.sqlite").resolve()
    with pytest.raises(InputError):
        state.open_in_projects_dir("other.review")
    env = server_env(Path("/p/x.sqlite"), elsewhere, {})
    assert env[PROJECTS_DIR_ENV] == str(elsewhere.resolve()) and env["MT_REVIEW_PROJECT"] == "/p/x.sqlite"
    assert PROJECTS_DIR_ENV not in server_env(Path("/p/x.sqlite"), None, {})


def test_the_sidebar_shows_the_file_name_not_the_server_folder(folder):
    at = start()
    shown = " ".join(c.value for c in at.sidebar.caption)
    assert md_escape("news.sqlite") in shown and str(folder) not in unescape(shown)


def test_a_project_that_cannot_be_opened_is_named_without_its_folder(tmp_path, monkeypatch):
    bad = tmp_path / "[x](https:example.com).sqlite"
    bad.write_text("not a database")
    monkeypatch.setenv("MT_REVIEW_PROJECT", str(bad))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert at.error and "not a review project" in at.error[0].value
    assert str(tmp_path) not in unescape(at.error[0].value)
    assert_inert(at)


# ------------------------------------------------------------------ the HTML report
def test_html_report_escapes_every_field(tmp_path):
    from html.parser import HTMLParser

    from review.export.report import report_data
    from review.export.report_html import render

    project = Project.open(build(tmp_path / f"{HOSTILE}.sqlite", doc=HOSTILE, locator=HOSTILE, note=HOSTILE))
    project.save(HOSTILE, 3, f"نص {HOSTILE}", HOSTILE, 0)
    project.annotate(HOSTILE, 3, "Accuracy/Mistranslation", "major", None, None, HOSTILE, HOSTILE)
    data = report_data(project, 10.0)
    # every string the report can show, replaced by the hostile one where the data allows it
    data["signature"] = HOSTILE
    data["generated"] = HOSTILE
    data["flags_by_check"] = {HOSTILE: 1, **data["flags_by_check"]}
    data["flags_by_category"] = {HOSTILE: 1, **data["flags_by_category"]}
    data["verdicts"] = [{"check": HOSTILE, "confirmed": 1, "false_alarm": 0, "precision": 1.0}]
    data["summary"]["corpus_metrics"] = [{"name": HOSTILE, "score": 1.0, "signature": HOSTILE}]
    data["languages"] = {"source": 'en" onmouseover="x', "target": f'ar" {XSS}'}
    page_html = render(data)

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.attrs, self.text = [], [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            self.attrs += [k for k, _ in attrs]

        def handle_data(self, data):
            self.text.append(data)

    parsed = Tags()
    parsed.feed(page_html)
    assert "img" not in parsed.tags and "a" not in parsed.tags and "script" not in parsed.tags
    assert not any(a.startswith("on") for a in parsed.attrs)
    text = "".join(parsed.text)
    assert text.count(HOSTILE) >= 8  # title, heading, documents, reviewer, checks, metrics...


def test_a_damaged_project_of_the_folder_gives_the_neutral_message(folder):
    """Listed (the header says it is ours) but damaged: the same one message as a missing file."""
    with sqlite3.connect(folder / "other.review") as c:
        c.execute("DROP TABLE revisions")
    assert "other.review" in state.project_files()
    for name in ("other.review", "missing.review", "notes.txt", "foreign.sqlite"):
        with pytest.raises(InputError) as e:
            state.open_in_projects_dir(name)
        assert e.value.message == state.CANNOT_OPEN and e.value.path is None


def test_listing_the_projects_keeps_the_served_project_safe_from_other_processes(folder):
    """Listing the folder must not drop this process's SQLite locks on the served project: another
    process closing its connection would then delete the WAL that our connection still writes to,
    and our later saves would be invisible to everyone else (seen with the browser test)."""
    import subprocess
    import sys

    served = folder / "news.sqlite"
    project = Project.open(served)  # the dashboard's connection, kept open
    try:
        project.save(DOC_ID, 1, "أولى.", "Tess", 0)
        assert "news.sqlite" in state.project_files()
        read = [sys.executable, "-c", "import sys; from review.store import Project; "
                "p = Project.open(sys.argv[1]); print(p.segment(sys.argv[2], 1)['rev']); p.close()",
                str(served), DOC_ID]
        env = {"PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        assert subprocess.run(read, capture_output=True, text=True, check=True, env=env).stdout.strip() == "1"
        project.save(DOC_ID, 1, "ثانية.", "Tess", 1)
        assert subprocess.run(read, capture_output=True, text=True, check=True, env=env).stdout.strip() == "2"
    finally:
        project.close()
