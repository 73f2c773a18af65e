"""Text files in the encodings people save them in: UTF-8 (with or without a BOM), UTF-16 and UTF-32 with a
byte-order mark give the same monograph; a legacy 8-bit file or UTF-16 without a mark gets a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from livertox_parse import LiverToxError, parse

from .conftest import FIXTURES

ANAKINRA = (FIXTURES / "text" / "anakinra.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reference() -> dict[str, object]:
    return parse(FIXTURES / "text" / "anakinra.txt").model_dump(exclude={"source"})


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"])
def test_unicode_with_a_byte_order_mark_reads_the_same(encoding: str, tmp_path: Path,
                                                        reference: dict[str, object]) -> None:
    path = tmp_path / "anakinra.txt"
    data = ANAKINRA.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be", "utf-32-be"):  # these codecs write no mark: add it
        data = "\ufeff".encode(encoding) + data
    path.write_bytes(data)
    m = parse(path)
    assert m.model_dump(exclude={"source"}) == reference
    assert m.source.sha256 is not None and len(m.source.sha256) == 64


def test_warning_lines_and_columns_are_those_of_the_file(tmp_path: Path) -> None:
    text = (FIXTURES / "text" / "metoprolol.txt").read_text(encoding="utf-8")
    (tmp_path / "u8.txt").write_text(text, encoding="utf-8")
    (tmp_path / "u16.txt").write_text(text, encoding="utf-16")
    u8, u16 = parse(tmp_path / "u8.txt"), parse(tmp_path / "u16.txt")
    assert u8.warnings and [(w.line, w.column) for w in u16.warnings] == [(w.line, w.column) for w in u8.warnings]


def test_legacy_8_bit_file_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(ANAKINRA.replace("Anakinra is", "Anakinra’s café is").encode("cp1252"))
    with pytest.raises(LiverToxError) as info:
        parse(path)
    err = info.value
    assert err.code == "LTX002" and err.line is not None and err.column is not None
    assert "legacy 8-bit encoding such as Windows-1252 or Latin-1" in err.message
    assert "iconv -f cp1252 -t utf-8" in err.message


def test_utf16_without_a_mark_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes(ANAKINRA.encode("utf-16-le"))
    with pytest.raises(LiverToxError, match="UTF-16 without a byte-order mark: save it as UTF-8"):
        parse(path)


def test_binary_junk_keeps_the_plain_message(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(b"\xff\xff\x80\x81")
    with pytest.raises(LiverToxError, match=r"byte 0xff is not valid UTF-8 \(expected UTF-8 text\)"):
        parse(path)


def test_a_bad_utf16_body_after_its_mark_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad16.txt"
    path.write_bytes(b"\xff\xfe" + "OVERVIEW".encode("utf-16-le") + b"\x00\xdc")  # a lone low surrogate
    with pytest.raises(LiverToxError, match="not valid UTF-16-LE, which its byte-order mark promises"):
        parse(path)
