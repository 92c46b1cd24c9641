"""The segment page's "same fix elsewhere" panel: after a name or term fix is saved, the other
segments it applies to, each with its diff; accept one / accept all (Alt+P) / skip, and undo
the accepted ones (Alt+U). All logic is in review.propagate; this only draws and dispatches."""

from __future__ import annotations

import html

import streamlit as st

from review import propagate
from review.app import state
from review.app.render import is_rtl
from review.app.safe import error_text, md_escape
from review.diff import diff_html
from review.errors import InputError
from review.schema import CURRENT, DOC, REV, SEG

ACCEPT_ALL_KEY = "prop_accept_all"  # CSS class .st-key-prop_accept_all (the browser test finds it)
UNDO_ALL_KEY = "prop_undo_all"


def _reviewer() -> str | None:
    who = state.reviewer()
    if not who:
        state.flash("warning", "Enter your name in the sidebar first: it is stored with every change.")
    return who or None


def _accept(doc: str, seg: int, only: list[tuple[str, int]] | None) -> None:
    who = _reviewer()
    if who is None:
        return
    try:
        saved, refused = propagate.accept(state.project(), doc, seg, who, only=only)
    except InputError as e:
        state.flash("error", error_text(e))
        return
    where = ", ".join(f"{md_escape(d)} #{s}" for d, s, _ in saved) or "none"
    message = f"Accepted {len(saved)} propagated fix(es): {where}; the checks ran again on each."
    if refused:
        message += f" {len(refused)} not saved (changed meanwhile): open them to look."
    state.flash("success" if saved else "warning", message)


def _skip(doc: str, seg: int, target_doc: str, target_seg: int) -> None:
    who = _reviewer()
    if who is None:
        return
    propagate.skip(state.project(), doc, seg, target_doc, target_seg, who)
    state.flash("info", f"Skipped {md_escape(target_doc)} #{target_seg}: not offered again.")


def _undo_all(doc: str, seg: int) -> None:
    who = _reviewer()
    if who is None:
        return
    undone = propagate.undo_all(state.project(), doc, seg, who)
    state.flash("info", f"Undid {len(undone)} propagated fix(es): each got a new revision with the text "
                        "it had before.")


def render(project, row: dict, lang: str | None) -> None:
    """The panel for the segment `row` (drawn only when it has a correction)."""
    doc, seg = row[DOC], row[SEG]
    if not row[REV]:
        return
    edits = propagate.origin_edits(project, doc, seg)
    accepted = project.propagated(doc, seg)
    if not edits and accepted.height == 0:
        return
    cands = propagate.candidates(project, doc, seg) if edits else None
    n = 0 if cands is None else cands.height
    with st.container(border=True, key="propagation"):
        st.subheader(f"Same fix elsewhere ({n})")
        if edits:
            st.caption("Fixes of names and terms in this correction: " + md_escape(
                "; ".join(f"{e.term}: {e.old} → {e.new}" for e in edits)))
        rtl = "rtl" if is_rtl(lang) else "ltr"
        for c in (cands.iter_rows(named=True) if n else ()):
            c1, c2, c3 = st.columns([8, 1.2, 1.2], vertical_alignment="center")
            c1.caption(f"{md_escape(c[DOC])} #{c[SEG]} · {md_escape(c['changes'])}")
            c1.html(f'<div class="mtr-diff mtr-prop" dir="{rtl}" lang="{html.escape(lang or "")}">'
                    f'{diff_html(c[CURRENT], c["proposed"])}</div>')
            c2.button("Accept", key=f"prop_ok_{c[DOC]}_{c[SEG]}", on_click=_accept,
                      args=(doc, seg, [(c[DOC], c[SEG])]), help="Save this change as a revision")
            c3.button("Skip", key=f"prop_skip_{c[DOC]}_{c[SEG]}", on_click=_skip, args=(doc, seg, c[DOC], c[SEG]),
                      help="Do not offer this change again")
        if n:
            st.button(f"Accept all {n}", key=ACCEPT_ALL_KEY, type="primary", on_click=_accept,
                      args=(doc, seg, None), shortcut="Alt+P")
        elif edits:
            st.caption("No other segment still has the old rendering.")
        if accepted.height:
            live = len(propagate.still_current(project, doc, seg))
            st.caption(f"{accepted.height} revision(s) propagated from here, {live} still current.")
            st.button(f"Undo propagated ({live})", key=UNDO_ALL_KEY, on_click=_undo_all, args=(doc, seg),
                      shortcut="Alt+U", disabled=live == 0,
                      help="A new revision restoring the text each had before")
