"""PDF reader: a LiverTox chapter PDF -> :class:`Document` with the line layout of ``document.py``.

The reader works on geometry, not on one layout's strings:

* characters are grouped into lines by vertical overlap and read top to bottom, left to right (one column);
* running headers, footers and page numbers are lines whose centre lies in the top or bottom 7.5% of the
  page and whose text either repeats (digits masked) on two or more pages or is a bare page number
  (``3``, ``Page 3``, ``3/7``, ``3 of 7``);
* the NCBI Bookshelf citation is the block of page-1 lines above the title (the largest type on page 1),
  dropped when it is set smaller than the body text, names the Bookshelf, or ends like ``2012-.``; its text
  is kept in ``Document.extra["citation"]``;
* headings are lines set bold or at least 1pt larger than the body text (the largest size that sets 10% or
  more of the regular characters); they are never joined with their neighbours. Body lines of one style and normal line pitch are joined into one
  paragraph line; a paragraph ends at a larger gap, a change of style, a short line ending in punctuation,
  or a bullet;
* ruled tables come from pdfplumber's table finder (lines strategy) and are written one row per line;
  Key Points rows as ``Label: value``, other tables with cells separated by a tab. Their characters are
  kept out of the loose lines. A table that ends one page and opens the next with the same columns is
  merged, dropping a repeated header row. Footnote lines right after a table whose marker (``*``, ``†``)
  occurs in the table are copied into ``Table.notes`` and stay in the text;
* owner-password-only encryption (empty user password) is read like any PDF, as viewers do; a PDF that
  needs a password is refused (LTX011).

Line-end hyphens are resolved by the rule in :func:`_join_hyphen`. Characters are normalised: ligatures
split, odd spaces made plain, Symbol-font letters mapped to Greek (``m`` -> ``µ``), unused WinAnsi codes
read as bullets (PDF 1.7, Annex D), then NFC.

Pages are parsed one at a time (``pdf.pages`` is never built) and their pdfplumber caches released; only
the extracted lines and tables are kept until the text is assembled. ``Document.origin`` maps every character to a running index over
the kept text pieces (a PDF has no source text); ``page_starts`` is what locates a span.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1
from pdfplumber.page import Page
from pdfplumber.pdf import PDF
from pdfplumber.utils.exceptions import PdfminerException

from .document import Cell, Document, Source, Table, TextBuilder
from .errors import LiverToxError
from .hyphenation import add_vocabulary, join_hyphen
from .tables import table_kind

__all__ = ["read_pdf"]

MARGIN_BAND = 0.075  # fraction of the page height searched for running headers and footers
PARA_PITCH = 1.5  # a line further than this many font sizes below the previous one starts a paragraph
SHORT_LINE = 0.25  # a line ending this fraction of the column width short of the right edge is "short"
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}

_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_SPACES = frozenset(
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t"
)
_DROP = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# Adobe Symbol encoding, letters only; "m" is the micro sign as in units (µKat/L, µmol/L).
_SYMBOL = dict(
    zip("abgdezhqiklmnxprstufcywABGDEZHQIKLMNXPRSTUFCYW", "αβγδεζηθικλµνξπρστυφχψωΑΒΓΔΕΖΗΘΙΚΛΜΝΞΠΡΣΤΥΦΧΨΩ")
)
_WINANSI_BULLETS = frozenset({127, 129, 141, 143, 144, 157})  # unused WinAnsi codes print as bullets
_CID = re.compile(r"\(cid:(\d+)\)")
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(/|of)\s*\d{1,4})?$", re.IGNORECASE)
_YEAR_DASH = re.compile(r"(19|20)\d\d-\.$")
_WORD = re.compile(r"[^\W\d_]+")
_BULLETS = ("•", "◦", "▪", "‣", "–\u00a0")
_NOTE_MARKS = "*†‡§¶#"


@dataclass(slots=True)
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass(slots=True)
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    nchars: int
    page: int = 0
    heading: bool = False


@dataclass(slots=True)
class _TCell:
    text: str
    colspan: int
    bold: bool


@dataclass(slots=True)
class _Table:
    rows: list[list[_TCell | None]]
    ncols: int
    top: float
    bottom: float
    page: int
    notes: list[str] = field(default_factory=list)
    row_pages: list[int] = field(default_factory=list)  # page of each row, once tables are merged


@dataclass(slots=True)
class _Page:
    number: int
    width: float
    height: float
    items: list[_Line | _Table]
    nonspace: int


def _fail(code: str, message: str, path: str | None, page: int | None = None) -> LiverToxError:
    return LiverToxError(code, message, path=path, page=page)


def read_pdf(path: str | Path, data: bytes | None = None) -> Document:
    """Read a chapter PDF (from ``data`` when given, else from ``path``) into a Document.

    Raises LiverToxError: LTX001 unreadable file, LTX003 empty file, LTX010 not a PDF / truncated /
    corrupt, LTX011 encrypted, LTX012 no pages, LTX013 no text layer. No pdfminer exception escapes.
    """
    where = str(path)
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise _fail("LTX001", f"cannot read the PDF file: {exc.strerror or exc}", where) from exc
    if not data:
        raise _fail("LTX003", "the file is empty; expected a PDF", where)
    if b"%PDF-" not in data[:1024]:
        raise _fail("LTX010", "not a PDF: expected the file to start with '%PDF-'", where)
    if b"%%EOF" not in data[-2048:]:
        raise _fail("LTX010", "PDF is truncated: expected an '%%EOF' marker at the end of the file", where)
    pages = _read_pages(data, where)
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


def _read_pages(data: bytes, where: str) -> list[_Page]:
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
    pages: list[_Page] = []
    try:
        for page in _iter_pages(pdf):
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
    return pages


def _declared_pages(pdf: PDF) -> int | None:
    """The page count the document's page tree states (/Count), when it states one."""
    try:
        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
    except Exception:  # noqa: BLE001  # a damaged catalog: nothing to compare with
        return None
    return count if isinstance(count, int) and count >= 0 else None


