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
from review.app.safe import file_name, md_escape
from review.errors import InputError


def _pick_project() -> None:
    name = st.session_state.get("project_input") or ""
    if not name:
        return
    try:
        path = state.open_in_projects_dir(name)
    except InputError:
        st.session_state["_project_error"] = state.CANNOT_OPEN
        return
    st.session_state.pop("_project_error", None)
    st.session_state[state.PROJECT_KEY] = str(path)


def sidebar(project_path: Path | None) -> None:
    with st.sidebar:
        st.text_input("Reviewer", key=state.REVIEWER, bind="query-params",
                      placeholder="your name (saved with every change)",
                      help="Stored with every correction, approval, verdict and annotation.")
        if state.reviewer_given() and not state.reviewer():
            st.error(state.BAD_REVIEWER)
        elif not state.reviewer():
            st.caption(":orange[Enter your name to save corrections.]")
        with st.expander("Project", expanded=project_path is None):
            if project_path is not None:
                st.caption(f"Open: {md_escape(file_name(project_path))}")
            # Only the projects of the projects folder (a typed name is resolved strictly
            # inside it): the browser never reaches other files of the server.
            st.selectbox("Open another project file", state.project_files(), index=None,
                         key="project_input", accept_new_options=True,
                         placeholder="a project in the projects folder")
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
        # The file name and the reason, never the server's folders.
        name = file_name(e.path) if e.path else "the project"
        st.error(f"Cannot open {md_escape(name)}: {md_escape(e.message)}")
        st.stop()
    sidebar(project_path)
    navigation.run()
