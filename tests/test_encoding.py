import codecs

import pytest

from review.errors import InputError
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
