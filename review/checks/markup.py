"""Things copied, never translated: URLs, e-mail addresses, @handles, #hashtags, markdown
markers, tags and placeholders. Each is compared as a multiset between source and target; a
missing item and an extra item of the same segment are reported together ("X appears as Y")."""

from __future__ import annotations

import re
import threading
import weakref

import polars as pl

from review.checks.base import ROW, SMALL_FRAME, CheckContext, gate, implements, no_hits
from review.checks.spans import compare_items, difference_hits, find_spans
from review.checks.text import (EMAIL_RE, HANDLE_RE, HASHTAG_RE, PLACEHOLDER_RE, TAG_RE, URL_RE,
                                contains_literal)
from review.normalize import SRC_DIGITS, TGT_DIGITS
from review.schema import LOCATOR, SOURCE, TARGET

# Where an @ or # belongs to an e-mail or URL, the longer item wins (leftmost-first alternation).
_COPIED_RE = f"{URL_RE}|{EMAIL_RE}|{HANDLE_RE}|{HASHTAG_RE}"
_COPIED_MARKS = ["@", "http", "www."]  # and a "#" that can start a hashtag (not a markdown "###")
_HASHTAG_START = r"#[^\W\d]"
_MARKDOWN_RE = r"(?m)^[ \t]*(?:#{1,6}(?:[ \t]|$)|[*+\-•][ \t]|[0-9]+[.)][ \t])"
# The same for a text without a line feed, where (?m)^ is only its start: anchored there, so the
# regex engine looks at the start only (a multi-line ^ makes it scan the whole text for lines).
_MARKDOWN_START_RE = _MARKDOWN_RE.removeprefix("(?m)")


def _copied_marks(col: str) -> pl.Expr:
    """A superset of the texts with a _COPIED_RE match, found without running it."""
    return contains_literal(col, _COPIED_MARKS) | pl.col(col).str.contains(_HASHTAG_START)


def _items(frame: pl.DataFrame, text: str, pattern: str, kind: str | None = None,
           key: pl.Expr | None = None) -> pl.DataFrame:
    return _item_table(find_spans(frame, text, pattern), kind, key)


def _item_table(found: pl.DataFrame, kind: str | None = None, key: pl.Expr | None = None) -> pl.DataFrame:
    """ROW, key, text, start, end of the matches find_spans found (those that are a `kind`)."""
    if kind is not None:
        found = found.filter(pl.col("match").str.contains(f"^(?:{kind})$"))
    # Items are quoted and pointed at without surrounding white space (markdown markers have it).
    lead = pl.col("match").str.len_chars() - pl.col("match").str.strip_chars_start().str.len_chars()
    found = found.with_columns((pl.col("start") + lead).alias("start"),
                               pl.col("match").str.strip_chars().alias("match"))
    return found.select(ROW, (key if key is not None else pl.col("match")).alias("key"),
                        pl.col("match").alias("text"), "start",
                        (pl.col("start") + pl.col("match").str.len_chars()).alias("end"))


def _copied_check(frame: pl.DataFrame, src: str, tgt: str, pattern: str, kind: str | None,
                  what: str, key: pl.Expr | None = None) -> pl.DataFrame:
    rows = frame.filter(pl.col(src).str.contains(pattern) | pl.col(tgt).str.contains(pattern))
    # A row whose two sides have the same matches in the same order has nothing to report.
    same = pl.col(src).str.extract_all(pattern) == pl.col(tgt).str.extract_all(pattern)
    rows = rows.filter(~same) if rows.height else rows
    if rows.height == 0:
        return no_hits()
    missing, extra = compare_items(_items(rows, src, pattern, kind, key), _items(rows, tgt, pattern, kind, key))
    return difference_hits(missing, extra, what)


_COPIED_ROWS = _copied_marks(SOURCE) | _copied_marks(TARGET)  # built once: it runs on every save
# url_changed, email_changed and handle_changed all start from the same matches of _COPIED_RE in
# source and target. A family's checks run one after the other on one thread, over the same frame:
# the matches are found once per frame (remembered by a weak reference, for the thread's last
# frame only).
_copied_memo = threading.local()


