"""Talking to the user on standard error: -q (quiet) and -v (verbose), accepted before or after
the command name (`review -q score ...` and `review score -q ...`).

Data goes to standard output (or -o); info, progress and detail go to standard error, so that
`review score - --format jsonl | head` carries only data.
"""

from __future__ import annotations

import click

QUIET, NORMAL, VERBOSE = 0, 1, 2
_KEY = "review.verbosity"


def _set(level: int):
    def callback(ctx: click.Context, param, value) -> None:
        if value:
            ctx.find_root().meta[_KEY] = level
    return callback


def verbosity_options(func):
    """-q / -v on a command or the group (not passed to the function)."""
    func = click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=_set(VERBOSE),
                        help="More detail on standard error (encoding, signature, counts).")(func)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set(QUIET),
                        help="No progress or info lines on standard error (errors still show).")(func)


def verbosity() -> int:
    ctx = click.get_current_context(silent=True)
    return ctx.find_root().meta.get(_KEY, NORMAL) if ctx is not None else NORMAL


def info(message: str) -> None:
    """A line a user normally wants to see (what was written, how many segments): not with -q."""
    if verbosity() >= NORMAL:
        click.echo(message, err=True)


def detail(message: str) -> None:
    """A line only for -v (encodings, signature, ...)."""
    if verbosity() >= VERBOSE:
        click.echo(message, err=True)
