"""How many reviewer actions does it take to fix every name error of the demo, before and after
fix propagation (issue 13)?

The name errors of the demo (corpora/musk-letter) are the renderings the MT got wrong for names
the glossary knows: Musk as المسك ("the musk"), The Verge as الحافة, The Information as
المعلومات, and names left in Latin script (Elon Musk, Sam Altman, Greg Brockman, Musk, Altman,
Sam) where the rest of the text writes them in Arabic. A segment has one when its source has the
name and its text has the wrong rendering (clitic-aware, the same matcher propagation uses).

- Before: the reviewer opens each such segment (1 action: a click in the queue or Next) and saves
  its correction (1 action: Save).
- After: the reviewer works through the queue worst first; a segment still wrong is opened and
  saved (2 actions), then the "same fix elsewhere" panel is accepted at once (1 action: Accept
  all / Alt+P) when it offers anything; segments fixed by propagation are never opened.

Both runs end with no name error left (checked). Prints the counts.

    .venv/bin/python bench/propagation_actions.py
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from review import propagate, workflow
from review.checks.consistency import term_pattern
from review.schema import CURRENT, DOC, SEG, SOURCE
from review.store import Project

# (source term, wrong rendering in the MT, the form the reviewer writes), longest terms first.
FIXES = [
    ("Elon Musk", "Elon Musk", "إيلون ماسك"),
    ("Sam Altman", "Sam Altman", "سام ألتمان"),
    ("Greg Brockman", "Greg Brockman", "جريج بروكمان"),
    ("The Information", "المعلومات", "ذا إنفورميشن"),
    ("The Verge", "الحافة", "ذا فيرج"),
    ("Musk", "المسك", "ماسك"),
    ("Musk", "Musk", "ماسك"),
    ("Altman", "Altman", "ألتمان"),
    ("Sam", "Sam", "سام"),
]


def fixed_text(source: str, text: str) -> str:
    for term, old, new in FIXES:
        if re.search(term_pattern(term), source):
            text, _ = propagate.replace_rendering(text, old, new)
    return text


def name_errors(project: Project) -> list[tuple[str, int]]:
    segs = project.segments().select(DOC, SEG, SOURCE, CURRENT)
    return [(d, s) for d, s, src, cur in segs.iter_rows() if fixed_text(src or "", cur or "") != (cur or "")]


def queue_order(project: Project) -> list[tuple[str, int]]:
    page, _ = project.queue(flagged_only=False, limit=100_000)
    return list(zip(page[DOC].to_list(), page[SEG].to_list()))


def before(path: Path) -> tuple[int, int, int]:
    with Project.open(path) as p:
        todo = name_errors(p)
        for d, s in todo:
            row = p.segment(d, s)
            workflow.save_correction(p, d, s, fixed_text(row[SOURCE], row[CURRENT]), "bench", row["rev"])
        assert not name_errors(p)
        return len(todo), len(todo), len(todo)  # segments, opens, saves


def after(path: Path) -> tuple[int, int, int, int]:
    opens = saves = accepts = propagated = 0
    with Project.open(path) as p:
        wrong = set(name_errors(p))
        for d, s in queue_order(p):
            if (d, s) not in wrong:
                continue
            row = p.segment(d, s)
            text = fixed_text(row[SOURCE], row[CURRENT])
            if text == row[CURRENT]:
                continue  # fixed meanwhile by a propagation
            opens += 1
            saves += 1
            workflow.save_correction(p, d, s, text, "bench", row["rev"])
            if propagate.candidates(p, d, s).height:
                accepts += 1
                propagated += len(propagate.accept(p, d, s, "bench")[0])
        assert not name_errors(p), name_errors(p)
        return opens, saves, accepts, propagated


def _recurring(folder: Path) -> Path:
    """A batch from the same MT engine: Musk as المسك (with clitics) in 30 of 40 segments."""
    from review.inputs import load_inputs

    chains = ["", "و", "ب", "ل", "ف", "وب"]
    rows = []
    for i in range(40):
        if i % 4 == 3:
            rows.append((f"The board met on day {i}.", f"اجتمع المجلس في اليوم {i}."))
        else:
            word = {"": "المسك", "و": "والمسك", "ب": "بالمسك", "ل": "للمسك", "ف": "فالمسك", "وب": "وبالمسك"}[chains[i % 6]]
            rows.append((f"On day {i}, Musk wrote again.", f"في اليوم {i}، كتب {word} مرة أخرى."))
    tsv = folder / "batch.tsv"
    tsv.write_text("source\ttarget\n" + "".join(f"{a}\t{b}\n" for a, b in rows), encoding="utf-8")
    path = folder / "batch.review"
    workflow.create_project(path, load_inputs([str(tsv)])).close()
    return path


def _measure(name: str, path: Path, folder: Path) -> None:
    copy = path.with_suffix(".copy.review")
    copy.write_bytes(path.read_bytes())
    t0 = time.perf_counter()
    n, opens_b, saves_b = before(path)
    t1 = time.perf_counter()
    opens_a, saves_a, accepts, propagated = after(copy)
    t2 = time.perf_counter()
    total_b, total_a = opens_b + saves_b, opens_a + saves_a + accepts
    print(f"{name}: {n} segments with a name error")
    print(f"  before: {opens_b} opens + {saves_b} saves = {total_b} actions ({t1 - t0:.1f} s)")
    print(f"  after:  {opens_a} opens + {saves_a} saves + {accepts} accept-all = {total_a} actions; "
          f"{propagated} propagated revisions ({t2 - t1:.1f} s)")
    print(f"  actions saved: {total_b - total_a} ({1 - total_a / total_b:.0%})")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _measure("demo (corpora/musk-letter)", workflow.build_demo(folder / "demo.review"), folder)
        _measure("batch (40 segments, المسك in 30 with clitics)", _recurring(folder), folder)


if __name__ == "__main__":
    main()
