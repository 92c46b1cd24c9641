"""HTML of the QA report: one file, no network (inline CSS, CSS bars), right-to-left aware.

Every piece of text from the project goes through `e()` (html.escape) before any markup is
added around it; the diff comes from review.diff.diff_html, which escapes too.
"""

from __future__ import annotations

from html import escape
from string import Template
from typing import Any

from review.arabic import is_rtl
from review.diff import DELETE, INSERT

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>QA report: $title</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif; margin: 2em auto;
       max-width: 72em; padding: 0 1em; color: #1d1d1f; line-height: 1.45; }
[lang="ar"], [dir="rtl"] { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Geeza Pro",
       "Segoe UI", "Arial", sans-serif; font-size: 1.08em; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { border: 1px solid #ddd; padding: .35em .6em; vertical-align: top; }
th { background: #f4f4f6; text-align: start; }
td.num { text-align: end; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pass { color: #0a6b2d; font-weight: 600; } .fail { color: #b3261e; font-weight: 600; }
.bar { background: #e8e8ee; height: .8em; min-width: 8em; }
.bar > span { display: block; height: 100%; background: #5b6ee1; }
.kpis { display: flex; flex-wrap: wrap; gap: 1em; }
.kpi { border: 1px solid #ddd; border-radius: 6px; padding: .6em 1em; min-width: 9em; }
.kpi b { display: block; font-size: 1.4em; }
del { background: #fde2e1; color: #8a1c14; text-decoration: line-through; }
ins { background: #dcf5e3; color: #0a5a26; text-decoration: none; }
.sig { font-family: ui-monospace, monospace; font-size: .85em; color: #555; word-break: break-all; }
.muted { color: #666; }
</style>
</head>
<body>
<h1>QA report: <bdi>$title</bdi></h1>
<p class="muted">Generated $generated. Scoring signature: <span class="sig">$signature</span></p>
$body
</body>
</html>
""")


def e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _num(x: Any, fmt: str = "{:,.2f}") -> str:
    if x is None:
        return "–"
    if isinstance(x, int):
        return f"{x:,}"
    if not isinstance(x, float):  # a damaged project's stray text (escaped by the caller)
        return str(x)
    return fmt.format(x)


def _bar(value: float, top: float) -> str:
    try:
        width = 0.0 if not top else max(0.0, min(100.0, 100.0 * float(value) / float(top)))
    except (TypeError, ValueError):
        width = 0.0
    return f'<div class="bar" role="img" aria-label="{e(value)}"><span style="width:{width:.1f}%"></span></div>'


def _text(value: Any, lang: str, rtl: bool) -> str:
    """A cell of segment text, in its language's direction (bidi-isolated)."""
    direction = "rtl" if rtl else "ltr"
    return f'<td lang="{e(lang)}" dir="{direction}">{e(value)}</td>'


def _diff(pieces: list) -> str:
    wrap = {DELETE: "<del>{}</del>", INSERT: "<ins>{}</ins>"}
    return "".join(wrap.get(op, "{}").format(e(text)) for op, text in pieces)


def _summary(d: dict) -> str:
    s = d["summary"]
    eff = d["effort"]["corpus"]
    kpis = [("segments", s["total"]), ("source words", s["source_words"]), ("flagged", s["flagged"]),
            ("reviewed", s["reviewed"]), ("corrected", s["corrected"]), ("approved", s["approved"]),
            ("edited", f"{100 * (eff['share_edited'] or 0):.1f}%")]
    out = ['<h2>Summary</h2><div class="kpis">']
    out += [f'<div class="kpi"><b>{e(_num(v) if isinstance(v, int) else v)}</b>{e(k)}</div>' for k, v in kpis]
    out.append("</div>")
    if s["corpus_metrics"]:
        out.append("<table><tr><th>Corpus metric</th><th>Score</th><th>sacrebleu signature</th></tr>")
        for m in s["corpus_metrics"]:
            out.append(f'<tr><td>{e(m["name"])}</td><td class="num">{e(_num(m["score"]))}</td>'
                       f'<td class="sig">{e(m["signature"])}</td></tr>')
        out.append("</table>")
    return "\n".join(out)


def _scorecard(d: dict) -> str:
    out = [f'<h2>MQM scorecard</h2><p>Penalty points per 1,000 source words; a document passes at '
           f'{e(_num(float(d["threshold"])))} or less. Reviewed = automatic flags not judged false alarms '
           'plus the reviewers\' annotations.</p>',
           '<table><tr><th>Document</th><th>Segments</th><th>Source words</th><th>Automatic penalty</th>'
           '<th>Automatic / 1,000</th><th>Reviewed penalty</th><th>Reviewed / 1,000</th><th>Result</th></tr>']
    for r in d["scorecard"]:
        result = '<span class="pass">pass</span>' if r["pass"] else '<span class="fail">fail</span>'
        out.append(f'<tr><td><bdi>{e(r["doc"])}</bdi></td><td class="num">{e(_num(r["segments"]))}</td>'
                   f'<td class="num">{e(_num(r["source_words"]))}</td>'
                   f'<td class="num">{e(_num(r["automatic_penalty"]))}</td>'
                   f'<td class="num">{e(_num(r["automatic_per_1000_words"]))}</td>'
                   f'<td class="num">{e(_num(r["reviewed_penalty"]))}</td>'
                   f'<td class="num">{e(_num(r["penalty_per_1000_words"]))}</td><td>{result}</td></tr>')
    out.append("</table>")
    return "\n".join(out)


def _counts_table(title: str, counts: dict[str, int], label: str) -> str:
    if not counts:
        return f"<h2>{e(title)}</h2><p class='muted'>No flags.</p>"
    top = max(counts.values())
    out = [f"<h2>{e(title)}</h2><table><tr><th>{e(label)}</th><th>Flags</th><th></th></tr>"]
    for k, v in counts.items():
        out.append(f'<tr><td>{e(k)}</td><td class="num">{e(_num(v))}</td><td>{_bar(v, top)}</td></tr>')
    out.append("</table>")
    return "\n".join(out)


def _effort(d: dict) -> str:
    c = d["effort"]["corpus"]
    out = ["<h2>Post-editing effort</h2>",
           f'<p>{e(_num(c["segments_edited"]))} of {e(_num(c["segments"]))} segments edited '
           f'({100 * (c["share_edited"] or 0):.1f}%), {e(_num(c["chars_edited"]))} characters changed. '
           f'Corpus TER (MT against correction): {e(_num(c["ter"]))}; chrF: {e(_num(c["chrf"]))}.</p>']
    if c.get("ter_signature"):
        out.append(f'<p class="sig">TER {e(c["ter_signature"])}<br>chrF {e(c["chrf_signature"])}</p>')
    if d["effort"]["segments"]:
        out.append("<table><tr><th>Document</th><th>Segment</th><th>TER</th><th>chrF</th>"
                   "<th>Characters removed</th><th>Characters added</th></tr>")
        for r in d["effort"]["segments"]:
            out.append(f'<tr><td><bdi>{e(r["doc"])}</bdi></td><td class="num">{e(r["seg"])}</td>'
                       f'<td class="num">{e(_num(r["ter"]))}</td><td class="num">{e(_num(r["chrf"]))}</td>'
                       f'<td class="num">{e(_num(r["chars_deleted"]))}</td><td class="num">{e(_num(r["chars_inserted"]))}</td></tr>')
        out.append("</table>")
    return "\n".join(out)


def _verdicts(d: dict) -> str:
    out = ["<h2>Reviewers' verdicts on automatic checks</h2>"]
    if not d["verdicts"]:
        out.append("<p class='muted'>No verdicts given yet.</p>")
        return "\n".join(out)
    out.append("<p class='muted'>Calibrated precision: the Beta(2, 2) posterior mean, (confirmed + 2) / "
               "(verdicts + 4); the queue weighs each check's flags by it.</p>")
    out.append("<table><tr><th>Check</th><th>Confirmed</th><th>False alarms</th><th>Precision</th>"
               "<th>Calibrated</th><th></th></tr>")
    for r in d["verdicts"]:
        p = r["precision"]
        c = r.get("calibrated_precision")
        out.append(f'<tr><td>{e(r["check"])}</td><td class="num">{e(_num(r["confirmed"]))}</td>'
                   f'<td class="num">{e(_num(r["false_alarm"]))}</td><td class="num">{e(_num(p, "{:.1%}"))}</td>'
                   f'<td class="num">{e(_num(c, "{:.1%}"))}</td><td>{_bar(c or 0.0, 1.0)}</td></tr>')
    out.append("</table>")
    return "\n".join(out)


def _corrections(d: dict) -> str:
    src, tgt = d["languages"]["source"], d["languages"]["target"]
    rtl = is_rtl(tgt)
    out = [f"<h2>Corrected segments ({len(d['corrections'])})</h2>"]
    if not d["corrections"]:
        out.append("<p class='muted'>No corrections yet.</p>")
        return "\n".join(out)
    out.append("<table><tr><th>Segment</th><th>Source</th><th>Correction (changes against the MT)</th>"
               "<th>Reviewer</th></tr>")
    for r in d["corrections"]:
        direction = "rtl" if rtl else "ltr"
        out.append(f'<tr><td><bdi>{e(r["doc"])}</bdi>&nbsp;#{e(r["seg"])}<br><span class="muted">{e(r["status"])}</span></td>'
                   + _text(r["source"], src, is_rtl(src))
                   + f'<td lang="{e(tgt)}" dir="{direction}">{_diff(r["diff"])}</td>'
                   f'<td><bdi>{e(r["reviewer"])}</bdi></td></tr>')
    out.append("</table>")
    return "\n".join(out)


def render(d: dict) -> str:
    body = "\n".join([
        _summary(d),
        _scorecard(d),
        _counts_table("Flags by MQM category", d["flags_by_category"], "Category"),
        _counts_table("Flags by check", d["flags_by_check"], "Check"),
        _effort(d),
        _verdicts(d),
        _corrections(d),
    ])
    return PAGE.substitute(title=e(d["project"]), generated=e(d["generated"]),
                           signature=e(d["signature"] or "not scored"), body=body)
