"""PDF reader: a LiverTox chapter PDF -> :class:`Document` with the line layout of ``document.py``.

This module opens and validates the file, maps pdfminer's failures to our error codes, reads the pages one
at a time and assembles the text. The reader works on geometry, not on one layout's strings; the rules
live in three modules:

* :mod:`.page`: the page model (characters, lines, ruled tables) and characters -> lines;
* :mod:`.layout`: running headers, footers and page numbers; the Bookshelf
  citation (its text is kept in ``Document.extra["citation"]``); headings (lines set bold or at least 1pt
  larger than the body text, never joined with their neighbours; listed with a level by type size in
  ``Document.extra["sections"]``, as the NXML reader lists its section titles) and paragraphs;
* :mod:`.tables`: ruled tables, their cells and colspans, header rows, tables merged across pages and
  their footnotes.

Owner-password-only encryption (empty user password) is read like any PDF, as viewers do; a PDF that needs
a password is refused (LTX011). Line-end hyphens are resolved by :func:`..hyphenation.join_hyphen`.

Pages are parsed one at a time (``pdf.pages`` is never built) and their pdfplumber caches released; only
the extracted lines and tables are kept until the text is assembled. ``Document.origin`` maps every
character to a running index over the kept text pieces (a PDF has no source text); ``page_starts`` is what
locates a span.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1
from pdfplumber.page import Page
from pdfplumber.pdf import PDF
from pdfplumber.utils.exceptions import PdfminerException

from ...document import Document, Source, Table, TextBuilder
from ...errors import LiverToxError
from ...limits import DEFAULT_LIMITS, Limits, check_time, enforced
from ..hyphenation import join_hyphen, vocabulary
from ..text import read_bytes
from .guard import LimitedPage, check_streams
from .layout import (
    body_family,
    body_text_size,
    column_edges,
    continues_paragraph,
    drop_citation,
    drop_running_lines,
    normalise_char,
)
from .page import LaidOutPage, Line, RuledTable, char_in_box, group_lines
from .tables import TABLE_SETTINGS, RawTable, attach_notes, emit_table, merge_tables, ruled_table

__all__ = ["read_pdf"]


def _fail(code: str, message: str, path: str | None, page: int | None = None) -> LiverToxError:
    return LiverToxError(code, message, path=path, page=page)


def read_pdf(path: str | Path, data: bytes | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a chapter PDF (from ``data`` when given, else from ``path``) into a Document.

    Raises LiverToxError: LTX001 unreadable file, LTX003 empty file, LTX010 not a PDF / truncated /
    corrupt, LTX011 encrypted, LTX012 no pages, LTX013 no text layer; LTX030 to LTX034 past one of the
    ``limits``. No pdfminer exception escapes.
    """
    with enforced(limits, str(path)):
        return _read_pdf(str(path), read_bytes(path, limits.max_input_bytes) if data is None else data, limits)


def _read_pdf(where: str, data: bytes, limits: Limits) -> Document:
    if not data:
        raise _fail("LTX003", "the file is empty; expected a PDF", where)
    if b"%PDF-" not in data[:1024]:
        raise _fail("LTX010", "not a PDF: expected the file to start with '%PDF-'", where)
    if b"%%EOF" not in data[-2048:]:
        raise _fail("LTX010", "PDF is truncated: expected an '%%EOF' marker at the end of the file", where)
    check_streams(data, limits.max_stream_bytes)
    pages = _read_pages(data, where, limits)
    if not pages:
        raise _fail("LTX012", "PDF has no pages; expected at least one page of text", where)
    if not any(p.nonspace for p in pages):
        raise _fail(
            "LTX013",
            f"none of the {len(pages)} pages has a text layer (scanned image?); expected selectable text",
            where,
            page=1,
        )
    return _assemble(
        pages, Source(path=where, format="pdf", sha256=hashlib.sha256(data).hexdigest(), pages=len(pages))
    )


