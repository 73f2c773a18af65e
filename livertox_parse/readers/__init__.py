"""Readers: bytes in, :class:`~livertox_parse.document.Document` out, one module per format.

:func:`read_document` sniffs the format from the first bytes and hands over to the text, PDF or NXML reader;
each produces the same line layout, so the stages never ask which format a Document came from.
"""

from __future__ import annotations

from pathlib import Path

from ..document import Document
from ..errors import LiverToxError
from ..limits import DEFAULT_LIMITS, Limits, enforced
from .text import check_size, document_from_text, read_bytes, read_text, sha256_hex

__all__ = ["document_from_text", "read_bytes", "read_document", "read_text", "sha256_hex", "sniff_format"]


def sniff_format(path: str | Path, head: bytes) -> str:
    """'pdf', 'nxml', 'archive' or 'text', from the first bytes (and the name when they say nothing)."""
    name = str(path).lower()
    if head.startswith(b"%PDF") or name.endswith(".pdf"):
        return "pdf"
    if head.startswith(b"\x1f\x8b") or name.endswith((".tar.gz", ".tgz")):
        return "archive"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.endswith((".nxml", ".xml")) or stripped.startswith((b"<?xml", b"<!DOCTYPE", b"<book-part")):
        return "nxml"
    return "text"


def read_document(path: str | Path, data: bytes | None = None, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read one monograph in any supported format into a Document, within ``limits`` (LTX030 to LTX034)."""
    with enforced(limits, str(path)):
        raw = read_bytes(path, limits.max_input_bytes) if data is None else data
        check_size(len(raw), limits.max_input_bytes, str(path))
        kind = sniff_format(path, raw[:64])
        if kind == "pdf":
            from .pdf import read_pdf

            return read_pdf(path, raw, limits)
        if kind == "nxml":
            from .nxml import read_nxml

            return read_nxml(path, raw)
        if kind == "archive":
            raise LiverToxError(
                "LTX004", "is an archive: parse its members with iter_archive() or the CLI", path=str(path)
            )
        return read_text(path, raw)
