"""Text from data, files, URLs and reviewers shown as text in Streamlit elements.

Streamlit renders GitHub-flavoured Markdown with LaTeX (`$...$`), colour and icon directives
(`:red[...]`, `:material/x:`), emoji short codes, raw HTML (dropped) and links, bare URLs and
e-mail addresses included, in titles, captions, badges, alerts, labels and help texts. Any
string that did not come from our own code goes through `md_escape` (or `badge` for a badge)
before it is put into one of them, so that it is shown exactly as it is.
"""

from __future__ import annotations

import re
from pathlib import Path

from review.errors import InputError

# Every ASCII punctuation character may be backslash-escaped in CommonMark, and an escaped one
# is literal text: no emphasis, link, code, HTML, heading, list, table, math or directive can
# start at it.
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_PUNCT_NO_BRACKETS = re.compile(r"([!-/:-@\\^-`{-~])")  # st.badge escapes [ and ] itself
# GFM turns bare URLs (`https://`, `www.`) and e-mail addresses into links after the escapes
# are resolved, so escaping cannot stop them: an invisible WORD JOINER (U+2060) breaks the
# pattern without changing what the reader sees.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?i:(?<=\bwww))(?=\.)|(?<=@)")
_SPACE = re.compile(r"\s+")


def _plain(value: object) -> str:
    text = "" if value is None else str(value)
    text = _SPACE.sub(" ", text)  # a line break could start a block (list, heading, table)
    return _AUTOLINK.sub(WORD_JOINER, text)


def md_escape(value: object) -> str:
    """`value` as Markdown that Streamlit shows as the same text, on one line, with no markup."""
    return _PUNCT.sub(r"\\\1", _plain(value))


def badge(value: object) -> str:
    """`value` for the label of st.badge (which escapes square brackets itself)."""
    return _PUNCT_NO_BRACKETS.sub(r"\\\1", _plain(value))


def shown(text: str) -> str:
    """What the reader sees of md_escape(text) (for tests): the text without word joiners."""
    return text.replace(WORD_JOINER, "")


def file_name(path: object) -> str:
    """A path as a browser may see it: the file name only, never the server's folders."""
    return Path(str(path)).name


def error_text(error: Exception) -> str:
    """An error for the browser, as Markdown: the message and at most a file name."""
    if isinstance(error, InputError):
        where = file_name(error.path) if error.path else ""
        return md_escape(f"{where}: {error.message}" if where else error.message)
    return md_escape(str(error))