def _iter_pages(pdf: PDF) -> Iterator[Page]:
    """Yield pdfplumber pages one at a time without building ``pdf.pages``."""
    for number, page_obj in enumerate(PDFPage.create_pages(pdf.doc), start=1):
        yield Page(pdf, page_obj, page_number=number)


_RawTable = tuple[tuple[float, float, float, float], list[list[tuple[float, float, float, float] | None]]]


def _raw_page(page: Page) -> tuple[float, float, list[dict[str, Any]], list[_RawTable]]:
    """Everything read from pdfplumber for one page: size, chars and ruled tables (bbox, cell boxes)."""
    tables: list[_RawTable] = []
    if page.lines or page.rects:
        for found in page.find_tables(TABLE_SETTINGS):
            tables.append((found.bbox, [list(row.cells) for row in found.rows]))
    return float(page.width), float(page.height), list(page.chars), tables


def _build_page(
    number: int, width: float, height: float, raw_chars: list[dict[str, Any]], raw_tables: list[_RawTable]
) -> _Page:
    """A page as loose lines and tables in reading order."""
    chars = [c for c in (_char(raw) for raw in raw_chars) if c is not None]
    tables: list[_Table] = []
    boxes: list[tuple[float, float, float, float]] = []
    for bbox, rows in raw_tables:
        table = _table(bbox, rows, chars, number)
        if table is not None:
            tables.append(table)
            boxes.append(bbox)
    loose = [c for c in chars if not any(_inside(c, box) for box in boxes)]
    items: list[_Line | _Table] = [*_lines(loose), *tables]
    for item in items:
        item.page = number
    items.sort(key=lambda it: it.top)
    nonspace = sum(1 for c in chars if not c.text.isspace())
    return _Page(number, width, height, items, nonspace)


def _char(raw: dict[str, Any]) -> _Char | None:
    """One pdfplumber char, normalised; None for characters that carry nothing."""
    text = str(raw.get("text", ""))
    font = str(raw.get("fontname", ""))
    match = _CID.fullmatch(text)
    if match:
        text = "•" if int(match.group(1)) in _WINANSI_BULLETS else "\ufffd"
    elif "symbol" in font.lower() and text in _SYMBOL:
        text = _SYMBOL[text]
    text = "".join(" " if ch in _SPACES else _LIGATURES.get(ch, ch) for ch in text if ch not in _DROP)
    if not text:
        return None
    return _Char(
        text,
        float(raw["x0"]),
        float(raw["x1"]),
        float(raw["top"]),
        float(raw["bottom"]),
        round(float(raw.get("size", 0.0)), 1),
        bool(_BOLD.search(font)),
    )


