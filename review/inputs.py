"""From input files to one Corpus: two plain documents are segmented and aligned; pre-aligned
formats go through review.load. The CLI commands `align`, `score` and `init` share `load_inputs`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import polars as pl

from review.align import LOW_CONF_THRESHOLD, align
from review.corpus import Corpus
from review.errors import InputError
from review.load import load_file as _load_file
from review.load.encoding import read_text
from review.schema import (
    ALIGN_CONF, BEAD, BOM, BT, DOC, ENCODING, FORMAT, LOCATOR, LOW_CONF, ORIGIN, PARA, REFERENCE, SEG,
    SOURCE, SOURCE_PATH, SOURCE_TEXT, SRC_END, SRC_LANG, SRC_START, TARGET, TARGET_PATH, TARGET_TEXT,
    TGT_END, TGT_LANG, TGT_START,
)
from review.sentences import Sentence, split_sentences

TEXT_FORMAT = "text"
TEXT_EXTENSIONS = (".txt", ".text", ".md", "")
# File names that say nothing about the document ("ar.mt.txt", "target.txt", "en-US.txt").
GENERIC_NAME_PARTS = frozenset({"mt", "src", "tgt", "source", "target", "translation", "output", "input",
                                "bt", "ref", "reference", "txt", "text", "md", "doc", "document"})
# A language tag as file names carry it: "ar", "en-US", "zh_Hant", "es-419"; not "ar_01" or "mt_v2",
# which number documents that share a folder.
LANG_CODE_RE = re.compile(r"[a-z]{2,3}(?:[-_](?:[a-z]{4}|[a-z]{2}|\d{3}))?(?:[-_](?:[a-z]{2}|\d{3}))?", re.I)


def _generic(part: str) -> bool:
    return part.lower() in GENERIC_NAME_PARTS or bool(LANG_CODE_RE.fullmatch(part))


def doc_id_for(target: str | Path) -> str:
    """The document id of a target file: its stem without language codes and words such as "mt"
    ("letter.ar.mt.txt" -> "letter"), so that several documents in one folder keep apart; the
    folder's name when nothing else is left ("musk-letter/ar.mt.txt" -> "musk-letter")."""
    p = Path(target)
    parts = [x for x in p.name.split(".") if x]
    if len(parts) > 1 and p.suffix.lower() in TEXT_EXTENSIONS:
        parts = parts[:-1]  # the extension
    specific = [x for x in parts if not _generic(x)]
    if specific:
        return ".".join(specific)
    folder = p.resolve().parent.name
    return folder or p.stem or p.name


CORPUS_FILE = "corpus.toml"  # a corpus folder's description: [languages] source, target


def declared_languages(folder: str | Path) -> tuple[str | None, str | None]:
    """(source, target) language codes declared by the folder's corpus.toml ([languages]);
    (None, None) without one. A file that cannot be read is an error naming it."""
    path = Path(folder) / CORPUS_FILE
    if not path.is_file():
        return None, None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise InputError(path, f"cannot read the corpus description: {e}") from None
    langs = data.get("languages", {})
    out = []
    for key in ("source", "target"):
        value = langs.get(key) if isinstance(langs, dict) else None
        if value is not None and not (isinstance(value, str) and LANG_CODE_RE.fullmatch(value)):
            raise InputError(path, f"[languages] {key} must be a language code such as \"ar\", not {value!r}")
        out.append(value)
    return out[0], out[1]


def _sentence_arrays(sents: list[Sentence]) -> dict[str, np.ndarray]:
    return {
        "start": np.array([s.start for s in sents], dtype=np.int64),
        "end": np.array([s.end for s in sents], dtype=np.int64),
        "para": np.array([s.para for s in sents], dtype=np.int64),
        "line": np.array([s.line for s in sents], dtype=np.int64),
    }


def _lines(text: str) -> list[str]:
    """Lines of a text with any of \\n, \\r\\n, \\r as the break (as split_sentences counts them)."""
    return re.split(r"\r\n|\r|\n", text)


