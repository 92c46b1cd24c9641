"""The demo working copy: the bundled demo corpus as a project in the user's data directory.

Built once (align, score, store: review.workflow.build_demo) on first use and reused afterwards,
so a reviewer's corrections in the demo are never thrown away by a restart. No Streamlit here:
the CLI uses it.
"""

from __future__ import annotations

import os
from pathlib import Path

from review.demo import DEMO_NAME
from review.workflow import build_demo

__all__ = ["build_demo", "data_dir", "demo_project_path"]


def data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mt-review"


def demo_project_path() -> Path:
    return data_dir() / f"{DEMO_NAME}.sqlite"
