"""The README is the user's entry point: its commands and its documentation must stay true."""

import re
import tomllib
from pathlib import Path

from review.checks.base import catalogue
from review.config import Signature, load_config, parse_config
from review.demo import demo_dir
from review.mqm import DEFAULT_WEIGHTS
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


def _section(title: str) -> str:
    start = README.index(f"\n{title}\n")
    end = README.find("\n## ", start + len(title) + 2)
    return README[start:end if end != -1 else None]


def test_signature_example_is_what_the_tool_prints():
    """The example is `review score` on the demo with its glossary and the default configuration:
    same fields in the same order, same version, check count and configuration hash."""
    blocks = re.findall(r"```\n(mt-review:.+?)\n```", _section("### Signatures"))
    assert len(blocks) == 1
    example = Signature.parse(blocks[0])
    printed = Signature.of(load_config(None, glossary=demo_dir() / "glossary.tsv"))
    assert list(example.info()) == list(printed.info())
    assert (example.mt_review, example.checks, example.cfg) == (printed.mt_review, printed.checks, printed.cfg)
    for field in ("polars", "sacrebleu", "langdetect"):  # versions of the environment that wrote it
        assert re.fullmatch(r"\d+\.\d+\.\d+", getattr(example, field)), field


def test_configuration_example_shows_the_defaults(tmp_path):
    """The README's configuration example states the defaults: parsed, it is the default
    configuration (weights from review/checks/mqm.toml, parameters from the catalogue)."""
    blocks = re.findall(r"```toml\n(.+?)```", _section("## Configuration"), flags=re.S)
    assert len(blocks) == 1
    data = tomllib.loads(blocks[0])
    assert {k: float(v) for k, v in data["weights"].items()} == DEFAULT_WEIGHTS
    text = re.sub(r"(?m)^glossary = .*$", "", blocks[0])
    assert parse_config(text, tmp_path / "review.toml").digest() == load_config().digest()