def attach_line_aligned(target_text: str, target_sents: list[Sentence], third_text: str,
                        path: str | Path) -> list[str | None]:
    """Text of a file that is line-aligned with the target (back-translation, reference), one
    string per target sentence: by line, then by sentence order within the line, aligning the
    sentences inside the line when the two lines split into different numbers of sentences."""
    t_lines = _lines(target_text)
    o_lines = _lines(third_text)
    while len(o_lines) > 1 and not o_lines[-1].strip():
        o_lines.pop()
    t_last = max((s.line for s in target_sents), default=0)
    if len(o_lines) < t_last:
        raise InputError(path, f"has {len(o_lines)} lines but the target's text runs to line {t_last}; "
                         "it must be line-aligned with the target file")
    for n, (t_line, o_line) in enumerate(zip(t_lines, o_lines), start=1):
        if bool(t_line.strip()) != bool(o_line.strip()):
            what = "is empty" if not o_line.strip() else "has text"
            raise InputError(path, f"{what} where the target's line {n} "
                             f"{'has text' if t_line.strip() else 'is empty'}; it must be line-aligned "
                             "with the target file", line=n)
    out: list[str | None] = [None] * len(target_sents)
    by_line: dict[int, list[int]] = {}
    for k, s in enumerate(target_sents):
        by_line.setdefault(s.line, []).append(k)
    for line, ks in by_line.items():
        o_text = o_lines[line - 1]
        o_sents = [o_text[s.start:s.end] for s in split_sentences(o_text)]
        if len(o_sents) == len(ks):
            for k, o in zip(ks, o_sents):
                out[k] = o
            continue
        t_sents = [target_text[target_sents[k].start:target_sents[k].end] for k in ks]
        beads = align(o_sents, t_sents)
        for a, b, c, d in beads.select("src_from", "src_to", "tgt_from", "tgt_to").iter_rows():
            text = " ".join(o_sents[a:b])
            if c < d:  # several target sentences sharing one piece: the first one carries it
                out[ks[c]] = text if out[ks[c]] is None else f"{out[ks[c]]} {text}"
                for q in range(c + 1, d):
                    out[ks[q]] = out[ks[q]] or ""
            elif text and c > 0:  # an unmatched piece goes with the sentence before it
                out[ks[c - 1]] = f"{out[ks[c - 1]] or ''} {text}".strip()
            elif text:
                out[ks[0]] = f"{text} {out[ks[0]] or ''}".strip()
    return out


def _join_third(pieces: list[str | None], sents: list[Sentence], tf: np.ndarray, tt: np.ndarray) -> list[str | None]:
    """One string per bead: its target sentences' pieces, a line break where the target has one."""
    out: list[str | None] = []
    for a, b in zip(tf.tolist(), tt.tolist()):
        if a == b:
            out.append(None)
            continue
        text = ""
        for k in range(a, b):
            piece = pieces[k] or ""
            if k > a:
                text += "\n" if sents[k].line != sents[k - 1].line else " "
            text += piece
        out.append(text)
    return out


def load_pair(source: str | Path, target: str | Path, bt: str | Path | None = None,
              ref: str | Path | None = None, src_lang: str | None = None, tgt_lang: str | None = None,
              encoding: str | None = None, doc: str | None = None) -> Corpus:
    """Segment and align two plain documents (plus an optional back-translation and/or reference
    line-aligned with the target) into a Corpus with one document. Languages: as given, else as
    the target folder's corpus.toml declares them, else en -> ar."""
    if src_lang is None or tgt_lang is None:
        declared_src, declared_tgt = declared_languages(Path(target).parent)
        src_lang, tgt_lang = src_lang or declared_src, tgt_lang or declared_tgt
    src_lang = src_lang or "en"
    tgt_lang = tgt_lang or "ar"
    s_dec = read_text(source, encoding)
    t_dec = read_text(target, encoding)
    s_text, t_text = s_dec.text, t_dec.text
    S, T = split_sentences(s_text), split_sentences(t_text)
    third_pieces = {column: attach_line_aligned(t_text, T, read_text(path, encoding).text, path)
                    for path, column in ((bt, BT), (ref, REFERENCE)) if path is not None}
    # The back-translation is in the source's language: its word overlap with the source helps
    # to tell a sentence with no counterpart from one the MT split or merged.
    beads = align([s_text[s.start:s.end] for s in S], [t_text[s.start:s.end] for s in T],
                  [s.para for s in S], [s.para for s in T], [s.line_start for s in S],
                  [s.line_start for s in T], [s.kind for s in S], [s.kind for s in T],
                  tgt_bt=third_pieces.get(BT))
    sa, ta = _sentence_arrays(S), _sentence_arrays(T)
    sf, st, tf, tt = (beads[c].to_numpy() for c in ("src_from", "src_to", "tgt_from", "tgt_to"))
    has_s, has_t = st > sf, tt > tf

    def pick(arr, idx, ok):
        return np.where(ok, arr[np.clip(idx, 0, max(len(arr) - 1, 0))] if len(arr) else 0, -1)

    src_start, src_end = pick(sa["start"], sf, has_s), pick(sa["end"], st - 1, has_s)
    tgt_start, tgt_end = pick(ta["start"], tf, has_t), pick(ta["end"], tt - 1, has_t)
    line_a, line_b = pick(ta["line"], tf, has_t), pick(ta["line"], tt - 1, has_t)
    sline_a, sline_b = pick(sa["line"], sf, has_s), pick(sa["line"], st - 1, has_s)
    para = np.where(has_t, pick(ta["para"], tf, has_t), pick(sa["para"], sf, has_s))
    doc_id = doc or doc_id_for(target)

    frame = pl.DataFrame({
        "_ss": src_start, "_se": src_end, "_ts": tgt_start, "_te": tgt_end,
        "_la": line_a, "_lb": line_b, "_sa": sline_a, "_sb": sline_b, PARA: para,
        BEAD: beads[BEAD], ALIGN_CONF: beads["conf"],
    })
    frame = frame.with_columns(
        pl.lit(doc_id).alias(DOC),
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(SEG),
        pl.Series(SOURCE, [s_text[a:b] if a >= 0 else "" for a, b in zip(src_start.tolist(), src_end.tolist())]),
        pl.Series(TARGET, [t_text[a:b] if a >= 0 else "" for a, b in zip(tgt_start.tolist(), tgt_end.tolist())]),
        (pl.col(ALIGN_CONF) < LOW_CONF_THRESHOLD).alias(LOW_CONF),
        pl.lit(str(target)).alias(ORIGIN),
        _locator().alias(LOCATOR),
        *(pl.when(pl.col(c) >= 0).then(pl.col(c)).otherwise(None).alias(name)
          for c, name in (("_ss", SRC_START), ("_se", SRC_END), ("_ts", TGT_START), ("_te", TGT_END))),
        pl.lit(src_lang).alias(SRC_LANG),
        pl.lit(tgt_lang).alias(TGT_LANG),
    )
    for column, pieces in third_pieces.items():
        frame = frame.with_columns(pl.Series(column, _join_third(pieces, T, tf, tt), dtype=pl.String))
    frame = frame.drop("_ss", "_se", "_ts", "_te", "_la", "_lb", "_sa", "_sb")
    documents = pl.DataFrame([{
        DOC: doc_id, FORMAT: TEXT_FORMAT, SOURCE_PATH: str(source), TARGET_PATH: str(target),
        SOURCE_TEXT: s_text, TARGET_TEXT: t_text, ENCODING: t_dec.encoding, BOM: t_dec.bom,
        SRC_LANG: src_lang, TGT_LANG: tgt_lang,
    }])
    return Corpus(segments=frame, documents=documents)


