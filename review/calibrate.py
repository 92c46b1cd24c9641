"""Checks calibrated by the reviewers' verdicts.

Each Confirm / False alarm verdict is one observation of a check's precision in this project.
With a Beta(PRIOR_CONFIRMED, PRIOR_FALSE) prior = Beta(2, 2) (mean 0.5, as heavy as four
verdicts, so one verdict moves the estimate by at most 0.1), the posterior mean after c confirmed
and f false alarms is (c + 2) / (c + f + 4). A check's flags then weigh `factor` = posterior /
prior mean times their MQM weight in the queue's risk: 1 without verdicts, 12/14 / 0.5 = 1.71 after
ten confirmations, 2/14 / 0.5 = 0.29 after ten false alarms. The scorer's own risk is kept
(`base_risk` in the store) and the queue's risk = base_risk + sum over the segment's MT flags of
weight * (factor - 1). Penalties, severities and `flagged` are not changed: the report's MQM
scores stay those of the configuration; only the order of work does.

`suggest` turns well-measured low precisions into configuration changes (TOML): disable a check
below 0.25, lower its severity below 0.5 and move its threshold parameter towards fewer firings.
Below the store/export layer's neighbours: reads the project, imports no workflow.
"""

from __future__ import annotations

import polars as pl

from review.config import Config
from review.schema import CHECK, DOC, RISK, SEG, SEVERITIES, WEIGHT

__all__ = ["MIN_VERDICTS", "PRIOR_CONFIRMED", "PRIOR_FALSE", "calibrated_risks", "precision_table",
           "recalibrate", "suggest", "suggest_toml"]

PRIOR_CONFIRMED = 2.0
PRIOR_FALSE = 2.0
PRIOR_MEAN = PRIOR_CONFIRMED / (PRIOR_CONFIRMED + PRIOR_FALSE)
MIN_VERDICTS = 5  # a configuration change is proposed only for checks judged at least this often
DISABLE_BELOW = 0.25
LOWER_BELOW = 0.5
# Threshold parameters and the direction that makes the check fire less often.
_FEWER = {"threshold": -1, "min_ratio": -1, "max_ratio": +1, "robust_z": +1, "min_latin_share": +1}
_STEP = 0.15

PRECISION_SCHEMA = {CHECK: pl.String(), "flags": pl.Int64(), "confirmed": pl.Int64(), "false_alarm": pl.Int64(),
                    "verdicts": pl.Int64(), "observed": pl.Float64(), "precision": pl.Float64(),
                    "factor": pl.Float64()}


def precision_table(project) -> pl.DataFrame:
    """Per check with flags or verdicts (PRECISION_SCHEMA): MT flags now, verdicts, the observed
    precision (confirmed / verdicts, null without verdicts), the posterior precision and the factor
    its flags' weights get in the queue's risk."""
    counts = project.verdict_counts()
    flags = project.mt_flag_weights().group_by(CHECK).agg(pl.len().cast(pl.Int64).alias("flags"))
    table = flags.join(counts, on=CHECK, how="full", coalesce=True).with_columns(
        pl.col("flags").fill_null(0), pl.col("confirmed").fill_null(0), pl.col("false_alarm").fill_null(0))
    n = pl.col("confirmed") + pl.col("false_alarm")
    post = (pl.col("confirmed") + PRIOR_CONFIRMED) / (n + PRIOR_CONFIRMED + PRIOR_FALSE)
    return table.select(
        CHECK, "flags", "confirmed", "false_alarm", n.alias("verdicts"),
        pl.when(n > 0).then(pl.col("confirmed") / n).otherwise(None).alias("observed"),
        post.alias("precision"), (post / PRIOR_MEAN).alias("factor"),
    ).cast(PRECISION_SCHEMA).sort(["verdicts", CHECK], descending=[True, False])


def calibrated_risks(project, table: pl.DataFrame | None = None) -> pl.DataFrame:
    """doc, seg, risk: the scorer's risk moved by the calibrated weights of the segment's MT flags."""
    table = precision_table(project) if table is None else table
    factors = table.select(CHECK, "factor")
    adjust = (project.mt_flag_weights().join(factors, on=CHECK, how="left")
              .group_by(DOC, SEG).agg((pl.col(WEIGHT) * (pl.col("factor").fill_null(1.0) - 1.0)).sum().alias("_adj")))
    base = project.base_risks()
    return (base.join(adjust, on=[DOC, SEG], how="left", maintain_order="left")
            .select(DOC, SEG, (pl.col("base_risk") + pl.col("_adj").fill_null(0.0)).alias(RISK),
                    pl.col(RISK).alias("_stored")))


def recalibrate(project) -> int:
    """Store the calibrated risks (the queue's order); returns how many segments moved. Only the
    segments whose risk changes are written (a verdict moves the flags of one check)."""
    risks = calibrated_risks(project)
    changed = risks.filter(pl.col(RISK).ne_missing(pl.col("_stored"))
                           & ~((pl.col(RISK) - pl.col("_stored")).abs() < 1e-9).fill_null(False))
    return project.set_risks(changed) if changed.height else 0


def _lower(severity: str) -> str | None:
    i = SEVERITIES.index(severity)
    return SEVERITIES[i - 1] if i > 0 else None


def suggest(project, config: Config) -> list[dict]:
    """Configuration changes the verdicts support: one dict per check (check, action, reason and
    the TOML keys: disable / severity / parameter), for checks with at least MIN_VERDICTS."""
    out = []
    for r in precision_table(project).iter_rows(named=True):
        check, p = r[CHECK], r["precision"]
        if r["verdicts"] < MIN_VERDICTS or p >= LOWER_BELOW or not config.enabled(check):
            continue
        reason = (f"precision {p:.2f} (Beta(2,2) posterior; {r['confirmed']} confirmed, "
                  f"{r['false_alarm']} false alarm(s))")
        if p < DISABLE_BELOW:
            out.append({"check": check, "action": "disable", "reason": reason})
            continue
        item = {"check": check, "action": "lower", "reason": reason, "keys": {}}
        lower = _lower(config.severity(check))
        if lower is not None:
            item["keys"]["severity"] = lower
        params = config.params(check)
        for name, direction in _FEWER.items():
            value = params.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                new = value * (1 + direction * _STEP)
                item["keys"][name] = round(new, 3) if isinstance(value, float) else max(1, round(new))
                break
        if item["keys"]:
            out.append(item)
    return out


def suggest_toml(project, config: Config) -> str:
    """suggest() as a TOML fragment to merge into the configuration (the disabled list includes
    the checks the configuration disables already)."""
    items = suggest(project, config)
    lines = [f"# review checks --suggest: verdict-calibrated changes (prior Beta({PRIOR_CONFIRMED:g},"
             f"{PRIOR_FALSE:g}), at least {MIN_VERDICTS} verdicts per check)"]
    if not items:
        lines.append("# no change suggested: no check with enough verdicts has a low precision")
        return "\n".join(lines) + "\n"
    disabled = sorted(set(config.disabled) | {i["check"] for i in items if i["action"] == "disable"})
    lines += ["[checks]", "disabled = [" + ", ".join(f'"{c}"' for c in disabled) + "]"]
    lines += [f"# {i['check']}: disabled, {i['reason']}" for i in items if i["action"] == "disable"]
    for i in items:
        if i["action"] != "lower":
            continue
        lines += ["", f"[checks.{i['check']}]  # {i['reason']}"]
        for key, value in i["keys"].items():
            lines.append(f'{key} = "{value}"' if isinstance(value, str) else f"{key} = {value}")
    return "\n".join(lines) + "\n"
