"""Queue: segments worst first, filtered; only one page is ever read from the store."""

from __future__ import annotations

import functools
import hashlib
import json

import polars as pl
import streamlit as st

from review.app import nav, state
from review.app.safe import error_text
from review.checks.base import catalogue
from review.errors import InputError
from review.schema import (CURRENT, DOC, MAX_SEVERITY, MQM_CATEGORIES, N_FLAGS, RISK, SEG, SEVERITIES,
                           SOURCE, STATUS, STATUSES)
from review.store import SEARCH_SIDES

PAGE_SIZE = 50
PAGE_KEY = "q_page"  # prefix of the pagination widget keys
POSITION_KEY = "_queue_pos"  # rank in the queue of the segment opened from it (for "Next flagged")
# Filter widget keys and their defaults. The widgets keep their values for the whole session
# (persist_state), so the segment page's "Next flagged" follows the same filters.
FILTERS = {
    "q_checks": [], "q_categories": [], "q_severities": [], "q_statuses": [], "q_docs": [],
    "q_search": "", "q_regex": False, "q_side": "both", "q_all": False, "q_hide_approved": True,
}


@functools.cache
def check_titles() -> dict[str, str]:
    return {cid: spec.title for cid, spec in catalogue().items()}


def _get(key: str):
    value = st.session_state.get(key)
    return FILTERS[key] if value is None else value


def filters() -> dict:
    """The current filters as keyword arguments of Project.queue."""
    return {
        "flagged_only": not _get("q_all"),
        "checks": _get("q_checks") or None,
        "categories": _get("q_categories") or None,
        "severities": _get("q_severities") or None,
        "statuses": _get("q_statuses") or None,
        "docs": _get("q_docs") or None,
        "search": _get("q_search") or None,
        "regex": bool(_get("q_regex")),
        "search_side": _get("q_side"),
        "hide_approved": bool(_get("q_hide_approved")),
    }


def _page_key(current: dict) -> str:
    # One pagination widget per set of filters: a filter change starts again on page 1, and
    # coming back to the same filters finds the page that was open.
    digest = hashlib.sha1(json.dumps(current, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return f"{PAGE_KEY}_{digest}"


def _filter_widgets(docs: list[str]) -> None:
    common = {"persist_state": "session"}
    for key, default in FILTERS.items():  # defaults through the state, never both ways
        st.session_state.setdefault(key, default)
    titles = check_titles()
    c1, c2, c3, c4 = st.columns(4)
    c1.multiselect("Check", list(titles), key="q_checks", format_func=lambda c: f"{c} · {titles.get(c, c)}",
                   **common)
    c2.multiselect("MQM category", list(MQM_CATEGORIES), key="q_categories", **common)
    c3.multiselect("Severity", list(SEVERITIES), key="q_severities", **common)
    c4.multiselect("Status", list(STATUSES), key="q_statuses", **common)
    c1, c2, c3, c4 = st.columns([3, 1, 1, 2])
    c1.text_input("Search", key="q_search", placeholder="text in the source or the translation (case ignored)",
                  **common)
    c2.selectbox("in", list(SEARCH_SIDES), key="q_side", **common)
    c3.toggle("Regex", key="q_regex", help="A Python regular expression; case counts unless it starts with (?i)",
              **common)
    if len(docs) > 1:
        c4.multiselect("Document", docs, key="q_docs", **common)
    c1, c2, _ = st.columns([1, 1, 2])
    c1.toggle("Show all segments", key="q_all", help="Not only the flagged ones", **common)
    c2.toggle("Hide approved", key="q_hide_approved", **common)


def _approve_unflagged() -> None:
    if not state.reviewer():
        state.flash("warning", "Enter your name in the sidebar first.")
        return
    n = state.project().approve_unflagged(state.reviewer())
    state.flash("success", f"Approved {n} segment(s) that have no flag.")


def _open(doc: str, seg: int, position: int) -> None:
    st.session_state[POSITION_KEY] = position
    nav.open_segment(doc, seg)


def render() -> None:
    project = state.project()
    st.title("Review queue")
    state.show_flash()
    docs = state.doc_ids(project)
    _filter_widgets(docs)

    current = filters()
    page_key = _page_key(current)
    page = int(st.session_state.get(page_key) or 1)
    try:
        if current["search"] and not project.text_index_ready():
            # Built once per project, on its first text search (not at init: review/store/tables.py).
            with st.spinner(f"Building the text index of this project, once ({project.progress()['total']:,} "
                            "segments: about 0.2 s per 1,000) ..."):
                project.ensure_text_index()
        rows, total = project.queue(**current, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    except InputError as e:
        st.error(error_text(e))
        return
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:  # the queue shrank (segments approved and hidden) under the page we were on
        st.session_state.pop(page_key, None)
        page = 1
        rows, total = project.queue(**current, offset=0, limit=PAGE_SIZE)
    offset = (page - 1) * PAGE_SIZE
    st.caption(f"{total:,} segment(s) · page {page} of {pages} · worst first · "
               "tick a row's box to open it, or pick it under the table")

    table = rows.select(
        pl.col(DOC), pl.col(SEG), pl.col(RISK).round(2), pl.col(N_FLAGS).alias("flags"),
        pl.col(MAX_SEVERITY).alias("worst"), pl.col(STATUS).str.replace_all("_", " "),
        pl.col(CURRENT).alias("translation"),
        pl.col(SOURCE))
    # The translation before the source: a right-to-left cell shows its start at the right
    # edge, which must not fall outside the visible width.
    event = st.dataframe(
        table, hide_index=True, key="q_table", on_select="rerun", selection_mode="single-row",
        column_config={"doc": st.column_config.TextColumn(width="small"),
                       "translation": st.column_config.TextColumn(width="large"),
                       "source": st.column_config.TextColumn(width="large")})
    picked = getattr(getattr(event, "selection", None), "rows", None)
    if picked:
        i = picked[0]
        _open(rows[DOC][i], int(rows[SEG][i]), offset + i)

    if pages > 1:
        st.pagination(pages, key=page_key, persist_state="session")

    if rows.height:
        labels = [f"{d} #{s}" for d, s in zip(rows[DOC], rows[SEG])]
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        choice = c1.selectbox("Open segment", range(rows.height), format_func=lambda i: labels[i],
                              key="q_pick")
        if c2.button("Open", key="q_open", type="primary", shortcut="Alt+O"):
            _open(rows[DOC][choice], int(rows[SEG][choice]), offset + choice)
    else:
        st.info("No segment matches these filters.")

    with st.expander("Bulk actions"):
        st.button("Approve all segments with no flag", key="q_approve_unflagged", on_click=_approve_unflagged,
                  help="Every segment still to review on which no check raised anything.")
