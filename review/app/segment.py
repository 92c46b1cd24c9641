"""Segment view: source and MT side by side, flags, correction, verdicts and annotations.

Keyboard: in the correction box Ctrl+Enter (Cmd+Enter on a Mac) saves; Alt+A approves the
segment as it is; Alt+N opens the next segment of the queue; Alt+Y confirms and Alt+X marks as a
false alarm the first flag without a verdict; Alt+P accepts every proposed propagation of this
segment's fix and Alt+U undoes them (review.app.propagation). SHORTCUTS is the legend shown.
"""

from __future__ import annotations

import html
import re

import polars as pl
import streamlit as st

from review import workflow
from review.app import nav, propagation, queue, state
from review.app.render import annotation_html, edit_box_css, flag_html, is_rtl, segment_html, spans_from_flags
from review.app.safe import badge, error_text, md_escape
from review.diff import diff_html
from review.errors import BusyError, ConflictError, InputError
from review.schema import (ANNOTATION_ID, BT, CURRENT, DOC, FLAG_ID, FROM_CORRECTION, LOCATOR,
                           MQM_CATEGORIES, NOTE, PROPAGATED_DOC, PROPAGATED_SEG, REV, REVIEWER, RISK, SEG,
                           SEVERITIES, SOURCE, SRC_LANG,
                           STATUS, TARGET, TGT_LANG, UPDATED, VERDICT, VERDICTS)

EDIT_KEY = "correction"  # the correction text area; its CSS class is .st-key-correction
EDIT_FOR = "_edit_for"  # "doc\tseg" the edit box was filled for
BASE_KEY = "_base_rev"  # the revision the reviewer's edit starts from (conflict detection)
CONFLICT_KEY = "_conflict"
CONFIRMED, FALSE_ALARM = VERDICTS
STATUS_LABELS = {"to_review": "to review", "corrected": "corrected", "approved": "approved"}
STATUS_COLORS = {"to_review": "orange", "corrected": "blue", "approved": "green"}
SHORTCUTS = [("Ctrl+Enter (⌘+Enter), in the box", "save"), ("Alt+A", "approve as is"),
             ("Alt+N", "next flagged segment"), ("Alt+Y", "confirm the first open flag"),
             ("Alt+X", "false alarm on the first open flag"), ("Alt+P", "accept all propagations"),
             ("Alt+U", "undo propagated fixes"), ("Tab / Shift+Tab, Space", "move between buttons, press one")]


def _here(doc: str, seg: int) -> str:
    return f"{doc}\t{seg}"


def _load_edit_box(row: dict) -> None:
    """Fill the edit box with the segment's current text when another segment is opened."""
    if st.session_state.get(EDIT_FOR) != _here(row[DOC], row[SEG]) or EDIT_KEY not in st.session_state:
        st.session_state[EDIT_FOR] = _here(row[DOC], row[SEG])
        st.session_state[EDIT_KEY] = row[CURRENT]
        st.session_state[BASE_KEY] = row[REV]
        st.session_state.pop(CONFLICT_KEY, None)


BUSY = ("Not saved: the project is busy (another program is writing to it). Your text is kept in "
        "the box: press Save again in a moment.")


def _who() -> str | None:
    who = state.reviewer()
    if not who:
        state.flash("warning", state.BAD_REVIEWER if state.reviewer_given() else
                    "Enter your name in the sidebar first: it is stored with every change.")
    return who or None


# ---------------------------------------------------------------- actions (run as callbacks,
# before the page is drawn, so that they may reset the edit box)
def _save(doc: str, seg: int, text: str | None = None, base: int | None = None) -> None:
    who = _who()
    if who is None:
        return
    project = state.project()
    text = st.session_state.get(EDIT_KEY, "") if text is None else text
    base = st.session_state.get(BASE_KEY, 0) if base is None else base
    current = project.segment(doc, seg)
    if current[REV] == base and text == current[CURRENT]:
        state.flash("info", "Nothing changed: use “Approve as is” to accept this text.")
        return
    try:
        rev = workflow.save_correction(project, doc, seg, text, who, base)
    except ConflictError as e:
        _conflict(doc, seg, e, mine=text)
        return
    except BusyError:
        # The edit box keeps the reviewer's text (only a successful save resets it).
        state.flash("error", BUSY)
        return
    except InputError as e:
        state.flash("error", f"Not saved: {error_text(e)}. Your text is kept in the box.")
        return
    st.session_state[BASE_KEY] = rev
    st.session_state[EDIT_KEY] = text
    st.session_state.pop(CONFLICT_KEY, None)
    state.flash("success", f"Saved revision {rev} of {md_escape(doc)} #{seg}; the checks ran again on it.")


