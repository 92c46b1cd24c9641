"""Hostile-input suite: feed the real CLI malformed, deep, huge, mis-encoded and odd files.

Each case is a record (files to write, CLI arguments, what must happen). Every case runs
`python -m review ...` in its own temp directory and is classified:

  error     clean refusal: exit 2, exactly one `error:` line on stderr (warning lines allowed)
  ok        loaded (exit 0), with the expected segment count / texts when the case knows them
  traceback anything else that fails: a traceback, another exit code, a multi-line error
  garbled   exit 0 but wrong: a count or a text differs, a case that must be refused loaded, or
            the case's own check of its folder failed (a link or FIFO replaced, a file half-written,
            a damaged project changed)
  refused   a case that must load was refused (a regression, not an attack)
  hang      the command outlived its timeout
  skipped   this machine cannot stage the case (e.g. no `chattr +i` for the failed rename)

Suites: the loaders (one per format), the project store (each damage of DAMAGES on export,
report and rescore; `init` paths; a project locked by a second connection under BEGIN
EXCLUSIVE), `-o` targets and standard streams (pipes into `head`).
Prints a table (outcomes per format) and exits 1 on any traceback, garbled, refused or hang.
Usage: python bench/hostile.py [-k SUBSTRING] [-j WORKERS] [--list] [-v]
Add cases by appending to CASES (see `Case`: files, arguments, setup/check/teardown, stdin, pipe).
"""

from __future__ import annotations

import argparse
import codecs
import functools
import io
import json
import os
import shlex
import socket
import stat
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "musk-letter"
FAILURES = ("traceback", "garbled", "refused", "hang")
SIGPIPE_EXIT = 128 + 13  # what `review` exits with when its reader left (as a shell reports SIGPIPE)
OUTCOMES = ("error", "ok") + FAILURES + ("skipped",)


class Skip(Exception):
    """Raised by a case's setup when this machine cannot stage it (e.g. no chattr)."""


@dataclass
class Case:
    name: str
    fmt: str  # the table's format column
    files: dict[str, bytes]  # written into the case's directory
    args: list[str] | None = None  # CLI arguments (file names relative to the directory)
    expect: str = "any"  # "ok", "error" or "any"
    segments: int | None = None  # expected number of output rows (jsonl) when it loads
    texts: tuple[str, ...] = ()  # strings that must come out intact when it loads
    timeout: float = 60.0
    setup: Callable[[Path], None] | None = None  # prepares the case's folder (links, FIFOs, projects)
    check: Callable[[Path], str] | None = None  # after the run: what is wrong with the folder ("" if fine)
    stdin: bytes | None = None  # fed to the command (default: none, as from /dev/null)
    pipe: str | None = None  # a shell command the output is piped into (`head -c 1`)
    lock: str | None = None  # a file of the folder held under BEGIN EXCLUSIVE while the command runs
    teardown: Callable[[Path], None] | None = None  # undoes what setup did that would block cleanup

    def command(self) -> list[str]:
        if self.args is not None:
            return self.args
        return ["load", next(iter(self.files)), "--format", "jsonl"]


@dataclass
class Result:
    case: Case
    outcome: str
    detail: str = ""
    seconds: float = 0.0


# ----------------------------------------------------------------------------- building blocks

SRC = ("The board met on Monday.", "Revenue rose 21% to $5 million.", "Thank you, Elon.")
TGT = ("اجتمع المجلس يوم الاثنين.", "ارتفعت الإيرادات 21% إلى 5 ملايين دولار.", "شكرا لك يا إيلون.")
U8 = "utf-8"


def tsv(rows=None, header=True, nl="\n") -> str:
    rows = rows if rows is not None else list(zip(SRC, TGT))
    lines = (["source\ttarget"] if header else []) + ["\t".join(r) for r in rows]
    return nl.join(lines) + nl


def csv_text(sep=",") -> str:
    def q(s):
        return '"' + s.replace('"', '""') + '"' if any(c in s for c in f'{sep}"\n\r') else s
    return "\n".join([f"source{sep}target"] + [f"{q(s)}{sep}{q(t)}" for s, t in zip(SRC, TGT)]) + "\n"


def jsonl(objs=None) -> str:
    objs = objs if objs is not None else [{"source": s, "target": t} for s, t in zip(SRC, TGT)]
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)


def parquet(data: dict, schema=None) -> bytes:
    buf = io.BytesIO()
    pl.DataFrame(data, schema=schema).write_parquet(buf)
    return buf.getvalue()


def tmx(body=None, decl='<?xml version="1.0" encoding="UTF-8"?>\n', doctype="", seg=None) -> str:
    tus = body if body is not None else "".join(
        f'<tu><tuv xml:lang="en"><seg>{s}</seg></tuv><tuv xml:lang="ar"><seg>{t}</seg></tuv></tu>\n'
        for s, t in zip(SRC, TGT))
    return (f'{decl}{doctype}<tmx version="1.4"><header srclang="en" segtype="sentence" o-tmf="x" '
            f'adminlang="en" datatype="plaintext" creationtool="x" creationtoolversion="1"/>\n'
            f"<body>\n{tus}</body></tmx>\n")


def xliff12(units=None, doctype="", wrap=("", "")) -> str:
    units = units if units is not None else "".join(
        f'<trans-unit id="{k}"><source>{s}</source><target>{t}</target></trans-unit>\n'
        for k, (s, t) in enumerate(zip(SRC, TGT), 1))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<xliff version="1.2" '
            f'xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="x" source-language="en" '
            f'target-language="ar" datatype="plaintext"><body>\n{wrap[0]}{units}{wrap[1]}</body></file></xliff>\n')


def xliff2(units=None) -> str:
    units = units if units is not None else "".join(
        f'<unit id="{k}"><segment><source>{s}</source><target>{t}</target></segment></unit>\n'
        for k, (s, t) in enumerate(zip(SRC, TGT), 1))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="2.1" xmlns="urn:oasis:names:tc:xliff:'
            f'document:2.0" srcLang="en" trgLang="ar"><file id="f1">\n{units}</file></xliff>\n')


def po(entries=None, charset="UTF-8") -> str:
    entries = entries if entries is not None else "".join(
        f'msgid "{s}"\nmsgstr "{t}"\n\n' for s, t in zip(SRC, TGT))
    return (f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n"Language: ar\\n"\n\n'
            f"{entries}")


def b(text: str, enc: str = U8) -> bytes:
    return text.encode(enc)


def insert(data: bytes, at: int, extra: bytes) -> bytes:
    return data[:at] + extra + data[at:]


