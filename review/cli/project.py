"""`review init PROJECT INPUT...` and `review rescore PROJECT`: the SQLite review project."""

from __future__ import annotations

import sys

import click

from review import workflow
from review.cli.messages import info, verbosity_options
from review.cli.output import input_options
from review.cli.score import ProgressBar
from review.inputs import load_inputs
from review.store import Project, project_target


def _progress():
    return ProgressBar(sys.stderr)


@click.command("init")
@click.argument("project")  # a plain string: review.store refuses bad paths in one line
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=True))
@input_options
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="TOML configuration; kept in the project for rescoring.")
@click.option("--glossary", type=click.Path(dir_okay=False), default=None,
              help="Glossary / do-not-translate list; kept in the project.")
@click.option("--force", is_flag=True, help="Replace an existing project file.")
@verbosity_options
def init(project, inputs, bt, ref, config_path, glossary, src_lang, tgt_lang, encoding, input_format, force):
    """Create the review project PROJECT (one SQLite file) from INPUT... (a source and a target
    document, or pre-aligned files), scored and ready for the dashboard."""
    project_target(project, force)  # a bad project path is refused before any work
    settings = workflow.settings(config_path, glossary)
    corpus = load_inputs(list(inputs), bt=bt, ref=ref, src_lang=src_lang, tgt_lang=tgt_lang,
                         encoding=encoding, input_format=input_format)
    info(f"loaded {corpus.segments.height} segments in {corpus.documents.height} document(s); "
         "scoring ...")
    with _progress() as bar:
        p = workflow.create_project(project, corpus, settings, overwrite=force,
                                    progress=bar.update if bar.enabled else None)
    progress = p.progress()
    signature = p.signature
    p.close()
    info(f"created {project}: {progress['total']} segments, {progress['flagged']} flagged")
    info(f"signature: {signature}")


@click.command("rescore")
@click.argument("project")  # a plain string: review.store refuses bad paths in one line
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="TOML configuration (default: the one kept in the project); kept for next time.")
@click.option("--glossary", type=click.Path(dir_okay=False), default=None,
              help="Glossary (default: the one kept in the project); kept for next time.")
@verbosity_options
def rescore(project, config_path, glossary):
    """Re-run the checks and metrics on PROJECT's machine translation. Corrections, statuses,
    annotations and verdicts are kept."""
    with Project.open(project) as p:
        p.require_writable()  # before the scoring, not after
        with _progress() as bar:
            workflow.rescore(p, config_path, glossary, progress=bar.update if bar.enabled else None)
        progress = p.progress()
        signature = p.signature
    info(f"rescored {project}: {progress['total']} segments, {progress['flagged']} flagged")
    info(f"signature: {signature}")
