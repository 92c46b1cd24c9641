"""HTML for segment text in the dashboard: escaped, right-to-left aware, flag spans highlighted.

Pure functions (no Streamlit) so that they are unit-tested. Every piece of segment text and
every message is passed through html.escape before any markup is put around it: the text
comes from files and is data, never markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from review.arabic import SCRIPT_RANGES, is_rtl
from review.schema import (CATEGORY, CHECK, COMMENT, END, MESSAGE, REV, REVIEWER, SEVERITIES, SEVERITY,
                           SEVERITY_RANK, SIDE, START, VERDICT)

# Local fonts only (no network): Debian's fonts-noto-core ships the two Noto Arabic faces.
ARABIC_FONTS = '"Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Segoe UI", "Tahoma", serif'

# A run of Latin letters or digits (names, numbers, URLs, e-mail addresses) that must keep its
# own left-to-right order inside Arabic text (markup-like fragments such as `<b>x</b>` too); it
# ends on a letter, digit or closing bracket so that sentence punctuation after it stays with the
# surrounding Arabic.
_LATIN = r"A-Za-z0-9\u00C0-\u024F"
LATIN_RUN = re.compile(rf"[<(\[{{\"'#@$]?[{_LATIN}](?:[{_LATIN}\x20-\x7E]*[{_LATIN}/%)>\]}}\"'])?")
# Arabic-script runs inside left-to-right text (Arabic names quoted in English).
ARABIC_RUN = re.compile(f"[{SCRIPT_RANGES}](?:[{SCRIPT_RANGES} ]*[{SCRIPT_RANGES}])?")

CSS = f"""
<style>
.mtr-seg {{ font-size: 1.15rem; line-height: 1.9; padding: .5rem .75rem; border-radius: .4rem;
           background: rgba(127,127,127,.06); white-space: pre-wrap; overflow-wrap: anywhere; }}
