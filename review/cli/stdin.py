"""`-` as an input file: standard input, read once into a private temporary file.

The loaders want a path (they sniff the format, read twice, name the file in errors); a spooled
copy gives them one, and every mention of it (errors, the origin and path columns) is turned
back into `<stdin>` so that no temporary name leaks into output or messages.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

import polars as pl

from review.corpus import Corpus
from review.errors import InputError
from review.inputs import is_plain_text
from review.schema import ORIGIN, SOURCE_PATH, TARGET_PATH

STDIN = "-"
SHOWN = "<stdin>"


@contextlib.contextmanager
def stdin_inputs(inputs: list[str], as_text: bool = False):
    """Yield `inputs` with `-` replaced by a spooled copy of standard input. `as_text`: the copy
    is named like a plain document (a text pair); otherwise the loaders sniff its format or take
    --input-format. Errors raised inside name `<stdin>`."""
    inputs = [str(p) for p in inputs]
    if STDIN not in inputs:
        yield inputs
        return
    if inputs.count(STDIN) > 1:
        raise InputError(STDIN, "standard input can be read only once; give `-` once")
    if sys.stdin is None or sys.stdin.isatty():
        raise InputError(SHOWN, "standard input is a terminal: pipe a file into it (or give a file name)")
    with tempfile.TemporaryDirectory(prefix="mt-review-stdin.") as folder:
        spool = Path(folder) / ("stdin.txt" if as_text else "stdin")
        try:
            spool.write_bytes(sys.stdin.buffer.read())
        except OSError as e:
            raise InputError(SHOWN, f"cannot read: {e.strerror or e}") from None
        try:
            yield [str(spool) if p == STDIN else p for p in inputs]
        except InputError as e:
            raise _renamed(e, str(spool)) from None


def pair_is_text(inputs: list[str], input_format: str | None) -> bool:
    """A text pair with `-` for one side: unambiguous when the other side is a plain document (by
    its extension) or --input-format text says so."""
    if input_format is not None:
        return input_format == "text"
    return (len(inputs) == 2 and inputs.count(STDIN) == 1
            and all(p == STDIN or is_plain_text(p) for p in inputs))


def _renamed(e: InputError, spool: str) -> InputError:
    if e.path:
        e.path = e.path.replace(spool, SHOWN)
    e.message = e.message.replace(spool, SHOWN)
    e.args = (str(e),)
    return e


def hide_spool(corpus, inputs: list[str]):
    """The corpus with the spooled copy's path shown as `<stdin>` (origin and path columns)."""
    spools = [p for p in inputs if Path(p).parent.name.startswith("mt-review-stdin.")]
    if not spools:
        return corpus

    def fix(df: pl.DataFrame, cols) -> pl.DataFrame:
        return df.with_columns(pl.col(c).str.replace_all(spools[0], SHOWN, literal=True)
                               for c in cols if c in df.columns)

    return Corpus(segments=fix(corpus.segments, [ORIGIN]),
                  documents=fix(corpus.documents, [SOURCE_PATH, TARGET_PATH]))
