"""The parts of the review record that issue 13 added, as a mixin of Project (persistence and
queries only): revisions propagated from another segment, skipped propagations, the project
glossary written back, verdict counts per check, and the calibrated risk the queue orders by."""

from __future__ import annotations

import polars as pl

from review.schema import (CHECK, DOC, FROM_CORRECTION, PROPAGATED_DOC, PROPAGATED_SEG, RISK, SEG, VERDICT,
                           WEIGHT)
from review.store.frames import frame, require_reviewer
from review.store.tables import BASE_RISK, REVISION_SCHEMA, SKIP_SCHEMA, doc_seg_filter, q
from review.store.writes import now


class ReviewLog:
    """Mixed into review.store.Project: uses its _rows, _write and _state methods."""

    # ------------------------------------------------------------------ propagation
    def propagated(self, doc: str | None = None, seg: int | None = None) -> pl.DataFrame:
        """Every revision made by accepting a propagated fix (from doc #seg when given), oldest first."""
        where, params = doc_seg_filter(doc, seg, PROPAGATED_DOC, PROPAGATED_SEG)
        where.append(f"{q(PROPAGATED_DOC)} IS NOT NULL")
        cols = ", ".join(q(c) for c in REVISION_SCHEMA)
        rows = self._rows(f"SELECT {cols} FROM revisions WHERE {' AND '.join(where)} ORDER BY rowid", params)
        return frame(rows, REVISION_SCHEMA)

    def skip_propagation(self, doc: str, seg: int, from_doc: str, from_seg: int, old: str, new: str,
                         reviewer: str) -> None:
        """Remember that the reviewer declined repeating from_doc #from_seg's fix old -> new in doc #seg."""
        reviewer = require_reviewer(reviewer)
        with self._write() as c:
            self._state(c, doc, seg)
            c.execute("INSERT OR REPLACE INTO propagation_skips VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      (doc, seg, from_doc, from_seg, old, new, reviewer, now()))

    def propagation_skips(self) -> pl.DataFrame:
        cols = ", ".join(q(c) for c in SKIP_SCHEMA)
        return frame(self._rows(f"SELECT {cols} FROM propagation_skips ORDER BY rowid"), SKIP_SCHEMA)

    # ------------------------------------------------------------------ glossary
    def set_glossary(self, name: str, content: bytes) -> None:
        """Replace the glossary file kept in the project (used by the next rescore and re-checks)."""
        with self._write() as c:
            c.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                          [("glossary_name", name), ("glossary", content)])

    # ------------------------------------------------------------------ verdicts and risk
    def verdict_counts(self) -> pl.DataFrame:
        """check, confirmed, false_alarm: the verdicts given per check (also on flags a rescore
        no longer raises)."""
        rows = self._rows(f"SELECT {q(CHECK)}, SUM({q(VERDICT)} = 'confirmed'), SUM({q(VERDICT)} = 'false_alarm') "
                          f"FROM verdicts GROUP BY {q(CHECK)} ORDER BY {q(CHECK)}")
        return pl.DataFrame(rows, schema={CHECK: pl.String(), "confirmed": pl.Int64(), "false_alarm": pl.Int64()},
                            orient="row")

    def mt_flag_weights(self) -> pl.DataFrame:
        """doc, seg, check, weight of every flag of the last scoring run (the MT's flags)."""
        rows = self._rows(f"SELECT {q(DOC)}, {q(SEG)}, {q(CHECK)}, {q(WEIGHT)} FROM flags "
                          f"WHERE {q(FROM_CORRECTION)} = 0")
        return pl.DataFrame(rows, schema={DOC: pl.String(), SEG: pl.Int64(), CHECK: pl.String(),
                                          WEIGHT: pl.Float64()}, orient="row")

    def base_risks(self) -> pl.DataFrame:
        """doc, seg, base_risk (the scorer's risk), risk (what the queue orders by now)."""
        rows = self._rows(f"SELECT {q(DOC)}, {q(SEG)}, {BASE_RISK}, {q(RISK)} FROM segments ORDER BY rowid")
        return pl.DataFrame(rows, schema={DOC: pl.String(), SEG: pl.Int64(), BASE_RISK: pl.Float64(),
                                          RISK: pl.Float64()}, orient="row")

    def set_risks(self, risks: pl.DataFrame) -> int:
        """Store doc, seg, risk (the calibrated order of the queue); returns how many changed."""
        rows = risks.select(DOC, SEG, RISK).iter_rows()
        with self._write() as c:
            cur = c.executemany(f"UPDATE segments SET {q(RISK)} = ? WHERE {q(DOC)} = ? AND {q(SEG)} = ? "
                                f"AND {q(RISK)} IS NOT ?", ((r, d, s, r) for d, s, r in rows))
            return cur.rowcount
