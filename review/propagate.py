"""Fix propagation: a reviewer fixes a name or term once, the same fix is offered everywhere else.

A saved correction is compared with the MT word by word (review.diff); every replaced span
(old -> new, clitics both sides share taken off: والمسك -> وماسك is المسك -> ماسك) is aligned to
the source term it renders, in this order:

1. the old rendering is Latin and the source has it as a word: the term is that word (Altman);
2. a glossary term of the source whose allowed forms include the new rendering;
3. capitalised source words that the new rendering transliterates, word for word (Musk -> ماسك);
4. the new rendering is Latin and the source has it: the reviewer put the name back (The Verge).

A replacement with no source term is not propagated (a reworded phrase is not a term). Every
other segment whose source has the term and whose current text still has the old rendering is a
candidate: the old rendering is found after normalisation (alef/hamza, ta marbuta, diacritics,
tatweel) with any proclitic chain in front (و ف ب ك ل, لل, the article), and the chain is kept,
without the article when the fix removed one: والمسك -> وماسك, للمسك -> لماسك, لـAltman -> لألتمان.

This module is in the workflow layer: accepting saves through review.workflow.save_correction
(conflict detection and re-checking like any save); the revision records the segment it was
propagated from. Undo is a new revision restoring the text before the propagated one (the record
stays append-only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from review import workflow
from review.arabic import AR_LETTERS, ARTICLE, LI_AL, PROCLITIC_RE, TATWEEL
from review.checks.consistency import TARGETS, TERM, term_pattern
from review.checks.names_translit import _is_transliteration, _parse
from review.diff import DELETE, EQUAL, INSERT, word_diff
from review.errors import ConflictError, InputError
from review.normalize import match_key, normalize
from review.schema import CURRENT, DOC, PROPAGATED_DOC, PROPAGATED_SEG, REV, SEG, SOURCE, TARGET

__all__ = ["CANDIDATE_SCHEMA", "Edit", "accept", "candidates", "edits", "skip", "term_edits", "undo",
           "undo_all"]

_LATIN = re.compile(r"[A-Za-z]")
_ARABIC = re.compile(f"[{AR_LETTERS}]")
_WORD_CHARS = f"{AR_LETTERS}A-Za-z0-9"
# A proclitic chain at the start of a word: conjunction, preposition or لل, article (all optional).
_CHAIN = re.compile(f"^({PROCLITIC_RE}(?:{ARTICLE})?)")
_CLITIC_LETTERS = set("وفبكل")
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w’'-]*(?:\s+(?:of|the|and|de|al|von|van)?\s*[A-Z][\w’'-]*)*")

CANDIDATE_SCHEMA = {DOC: pl.String(), SEG: pl.Int64(), REV: pl.Int64(), "terms": pl.String(),
                    "changes": pl.String(), CURRENT: pl.String(), "proposed": pl.String()}


@dataclass(frozen=True)
class Edit:
    """One replaced span of a correction: `old` -> `new` (without the clitics both share), and the
    source term it renders (None: not propagated)."""
    old: str
    new: str
    term: str | None


# ---------------------------------------------------------------------- edits of a correction
def _hunks(before: str, after: str) -> list[tuple[str, str]]:
    """(old, new) of every replaced span (a delete next to an insert), spaces trimmed."""
    out, old, new = [], [], []

    def close() -> None:
        o, n = "".join(old).strip(), "".join(new).strip()
        if o and n:
            out.append((o, n))
        old.clear()
        new.clear()

    for op, text in word_diff(before, after):
        if op == EQUAL:
            close()
        elif op == DELETE:
            old.append(text)
        elif op == INSERT:
            new.append(text)
    close()
    return out


def _trim_shared_clitics(old: str, new: str) -> tuple[str, str]:
    """والمسك/وماسك -> المسك/ماسك: proclitic letters (and tatweel) both start with are not the fix."""
    i = 0
    while i < min(len(old), len(new)) - 1 and old[i] == new[i] and (old[i] in _CLITIC_LETTERS or old[i] == TATWEEL):
        i += 1
    old, new = old[i:], new[i:]
    return old.lstrip(TATWEEL), new.lstrip(TATWEEL)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _glossary_term(source: str, new: str, glossary: pl.DataFrame | None) -> str | None:
    if glossary is None or glossary.height == 0:
        return None
    key = match_key(new)
    best = None
    for term, forms in glossary.select(TERM, TARGETS).iter_rows():
        if not re.search(term_pattern(term), source):
            continue
        if any(match_key(f) == key for f in forms or [term]) and (best is None or len(term) > len(best)):
            best = term
    return best


def _transliterated_term(source: str, new: str) -> str | None:
    """The run of capitalised source words that `new` transliterates word for word."""
    new_words = _words(new)
    if not new_words or not all(_ARABIC.search(w) for w in new_words):
        return None
    for run in _CAPITALISED_RUN.findall(source):
        words = [w for w in _words(run) if w[:1].isupper()]
        # Any window of as many capitalised words as the rendering has (Sam Altman -> سام ألتمان).
        for i in range(len(words) - len(new_words) + 1):
            window = words[i:i + len(new_words)]
            if all(_transliterates(w, a) for w, a in zip(window, new_words)) and any(
                    _parse(w.lower()) for w in window):
                return " ".join(window)
    return None


def _transliterates(word: str, arabic: str) -> bool:
    """`arabic` writes the English `word`; a word too short to check (The -> ذا) passes when the
    Arabic is as short."""
    if _parse(word.lower()) is None:
        return len(_bare(arabic)) <= 3
    return _is_transliteration(word.lower(), _bare(arabic))


def _bare(word: str) -> str:
    """`word` without tatweel and diacritics (what the transliteration matcher expects)."""
    return normalize(word) if _ARABIC.search(word) else word


def align(source: str, old: str, new: str, glossary: pl.DataFrame | None = None) -> str | None:
    """The source term that the replacement old -> new renders in `source` (None: none found)."""
    if _LATIN.search(old) and not _ARABIC.search(old) and re.search(term_pattern(old), source):
        return old
    term = _glossary_term(source, new, glossary) or _transliterated_term(source, new)
    if term:
        return term
    if _LATIN.search(new) and not _ARABIC.search(new) and re.search(term_pattern(new), source):
        return new
    return None


def edits(source: str, before: str, after: str, glossary: pl.DataFrame | None = None) -> list[Edit]:
    """The replaced spans of before -> after, each aligned to its source term (or None)."""
    out = []
    for old, new in _hunks(before, after):
        old, new = _trim_shared_clitics(old, new)
        if old and new and old != new:
            out.append(Edit(old, new, align(source, old, new, glossary)))
    return out


def term_edits(source: str, before: str, after: str, glossary: pl.DataFrame | None = None) -> list[Edit]:
    """edits() that have a source term: the ones that propagate (and teach the glossary)."""
    return [e for e in edits(source, before, after, glossary) if e.term]


# ---------------------------------------------------------------------- finding the old rendering
def _normalized_map(text: str) -> tuple[str, list[int]]:
    """normalize(text) and, for each of its characters, the index of the original character."""
    chars, index = [], []
    for i, ch in enumerate(text):
        n = normalize(ch)
        chars.append(n)
        index.extend([i] * len(n))
    return "".join(chars), index


@lru_cache(maxsize=256)
def _occurrence_re(old: str) -> tuple[re.Pattern, bool]:
    """A regex over normalised text finding `old` with any proclitic chain in front; and whether
    `old` itself starts with the article (the chain then always includes it)."""
    norm = normalize(old)
    has_article = False
    if _ARABIC.match(norm):
        chain = _CHAIN.match(norm).group(1)
        # Take off only a chain that leaves a real word (a name may start with ب or ل).
        if chain.endswith(ARTICLE) and len(norm) - len(chain) >= 2:
            norm, has_article = norm[len(chain):], True
    body = r"\s+".join(re.escape(w) for w in norm.split())
    # The article, or nothing after لل (li + al contracted: للمسك).
    article = f"(?:{ARTICLE}|(?<={LI_AL}))" if has_article else ""
    flags = re.IGNORECASE if _LATIN.search(norm) else 0
    pattern = rf"(?<![{_WORD_CHARS}])({PROCLITIC_RE}){article}({body})(?![{_WORD_CHARS}])"
    return re.compile(pattern, flags), has_article


def replace_rendering(text: str, old: str, new: str) -> tuple[str, int]:
    """`text` with every occurrence of the rendering `old` (clitic- and normalisation-aware)
    replaced by `new`, keeping each occurrence's proclitics; and how many were replaced."""
    norm, index = _normalized_map(text)
    pattern, old_article = _occurrence_re(old)
    new_article = new.startswith(ARTICLE)
    out, last, n = [], 0, 0
    for m in pattern.finditer(norm):
        start, end = index[m.start()], index[m.end() - 1] + 1
        chain_end = index[m.start(2)] if m.group(2) else end
        chain = text[start:chain_end].replace(TATWEEL, "")
        # The article goes with the old rendering (المسك, "the musk"): keep the other clitics.
        if old_article and chain.endswith(ARTICLE):
            chain = chain[:-len(ARTICLE)]
        if chain.endswith(LI_AL) and old_article:  # لل = ل + ال contracted
            chain = chain[:-1]
        if chain.endswith("ل") and new_article and not old_article:
            replacement = chain + new[1:]  # ل + الـ -> لل
        elif chain and _LATIN.match(new):
            replacement = chain + TATWEEL + new  # a clitic before Latin script: لـAltman
        else:
            replacement = chain + new
        out += [text[last:start], replacement]
        last, n = end, n + 1
    out.append(text[last:])
    return "".join(out), n


