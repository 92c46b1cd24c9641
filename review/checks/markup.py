"""Things copied, never translated: URLs, e-mail addresses, @handles, #hashtags, markdown
markers, tags and placeholders. Each is compared as a multiset between source and target; a
missing item and an extra item of the same segment are reported together ("X appears as Y")."""

from __future__ import annotations

import polars as pl

from review.checks.base import ROW, CheckContext, implements, no_hits
from review.checks.spans import compare_items, difference_hits, find_spans
from review.checks.text import EMAIL_RE, HANDLE_RE, HASHTAG_RE, PLACEHOLDER_RE, TAG_RE, URL_RE
from review.normalize import SRC_DIGITS, TGT_DIGITS
from review.schema import SOURCE, TARGET

# Where an @ or # belongs to an e-mail or URL, the longer item wins (leftmost-first alternation).
_COPIED_RE = f"{URL_RE}|{EMAIL_RE}|{HANDLE_RE}|{HASHTAG_RE}"
_COPIED_MARKS = ["@", "#", "http", "www."]
_MARKDOWN_RE = r"(?m)^[ \t]*(?:#{1,6}(?:[ \t]|$)|[*+\-•][ \t]|[0-9]+[.)][ \t])"


def _items(frame: pl.DataFrame, text: str, pattern: str, kind: str | None = None,
           key: pl.Expr | None = None) -> pl.DataFrame:
    found = find_spans(frame, text, pattern)
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
                  what: str, key: pl.Expr | None = None, cheap: list[str] | None = None) -> pl.DataFrame:
    if cheap:  # literal prefilter: the regexes are slow on rows that cannot match
        frame = frame.filter(pl.col(src).str.contains_any(cheap) | pl.col(tgt).str.contains_any(cheap))
    rows = frame.filter(pl.col(src).str.contains(pattern) | pl.col(tgt).str.contains(pattern))
    if rows.height == 0:
        return no_hits()
    missing, extra = compare_items(_items(rows, src, pattern, kind, key), _items(rows, tgt, pattern, kind, key))
    return difference_hits(missing, extra, what)


@implements("url_changed")
def url_changed(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    return _copied_check(frame, SOURCE, TARGET, _COPIED_RE, URL_RE, "URL", cheap=_COPIED_MARKS)


@implements("email_changed")
def email_changed(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    return _copied_check(frame, SOURCE, TARGET, _COPIED_RE, EMAIL_RE, "e-mail address", cheap=_COPIED_MARKS)


@implements("handle_changed")
def handle_changed(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    return _copied_check(frame, SOURCE, TARGET, _COPIED_RE, f"{HANDLE_RE}|{HASHTAG_RE}", "@handle or #hashtag",
                         cheap=_COPIED_MARKS)


@implements("markdown_changed")
def markdown_changed(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    return _copied_check(frame, SRC_DIGITS, TGT_DIGITS, _MARKDOWN_RE, None, "markdown marker")


@implements("placeholder_mismatch")
def placeholder_mismatch(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    return _copied_check(frame, SRC_DIGITS, TGT_DIGITS, PLACEHOLDER_RE, None, "placeholder", cheap=["{", "%", "$"])


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

