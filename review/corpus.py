"""The container that flows from load/align to checks, store and export."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from review.schema import DOCUMENT_SCHEMA, SEGMENT_SCHEMA, conform


@dataclass
class Corpus:
    segments: pl.DataFrame  # SEGMENT_SCHEMA (+ extra columns after it)
    documents: pl.DataFrame  # DOCUMENT_SCHEMA, one row per document

    def __post_init__(self):
        self.segments = conform(self.segments, SEGMENT_SCHEMA)
        self.documents = conform(self.documents, DOCUMENT_SCHEMA)

    @staticmethod
    def concat(parts: list["Corpus"]) -> "Corpus":
        """Several inputs into one corpus; document ids must stay unique."""
        return Corpus(
            segments=pl.concat([p.segments for p in parts], how="diagonal_relaxed"),
            documents=pl.concat([p.documents for p in parts], how="diagonal_relaxed"),
        )
