"""Stream the chapters out of the LiverTox bulk archive (``livertox_NBK547852.tar.gz``) without unpacking it.

:func:`iter_archive` reads the tar stream once, in order, and yields one :class:`ArchiveMember` per member:
the bytes of each chapter, a ``skipped_reason`` for everything that is not a chapter (front matter, images,
the master list spreadsheet), or an ``error`` for members it refuses to read (unsafe names, links, devices,
oversized members). Nothing is ever written to disk and no link is followed.
"""

from __future__ import annotations

import re
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ..errors import LiverToxError
from ..limits import over

DEFAULT_MAX_MEMBER_BYTES = 20 * 1024 * 1024
_READ_ERRORS = (tarfile.TarError, OSError, EOFError, zlib.error)

_ROOT = re.compile(rb"<(?![?!])([A-Za-z_][\w.:-]*)")
_FRONT = re.compile(rb"""<book-part-wrapper\b[^>]*\bfrom-where\s*=\s*["'](?:front|back)["']""")
_PART = re.compile(rb"""<book-part(?=[\s>])([^>]*)>""")
_PART_TYPE = re.compile(rb"""book-part-type\s*=\s*["']([^"']*)["']""")
_BODY = re.compile(rb"<body(?=[\s>])")
_SEC = re.compile(rb"<sec(?=[\s>/])")


@dataclass(frozen=True)
class ArchiveMember:
    """One member of the archive: exactly one of ``data``, ``error`` or ``skipped_reason`` is set."""

    name: str
    data: bytes | None = None
    error: LiverToxError | None = None
    skipped_reason: str | None = None


def iter_archive(path: str | Path, *, max_member_bytes: int = DEFAULT_MAX_MEMBER_BYTES) -> Iterator[ArchiveMember]:
    """Yield the members of a ``.tar.gz`` in archive order, reading it as a stream.

    Chapters (``.nxml`` files whose root is a ``book-part-wrapper`` with a chapter ``book-part`` whose body
    has sections) come with ``data``. Refused members carry an ``error``: LTX022 for absolute names, ``..``
    components, symbolic or hard links, devices and FIFOs. Member names are as stored, with bytes that are
    not UTF-8 written as ``\\xff``.

    Raises LiverToxError (possibly after some members were yielded): LTX001 when the archive cannot be
    opened, LTX025 when it is no gzip-compressed tar, LTX024 when it is corrupt, LTX026 when it holds no
    chapter, and LTX023 after yielding (as an error) a member larger than ``max_member_bytes`` (0: no
    limit): its bytes, and the members after it, are not read (skipping it would inflate all of it).
    """
    name = str(path)
    chapters = 0
    try:
        with open(path, "rb") as fileobj:
            for member in _stream(fileobj, max_member_bytes, name):
                chapters += member.data is not None or member.error is not None
                yield member
    except OSError as exc:  # _stream turns its own read errors into LTX024: this is the open failing
        raise LiverToxError("LTX001", f"cannot read archive: {exc.strerror or exc}", path=name) from exc
    if not chapters:
        raise LiverToxError("LTX026", "the archive holds no chapter (expected LiverTox .nxml chapters)", path=name)


def _stream(fileobj: BinaryIO, limit: int, name: str) -> Iterator[ArchiveMember]:
    """Members of the gzip-compressed tar stream read from ``fileobj``, in order."""
    not_tar = "not a gzip-compressed tar archive (expected a .tar.gz such as livertox_NBK547852.tar.gz)"
    try:
        tar = tarfile.open(fileobj=fileobj, mode="r|gz")  # noqa: SIM115 - closed by the with below
    except _READ_ERRORS as exc:
        raise LiverToxError("LTX025", f"{not_tar}: {exc}", path=name) from exc
    with tar:
        first = True
        while True:
            try:
                info = tar.next()
            except _READ_ERRORS as exc:
                if first:
                    raise LiverToxError("LTX025", f"{not_tar}: {exc}", path=name) from exc
                raise LiverToxError("LTX024", f"archive is corrupt: {exc}", path=name) from exc
            first = False
            if info is None:
                return
            info.name = _display_name(info.name)
            if over(limit, info.size) and _unsafe_reason(info) is None and not info.isdir():
                message = f"member {info.name!r} is {info.size} bytes, over the limit of {limit} (max_input_bytes)"
                yield ArchiveMember(info.name, error=LiverToxError("LTX023", message, path=info.name))
                raise LiverToxError("LTX023", f"not read past the oversized member {info.name!r}: reaching the "
                                    "members after it would inflate all of it", path=name)
            yield _member(tar, info, limit, name)


