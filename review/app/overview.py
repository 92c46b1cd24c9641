"""Overview: review progress, flags by category and severity, risk distribution, MQM score and
corpus metrics with their signatures (all numbers come from the store's last scoring run)."""

from __future__ import annotations

import hashlib
import json

import altair as alt
import polars as pl
import streamlit as st

from review.app import learning, state
from review.app.safe import md_escape
from review.schema import SEVERITIES

SEVERITY_COLORS = ["#9e9e9e", "#f2c200", "#f08000", "#d0021b"]


@st.cache_data(show_spinner=False, max_entries=8)
def _risk_histogram(path: str, run: str, bins: int = 30) -> pl.DataFrame:
    # Risk only changes on a rescore: cached on the project and its scoring run (`run`). The
    # store counts the bins in SQL (only the risk column is read).
    return state.project().risk_histogram(bins)


def _bar(counts: dict[str, int], label: str, sort: list[str] | None = None, colors=None) -> alt.Chart:
    frame = pl.DataFrame({label: list(counts), "flags": list(counts.values())},
                         schema={label: pl.String(), "flags": pl.Int64()})
    color = (alt.Color(f"{label}:N", scale=alt.Scale(domain=sort, range=colors), legend=None)
             if colors else alt.value("#4c78a8"))
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("flags:Q", title="flags"),
        y=alt.Y(f"{label}:N", sort=sort or "-x", title=None, axis=alt.Axis(labelLimit=320)),
        color=color, tooltip=[label, "flags"])


def _metrics(summary: dict) -> None:
    metrics = (summary.get("corpus") or {}).get("metrics") or {}
    if not metrics:
        st.caption("No corpus metric: they need a back-translation or a reference.")
        return
    for pair, scores in metrics.items():
        st.markdown(f"**{md_escape(pair.replace('_', ' '))}**")
        names = [k for k in scores if not k.endswith(("_signature", "_text"))]
        cols = st.columns(max(1, len(names)))
        for col, name in zip(cols, names):
            value = scores[name]
            shown = "–" if not isinstance(value, (int, float)) else f"{value:.1f}"
            col.metric(md_escape(name.upper() if name != "chrf" else "chrF"), shown,
                       help=md_escape(scores.get(f"{name}_signature")) or None)
        lines = [str(scores[k]) for k in scores if k.endswith("_text") and scores[k]]
        if lines:
            st.code("\n".join(lines), language=None)


def render() -> None:
    project = state.project()
    st.title("Overview")
    state.show_flash()
    progress = project.progress()
    total = progress["total"] or 1
    c = st.columns(5)
    c[0].metric("Segments", f"{progress['total']:,}")
    c[1].metric("Flagged", f"{progress['flagged']:,}")
    c[2].metric("Reviewed", f"{progress['reviewed']:,}", help="corrected or approved")
    c[3].metric("Corrected", f"{progress['corrected']:,}")
    c[4].metric("Approved", f"{progress['approved']:,}")
    st.progress(progress["reviewed"] / total, text=f"{progress['reviewed']:,} of {progress['total']:,} reviewed")

    summary = project.summary()
    corpus = summary.get("corpus") or {}
    if not corpus:
        st.info("This project has not been scored yet: run `review rescore PROJECT`.")
        return
    per_k = corpus.get("penalty_per_1000_words")
    c = st.columns(3)
    c[0].metric("MQM penalty per 1,000 source words", "–" if per_k is None else f"{per_k:.1f}",
                help="Sum of the MQM weights of the automatic flags, per 1,000 words of source")
    c[1].metric("MQM penalty (total)", f"{corpus.get('penalty', 0):.1f}")
    c[2].metric("Source words", f"{corpus.get('source_words') or 0:,}")

    left, right = st.columns(2)
    with left:
        st.subheader("Flags by MQM category")
        if corpus.get("by_category"):
            st.altair_chart(_bar(corpus["by_category"], "category"), width="stretch")
        else:
            st.caption("No flags.")
    with right:
        st.subheader("Flags by severity")
        by_sev = {s: corpus.get("by_severity", {}).get(s, 0) for s in SEVERITIES}
        st.altair_chart(_bar(by_sev, "severity", sort=list(SEVERITIES), colors=SEVERITY_COLORS), width="stretch")

    st.subheader("Risk of the segments")
    # The verdicts re-weigh the risk (review.calibrate): they are part of the cache key too.
    run = hashlib.sha1(json.dumps([summary, project.verdict_counts().rows()], sort_keys=True,
                                  default=str).encode()).hexdigest()
    hist = _risk_histogram(str(project.path), run)
    if hist.height:
        st.altair_chart(alt.Chart(hist).mark_bar().encode(
            x=alt.X("from:Q", bin="binned", title="risk (higher = worse)"), x2="to:Q",
            y=alt.Y("segments:Q", title="segments"), tooltip=["from", "to", "segments"]), width="stretch")

    docs = summary.get("documents") or []
    if len(docs) > 0:
        st.subheader("Documents")
        st.dataframe(pl.DataFrame([{k: d.get(k) for k in ("doc", "segments", "flagged", "source_words",
                                                          "penalty", "penalty_per_1000_words")}
                                   for d in docs]), hide_index=True)
    st.subheader("Corpus metrics")
    _metrics(summary)
    st.caption(f"Scoring signature: {md_escape(project.signature or 'unknown')}")
    learning.render(project)