def _approve(doc: str, seg: int) -> None:
    who = _who()
    if who is None:
        return
    project = state.project()
    base = st.session_state.get(BASE_KEY, 0)
    try:
        project.approve(doc, seg, who, base)
    except ConflictError as e:
        _conflict(doc, seg, e, mine=st.session_state.get(EDIT_KEY, ""))
        return
    state.flash("success", f"Approved {md_escape(doc)} #{seg} (revision {base}).")


def _conflict(doc: str, seg: int, e: ConflictError, mine: str) -> None:
    latest = state.project().segment(doc, seg)
    st.session_state[CONFLICT_KEY] = {"doc": doc, "seg": seg, "message": str(e), "mine": mine,
                                      "theirs": e.theirs, "by": e.theirs_by, "rev": latest[REV]}


def _keep_mine() -> None:
    c = st.session_state.get(CONFLICT_KEY)
    if c:
        _save(c["doc"], c["seg"], text=c["mine"], base=c["rev"])


def _take_theirs() -> None:
    c = st.session_state.pop(CONFLICT_KEY, None)
    if c:
        st.session_state[EDIT_KEY] = c["theirs"]
        st.session_state[BASE_KEY] = c["rev"]
        state.flash("info", f"Loaded revision {c['rev']} by {md_escape(c['by'] or 'another reviewer')}.")


def _revert(text: str) -> None:
    st.session_state[EDIT_KEY] = text


def _verdict(flag_id: int, verdict: str, current: str | None) -> None:
    who = _who()
    if who is None:
        return
    try:  # clicking the verdict a flag already has withdraws it
        workflow.set_verdict(state.project(), flag_id, None if current == verdict else verdict, who)
    except InputError as e:
        state.flash("error", error_text(e))


def _verdict_first_open(flag_ids: list[int], verdict: str) -> None:
    """The keyboard's confirm / false alarm: on the first flag of the MT without a verdict."""
    if flag_ids:
        _verdict(flag_ids[0], verdict, None)
        state.flash("success", f"Flag marked {'confirmed' if verdict == CONFIRMED else 'false alarm'}.")
    else:
        state.flash("info", "Every flag of this segment has a verdict.")


def _annotate(doc: str, seg: int, text: str) -> None:
    who = _who()
    if who is None:
        return
    fragment = st.session_state.get("an_span") or ""
    start = end = None
    if fragment:
        start = text.find(fragment)
        if start < 0:
            state.flash("error", "The span must be an exact piece of the current translation.")
            return
        end = start + len(fragment)
    try:
        state.project().annotate(doc, seg, st.session_state["an_cat"], st.session_state["an_sev"], start,
                                 end, st.session_state.get("an_comment") or None, who)
    except InputError as e:
        state.flash("error", error_text(e))
        return
    state.flash("success", "Annotation added.")


def _delete_annotation(annotation_id: int) -> None:
    state.project().delete_annotation(annotation_id)


def _next(doc: str, seg: int) -> None:
    """The next segment of the queue (same filters) after this one."""
    project = state.project()
    pos = int(st.session_state.get(queue.POSITION_KEY) or 0)
    for offset in dict.fromkeys((pos, 0)):
        rows, _ = project.queue(**queue.filters(), offset=offset, limit=3)
        for i, (d, s) in enumerate(zip(rows[DOC], rows[SEG])):
            if (d, s) != (doc, seg):
                st.session_state[queue.POSITION_KEY] = offset + i
                nav.set_segment_in_url(d, int(s))
                return
    state.flash("info", "No other segment in the queue: all done with these filters.")


# ---------------------------------------------------------------- drawing
def _from_url(project) -> tuple[str, int] | None:
    """The segment the address names, checked: an existing document id and a segment number
    (InputError with a message for the browser otherwise)."""
    here = nav.segment_in_url()
    if here is None:
        return None
    doc, seg = here
    if doc not in state.doc_ids(project):
        raise InputError(None, "The address names no document of this project: open a segment from "
                               "the queue.")
    if not re.fullmatch(r"[0-9]{1,9}", seg.strip()):
        raise InputError(None, f"The address names no segment of {doc}: open one from the queue.")
    return doc, int(seg)


def _locate(project) -> tuple[str, int] | None:
    here = _from_url(project)
    if here is not None:
        return here
    for kwargs in (queue.filters(), {"flagged_only": False}):
        rows, _ = project.queue(**kwargs, limit=1)
        if rows.height:
            return rows[DOC][0], int(rows[SEG][0])
    return None


