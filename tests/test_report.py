"""The QA report (HTML and JSON) and the word-level diff it shows."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from review.config import load_config
from review.corpus import Corpus
from review.diff import DELETE, EQUAL, INSERT, diff_html, edit_stats, word_diff
from review.export.report import report_data, write_report
from review.score import score
from review.schema import DOC, FLAG_ID, FORMAT, SEG, SEVERITY, SOURCE, SRC_LANG, TARGET, TGT_LANG
from review.store import Project
from store_corpus import make_scored

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture
def project(tmp_path):
    segs = pl.DataFrame({
        DOC: ["news", "news", "news", "memo"],
        SEG: [1, 2, 3, 1],
        SOURCE: ["Revenue rose 12% in 2023.", "The board met on Monday.", f"Type {EVIL} here.", "Thanks."],
        TARGET: ["ارتفعت الإيرادات 21% في 2023.", "اجتمع المجلس يوم الاثنين.", f"اكتب {EVIL} هنا.", "شكرا."],
        SRC_LANG: ["en"] * 4, TGT_LANG: ["ar"] * 4,
    })
    corpus = Corpus(segs, pl.DataFrame({DOC: ["news", "memo"], FORMAT: ["text", "text"]}))
    scored = make_scored(corpus, [
        ("news", 1, "numbers", "Accuracy/Mistranslation", "major", 17, 20, 5.0, "21% vs 12%"),
        ("news", 2, "punct", "Fluency/Punctuation", "minor", 0, 1, 0.1, f"odd {EVIL}"),
        ("news", 3, "numbers", "Accuracy/Mistranslation", "major", 0, 1, 5.0, "x"),
    ], summary={}, signature="mt-review:test|cfg:abc")
    p = Project.create(tmp_path / "r.review", corpus, scored)
    p.save("news", 1, "ارتفعت الإيرادات 12% في عام 2023.", "amal", 0)
    p.save("news", 3, f"اكتب {EVIL} هنا <script>alert(2)</script>.", "omar", 0)
    p.approve("memo", 1, "amal", 0)
    fid = dict(zip(p.flags(which="mt")[SEG], p.flags(which="mt")[FLAG_ID]))
    p.set_verdict(fid[1], "confirmed", "amal")
    p.set_verdict(fid[3], "false_alarm", "amal")
    p.set_verdict(fid[2], "false_alarm", "omar")
    p.annotate("news", 2, "Style/Awkward", "minor", None, None, "stiff", "omar")
    yield p
    p.close()


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_is_self_contained_escaped_and_rtl(tmp_path, project):
    write_report(project, tmp_path / "report.html")
    html = (tmp_path / "report.html").read_text("utf-8")
    parser = _Elements()
    parser.feed(html)
    names = [t for t, _ in parser.tags]
    # Nothing is loaded from anywhere: no scripts, images, links, frames, remote URLs.
    assert not {"script", "img", "link", "iframe", "object", "embed"} & set(names)
    assert not [a for _, a in parser.tags if {"src", "href", "action", "srcset"} & set(a)]
    assert not re.search(r"url\(|@import|https?://", html)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;" in html
    rtl = [a for _, a in parser.tags if a.get("dir") == "rtl"]
    assert rtl and all(a.get("lang") == "ar" for a in rtl)
    assert "<ins>" in html and "<del>" in html


def test_json_report_has_the_same_data(tmp_path, project):
    write_report(project, tmp_path / "report.json", fmt="json", threshold=5.0)
    d = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert d["signature"] == "mt-review:test|cfg:abc"
    s = d["summary"]
    assert (s["total"], s["corrected"], s["approved"], s["reviewed"], s["flagged"]) == (4, 2, 1, 3, 2)
    assert d["flags_by_category"] == {"Accuracy/Mistranslation": 2, "Fluency/Punctuation": 1}
    cards = {c["doc"]: c for c in d["scorecard"]}
    # news: 5+0.1+5 automatic; reviewed drops the two false alarms and adds the minor annotation.
    assert cards["news"]["automatic_penalty"] == 10.1
    assert cards["news"]["reviewed_penalty"] == 6.0
    words = cards["news"]["source_words"]
    assert words == 5 + 5 + 5  # whitespace-separated words of the source
    assert cards["news"]["penalty_per_1000_words"] == round(6.0 * 1000 / words, 2)
    assert cards["news"]["pass"] is False and cards["memo"]["pass"] is True
    assert {v["check"]: v["precision"] for v in d["verdicts"]} == {"numbers": 0.5, "punct": 0.0}
    eff = d["effort"]["corpus"]
    assert eff["segments_edited"] == 2 and eff["share_edited"] == 0.5
    assert 0 < eff["ter"] < 100 and eff["ter_signature"].startswith("nrefs:1")
    assert [(c["doc"], c["seg"]) for c in d["corrections"]] == [("news", 1), ("news", 3)]
    ops = [op for op, _ in d["corrections"][0]["diff"]]
    assert DELETE in ops and INSERT in ops
    assert [r["seg"] for r in d["effort"]["segments"]] == [1, 3]
    assert report_data(project, threshold=1000)["scorecard"][0]["pass"] is True


def test_configured_weights_reach_flags_and_annotations(tmp_path):
    """With `[weights] major = 10` a reviewer's major annotation adds 10 to the reviewed penalty,
    as an automatic major flag does (it added the default 5 before: issue 8)."""
    text = "[weights]\nmajor = 10\nminor_punctuation = 0.5\n"
    (tmp_path / "review.toml").write_text(text, "utf-8")
    config = load_config(tmp_path / "review.toml")
    segs = pl.DataFrame({
        DOC: ["memo", "memo"], SEG: [1, 2],
        SOURCE: ["Revenue rose 12% in 2023.", "The board met on Monday."],
        TARGET: ["ارتفعت الإيرادات 21% في 2023.", "اجتمع المجلس يوم الاثنين."],
        SRC_LANG: ["en"] * 2, TGT_LANG: ["ar"] * 2,
    })
    corpus = Corpus(segs, pl.DataFrame({DOC: ["memo"], FORMAT: ["text"]}))
    scored = score(corpus, config)
    major = scored.flags.filter(pl.col(SEVERITY) == "major")
    assert major.height and major["weight"].to_list() == [10.0] * major.height
    p = Project.create(tmp_path / "w.review", corpus, scored, config_text=text)
    try:
        automatic = report_data(p)["scorecard"][0]["automatic_penalty"]
        p.annotate("memo", 2, "Style/Awkward", "major", None, None, "stiff", "omar")
        p.annotate("memo", 2, "Fluency/Punctuation", "minor", 0, 1, None, "omar")
        card = report_data(p)["scorecard"][0]
    finally:
        p.close()
    assert card["automatic_penalty"] == automatic
    assert card["reviewed_penalty"] == pytest.approx(automatic + 10 + 0.5)


# ---------------------------------------------------------------------- word diff
def test_word_diff_marks_changed_words():
    d = word_diff("ارتفعت الإيرادات 21% في 2023.", "ارتفعت الإيرادات 12% في عام 2023.")
    assert (DELETE, "21") in d and (INSERT, "12") in d and (INSERT, "عام ") in d
    assert d[0] == (EQUAL, "ارتفعت الإيرادات ")
    assert word_diff("same", "same") == [(EQUAL, "same")]
    assert word_diff("", "new") == [(INSERT, "new")]
    assert edit_stats("a b", "a c") == {"chars_deleted": 1, "chars_inserted": 1, "words_deleted": 1,
                                        "words_inserted": 1}


def test_diff_html_escapes_text():
    html = diff_html("x <b>", f"x {EVIL}")
    assert html == "x &lt;<del>b</del><ins>img src=x onerror=alert(1)</ins>&gt;"
    assert diff_html("a & b", "a & c") == "a &amp; <del>b</del><ins>c</ins>"


@given(st.text(max_size=60), st.text(max_size=60))
def test_word_diff_rebuilds_both_texts(a, b):
    d = word_diff(a, b)
    assert "".join(t for op, t in d if op != INSERT) == a
    assert "".join(t for op, t in d if op != DELETE) == b
    assert all(t for _, t in d)
    assert all(x[0] != y[0] for x, y in zip(d, d[1:]))  # neighbours merged
