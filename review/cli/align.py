"""`review align SOURCE TARGET`: segment two plain documents, align them, print the beads."""

from __future__ import annotations

import click

from review.cli.output import emit, format_option, out_option


@click.command("align")
@click.argument("source", type=click.Path(dir_okay=True))
@click.argument("target", type=click.Path(dir_okay=True))
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
def align(source, target, bt, ref, src_lang, tgt_lang, encoding, doc, fmt, out):
    """Split SOURCE and TARGET into sentences and align them (1-1, 1-2, 2-1, 2-2, 1-0, 0-1)."""
    from review.inputs import load_pair

    corpus = load_pair(source, target, bt=bt, ref=ref, src_lang=src_lang, tgt_lang=tgt_lang,
                       encoding=encoding, doc=doc)
    emit(corpus.segments, fmt, out)
