"""What a path on the command line stands for: one file, or the chapters inside a ``.tar.gz`` archive."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import LiverToxError
from ..limits import DEFAULT_LIMITS, Limits

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")


@dataclass(frozen=True, slots=True)
class Input:
    """One monograph to parse: ``name`` (``archive!member`` inside an archive), its bytes when they were
    read from an archive (None: read the file ``name``), the error that kept it from being read, or why
    it was skipped (an archive member that is no chapter)."""

    name: str
    data: bytes | None = None
    error: LiverToxError | None = None
    skipped: str | None = None


def iter_inputs(path: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[Input]:
    """The inputs a path stands for, in order; a corrupt archive ends with one error input. An archive
    member larger than ``limits.max_input_bytes`` is an error input (LTX023), read no further."""
    if not path.lower().endswith(ARCHIVE_SUFFIXES):
        yield Input(path)
        return
    from .archive import iter_archive

    try:
        for member in iter_archive(path, max_member_bytes=limits.max_input_bytes):
            name = f"{path}!{member.name}"
            if member.error is not None:
                yield Input(name, error=member.error.with_path(name))
            elif member.skipped_reason:
                yield Input(name, skipped=member.skipped_reason)
            else:
                yield Input(name, data=member.data)
    except LiverToxError as exc:
        yield Input(path, error=exc.with_path(path))
