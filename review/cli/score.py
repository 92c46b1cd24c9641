"""`review score INPUT...` and `review checks`: run the checks, show the worst segments first."""

from __future__ import annotations

import json
import sys

import click
import polars as pl

from review.calibrate import suggest_toml
from review.cli.messages import QUIET, detail, info, verbosity, verbosity_options
from review.cli.output import describe_loaded, input_options, out_option, refuse_binary_terminal, show_text
from review.cli.stdin import STDIN, hide_spool, pair_is_text, stdin_inputs
from review.config import load_config
from review.export.scores import flag_lists, write_scored
from review.engines.ray_engine import FORMATS as RAY_FORMATS
from review.engines.ray_engine import score_ray
from review.errors import InputError
from review.fileio import STDOUT, check_output
from review.inputs import load_inputs
from review.schema import (BT, BT_CHRF, CHECK, DOC, FLAGGED, LOCATOR, MAX_SEVERITY, MESSAGE, REF_CHRF,
                           REFERENCE, RISK, SEG, SEVERITY, SOURCE, TARGET)
from review.score import catalogue_frame, meets
from review.score import score as run_score
from review.store import Project
from review.stream import ScoreSettings
from review.stream_run import STREAM_FORMATS, score_input
from review.workflow import project_config

SCORE_OUTPUT = ("table", "jsonl", "csv", "parquet", "json")
FAIL_LEVELS = ("minor", "major", "critical")


@click.command("score")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=True))
@input_options
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="TOML configuration (thresholds, severities, disabled checks, glossary).")
@click.option("--glossary", type=click.Path(dir_okay=False), default=None,
              help="Glossary / do-not-translate list (TSV/CSV: source term, allowed target forms).")
@click.option("--format", "fmt", type=click.Choice(SCORE_OUTPUT), default="table", show_default=True,
              help="table: flagged segments worst first, then the summary. jsonl/json/csv/parquet: "
                   "every segment in input order with risk, flags and metrics.")
@out_option
@click.option("--fail-on", type=click.Choice(FAIL_LEVELS), default=None,
              help="Exit with code 1 when a flag of this severity or worse is found.")
