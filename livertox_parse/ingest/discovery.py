"""The inputs of an ingest run: files below folders and members of archives, each with its id."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LiverToxError, one_line
from ..limits import DEFAULT_LIMITS, Limits
from ..readers.sources import is_archive, walk
from ..rows import ARCHIVE_SUFFIX, key_below, source_id, source_key

__all__ = ["Discovery", "SourceItem"]


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One input: its id, its display name, and where its bytes are: ``path`` (a file the worker reads, at
    most ``max_bytes`` of it), ``data`` (an archive member's), or the ``error`` that kept them from being
    read."""

    source_id: str
    name: str
    data: bytes | None = None
    error: LiverToxError | None = None
    path: str | None = None
    max_bytes: int = 0


@dataclass
class Discovery:
    """The inputs under the given paths, in a stable order, found lazily one at a time; files are read by
    whoever parses them, archive members here.

    Keys are paths below ``root`` (:func:`~livertox_parse.rows.source_key`: the same file has the same key
    whichever folder above it was named), ``<archive key without .tar.gz>/<member>`` for archive members.
    ``partial`` collects id prefixes of archives that could not be read to the end: their missing members
    must not be taken as removed.
    """

    paths: list[str]
    partial: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    limits: Limits = DEFAULT_LIMITS
    root: Path = field(default_factory=Path.cwd)

    def __iter__(self) -> Iterator[SourceItem]:
        root = self.root.resolve().as_posix()
        folders: dict[str, str] = {}  # folder -> its resolved path: one realpath per folder, not per file
        for raw in self.paths:
            path = Path(raw)
            for file in walk(path) if path.is_dir() else [path]:
                yield from self._file(file, self._key(file, root, folders))

    def _key(self, file: Path, root: str, folders: dict[str, str]) -> str:
        """``source_key(file, root)``, resolving each folder once (a symbolic link is resolved in full)."""
        name = str(file)
        folder, _, base = name.rpartition(os.sep)
        if not folder or base in ("", ".", "..") or "!" in name or os.path.islink(name):
            return source_key(name, self.root)
        if folder not in folders:
            folders[folder] = Path(os.path.realpath(folder)).as_posix()
        return key_below(f"{folders[folder].rstrip('/')}/{base}", root)

    def _file(self, path: Path, key: str) -> Iterator[SourceItem]:
        name = str(path)
        if is_archive(name):
            yield from self._archive(path, ARCHIVE_SUFFIX.sub("", key))
            return
        yield SourceItem(source_id(key), name, path=name, max_bytes=self.limits.max_input_bytes)

    def _archive(self, path: Path, key: str) -> Iterator[SourceItem]:
        from ..readers.archive import iter_archive

        try:
            for member in iter_archive(path, max_member_bytes=self.limits.max_input_bytes):
                name = f"{path}!{member.name}"
                if member.skipped_reason:
                    self.notes.append(f"{one_line(name)}: skipped: {one_line(member.skipped_reason)}")
                    continue
                member_key = f"{key}/{member.name}"
                error = member.error.with_path(name) if member.error else None
                yield SourceItem(source_id(member_key), name, data=member.data, error=error)
        except LiverToxError as exc:
            self.partial.add(source_id(key))
            yield SourceItem(source_id(key), str(path), error=exc.with_path(str(path)))