# ---------------------------------------------------------------------- candidates in a project
def origin_edits(project, doc: str, seg: int) -> list[Edit]:
    """The term edits of doc #seg's current text against its MT."""
    row = project.segment(doc, seg)
    if not row[REV]:
        return []
    return term_edits(row[SOURCE] or "", row[TARGET] or "", row[CURRENT] or "", workflow.project_glossary(project))


def candidates(project, doc: str, seg: int, *, include_skipped: bool = False) -> pl.DataFrame:
    """The other segments doc #seg's fixes apply to (CANDIDATE_SCHEMA): one row per segment with
    all its changes; the source must have the term and the current text the old rendering.
    Candidates the reviewer skipped are left out unless `include_skipped`."""
    found = origin_edits(project, doc, seg)
    if not found:
        return pl.DataFrame(schema=CANDIDATE_SCHEMA)
    segs = project.segments().select(DOC, SEG, REV, SOURCE, CURRENT)
    segs = segs.filter(~((pl.col(DOC) == doc) & (pl.col(SEG) == seg)))
    # Cheap column-wise filter first: the source has some term, the current text some old key.
    terms = pl.any_horizontal([pl.col(SOURCE).fill_null("").str.contains(term_pattern(e.term)) for e in found])
    segs = segs.filter(terms)
    skipped = set()
    if not include_skipped:
        skips = project.propagation_skips().filter((pl.col(PROPAGATED_DOC) == doc) & (pl.col(PROPAGATED_SEG) == seg))
        skipped = {(d, s, o, n) for d, s, o, n in skips.select(DOC, SEG, "old", "new").iter_rows()}
    rows = []
    for d, s, rev, source, current in segs.iter_rows():
        text, terms_done, changes = current or "", [], []
        for e in found:
            if (d, s, e.old, e.new) in skipped or not re.search(term_pattern(e.term), source or ""):
                continue
            text, n = replace_rendering(text, e.old, e.new)
            if n:
                terms_done.append(e.term)
                changes.append(f"{e.old} → {e.new}" + (f" ×{n}" if n > 1 else ""))
        if changes and text != current:
            rows.append((d, s, rev, " | ".join(dict.fromkeys(terms_done)), " | ".join(changes), current, text))
    return pl.DataFrame(rows, schema=CANDIDATE_SCHEMA, orient="row")


