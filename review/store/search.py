"""The review queue's filters and text search, compiled to SQL terms and polars expressions.

Plain text search is a substring, case ignored, found through the project's trigram index.
Regular expressions run on polars' engine (Rust's `regex` crate), which matches in time linear
in the text: a pattern such as `^(\\w+\\s?)*$` cannot make it backtrack for minutes the way
Python's `re` does. The price is its syntax: no look-around and no back-references (such patterns
are refused with a message), and `$` is the end of the text (Python's also matches before a final
newline). A search also has a time budget (REGEX_BUDGET_S): past it, it stops with a message.
"""

from __future__ import annotations

import concurrent.futures
import time

import polars as pl

from review.errors import InputError
from review.schema import (
    CATEGORY, CHECK, CURRENT, DOC, FLAGGED, FROM_CORRECTION, MQM_CATEGORIES, SEG, SEVERITIES, SEVERITY,
    SOURCE, STATUS, STATUSES, TARGET,
)
from review.store.tables import RECHECKED, TEXT_INDEX, q

APPROVED = STATUSES[2]
SEARCH_SIDES = ("both", "source", "target")
# Which columns a search on each side looks at (the target side: the MT and its correction).
SEARCH_COLUMNS = {"source": [SOURCE], "target": [TARGET, CURRENT], "both": [SOURCE, TARGET, CURRENT]}
MIN_INDEXED = 3  # the trigram index finds substrings of at least this many characters
REGEX_BUDGET_S = 5.0  # a regular expression search stops after this long
_WORKERS = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="regex-search")
_TOP_LEVEL = {c.split("/")[0] for c in MQM_CATEGORIES}


class SearchTooSlow(InputError):
    """A search ran past its time budget (and was stopped)."""


