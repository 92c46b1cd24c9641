"""The README is the user's entry point: its commands and its documentation must stay true."""

import re
from pathlib import Path

from review.checks.base import catalogue
from review.schema import DOCUMENT_SCHEMA, FLAG_SCHEMA, SEGMENT_SCHEMA

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def setup_commands():
    return re.findall(r"```sh\n(.+?)\n```", README, flags=re.S)[:2]


def test_two_setup_commands_open_the_readme():
    first, second = setup_commands()
    assert "\n" not in first and "\n" not in second
    assert first.endswith("review app")
    assert "pytest" in second


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert setup_commands()[1] in ci.splitlines()


def test_schema_fields_are_documented():
    for name in [*SEGMENT_SCHEMA, *FLAG_SCHEMA]:
        assert f"`{name}`" in README, name
    for name in DOCUMENT_SCHEMA:
        assert f"`{name}`" in README, name


def test_every_check_is_documented():
    for cid in catalogue():
        assert f"`{cid}`" in README, cid
