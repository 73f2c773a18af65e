"""Builders of hostile inputs for the robustness tests: a few lines each instead of committed blobs."""

from __future__ import annotations

import io
import tarfile
import zlib


def make_pdf(content: bytes = b"", *, pages: int = 1, stream: bytes | None = None, flate: bool = False) -> bytes:
    """A minimal PDF whose pages all draw ``content`` (or carry the raw ``stream``, FlateDecode) in Helvetica.

    Written by hand so a test controls every byte: text strings of any length, streams that inflate to any
    size, numbers no font size can be.
    """
    font = 3 + 2 * pages
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode()]
    body = stream if stream is not None else zlib.compress(content) if flate else content
    compressed = b" /Filter /FlateDecode" if stream is not None or flate else b""
    for i in range(pages):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 {font} "
                       f"0 R >> >> /Contents {4 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(body), compressed, body))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_ops(lines: list[str], *, size: int = 10, top: int = 740) -> bytes:
    """Content-stream operators drawing ``lines`` one below the other, 24pt apart (paragraphs of their own);
    a line in capitals or ending in ':' is set at 14pt, as a heading."""
    ops = []
    for i, line in enumerate(lines):
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        heading = line.isupper() or line.endswith(":") or line in ("Hepatotoxicity", "Introduction")
        ops.append(f"BT /F1 {14 if heading else size} Tf 50 {top - 24 * i} Td ({escaped}) Tj ET")
    return "\n".join(ops).encode("latin-1")


def inflating_stream(size: int, head: bytes = b"") -> bytes:
    """A FlateDecode body that inflates to ``head`` plus ``size`` spaces, built without holding them."""
    z = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = [z.compress(head)]
    for _ in range(size >> 20):
        parts.append(z.compress(chunk))
    parts.append(z.compress(b" " * (size & ((1 << 20) - 1))))
    parts.append(z.flush())
    return b"".join(parts)


def make_tar_gz(members: list[tuple[str | bytes, bytes]]) -> bytes:
    """A .tar.gz holding ``members`` (name, data); a bytes name is stored as those raw bytes."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.GNU_FORMAT, encoding="utf-8",
                      errors="surrogateescape") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name.decode("utf-8", "surrogateescape") if isinstance(name, bytes) else name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()
