"""Overview sections of what the review taught: each check's precision as measured by the
verdicts (review.calibrate) and the glossary entries learned from corrections
(review.glossary_learn), with a button to accept each into the project glossary."""

from __future__ import annotations

import streamlit as st

from review import calibrate, glossary_learn
from review.app import state
from review.app.safe import error_text, md_escape
from review.errors import InputError


def _accept(term: str, target: str) -> None:
    try:
        glossary_learn.accept(state.project(), term, target)
    except InputError as e:
        state.flash("error", error_text(e))
        return
    state.flash("success", f"Added to the project glossary: {md_escape(term)} → {md_escape(target)}. "
                           "`review rescore` flags the old rendering from now on.")


def render(project) -> None:
    st.subheader("Checks as measured by the reviewers")
    table = calibrate.precision_table(project)
    if table.height:
        st.caption("Precision: confirmed / (confirmed + false alarms). Calibrated: the Beta(2, 2) posterior "
                   "mean (confirmed + 2) / (verdicts + 4); the queue's risk weighs each check's flags by "
                   "calibrated / 0.5. `review checks --suggest PROJECT` turns low ones into configuration.")
        st.dataframe(table.rename({"observed": "precision", "precision": "calibrated", "factor": "risk weight ×"}),
                     hide_index=True, key="check_precision")
    else:
        st.caption("No flags and no verdicts yet.")

    st.subheader("Glossary learned from corrections")
    sugg = glossary_learn.suggestions(project)
    if sugg.height == 0:
        st.caption("No name or term fix saved yet.")
        return
    for i, r in enumerate(sugg.iter_rows(named=True)):
        c1, c2 = st.columns([8, 1.5], vertical_alignment="center")
        c1.markdown(f"**{md_escape(r['term'])}** → {md_escape(r['target'])} · replaces {md_escape(r['old'])} · "
                    f"{r['n_segments']} segment(s), {r['propagated']} propagated: {md_escape(r['segments'])}")
        c2.button("In glossary ✓" if r["in_glossary"] else "Add to glossary", key=f"gl_add_{i}",
                  disabled=r["in_glossary"], on_click=_accept, args=(r["term"], r["target"]))