def _flag_rows(flags: pl.DataFrame, key_prefix: str) -> None:
    for f in flags.iter_rows(named=True):
        c1, c2, c3 = st.columns([8, 1.2, 1.2], vertical_alignment="center")
        c1.html(flag_html(f))
        verdict = f[VERDICT]
        c2.button("Confirmed" if verdict == CONFIRMED else "Confirm", key=f"{key_prefix}ok_{f[FLAG_ID]}",
                  type="primary" if verdict == CONFIRMED else "secondary", on_click=_verdict,
                  args=(f[FLAG_ID], CONFIRMED, verdict), help="The check is right (click again to withdraw)")
        c3.button("False alarm ✓" if verdict == FALSE_ALARM else "False alarm",
                  key=f"{key_prefix}fa_{f[FLAG_ID]}", type="primary" if verdict == FALSE_ALARM else "secondary",
                  on_click=_verdict, args=(f[FLAG_ID], FALSE_ALARM, verdict),
                  help="The check is wrong here (click again to withdraw)")


def _context(project, row: dict) -> None:
    around = project.neighbours(row[DOC], row[SEG], k=2)
    with st.expander("Context: neighbouring segments", expanded=True):
        for n in around.iter_rows(named=True):
            this = n[SEG] == row[SEG]
            c1, c2 = st.columns(2)
            cls = "mtr-seg" if this else "mtr-seg mtr-ctx"
            c1.html(segment_html(n[SOURCE] or "", lang=n[SRC_LANG], css_class=cls))
            c2.html(segment_html(n[CURRENT] or "", lang=n[TGT_LANG], css_class=cls))


def _conflict_panel(doc: str, seg: int, lang: str | None) -> None:
    c = st.session_state.get(CONFLICT_KEY)
    if not c or (c["doc"], c["seg"]) != (doc, seg):
        return
    with st.container(border=True):
        st.error(f"Not saved: {md_escape(c['message'])}")
        c1, c2 = st.columns(2)
        c1.markdown("**Your text**")
        c1.html(segment_html(c["mine"], lang=lang))
        c2.markdown(f"**Their text** (revision {c['rev']} by {md_escape(c['by'] or 'another reviewer')})")
        c2.html(segment_html(c["theirs"], lang=lang))
        b1, b2 = st.columns(2)
        b1.button("Keep mine (save over theirs)", key="conflict_mine", on_click=_keep_mine,
                  disabled=not c["mine"])
        b2.button("Take theirs (discard mine)", key="conflict_theirs", on_click=_take_theirs)


def _annotations(project, row: dict) -> None:
    notes = project.annotations(row[DOC], row[SEG])
    with st.expander(f"Reviewer annotations ({notes.height})", expanded=False):
        for a in notes.iter_rows(named=True):
            c1, c2 = st.columns([8, 1], vertical_alignment="center")
            c1.html(annotation_html(a))
            c2.button("Delete", key=f"an_del_{a[ANNOTATION_ID]}", on_click=_delete_annotation,
                      args=(a[ANNOTATION_ID],))
        with st.form("annotate", clear_on_submit=True):
            c1, c2 = st.columns(2)
            c1.selectbox("MQM category", list(MQM_CATEGORIES), key="an_cat")
            c2.selectbox("Severity", list(SEVERITIES), index=SEVERITIES.index("minor"), key="an_sev")
            st.text_input("Span: paste the exact words from the translation (empty = whole segment)",
                          key="an_span")
            st.text_input("Comment", key="an_comment")
            st.form_submit_button("Add annotation", on_click=_annotate,
                                  args=(row[DOC], row[SEG], row[CURRENT]))


