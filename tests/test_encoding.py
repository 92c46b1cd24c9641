import codecs
from pathlib import Path

import pytest

from review.errors import InputError, InputWarning
from review.load.encoding import decode, encode, read_text

AR = "قام إيلون ماسك بتغريد رابط.\r\nسطر ثانٍ 2023"


@pytest.mark.parametrize("encoding,bom", [("utf-8", False), ("utf-8", True), ("utf-16", True), ("cp1256", False)])
def test_guess_and_round_trip(tmp_path, encoding, bom):
    raw = encode(AR, encoding, bom)
    path = tmp_path / "doc.txt"
    path.write_bytes(raw)
    got = read_text(path)
    assert got.text == AR  # CRLF kept as in the file
    assert (got.encoding, got.bom) == (encoding, bom)
    assert encode(got.text, got.encoding, got.bom) == raw


def test_forced_encoding(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes("مرحبا".encode("cp1256"))
    assert read_text(path, encoding="cp1256").text == "مرحبا"
    with pytest.raises(InputError, match="unknown encoding"):
        read_text(path, encoding="klingon")
    with pytest.raises(InputError, match=r"doc\.txt:1:1: cannot decode as utf-8"):
        read_text(path, encoding="utf-8")


def test_missing_empty_binary_long(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "nope.txt")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(codecs.BOM_UTF8 + b"  \n")
    with pytest.raises(InputError, match="empty"):
        read_text(empty)
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"PK\x03\x04\x00\x00abc")
    with pytest.raises(InputError, match=r"x\.bin:1:5: binary file"):
        read_text(binary)
    long = tmp_path / "long.txt"
    long.write_text("ok\n" + "a" * 1_000_001 + "\n")
    with pytest.raises(InputError, match=r"long\.txt:2: line is 1,000,001 characters"):
        read_text(long)


def test_error_is_one_line(tmp_path):
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00" * 10)
    with pytest.raises(InputError) as info:
        decode(binary.read_bytes(), binary)
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------- never guess silently (issue 9)

MT = Path(__file__).parent.parent / "corpora" / "musk-letter" / "ar.mt.txt"


def test_one_bad_byte_in_utf8_is_refused_with_its_position(tmp_path):
    data = MT.read_bytes()
    cut = data.index("\n".encode(), len(data) // 2) + 1 + len("ال".encode())  # inside a line
    bad = tmp_path / "bad.txt"
    bad.write_bytes(data[:cut] + b"\xff" + data[cut:])
    line = data[:cut].count(b"\n") + 1
    with pytest.raises(InputError, match=rf"bad\.txt:{line}:3: not valid UTF-8: byte 0xff") as info:
        read_text(bad)
    assert "\n" not in str(info.value) and "--encoding" in str(info.value)
    # An explicit encoding is the user's decision and is obeyed.
    assert read_text(bad, encoding="cp1256").encoding == "cp1256"


def test_cli_refuses_damaged_utf8_and_warns_about_cp1256(tmp_path):
    from click.testing import CliRunner

    from review.cli import main

    data = MT.read_bytes()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(data[:500] + b"\xff" + data[500:])
    en = MT.parent / "en.txt"
    r = CliRunner().invoke(main, ["align", str(en), str(bad), "--format", "jsonl"])
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "bad.txt:" in r.stderr
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(MT.read_text(encoding="utf-8").encode("cp1256"))
    r = CliRunner().invoke(main, ["align", str(en), str(legacy), "--format", "jsonl"])
    assert r.exit_code == 0
    assert len(r.stdout.splitlines()) == 96
    assert r.stderr.startswith("warning: ") and "Windows-1256" in r.stderr and r.stderr.count("\n") == 1


def test_cp1256_only_when_the_whole_file_is_arabic(tmp_path):
    english = tmp_path / "en.txt"
    english.write_bytes(b"Plain English text.\nSecond line with one \xff byte.\n")
    with pytest.raises(InputError, match=r"en\.txt:2:22: not UTF-8 \(byte 0xff here\) and not Windows-1256"):
        read_text(english)
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Ça coûte 5 € — très cher ¤".encode("latin-1", "replace"))
    with pytest.raises(InputError, match="not Windows-1256"):
        read_text(latin1)
    control = tmp_path / "ctl.txt"
    control.write_bytes("مرحبا".encode("cp1256") + b"\x1b[31m")
    with pytest.raises(InputError, match="control character U\\+001B"):
        read_text(control)
    ok = tmp_path / "ok.txt"
    ok.write_bytes("« مرحبا » بكم، يا أصدقاء؟ Très bien.".encode("cp1256"))
    with pytest.warns(InputWarning, match="Windows-1256"):
        assert read_text(ok).encoding == "cp1256"


def test_utf8_needs_no_warning(tmp_path, recwarn):
    p = tmp_path / "u.txt"
    p.write_text(AR, encoding="utf-8")
    assert read_text(p).encoding == "utf-8"
    assert not [w for w in recwarn if issubclass(w.category, InputWarning)]
