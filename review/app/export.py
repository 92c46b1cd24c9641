"""Export: a download button for every export format and for the QA report.

The files are made only when a button is clicked (Streamlit calls `data` lazily), so a large
project's page opens at once.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from review.app import state
from review.app.safe import md_escape
from review.export.project import EXPORT_FORMATS, EXTENSIONS, MIME, export_bytes
from review.export.report import DEFAULT_THRESHOLD, report_data

LABELS = {
    "text": "Corrected document (original layout)",
    "tmx": "TMX 1.4b",
    "xliff": "XLIFF 1.2",
    "xliff2": "XLIFF 2.1",
    "po": "PO (gettext)",
    "csv": "CSV (UTF-8 with BOM, for spreadsheets)",
    "jsonl": "JSON Lines (segments and review)",
    "parquet": "Parquet (segments and review)",
}


def _file_name(stem: str, fmt: str, n_docs: int) -> str:
    if fmt == "text" and n_docs > 1:
        return stem + ".zip"
    return stem + (".xliff2.xlf" if fmt == "xliff2" else EXTENSIONS[fmt])


def _export(path: str, fmt: str, approved_only: bool, mark_unreviewed: bool):
    def make() -> bytes:
        return export_bytes(state.open_project(Path(path)), fmt, approved_only, mark_unreviewed)[0]
    return make


def _report(path: str, fmt: str, threshold: float):
    def make() -> bytes:
        data = report_data(state.open_project(Path(path)), threshold)
        if fmt == "json":
            return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        return render(data).encode("utf-8")
    return make


def render() -> None:
    project = state.project()
    st.title("Export")
    path, stem = str(project.path), Path(project.path).stem
    n_docs = len(state.doc_ids(project))
    progress = project.progress()
    st.caption(f"{progress['corrected']:,} corrected and {progress['approved']:,} approved of "
               f"{progress['total']:,} segments.")

    st.subheader("Corrected translation and interchange files")
    c1, c2 = st.columns(2)
    approved_only = c1.toggle("Only approved segments", key="x_approved_only",
                              help="Segments not approved keep the original MT")
    mark = c2.toggle("Mark unreviewed segments", key="x_mark",
                     help="In the text export, unreviewed segments are wrapped in ⟪ ⟫")
    for fmt in EXPORT_FORMATS:
        name = _file_name(stem, fmt, n_docs)
        st.download_button(f"{LABELS.get(fmt, fmt)} · {md_escape(name)}", _export(path, fmt, approved_only, mark),
                           file_name=name, mime=MIME["zip"] if name.endswith(".zip") else MIME[fmt],
                           key=f"dl_{fmt}", on_click="ignore", icon=":material/download:")

    st.subheader("QA report")
    threshold = st.columns([1, 2])[0].number_input(
        "Pass threshold: MQM penalty per 1,000 source words", min_value=0.0,
        value=float(DEFAULT_THRESHOLD), step=1.0, key="x_threshold")
    c1, c2 = st.columns(2)
    with c1:
        st.download_button(f"Report (HTML, self-contained) · {md_escape(stem + '.report.html')}",
                           _report(path, "html", threshold), file_name=f"{stem}.report.html",
                           mime="text/html", key="dl_report_html", on_click="ignore",
                           icon=":material/description:")
    with c2:
        st.download_button(f"Report data (JSON) · {md_escape(stem + '.report.json')}", _report(path, "json", threshold),
                           file_name=f"{stem}.report.json", mime="application/json",
                           key="dl_report_json", on_click="ignore", icon=":material/data_object:")
