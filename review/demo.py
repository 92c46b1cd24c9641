"""Where the bundled demo corpus lives (repository checkout, or inside an installed wheel)."""

from __future__ import annotations

from pathlib import Path

DEMO_NAME = "musk-letter"


def corpora_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_corpora", here.parent / "corpora"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the bundled corpora are missing from this installation")


def demo_dir(name: str = DEMO_NAME) -> Path:
    return corpora_dir() / name
