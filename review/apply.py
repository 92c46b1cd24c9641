"""`review apply`: corrections made elsewhere (a CAT tool, a PO editor, a spreadsheet) on a file we
exported, recorded in the project as revisions by the reviewer who made them.

Each unit of the file is matched to its segment by the ids the export wrote (review.load.
corrections) and sorted into one of:
- applied: its target differs from the project's current text, and the project has not moved
  since the export (the segment's revision is the file's base revision): saved through
  review.workflow.save_correction, the dashboard's own path (so re-checked like a save); a unit
  the file marks approved (XLIFF signed-off/final) is approved too;
- unchanged: the target equals the project's current text, or equals the text the file was
  exported with while the project has a later revision (the file did not touch it);
- conflict: the project has a revision after the file's base revision, and the file changed the
  text to something else: the project's text is kept, never overwritten;
- refused: no such segment, the source text was changed, no base revision, an emptied target,
  or a unit listed twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from review.errors import ConflictError, InputError
from review.load.corrections import CorrectedUnit, read_corrections
from review.schema import CURRENT, DOC, REV, SEG, SOURCE, STATUS, STATUSES, TARGET
from review.workflow import save_correction

__all__ = ["ApplyResult", "Change", "apply_file"]

TO_REVIEW, CORRECTED, APPROVED = STATUSES


@dataclass(frozen=True)
class Change:
    doc: str
    seg: int | None
    old: str  # the project's current text
    new: str  # the file's target
    reason: str = ""  # why refused / what conflicts / what was done
    approve: bool = False  # applied: the segment is (also) approved
    where: str = ""  # position in the file


@dataclass
class ApplyResult:
    path: str
    dry_run: bool
    applied: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)
    refused: list[Change] = field(default_factory=list)

    def summary(self) -> str:
        verb = "would apply" if self.dry_run else "applied"
        return (f"{verb} {len(self.applied)}, unchanged {len(self.unchanged)}, "
                f"conflicts {len(self.conflicts)}, refused {len(self.refused)}")


def apply_file(project, path: str | Path, reviewer: str, dry_run: bool = False,
               fmt: str | None = None) -> ApplyResult:
    """Apply the corrections of `path` (an export of `project`, edited) as revisions by `reviewer`.
    With `dry_run` nothing is written; the result says what would happen."""
    if not (reviewer or "").strip():
        raise InputError(None, "a reviewer name is required (--reviewer)")
    units = read_corrections(path, fmt)
    result = ApplyResult(str(path), dry_run)
    segs = project.segments().select(DOC, SEG, SOURCE, TARGET, CURRENT, REV, STATUS)
    state = {(r[0], r[1]): r[2:] for r in segs.iter_rows()}
    seen: set[tuple[str, int | None]] = set()
    for u in units:
        key = (u.doc, u.seg)
        row = state.get(key)
        if u.seg is None:
            result.refused.append(_change(u, "", "no segment id (not a unit written by `review export`)"))
            continue
        if row is None:
            result.refused.append(_change(u, "", f"no segment {u.doc} #{u.seg} in the project"))
            continue
        source, mt, current, rev, status = row
        current = current if current is not None else (mt or "")
        if key in seen:
            result.refused.append(_change(u, current, "listed twice in the file; the first one counts"))
            continue
        seen.add(key)
        if u.source is not None and u.source != (source or ""):
            result.refused.append(_change(u, current, "source text changed"))
            continue
        if u.base_rev is None:
            result.refused.append(_change(u, current, "no base revision (not a file written by `review export`)"))
            continue
        approve = u.approved and status != APPROVED
        if u.target == current:
            if approve:
                _apply(project, result, _change(u, current, "approved", approve=True), reviewer, rev, dry_run)
            else:
                result.unchanged.append(_change(u, current))
            continue
        if not u.target and current:
            result.refused.append(_change(u, current, "target emptied"))
            continue
        if rev != u.base_rev:
            if u.target == _text_at(project, u.doc, u.seg, u.base_rev, mt):
                result.unchanged.append(_change(u, current, f"revised in the project since (revision {rev})"))
            else:
                result.conflicts.append(_change(
                    u, current, f"revised in the project since the export (revision {rev}, the file's "
                                f"base is {u.base_rev}); the project's text is kept"))
            continue
        _apply(project, result, _change(u, current, "corrected", approve=u.approved), reviewer, rev, dry_run)
    if units and len(seen) == 0:
        docs = sorted({u.doc for u in units})
        raise InputError(path, f"no unit matches a segment of {Path(project.path).name} (the file has "
                         f"document {', '.join(map(repr, docs[:3]))}{' ...' if len(docs) > 3 else ''}): "
                         "not an export of this project")
    return result


def _change(u: CorrectedUnit, old: str, reason: str = "", approve: bool = False) -> Change:
    return Change(u.doc, u.seg, old, u.target, reason, approve, u.where)


def _text_at(project, doc: str, seg: int, rev: int, mt: str | None) -> str | None:
    """The segment's text at revision `rev` (0: the MT); None when there is no such revision."""
    if rev == 0:
        return mt or ""
    revs = project.revisions(doc, seg)
    hit = revs.filter(revs[REV] == rev)
    return hit[CURRENT][0] if hit.height else None


def _apply(project, result: ApplyResult, change: Change, reviewer: str, rev: int, dry_run: bool) -> None:
    if dry_run:
        result.applied.append(change)
        return
    try:
        if change.new != change.old:
            rev = save_correction(project, change.doc, change.seg, change.new, reviewer, rev,
                                  note=f"applied from {Path(result.path).name}")
        if change.approve:
            project.approve(change.doc, change.seg, reviewer, rev)
    except ConflictError as e:  # someone saved between our reading and our writing
        result.conflicts.append(Change(change.doc, change.seg, e.theirs, change.new, str(e), False, change.where))
        return
    result.applied.append(change)