BOMB = ('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + "".join(
    f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">' for k in range(8)) + "]>\n")
XXE = '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
PARAM_XXE = '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>\n'
EXT_DTD = '<!DOCTYPE tmx SYSTEM "http://127.0.0.1:9/tmx14.dtd">\n'
ALL = (*SRC, *TGT)


def table_cases() -> list[Case]:
    good = tsv()
    cases = [
        Case("tsv ok", "tsv", {"a.tsv": b(good)}, expect="ok", segments=3, texts=ALL),
        Case("tsv no header", "tsv", {"a.tsv": b(tsv(header=False))}, expect="ok", segments=3, texts=ALL),
        Case("tsv crlf", "tsv", {"a.tsv": b(tsv(nl="\r\n"))}, expect="ok", segments=3, texts=ALL),
        Case("tsv old-mac cr", "tsv", {"a.tsv": b(tsv(nl="\r"))}, segments=3, texts=ALL),
        Case("tsv utf-8 bom", "tsv", {"a.tsv": codecs.BOM_UTF8 + b(good)}, expect="ok", segments=3, texts=ALL),
        Case("tsv double bom", "tsv", {"a.tsv": codecs.BOM_UTF8 * 2 + b(good)}, segments=3, texts=TGT),
        Case("tsv bom mid-file", "tsv", {"a.tsv": b(good.replace("\n", "\n\ufeff", 1))}, segments=3, texts=TGT),
        Case("tsv utf-16le bom", "tsv", {"a.tsv": b(good, "utf-16")}, expect="ok", segments=3, texts=ALL),
        Case("tsv utf-16be bom", "tsv", {"a.tsv": codecs.BOM_UTF16_BE + b(good, "utf-16-be")},
             expect="ok", segments=3, texts=ALL),
        Case("tsv utf-16 no bom", "tsv", {"a.tsv": b(good, "utf-16-le")}, expect="error"),
        Case("tsv utf-8 bom + utf-16 body", "tsv", {"a.tsv": codecs.BOM_UTF8 + b(good, "utf-16-le")},
             expect="error"),
        Case("tsv cp1256 whole file", "tsv", {"a.tsv": b(good, "cp1256")}, expect="ok", segments=3, texts=TGT),
        Case("tsv cp1256 forced", "tsv", {"a.tsv": b(good, "cp1256")},
             args=["load", "a.tsv", "--encoding", "cp1256", "--format", "jsonl"], expect="ok", segments=3, texts=TGT),
        Case("tsv one bad byte", "tsv", {"a.tsv": insert(b(good), 40, b"\xff")}, expect="error"),
        Case("tsv truncated utf-8 char", "tsv", {"a.tsv": b(good)[:-3]}, expect="error"),
        Case("tsv latin-1 english", "tsv", {"a.tsv": b("source\ttarget\nCafé crème\tx\n", "latin-1")},
             expect="error"),
        Case("tsv mixed cp1256 + utf-8", "tsv", {"a.tsv": b(good) + b("زيادة\tأخرى\n", "cp1256")}, expect="error"),
        Case("tsv nul byte", "tsv", {"a.tsv": insert(b(good), 20, b"\x00")}, expect="error"),
        Case("tsv empty", "tsv", {"a.tsv": b""}, expect="error"),
        Case("tsv whitespace only", "tsv", {"a.tsv": b"  \n\t\n\n"}, expect="error"),
        Case("tsv header only", "tsv", {"a.tsv": b"source\ttarget\n"}, expect="error"),
        Case("tsv short row", "tsv", {"a.tsv": b(good + "Only a source\n")}, expect="error"),
        Case("tsv extra field", "tsv", {"a.tsv": b(good + "a\tb\tc\n")}, expect="error"),
        Case("tsv extra columns, no header", "tsv",
             {"a.tsv": b(tsv([(s, t, "x") for s, t in zip(SRC, TGT)], header=False))},
             expect="ok", segments=3, texts=ALL),
        Case("tsv unbalanced quote", "tsv", {"a.tsv": b(tsv([('"Yes, he said', TGT[0]), *zip(SRC[1:], TGT[1:])]))},
             segments=3, texts=('"Yes, he said',) + TGT),
        Case("tsv huge line", "tsv", {"a.tsv": b(good + "x" * 1_200_000 + "\ty\n")}, expect="error"),
        Case("tsv 1 MB cell just under limit", "tsv", {"a.tsv": b(good + "x" * 999_000 + "\ty\n")},
             expect="ok", segments=4),
        Case("tsv 50k rows", "tsv", {"a.tsv": b(tsv([(f"Row {i}.", f"صف {i}.") for i in range(50_000)]))},
             expect="ok", segments=50_000),
        Case("tsv bidi controls kept", "tsv", {"a.tsv": b(tsv([("a\u202eb", "ب\u200fج\u2066د")]))},
             expect="ok", segments=1, texts=("ب\u200fج\u2066د",)),
        Case("tsv missing column flag", "tsv", {"a.tsv": b(good)},
             args=["load", "a.tsv", "--target-col", "nope"], expect="error"),
        Case("tsv column flag past end", "tsv", {"a.tsv": b(tsv(header=False))},
             args=["load", "a.tsv", "--target-col", "9"], expect="error"),
        Case("tsv random binary", "tsv", {"a.tsv": bytes(range(256)) * 4}, expect="error"),
        Case("tsv control chars", "tsv", {"a.tsv": b(tsv([("a\x1b[31m", "ب\x07")]))}, expect="ok", segments=1),
        Case("tsv no extension sniffed", "tsv", {"pairs": b(good)}, expect="ok", segments=3, texts=ALL),
        Case("tsv formula cells kept literally", "tsv", {"a.tsv": b(tsv([("=1+1", "@SUM(A1)")]))},
             expect="ok", segments=1, texts=("=1+1", "@SUM(A1)")),
        # CSV
        Case("csv ok", "csv", {"a.csv": b(csv_text())}, expect="ok", segments=3, texts=ALL),
        Case("csv semicolon", "csv", {"a.csv": b(csv_text(";"))}, expect="ok", segments=3, texts=ALL),
        Case("csv quoted newline", "csv", {"a.csv": b('source,target\n"a\nb","ب\nج"\n')}, expect="ok",
             segments=1, texts=("a\\nb",)),
        Case("csv unclosed quote", "csv", {"a.csv": b('source,target\n"a,b\nc,d\n')}, expect="error"),
        Case("csv ragged", "csv", {"a.csv": b(csv_text() + "a,b,c\n")}, expect="error"),
        Case("csv bom defused cells read back", "csv",
             {"a.csv": codecs.BOM_UTF8 + b("source,target\n'=1+1,'＝cmd\n")}, expect="ok", segments=1,
             texts=('"=1+1"', '"＝cmd"')),
        Case("csv no bom apostrophe kept", "csv", {"a.csv": b("source,target\n'=1+1,x\n")}, expect="ok",
             segments=1, texts=("'=1+1",)),
        Case("csv one bad byte", "csv", {"a.csv": insert(b(csv_text()), 30, b"\xc3")}, expect="error"),
        Case("csv header only", "csv", {"a.csv": b("source,target\n")}, expect="error"),
        Case("csv nul", "csv", {"a.csv": b(csv_text()) + b"\x00"}, expect="error"),
        Case("csv huge quoted cell", "csv", {"a.csv": b('source,target\n"' + "x" * 1_100_000 + '",y\n')},
             expect="error"),
        Case("csv utf-16", "csv", {"a.csv": b(csv_text(), "utf-16")}, expect="ok", segments=3, texts=ALL),
        Case("csv short row", "csv", {"a.csv": b(csv_text() + "only\n")}, expect="error"),
        Case("csv quote inside unquoted", "csv", {"a.csv": b('source,target\nsay "hi",ب\n')}),
    ]
    # JSONL
    deep = lambda n: '{"source": "a", "target": "b", "x": ' + "[" * n + "]" * n + "}\n"  # noqa: E731
    cases += [
        Case("jsonl ok", "jsonl", {"a.jsonl": b(jsonl())}, expect="ok", segments=3, texts=ALL),
        Case("json array", "jsonl", {"a.json": b(json.dumps([{"src": s, "tgt": t} for s, t in zip(SRC, TGT)]))},
             expect="ok", segments=3, texts=SRC),
        Case("jsonl deep 1000", "jsonl", {"a.jsonl": b(deep(1000))}, expect="error"),
        Case("jsonl deep 100000", "jsonl", {"a.jsonl": b(deep(100_000))}, expect="error"),
        Case("json array deep 100000", "jsonl", {"a.json": b("[" * 100_000 + "]" * 100_000)}, expect="error"),
        Case("jsonl deep 50 ok", "jsonl", {"a.jsonl": b(deep(50))}, expect="ok", segments=1),
        Case("jsonl number target", "jsonl", {"a.jsonl": b('{"source": "a", "target": 42}\n')}, expect="error"),
        Case("jsonl list target", "jsonl", {"a.jsonl": b('{"source": "a", "target": ["b"]}\n')}, expect="error"),
        Case("jsonl object source", "jsonl", {"a.jsonl": b('{"source": {"a": 1}, "target": "b"}\n')},
             expect="error"),
        Case("jsonl NaN target", "jsonl", {"a.jsonl": b('{"source": "a", "target": NaN}\n')}, expect="error"),
        Case("jsonl huge number", "jsonl", {"a.jsonl": b('{"source": "a", "target": 1e400}\n')}, expect="error"),
        Case("jsonl numeric id ok", "jsonl", {"a.jsonl": b('{"id": 1, "source": "a", "target": "ب"}\n')},
             expect="ok", segments=1),
        Case("jsonl not an object", "jsonl", {"a.jsonl": b('["a", "b"]\n')}, expect="error"),
        Case("jsonl truncated", "jsonl", {"a.jsonl": b(jsonl())[:-10]}, expect="error"),
        Case("jsonl bom", "jsonl", {"a.jsonl": codecs.BOM_UTF8 + b(jsonl())}, expect="ok", segments=3, texts=ALL),
        Case("jsonl one bad byte", "jsonl", {"a.jsonl": insert(b(jsonl()), 60, b"\xfe")}, expect="error"),
        Case("jsonl lone surrogate escape", "jsonl", {"a.jsonl": b('{"source": "a\\ud800", "target": "b"}\n')}),
        Case("jsonl nul escape", "jsonl", {"a.jsonl": b('{"source": "a\\u0000b", "target": "b"}\n')}),
        Case("jsonl unknown keys", "jsonl", {"a.jsonl": b('{"en": "One", "fr": "Un"}\n')}, expect="ok",
             segments=1, texts=("One", "Un")),
        Case("jsonl duplicate keys", "jsonl", {"a.jsonl": b('{"source": "a", "target": "x", "target": "ب"}\n')}),
        Case("jsonl huge string", "jsonl", {"a.jsonl": b('{"source": "' + "x" * 1_100_000 + '", "target": "b"}\n')},
             expect="error"),
        Case("jsonl empty object", "jsonl", {"a.jsonl": b("{}\n")}, expect="error"),
        Case("jsonl sniffed", "jsonl", {"data": b(jsonl())}, expect="ok", segments=3, texts=ALL),
        Case("jsonl many keys", "jsonl", {"a.jsonl": b(json.dumps({f"k{i}": "v" for i in range(20000)}
                                                                  | {"source": "a", "target": "b"}) + "\n")},
             expect="ok", segments=1),
    ]
    # Parquet
    pq = {"source": SRC, "target": TGT}
    good_pq = parquet(pq)
    cases += [
        Case("parquet ok", "parquet", {"a.parquet": good_pq}, expect="ok", segments=3, texts=ALL),
        Case("parquet unknown columns", "parquet", {"a.parquet": parquet({"english": SRC, "arabic": TGT})},
             expect="ok", segments=3, texts=ALL),
        Case("parquet binary source", "parquet", {"a.parquet": parquet({"source": [b"\xff\x00"] * 3, "target": TGT})},
             expect="error"),
        Case("parquet int target", "parquet", {"a.parquet": parquet({"source": SRC, "target": [1, 2, 3]})},
             expect="error"),
        Case("parquet list target", "parquet", {"a.parquet": parquet({"source": SRC, "target": [[t] for t in TGT]})},
             expect="error"),
        Case("parquet struct source", "parquet",
             {"a.parquet": parquet({"source": [{"a": s} for s in SRC], "target": TGT})}, expect="error"),
        Case("parquet zero rows", "parquet", {"a.parquet": parquet({"source": [], "target": []},
                                                                   {"source": pl.String, "target": pl.String})},
             expect="error"),
        Case("parquet null target", "parquet", {"a.parquet": parquet({"source": SRC, "target": [None, *TGT[1:]]})},
             expect="ok", segments=3),
        Case("parquet categorical", "parquet",
             {"a.parquet": parquet({"source": pl.Series(SRC, dtype=pl.Categorical), "target": TGT})},
             expect="ok", segments=3, texts=ALL),
        Case("parquet truncated", "parquet", {"a.parquet": good_pq[: len(good_pq) // 2]}, expect="error"),
        Case("parquet flipped bytes", "parquet",
             {"a.parquet": good_pq[:40] + bytes(x ^ 0x5A for x in good_pq[40:80]) + good_pq[80:]}),
        Case("parquet magic only", "parquet", {"a.parquet": b"PAR1PAR1"}, expect="error"),
        Case("parquet not parquet", "parquet", {"a.parquet": b(good)}, expect="error"),
        Case("parquet one column", "parquet", {"a.parquet": parquet({"source": SRC})}, expect="error"),
        Case("parquet huge cell", "parquet", {"a.parquet": parquet({"source": ["x" * 1_100_000], "target": ["y"]})},
             expect="error"),
        Case("parquet sniffed", "parquet", {"blob": good_pq}, expect="ok", segments=3, texts=ALL),
    ]
    return cases


def xml_cases() -> list[Case]:
    nest = lambda tag, n, inner="x": f"<{tag}>" * n + inner + f"</{tag}>" * n  # noqa: E731
    one_tu = lambda s, t: f'<tu><tuv xml:lang="en"><seg>{s}</seg></tuv><tuv xml:lang="ar"><seg>{t}</seg></tuv></tu>\n'  # noqa: E731,E501
    good = tmx()
    cases = [
        Case("tmx ok", "tmx", {"a.tmx": b(good)}, expect="ok", segments=3, texts=ALL),
        Case("tmx xxe", "tmx", {"a.tmx": b(tmx(doctype=XXE))}, expect="error"),
        Case("tmx parameter entity", "tmx", {"a.tmx": b(tmx(doctype=PARAM_XXE))}, expect="error"),
        Case("tmx entity bomb", "tmx", {"a.tmx": b(tmx(doctype=BOMB, body=one_tu("&i;", "ب")))}, expect="error"),
        Case("tmx external dtd not fetched", "tmx", {"a.tmx": b(tmx(doctype=EXT_DTD))}, expect="ok", segments=3),
        Case("tmx inline nested 1000", "tmx", {"a.tmx": b(tmx(body=one_tu(nest("hi", 1000), "ب")))}, expect="error"),
        Case("tmx inline nested 100000", "tmx", {"a.tmx": b(tmx(body=one_tu(nest("hi", 100_000), "ب")))},
             expect="error"),
        Case("tmx inline nested 50", "tmx", {"a.tmx": b(tmx(body=one_tu(nest("hi", 50), "ب")))}, expect="ok",
             segments=1),
        Case("tmx truncated", "tmx", {"a.tmx": b(good)[:-30]}, expect="error"),
        Case("tmx no tu", "tmx", {"a.tmx": b(tmx(body=""))}, expect="error"),
        Case("tmx one language", "tmx", {"a.tmx": b(tmx(body='<tu><tuv xml:lang="en"><seg>a</seg></tuv></tu>'))},
             expect="error"),
        Case("tmx declared windows-1256", "tmx",
             {"a.tmx": b(tmx(decl='<?xml version="1.0" encoding="windows-1256"?>\n'), "cp1256")},
             expect="ok", segments=3, texts=TGT),
        Case("tmx declared utf-8 but cp1256", "tmx", {"a.tmx": b(good, "cp1256")}, expect="error"),
        Case("tmx unknown declared encoding", "tmx",
             {"a.tmx": b(tmx(decl='<?xml version="1.0" encoding="klingon"?>\n'))}, expect="error"),
        Case("tmx utf-16", "tmx", {"a.tmx": b(tmx(decl='<?xml version="1.0" encoding="UTF-16"?>\n'), "utf-16")},
             expect="ok", segments=3, texts=ALL),
        Case("tmx one bad byte", "tmx", {"a.tmx": insert(b(good), 400, b"\xff")}, expect="error"),
        Case("tmx nul", "tmx", {"a.tmx": insert(b(good), 300, b"\x00")}, expect="error"),
        Case("tmx not xml", "tmx", {"a.tmx": b("hello\tworld\n")}, expect="error"),
        Case("tmx wrong root", "tmx", {"a.tmx": b("<html><body/></html>")}, expect="error"),
        Case("tmx cdata", "tmx", {"a.tmx": b(tmx(body=one_tu("<![CDATA[a < b]]>", "ب")))}, expect="ok",
             segments=1, texts=("a < b",)),
        Case("tmx escaped markup is text", "tmx", {"a.tmx": b(tmx(body=one_tu("&lt;script&gt;", "ب")))},
             expect="ok", segments=1, texts=("<script>",)),
        Case("tmx 20k units", "tmx", {"a.tmx": b(tmx(body=one_tu("a", "ب") * 20_000))}, expect="ok", segments=20_000),
        Case("tmx huge attribute", "tmx",
             {"a.tmx": b(tmx(body=f'<tu tuid="{"x" * 2_000_000}">' + one_tu("a", "ب")[4:]))}, expect="ok", segments=1),
        Case("tmx undefined entity", "tmx", {"a.tmx": b(tmx(body=one_tu("&nbsp;", "ب")))}, expect="error"),
        Case("tmx undefined prefix", "tmx", {"a.tmx": b(tmx(body=one_tu("<q:x/>", "ب")))}, expect="error"),
        Case("tmx sniffed", "tmx", {"memory": b(good)}, expect="ok", segments=3),
        Case("tmx bom + declaration", "tmx", {"a.tmx": codecs.BOM_UTF8 + b(good)}, expect="ok", segments=3),
        Case("tmx comments and PIs in seg", "tmx", {"a.tmx": b(tmx(body=one_tu("a<!-- c --><?pi x?>b", "ب")))},
             expect="ok", segments=1, texts=("ab",)),
    ]
    good = xliff12()
    unit = lambda inner: f'<trans-unit id="1"><source>{inner}</source><target>ب</target></trans-unit>'  # noqa: E731
    cases += [
        Case("xliff12 ok", "xliff1.2", {"a.xlf": b(good)}, expect="ok", segments=3, texts=ALL),
        Case("xliff12 groups nested 1000", "xliff1.2",
             {"a.xlf": b(xliff12(wrap=("<group>" * 1000, "</group>" * 1000)))}, expect="error"),
        Case("xliff12 groups nested 30", "xliff1.2",
             {"a.xlf": b(xliff12(wrap=("<group>" * 30, "</group>" * 30)))}, expect="ok", segments=3),
        Case("xliff12 inline g nested 1000", "xliff1.2", {"a.xlf": b(xliff12(unit(nest("g", 1000))))},
             expect="error"),
        Case("xliff12 inline mrk nested 100000", "xliff1.2", {"a.xlf": b(xliff12(unit(nest("mrk", 100_000))))},
             expect="error"),
        Case("xliff12 xxe", "xliff1.2", {"a.xlf": b(xliff12(unit("&secret;"), doctype=XXE))}, expect="error"),
        Case("xliff12 bomb", "xliff1.2", {"a.xlf": b(xliff12(unit("&i;"), doctype=BOMB))}, expect="error"),
        Case("xliff12 truncated", "xliff1.2", {"a.xlf": b(good)[:200]}, expect="error"),
        Case("xliff12 no target", "xliff1.2",
             {"a.xlf": b(xliff12('<trans-unit id="1"><source>a</source></trans-unit>'))}, expect="ok", segments=1),
        Case("xliff12 no file", "xliff1.2", {"a.xlf": b('<xliff version="1.2"></xliff>')}, expect="error"),
        Case("xliff12 seg-source without targets", "xliff1.2", {"a.xlf": b(xliff12(
            '<trans-unit id="1"><source>a. b.</source><seg-source><mrk mtype="seg" mid="1">a.</mrk>'
            '<mrk mtype="seg" mid="2">b.</mrk></seg-source><target>ب</target></trans-unit>'))}, segments=2),
        Case("xliff12 one bad byte", "xliff1.2", {"a.xlf": insert(b(good), 300, b"\x80")}, expect="error"),
        Case("xliff12 mismatched tags", "xliff1.2", {"a.xlf": b(xliff12(unit("<g>a</x>")))}, expect="error"),
        Case("xliff12 alt-trans ignored", "xliff1.2", {"a.xlf": b(xliff12(
            '<trans-unit id="1"><source>a</source><target>ب</target><alt-trans><trans-unit id="9">'
            '<source>z</source></trans-unit></alt-trans></trans-unit>'))}, expect="ok", segments=1),
        Case("xliff12 many files", "xliff1.2", {"a.xlf": b(good.replace("<file ", "<file ", 1))}, expect="ok",
             segments=3),
        Case("xliff12 bad cp1256 declaration", "xliff1.2",
             {"a.xlf": b(good.replace('encoding="UTF-8"', 'encoding="windows-1256"'))}, expect="error"),
        Case("xliff12 declared cp1256, ascii only", "xliff1.2", {"a.xlf": b(xliff12(
            '<trans-unit id="1"><source>a</source><target>b</target></trans-unit>').replace(
            'encoding="UTF-8"', 'encoding="windows-1256"'))}, expect="ok", segments=1),
    ]
    good2 = xliff2()
    cases += [
        Case("xliff2 ok", "xliff2", {"a.xlf": b(good2)}, expect="ok", segments=3, texts=ALL),
        Case("xliff2 pc nested 1000", "xliff2", {"a.xlf": b(xliff2(
            f'<unit id="1"><segment><source>{nest("pc", 1000)}</source><target>ب</target></segment></unit>'))},
             expect="error"),
        Case("xliff2 groups nested 1000", "xliff2", {"a.xlf": b(good2.replace(
            "<unit ", "<group>" * 1000 + "<unit ", 1).replace("</file>", "</group>" * 1000 + "</file>"))},
             expect="error"),
        Case("xliff2 bad cp hex", "xliff2", {"a.xlf": b(xliff2(
            '<unit id="1"><segment><source>a<cp hex="ZZZ"/><cp hex="110000"/></source><target>ب</target>'
            '</segment></unit>'))}),
        Case("xliff2 no segment", "xliff2", {"a.xlf": b(xliff2('<unit id="1"></unit>'))}, expect="error"),
        Case("xliff2 xxe", "xliff2", {"a.xlf": b(good2.replace("<xliff", XXE + "<xliff", 1))}, expect="error"),
        Case("xliff2 truncated", "xliff2", {"a.xlf": b(good2)[:-20]}, expect="error"),
        Case("xliff2 utf-16", "xliff2", {"a.xlf": b(good2.replace("UTF-8", "UTF-16"), "utf-16")}, expect="ok",
             segments=3, texts=ALL),
    ]
    return cases


def po_cases() -> list[Case]:
    good = po()
    return [
        Case("po ok", "po", {"a.po": b(good)}, expect="ok", segments=3, texts=ALL),
        Case("po unterminated string", "po", {"a.po": b(po('msgid "a\nmsgstr "b"\n'))}, expect="error"),
        Case("po escaped closing quote", "po", {"a.po": b(po('msgid "a\\"\nmsgstr "b"\n'))}, expect="error"),
        Case("po msgstr before msgid", "po", {"a.po": b(po('msgstr "b"\nmsgid "a"\n'))}),
        Case("po bad escape", "po", {"a.po": b(po('msgid "a\\q\\777"\nmsgstr "b"\n'))}),
        Case("po huge string", "po", {"a.po": b(po(f'msgid "{"x" * 1_100_000}"\nmsgstr "b"\n'))}, expect="error"),
        Case("po one bad byte", "po", {"a.po": insert(b(good), 120, b"\xff")}, expect="error"),
        Case("po charset cp1256 but utf-8", "po", {"a.po": b(po(charset="CP1256"))}, expect="error"),
        Case("po charset utf-8 but cp1256", "po", {"a.po": b(po(), "cp1256")}, expect="error"),
        Case("po charset cp1256", "po", {"a.po": b(po(charset="CP1256"), "cp1256")}, segments=3, texts=TGT),
        Case("po nul", "po", {"a.po": insert(b(good), 50, b"\x00")}, expect="error"),
        Case("po header only", "po", {"a.po": b(po(""))}, expect="error"),
        Case("po plural index huge", "po", {"a.po": b(po('msgid "a"\nmsgid_plural "as"\nmsgstr[99999999999] "b"\n'))}),
        Case("po obsolete only", "po", {"a.po": b(po('#~ msgid "a"\n#~ msgstr "b"\n'))}, expect="error"),
        Case("po sniffed", "po", {"messages": b(good)}, expect="ok", segments=3),
    ]


def text_cases() -> list[Case]:
    en = (DEMO / "en.txt").read_bytes()
    ar = (DEMO / "ar.mt.txt").read_bytes()
    align = lambda src="en.txt", tgt="ar.txt": ["align", src, tgt, "--format", "jsonl"]  # noqa: E731
    mid = ar.index(b"\n", len(ar) // 2) + 7
    return [
        Case("text ok", "text", {"en.txt": en, "ar.txt": ar}, align(), expect="ok", segments=96),
        Case("text one \\xff byte", "text", {"en.txt": en, "ar.txt": insert(ar, mid, b"\xff")}, align(),
             expect="error"),
        Case("text one bad byte in source", "text", {"en.txt": insert(en, 100, b"\xe9"), "ar.txt": ar}, align(),
             expect="error"),
        Case("text cp1256 target", "text", {"en.txt": en, "ar.txt": ar.decode().encode("cp1256")}, align(),
             expect="ok", segments=96),
        Case("text utf-16 target", "text", {"en.txt": en, "ar.txt": ar.decode().encode("utf-16")}, align(),
             expect="ok", segments=96),
        Case("text bom + crlf", "text", {"en.txt": en, "ar.txt": codecs.BOM_UTF8 + ar.replace(b"\n", b"\r\n")},
             align(), expect="ok", segments=96),
        Case("text empty target", "text", {"en.txt": en, "ar.txt": b""}, align(), expect="error"),
        Case("text nul in target", "text", {"en.txt": en, "ar.txt": insert(ar, 10, b"\x00")}, align(),
             expect="error"),
        Case("text huge line", "text", {"en.txt": en, "ar.txt": ar + b"x" * 1_100_000}, align(), expect="error"),
        Case("text binary target", "text", {"en.txt": en, "ar.txt": bytes(range(256)) * 8}, align(), expect="error"),
        Case("text missing target", "text", {"en.txt": en}, align(), expect="error"),
        Case("text target is a directory", "text", {"en.txt": en, "d/x": b"x"}, align(tgt="d"), expect="error"),
        Case("text truncated utf-8", "text", {"en.txt": en, "ar.txt": ar[:-1]}, align()),
        Case("text lone CR endings", "text", {"en.txt": en.replace(b"\n", b"\r"), "ar.txt": ar.replace(b"\n", b"\r")},
             align(), expect="ok"),
        Case("text cp1256 forced on utf-8", "text", {"en.txt": en, "ar.txt": ar},
             align() + ["--encoding", "cp1256"], expect="ok"),
        Case("text unknown encoding", "text", {"en.txt": en, "ar.txt": ar}, align() + ["--encoding", "klingon"],
             expect="error"),
        Case("score damaged tsv", "score", {"a.tsv": insert(b(tsv()), 40, b"\xff")},
             ["score", "a.tsv", "--format", "jsonl"], expect="error"),
        Case("score deep xliff", "score", {"a.xlf": b(xliff12(wrap=("<group>" * 2000, "</group>" * 2000)))},
             ["score", "a.xlf", "--format", "jsonl"], expect="error"),
        Case("score ok tsv csv out", "score", {"a.tsv": b(tsv([("=1+1", "@cmd")]))},
             ["score", "a.tsv", "--format", "csv"], expect="ok"),
    ]


# ----------------------------------------------------------------------------- the project store

def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def _flip_page(path: Path, page: int) -> None:
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big") or 65536
    start = (page - 1) * size + (100 if page == 1 else 0)
    for i in range(start, min(start + size, len(data))):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def _root_page(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    finally:
        conn.close()


def _foreign(path: Path, app_id: int = 0) -> None:
    path.unlink()
    _sql(path, f"PRAGMA application_id = {app_id}", "CREATE TABLE t (x)", "INSERT INTO t VALUES (1)")


# Each damage changes a copy of a good project file in place (what the opener must refuse).
DAMAGES: dict[str, Callable[[Path], None]] = {
    "flipped bytes in a table": lambda p: _flip_page(p, _root_page(p, "segments")),
    "flipped bytes in the schema page": lambda p: _flip_page(p, 1),
    "dropped table": lambda p: _sql(p, "DROP TABLE revisions"),
    "renamed column": lambda p: _sql(p, 'ALTER TABLE segments RENAME COLUMN "current" TO "curr"'),
    "user_version 0": lambda p: _sql(p, "PRAGMA user_version = 0"),
    "future user_version": lambda p: _sql(p, "PRAGMA user_version = 999"),
    "not sqlite": lambda p: p.write_bytes(b"not a database\n" * 100),
    "foreign sqlite": _foreign,
    "foreign sqlite with our id": lambda p: _foreign(p, 0x4D545256),
    "empty file": lambda p: p.write_bytes(b""),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 3]),
    "header only": lambda p: p.write_bytes(p.read_bytes()[:100]),
}


@functools.cache
def good_project() -> bytes:
    """A small scored project (the three pairs of SRC/TGT), built once through `review init`."""
    with tempfile.TemporaryDirectory(prefix="hostile-project-") as d:
        (Path(d) / "a.tsv").write_text(tsv(), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-m", "review", "-q", "init", "p.review", "a.tsv"], cwd=d, env=env,
                       check=True, capture_output=True)
        return (Path(d) / "p.review").read_bytes()


def project_file(damage: str | None = None) -> Callable[[Path], None]:
    """A case setup: write the good project as p.review in the case's folder, then damage it."""
    def setup(folder: Path) -> None:
        path = folder / "p.review"
        path.write_bytes(good_project())
        if damage is not None:
            DAMAGES[damage](path)
    return setup


def _unchanged(name: str, data: Callable[[], bytes]) -> Callable[[Path], str]:
    def check(folder: Path) -> str:
        return "" if (folder / name).read_bytes() == data() else f"{name} was changed"
    return check


def store_cases() -> list[Case]:
    commands = {"export": ["-q", "export", "p.review", "--format", "csv", "-o", "out.csv"],
                "report": ["-q", "report", "p.review", "-o", "out.html"],
                "rescore": ["-q", "rescore", "p.review"]}
    cases = [Case(f"store good project {cmd}", "store", {}, args, expect="ok", setup=project_file())
             for cmd, args in commands.items()]
    for damage in DAMAGES:
        for cmd, args in commands.items():
            cases.append(Case(f"store {damage} {cmd}", "store", {}, args, expect="error",
                              setup=project_file(damage), check=_no_output("out.csv", "out.html")))
    cases += [
        Case("store app on a dropped table", "store", {}, ["app", "p.review", "--port", "9"], expect="error",
             setup=project_file("dropped table")),
        Case("store app on a folder", "store", {"p.review/x": b"x"}, ["app", "p.review", "--port", "9"],
             expect="error"),
        Case("store missing project", "store", {}, commands["export"], expect="error"),
        Case("store project is a folder", "store", {"p.review/x": b"x"}, commands["report"], expect="error"),
        Case("store init project '-'", "store", {"a.tsv": b(tsv())}, ["init", "-", "a.tsv"], expect="error"),
        Case("store init project ''", "store", {"a.tsv": b(tsv())}, ["init", "", "a.tsv"], expect="error"),
        Case("store init over a folder", "store", {"a.tsv": b(tsv()), "d/x": b"x"}, ["init", "d", "a.tsv", "--force"],
             expect="error"),
        Case("store init dangling link", "store", {"a.tsv": b(tsv())}, ["init", "link.review", "a.tsv"],
             expect="error", setup=lambda d: (d / "link.review").symlink_to(d / "nowhere" / "p.review"),
             check=lambda d: "" if (d / "link.review").is_symlink() else "the link was replaced"),
        Case("store init through a link", "store", {"a.tsv": b(tsv())},
             ["-q", "init", "link.review", "a.tsv", "--force"], expect="ok", setup=_linked_project,
             check=lambda d: "" if (d / "link.review").is_symlink() and (d / "real.review").read_bytes()
             != b"old" else "the link was replaced or its target not written"),
        Case("store init existing", "store", {"a.tsv": b(tsv())}, ["init", "p.review", "a.tsv"], expect="error",
             setup=project_file(), check=_unchanged("p.review", good_project)),
        Case("store rescore locked", "store", {}, commands["rescore"], expect="error", setup=project_file(),
             lock="p.review", timeout=90),
        Case("store export while locked", "store", {}, commands["export"], expect="ok", setup=project_file(),
             lock="p.review"),
    ]
    return cases


def _linked_project(folder: Path) -> None:
    (folder / "real.review").write_bytes(b"old")
    (folder / "link.review").symlink_to("real.review")


def _no_output(*names: str) -> Callable[[Path], str]:
    def check(folder: Path) -> str:
        left = [n for n in names if (folder / n).exists()]
        left += [p.name for p in folder.iterdir() if p.name.endswith(".part")]
        return f"left behind: {', '.join(left)}" if left else ""
    return check


# ----------------------------------------------------------------------------- -o and standard streams

def _is(kind: Callable[[int], bool], name: str) -> Callable[[Path], str]:
    def check(folder: Path) -> str:
        return "" if kind((folder / name).lstat().st_mode) else f"{name} was replaced"
    return check


def _make_socket(folder: Path) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(folder / "sock"))
    sock.close()  # the socket file stays


_readers: dict[Path, subprocess.Popen] = {}


def _fifo_with_reader(folder: Path) -> None:
    os.mkfifo(folder / "fifo")
    _readers[folder] = subprocess.Popen(["sh", "-c", "cat fifo > got"], cwd=folder)


def _fifo_read(folder: Path) -> str:
    _readers.pop(folder).wait(timeout=30)
    if not stat.S_ISFIFO((folder / "fifo").lstat().st_mode):
        return "the FIFO was replaced"
    return "" if (folder / "got").read_text("utf-8").count("\n") == 3 else "the reader did not get 3 lines"


def _immutable(folder: Path, on: bool) -> None:
    # An immutable file (chattr +i, root on ext4/xfs/btrfs): creating the temporary file beside it
    # works, the rename over it fails.
    try:
        p = subprocess.run(["chattr", "+i" if on else "-i", str(folder / "old.jsonl")], capture_output=True)
    except OSError:
        p = None
    if on and (p is None or p.returncode != 0):
        raise Skip("chattr +i is not available here")


def output_cases() -> list[Case]:
    src = {"a.tsv": b(tsv())}
    load = lambda out: ["load", "a.tsv", "--format", "jsonl", "-o", out]  # noqa: E731
    old = b'{"old": true}\n'
    cases = [
        Case("-o empty", "-o", src, load(""), expect="error"),
        Case("-o blanks", "-o", src, load("   "), expect="error", check=_no_output("   ")),
        Case("-o a folder", "-o", {**src, "d/x": b"x"}, load("d"), expect="error"),
        Case("-o link to a folder", "-o", {**src, "d/x": b"x"}, load("ld"), expect="error",
             setup=lambda d: (d / "ld").symlink_to("d"), check=_is(stat.S_ISLNK, "ld")),
        Case("-o missing parent", "-o", src, load("nowhere/x.jsonl"), expect="error"),
        Case("-o file as parent", "-o", src, load("a.tsv/x.jsonl"), expect="error"),
        Case("-o dangling link", "-o", src, load("dl"), expect="error",
             setup=lambda d: (d / "dl").symlink_to("nothing.jsonl"), check=_is(stat.S_ISLNK, "dl")),
        Case("-o link loop", "-o", src, load("loop1"), expect="error",
             setup=lambda d: ((d / "loop1").symlink_to("loop2"), (d / "loop2").symlink_to("loop1"))),
        Case("-o socket", "-o", src, load("sock"), expect="error", setup=_make_socket,
             check=_is(stat.S_ISSOCK, "sock")),
        Case("-o link chain", "-o", {**src, "real.jsonl": old}, load("l1"), expect="ok", segments=None,
             setup=lambda d: ((d / "l2").symlink_to("real.jsonl"), (d / "l1").symlink_to("l2")),
             check=lambda d: "" if (d / "l1").is_symlink() and (d / "l2").is_symlink()
             and (d / "real.jsonl").read_text("utf-8").count("\n") == 3 else "a link was replaced"),
        Case("-o fifo", "-o", src, load("fifo"), expect="ok", setup=_fifo_with_reader, check=_fifo_read),
        Case("-o /dev/null", "-o", src, load("/dev/null"), expect="ok",
             check=lambda d: "" if stat.S_ISCHR(os.stat("/dev/null").st_mode) else "/dev/null replaced"),
        Case("-o /dev/full", "-o", src, load("/dev/full"), expect="error"),
        Case("-o failed rename", "-o", {**src, "old.jsonl": old}, load("old.jsonl"), expect="error",
             setup=lambda d: _immutable(d, True), teardown=lambda d: _immutable(d, False),
             check=lambda d: _unchanged("old.jsonl", lambda: old)(d) or _no_output()(d)),
        Case("-o existing file replaced", "-o", {**src, "old.jsonl": old}, load("old.jsonl"), expect="ok",
             check=lambda d: "" if (d / "old.jsonl").read_text("utf-8").count("\n") == 3 else "not replaced"),
        Case("-o the input itself", "-o", src, ["load", "a.tsv", "--format", "csv", "-o", "a.tsv"], expect="ok"),
        Case("-o - parquet into a pipe", "-o", src, ["load", "a.tsv", "--format", "parquet", "-o", "-"],
             expect="ok"),
        Case("stdin empty", "stdin", {}, ["load", "-", "--format", "jsonl"], expect="error", stdin=b""),
        Case("stdin unrecognisable", "stdin", {}, ["load", "-", "--format", "jsonl"], expect="error",
             stdin=bytes(range(256)) * 8),
        Case("stdin tsv", "stdin", {}, ["load", "-", "--format", "jsonl"], expect="ok", segments=3, texts=ALL,
             stdin=b(tsv())),
        Case("stdin - -", "stdin", {}, ["align", "-", "-", "--format", "jsonl"], expect="error", stdin=b(tsv())),
        Case("stdin - - score", "stdin", {}, ["score", "-", "-"], expect="error", stdin=b(tsv())),
        Case("output piped into head", "stdin",
             {"a.tsv": b(tsv([(f"Row {i}.", f"صف {i}.") for i in range(20_000)]))},
             ["load", "a.tsv", "--format", "jsonl"], expect="ok", pipe="head -c 100"),
        Case("export piped into head", "stdin", {}, ["export", "p.review", "--format", "jsonl", "-o", "-"],
             expect="ok", pipe="head -c 10", setup=project_file()),
    ]
    return cases


CASES: list[Case] = table_cases() + xml_cases() + po_cases() + text_cases() + store_cases() + output_cases()


# ----------------------------------------------------------------------------- running

def _output_problem(case: Case, stdout: str) -> str:
    if case.segments is not None and case.command()[0] in ("load", "align"):
        n = sum(1 for line in stdout.splitlines() if line.strip())
        if n != case.segments:
            return f"{n} segments, expected {case.segments}"
    missing = [t for t in case.texts if json.dumps(t, ensure_ascii=False)[1:-1] not in stdout and t not in stdout]
    if missing:
        return f"text not found intact: {missing[0][:40]!r}"
    return ""


def classify(case: Case, rc: int | None, stdout: str, stderr: str) -> tuple[str, str]:
    if rc is None:
        return "hang", f"no answer after {case.timeout:.0f} s"
    errors = [ln for ln in stderr.splitlines() if ln.strip() and not ln.startswith("warning: ")]
    if "Traceback (most recent call last)" in stderr or rc not in (0, 2):
        last = (errors or ["?"])[-1]
        return "traceback", f"exit {rc}: {last[:160]}"
    if rc == 2:
        if len(errors) != 1 or not errors[0].startswith("error: "):
            return "traceback", f"exit 2 with {len(errors)} stderr lines: {(errors or ['?'])[0][:160]}"
        if case.expect == "ok":
            return "refused", errors[0][:200]
        return "error", errors[0][:200]
    if errors:
        return "traceback", f"exit 0 with stderr: {errors[0][:160]}"
    if case.expect == "error":
        return "garbled", "loaded what must be refused"
    problem = _output_problem(case, stdout)
    return ("garbled", problem) if problem else ("ok", "")


def run_case(case: Case, base: Path) -> Result:
    d = Path(tempfile.mkdtemp(prefix="case-", dir=base))
    for name, data in case.files.items():
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        (d / name).write_bytes(data)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"}
    t0 = time.perf_counter()
    holder = None
    try:
        if case.setup is not None:
            try:
                case.setup(d)
            except Skip as e:
                return Result(case, "skipped", str(e))
        if case.lock is not None:  # another writer, holding the lock for the whole run
            holder = sqlite3.connect(d / case.lock, isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")
        command = [sys.executable, "-m", "review", *case.command()]
        if case.pipe is not None:  # the exit status is review's, not the reader's
            command = ["bash", "-c", f"{shlex.join(command)} | {case.pipe} >/dev/null; exit ${{PIPESTATUS[0]}}"]
        try:
            p = subprocess.run(command, cwd=d, env=env, capture_output=True, timeout=case.timeout,
                               input=case.stdin if case.stdin is not None else b"")
            rc, out, err = p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            rc, out, err = None, "", ""
        if case.pipe is not None and rc == SIGPIPE_EXIT:
            rc = 0  # the reader left early: a quiet end is the expected one
        outcome, detail = classify(case, rc, out, err)
        if holder is not None:
            holder.execute("ROLLBACK")
        if outcome in ("ok", "error") and case.check is not None:
            problem = case.check(d)
            if problem:
                outcome, detail = "garbled", problem
    finally:
        if holder is not None:
            holder.close()
        if case.teardown is not None:
            case.teardown(d)
    return Result(case, outcome, detail, time.perf_counter() - t0)


def run_all(cases: list[Case], workers: int = 2) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="hostile-") as base, ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda c: run_case(c, Path(base)), cases))


