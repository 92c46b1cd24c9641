"""The MQM typology (review/checks/mqm.toml) and the one weight rule."""

from __future__ import annotations

import ast
from pathlib import Path

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from review import mqm, schema
from review.checks.base import catalogue
from review.config import load_config
from review.mqm import DEFAULT_WEIGHTS, MQM_CATEGORIES, SEVERITIES, weight, weight_expr

REVIEW = Path(__file__).resolve().parent.parent / "review"


def test_typology_as_used_by_the_checks_and_the_app():
    assert SEVERITIES == ("neutral", "minor", "major", "critical")
    assert MQM_CATEGORIES[:4] == ("Accuracy/Mistranslation", "Accuracy/Omission", "Accuracy/Addition",
                                  "Accuracy/Untranslated")
    assert MQM_CATEGORIES[-2:] == ("Non-translation", "Other")
    assert len(MQM_CATEGORIES) == len(set(MQM_CATEGORIES)) == 20
    assert {spec.category for spec in catalogue().values()} <= set(MQM_CATEGORIES)
    assert all(c.description and "\n" not in c.description for c in mqm.CATEGORIES)
    assert all(s.description for s in mqm.SEVERITY_LEVELS)
    # schema re-exports the vocabulary; it does not define its own
    assert schema.SEVERITIES is SEVERITIES and schema.MQM_CATEGORIES is MQM_CATEGORIES
    assert schema.SEVERITY_RANK is mqm.SEVERITY_RANK


def test_default_weights():
    assert DEFAULT_WEIGHTS == {"neutral": 0.0, "minor": 1.0, "major": 5.0, "critical": 25.0,
                               "minor_punctuation": 0.1}
    assert weight("critical", "Non-translation") == 25
    assert weight("minor", "Fluency/Punctuation") == 0.1
    assert weight("major", "Fluency/Punctuation") == 5
    assert weight("minor", "Fluency/Spelling") == 1
    assert weight("neutral", "Other") == 0


def test_configured_weights(tmp_path):
    path = tmp_path / "review.toml"
    path.write_text("[weights]\nmajor = 10\nminor_punctuation = 0.5\n")
    weights = load_config(path).weights
    assert weight("major", "Accuracy/Omission", weights) == 10
    assert weight("minor", "Fluency/Punctuation", weights) == 0.5
    assert weight("minor", "Accuracy/Omission", weights) == 1


@given(st.lists(st.tuples(st.sampled_from(SEVERITIES), st.sampled_from(MQM_CATEGORIES)), max_size=30),
       st.dictionaries(st.sampled_from(list(DEFAULT_WEIGHTS)), st.floats(0, 100), max_size=5))
def test_column_weights_equal_row_weights(pairs, overrides):
    weights = {**DEFAULT_WEIGHTS, **overrides}
    frame = pl.DataFrame(pairs, schema={"s": pl.String, "c": pl.String}, orient="row")
    got = frame.select(weight_expr(pl.col("s"), pl.col("c"), weights)).to_series().to_list()
    assert got == [weight(s, c, weights) for s, c in pairs]


def _string_literals(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def test_categories_and_weights_are_defined_only_in_mqm_toml():
    """No module of review/ spells an MQM category or the punctuation exception's key itself."""
    named = set(MQM_CATEGORIES) | {e.key for e in mqm.EXCEPTIONS}
    offenders = {str(p.relative_to(REVIEW)): sorted(_string_literals(p) & named)
                 for p in REVIEW.rglob("*.py")}
    assert {p: found for p, found in offenders.items() if found} == {}