def render() -> None:
    project = state.project()
    try:
        here = _locate(project)
    except InputError as e:
        st.error(md_escape(e.message))
        return
    if here is None:
        st.info("This project has no segments.")
        return
    doc, seg = here
    try:
        row = project.segment(doc, seg)
    except InputError:
        st.error(f"{md_escape(doc)} has no segment #{seg}: open one from the queue.")
        return
    nav.set_segment_in_url(doc, seg)
    _load_edit_box(row)

    st.html(edit_box_css(EDIT_KEY))
    head, links = st.columns([3, 2], vertical_alignment="bottom")
    head.title(f"{md_escape(doc)} #{seg}")
    with links:
        c1, c2 = st.columns(2)
        if c1.button("← Queue", key="to_queue"):
            st.switch_page(nav.pages()["queue"])
        c2.button("Next flagged →", key="next", on_click=_next, args=(doc, seg), shortcut="Alt+N")
    badges = st.container(horizontal=True)
    badges.badge(STATUS_LABELS.get(row[STATUS], row[STATUS]), color=STATUS_COLORS.get(row[STATUS], "gray"))
    badges.badge(f"risk {row[RISK] or 0:.2f}", color="gray")
    if row[LOCATOR]:
        badges.badge(badge(row[LOCATOR]), color="gray")
    if row[REV]:
        badges.badge(f"revision {row[REV]} by {badge(row[REVIEWER])}", color="blue")
    state.show_flash()

    mt_flags = project.flags(doc, seg, which="mt")
    current_flags = project.flags(doc, seg)
    flag_dicts = mt_flags.to_dicts()
    left, right = st.columns(2)
    # Keyed containers (CSS classes .st-key-seg_source / .st-key-seg_mt): the browser test and
    # any styling find the segment's own text apart from the neighbours shown as context.
    src_box, mt_box = left.container(key="seg_source"), right.container(key="seg_mt")
    src_box.caption("Source")
    src_box.html(segment_html(row[SOURCE] or "", spans_from_flags(flag_dicts, "source"), lang=row[SRC_LANG]))
    mt_box.caption("Machine translation")
    mt_box.html(segment_html(row[TARGET] or "", spans_from_flags(flag_dicts, "target"), lang=row[TGT_LANG]))
    if row[BT]:
        bt_box = left.container(key="seg_bt")
        bt_box.caption("Back-translation of the MT")
        bt_box.html(segment_html(row[BT], spans_from_flags(flag_dicts, "bt"), lang=row[SRC_LANG],
                                 css_class="mtr-seg mtr-ctx"))

    if row[REV]:
        _corrected(row, current_flags)

    _context(project, row)

    st.subheader(f"Flags on the MT ({mt_flags.height})")
    if mt_flags.height:
        _flag_rows(mt_flags, "mt_")
        open_ids = [int(i) for i, v in zip(mt_flags[FLAG_ID], mt_flags[VERDICT]) if v is None]
        k1, k2, _ = st.columns([1.4, 1.4, 3])
        k1.button("Confirm next open flag", key="kb_confirm", on_click=_verdict_first_open,
                  args=(open_ids, CONFIRMED), shortcut="Alt+Y", disabled=not open_ids)
        k2.button("False alarm on next open flag", key="kb_false_alarm", on_click=_verdict_first_open,
                  args=(open_ids, FALSE_ALARM), shortcut="Alt+X", disabled=not open_ids)
    else:
        st.caption("No check raised anything on this segment.")

    _conflict_panel(doc, seg, row[TGT_LANG])
    st.subheader("Correction")
    with st.form("edit", border=False):
        st.text_area("Corrected translation", key=EDIT_KEY, height=140, persist_state="session",
                     label_visibility="collapsed")
        st.form_submit_button("Save", type="primary", on_click=_save, args=(doc, seg))
    c1, c2, _ = st.columns([1, 1, 3])
    c1.button("Approve as is", key="approve", on_click=_approve, args=(doc, seg), shortcut="Alt+A",
              help="Accept the current text without changes")
    c2.button("Revert box to MT", key="revert", on_click=_revert, args=(row[TARGET] or "",))
    st.caption("Approving ignores unsaved edits in the box.")
    propagation.render(project, row, row[TGT_LANG])
    with st.expander("Keyboard shortcuts", expanded=False):
        st.html('<table class="mtr-keys">' + "".join(
            f"<tr><td><kbd>{html.escape(k)}</kbd></td><td>{html.escape(v)}</td></tr>" for k, v in SHORTCUTS)
            + "</table>")
    st.caption(" · ".join(f"{k}: {v}" for k, v in SHORTCUTS[:7]))

    _annotations(project, row)
    revisions = project.revisions(doc, seg)
    if revisions.height:
        with st.expander(f"History ({revisions.height} revision(s))"):
            st.dataframe(revisions.select(REV, REVIEWER, UPDATED, NOTE, PROPAGATED_DOC, PROPAGATED_SEG, CURRENT),
                         hide_index=True)


def _corrected(row: dict, current_flags: pl.DataFrame) -> None:
    fresh = current_flags.filter(pl.col(FROM_CORRECTION))
    st.caption(f"Current text: revision {row[REV]} by {md_escape(row[REVIEWER])} · {md_escape(row[STATUS])}")
    st.html(segment_html(row[CURRENT] or "", spans_from_flags(fresh.to_dicts(), "target"),
                         lang=row[TGT_LANG]))
    rtl = is_rtl(row[TGT_LANG])
    st.caption("Changes from the MT (word level)")
    st.html(f'<div class="mtr-diff" dir="{"rtl" if rtl else "ltr"}" lang="{html.escape(row[TGT_LANG] or "")}">'
            f'{diff_html(row[TARGET] or "", row[CURRENT] or "")}</div>')
    if fresh.height:
        st.warning(f"Still flagged after the correction: {fresh.height} flag(s).")
        _flag_rows(fresh, "cur_")
    else:
        st.success("The checks find nothing in the correction.")