def require(value: str | None, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise InputError(None, f"unknown {what} {value!r}; choose one of {', '.join(allowed)}")


# ---------------------------------------------------------------------- regular expressions
def _engine_message(error: Exception) -> str:
    """The regex crate's own words from a polars error (its last `error:` line, or its first)."""
    text = str(error).split("This error occurred")[0].strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    said = [ln[len("error:"):].strip() for ln in lines if ln.startswith("error:")]
    first = lines[0] if lines else "not accepted"
    return said[-1] if said else first.removeprefix("regex error:").strip()


def check_pattern(pattern: str) -> None:
    """Raise InputError unless the search engine accepts `pattern` (syntax, size)."""
    try:
        pl.Series([""], dtype=pl.String).str.contains(pattern)
    except pl.exceptions.PolarsError as e:
        why = _engine_message(e)
        hint = ""
        if "look-around" in why or "backreference" in why:
            hint = " (searches use a linear-time engine: no look-around, no back-references)"
        elif "size limit" in why:
            hint = " (the pattern is too complex: simplify it or narrow its repetitions)"
        raise InputError(None, f"invalid regular expression {pattern!r}: {why}{hint}") from None


def _too_slow(pattern: str) -> SearchTooSlow:
    return SearchTooSlow(None, f"the search for {pattern!r} took longer than {REGEX_BUDGET_S:g} s and was "
                               "stopped: make the pattern more specific")


def matching(texts: pl.DataFrame, pattern: str, columns: list[str], deadline: float) -> pl.Series:
    """The `rowid` of the rows of `texts` where any of `columns` matches `pattern`.

    Run on one of a few worker threads, in one polars call (which releases the GIL: other
    sessions go on); past `deadline` (time.monotonic()) the caller gets SearchTooSlow while the
    worker finishes its linear-time pass and its result is dropped. A polars call cannot be
    interrupted, and splitting it into steps would compile the pattern once per step (slow for
    large patterns); the small pool bounds what abandoned searches can take."""
    columns = [c for c in columns if c in texts.columns]
    if not columns or texts.height == 0:
        return pl.Series("rowid", [], dtype=pl.Int64)
    if time.monotonic() >= deadline:
        raise _too_slow(pattern)
    test = pl.any_horizontal(pl.col(c).str.contains(pattern) for c in columns)
    job = _WORKERS.submit(lambda: texts.filter(test)["rowid"])
    try:
        return job.result(timeout=max(0.0, deadline - time.monotonic()))
    except concurrent.futures.TimeoutError:
        job.cancel()  # if it has not started yet
        raise _too_slow(pattern) from None


class _Unsupported(Exception):
    """A construct the literal finder does not read: no literals then (the search still works)."""


_ZERO_WIDTH_ESCAPES = set("bBAz<>")
_CLASS_ESCAPES = set("dDwWsSpPxuUnrtfva0123456789kKhHvVRXNoO")
_FLAG_CHARS = set("imsUuxR-")


def _parse(pattern: str) -> list[list[tuple[str, object]]]:
    """`pattern` as alternatives of items: ("lit", char), ("zero", None) for anchors and
    assertions, ("group", alternatives), ("other", None) for anything else (classes, repeats)."""
    pos = 0
    n = len(pattern)

    def skip_braces(i: int) -> int:
        close = pattern.find("}", i)
        if close < 0:
            raise _Unsupported
        return close + 1

    def alternatives(depth: int) -> list[list[tuple[str, object]]]:
        nonlocal pos
        alts: list[list[tuple[str, object]]] = [[]]
        while pos < n:
            c = pattern[pos]
            items = alts[-1]
            if c == "|":
                alts.append([])
                pos += 1
            elif c == ")":
                if depth == 0:
                    raise _Unsupported
                pos += 1
                return alts
            elif c == "(":
                pos += 1
                if pattern.startswith("?", pos):
                    pos += 1
                    if pattern.startswith(("P<", "<"), pos):  # a named group
                        close = pattern.find(">", pos)
                        if close < 0:
                            raise _Unsupported
                        pos = close + 1
                    else:
                        flags = ""
                        while pos < n and pattern[pos] in _FLAG_CHARS:
                            flags += pattern[pos]
                            pos += 1
                        if "i" in flags or "x" in flags:
                            # Case folding is the engine's, not the index's; `x` reads spaces
                            # differently. Leave such patterns to the full scan.
                            raise _Unsupported
                        if pattern.startswith(")", pos):  # (?s): flags for the rest, zero width
                            pos += 1
                            items.append(("zero", None))
                            continue
                        if not pattern.startswith(":", pos):
                            raise _Unsupported
                        pos += 1
                items.append(("group", alternatives(depth + 1)))
            elif c in "*+?{":
                if c == "{":
                    end = skip_braces(pos)
                    body = pattern[pos + 1:end - 1]
                    if not body or not all(ch.isdigit() or ch == "," for ch in body):
                        raise _Unsupported
                    pos = end
                else:
                    pos += 1
                if pattern.startswith("?", pos):  # lazy
                    pos += 1
                if items:
                    items[-1] = ("other", None)  # a repeated atom is not a required literal
            elif c == "[":
                pos = _class_end(pattern, pos)
                items.append(("other", None))
            elif c == "\\":
                if pos + 1 >= n:
                    raise _Unsupported
                e = pattern[pos + 1]
                pos += 2
                if e in _ZERO_WIDTH_ESCAPES:
                    if e == "b" and pattern.startswith("{", pos):  # \b{start} and friends
                        pos = skip_braces(pos)
                    items.append(("zero", None))
                elif e in _CLASS_ESCAPES or e.isalnum():
                    if pattern.startswith("{", pos) and e in "pPxuU":
                        pos = skip_braces(pos)
                    elif e in "pP":
                        pos += 1
                    elif e == "x":
                        pos += 2
                    elif e in "uU":
                        pos += 4 if e == "u" else 8
                    items.append(("other", None))
                else:
                    items.append(("lit", e))
            elif c in "^$":
                items.append(("zero", None))
                pos += 1
            elif c == ".":
                items.append(("other", None))
                pos += 1
            else:
                items.append(("lit", c))
                pos += 1
        if depth:
            raise _Unsupported
        return alts

    return alternatives(0)


def _class_end(pattern: str, pos: int) -> int:
    """The position after the character class opening at `pos` (nested classes included)."""
    i = pos + 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):  # a leading ] is a member
        i += 1
    depth = 1
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise _Unsupported


