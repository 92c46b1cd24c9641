"""The one place where the shapes of our tables and the MQM vocabulary are defined.

Everything else (loaders, checks, store, exports, CLI, app, tests) imports names from here.
The README documents these fields one by one; keep the two in step.
"""

from __future__ import annotations

import polars as pl

from review import mqm

# --------------------------------------------------------------------------- segment table
# One row per alignment bead (a pair of source and target sentence groups).
DOC = "doc"  # document id (str)
SEG = "seg"  # 1-based position of the bead in its document (int)
PARA = "para"  # 1-based paragraph of the target side (source side for 1-0 beads) (int)
# SOURCE/TARGET of a bead aligned from plain documents are the exact slices text[start:end] of the
# document, so a sentence the MT broke across two lines keeps its line break (export relies on it).
SOURCE = "source"  # source text of the bead; "" for 0-1
TARGET = "target"  # target (MT) text of the bead; "" for 1-0
REFERENCE = "reference"  # human reference translation, null when absent
BT = "bt"  # back-translation of the target into the source language, null when absent
SRC_LANG = "src_lang"  # BCP-47-ish code, e.g. "en"
TGT_LANG = "tgt_lang"  # e.g. "ar"
BEAD = "bead"  # alignment type: one of BEADS
# Alignment confidence in [0, 1]: the aligner's estimate of the probability that the bead is right
# (calibrated on bench/align_hard.py's tune split); 1.0 for pre-aligned input. The omission_bead
# and low_confidence messages quote it.
ALIGN_CONF = "align_conf"
LOW_CONF = "low_conf"  # ALIGN_CONF < 0.5: the bead is more likely wrong than right; a reviewer should look
ORIGIN = "origin"  # file the target came from (path as given)
LOCATOR = "locator"  # where in that file: "line 12", "line 51-52", "unit 7", "tu 3", "entry 41"
SRC_START = "src_start"  # character offsets of the bead in the source document text, or null
SRC_END = "src_end"
TGT_START = "tgt_start"  # character offsets in the target document text (export rebuilds layout
TGT_END = "tgt_end"  # from them), or null for pre-aligned input
NOTE = "note"  # notes carried by the input format (XLIFF <note>, PO comments), or null
STATE = "state"  # workflow state carried by the input format (XLIFF state, PO fuzzy), or null
TAGS = "tags"  # JSON object mapping inline-tag placeholders to the original markup, or null

BEADS = ("1-1", "1-2", "2-1", "2-2", "1-0", "0-1")

SEGMENT_SCHEMA: dict[str, pl.DataType] = {
    DOC: pl.String(),
    SEG: pl.Int64(),
    PARA: pl.Int64(),
    SOURCE: pl.String(),
    TARGET: pl.String(),
    REFERENCE: pl.String(),
    BT: pl.String(),
    SRC_LANG: pl.String(),
    TGT_LANG: pl.String(),
    BEAD: pl.String(),
    ALIGN_CONF: pl.Float64(),
    LOW_CONF: pl.Boolean(),
    ORIGIN: pl.String(),
    LOCATOR: pl.String(),
    SRC_START: pl.Int64(),
    SRC_END: pl.Int64(),
    TGT_START: pl.Int64(),
    TGT_END: pl.Int64(),
    NOTE: pl.String(),
    STATE: pl.String(),
    TAGS: pl.String(),
}

# Placeholders standing for inline markup of XLIFF/TMX (<g>, <x/>, <ph>, <bpt>, <pc>, <ph/> ...).
# Opening, closing and standalone codes become ⟦1⟧ ⟦/1⟧ ⟦1/⟧; TAGS keeps the original markup.
TAG_PLACEHOLDER_RE = r"⟦/?\d+/?⟧"

# --------------------------------------------------------------------------- document table
# One row per document: what export needs to rebuild the original layout byte for byte.
FORMAT = "format"  # "text", "tsv", "csv", "jsonl", "parquet", "tmx", "xliff", "xliff2", "po"
SOURCE_PATH = "source_path"
TARGET_PATH = "target_path"
SOURCE_TEXT = "source_text"  # whole decoded source document (newlines as in the file), or null
TARGET_TEXT = "target_text"  # whole decoded target document (newlines as in the file), or null
ENCODING = "encoding"  # encoding the target file was read with ("utf-8", "utf-16", "cp1256")
BOM = "bom"  # True when the target file started with a byte-order mark

DOCUMENT_SCHEMA: dict[str, pl.DataType] = {
    DOC: pl.String(),
    FORMAT: pl.String(),
    SOURCE_PATH: pl.String(),
    TARGET_PATH: pl.String(),
    SOURCE_TEXT: pl.String(),
    TARGET_TEXT: pl.String(),
    ENCODING: pl.String(),
    BOM: pl.Boolean(),
    SRC_LANG: pl.String(),
    TGT_LANG: pl.String(),
}

