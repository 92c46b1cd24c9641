"""The hostile-input suite (bench/hostile.py) through the real CLI: no traceback, no hang, no
silently garbled result. The fast subset runs by default; the whole suite is marked slow."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "hostile.py"
spec = importlib.util.spec_from_file_location("hostile", BENCH)
hostile = importlib.util.module_from_spec(spec)
sys.modules["hostile"] = hostile
spec.loader.exec_module(hostile)

# One or two cases of every kind of attack; the rest of the suite runs with -m slow.
FAST = ("tsv one bad byte", "tsv cp1256 whole file", "tsv short row", "tsv extra columns, no header",
        "csv bom defused cells read back", "jsonl deep 100000", "jsonl number target",
        "jsonl lone surrogate escape", "parquet binary source", "parquet unknown columns",
        "tmx xxe", "tmx entity bomb", "tmx inline nested 100000", "tmx declared utf-8 but cp1256",
        "xliff12 groups nested 1000", "xliff2 pc nested 1000", "po plural index huge",
        "text one \\xff byte", "text cp1256 target",
        # the project store and the outputs
        "store good project export", "store flipped bytes in a table export", "store dropped table rescore",
        "store renamed column report", "store user_version 0 export", "store foreign sqlite with our id report",
        "store empty file rescore", "store init dangling link", "store init project '-'",
        "store init through a link", "-o socket", "-o link chain", "-o link loop", "-o fifo", "-o /dev/full",
        "-o failed rename", "-o a folder", "stdin - -", "stdin empty", "output piped into head")


def _check(results):
    bad = [f"{r.outcome}: {r.case.name}: {r.detail}" for r in results if r.outcome in hostile.FAILURES]
    assert not bad, "\n".join(bad) + "\n" + hostile.table(results)


def test_suite_is_big_and_names_are_unique():
    names = [c.name for c in hostile.CASES]
    assert len(names) >= 150 and len(set(names)) == len(names)
    assert set(FAST) <= set(names)


def test_classification():
    case = hostile.Case("x", "tsv", {"a.tsv": b""}, expect="ok", segments=2)
    assert hostile.classify(case, None, "", "")[0] == "hang"
    assert hostile.classify(case, 1, "", "Traceback (most recent call last):\n  ...\nValueError: x")[0] == "traceback"
    assert hostile.classify(case, 2, "", "error: a\nerror: b\n")[0] == "traceback"
    assert hostile.classify(case, 2, "", "warning: w\nerror: a.tsv:1: bad\n")[0] == "refused"
    assert hostile.classify(case, 0, "{}\n", "")[0] == "garbled"
    assert hostile.classify(case, 0, "{}\n{}\n", "warning: cp1256\n")[0] == "ok"
    must_fail = hostile.Case("y", "tsv", {}, expect="error")
    assert hostile.classify(must_fail, 0, "{}\n", "")[0] == "garbled"
    assert hostile.classify(must_fail, 2, "", "error: a.tsv:1: bad\n")[0] == "error"


@pytest.mark.slow
def test_hostile_fast_subset():
    _check(hostile.run_all([c for c in hostile.CASES if c.name in FAST], workers=2))


@pytest.mark.slow
def test_hostile_whole_suite():
    _check(hostile.run_all(hostile.CASES, workers=2))