def _read_pages(data: bytes, where: str, limits: Limits) -> list[LaidOutPage]:
    """Parse every page into lines and tables, releasing pdfplumber's per-page caches as it goes."""
    try:
        pdf = PDF(io.BytesIO(data))
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFEncryptionError):
            raise _fail(
                "LTX011",
                "PDF is encrypted and cannot be opened without a password; expected an unencrypted PDF",
                where,
            ) from None
        raise _fail("LTX010", f"PDF is corrupt: {cause}", where) from None
    except Exception as exc:  # noqa: BLE001  # pdfminer raises many types on damaged files
        raise _fail("LTX010", f"PDF is corrupt: {exc}", where) from None
    pages: list[LaidOutPage] = []
    try:
        for page in _iter_pages(pdf, limits):
            check_time()
            try:
                raw = _raw_page(page)
            finally:
                page.close()
            try:
                pages.append(_build_page(page.page_number, *raw))
            except Exception as exc:  # a bug of ours, not a damaged file
                raise _fail(
                    "LTX099", f"internal error on page {page.page_number}: {exc!r}", where, page.page_number
                ) from exc
    except LiverToxError:
        raise
    except Exception as exc:  # noqa: BLE001  # pdfminer and pdfplumber raise many types on damaged files
        at = len(pages) + 1
        raise _fail("LTX010", f"PDF is corrupt: page {at} could not be read ({exc})", where, at) from None
    finally:
        pdf.flush_cache()
        pdf.stream.close()
    declared = _declared_pages(pdf)
    if declared is not None and len(pages) < declared:
        raise _fail(
            "LTX010",
            f"PDF is corrupt: its page tree lists {declared} pages but only {len(pages)} could be found",
            where,
            len(pages) + 1,
        )
    # no page tree to count with (a damaged cross-reference table): pdfminer then finds pages by scanning the
    # objects, and one damaged page object is skipped without a word; the page objects written out in the
    # file say how many there are (none are visible when they sit in compressed object streams)
    written = len(_PAGE_OBJECT.findall(data)) if declared is None else 0
    if len(pages) < written:
        raise _fail(
            "LTX010",
            f"PDF is corrupt: its page tree cannot be read, and it holds {written} page objects but only "
            f"{len(pages)} could be read",
            where,
            len(pages) + 1,
        )
    return pages


_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")  # '/Type /Page', not '/Type /Pages'


def _declared_pages(pdf: PDF) -> int | None:
    """The page count the document's page tree states (/Count), when it states one."""
    try:
        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
    except Exception:  # noqa: BLE001  # a damaged catalog: nothing to compare with
        return None
    return count if isinstance(count, int) and count >= 0 else None


def _iter_pages(pdf: PDF, limits: Limits) -> Iterator[Page]:
    """Yield pdfplumber pages one at a time without building ``pdf.pages``, laid out under ``limits``."""
    for number, page_obj in enumerate(PDFPage.create_pages(pdf.doc), start=1):
        page = LimitedPage(pdf, page_obj, page_number=number)
        page.limits = limits
        yield page


def _raw_page(page: Page) -> tuple[float, float, list[dict[str, Any]], list[RawTable]]:
    """Everything read from pdfplumber for one page: size, chars and ruled tables (bbox, cell boxes)."""
    tables: list[RawTable] = []
    if page.lines or page.rects:
        for found in page.find_tables(TABLE_SETTINGS):
            tables.append((found.bbox, [list(row.cells) for row in found.rows]))
    return float(page.width), float(page.height), list(page.chars), tables


def _build_page(
    number: int, width: float, height: float, raw_chars: list[dict[str, Any]], raw_tables: list[RawTable]
) -> LaidOutPage:
    """A page as loose lines and tables in reading order."""
    chars = [c for c in (normalise_char(raw) for raw in raw_chars) if c is not None]
    tables: list[RuledTable] = []
    boxes: list[tuple[float, float, float, float]] = []
    for bbox, rows in raw_tables:
        table = ruled_table(bbox, rows, chars, number)
        if table is not None:
            tables.append(table)
            boxes.append(bbox)
    loose = [c for c in chars if not any(char_in_box(c, box) for box in boxes)]
    items: list[Line | RuledTable] = [*group_lines(loose), *tables]
    for item in items:
        item.page = number
    items.sort(key=lambda it: it.top)
    nonspace = sum(1 for c in chars if not c.text.isspace())
    return LaidOutPage(number, width, height, items, nonspace)