# --------------------------------------------------------------------------- flag table
# One row per problem found by a check (or by a reviewer, see store).
CHECK = "check"  # check id from the catalogue (review/checks/catalogue.toml)
CATEGORY = "category"  # MQM category path, one of MQM_CATEGORIES (review/checks/mqm.toml)
SEVERITY = "severity"  # one of SEVERITIES
MESSAGE = "message"  # one sentence a reviewer understands, quoting the offending fragment
SIDE = "side"  # "source", "target" (or "bt", "reference") – which text START/END index
START = "start"  # character span [start, end) in that side's text; null = the whole segment
END = "end"
WEIGHT = "weight"  # MQM penalty weight of this flag (review.mqm.weight of severity, category, config)

SIDES = ("source", "target", "bt", "reference")

FLAG_SCHEMA: dict[str, pl.DataType] = {
    DOC: pl.String(),
    SEG: pl.Int64(),
    CHECK: pl.String(),
    CATEGORY: pl.String(),
    SEVERITY: pl.String(),
    MESSAGE: pl.String(),
    SIDE: pl.String(),
    START: pl.Int64(),
    END: pl.Int64(),
    WEIGHT: pl.Float64(),
}

# --------------------------------------------------------------------------- score columns
# Added to the segment table by review.score.
RISK = "risk"  # one number that orders segments worst first (higher = worse)
PENALTY = "penalty"  # sum of MQM weights of the segment's flags
FLAGGED = "flagged"  # any major/critical flag, or a metric below its threshold
N_FLAGS = "n_flags"
MAX_SEVERITY = "max_severity"  # worst severity among the segment's flags, or null
# Metric columns (Float64, null when the needed text is absent), 0-100 scale like sacrebleu.
BT_CHRF = "bt_chrf"  # chrF of back-translation against source
REF_BLEU = "ref_bleu"  # sentence BLEU (intl tokenizer, effective order) of target vs reference
REF_CHRF = "ref_chrf"
REF_TER = "ref_ter"
METRIC_COLUMNS = (BT_CHRF, REF_BLEU, REF_CHRF, REF_TER)

# --------------------------------------------------------------------------- MQM vocabulary
# Defined by review/checks/mqm.toml (read by review.mqm, which also holds the weights); re-exported
# here so that every column and value of our tables can be imported from this module.
SEVERITIES = mqm.SEVERITIES  # mildest first
SEVERITY_RANK = mqm.SEVERITY_RANK
MQM_CATEGORIES = mqm.MQM_CATEGORIES  # "Accuracy/Omission", ..., "Non-translation", "Other"

# --------------------------------------------------------------------------- review vocabulary
STATUSES = ("to_review", "corrected", "approved")
VERDICTS = ("confirmed", "false_alarm")


def empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """An empty frame with the given schema."""
    return pl.DataFrame(schema=schema)


def conform(df: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Add missing schema columns as nulls, cast to the schema's dtypes, schema columns first.

    Extra columns are kept after the schema columns (metrics, scores).
    """
    exprs = []
    for name, dtype in schema.items():
        if name in df.columns:
            exprs.append(pl.col(name).cast(dtype))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    extra = [c for c in df.columns if c not in schema]
    return df.select(*exprs, *extra)

# --------------------------------------------------------------------------- review columns
# Added to the segment table by review.store (the review record).
CURRENT = "current"  # target text after the latest correction (= TARGET when none)
REV = "rev"  # number of the latest revision of the segment (0 = the MT as loaded)
# A revision made by accepting a propagated fix: the segment whose correction it repeats (null otherwise).
PROPAGATED_DOC = "propagated_doc"
PROPAGATED_SEG = "propagated_seg"
STATUS = "status"  # one of STATUSES
REVIEWER = "reviewer"  # who made the latest revision / status change
UPDATED = "updated"  # ISO-8601 UTC time of the latest change
FLAG_ID = "flag_id"  # stable integer id of a stored flag (verdicts refer to it)
VERDICT = "verdict"  # reviewer's verdict on an automatic flag, one of VERDICTS, or null
COMMENT = "comment"  # reviewer's comment on an annotation or revision
FROM_CORRECTION = "from_correction"  # True for flags found by re-running the checks on a correction
ANNOTATION_ID = "annotation_id"  # stable integer id of a reviewer's MQM annotation

# --------------------------------------------------------------------------- interchange files
# Every export records, per segment, the revision it was made from (REV at export time), so that
# `review apply` can tell a correction made on that text from one made over a later revision:
# XLIFF as a note of this category/origin, TMX as a <prop type="x-revision">, PO as an extracted
# comment, CSV/JSONL/Parquet as the REV column.
BASE_REV_NOTE = "mt-review:base-revision"
SEG_KEY_SEP = "#"  # PO msgctxt and TMX tuid: "doc#seg"
