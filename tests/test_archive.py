"""Bulk archive streaming: chapters out, everything else skipped or refused, nothing written to disk."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

import pytest

from livertox_parse.errors import LiverToxError
from livertox_parse.readers.archive import ArchiveMember, iter_archive, not_a_chapter
from livertox_parse.readers.nxml import read_nxml

NXML = Path(__file__).resolve().parent.parent / "fixtures" / "nxml"
CHAPTERS = ["ARBs", "Barbiturates", "Metoprolol", "Nabumetone", "Venlafaxine"]

FRONT_MATTER = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE book-part-wrapper PUBLIC "-//NLM//DTD BITS Book Interchange DTD v2.0 20151225//EN" "BITS-book2.dtd">
<book-part-wrapper content-type="chapter" id="aboutus" from-where="body"><book-meta/>
<book-part book-part-type="chapter"><book-part-meta><title-group><title>About Us</title></title-group>
</book-part-meta><body><p>LiverTox provides information on <sec-like>liver injury</sec-like>.</p></body>
</book-part></book-part-wrapper>
"""
TOC = b"""<?xml version="1.0"?><book><book-meta/><toc><toc-entry><title>A</title></toc-entry></toc></book>"""
LIMIT = 100_000


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes, **fields: object) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    for key, value in fields.items():
        setattr(info, key, value)
    tar.addfile(info, io.BytesIO(data))


def add_special(tar: tarfile.TarFile, name: str, kind: bytes, linkname: str = "") -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    tar.addfile(info)


@pytest.fixture()
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "livertox_NBK547852.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        add_special(tar, "livertox", tarfile.DIRTYPE)
        add_bytes(tar, "livertox/aboutus.nxml", FRONT_MATTER)
        for name in CHAPTERS[:3]:
            add_bytes(tar, f"livertox/{name}.nxml", (NXML / f"{name}.nxml").read_bytes())
        add_bytes(tar, "livertox/TOC.nxml", TOC)
        add_bytes(tar, "livertox/Metoprolol_Structure.jpg", b"\xff\xd8\xff\xe0fake-jpeg")
        add_bytes(tar, "livertox/LiverTox_master_list.xlsx", b"PK\x03\x04fake")
        add_bytes(tar, "../evil.nxml", (NXML / "Metoprolol.nxml").read_bytes())
        add_bytes(tar, "/abs/evil.nxml", (NXML / "Metoprolol.nxml").read_bytes())
        add_bytes(tar, "livertox/a/../../evil2.nxml", (NXML / "Metoprolol.nxml").read_bytes())
        add_special(tar, "livertox/passwd.nxml", tarfile.SYMTYPE, "/etc/passwd")
        add_special(tar, "livertox/hard.nxml", tarfile.LNKTYPE, "livertox/Metoprolol.nxml")
        add_special(tar, "livertox/dev.nxml", tarfile.CHRTYPE)
        add_special(tar, "livertox/fifo.nxml", tarfile.FIFOTYPE)
        for name in CHAPTERS[3:]:
            add_bytes(tar, f"livertox/{name}.nxml", (NXML / f"{name}.nxml").read_bytes())
        add_bytes(tar, "livertox/huge.nxml", b"<book-part-wrapper>" + b" " * (LIMIT + 1))  # last: nothing after it is read
    return path


def members_of(path: Path, **limit: int) -> list[ArchiveMember]:
    """The members yielded before iteration ends; at LIMIT it ends at huge.nxml with LTX023."""
    out: list[ArchiveMember] = []
    try:
        out.extend(iter_archive(path, **limit))
    except LiverToxError as exc:
        assert exc.code == "LTX023" and "huge.nxml" in exc.message
    return out


def by_name(members: list[ArchiveMember]) -> dict[str, ArchiveMember]:
    return {m.name: m for m in members}


def test_chapters_come_out_with_their_bytes_in_archive_order(archive: Path) -> None:
    members = members_of(archive, max_member_bytes=LIMIT)
    chapters = [m for m in members if m.data is not None]
    assert [m.name for m in chapters] == [f"livertox/{n}.nxml" for n in CHAPTERS]
    for member in chapters:
        stem = Path(member.name).stem
        assert member.data == (NXML / f"{stem}.nxml").read_bytes()
        assert member.error is None and member.skipped_reason is None
        assert read_nxml(member.name, member.data).source.path == member.name


def test_every_member_yields_exactly_one_outcome(archive: Path) -> None:
    members = members_of(archive, max_member_bytes=LIMIT)
    assert len(members) == 18
    for m in members:
        assert sum(x is not None for x in (m.data, m.error, m.skipped_reason)) == 1, m.name