# ---------------------------------------------------------------------- the reviewer's actions
def _note(doc: str, seg: int, changes: str) -> str:
    return f"propagated from {doc} #{seg}: {changes}"


def accept(project, doc: str, seg: int, reviewer: str, only: list[tuple[str, int]] | None = None
           ) -> tuple[list[tuple[str, int, int]], list[str]]:
    """Save doc #seg's fixes into its candidates (all, or `only` these (doc, seg)): one revision
    each by `reviewer`, marked as propagated from doc #seg, re-checked like any save. Returns the
    (doc, seg, revision) saved and a message per candidate that changed meanwhile (not saved)."""
    cands = candidates(project, doc, seg)
    wanted = set(only) if only is not None else None
    saved, refused = [], []
    for row in cands.iter_rows(named=True):
        key = (row[DOC], row[SEG])
        if wanted is not None and key not in wanted:
            continue
        try:
            rev = workflow.save_correction(project, row[DOC], row[SEG], row["proposed"], reviewer, row[REV],
                                           note=_note(doc, seg, row["changes"]), propagated_from=(doc, seg))
        except ConflictError as e:
            refused.append(str(e))
            continue
        saved.append((*key, rev))
    return saved, refused


def skip(project, doc: str, seg: int, target_doc: str, target_seg: int, reviewer: str) -> int:
    """Do not offer doc #seg's fixes in target_doc #target_seg again; returns how many were skipped."""
    target = project.segment(target_doc, target_seg)
    n = 0
    for e in origin_edits(project, doc, seg):
        if re.search(term_pattern(e.term), target[SOURCE] or ""):
            project.skip_propagation(target_doc, target_seg, doc, seg, e.old, e.new, reviewer)
            n += 1
    return n