@click.option("--all", "show_all", is_flag=True, help="Table: list every segment, not only flagged ones.")
@click.option("--batch-size", type=click.IntRange(min=1), default=20_000, show_default=True,
              help="jsonl/csv/parquet: segments read and scored at a time (whole documents are kept "
                   "together); memory grows with it, not with the corpus.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="jsonl/csv/parquet: processes scoring batches in parallel (default: the CPUs available).")
@click.option("--engine", type=click.Choice(("local", "ray")), default="local", show_default=True,
              help="ray: score sharded Parquet/JSONL input (files, folders, globs) on a Ray cluster "
                   "into a folder of shards (--out, --format jsonl or parquet); needs mt-review[ray].")
@click.option("--address", default=None, metavar="HOST:PORT",
              help="Ray cluster to join (default: RAY_ADDRESS, else a local cluster of 2 workers).")
@verbosity_options
def score(inputs, bt, ref, config_path, glossary, src_lang, tgt_lang, encoding, input_format, fmt, out,
          fail_on, show_all, batch_size, jobs, engine, address):
    """Score INPUT... (a source and a target document, or pre-aligned files): flag the segments a
    reviewer should look at, each with its reasons, MQM category and severity, worst first.
    An INPUT `-` is standard input: a pre-aligned file (format from --input-format or its
    content), or the target of a text pair when the other INPUT is a plain document."""
    if engine == "ray":
        _score_on_ray(inputs, out, fmt, config_path, glossary, address, fail_on,
                      other=bt or ref or input_format or encoding or show_all)
        return
    if out is not None:
        check_output(out)
    refuse_binary_terminal(fmt, out)
    config = load_config(config_path, glossary=glossary)
    if fmt in STREAM_FORMATS:
        _score_streaming(list(inputs), bt, ref, config, src_lang, tgt_lang, encoding, input_format, fmt,
                         out, fail_on, batch_size, jobs)
        return
    with stdin_inputs(list(inputs), as_text=pair_is_text(list(inputs), input_format)) as paths:
        corpus = load_inputs(paths, bt=bt, ref=ref, src_lang=src_lang, tgt_lang=tgt_lang,
                             encoding=encoding, input_format=input_format)
        corpus = hide_spool(corpus, paths)
    describe_loaded(corpus, inputs)
    with ProgressBar(sys.stderr) as progress:
        scored = run_score(corpus, config, progress=progress.update if progress.enabled else None)
    detail(f"signature: {scored.signature}")
    _emit(scored, fmt, out, show_all)
    if fail_on and meets(scored.flags, fail_on):
        sys.exit(1)


def _score_streaming(inputs, bt, ref, config, src_lang, tgt_lang, encoding, input_format, fmt, out,
                     fail_on, batch_size, jobs) -> None:
    """Row outputs in batches of whole documents on `jobs` processes (review.stream_run.score_input
    decides what is read in batches). Same bytes as the one-table path (review/stream.py)."""
    settings = ScoreSettings.make(config)
    target = STDOUT if out is None else out
    with stdin_inputs(inputs, as_text=pair_is_text(inputs, input_format)) as paths:
        def load_whole():
            corpus = load_inputs(paths, bt=bt, ref=ref, src_lang=src_lang, tgt_lang=tgt_lang,
                                 encoding=encoding, input_format=input_format)
            return hide_spool(corpus, paths)

        with ProgressBar(sys.stderr) as progress:
            result, corpus = score_input(paths, load_whole, settings, target, fmt, batch_size, jobs,
                                         progress.update if progress.enabled else None, bt=bt, ref=ref,
                                         input_format=input_format, src_lang=src_lang, tgt_lang=tgt_lang,
                                         encoding=encoding, named=STDIN not in inputs)
        if result is None:  # a document's rows are not together: one table, as before
            info("note: a document's rows are not together in the input (it comes back after another "
                 "began): scored as one table, so memory grows with the corpus, not with --batch-size")
            describe_loaded(corpus, inputs)
            scored = run_score(corpus, config)
            detail(f"signature: {scored.signature}")
            _emit(scored, fmt, out, False)
            if fail_on and scored.flags.height and meets(scored.flags, fail_on):
                sys.exit(1)
            return
    if corpus is not None:
        describe_loaded(corpus, inputs)
    else:
        detail(f"read {', '.join(inputs)}: {result.rows} segments in {result.documents} document(s), "
               f"in batches of {batch_size}")
    detail(f"scored in {result.units} batch(es); corpus-wide consistency: {result.corpus_rows} "
           f"candidate segment(s), {result.corpus_flags} flag(s)")
    detail(f"signature: {config.signature()}")
    if fail_on and result.meets(fail_on):
        sys.exit(1)


def _score_on_ray(inputs, out, fmt, config_path, glossary, address, fail_on, other) -> None:
    if out is None or fmt not in RAY_FORMATS:
        raise InputError(out, "--engine ray writes a folder of shards: give --out FOLDER and "
                              "--format jsonl or parquet")
    if other or fail_on:
        raise InputError(None, "--engine ray reads pre-aligned Parquet/JSONL only (no --bt, --ref, "
                               "--input-format, --encoding, --all or --fail-on)")
    result = score_ray(list(inputs), out, fmt, load_config(config_path, glossary=glossary), address=address)
    click.echo(f"scored {result.segments} segments ({result.flagged} flagged) into {result.shards} "
               f"shard(s) in {result.out}", err=True)


@click.command("checks")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Show severities, parameters and enabled state under this configuration.")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@click.option("--suggest", "suggest_for", type=click.Path(dir_okay=False), default=None, metavar="PROJECT",
              help="Print configuration changes (TOML) that PROJECT's verdicts support instead.")
def checks(config_path, fmt, suggest_for):
    """List the catalogue of checks: id, family, MQM category, severity, parameters, enabled.
    With --suggest PROJECT: the checks reviewers keep rejecting, as TOML to put in the config."""
    if suggest_for is not None:
        p = Project.open(suggest_for)
        try:
            config = load_config(config_path) if config_path else project_config(p)
            click.echo(suggest_toml(p, config), nl=False)
        finally:
            p.close()
        return
    config = load_config(config_path)
    frame = catalogue_frame(config)
    if fmt == "json":
        rows = frame.to_dicts()
        for row in rows:
            row["params"] = json.loads(row["params"])
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    click.echo(render_catalogue(frame), nl=False)
    click.echo(f"signature: {config.signature()}")


# --------------------------------------------------------------------------- presentation
class ProgressBar:
    """A progress bar on `stream` only when it is a terminal (nothing in pipes, logs, tests)
    and not with -q."""

    def __init__(self, stream):
        self.stream = stream
        self.enabled = bool(getattr(stream, "isatty", lambda: False)()) and verbosity() > QUIET
        self._bar = None
        self._shown = 0

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(length=total, label="scoring", file=self.stream)
            self._bar.__enter__()
        self._bar.update(done - self._shown)
        self._shown = done

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.__exit__(*exc)
        return False


