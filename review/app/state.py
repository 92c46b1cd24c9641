"""Which project the dashboard has open (MT_REVIEW_PROJECT, a project picked in the sidebar,
or the demo working copy of review.app.workcopy)."""

from __future__ import annotations

import os
import sqlite3
import unicodedata
from pathlib import Path

import streamlit as st

from review.app.workcopy import demo_project_path
from review.errors import InputError
from review.store import Project
from review.store.tables import APPLICATION_ID
from review.workflow import build_demo

PROJECT_ENV = "MT_REVIEW_PROJECT"
PROJECTS_DIR_ENV = "MT_REVIEW_PROJECTS_DIR"  # the only folder the sidebar opens projects from
# One message for every project file that cannot be opened from the sidebar: a missing file, a
# file that is not a database and another program's database look the same from the browser.
CANNOT_OPEN = "Cannot open that project file: pick one of the projects in the list."
REVIEWER_MAX = 64
REVIEWER_PUNCT = frozenset(" .-'’_")
BAD_REVIEWER = (f"A reviewer name is letters, digits, spaces and . - ' _ only, at most {REVIEWER_MAX} "
                "characters: the name given is not used.")
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


def projects_dir() -> Path:
    """The folder projects may be opened from: MT_REVIEW_PROJECTS_DIR (`review app
    --projects-dir`), else the folder of the project being served."""
    folder = os.environ.get(PROJECTS_DIR_ENV)
    if not folder:
        served = os.environ.get(PROJECT_ENV)
        return (Path(served).expanduser() if served else demo_project_path()).resolve().parent
    return Path(folder).expanduser().resolve()


def _is_project_file(path: Path) -> bool:
    # Asked through SQLite, never by reading the file with open(): closing any other descriptor
    # of a database file drops every POSIX lock this process holds on it, so another process
    # closing its connection would then think it is the last one, checkpoint and delete the WAL
    # that our open connection still writes to (the served project's changes would be lost).
    # SQLite's own VFS shares one descriptor per file within the process and avoids that.
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
    except (sqlite3.Error, OSError, ValueError):
        return False
    try:
        return conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def project_files(folder: Path | None = None) -> list[str]:
    """The names of the projects in the projects folder (regular files, no symbolic links)."""
    folder = projects_dir() if folder is None else folder
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [p.name for p in entries
            if not p.name.startswith(".") and not p.is_symlink() and p.is_file() and _is_project_file(p)]


def resolve_in_projects_dir(name: str, folder: Path | None = None) -> Path:
    """`name` as a file directly inside the projects folder, or InputError(CANNOT_OPEN): no
    folders, no `..`, no absolute paths, no symbolic links."""
    folder = projects_dir() if folder is None else folder
    name = name or ""
    if (not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name
            or name != name.strip() or Path(name).is_absolute()):
        raise InputError(None, CANNOT_OPEN)
    path = folder / name
    try:
        ok = not path.is_symlink() and path.is_file() and path.resolve().parent == folder.resolve()
    except OSError:
        ok = False
    if not ok:
        raise InputError(None, CANNOT_OPEN)
    return path


def open_in_projects_dir(name: str, folder: Path | None = None) -> Path:
    """Open the project `name` of the projects folder; any failure is InputError(CANNOT_OPEN)."""
    path = resolve_in_projects_dir(name, folder)
    try:
        open_project(path)
    except (InputError, OSError, sqlite3.Error):
        raise InputError(None, CANNOT_OPEN) from None
    return path.resolve()


def valid_reviewer(name: str) -> bool:
    """A plain name: letters (any script, with their marks), digits, spaces and . - ' _ only."""
    if not name or len(name) > REVIEWER_MAX or not unicodedata.category(name[0])[0] in "LN":
        return False
    return all(unicodedata.category(ch)[0] in "LMN" or ch in REVIEWER_PUNCT for ch in name)


def reviewer_given() -> str:
    return (st.session_state.get(REVIEWER) or "").strip()


def reviewer() -> str:
    """The reviewer's name, or "" when none or no valid one is given (see valid_reviewer)."""
    name = reviewer_given()
    return name if valid_reviewer(name) else ""


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