def _vocabulary(items: list[Line | RuledTable]) -> tuple[set[str], set[str]]:
    """Words and hyphenated word pairs seen inside lines and table cells (line-end fragments excluded)."""
    texts: list[str] = []
    for it in items:
        texts.extend(
            [it.text] if isinstance(it, Line) else [c.text for row in it.rows for c in row if c is not None]
        )
    return vocabulary(texts)


def _assemble(pages: list[LaidOutPage], source: Source) -> Document:
    """Turn the pages' lines and tables into the Document text, tables and page starts."""
    dropped = drop_running_lines(pages)
    body = body_text_size(pages)
    citation = drop_citation(pages[0], body)
    merge_tables(pages)
    items = [it for page in pages for it in page.items]
    words, pairs = _vocabulary(items)
    for it in items:
        if isinstance(it, Line):
            it.heading = it.bold or it.size >= body + 1.0
    attach_notes(items)
    edges = {p.number: column_edges(p) for p in pages}

    tb = TextBuilder()
    starts: list[int | None] = [None] * len(pages)
    tables: list[Table] = []
    para: list[Line] = []
    # where each heading line starts, and its type size: a heading set in a font of its own or larger than
    # the body (a line in the body's bold, 'REPRESENTATIVE STREET NAMES', is a label, as in the NXML)
    headings: list[tuple[int, float]] = []
    family = body_family(pages, body)

    def mark(page: int, offset: int) -> None:
        if starts[page - 1] is None:
            starts[page - 1] = offset

    def flush() -> None:
        if not para:
            return
        if para[0].heading and (para[0].family != family or para[0].size > body):
            headings.append((len(tb), para[0].size))
        text = para[0].text
        mark(para[0].page, len(tb))
        for prev, line in itertools.pairwise(para):
            if prev.text.endswith("\u00ad") or (
                prev.text.endswith("-")
                and prev.text[-2:-1] != " "
                and join_hyphen(prev.text, line.text, words, pairs)
            ):
                text = text[:-1]
            elif not prev.text.endswith("-"):
                text += " "
            mark(line.page, len(tb) + len(text))
            text += line.text
        tb.add(text.replace("\u00ad", ""), len(tb))
        tb.add_synthetic("\n")
        para.clear()

    for it in items:
        if isinstance(it, RuledTable):
            flush()
            mark(it.page, len(tb))
            tables.append(emit_table(tb, it, mark))
        elif para and continues_paragraph(para[-1], it, edges):
            para.append(it)
        else:
            flush()
            para.append(it)
    flush()
    page_starts: list[int] = []
    nxt = len(tb)
    for s in reversed(starts):
        nxt = nxt if s is None else s
        page_starts.append(nxt)
    page_starts.reverse()
    page_starts[0] = 0
    return tb.build(
        source,
        page_starts=tuple(page_starts),
        tables=tuple(tables),
        extra={"citation": citation, "running_lines": sorted(set(dropped)), "sections": heading_levels(headings)},
    )


def heading_levels(headings: list[tuple[int, float]]) -> list[dict[str, int]]:
    """Heading starts with their level, for the sections stage (as the NXML reader gives its ``sec/title``s):
    the larger the type, the higher the level (the largest heading size is level 1). A first heading set
    larger than every other is the chapter title, no section."""
    if len(headings) > 1 and headings[0][1] > max(size for _, size in headings[1:]):
        headings = headings[1:]
    ranks = {size: i + 1 for i, size in enumerate(sorted({size for _, size in headings}, reverse=True))}
    return [{"start": start, "level": ranks[size]} for start, size in headings]