def _copied_spans(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    last = getattr(_copied_memo, "last", None)
    if last is not None and last[0]() is frame:
        return last[1]
    rows = frame.select(ROW, SOURCE, TARGET).filter(_COPIED_ROWS)
    spans = find_spans(rows, SOURCE, _COPIED_RE), find_spans(rows, TARGET, _COPIED_RE)
    _copied_memo.last = (weakref.ref(frame), spans)
    return spans


def _copied_items(frame: pl.DataFrame, kind: str) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """The `kind` items of source and target, None when neither side has a copied item at all."""
    src, tgt = _copied_spans(frame)
    if src.height == 0 and tgt.height == 0:
        return None
    return _item_table(src, kind), _item_table(tgt, kind)


# Gates (review.checks.base.Gate): an item of either side is needed for any difference. URL_RE
# starts with a case-sensitive "http" or "www.", EMAIL_RE and HANDLE_RE hold an "@", HASHTAG_RE
# starts with "#".
@gate("url_changed")
def _url_gate(src: str, tgt: str) -> bool:
    return "http" in src or "www." in src or "http" in tgt or "www." in tgt


@gate("email_changed")
def _email_gate(src: str, tgt: str) -> bool:
    return "@" in src or "@" in tgt


@gate("handle_changed")
def _handle_gate(src: str, tgt: str) -> bool:
    return "@" in src or "#" in src or "@" in tgt or "#" in tgt


@implements("url_changed")
def url_changed(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    items = _copied_items(frame, URL_RE)
    return no_hits() if items is None else difference_hits(*compare_items(*items), "URL")


@implements("email_changed")
def email_changed(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    items = _copied_items(frame, EMAIL_RE)
    return no_hits() if items is None else difference_hits(*compare_items(*items), "e-mail address")


# A hashtag used as the name of a movement in running prose ("the #MeToo era", "the #MeToo
# movement") is translated like a name; a translator who writes it out, or says هاشتاج/وسم, made a
# choice, not a broken tag: minor.
_HASHTAG_AS_NAME = r"(?i)\bthe\s+#[^\W\d]\w*\s+[a-z]"
_HASHTAG_WORDS = ["هاشتاج", "هاشتاغ", "هاشتاق", "وسم", "الوسم"]


@implements("handle_changed")
def handle_changed(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    items = _copied_items(frame, f"{HANDLE_RE}|{HASHTAG_RE}")
    if items is None or (items[0].height == 0 and items[1].height == 0):
        return no_hits()
    missing, extra = compare_items(*items)
    prose = frame.join(missing.select(ROW).unique(), on=ROW, how="semi").select(
        ROW, (pl.col(SOURCE).str.contains(_HASHTAG_AS_NAME)
              | pl.col(TARGET).str.contains_any(_HASHTAG_WORDS)).alias("_prose"))
    missing = missing.join(prose, on=ROW, how="left").with_columns(
        pl.when(pl.col("_prose") & pl.col("text").str.starts_with("#")).then(pl.lit("minor"))
        .otherwise(pl.lit(None, pl.String)).alias("severity")).drop("_prose")
    found = difference_hits(missing, extra, "@handle or #hashtag")
    # Replaced by another tag (#أنا_أيضا) is a broken tag whatever the prose around it.
    return found.with_columns(pl.when(pl.col("start").is_null()).then(pl.col("severity")).alias("severity"))


# A line (after a line feed or carriage return, or the text's start) whose first character after
# spaces and tabs can begin a marker: # * + - • or a digit of any system (the check reads the
# digit-folded text).
_MARKDOWN_GATE = re.compile(r"(?:^|[\n\r])[ \t]*[#*+\-•0-9\u0660-\u0669\u06f0-\u06f9]")


@gate("markdown_changed")
def _markdown_gate(src: str, tgt: str) -> bool:
    return _MARKDOWN_GATE.search(src) is not None or _MARKDOWN_GATE.search(tgt) is not None


@implements("markdown_changed")
def markdown_changed(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    if frame.height <= SMALL_FRAME:  # a correction re-checked: fewer queries, not shorter scans
        return _copied_check(frame, SRC_DIGITS, TGT_DIGITS, _MARKDOWN_RE, None, "markdown marker")
    lines = pl.col(SRC_DIGITS).str.contains("\n", literal=True) | pl.col(TGT_DIGITS).str.contains("\n", literal=True)
    parts = [_copied_check(frame.filter(lines), SRC_DIGITS, TGT_DIGITS, _MARKDOWN_RE, None, "markdown marker"),
             _copied_check(frame.filter(~lines), SRC_DIGITS, TGT_DIGITS, _MARKDOWN_START_RE, None, "markdown marker")]
    parts = [part for part in parts if part.height]
    return pl.concat(parts) if parts else no_hits()


# A gettext plural form (locator "entry 12[0]"): Arabic has six, and the forms for zero, one and
# two legitimately say the number in words ("دقيقة واحدة" for "%d minute").
_PLURAL_FORM = r"\[[0-9]+\]$"


def _distinct(items: pl.DataFrame) -> pl.DataFrame:
    return items.sort(ROW, "start").unique([ROW, "key"], keep="first", maintain_order=True)


_PLACEHOLDER_MARKS = ("{", "%", "$", "\u066a")  # the check's own filter; ٪ is folded to %


@gate("placeholder_mismatch")
def _placeholder_gate(src: str, tgt: str) -> bool:
    return any(mark in src or mark in tgt for mark in _PLACEHOLDER_MARKS)


@implements("placeholder_mismatch")
def placeholder_mismatch(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    """Placeholders are compared as sets: each source placeholder at least once in the target, no
    target placeholder that the source lacks. Counts differ legitimately: plural variants
    ("one {{ limit }}|many {{ limit }}", two in English, six in Arabic) repeat them."""
    cheap = ["{", "%", "$"]
    frame = frame.filter(contains_literal(SRC_DIGITS, cheap) | contains_literal(TGT_DIGITS, cheap))
    rows = frame.filter(pl.col(SRC_DIGITS).str.contains(PLACEHOLDER_RE) | pl.col(TGT_DIGITS).str.contains(PLACEHOLDER_RE))
    if rows.height == 0:
        return no_hits()
    src = _distinct(_items(rows, SRC_DIGITS, PLACEHOLDER_RE))
    tgt = _distinct(_items(rows, TGT_DIGITS, PLACEHOLDER_RE))
    missing, extra = compare_items(src, tgt)
    found = difference_hits(missing, extra, "placeholder")
    if LOCATOR not in rows.columns:
        return found
    plural = rows.select(ROW, pl.col(LOCATOR).fill_null("").str.contains(_PLURAL_FORM).alias("_plural"))
    # Only a placeholder missing from a plural form is excused (to minor); one changed or added is not.
    only_missing = pl.col("start").is_null() & pl.col("_plural")
    return found.join(plural, on=ROW, how="left").with_columns(
        pl.when(only_missing).then(pl.lit("minor")).otherwise(pl.lit(None, pl.String)).alias("severity")
    ).drop("_plural")


def _tag_key() -> pl.Expr:
    m = pl.col("match")
    name = pl.coalesce(m.str.extract(r"^</?([A-Za-z][\w:.-]*)", 1).str.to_lowercase(),
                       m.str.extract(r"^⟦/?([0-9]+)", 1))
    closing = m.str.contains(r"^(?:</|⟦/)")
    single = m.str.contains(r"/\s*>$|/⟧$")
    html = m.str.starts_with("<")
    return (pl.when(html).then(pl.format("<{}{}{}>", pl.when(closing).then(pl.lit("/")).otherwise(pl.lit("")),
                                         name, pl.when(single).then(pl.lit("/")).otherwise(pl.lit(""))))
            .otherwise(m))


@gate("tag_mismatch")
def _tag_gate(src: str, tgt: str) -> bool:
    # TAG_RE: an HTML tag starts with "<", a tag placeholder with "⟦".
    return "<" in src or "⟦" in src or "<" in tgt or "⟦" in tgt


@implements("tag_mismatch")
def tag_mismatch(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    rows = frame.filter(pl.col(SOURCE).str.contains(TAG_RE) | pl.col(TARGET).str.contains(TAG_RE))
    if rows.height == 0:
        return no_hits()
    src = _items(rows, SOURCE, TAG_RE, key=_tag_key())
    tgt = _items(rows, TARGET, TAG_RE, key=_tag_key())
    missing, extra = compare_items(src, tgt)
    diff = difference_hits(missing, extra, "tag")
    # Translation may reorder tag pairs, but a tag may not close before it opens.
    name = pl.coalesce(pl.col("text").str.extract(r"^</?([A-Za-z][\w:.-]*)", 1).str.to_lowercase(),
                       pl.col("text").str.extract(r"^⟦/?([0-9]+)", 1))
    step = (pl.when(pl.col("text").str.contains(r"^(?:</|⟦/)")).then(-1)
            .when(pl.col("text").str.contains(r"/\s*>$|/⟧$")).then(0).otherwise(1))
    order = (tgt.sort(ROW, "start").with_columns(name.alias("_n"), step.alias("_s"))
             .with_columns(pl.col("_s").cum_sum().over(ROW, "_n").alias("_depth")))
    early = order.filter((pl.col("_s") == -1) & (pl.col("_depth") < 0)).select(
        ROW, pl.format("The tag '{}' closes before it opens in the target.", pl.col("text")).alias("message"),
        pl.lit("target").alias("side"), "start", "end")
    return pl.concat([diff.select(ROW, "message", "side", "start", "end"), early])