def _locator() -> pl.Expr:
    def span(a: str, b: str, prefix: str) -> pl.Expr:
        return (pl.when(pl.col(a) == pl.col(b))
                .then(pl.format(prefix + "{}", pl.col(a)))
                .otherwise(pl.format(prefix + "{}-{}", pl.col(a), pl.col(b))))

    return pl.when(pl.col("_la") >= 0).then(span("_la", "_lb", "line ")).otherwise(span("_sa", "_sb", "source line "))


def load_file(path: str | Path, **kwargs) -> Corpus:
    """A pre-aligned file (TSV/CSV, JSONL, Parquet, TMX, XLIFF, PO): see review.load.load_file."""
    return _load_file(path, **kwargs)


def is_plain_text(path: str | Path) -> bool:
    return Path(path).suffix.lower() in TEXT_EXTENSIONS


def load_inputs(inputs: list[str], bt: str | None = None, ref: str | None = None,
                src_lang: str | None = None, tgt_lang: str | None = None, encoding: str | None = None,
                input_format: str | None = None) -> Corpus:
    """The shared input rule of `score` and `init`: two plain text documents (source, target) are
    aligned; otherwise every input is a pre-aligned file and the corpora are concatenated."""
    if not inputs:
        raise InputError(None, "no input files given")
    if input_format == TEXT_FORMAT or (
            input_format is None and len(inputs) == 2 and all(is_plain_text(p) for p in inputs)):
        if len(inputs) != 2:
            raise InputError(inputs[0], f"plain text input needs exactly two files (source, target), "
                             f"got {len(inputs)}")
        return load_pair(inputs[0], inputs[1], bt=bt, ref=ref, src_lang=src_lang, tgt_lang=tgt_lang,
                         encoding=encoding)
    if bt is not None or ref is not None:
        raise InputError(bt or ref, "--bt and --ref apply to two plain text documents; pre-aligned "
                         "files carry their back-translation or reference in their own columns")
    parts = [load_file(p, fmt=input_format, src_lang=src_lang, tgt_lang=tgt_lang, encoding=encoding)
             for p in inputs]
    corpus = parts[0] if len(parts) == 1 else Corpus.concat(parts)
    docs = corpus.documents[DOC]
    if docs.n_unique() != len(docs):
        dup = docs.filter(docs.is_duplicated()).first()
        raise InputError(None, f"two inputs give the same document id {dup!r}; rename one of the files")
    return corpus
