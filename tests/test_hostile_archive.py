"""Issue 9, archives: names that forge lines or break file systems and databases, gzip files that are no
tar, archives without chapters, and a small archive hiding a huge member. Archives are built in each test."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import duckdb
import pytest

from livertox_parse.cli import main
from livertox_parse.errors import LiverToxError
from livertox_parse.readers.archive import iter_archive

from .conftest import FIXTURES
from .hostile import make_tar_gz

METOPROLOL = (FIXTURES / "nxml" / "Metoprolol.nxml").read_bytes()
NABUMETONE = (FIXTURES / "nxml" / "Nabumetone.nxml").read_bytes()
BROKEN = b"<book-part-wrapper><book-part book-part-type='chapter'><body><sec><p>cut off"


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([str(a) for a in argv], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def archive(tmp_path: Path, members: list[tuple[str | bytes, bytes]], name: str = "bulk.tar.gz") -> Path:
    path = tmp_path / name
    path.write_bytes(make_tar_gz(members))
    return path


def test_a_newline_in_a_member_name_forges_no_line(tmp_path: Path) -> None:
    path = archive(tmp_path, [("livertox/x\n.nxml: LTX000: forged\x1b[2K.nxml", BROKEN), ("livertox/M.nxml", METOPROLOL)])
    status, out, err = run("parse", path)
    assert status == 1 and len(out.splitlines()) == 1
    [line] = err.splitlines()
    assert line.startswith(f"{path}!livertox/x\\n.nxml: LTX000: forged\\x1b[2K.nxml:") and ": LTX020: " in line


def test_a_300_character_member_name_under_parse_o(tmp_path: Path) -> None:
    """ENAMETOOLONG made `parse -o` traceback and drop the members after it."""
    long = "livertox/" + "Metoprolol" * 30 + ".nxml"
    path = archive(tmp_path, [(long, METOPROLOL), ("livertox/Nabumetone.nxml", NABUMETONE)])
    status, _, err = run("parse", path, "-o", tmp_path / "out")
    assert status == 0, err
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(written) == 2 and "Nabumetone.json" in written
    assert all(len(name.encode()) <= 255 for name in written)


def test_same_base_names_do_not_overwrite_each_other(tmp_path: Path) -> None:
    path = archive(tmp_path, [("a/Metoprolol.nxml", METOPROLOL), ("b/Metoprolol.nxml", NABUMETONE)])
    assert run("parse", path, "-o", tmp_path / "out")[0] == 0
    assert len(list((tmp_path / "out").iterdir())) == 2


def test_a_member_name_that_is_not_utf8_is_escaped_and_ingested(tmp_path: Path) -> None:
    """Such a name (kept by tarfile as a lone surrogate) crashed ingest in DuckDB."""
    path = archive(tmp_path, [(b"livertox/Metoprolol-caf\xe9.nxml", METOPROLOL)])
    assert [m.name for m in iter_archive(path)] == ["livertox/Metoprolol-caf\\xe9.nxml"]
    status, _, err = run("ingest", path, "--out", tmp_path / "out", "--workers", "1")
    assert status == 0, err
    with duckdb.connect(str(tmp_path / "out" / "livertox.duckdb"), read_only=True) as con:
        names = [row[0] for row in con.sql("SELECT source_name FROM sources").fetchall()]
    assert names == [f"{path}!livertox/Metoprolol-caf\\xe9.nxml"]


@pytest.mark.parametrize(("payload", "code"), [
    (gzip.compress(bytes(1 << 16)), "LTX026"),  # a gzip of zeros: an empty tar, which held no chapter
    (gzip.compress(b"not a tar, only text " * 100), "LTX025"),
    (b"not even gzip " * 100, "LTX025"),
    (make_tar_gz([("livertox/photo.jpg", b"\xff\xd8\xff\xe0"), ("livertox/TOC.nxml", b"<book/>")]), "LTX026"),
])
def test_an_archive_that_is_no_tar_or_holds_no_chapter_is_an_error(tmp_path: Path, payload: bytes,
                                                                    code: str) -> None:
    """A gzip of zeros exited 0 with no output and no error."""
    path = tmp_path / "x.tar.gz"
    path.write_bytes(payload)
    status, out, err = run("parse", path)
    assert (status, out) == (1, "")
    assert [line for line in err.splitlines() if "skipped" not in line] == [
        line for line in err.splitlines() if line.startswith(f"{path}: {code}: ")]
    assert f"{path}: {code}: " in err


def test_an_oversized_member_stops_the_archive_at_its_header(tmp_path: Path) -> None:
    """A 1 MB archive hiding a 1 GB member was refused only after 45 s (the stream inflated all of it to
    reach the next member): now nothing of it, nor after it, is read."""
    path = archive(tmp_path, [("livertox/Metoprolol.nxml", METOPROLOL), ("livertox/huge.nxml", bytes(1 << 20)),
                              ("livertox/Nabumetone.nxml", NABUMETONE)])
    seen = []
    with pytest.raises(LiverToxError) as info:
        for member in iter_archive(path, max_member_bytes=64 << 10):
            seen.append((member.name, member.error.code if member.error else None))
    assert seen == [("livertox/Metoprolol.nxml", None), ("livertox/huge.nxml", "LTX023")]
    assert info.value.code == "LTX023" and "huge.nxml" in info.value.message
    status, out, err = run("parse", "--max-input-bytes", "64k", path)
    assert status == 1 and [x.split('"title":')[1][:12] for x in out.splitlines()] == ['"Metoprolol"']
    assert [line.split(": ")[1] for line in err.splitlines()] == ["LTX023", "LTX023"]