def table(results: list[Result]) -> str:
    per: dict[str, Counter] = defaultdict(Counter)
    for r in results:
        per[r.case.fmt][r.outcome] += 1
        per["TOTAL"][r.outcome] += 1
    head = f"{'format':<10}" + "".join(f"{o:>10}" for o in OUTCOMES) + f"{'cases':>8}"
    lines = [head, "-" * len(head)]
    for fmt in [f for f in per if f != "TOTAL"] + ["TOTAL"]:
        c = per[fmt]
        lines.append(f"{fmt:<10}" + "".join(f"{c[o]:>10}" for o in OUTCOMES) + f"{sum(c.values()):>8}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", default="", help="only cases whose name contains this")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2, help="parallel workers")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("-v", action="store_true", help="print every case, not only the failures")
    args = ap.parse_args(argv)
    cases = [c for c in CASES if args.k in c.name]
    if args.list:
        print("\n".join(f"{c.fmt:<10} {c.expect:<6} {c.name}" for c in cases))
        return 0
    t0 = time.perf_counter()
    results = run_all(cases, args.j)
    for r in results:
        if args.v or r.outcome in FAILURES:
            print(f"{r.outcome.upper():<10} {r.case.fmt:<9} {r.case.name}: {r.detail}  ({r.seconds:.1f} s)")
    print(table(results))
    slowest = max(results, key=lambda r: r.seconds)
    print(f"{len(results)} cases in {time.perf_counter() - t0:.0f} s (slowest: {slowest.case.name}, "
          f"{slowest.seconds:.1f} s)")
    return 1 if any(r.outcome in FAILURES for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
