"""`review align SOURCE TARGET`: segment two plain documents, align them, print the beads."""

from __future__ import annotations

import click

from review.cli.messages import verbosity_options
from review.cli.output import describe_loaded, emit, format_option, out_option
from review.cli.stdin import hide_spool, stdin_inputs
from review.fileio import check_output
from review.inputs import load_pair


@click.command("align")
@click.argument("source", type=click.Path(dir_okay=True, allow_dash=True))
@click.argument("target", type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--bt", type=click.Path(dir_okay=True), default=None,
              help="Back-translation of TARGET, line-aligned with it.")
@click.option("--ref", type=click.Path(dir_okay=True), default=None,
              help="Reference translation, line-aligned with TARGET.")
@click.option("--src-lang", default="en", show_default=True, help="Source language code.")
@click.option("--tgt-lang", default="ar", show_default=True, help="Target language code.")
@click.option("--encoding", default=None, help="Force the text encoding of all files, e.g. cp1256.")
@click.option("--doc", "doc", default=None, help="Document id (default: from the target's file name).")
@format_option
@out_option
@verbosity_options
def align(source, target, bt, ref, src_lang, tgt_lang, encoding, doc, fmt, out):
    """Split SOURCE and TARGET into sentences and align them (1-1, 1-2, 2-1, 2-2, 1-0, 0-1).
    Either may be `-` (standard input)."""
    if out is not None:
        check_output(out)
    with stdin_inputs([source, target], as_text=True) as (src, tgt):
        corpus = load_pair(src, tgt, bt=bt, ref=ref, src_lang=src_lang, tgt_lang=tgt_lang,
                           encoding=encoding, doc=doc)
        corpus = hide_spool(corpus, [src, tgt])
    describe_loaded(corpus, [source, target])
    emit(corpus.segments, fmt, out)
