"""Fuzzing every loader through review.load's public entry, and the project opener
(review.store.Project.open): random bytes and mutations of our own fixtures and of a real
project file never produce anything but an InputError (or a loaded corpus / an open project).

No hang: each example runs under a SIGALRM budget. No unbounded memory: inputs are capped in
size (a few KB) and the process's peak RSS is checked after the run. The long variant is
marked `slow` (run it with `-m slow`).
"""

from __future__ import annotations

import io
import resource
import signal
import sqlite3
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.errors import InputError, InputWarning
from review.load import load_file
from review.store import Project
from store_corpus import make_corpus, make_scored

FIX = Path(__file__).parent / "fixtures" / "formats"
BUDGET_S = 10  # per example; a loader that takes longer on a few KB is hanging
PEAK_RSS_MB = 3000


def _parquet_seed() -> bytes:
    buf = io.BytesIO()
    pl.DataFrame({"source": ["One.", "Two."], "target": ["واحد.", "اثنان."]}).write_parquet(buf)
    return buf.getvalue()


SEEDS = {p.name: p.read_bytes() for p in sorted(FIX.iterdir()) if p.is_file()}
SEEDS["seed.parquet"] = _parquet_seed()
EXTENSIONS = sorted({Path(n).suffix for n in SEEDS} | {".dat", ".json", ".po"})


@contextmanager
def time_budget(seconds: int):
    def alarm(signum, frame):
        raise TimeoutError(f"loader ran longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def load_only_input_errors(path: Path) -> None:
    """The property: a corpus or an InputError with a one-line message; nothing else."""
    with warnings.catch_warnings(), time_budget(BUDGET_S):
        warnings.simplefilter("ignore", InputWarning)
        try:
            load_file(path)
        except InputError as e:
            assert "\n" not in str(e)


@st.composite
def mutated(draw, max_ops: int = 6):
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, max_ops))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "duplicate", "truncate", "nest"]))
        at = draw(st.integers(0, len(data)))
        if op == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from(
                [b"\x00", b"\xff", b"\xef\xbb\xbf", b"\t", b"\r\n", b'"', b"<", b"]]>", b"&lt;", b"{", b"\\"]))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "duplicate":
            data[at:at] = data[at:at + draw(st.integers(1, 256))]
        elif op == "truncate":
            del data[at:]
        elif op == "nest":
            data[at:at] = draw(st.sampled_from([b"<g>" * 300, b"[" * 300, b'{"a":' * 150]))
    ext = draw(st.sampled_from([Path(name).suffix, draw(st.sampled_from(EXTENSIONS))]))
    return bytes(data[:16384]), ext


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def _write(workdir: Path, data: bytes, ext: str) -> Path:
    p = workdir / f"case{ext}"
    p.write_bytes(data)
    return p


def test_seeds_load():
    assert len(SEEDS) >= 15


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=mutated())
def test_mutated_fixtures_only_raise_input_errors(workdir, case):
    load_only_input_errors(_write(workdir, *case))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2048), ext=st.sampled_from(EXTENSIONS))
def test_random_bytes_only_raise_input_errors(workdir, data, ext):
    load_only_input_errors(_write(workdir, data, ext))


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=mutated(max_ops=20))
def test_mutated_fixtures_long(workdir, case):
    load_only_input_errors(_write(workdir, *case))


# ---------------------------------------------------------------------- the project opener
def _project_seed() -> bytes:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "seed.review"
        Project.create(path, make_corpus(), make_scored(make_corpus())).close()
        with sqlite3.connect(path) as c:  # one self-contained file (no -wal beside it)
            c.execute("PRAGMA journal_mode = DELETE")
        return path.read_bytes()


PROJECT_SEED = _project_seed()


def open_only_input_errors(path: Path) -> None:
    """The property for projects: opening and reading give data or one-line InputErrors."""
    with time_budget(BUDGET_S):
        try:
            with Project.open(path) as p:
                p.segments(), p.flags(), p.progress(), p.documents(), p.all_revisions(), p.summary()
        except InputError as e:
            assert "\n" not in str(e)


@st.composite
def damaged_project(draw) -> bytes:
    data = bytearray(PROJECT_SEED)
    op = draw(st.sampled_from(["truncate", "flip", "zero page", "random tail"]))
    if op == "truncate":
        del data[draw(st.integers(0, len(data) - 1)):]
    elif op == "flip":
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] ^= 1 << draw(st.integers(0, 7))
    elif op == "zero page":
        page = draw(st.integers(0, len(data) // 4096 - 1))
        data[page * 4096:(page + 1) * 4096] = bytes(4096)
    else:
        at = draw(st.integers(100, len(data) - 1))
        data[at:] = draw(st.binary(min_size=1, max_size=4096))
    return bytes(data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=damaged_project())
def test_damaged_projects_only_raise_input_errors(workdir, data):
    open_only_input_errors(_write(workdir, data, ".review"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4096), header=st.booleans())
def test_random_bytes_as_a_project_only_raise_input_errors(workdir, data, header):
    open_only_input_errors(_write(workdir, (b"SQLite format 3\x00" if header else b"") + data, ".review"))


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=damaged_project())
def test_damaged_projects_long(workdir, data):
    open_only_input_errors(_write(workdir, data, ".review"))


def test_memory_stayed_bounded():
    # Runs after the fuzz tests in file order: nothing above blew up the process.
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak_mb < PEAK_RSS_MB
