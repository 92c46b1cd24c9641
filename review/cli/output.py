"""Presenting frames on the terminal or writing them to a file (shared by the CLI commands)."""

from __future__ import annotations

import sys

import click
import polars as pl

from review.cli.messages import detail
from review.errors import InputError
from review.export.tabular import write_frame
from review.fileio import STDOUT, is_stdout, write_text
from review.schema import (ALIGN_CONF, BEAD, BT, DOC, ENCODING, FORMAT, LOCATOR, LOW_CONF, REFERENCE, SEG,
                           SOURCE, TARGET)

OUTPUT_FORMATS = ("table", "jsonl", "csv", "parquet")

format_option = click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table",
                             show_default=True, help="Output format.")
# A plain string, not a click.Path: review.fileio refuses bad outputs as one-line errors and
# knows `-` (standard output), links, FIFOs and devices.
out_option = click.option("-o", "--out", "out", default=None, metavar="FILE",
                          help="Write to FILE (atomically; `-` is standard output) instead of "
                               "standard output.")


def render_segments(df: pl.DataFrame) -> str:
    """A readable terminal listing: one block per bead, text in logical order.

    Right-to-left text is printed as stored (logical order, no reshaping, no reordering): the
    terminal's own bidi support lays it out; anything we did here would be wrong somewhere.
    A line break inside a bead (a sentence the MT broke across lines) stays visible as a
    continuation line under the same label.
    """
    lines = []
    cols = [DOC, SEG, BEAD, ALIGN_CONF, LOW_CONF, LOCATOR, SOURCE, TARGET]
    extra = [c for c in (BT, REFERENCE) if c in df.columns and df[c].null_count() < len(df)]
    for row in df.select(cols + extra).iter_rows(named=True):
        conf = row[ALIGN_CONF]
        mark = "  LOW CONFIDENCE" if row[LOW_CONF] else ""
        conf_text = f"conf {conf:.2f}" if conf is not None else "conf -"
        lines.append(f"── {row[DOC]} #{row[SEG]}  {row[BEAD]}  {conf_text}  {row[LOCATOR] or ''}{mark}")
        for label, col in (("src", SOURCE), ("tgt", TARGET), ("bt ", BT), ("ref", REFERENCE)):
            if col not in row or (col in extra and row[col] is None):
                continue
            parts = (row[col] or "").splitlines() or [""]
            lines.append(f"  {label} │ {parts[0]}")
            lines.extend(f"      │ {p}" for p in parts[1:])
    return "\n".join(lines) + ("\n" if lines else "")


def emit(df: pl.DataFrame, fmt: str, out: str | None, table_text: str | None = None) -> None:
    """Write `df` in `fmt` to `out`, or to stdout. `table_text` is what 'table' prints."""
    if fmt == "table":
        show_text(table_text if table_text is not None else render_segments(df), out)
        return
    refuse_binary_terminal(fmt, out)
    write_frame(df, STDOUT if out is None else out, fmt)


def to_terminal(out: str | None) -> bool:
    return (out is None or is_stdout(out)) and sys.stdout.isatty()


def refuse_binary_terminal(fmt: str, out: str | None) -> None:
    if fmt == "parquet" and to_terminal(out):
        raise InputError(STDOUT, "parquet is binary: not written to a terminal; give -o FILE or pipe it")


def show_text(text: str, out: str | None) -> None:
    """Terminal text to `out` (atomically) or to standard output."""
    if out is None or is_stdout(out):
        click.echo(text, nl=False)
    else:
        write_text(out, text)


INPUT_FORMATS = ("text", "tsv", "csv", "jsonl", "parquet", "tmx", "xliff", "po")


def input_options(func):
    """The options every command that reads INPUT... shares (score, init): one definition."""
    options = [
        click.option("--bt", type=click.Path(dir_okay=False), default=None,
                     help="Back-translation of the target into the source language (same layout as the target)."),
        click.option("--ref", type=click.Path(dir_okay=False), default=None,
                     help="Human reference translation (same layout as the target)."),
        click.option("--src-lang", default=None, help="Source language code (default: en)."),
        click.option("--tgt-lang", default=None, help="Target language code (default: the file's own, corpus.toml beside a plain document, else ar)."),
        click.option("--encoding", default=None, help="Force the text encoding, e.g. cp1256 or utf-16."),
        click.option("--input-format", type=click.Choice(INPUT_FORMATS), default=None,
                     help="Format of the inputs (default: from extension or content)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def describe_loaded(corpus, inputs) -> None:
    """-v: what was read, in which encoding (the encoding is never guessed silently)."""
    names = ", ".join(str(p) for p in inputs)
    detail(f"read {names}: {corpus.segments.height} segments in {corpus.documents.height} document(s)")
    for d in corpus.documents.select(DOC, FORMAT, ENCODING).iter_rows(named=True):
        detail(f"  {d[DOC]}: {d[FORMAT] or '?'}, encoding {d[ENCODING] or 'n/a'}")
