"""The text a span points at, in one call: every ``start``/``end`` indexes the extracted (normalised) text of
the document, which a Monograph does not carry unless asked (``with_text=True``, ``parse --with-text``).

:func:`document_text` rebuilds that text from the source file (also ``archive.tar.gz!member``), the same way
the parser read it; :func:`span_text` slices it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from .document import Document
from .errors import LiverToxError
from .models import Monograph


class HasSpan(Protocol):
    @property
    def start(self) -> int | None: ...

    @property
    def end(self) -> int | None: ...


def _source_bytes(name: str) -> bytes:
    """The bytes of a file, or of the member ``member`` of ``archive.tar.gz!member``."""
    from .readers import read_bytes
    from .readers.sources import iter_inputs

    archive, _, member = name.partition("!")
    if not member:
        return read_bytes(name)
    for item in iter_inputs(archive):
        if item.name == name:
            if item.error is not None:
                raise item.error
            if item.data is not None:
                return item.data
    raise LiverToxError("LTX001", "no such member in the archive", path=name)


@lru_cache(maxsize=8)
def _text_of(name: str, sha256: str | None) -> str:
    from .readers import read_document

    data = _source_bytes(name)
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError(f"{name} has changed since the monograph was parsed (its sha256 differs): parse it "
                         "again, or keep the text with with_text=True")
    return read_document(name, data).text


def document_text(source: str | Path | Monograph) -> str:
    """The extracted text every span of the monograph indexes.

    ``source`` is a file path (text, PDF, NXML, or ``archive.tar.gz!member``) or a Monograph: its own
    ``text`` when it carries it, else the text rebuilt from ``source.path``, which must still hold the bytes
    that were parsed (same sha256; ValueError otherwise). Raises LiverToxError when the file cannot be read.
    The last few texts are cached.
    """
    if isinstance(source, Monograph):
        if source.text is not None:
            return source.text
        if source.source.path is None:
            raise ValueError("this monograph has no source file to rebuild its text from (parse_text without "
                             "source=): parse it with with_text=True")
        return _text_of(source.source.path, source.source.sha256)
    return _text_of(str(source), None)


def span_text(source: str | Path | Monograph | Document, start: int | HasSpan, end: int | None = None) -> str:
    """The text of a span: ``span_text(m, 4071, 4149)`` or ``span_text(m, m.likelihood_scores[0])``.

    ``source`` is a Monograph, a Document or a file path (see :func:`document_text`); ``start`` is an offset
    (then ``end`` is required) or anything with ``start`` and ``end`` (a score, a case, a lab value, a
    warning, a Key Points value).
    """
    lo, hi = (start, end) if isinstance(start, int) else (start.start, start.end)
    if not isinstance(start, int) and (lo is None or hi is None):
        raise ValueError("this value has no span (start/end are null): it is not written in the text")
    if lo is None or hi is None:
        raise TypeError("span_text needs an end offset, or an object with start and end")
    text = source.text if isinstance(source, Document) else document_text(source)
    if not 0 <= lo <= hi <= len(text):
        raise ValueError(f"span {lo}:{hi} is outside the text (0:{len(text)})")
    return text[lo:hi]