def _inside(c: _Char, box: tuple[float, ...], pad: float = 1.0) -> bool:
    """True when the centre of ``c`` lies in ``box`` grown by ``pad`` on every side."""
    cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
    return box[0] - pad <= cx <= box[2] + pad and box[1] - pad <= cy <= box[3] + pad


def _lines(chars: list[_Char]) -> list[_Line]:
    """Group characters into lines (vertical overlap), each read left to right."""
    groups: list[list[_Char]] = []
    bottom = -1e9
    for c in sorted(chars, key=lambda c: c.top):
        mid = (c.top + c.bottom) / 2
        if groups and mid <= bottom:
            groups[-1].append(c)
            bottom = max(bottom, c.bottom)
        else:
            groups.append([c])
            bottom = c.bottom
    groups = _merge_scripts(groups)
    lines = []
    for group in groups:
        line = _line(group)
        if line is not None:
            lines.append(line)
    return lines


def _merge_scripts(groups: list[list[_Char]]) -> list[list[_Char]]:
    """Fold a group of smaller type (a superscript such as the "th" of "20th") into the neighbouring
    line it overlaps most."""

    def extent(g: list[_Char]) -> tuple[float, float, float]:
        return min(c.top for c in g), max(c.bottom for c in g), max(c.size for c in g)

    out: list[list[_Char]] = []
    for i, group in enumerate(groups):
        top, bottom, size = extent(group)
        best, overlap = None, 0.0
        for j in (i - 1, i + 1):
            if 0 <= j < len(groups):
                t, b, s = extent(groups[j])
                ov = min(bottom, b) - max(top, t)
                if size < 0.9 * s and len(group) <= 6 and ov > overlap:
                    best, overlap = j, ov
        if best is None:
            out.append(group)
        elif best < i:
            out[-1].extend(group)
        else:
            groups[best] = group + groups[best]
    return out


def _line(group: list[_Char]) -> _Line | None:
    """One line's text (spaces from gaps, NFC) with its box, dominant size and boldness."""
    group.sort(key=lambda c: c.x0)
    parts: list[str] = []
    prev: _Char | None = None
    for c in group:
        if prev is not None:
            if c.text == prev.text and abs(c.x0 - prev.x0) < 0.1 * c.size:
                continue  # overprinted duplicate (fake bold)
            if c.x0 - prev.x1 > 0.2 * min(c.size, prev.size) and not c.text.isspace():
                parts.append(" ")
        parts.append(c.text)
        prev = c
    text = unicodedata.normalize("NFC", " ".join("".join(parts).split()))
    if not text:
        return None
    inked = [c for c in group if not c.text.isspace()]
    size = Counter(c.size for c in inked).most_common(1)[0][0]
    body = [c for c in inked if c.size == size]  # the line's box ignores superscripts
    return _Line(
        text,
        group[0].x0,
        max(c.x1 for c in group),
        min(c.top for c in body),
        max(c.bottom for c in body),
        size,
        sum(c.bold for c in inked) >= 0.9 * len(inked),
        len(inked),
    )


def _table(
    bbox: tuple[float, float, float, float],
    cell_rows: list[list[tuple[float, float, float, float] | None]],
    chars: list[_Char],
    page: int,
) -> _Table | None:
    """A ruled table as rows of cells with colspans; None when it has no text at all."""
    _, top, x1, bottom = bbox
    cells = [box for row in cell_rows for box in row if box is not None]
    xs: list[float] = []
    for x in sorted([b[0] for b in cells] + [x1]):
        if not xs or x - xs[-1] > 1.5:
            xs.append(x)
    ncols = max(1, len(xs) - 1)

    def col(x: float) -> int:
        return min(range(len(xs)), key=lambda i: abs(xs[i] - x))

    inside: dict[tuple[float, ...], list[_Char]] = {tuple(b): [] for b in cells}
    for c in chars:
        if _inside(c, bbox):
            for b in cells:
                if _inside(c, b, pad=0.0):
                    inside[tuple(b)].append(c)
                    break
    rows: list[list[_TCell | None]] = []
    for row in cell_rows:
        out: list[_TCell | None] = [None] * ncols
        for box in row:
            if box is None:
                continue
            start, end = col(box[0]), col(box[2])
            lines = _lines(inside[tuple(box)])
            text = " ".join(line.text for line in lines)
            bold = bool(lines) and all(line.bold for line in lines)
            if start < ncols:
                out[start] = _TCell(text, max(1, end - start), bold)
        covered: set[int] = set()
        for i, cell in enumerate(out):
            if cell is not None:
                covered.update(range(i + 1, i + cell.colspan))
        rows.append([cell for i, cell in enumerate(out) if i not in covered])
    if not any(cell and cell.text for row in rows for cell in row):
        return None
    return _Table(rows, ncols, float(top), float(bottom), page, row_pages=[page] * len(rows))


