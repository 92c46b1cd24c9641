"""Which project the dashboard has open (MT_REVIEW_PROJECT, a project picked in the sidebar,
or the demo working copy of review.app.workcopy)."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from review.app.workcopy import demo_project_path
from review.errors import InputError
from review.store import Project
from review.workflow import build_demo

PROJECT_ENV = "MT_REVIEW_PROJECT"
REVIEWER = "reviewer"  # session key (and URL query parameter) of the reviewer's name
PROJECT_KEY = "project_path"  # session key of a project picked in the sidebar


def default_project_path() -> Path:
    """MT_REVIEW_PROJECT when set, else the demo working copy (built on first use)."""
    env = os.environ.get(PROJECT_ENV)
    if env:
        return Path(env).expanduser()
    return build_demo(demo_project_path())


def current_project_path() -> Path:
    picked = st.session_state.get(PROJECT_KEY)
    return Path(picked) if picked else default_project_path()


@st.cache_resource(show_spinner=False)
def _open(path: str, inode: int) -> Project:
    # One connection per project file shared by all sessions (the store serialises calls);
    # the file's identity is part of the key so a replaced project is opened afresh.
    return Project.open(path)


def open_project(path: Path) -> Project:
    p = Path(path).resolve()
    if not p.is_file():
        raise InputError(p, "no such project file")
    return _open(str(p), p.stat().st_ino)


def reviewer() -> str:
    return (st.session_state.get(REVIEWER) or "").strip()


def project() -> Project:
    """The project of this session (opened once per file and shared)."""
    return open_project(current_project_path())


def flash(kind: str, message: str) -> None:
    """A message shown once on the next run (callbacks run before the page draws)."""
    st.session_state.setdefault("_flash", []).append((kind, message))


def show_flash() -> None:
    for kind, message in st.session_state.pop("_flash", []):
        getattr(st, kind)(message)


@st.cache_data(show_spinner=False, max_entries=16)
def _doc_ids(path: str, inode: int) -> list[str]:
    return _open(path, inode).doc_ids()


def doc_ids(project: Project) -> list[str]:
    """The project's document ids (cached: the set of documents of a project file never changes)."""
    p = Path(project.path).resolve()
    return _doc_ids(str(p), p.stat().st_ino)
