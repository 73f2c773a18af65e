"""Output: validated JSON bytes (orjson), written atomically."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import IO

import orjson

from .models import Monograph


def to_bytes(monograph: Monograph, *, pretty: bool = False) -> bytes:
    """JSON of a monograph after re-validating it against the models: invalid output is never emitted."""
    data = monograph.json_data()
    Monograph.model_validate(data)  # round-trip check: what we write is what the schema accepts
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 if pretty else 0)


_UMASK_LOCK = threading.Lock()


@cache
def file_mode() -> int:
    """The mode a new file gets under the process's umask (0o644 for the usual 022), as ``open`` would give
    it; read once, in the first caller's thread (reading the umask means setting it for a moment)."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_stream(path: Path) -> Iterator[IO[bytes]]:
    """A binary file handle whose content replaces ``path`` only when the block ends without error: no
    half-written file, ever (a temporary file in the same folder, fsync, then a rename). The file gets the
    mode the umask gives new files (the temporary file starts private, as mkstemp makes it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_stream`."""
    with atomic_stream(path) as fh:
        fh.write(data)


def load(data: bytes | str) -> Monograph:
    """Read JSON written by :func:`to_bytes` back into a validated Monograph."""
    return Monograph.model_validate(orjson.loads(data))