.mtr-seg[dir="rtl"] {{ font-family: {ARABIC_FONTS}; text-align: right; font-size: 1.3rem; }}
.mtr-seg bdi {{ unicode-bidi: isolate; }}
mark[class^="sev-"] {{ padding: 0 .1em; border-radius: .2em; color: inherit; cursor: help; }}
mark.sev-neutral {{ background: rgba(120,120,120,.25); }}
mark.sev-minor {{ background: rgba(255,200,0,.40); }}
mark.sev-major {{ background: rgba(255,120,0,.45); border-bottom: 2px solid #d45500; }}
mark.sev-critical {{ background: rgba(230,0,40,.35); border-bottom: 2px solid #b00020; }}
.mtr-seg.whole {{ border-bottom: 2px dotted #d45500; cursor: help; }}
.mtr-flag {{ line-height: 1.7; }}
.mtr-flag bdi[dir="rtl"] {{ font-family: {ARABIC_FONTS}; font-size: 1.1em; }}
.mtr-ctx {{ opacity: .6; font-size: .95rem; }}
.mtr-diff del {{ background: rgba(230,0,40,.25); text-decoration: line-through; }}
.mtr-diff ins {{ background: rgba(0,160,60,.25); text-decoration: none; }}
.mtr-diff {{ font-family: {ARABIC_FONTS}; font-size: 1.2rem; line-height: 1.9; }}
</style>
"""


def edit_box_css(key: str) -> str:
    """CSS giving a keyed Streamlit text area right-to-left layout and an Arabic font."""
    cls = ".st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)
    return (f"<style>{cls} textarea {{ direction: rtl; text-align: right; "
            f"font-family: {ARABIC_FONTS}; font-size: 1.25rem; line-height: 1.8; }}</style>")


@dataclass(frozen=True)
class Span:
    """A highlighted range [start, end) of a text; start=end=None marks the whole text."""

    start: int | None
    end: int | None
    message: str
    severity: str = "minor"


def spans_from_flags(flags: Iterable[Mapping], side: str = "target") -> list[Span]:
    """The spans of the flags on one side of a segment (rows as dicts with the FLAG_SCHEMA keys).

    Flags a reviewer marked as false alarms are left out.
    """
    out = []
    for f in flags:
        if f.get(SIDE) != side or f.get(VERDICT) == "false_alarm":
            continue
        message = f"{f.get(CHECK) or ''}: {f.get(MESSAGE) or ''}".strip(": ")
        out.append(Span(f.get(START), f.get(END), message, f.get(SEVERITY) or "minor"))
    return out


def _worst(severities: Iterable[str]) -> str:
    return max(severities, key=lambda s: SEVERITY_RANK.get(s, 0), default=SEVERITIES[0])


def _clip(span: Span, n: int) -> tuple[int, int] | None:
    if span.start is None and span.end is None:
        return None
    start = max(0, min(n, span.start if span.start is not None else 0))
    end = max(0, min(n, span.end if span.end is not None else n))
    return (start, end) if end > start else None


def _marked(text: str, lo: int, hi: int, spans: list[tuple[int, int, Span]]) -> str:
    """Escaped text[lo:hi] with <mark> around every piece covered by one or more spans."""
    cuts = {lo, hi}
    for s, e, _ in spans:
        if lo < s < hi:
            cuts.add(s)
        if lo < e < hi:
            cuts.add(e)
    bounds = sorted(cuts)
    parts = []
    for a, b in zip(bounds, bounds[1:]):
        piece = html.escape(text[a:b], quote=False)
        covering = [sp for s, e, sp in spans if s <= a and b <= e]
        if not covering:
            parts.append(piece)
            continue
        title = html.escape("\n".join(dict.fromkeys(sp.message for sp in covering)), quote=True)
        sev = _worst(sp.severity for sp in covering)
        parts.append(f'<mark class="sev-{html.escape(sev)}" title="{title}">{piece}</mark>')
    return "".join(parts)


def highlight(text: str, spans: Iterable[Span] = (), rtl: bool = False) -> str:
    """Escaped `text` with each span highlighted and its message as a hover title.

    Overlapping spans are cut into pieces; a piece covered by several spans carries all their
    messages and the worst severity. In right-to-left text, Latin runs (names, numbers, URLs)
    are isolated with <bdi dir="ltr">; in left-to-right text, Arabic runs with <bdi dir="rtl">.
    A highlight never crosses an isolate boundary (it is cut instead), so isolation never
    reorders words. Line breaks stay line breaks (the container keeps white space).
    """
    text = text or ""
    clipped = [(c[0], c[1], sp) for sp in spans if (c := _clip(sp, len(text)))]
    runs = LATIN_RUN if rtl else ARABIC_RUN
    inner_dir = "ltr" if rtl else "rtl"
    out, pos = [], 0
    for m in runs.finditer(text):
        out.append(_marked(text, pos, m.start(), clipped))
        out.append(f'<bdi dir="{inner_dir}">{_marked(text, m.start(), m.end(), clipped)}</bdi>')
        pos = m.end()
    out.append(_marked(text, pos, len(text), clipped))
    return "".join(out)


def segment_html(text: str, spans: Iterable[Span] = (), lang: str | None = None,
                 css_class: str = "mtr-seg") -> str:
    """A block for one segment side: dir/lang set from the language, whole-segment flags shown
    as a dotted underline on the block with their messages as its title."""
    spans = list(spans)
    rtl = is_rtl(lang)
    whole = [sp for sp in spans if sp.start is None and sp.end is None]
    attrs = [f'class="{html.escape(css_class)}{" whole" if whole else ""}"',
             f'dir="{"rtl" if rtl else "ltr"}"']
    if lang:
        attrs.append(f'lang="{html.escape(lang, quote=True)}"')
    if whole:
        attrs.append(f'title="{html.escape(chr(10).join(sp.message for sp in whole), quote=True)}"')
    return f"<div {' '.join(attrs)}>{highlight(text, spans, rtl=rtl)}</div>"


def flag_html(flag: Mapping) -> str:
    """One flag for the list under a segment: severity, check, category, span and message. The
    messages are English sentences quoting fragments of the text: left to right, with the
    quoted Arabic isolated."""
    sev = html.escape(str(flag.get(SEVERITY) or ""))
    where = "" if flag.get(START) is None else f" [{flag.get(START)}–{flag.get(END)}]"
    return (f'<div class="mtr-flag" dir="ltr"><mark class="sev-{sev}">{sev}</mark> '
            f'<code>{html.escape(str(flag.get(CHECK) or ""))}</code> '
            f'<small>{html.escape(str(flag.get(CATEGORY) or ""))}{html.escape(where)} · '
            f'{html.escape(str(flag.get(SIDE) or ""))}</small><br>'
            f'{highlight(str(flag.get(MESSAGE) or ""), rtl=False)}</div>')


def annotation_html(note: Mapping) -> str:
    """A reviewer's MQM annotation: severity, category, span, revision, reviewer, comment (free
    text in either language, so its direction is its own)."""
    sev = html.escape(str(note.get(SEVERITY) or ""))
    span = "whole segment" if note.get(START) is None else f"[{note.get(START)}–{note.get(END)}]"
    return (f'<div class="mtr-flag" dir="ltr"><mark class="sev-{sev}">{sev}</mark> '
            f'{html.escape(str(note.get(CATEGORY) or ""))} · {html.escape(span)} · rev {int(note.get(REV) or 0)}'
            f' · {html.escape(str(note.get(REVIEWER) or ""))}<br>'
            f'<bdi>{html.escape(str(note.get(COMMENT) or ""))}</bdi></div>')
