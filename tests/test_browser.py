"""End to end in a real browser: headless Chromium (Debian `chromium`) driven by Playwright,
against a Streamlit server started here with `review app` on a free localhost port.

Skips, saying why, only where no browser can run (no Playwright or no Chromium executable).
`.ci/run` installs both (apt `chromium fonts-noto-core`, pip `playwright`); Playwright's own
browser download is never used.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import polars as pl
import pytest

from urllib.parse import quote

from app_project import DOC_ID, HOSTILE, PAIRS, XSS, build
from review.corpus import Corpus
from review.schema import DOC, SEG, SOURCE, TARGET
from review.store import Project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
expect = None  # playwright.sync_api.expect, set once Playwright is known to be importable
SHOTS = os.environ.get("MT_REVIEW_SCREENSHOTS")  # a folder to keep screenshots in, if set


def _chromium() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.skip("no Chromium executable (install the Debian package `chromium`)")


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="Playwright for Python is not installed (pip install playwright)")
    global expect
    expect = sync_api.expect
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`review app PROJECT --port P` on a temporary project; yields (base URL, project path)."""
    yield from _serve(tmp_path, build(tmp_path / "news.sqlite"))


@pytest.fixture
def hostile_server(tmp_path):
    """The same on a project whose document id, locators, notes and reviewer are hostile."""
    from review.store import Project

    project = build(tmp_path / "hostile.sqlite", doc=HOSTILE, locator=HOSTILE, note=HOSTILE)
    with contextlib.closing(Project.open(project)) as p:
        p.save(HOSTILE, 3, f"نص {HOSTILE}", HOSTILE, 0)
    yield from _serve(tmp_path, project)


def _serve(tmp_path, project):
    port = _free_port()
    env = dict(os.environ, STREAMLIT_SERVER_HEADLESS="true", XDG_DATA_HOME=str(tmp_path / "data"))
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "review", "app", str(project), "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail("the dashboard did not start:\n" + (tmp_path / "server.log").read_text())
                time.sleep(0.3)
        yield url, project
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(20)
        log.close()


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def _direction(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).direction")


def _settled(page) -> None:
    """Wait until Streamlit has no script run in progress (its "Running..." icon is gone).

    An action's run may not have started yet when this is called, so it only complements the
    content waits (expect(...) on what the run must show); it never replaces them."""
    expect(page.get_by_test_id("stStatusWidgetRunningIcon")).to_have_count(0)


def _review_flow(page, url: str) -> str:
    reviewer = page.get_by_role("textbox", name="Reviewer")
    page.goto(url + "/queue")
    reviewer.fill("Tess")
    reviewer.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]reviewer=Tess(&|$)"))
    expect(page.get_by_text("3 segment(s) · page 1 of 1")).to_be_visible()
    _settled(page)
    page.locator(".st-key-q_open button").click()  # the first of the queue: the worst segment

    expect(page.get_by_role("heading", name=f"{DOC_ID} #3")).to_be_visible()
    # The segment's own MT (the neighbours shown as context are further down, also RTL).
    mt = page.locator(".st-key-seg_mt div.mtr-seg")
    expect(mt.locator("mark.sev-critical")).to_have_text("الرائحة الكريهة")
    expect(mt).to_have_attribute("dir", "rtl")
    assert _direction(mt) == "rtl"
    box = page.locator(".st-key-correction textarea")
    expect(box).to_have_value(PAIRS[2][1])
    assert _direction(box) == "rtl"
    _settled(page)
    _shot(page, "segment-before")

    fixed = "قام إيلون ماسك بمشاركة الرسالة."
    box.fill(fixed)
    expect(box).to_have_value(fixed)
    box.press("Control+Enter")  # the form's keyboard shortcut for Save
    expect(page.get_by_text("Saved revision 1")).to_be_visible()
    _settled(page)

    page.reload()
    expect(page.get_by_text("revision 1 by Tess · corrected")).to_be_visible()
    expect(box).to_have_value(fixed)
    assert _direction(box) == "rtl"
    # The reviewer's name is kept in the address across reloads.
    expect(page).to_have_url(re.compile(r"[?&]reviewer=Tess(&|$)"))
    _settled(page)
    _shot(page, "segment-saved")

    page.goto(f"{url}/segment?doc={DOC_ID}&seg=4")
    expect(page.get_by_role("heading", name=f"{DOC_ID} #4")).to_be_visible()
    mt = page.locator(".st-key-seg_mt div.mtr-seg")
    expect(mt).to_contain_text(XSS)  # the markup is shown as text...
    _settled(page)
    assert page.locator('img[src="x"]').count() == 0  # ...and never becomes an element
    assert page.evaluate("document.querySelectorAll('img[onerror]').length") == 0
    _shot(page, "segment-markup")
    return fixed


