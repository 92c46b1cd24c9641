"""The dashboard's pages and moving between them (URLs keep the open segment across reloads)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

DOC_PARAM, SEG_PARAM = "doc", "seg"


PAGES_DIR = Path(__file__).resolve().parent / "pages"
# name -> (title, icon); each page is a two-line script in pages/ calling review.app.<name>.render
# (scripts rather than callables so that AppTest.switch_page can reach them).
PAGES = {
    "overview": ("Overview", ":material/insights:"),
    "queue": ("Queue", ":material/format_list_numbered:"),
    "segment": ("Segment", ":material/edit_note:"),
    "export": ("Export", ":material/download:"),
}


def page_script(name: str) -> Path:
    return PAGES_DIR / f"page_{name}.py"


def pages() -> dict[str, st.Page]:
    return {name: st.Page(page_script(name), title=title, icon=icon, url_path=name,
                          default=name == "overview")
            for name, (title, icon) in PAGES.items()}


def open_segment(doc: str, seg: int) -> None:
    """Switch to the segment page on doc #seg (stops the current run)."""
    st.switch_page(pages()["segment"], query_params={DOC_PARAM: doc, SEG_PARAM: str(seg)})


def segment_in_url() -> tuple[str, str] | None:
    """The document and segment the address names, as given (the segment page checks them)."""
    doc, seg = st.query_params.get(DOC_PARAM), st.query_params.get(SEG_PARAM)
    if doc is None or seg is None:
        return None
    return doc, seg


def set_segment_in_url(doc: str, seg: int) -> None:
    st.query_params[DOC_PARAM] = doc
    st.query_params[SEG_PARAM] = str(seg)