def _emit(scored, fmt: str, out: str | None, show_all: bool) -> None:
    if fmt == "table":
        show_text(render_report(scored, show_all), out)
        return
    write_scored(scored, STDOUT if out is None else out, fmt)


def render_report(scored, show_all: bool = False) -> str:
    """Flagged segments worst first, each with its flags, then the summary and the signature.

    Right-to-left text is printed in logical order; the terminal's bidi support lays it out.
    """
    rows = pl.concat([scored.segments, flag_lists(scored).select("flags")], how="horizontal")
    rows = rows.sort(RISK, descending=True, maintain_order=True)
    thresholds = scored.summary.get("thresholds", {})
    if not show_all:
        rows = rows.filter(pl.col(FLAGGED))
    lines = []
    for r in rows.iter_rows(named=True):
        metrics = "".join(f"  {name} {r[col]:.1f}" for name, col in (("bt_chrF", BT_CHRF), ("ref_chrF", REF_CHRF))
                          if r[col] is not None)
        lines.append(f"── {r[DOC]} #{r[SEG]}  risk {r[RISK]:.1f}  {r[MAX_SEVERITY] or 'no flags'}"
                     f"  {r[LOCATOR] or ''}{metrics}")
        lines.append(f"  src │ {_one_line(r[SOURCE])}")
        lines.append(f"  tgt │ {_one_line(r[TARGET])}")
        if r[BT] is not None:
            lines.append(f"  bt  │ {_one_line(r[BT])}")
        if r[REFERENCE] is not None:
            lines.append(f"  ref │ {_one_line(r[REFERENCE])}")
        for flag in r["flags"]:
            lines.append(f"    {flag[SEVERITY]:<8} {flag[CHECK]:<20} {flag[MESSAGE]}")
        for col, threshold in thresholds.items():
            if r[col] is not None and r[col] < threshold:
                lines.append(f"    {'metric':<8} {col:<20} {r[col]:.1f} is below the threshold {threshold:g}")
    if not lines:
        lines.append("No segment flagged." if not show_all else "No segments.")
    lines.append("")
    lines += render_summary(scored.summary)
    return "\n".join(lines) + "\n"


def _one_line(text: str | None) -> str:
    return (text or "").replace("\r\n", " ⏎ ").replace("\n", " ⏎ ")


def render_summary(summary: dict) -> list[str]:
    c = summary["corpus"]
    share = 100 * c["flagged"] / c["segments"] if c["segments"] else 0.0
    per_k = c["penalty_per_1000_words"]
    lines = [
        f"Summary: {c['segments']} segments, {c['flagged']} flagged ({share:.1f}%), "
        f"{c['source_words']} source words",
        f"MQM penalty: {c['penalty']:g}" + (f" ({per_k:.1f} per 1,000 source words)" if per_k is not None else ""),
        "By severity: " + ", ".join(f"{k} {v}" for k, v in reversed(c["by_severity"].items())),
    ]
    if c["by_check"]:
        lines.append("By check: " + ", ".join(f"{k} {v}" for k, v in c["by_check"].items()))
        lines.append("By category: " + ", ".join(f"{k} {v}" for k, v in c["by_category"].items()))
    for name, title in (("bt_vs_source", "Back-translation vs source"),
                        ("target_vs_reference", "Target vs reference")):
        for key, value in c["metrics"].get(name, {}).items():
            if key.endswith("_text"):
                lines.append(f"{title}: {value}")
    if len(summary["documents"]) > 1:
        lines.append("Documents (segments, flagged, penalty per 1,000 source words):")
        for d in summary["documents"]:
            per = d["penalty_per_1000_words"]
            per_text = "-" if per is None else f"{per:.1f}"
            lines.append(f"  {d['doc']}: {d['segments']}, {d['flagged']}, {per_text}")
    lines.append(f"signature: {summary['signature']}")
    return lines


def render_catalogue(frame) -> str:
    lines = []
    for r in frame.iter_rows(named=True):
        state = "" if r["enabled"] else "  (disabled)"
        lines.append(f"{r['id']}  [{r['family']}] {r['category']}, {r['severity']}{state}")
        lines.append(f"    {r['title']}: {r['description']}")
        if r["params"] != "{}":
            lines.append(f"    params: {r['params']}")
    return "\n".join(lines) + "\n"