@contextlib.contextmanager
def _page(browser, tmp_path: Path):
    """A browser page for one test: long timeouts, a screenshot on failure, and no dialog (an
    alert() would be a script that ran)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)  # a loaded machine: the auto-retrying assertions wait long
    try:
        yield page
    except BaseException:
        with contextlib.suppress(Exception):  # kept in pytest's tmp folder for a look
            page.screenshot(path=str(tmp_path / "failure.png"))
        raise
    finally:
        page.close()
    assert dialogs == []


def test_review_a_segment_in_a_real_browser(browser, server, tmp_path):
    url, project = server
    with _page(browser, tmp_path) as page:
        fixed = _review_flow(page, url)

    from review.store import Project

    row = Project.open(project).segment(DOC_ID, 3)
    assert (row["current"], row["status"], row["reviewer"]) == (fixed, "corrected", "Tess")


def test_report_opens_offline_and_right_to_left(browser, tmp_path):
    from review.export import report
    from review.store import Project

    project = Project.open(build(tmp_path / "news.sqlite"))
    project.save(DOC_ID, 3, f"قام إيلون ماسك بمشاركة {XSS} الرسالة.", "Tess", 0)
    out = tmp_path / "report.html"
    report.write_report(project, out)

    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    assert [r for r in requests if not r.startswith("file:")] == []
    rtl = page.locator('[dir="rtl"]')
    assert rtl.count() > 0 and _direction(rtl.first) == "rtl"
    assert page.locator('img[src="x"]').count() == 0
    assert XSS in page.inner_text("body")
    _shot(page, "report")
    page.close()


def _inert(page, folder: Path) -> None:
    """No link to the hostile URL, no image, no math, no emphasis made of data; no server path."""
    assert page.locator('a[href^="https://example.com"]').count() == 0
    assert page.evaluate("[...document.querySelectorAll('a[href]')].filter(a => "
                         "!a.href.startsWith(location.origin)).map(a => a.href)") == []
    assert page.locator("img[onerror], img[src='x']").count() == 0
    assert page.locator(".katex, .katex-display").count() == 0
    assert page.locator("[data-testid=stMarkdownContainer] strong").count() == 0
    assert str(folder) not in page.inner_text("body")


def _hostile_pages(page, url: str, folder: Path) -> None:
    page.goto(f"{url}/segment?doc={quote('[x](https://example.com)')}&seg=1")
    alert = page.get_by_test_id("stAlertContentError")
    expect(alert).to_contain_text("The address names no document")
    _settled(page)
    _inert(page, folder)

    page.goto(f"{url}/segment?doc={quote(HOSTILE)}&seg=3&reviewer={quote('[x](https://example.com)')}")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("#3")
    assert heading.inner_text().replace("\u2060", "").strip() == f"{HOSTILE} #3"  # the literal text
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("reviewer name")
    _settled(page)
    body = page.inner_text("body").replace("\u2060", "")
    assert body.count(HOSTILE) >= 3  # title, locator badge, reviewer in the revision badge/caption
    _inert(page, folder)
    _shot(page, "segment-hostile")


def test_text_from_data_and_the_address_is_only_text_in_a_real_browser(browser, hostile_server, tmp_path):
    url, project = hostile_server
    with _page(browser, tmp_path) as page:
        _hostile_pages(page, url, project.parent)


# ------------------------------------------------------------------ a pathological search
PATHOLOGICAL = r"^(\w+\s?)*$"  # catastrophic backtracking for Python's `re` on a sentence ending in "."
EN_WORDS = "the board said on Monday that the company will publish its letter about safety and growth".split()
AR_WORDS = "قال المجلس يوم الاثنين إن الشركة ستنشر رسالتها حول السلامة والنمو في العام المقبل".split()


def _many_sentences(path: Path, n: int = 5000) -> Path:
    """`n` segments of 30-word sentences (seeded), none flagged: the queue shows all of them."""
    rng = random.Random(7)
    segments = pl.DataFrame({
        DOC: ["long"] * n, SEG: list(range(1, n + 1)),
        SOURCE: [" ".join(rng.choices(EN_WORDS, k=30)) + "." for _ in range(n)],
        TARGET: [" ".join(rng.choices(AR_WORDS, k=30)) + "." for _ in range(n)],
    })
    Project.create(path, Corpus(segments=segments, documents=pl.DataFrame({DOC: ["long"]}))).close()
    return path


@pytest.fixture
def long_server(tmp_path):
    yield from _serve(tmp_path, _many_sentences(tmp_path / "long.sqlite"))


class HealthProbe:
    """Polls /_stcore/health from a thread; keeps every answer's latency (None: no answer in 10 s)."""

    def __init__(self, url: str):
        self.url, self.latencies, self._stop = url + "/_stcore/health", [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(self.url, timeout=10) as r:
                    r.read()
                self.latencies.append(time.perf_counter() - t0)
            except OSError:
                self.latencies.append(None)
            self._stop.wait(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(15)


@pytest.mark.slow
def test_a_pathological_search_blocks_neither_the_server_nor_another_session(browser, long_server, tmp_path):
    url, _ = long_server
    searcher = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    for page in (searcher, other):
        page.set_default_timeout(60_000)
    expect.set_options(timeout=60_000)
    try:
        searcher.goto(url + "/queue")
        expect(searcher.get_by_text("0 segment(s)")).to_be_visible()  # nothing flagged
        _settled(searcher)
        searcher.get_by_text("Show all segments").click()
        expect(searcher.get_by_text("5,000 segment(s) · page 1 of 100")).to_be_visible()
        _settled(searcher)
        searcher.get_by_text("Regex", exact=True).click()
        _settled(searcher)
        search = searcher.get_by_role("textbox", name="Search")
        search.fill(PATHOLOGICAL)
        with HealthProbe(url) as probe:
            t0 = time.perf_counter()
            search.press("Enter")  # the search runs now, in this session's script run
            other.goto(url + "/queue")  # a second session, meanwhile
            expect(other.get_by_role("heading", name="Review queue")).to_be_visible()
            expect(other.get_by_text("segment(s) · page")).to_be_visible()
            second_session_s = time.perf_counter() - t0
            # The search ends: no segment matches (every sentence ends with "."), or the budget's message.
            expect(searcher.get_by_text(re.compile(r"^0 segment\(s\)|took longer than"))).to_be_visible()
            _settled(searcher)
            search_s = time.perf_counter() - t0
    except BaseException:
        with contextlib.suppress(Exception):
            searcher.screenshot(path=str(tmp_path / "failure-searcher.png"))
            other.screenshot(path=str(tmp_path / "failure-other.png"))
        raise
    finally:
        searcher.close()
        other.close()
    answered = [s for s in probe.latencies if s is not None]
    assert len(probe.latencies) >= 2 and len(answered) == len(probe.latencies), probe.latencies
    assert max(answered) < 5.0, f"health took {max(answered):.1f} s during the search"
    print(f"search {search_s:.1f} s; second session's queue {second_session_s:.1f} s; "
          f"health max {max(answered) * 1000:.0f} ms over {len(answered)} polls")


# ---------------------------------------------------------------------- issue 13: review once, fix everywhere
@pytest.fixture
def demo_server(tmp_path):
    """`review app` on a fresh copy of the demo project."""
    from review.workflow import build_demo

    yield from _serve(tmp_path, build_demo(tmp_path / "demo.review"))


def _export_text(project_path, tmp_path) -> str:
    from review.export.project import export_project
    from review.store import Project

    out = tmp_path / "ar.corrected.txt"
    with contextlib.closing(Project.open(project_path)) as p:
        export_project(p, "text", out)
    return out.read_text(encoding="utf-8")


def _propagate_flow(page, url: str, project_path, tmp_path) -> None:
    from review.store import Project

    page.goto(f"{url}/segment?doc=musk-letter&seg=43&reviewer=Tess")
    expect(page.get_by_role("heading", name="musk-letter #43")).to_be_visible()
    box = page.locator(".st-key-correction textarea")
    expect(box).to_have_value(re.compile("Altman"))
    _settled(page)
    mt = box.input_value()
    # Keyboard only from here: Alt+Y confirms the first open flag.
    page.keyboard.press("Alt+KeyY")
    expect(page.get_by_text("Flag marked confirmed")).to_be_visible()
    _settled(page)
    box.focus()
    page.keyboard.press("Control+KeyA")
    page.keyboard.insert_text(mt.replace("Altman", "ألتمان"))
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("Saved revision 1")).to_be_visible()
    panel = page.locator(".st-key-propagation")
    expect(panel).to_contain_text("Same fix elsewhere (1)")
    expect(panel).to_contain_text("musk-letter #2")
    expect(panel.locator("del")).to_have_text("Altman")
    expect(panel.locator("ins")).to_have_text("ألتمان")
    _settled(page)
    _shot(page, "propagation-offered")
    if SHOTS:
        panel.screenshot(path=str(Path(SHOTS) / "propagation-panel.png"))
    page.locator("body").press("Alt+KeyP")  # accept all, from the keyboard
    expect(page.get_by_text("Accepted 1 propagated fix(es)")).to_be_visible()
    expect(panel).to_contain_text("Same fix elsewhere (0)")
    _settled(page)
    with contextlib.closing(Project.open(project_path)) as p:
        rev = p.revisions("musk-letter", 2).row(-1, named=True)
        assert (rev["propagated_doc"], rev["propagated_seg"], rev["reviewer"]) == ("musk-letter", 43, "Tess")
        assert p.verdicts()["verdict"].to_list() == ["confirmed"]
    text = _export_text(project_path, tmp_path)
    assert "Altman" not in text and text.count("ألتمان") >= 2

    page.locator("body").press("Alt+KeyU")  # undo the propagated fix
    expect(page.get_by_text("Undid 1 propagated fix(es)")).to_be_visible()
    expect(panel).to_contain_text("Same fix elsewhere (1)")  # offered again
    _settled(page)
    with contextlib.closing(Project.open(project_path)) as p:
        assert p.segment("musk-letter", 2)["status"] == "to_review"
    assert "Sam Altman" in _export_text(project_path, tmp_path)

    page.locator("body").press("Alt+KeyA")  # approve
    expect(page.get_by_text("Approved musk-letter #43")).to_be_visible()
    _settled(page)
    page.locator("body").press("Alt+KeyN")  # next flagged
    expect(page).not_to_have_url(re.compile(r"seg=43(&|$)"))
    _settled(page)
    expect(page.get_by_role("heading", name="musk-letter #43")).to_have_count(0)
    expect(page.get_by_text("Keyboard shortcuts").first).to_be_visible()  # the legend


def test_fix_once_propagate_undo_with_the_keyboard_in_a_real_browser(browser, demo_server, tmp_path):
    url, project = demo_server
    with _page(browser, tmp_path) as page:
        _propagate_flow(page, url, project, tmp_path)
