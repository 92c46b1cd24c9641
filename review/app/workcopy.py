"""The demo working copy: the bundled demo corpus as a project in the user's data directory.

Built once (align, score, store) on first use and reused afterwards, so a reviewer's
corrections in the demo are never thrown away by a restart. No Streamlit here: the CLI uses it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from review.demo import DEMO_NAME, demo_dir
from review.errors import InputError
from review.store import Project

_build_lock = threading.Lock()


def data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mt-review"


def demo_project_path() -> Path:
    return data_dir() / f"{DEMO_NAME}.sqlite"


def build_demo(path: Path) -> Path:
    """Align, score and store the bundled demo corpus at `path` (once; later calls reuse it)."""
    with _build_lock:
        if path.exists():
            return path
        from review.config import load_config
        from review.inputs import load_pair
        from review.score import score

        corpus_dir = demo_dir()
        corpus = load_pair(corpus_dir / "en.txt", corpus_dir / "ar.mt.txt", bt=corpus_dir / "ar.bt.txt")
        glossary = corpus_dir / "glossary.tsv"
        config = load_config(None, glossary=glossary if glossary.is_file() else None)
        scored = score(corpus, config)
        try:
            # The glossary's content travels inside the project, so that re-checking a correction
            # uses it too, wherever the package is installed.
            Project.create(path, corpus, scored,
                           glossary_path=glossary if glossary.is_file() else None).close()
        except InputError:
            if not path.exists():  # another process built it meanwhile: use theirs
                raise
        return path