def _member(tar: tarfile.TarFile, info: tarfile.TarInfo, limit: int, archive: str) -> ArchiveMember:
    """Classify and, for a chapter, read the member the stream is positioned on."""
    name = info.name
    unsafe = _unsafe_reason(info)
    if unsafe:
        return ArchiveMember(name, error=LiverToxError("LTX022", f"unsafe member {name!r}: {unsafe}", path=name))
    if info.isdir():
        return ArchiveMember(name, skipped_reason="directory")
    if not name.lower().endswith(".nxml"):
        return ArchiveMember(name, skipped_reason="not an .nxml file")
    try:
        handle = tar.extractfile(info)
        data = (handle.read(limit + 1) if limit else handle.read()) if handle is not None else b""
    except _READ_ERRORS as exc:
        raise LiverToxError("LTX024", f"archive is corrupt while reading {name!r}: {exc}", path=archive) from exc
    if over(limit, len(data)):
        return ArchiveMember(name, error=LiverToxError("LTX023", f"member {name!r} is over the limit", path=name))
    reason = not_a_chapter(data)
    if reason:
        return ArchiveMember(name, skipped_reason=reason)
    return ArchiveMember(name, data=data)


def _display_name(name: str) -> str:
    """A member name as text: tarfile keeps bytes that are not UTF-8 as lone surrogates, which no UTF-8
    output (the database, JSON) can hold; they are written as ``\\xff`` instead."""
    if name.isascii():
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _unsafe_reason(info: tarfile.TarInfo) -> str | None:
    """Why a member must not be read, or None when it is a plain file or directory with a safe name."""
    name = info.name
    if not name or name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        return "absolute path"
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        return "'..' in path"
    if info.issym():
        return "symbolic link"
    if info.islnk():
        return "hard link"
    if info.ischr() or info.isblk():
        return "device"
    if info.isfifo():
        return "FIFO"
    if not (info.isfile() or info.isdir()):
        return "not a regular file"
    return None


def not_a_chapter(data: bytes) -> str | None:
    """Why these bytes are not a LiverTox chapter, judged from the markup without a full parse; else None.

    A chapter's root is ``book-part-wrapper`` (not front or back matter) holding a ``book-part`` of type
    chapter whose ``body`` contains at least one ``sec``. Front matter (about us, table of contents) lacks
    the sectioned body.
    """
    root = _ROOT.search(data)
    if root is None or root.group(1) != b"book-part-wrapper":
        found = root.group(1).decode("ascii", "replace") if root else "none"
        return f"not a chapter (root element {found})"
    if _FRONT.search(data, root.start()):
        return "not a chapter (front or back matter)"
    part = _PART.search(data, root.end())
    if part is None:
        return "not a chapter (no book-part)"
    kind = _PART_TYPE.search(part.group(1))
    if kind is not None and kind.group(1) not in (b"chapter", b"part"):
        return f"not a chapter (book-part-type {kind.group(1).decode('ascii', 'replace')})"
    body = _BODY.search(data, part.end())
    if body is None:
        return "not a chapter (no body)"
    end = data.find(b"</body>", body.end())
    if _SEC.search(data, body.end(), end if end >= 0 else len(data)) is None:
        return "not a chapter (body has no sections)"
    return None
