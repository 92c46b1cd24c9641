"""What a review project goes through, written once for the CLI, the dashboard and the tests:
create it (load -> score -> store), rescore it, re-check a reviewer's correction, build the demo.

The store (review.store) only persists and queries; everything that scores lives here. The
settings a project was scored with (its TOML configuration and glossary file) are kept inside it,
so a rescore and the checks re-run on a correction use them wherever the project file moves.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from review import calibrate
from review.config import Config, load_config
from review.corpus import Corpus
from review.demo import demo_dir
from review.errors import InputError
from review.inputs import load_pair
from review.schema import DOC, FLAG_SCHEMA, SEG, conform
from review.score import Progress, Scored, check_segment, resolve_glossary, score
from review.store import Project, project_target
from review.stream import ScoreSettings
from review.stream_run import NotGrouped, default_jobs, score_corpus

__all__ = ["Settings", "build_demo", "create_project", "project_config", "project_glossary", "recheck", "rescore",
           "save_correction", "set_verdict", "settings"]


@dataclass(frozen=True)
class Settings:
    """What a scoring run reads besides the corpus: the configuration, the TOML it came from (kept
    in the project) and the glossary file (kept too; `config.glossary` names it)."""
    config: Config
    config_text: str | None = None

    def glossary_file(self) -> tuple[str, bytes] | None:
        """(file name, content) of the glossary, read now; None without one."""
        if self.config.glossary is None:
            return None
        return _read_glossary(self.config.glossary)


def settings(config_path: str | Path | None = None, glossary: str | Path | None = None) -> Settings:
    """Settings from a TOML file (None: the defaults) and a glossary (None: the file's own, if any)."""
    config = load_config(config_path, glossary=glossary)
    return Settings(config, _read_config_text(config_path) if config_path is not None else None)


def create_project(path: str | Path, corpus: Corpus, settings: Settings | None = None, *,
                   overwrite: bool = False, progress: Progress | None = None,
                   jobs: int | None = None) -> Project:
    """Score `corpus` and store it as a new project at `path` (refused if it exists, unless
    `overwrite`); returns the project, open.

    A corpus of PARALLEL_MIN_ROWS segments or more is scored as `review score` scores row
    output: batches of whole documents on `jobs` processes (default: the CPUs available), with
    the same results as one table (review.stream_run.score_corpus). Smaller ones, and corpora
    whose documents' rows are not together, are scored as one table in this process. `jobs`
    given: in batches whatever the size (1: one table). The processes are started with spawn:
    a script that calls this on a large corpus must do so under `if __name__ == "__main__":`."""
    target = project_target(path, overwrite)  # refused before the scoring, not after
    settings = settings or Settings(load_config())
    # Storing is the bar's last stretch; the text index is not built here but on the first
    # search (Project.ensure_text_index).
    bar = [1]

    def scoring(done: int, total: int) -> None:
        bar[0] = total + max(1, int(total * _STORE_SHARE))
        progress(done, bar[0])

    scored = _score_new(corpus, settings.config, None if progress is None else scoring, jobs, target.parent)
    project = Project.create(path, corpus, scored, overwrite=overwrite, config_text=settings.config_text,
                             glossary=settings.glossary_file())
    if progress is not None:
        progress(bar[0], bar[0])
    return project


# Below this many segments, starting the scoring processes (each imports polars and the checks,
# about a second) costs more than the second core saves.
PARALLEL_MIN_ROWS = 20_000
# Storing's share of the bar: a step of its own when the bar counts families of checks (one
# table), about a tenth of the rows when it counts rows (in batches).
_STORE_SHARE = 0.1


def _score_new(corpus: Corpus, config: Config, progress: Progress | None, jobs: int | None,
               folder: Path) -> Scored:
    # Batches join each segment's flags back on (doc, seg): numbered segments only.
    numbered = corpus.segments[SEG].null_count() == 0
    large = jobs is not None or corpus.segments.height >= PARALLEL_MIN_ROWS
    if numbered and large and (jobs or default_jobs()) > 1:
        # The scored batches are spilled beside the project (a large corpus may not fit in /tmp).
        spill = folder if folder.is_dir() and os.access(folder, os.W_OK) else None
        try:
            return score_corpus(corpus.segments, ScoreSettings.make(config), jobs, progress=progress,
                                spill_dir=spill)
        except NotGrouped:
            pass  # a document's rows are not together: one table
    return score(corpus, config, progress=progress)


def rescore(project: Project, config: str | Path | None = None, glossary: str | Path | None = None,
            progress: Progress | None = None) -> Scored:
    """Re-run the checks and metrics on the project's MT, and the checks on its corrections;
    corrections, statuses, annotations and verdicts are kept (a verdict stays with a flag raised
    again at the same place).

    `config`: a TOML path (then kept in the project for the next runs) or None for the project's
    stored configuration. `glossary`: a path (kept too) or None for the stored one."""
    config_text = _read_config_text(config) if config is not None else None
    glossary_file = _read_glossary(glossary) if glossary is not None else None
    with _scoring_config(project, config, glossary) as cfg:
        scored = score(project.corpus(), cfg, progress=progress)
        frame = resolve_glossary(None, cfg)
        rechecked = {(doc, seg, rev): _correction_flags(project, doc, seg, text, cfg, frame)
                     for doc, seg, rev, text in project.corrections()}
    project.replace_scores(scored, rechecked=rechecked, config_text=config_text, glossary=glossary_file)
    calibrate.recalibrate(project)  # the verdicts given so far weigh the new flags too
    return scored


def set_verdict(project: Project, flag_id: int, verdict: str | None, reviewer: str) -> None:
    """Confirm a flag or call it a false alarm (None withdraws), then re-weigh the queue's risk by
    the checks' calibrated precision (review.calibrate)."""
    project.set_verdict(flag_id, verdict, reviewer)
    calibrate.recalibrate(project)


def recheck(project: Project, doc: str, seg: int) -> pl.DataFrame | None:
    """Run the checks on the segment's latest correction and store their flags as its current
    flags. Returns them, or None when the segment has no correction. If another save lands
    meanwhile, its own re-check wins."""
    rev, text = project.latest(doc, seg)
    if rev == 0:
        return None
    cfg, frame = _correction_checker(project)
    flags = _correction_flags(project, doc, seg, text, cfg, frame)
    project.store_correction_flags(doc, seg, rev, flags)
    return flags


def save_correction(project: Project, doc: str, seg: int, text: str, reviewer: str, base_rev: int,
                    note: str | None = None, propagated_from: tuple[str, int] | None = None) -> int:
    """Save a reviewer's correction (Project.save: ConflictError if `base_rev` is stale) and re-check
    it. A failure of the checks never undoes the saved correction: it is a RuntimeWarning, and
    the segment keeps its MT's flags. `propagated_from`: see review.propagate."""
    rev = project.save(doc, seg, text, reviewer, base_rev, note, propagated_from=propagated_from)
    try:
        recheck(project, doc, seg)
    except Exception as e:  # noqa: BLE001 (the correction is saved; the flags are stale)
        warnings.warn(f"{doc} #{seg}: saved, but the checks failed on the correction: {e}",
                      RuntimeWarning, stacklevel=2)
    return rev


def project_config(project: Project) -> Config:
    """The configuration the project is scored and re-checked with."""
    return _correction_checker(project)[0]


def project_glossary(project: Project) -> pl.DataFrame | None:
    """The glossary the project is checked with (term, allowed targets), or None."""
    return _correction_checker(project)[1]


_demo_lock = threading.Lock()


def build_demo(path: str | Path) -> Path:
    """Align, score and store the bundled demo corpus at `path` (once; later calls reuse it)."""
    path = Path(path)
    with _demo_lock:
        if path.exists():
            return path
        corpus_dir = demo_dir()
        corpus = load_pair(corpus_dir / "en.txt", corpus_dir / "ar.mt.txt", bt=corpus_dir / "ar.bt.txt")
        glossary = corpus_dir / "glossary.tsv"
        try:
            # The glossary's content travels inside the project, so that re-checking a correction
            # uses it too, wherever the package is installed.
            create_project(path, corpus, settings(None, glossary if glossary.is_file() else None)).close()
        except InputError:
            if not path.exists():  # another process built it meanwhile: use theirs
                raise
        return path


# ---------------------------------------------------------------------- helpers
def _read_config_text(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(path, f"cannot read configuration: {e}") from None


def _read_glossary(path: str | Path) -> tuple[str, bytes]:
    p = Path(path)
    try:
        return p.name, p.read_bytes()
    except OSError as e:
        raise InputError(p, f"cannot read glossary: {e}") from None


@contextlib.contextmanager
def _scoring_config(project: Project, config: str | Path | None = None,
                    glossary: str | Path | None = None) -> Iterator[Config]:
    """The Config to score `project` with: from `config` (a TOML path) or the project's stored
    TOML, with `glossary` or the stored glossary written to a temporary file for the duration
    (the signature hashes the glossary's bytes, so it matches the original run)."""
    with tempfile.TemporaryDirectory(prefix="mt-review-") as d:
        stored = project.glossary
        if glossary is None and stored is not None:
            glossary = Path(d) / stored[0]
            glossary.write_bytes(stored[1])
        if config is None and project.config_text:
            config = Path(d) / "config.toml"
            config.write_text(project.config_text, encoding="utf-8")
        yield load_config(config, glossary=glossary)


# Per stored configuration: (Config, glossary frame) for the checks on a correction, loaded once
# (a save re-checks; reading the TOML and the glossary each time would double its cost).
_checkers: dict[tuple, tuple[Config, pl.DataFrame | None]] = {}
_checkers_lock = threading.Lock()
_MAX_CHECKERS = 8


def _correction_checker(project: Project) -> tuple[Config, pl.DataFrame | None]:
    key = (project.config_text, project.glossary)
    with _checkers_lock:
        hit = _checkers.get(key)
    if hit is not None:
        return hit
    with _scoring_config(project) as cfg:
        checker = (cfg, resolve_glossary(None, cfg))
    with _checkers_lock:
        if len(_checkers) >= _MAX_CHECKERS:
            _checkers.clear()
        _checkers[key] = checker
    return checker


def _correction_flags(project: Project, doc: str, seg: int, text: str, config: Config,
                      glossary: pl.DataFrame | None) -> pl.DataFrame:
    """Flags of `text` as the correction of doc #seg (FLAG_SCHEMA, with its doc and seg)."""
    flags = check_segment(project.loaded_segment(doc, seg), text, config=config, glossary=glossary)
    return conform(flags, FLAG_SCHEMA).with_columns(pl.lit(doc).alias(DOC), pl.lit(seg).alias(SEG))