def test_non_chapters_are_skipped_with_a_reason(archive: Path) -> None:
    members = by_name(members_of(archive, max_member_bytes=LIMIT))
    assert members["livertox"].skipped_reason == "directory"
    assert "not an .nxml file" in str(members["livertox/Metoprolol_Structure.jpg"].skipped_reason)
    assert "not an .nxml file" in str(members["livertox/LiverTox_master_list.xlsx"].skipped_reason)
    assert "body has no sections" in str(members["livertox/aboutus.nxml"].skipped_reason)
    assert "root element book" in str(members["livertox/TOC.nxml"].skipped_reason)
    assert members["livertox/aboutus.nxml"].data is None


@pytest.mark.parametrize(("name", "why"), [
    ("../evil.nxml", "'..'"),
    ("/abs/evil.nxml", "absolute"),
    ("livertox/a/../../evil2.nxml", "'..'"),
    ("livertox/passwd.nxml", "symbolic link"),
    ("livertox/hard.nxml", "hard link"),
    ("livertox/dev.nxml", "device"),
    ("livertox/fifo.nxml", "FIFO"),
])
def test_unsafe_members_are_refused(archive: Path, name: str, why: str) -> None:
    member = by_name(members_of(archive, max_member_bytes=LIMIT))[name]
    assert member.data is None and member.error is not None
    assert member.error.code == "LTX022"
    assert why in member.error.message


def test_oversized_member_is_refused(archive: Path) -> None:
    member = by_name(members_of(archive, max_member_bytes=LIMIT))["livertox/huge.nxml"]
    assert member.error is not None and member.error.code == "LTX023"
    assert str(LIMIT) in member.error.message
    # with the default limit (20 MB) the same member is read, and judged not to be a chapter
    default = by_name(members_of(archive))["livertox/huge.nxml"]
    assert default.error is None and default.skipped_reason is not None


def test_nothing_is_written(archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work" / "deeper"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    members_of(archive, max_member_bytes=LIMIT)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert not (tmp_path / "evil.nxml").exists() and not (tmp_path / "work" / "evil.nxml").exists()


def test_truncated_archive_raises_ltx024(archive: Path, tmp_path: Path) -> None:
    data = archive.read_bytes()
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(data[: len(data) // 2])
    seen: list[str] = []
    with pytest.raises(LiverToxError) as info:
        for member in iter_archive(broken, max_member_bytes=LIMIT):
            seen.append(member.name)
    assert info.value.code == "LTX024"
    assert len(seen) < 18


@pytest.mark.parametrize("payload", [b"this is not gzip at all" * 20, gzip.compress(b"not a tar" * 100)])
def test_garbage_raises_ltx025(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "x.tar.gz"
    path.write_bytes(payload)
    with pytest.raises(LiverToxError) as info:
        list(iter_archive(path))
    assert info.value.code == "LTX025"
    assert "not a gzip-compressed tar archive" in info.value.message


def test_missing_archive_raises_ltx001(tmp_path: Path) -> None:
    with pytest.raises(LiverToxError) as info:
        list(iter_archive(tmp_path / "nope.tar.gz"))
    assert info.value.code == "LTX001"


def test_archive_is_read_as_a_stream(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    modes: list[str] = []
    real_open = tarfile.open

    def spy(*args: object, **kwargs: object) -> tarfile.TarFile:
        modes.append(str(kwargs.get("mode")))
        return real_open(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tarfile, "open", spy)
    assert sum(1 for m in members_of(archive, max_member_bytes=LIMIT) if m.data) == 5
    assert modes == ["r|gz"]


@pytest.mark.parametrize("name", CHAPTERS)
def test_fixture_chapters_are_chapters(name: str) -> None:
    assert not_a_chapter((NXML / f"{name}.nxml").read_bytes()) is None


@pytest.mark.parametrize(("data", "reason"), [
    (FRONT_MATTER, "body has no sections"),
    (TOC, "root element book"),
    (b"", "root element none"),
    (FRONT_MATTER.replace(b'from-where="body"', b'from-where="front"'), "front or back matter"),
    (FRONT_MATTER.replace(b'book-part-type="chapter"', b'book-part-type="toc"'), "book-part-type toc"),
    (b"<book-part-wrapper><book-meta/></book-part-wrapper>", "no book-part"),
    (b"<book-part-wrapper><book-part><book-part-meta/></book-part></book-part-wrapper>", "no body"),
])
def test_not_a_chapter_reasons(data: bytes, reason: str) -> None:
    assert reason in str(not_a_chapter(data))


def test_sections_after_the_body_do_not_count() -> None:
    data = FRONT_MATTER.replace(b"</book-part></book-part-wrapper>",
                                b"<back><sec><title>x</title></sec></back></book-part></book-part-wrapper>")
    assert not_a_chapter(data) == "not a chapter (body has no sections)"