def required_literals(pattern: str) -> list[str] | None:
    """Strings of which every match of `pattern` contains one (each at least MIN_INDEXED long),
    or None when the pattern has no such set. `\\bMusk\\b` -> ["Musk"]; `Altman|ألتمان` -> both.

    A prefilter only: the trigram index ignores case, so it keeps a superset of the matching rows,
    and the regular expression then decides. Patterns that ignore case themselves are left alone
    (the engine's case folding is not SQLite's), and so is anything this small reader does not
    know: it never guesses a literal."""
    try:
        parsed = _parse(pattern)
    except (_Unsupported, IndexError):
        return None

    def of_alternatives(alts) -> list[str] | None:
        found = [of_sequence(alt) for alt in alts]
        return None if any(f is None for f in found) else [x for f in found for x in f]

    def of_sequence(items) -> list[str] | None:
        if len(items) == 1 and items[0][0] == "group":
            return of_alternatives(items[0][1])
        best, run = "", ""
        for kind, arg in items:
            if kind == "lit":
                run += arg
                best = max(best, run, key=len)
            elif kind != "zero":  # \b, ^, $ are zero-width: the run goes on across them
                run = ""
        return [best] if len(best) >= MIN_INDEXED else None

    return of_alternatives(parsed)


def index_query(literals: list[str], cols: list[str]) -> str:
    """An FTS5 query: any of `literals` in any of `cols` (trigram: substrings, case ignored)."""
    phrases = " OR ".join('"' + t.replace('"', '""') + '"' for t in literals)
    return "{" + " ".join(cols) + "} : (" + phrases + ")"


# ---------------------------------------------------------------------- the queue's WHERE
def text_filter(search: str, side: str) -> tuple[str, list]:
    """The WHERE term of a plain text search on one side: a substring, case ignored, found
    through the trigram index (texts shorter than MIN_INDEXED: LIKE over the rows, ASCII case
    ignored)."""
    cols = SEARCH_COLUMNS[side]
    if len(search) >= MIN_INDEXED:
        return (f"s.rowid IN (SELECT rowid FROM {TEXT_INDEX} WHERE {TEXT_INDEX} MATCH ?)",
                [index_query([search], cols)])
    like = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    parts = [f"s.{q(c)} LIKE ? ESCAPE '\\'" for c in cols]
    return "(" + " OR ".join(parts) + ")", [like] * len(cols)


def _as_list(values) -> list:
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    return list(values)


def _in_clause(where: list[str], params: list, column: str, values, allowed=None,
               label: str = "") -> None:
    """Add `column IN (?, ...)` for the given values (validated against `allowed`), if any."""
    values = _as_list(values)
    if allowed is not None:
        for value in values:
            require(value, allowed, label)
    if values:
        where.append(f"{column} IN ({', '.join('?' * len(values))})")
        params += values


def queue_filter(flagged_only, checks, categories, severities, statuses, docs, search,
                 search_side, hide_approved) -> tuple[list[str], list]:
    """WHERE terms and parameters of a queue over `segments s` (`search`: plain text; a regular
    expression is matched by the caller, see `matching`)."""
    where: list[str] = []
    params: list = []
    if flagged_only:
        where.append(f"s.{q(FLAGGED)} = 1")
    _in_clause(where, params, f"s.{q(STATUS)}", statuses, STATUSES, "status")
    if hide_approved:
        where.append(f"s.{q(STATUS)} != '{APPROVED}'")
    _in_clause(where, params, f"s.{q(DOC)}", docs)

    flag_where: list[str] = []
    _in_clause(flag_where, params, f"f.{q(CHECK)}", checks)
    categories = _as_list(categories)
    if categories:
        # A top-level dimension ("Accuracy") selects all its subcategories.
        parts = []
        for cat in categories:
            if cat not in MQM_CATEGORIES and cat not in _TOP_LEVEL:
                require(cat, MQM_CATEGORIES, "MQM category")
            parts.append(f"(f.{q(CATEGORY)} = ? OR substr(f.{q(CATEGORY)}, 1, ?) = ?)")
            params += [cat, len(cat) + 1, cat + "/"]
        flag_where.append("(" + " OR ".join(parts) + ")")
    _in_clause(flag_where, params, f"f.{q(SEVERITY)}", severities, SEVERITIES, "severity")
    if flag_where:
        # An uncorrelated IN (...) is built once; a correlated EXISTS would run per segment.
        where.append(f"(s.{q(DOC)}, s.{q(SEG)}, s.{RECHECKED}) IN (SELECT f.{q(DOC)}, f.{q(SEG)}, "
                     f"f.{q(FROM_CORRECTION)} FROM flags f WHERE {' AND '.join(flag_where)})")

    if search:
        require(search_side, SEARCH_SIDES, "search side")
        term, term_params = text_filter(search, search_side)
        where.append(term)
        params += term_params
    return where, params
