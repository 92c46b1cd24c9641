"""`review load FILE`: read a pre-aligned file and print (or write) its segment table."""

from __future__ import annotations

import click

from review.cli.messages import verbosity_options
from review.cli.output import describe_loaded, emit, format_option, out_option
from review.cli.stdin import hide_spool, stdin_inputs
from review.fileio import check_output
from review.load import INPUT_FORMATS, load_file


@click.command("load")
@click.argument("file", type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--src-lang", default=None, help="Source language (TMX: which <tuv> is the source).")
@click.option("--tgt-lang", default=None, help="Target language (TMX: which <tuv> is the target).")
@format_option
@out_option
# A plain string, not a click.Choice: a wrong name is then our one-line error, not a usage screen.
@click.option("--input-format", default=None,
              help=f"Format of FILE: {', '.join(INPUT_FORMATS)} (default: from its extension or content).")
@click.option("--encoding", default=None, help="Force the text encoding, e.g. cp1256 or utf-16.")
@click.option("--source-col", default=None, help="Table column (name or 1-based number) of the source.")
@click.option("--target-col", default=None, help="Table column of the target (MT).")
@click.option("--ref-col", default=None, help="Table column of a reference translation.")
@click.option("--bt-col", default=None, help="Table column of a back-translation.")
@click.option("--id-col", default=None, help="Table column of segment ids (shown in the locator).")
@verbosity_options
def load(file, src_lang, tgt_lang, fmt, out, input_format, encoding, source_col, target_col,
         ref_col, bt_col, id_col):
    """Load a pre-aligned FILE (TSV/CSV, JSONL, Parquet, TMX, XLIFF 1.2/2.x, PO). FILE `-` is
    standard input (format from --input-format or its content)."""
    if out is not None:
        check_output(out)
    with stdin_inputs([file]) as (path,):
        corpus = load_file(path, fmt=input_format, src_lang=src_lang, tgt_lang=tgt_lang,
                           encoding=encoding, source_col=source_col, target_col=target_col,
                           ref_col=ref_col, bt_col=bt_col, id_col=id_col)
        corpus = hide_spool(corpus, [path])
    describe_loaded(corpus, [file])
    emit(corpus.segments, fmt, out)
