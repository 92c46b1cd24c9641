"""The batched JSONL reader (review.load.batched) reads each line with the C JSON scanner and
builds text columns in one step; it must give exactly the rows of the whole-file loader, and
refuse (Unstreamable: loaded whole) whatever the loader would convert or reject."""

from __future__ import annotations

import polars as pl
import pytest

from review.load import load_file
from review.load.batched import Unstreamable, iter_segments

GOOD = [
    '{"doc": "a", "id": 7, "source": "One two.", "target": "واحد اثنان.", "ref": "r", "bt": null, "tags": null}',
    '{"doc": "a", "id": true, "source": "Tab\\tand \\u00e9 \\ud83d\\ude00", "target": "x", "ref": null}',
    '',
    '   ',
    '{"doc": "a", "source": "Trailing space", "target": "y"}   \r',
    '  {"doc": "b", "source": "Leading space", "target": "z"}',
    '{"doc": "b", "source": "Dup key", "target": "first", "target": "second", "tags": {"k": [1]}}',
    '{"doc": 3, "source": "Number doc", "target": "", "ref": ""}',
    '{"doc": "b", "source": "Line\\nbreak", "target": "t\\r\\nu", "bt": "b"}\r',
]


def _read(path, batch_rows):
    return pl.concat(list(iter_segments(path, "jsonl", batch_rows)), how="vertical")


@pytest.mark.parametrize("batch_rows", [1, 2, 100])
def test_rows_equal_the_whole_file_loader(tmp_path, batch_rows):
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(GOOD) + "\n", encoding="utf-8")
    assert _read(path, batch_rows).equals(load_file(path).segments)


def test_plain_text_rows_equal_the_whole_file_loader(tmp_path):
    """Every value text: the one-step column path on every batch."""
    path = tmp_path / "p.jsonl"
    path.write_text("".join(f'{{"doc": "d{k // 4}", "source": "s {k}", "target": "t {k}"}}\n'
                            for k in range(30)), encoding="utf-8")
    assert _read(path, 7).equals(load_file(path).segments)


@pytest.mark.parametrize("line", [
    '{"doc": "a", "source": "lone \\ud800", "target": "x"}',  # the loader refuses the surrogate
    '{"doc": "a", "source": 5, "target": "x"}',  # a number where text is due
    '{"doc": "a", "source": "s", "target": ["x"]}',
    '{"doc": "a", "source": "s", "target": "x"} {"extra": 1}',  # two objects on one line
    '{"doc": "a", "source": "s", "target": "x"}x',
    '{"doc": "a", "source": "s", "target": "x"',
    '["not", "an", "object"]',
    '"text"',
    '{"doc": "a", "source": "s", "target": "' + "[" * 101 + '"}' + "{" * 101,
])
def test_what_the_loader_rejects_or_converts_is_unstreamable(tmp_path, line):
    path = tmp_path / "p.jsonl"
    path.write_text('{"doc": "a", "source": "s", "target": "t"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(Unstreamable):
        _read(path, 100)