def _drop_running_lines(pages: list[_Page]) -> list[str]:
    """Remove running headers, footers and page numbers in place; return their texts."""

    def band(line: _Line, page: _Page) -> bool:
        mid = (line.top + line.bottom) / 2
        return mid < MARGIN_BAND * page.height or mid > (1 - MARGIN_BAND) * page.height

    def key(text: str) -> str:
        return re.sub(r"\d+", "#", text.lower())

    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({key(it.text) for it in page.items if isinstance(it, _Line) and band(it, page)})
    dropped: list[str] = []
    for page in pages:
        keep: list[_Line | _Table] = []
        for it in page.items:
            if (
                isinstance(it, _Line)
                and band(it, page)
                and (seen[key(it.text)] >= 2 or _PAGE_NUMBER.match(it.text))
            ):
                dropped.append(it.text)
            else:
                keep.append(it)
        page.items = keep
    return dropped


def _drop_citation(page: _Page, body_size: float) -> str | None:
    """Remove the Bookshelf citation block above the page-1 title; return its text."""
    lines = [it for it in page.items if isinstance(it, _Line)]
    if not lines:
        return None
    title_size = max(line.size for line in lines)
    block: list[_Line] = []
    for it in page.items:
        if not isinstance(it, _Line) or it.size >= title_size:
            break
        block.append(it)
    if not block or len(block) == len(page.items):
        return None
    text = " ".join(line.text for line in block)
    if (
        "bookshelf" in text.lower()
        or _YEAR_DASH.search(block[-1].text)
        or all(line.size < body_size for line in block)
    ):
        page.items = page.items[len(block) :]
        return text
    return None


def _merge_tables(pages: list[_Page]) -> None:
    """Join a table ending one page to a table opening the next page when their columns agree (over
    any number of pages), dropping a header row repeated on the new page."""
    carry: _Table | None = None  # the table that ends the text so far
    for page in pages:
        first = page.items[0] if page.items else None
        if carry is not None and isinstance(first, _Table) and first.ncols == carry.ncols:
            rows = first.rows
            if rows and [c.text if c else "" for c in rows[0]] == [
                c.text if c else "" for c in carry.rows[0]
            ]:
                rows = rows[1:]
            carry.rows.extend(rows)
            carry.row_pages.extend([page.number] * len(rows))
            page.items = page.items[1:]
        if page.items:
            last = page.items[-1]
            carry = last if isinstance(last, _Table) else None


def _vocabulary(items: list[_Line | _Table]) -> tuple[set[str], set[str]]:
    """Words and hyphenated word pairs seen inside lines (line-end fragments excluded)."""
    words: set[str] = set()
    pairs: set[str] = set()
    texts: list[str] = []
    for it in items:
        texts.extend(
            [it.text] if isinstance(it, _Line) else [c.text for row in it.rows for c in row if c is not None]
        )
    prev_hyphen = False
    for text in texts:
        tokens = text.split()
        if prev_hyphen and tokens:
            tokens = tokens[1:]
        prev_hyphen = text.endswith("-")
        if prev_hyphen and tokens:
            tokens = tokens[:-1]
        add_vocabulary(tokens, words, pairs)
    return words, pairs


def _assemble(pages: list[_Page], source: Source) -> Document:
    """Turn the pages' lines and tables into the Document text, tables and page starts."""
    dropped = _drop_running_lines(pages)
    body = _body_size(pages)
    citation = _drop_citation(pages[0], body)
    _merge_tables(pages)
    items = [it for page in pages for it in page.items]
    words, pairs = _vocabulary(items)
    for it in items:
        if isinstance(it, _Line):
            it.heading = it.bold or it.size >= body + 1.0
    _attach_notes(items)
    edges = {p.number: _column(p) for p in pages}

    tb = TextBuilder()
    starts: list[int | None] = [None] * len(pages)
    tables: list[Table] = []
    para: list[_Line] = []

    def mark(page: int, offset: int) -> None:
        if starts[page - 1] is None:
            starts[page - 1] = offset

    def flush() -> None:
        if not para:
            return
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
        if isinstance(it, _Table):
            flush()
            mark(it.page, len(tb))
            tables.append(_emit_table(tb, it, mark))
        elif para and _continues(para[-1], it, edges):
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
        extra={"citation": citation, "running_lines": sorted(set(dropped))},
    )


