"""The review dashboard: page setup, sidebar (reviewer, project) and navigation.

Run with `review app [PROJECT]` or `streamlit run streamlit_app.py` (project from the
MT_REVIEW_PROJECT environment variable, else the bundled demo working copy).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from review.app import state
from review.app.nav import pages
from review.app.render import CSS
from review.errors import InputError


def _pick_project() -> None:
    path = (st.session_state.get("project_input") or "").strip()
    if not path:
        return
    try:
        state.open_project(Path(path).expanduser())
    except InputError as e:
        st.session_state["_project_error"] = str(e)
        return
    st.session_state.pop("_project_error", None)
    st.session_state[state.PROJECT_KEY] = str(Path(path).expanduser().resolve())


def sidebar(project_path: Path | None) -> None:
    with st.sidebar:
        st.text_input("Reviewer", key=state.REVIEWER, bind="query-params",
                      placeholder="your name (saved with every change)",
                      help="Stored with every correction, approval, verdict and annotation.")
        if not state.reviewer():
            st.caption(":orange[Enter your name to save corrections.]")
        with st.expander("Project", expanded=project_path is None):
            if project_path is not None:
                st.caption(f"Open: `{project_path}`")
            st.text_input("Open another project file", key="project_input",
                          placeholder="/path/to/project.sqlite")
            st.button("Open", on_click=_pick_project, key="project_open")
            if st.session_state.get("_project_error"):
                st.error(st.session_state["_project_error"])


def run() -> None:
    st.set_page_config(page_title="mt-review", page_icon=":material/translate:", layout="wide")
    st.html(CSS)
    navigation = st.navigation(list(pages().values()))
    try:
        with st.spinner("Preparing the demo project (first start only)..."):
            project_path = state.current_project_path()
        state.open_project(project_path)
    except InputError as e:
        sidebar(None)
        st.error(f"Cannot open the project: {e}")
        st.stop()
    sidebar(project_path)
    navigation.run()