def undo(project, doc: str, seg: int, reviewer: str) -> int:
    """Undo doc #seg's latest revision when it was a propagated one: a new revision restoring the
    text before it (the MT when it was the first; the segment is then to review again). Returns
    the new revision number. InputError when the latest revision is not a propagated one."""
    revs = project.revisions(doc, seg)
    if revs.height == 0 or revs[PROPAGATED_DOC][-1] is None:
        raise InputError(None, f"{doc} #{seg}: the latest revision is not a propagated fix")
    last = revs.row(-1, named=True)
    previous = revs[CURRENT][-2] if revs.height > 1 else project.segment(doc, seg)[TARGET] or ""
    rev = workflow.save_correction(
        project, doc, seg, previous, reviewer, last[REV],
        note=f"undo of revision {last[REV]} (propagated from {last[PROPAGATED_DOC]} #{last[PROPAGATED_SEG]})")
    if revs.height == 1:
        project.set_status(doc, seg, "to_review", reviewer)
    return rev


def undo_all(project, doc: str, seg: int, reviewer: str) -> list[tuple[str, int, int]]:
    """undo() every segment whose latest revision was propagated from doc #seg."""
    return [(d, s, undo(project, d, s, reviewer)) for d, s, _ in still_current(project, doc, seg)]


def still_current(project, doc: str, seg: int) -> list[tuple[str, int, int]]:
    """(doc, seg, rev) of the segments whose latest revision is one propagated from doc #seg."""
    latest = {}
    for row in project.propagated(doc, seg).iter_rows(named=True):
        latest[(row[DOC], row[SEG])] = row[REV]
    return [(d, s, rev) for (d, s), rev in latest.items() if project.segment(d, s)[REV] == rev]