def _body_size(pages: list[_Page]) -> float:
    """The body text size: the largest size set in at least 10% of the regular (non-bold) characters.

    Not simply the most common size: a chapter whose bibliography (8pt) outweighs its narrative (10.5pt)
    would otherwise have every narrative line taken for a heading.
    """
    sizes: Counter[float] = Counter()
    for page in pages:
        for it in page.items:
            if isinstance(it, _Line) and not it.bold:
                sizes[it.size] += it.nchars
    total = sum(sizes.values())
    common = [size for size, n in sizes.items() if n >= 0.1 * total]
    return max(common) if common else 0.0


def _column(page: _Page) -> tuple[float, float]:
    xs = [(it.x0, it.x1) for it in page.items if isinstance(it, _Line)]
    if not xs:
        return (0.0, page.width)
    return (min(x for x, _ in xs), max(x for _, x in xs))


def _continues(prev: _Line, line: _Line, edges: dict[int, tuple[float, float]]) -> bool:
    """True when ``line`` carries on the paragraph that ``prev`` ends."""
    if prev.heading != line.heading or prev.bold != line.bold or abs(prev.size - line.size) > 0.4:
        return False
    if line.text.startswith(_BULLETS) or line.text[:1] in _NOTE_MARKS:
        return False
    if line.heading:  # a heading wrapped onto a second line
        return line.page == prev.page and line.top - prev.top <= PARA_PITCH * line.size
    left, right = edges[prev.page]
    short = prev.x1 < right - SHORT_LINE * (right - left)
    if short and prev.text[-1:] in ".:;!?)]":
        return False
    if line.page != prev.page:
        return not short or prev.text.endswith("-")
    return 0 < line.top - prev.top <= PARA_PITCH * line.size


def _attach_notes(items: list[_Line | _Table]) -> None:
    """Copy footnote lines (``* Converted from µKat/L.``) that follow a table into its notes."""
    for i, it in enumerate(items):
        if not isinstance(it, _Table):
            continue
        marks = {ch for row in it.rows for c in row if c for ch in c.text if ch in _NOTE_MARKS}
        for follow in items[i + 1 : i + 4]:
            if not isinstance(follow, _Line) or follow.text[:1] not in marks:
                break
            it.notes.append(follow.text)


def _kind(rows: list[list[_TCell | None]], ncols: int) -> str:
    return table_kind([[c.text if c else "" for c in row] for row in rows], ncols)


def _header_rows(rows: list[list[_TCell | None]]) -> int:
    """How many leading rows are headers: every filled cell bold, or every filled cell in capitals."""
    count = 0
    for row in rows[:-1]:
        filled = [c for c in row if c and c.text]
        caps = all(c.text == c.text.upper() and any(ch.isalpha() for ch in c.text) for c in filled)
        if not filled or not (all(c.bold for c in filled) or caps):
            break
        count += 1
    return count


def _emit_table(tb: TextBuilder, table: _Table, mark: Callable[[int, int], None]) -> Table:
    """Write a table one row per line and return it with cell spans into the text."""
    kind = _kind(table.rows, table.ncols)
    nheader = 0 if kind == "key_points" else _header_rows(table.rows)
    start = len(tb)
    rows: list[tuple[Cell, ...]] = []
    for r, row in enumerate(table.rows):
        mark(table.row_pages[r], len(tb))
        cells: list[Cell] = []
        sep = " " if kind == "key_points" else "\t"
        for i, cell in enumerate(row):
            if i:
                tb.add_synthetic(sep)
            text = cell.text if cell else ""
            s, e = tb.add(text, len(tb))
            cells.append(Cell(text, s, e, colspan=cell.colspan if cell else 1, header=r < nheader))
        tb.add_synthetic("\n")
        rows.append(tuple(cells))
    return Table(kind, tuple(rows), start, len(tb), tuple(table.notes))
