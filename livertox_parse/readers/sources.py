"""What a path on the command line stands for: a file, every monograph file below a folder, the chapters
inside a ``.tar.gz`` archive, or (``-``) the bytes on standard input. ``parse``, ``parse_many``, ``check``
and ``ingest`` all read their inputs through here, so they accept the same things."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import LiverToxError
from ..limits import DEFAULT_LIMITS, Limits

SUFFIXES = (".txt", ".pdf", ".nxml", ".xml")
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")
STDIN = "-"
STDIN_NAME = "<stdin>"


@dataclass(frozen=True, slots=True)
class Input:
    """One monograph to parse: ``name`` (``archive!member`` inside an archive, ``<stdin>`` for ``-``), its
    bytes when they were read from an archive or stdin (None: read the file ``name``), the error that kept
    it from being read, or why it was skipped (an archive member that is no chapter)."""

    name: str
    data: bytes | None = None
    error: LiverToxError | None = None
    skipped: str | None = None


def is_archive(path: str) -> bool:
    return path.lower().endswith(ARCHIVE_SUFFIXES)


def walk(folder: str | Path) -> list[Path]:
    """Monograph files (``.txt .pdf .nxml .xml``) and archives below ``folder``, recursively, sorted; hidden
    files and folders left out."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(root) / n for n in files
                  if not n.startswith(".") and n.lower().endswith(SUFFIXES + ARCHIVE_SUFFIXES)]
    return sorted(found)


def expand(paths: Iterable[str | Path]) -> list[str]:
    """The paths with every folder replaced by the files :func:`walk` finds below it (a folder holding none
    stays, and :func:`iter_inputs` reports it); files, archives and ``-`` as given."""
    out: list[str] = []
    for p in paths:
        name = str(p)
        found = walk(name) if name != STDIN and Path(name).is_dir() else []
        out += [str(f) for f in found] or [name]
    return out


def iter_inputs(path: str, limits: Limits = DEFAULT_LIMITS, stdin: BinaryIO | None = None) -> Iterator[Input]:
    """The inputs a path stands for, in order; a corrupt archive ends with one error input. An archive
    member larger than ``limits.max_input_bytes`` is an error input (LTX023), read no further.

    ``-`` reads one monograph (text, PDF or NXML) from ``stdin`` (default: the process's standard input),
    no more than one byte past ``limits.max_input_bytes`` (the reader then refuses it).
    """
    if path == STDIN:
        stream = stdin or sys.stdin.buffer
        data = stream.read(limits.max_input_bytes + 1) if limits.max_input_bytes else stream.read()
        if data[:2] == b"\x1f\x8b":
            yield Input(STDIN_NAME, error=LiverToxError(
                "LTX004", "an archive on standard input: give its path instead", path=STDIN_NAME))
        else:
            yield Input(STDIN_NAME, data=data)
        return
    if Path(path).is_dir():
        files = walk(path)
        if not files:
            yield Input(path, error=LiverToxError(
                "LTX001", "folder holds no .txt, .pdf, .nxml, .xml or .tar.gz files", path=path))
        for file in files:
            yield from iter_inputs(str(file), limits)
        return
    if not is_archive(path):
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
