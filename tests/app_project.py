"""A small review project for the dashboard tests (our own sentences, hand-made flags), and the
headless dashboard on it (`start`).

The flags are written here (not produced by the checks) so that the tests know exactly what
the queue and the segment view must show; saving a correction runs the real checks.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from streamlit.testing.v1 import AppTest

from review.config import load_config
from review.corpus import Corpus
from review.schema import (BEAD, CATEGORY, CHECK, DOC, END, FLAG_SCHEMA, LOCATOR, MESSAGE, NOTE, SEG,
                           SEVERITY, SIDE, SOURCE, SRC_LANG, START, TARGET, TGT_LANG, WEIGHT, BT)
from review.score import Scored, add_metrics, add_scores, metric_passes, summarize
from review.store import Project

APP = Path(__file__).resolve().parents[1] / "streamlit_app.py"
DOC_ID = "news"
XSS = "<img src=x onerror=alert(1)>"
# Markdown link, LaTeX, HTML and emphasis: shown as exactly this text everywhere, never rendered.
HOSTILE = f"[x](https://example.com) $x^2$ {XSS} **bold**"
# (source, target, back-translation)
PAIRS = [
    ("The company announced its results on Tuesday.", "أعلنت الشركة نتائجها يوم الثلاثاء.",
     "The company announced its results on Tuesday."),
    ("Sam Altman returned as chief executive.", "عاد Sam Altman رئيسًا تنفيذيًا.",
     "Sam Altman returned as chief executive."),
    ("Elon Musk shared the letter.", "قام الرائحة الكريهة بمشاركة الرسالة.",
     "The musk shared the letter."),
    (f"The page showed {XSS} as text.", f"أظهرت الصفحة {XSS} كنص.",
     f"The page showed {XSS} as text."),
    ("Revenue grew by 25% in 2023.", "نمت الإيرادات بنسبة 52% في عام 2023.",
     "Revenue grew by 52% in 2023."),
    ("The board met again.", "اجتمع المجلس مرة أخرى.", "The board met again."),
]


def _flag(seg: int, check: str, category: str, severity: str, message: str, start=None, end=None,
          side: str = "target", doc: str = DOC_ID) -> dict:
    weight = {"neutral": 0.0, "minor": 1.0, "major": 5.0, "critical": 25.0}[severity]
    return {DOC: doc, SEG: seg, CHECK: check, CATEGORY: category, SEVERITY: severity,
            MESSAGE: message, SIDE: side, START: start, END: end, WEIGHT: weight}


def flags(doc: str = DOC_ID) -> pl.DataFrame:
    t3 = PAIRS[2][1]
    t4 = PAIRS[3][1]
    t5 = PAIRS[4][1]
    rows = [
        _flag(3, "name_translated", "Accuracy/Mistranslation", "critical",
              "“الرائحة الكريهة” translates the name Musk as a word",
              t3.index("الرائحة"), t3.index("الرائحة") + len("الرائحة الكريهة")),
        _flag(3, "bt_missing", "Accuracy/Mistranslation", "major",
              "the back-translation says “The musk”", 0, 8, side="bt"),
        _flag(4, "tag_mismatch", "Design/Markup", "major", "markup <img> in the translation",
              t4.index(XSS), t4.index(XSS) + len(XSS)),
        _flag(5, "number_mismatch", "Accuracy/Mistranslation", "major", "52% in the target, 25% in the source",
              t5.index("52%"), t5.index("52%") + 3),
        _flag(2, "latin_leftover", "Accuracy/Untranslated", "minor", "Latin letters left: Sam Altman",
              PAIRS[1][1].index("Sam"), PAIRS[1][1].index("Sam") + len("Sam Altman")),
    ]
    return pl.DataFrame(rows, schema=FLAG_SCHEMA).with_columns(pl.lit(doc).alias(DOC))


def corpus(doc: str = DOC_ID, locator: str | None = None, note: str | None = None) -> Corpus:
    n = len(PAIRS)
    segments = pl.DataFrame({
        DOC: [doc] * n, SEG: list(range(1, n + 1)), SOURCE: [p[0] for p in PAIRS],
        TARGET: [p[1] for p in PAIRS], BT: [p[2] for p in PAIRS], SRC_LANG: ["en"] * n,
        TGT_LANG: ["ar"] * n, BEAD: ["1-1"] * n, LOCATOR: [locator] * n, NOTE: [note] * n,
    }, schema_overrides={LOCATOR: pl.String(), NOTE: pl.String()})
    documents = pl.DataFrame({DOC: [doc], SRC_LANG: ["en"], TGT_LANG: ["ar"]})
    return Corpus(segments=segments, documents=documents)


def build(path: Path, config_text: str | None = None, doc: str = DOC_ID, locator: str | None = None,
          note: str | None = None) -> Path:
    """Write the project to `path`; segments 3, 4 and 5 are flagged, 3 is the worst. `doc`,
    `locator` and `note` set the document id and every segment's locator and note."""
    c = corpus(doc, locator, note)
    config = load_config()
    segs, corpus_metrics = add_metrics(c.segments, metric_passes(c.segments), lambda: None)
    fl = flags(doc)
    scored_segments = add_scores(segs, fl, config)
    scored = Scored(scored_segments, fl, summarize(scored_segments, fl, config, corpus_metrics),
                    config.signature())
    Project.create(path, c, scored, config_text=config_text).close()
    return path


def page(name: str) -> str:
    return f"review/app/pages/page_{name}.py"  # relative to the main script, as AppTest wants


def start(name: str = "overview", reviewer: str | None = "Tess", **params) -> AppTest:
    """The dashboard run headless (AppTest) on page `name`, with `reviewer` and `params` as URL
    parameters. An exception shown by the app fails the test here."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    if reviewer:
        at.query_params["reviewer"] = reviewer
    at.query_params.update({k: str(v) for k, v in params.items()})
    at.run()
    if name != "overview":
        at.switch_page(page(name)).run()
    assert not at.exception, at.exception
    return at
