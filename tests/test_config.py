import pytest
from click.testing import CliRunner

from review.checks.base import catalogue
from review.cli import main
from review.config import Signature, load_config
from review.errors import InputError
from review.mqm import weight
from review.schema import MQM_CATEGORIES, SEVERITIES


def test_catalogue_is_valid_data():
    specs = catalogue()
    assert len(specs) >= 35
    for spec in specs.values():
        assert spec.category in MQM_CATEGORIES
        assert spec.severity in SEVERITIES
        assert spec.title and spec.description


def test_every_catalogue_check_is_implemented():
    import importlib

    from review.checks import families
    from review.checks.base import _IMPLEMENTATIONS

    for family in families():
        importlib.import_module(f"review.checks.{family}")
    missing = [cid for cid in catalogue() if cid not in _IMPLEMENTATIONS]
    assert missing == []


def test_defaults_and_signature():
    cfg = load_config()
    sig = cfg.signature()
    assert sig.startswith("mt-review:")
    assert "|checks:%d|" % len(catalogue()) in sig
    assert weight("major", "Accuracy/Omission", cfg.weights) == 5
    assert weight("minor", "Fluency/Punctuation", cfg.weights) == pytest.approx(0.1)


def test_signature_is_an_object_rendered_like_sacrebleus():
    cfg = load_config()
    sig = Signature.of(cfg)
    assert sig.checks == len(catalogue()) and sig.cfg == cfg.digest()
    text = cfg.signature()
    assert text == sig.format() == str(sig)
    assert list(sig.info()) == ["mt-review", "checks", "cfg", "polars", "sacrebleu", "langdetect"]
    assert text == "|".join(f"{k}:{v}" for k, v in sig.info().items())
    assert Signature.parse(text) == sig
    for bad in ["mt-review:0.1.0|checks:43", "nrefs:1|case:mixed", text + "|extra", text.replace("|cfg:", "|cfg")]:
        with pytest.raises(ValueError):
            Signature.parse(bad)


def test_overrides_change_signature(tmp_path):
    path = tmp_path / "review.toml"
    path.write_text('[weights]\nmajor = 10\n[checks]\ndisabled = ["tatweel"]\n'
                    '[checks.length_short]\nseverity = "minor"\nmin_ratio = 0.3\n')
    cfg = load_config(path)
    assert weight("major", "Accuracy/Omission", cfg.weights) == 10
    assert not cfg.enabled("tatweel")
    assert cfg.severity("length_short") == "minor"
    assert cfg.params("length_short")["min_ratio"] == 0.3
    assert cfg.digest() != load_config().digest()
    assert f"|checks:{len(catalogue()) - 1}|" in cfg.signature()


@pytest.mark.parametrize("text,match", [
    ("[checks]\ndisabled = [\"nope\"]\n", "unknown check 'nope'"),
    ("[checks.length_short]\nseverity = \"huge\"\n", "severity must be one of"),
    ("[checks.length_short]\nbogus = 1\n", "unknown parameter"),
    ("[weights]\nenormous = 3\n", "unknown severity"),
    ("what = \n", "invalid TOML"),
    ("[colour]\n", "unknown key 'colour'"),
    ("[weights]\nmajor = \"ten\"\n", r"\[weights\] major: must be a number of at least 0, not 'ten'"),
    ("[weights]\nminor = true\n", r"\[weights\] minor: must be a number"),
    ("[weights]\ncritical = nan\n", r"\[weights\] critical: must be a number"),
    ("[weights]\nminor = -1\n", r"\[weights\] minor: must be a number of at least 0"),
    ("[checks.length_short]\nmin_ratio = \"low\"\n", r"\[checks.length_short\] min_ratio: must be a number"),
    ("[score]\nmetric_flag = \"yes\"\n", r"\[score\] metric_flag: must be true or false"),
    ("[score]\nmetric_flags = true\n", r"\[score\]: unknown key 'metric_flags'"),
])
def test_bad_config_is_one_line_error(tmp_path, text, match):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=match) as info:
        load_config(path)
    assert str(info.value).startswith(str(path))
    assert "\n" not in str(info.value)


def test_non_numeric_weight_through_the_cli_is_one_line_exit_2(tmp_path):
    path = tmp_path / "review.toml"
    path.write_text("[weights]\nmajor = \"ten\"\n")
    result = CliRunner().invoke(main, ["checks", "--config", str(path)])
    assert result.exit_code == 2
    assert result.output == f"error: {path}: [weights] major: must be a number of at least 0, not 'ten'\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_numeric_weights_and_parameters_are_kept_as_given(tmp_path):
    path = tmp_path / "review.toml"
    path.write_text("[weights]\nmajor = 10\n[checks.tripled_letters]\n[checks.length_short]\nmin_ratio = 0\n")
    cfg = load_config(path)
    assert cfg.weights["major"] == 10.0
    assert cfg.params("length_short")["min_ratio"] == 0


def test_check_parameters_come_from_the_catalogue_only():
    """A check reads its parameters from the context (catalogue defaults merged with the
    configuration): a default repeated in code would silently disagree with catalogue.toml."""
    import ast
    from pathlib import Path

    checks = Path(__file__).resolve().parent.parent / "review" / "checks"
    repeated = []
    for path in checks.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                    and len(node.args) == 2 and isinstance(node.args[0], ast.Constant)
                    and any(node.args[0].value in spec.params for spec in catalogue().values())):
                repeated.append(f"{path.name}:{node.lineno}")
    assert repeated == []
