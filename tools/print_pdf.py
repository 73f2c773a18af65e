"""Print a LiverTox NXML chapter to PDF in the Bookshelf chapter layout of ``fixtures/pdf``.

    python -m tools.print_pdf IN.nxml OUT.pdf

The layout imitates the corpus maintainers' PDFs (made with ReportLab from the NXML): the Bookshelf citation
(8pt Times), the title (Helvetica-Bold 20), 'Last Update:', section headings in Helvetica-Bold 12, subheadings
in Helvetica-Bold 10.5 and Helvetica-BoldOblique 10 below them, justified and hyphenated Times-Roman 10.5 text,
references in 8pt Times with italic annotations, tables ruled with spanning cells in 9pt Times (header cells
bold), a running header ('LiverTox' left, chapter title right) from page 2 and a centred page number, letter
paper. Hyphenation needs pyphen (a dev dependency), as ReportLab's does.

The content is read straight from the XML with lxml, deliberately not through the parser: a printed chapter
is a test input for the PDF and text readers and must not carry their mistakes.
"""

from __future__ import annotations

import argparse
import calendar
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

__all__ = ["main", "print_pdf"]

CITATION = (
    "NCBI Bookshelf. A service of the National Library of Medicine, National Institutes of Health.",
    ("LiverTox: Clinical and Research Information on Drug-Induced Liver Injury [Internet]. Bethesda (MD): "
     "National Institute of Diabetes and Digestive and Kidney Diseases; 2012-."),
)
MARGIN = 54.0  # side margins; frames add ReportLab's 6pt padding: text runs from x=60 to x=552
TOP = 57.6
TABLE_WIDTH = 489.6

BODY = ParagraphStyle("body", fontName="Times-Roman", fontSize=10.5, leading=13, spaceBefore=6, spaceAfter=6,
                      alignment=TA_JUSTIFY, hyphenationLang="en_US")
SMALL = ParagraphStyle("small", fontName="Times-Roman", fontSize=8, leading=10, spaceAfter=6)
REFERENCE = SMALL  # references are set ragged right, unhyphenated
TITLE = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=20, leading=22, spaceBefore=14, spaceAfter=6)
HEADINGS = (
    ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=12, leading=15, spaceBefore=10, spaceAfter=9),
    ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=10.5, leading=13, spaceBefore=4, spaceAfter=7),
    ParagraphStyle("h3", fontName="Helvetica-BoldOblique", fontSize=10, leading=12, spaceBefore=4,
                   spaceAfter=4),
)
CELL = ParagraphStyle("cell", fontName="Times-Roman", fontSize=9, leading=11)
HEAD_CELL = ParagraphStyle("head_cell", parent=CELL, fontName="Times-Bold")
BULLET = "\u2022 "

_INLINE = {"bold": "b", "italic": "i", "sup": "super", "sub": "sub", "underline": "u"}
_SKIP = {"graphic", "inline-graphic", "alt-text", "label", "caption", "object-id"}


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def inline(el: etree._Element) -> str:
    """ReportLab paragraph markup for an element's text: bold, italic, super/subscripts and line breaks kept,
    every other element read for its text (links print as their words)."""
    return escape(el.text or "") + "".join(_child(c) + escape(c.tail or "") for c in el)


def _child(el: etree._Element) -> str:
    if not isinstance(el.tag, str) or el.tag in ("graphic", "inline-graphic", "alt-text"):
        return ""  # a comment, a processing instruction or a picture
    if el.tag == "break":
        return "<br/>"
    if el.tag in _INLINE:  # set without the spaces at its edges ('300 </italic><italic>cases': '300cases')
        return f"<{_INLINE[el.tag]}>{inline(el).strip()}</{_INLINE[el.tag]}>"
    return inline(el)


def _para(markup: str, style: ParagraphStyle) -> Iterator[Flowable]:
    if " ".join(markup.replace("<br/>", " ").split()):
        yield Paragraph(" ".join(markup.split()), style)


_BLOCKS = {"list", "table-wrap", "disp-quote", "boxed-text", "fig", "def-list", "p"}


def _paragraph(el: etree._Element, style: ParagraphStyle, prefix: str = "") -> Iterator[Flowable]:
    """A <p>: its inline text, with any block (a list, a table) inside it printed where it stands."""
    if not any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in el):
        yield from _para(prefix + inline(el), style)
        return
    run = [escape(el.text or "")]
    for child in el:
        if isinstance(child.tag, str) and child.tag in _BLOCKS:
            yield from _para(prefix + "".join(run), style)
            prefix, run = "", []
            yield from blocks(child, 3)
        elif isinstance(child.tag, str):
            run.append(_child(child))
        run.append(escape(child.tail or ""))
    yield from _para("".join(run), style)


def _nested_list(el: etree._Element) -> Iterator[Flowable]:
    """A list inside a list item: each of its items on one bulleted line, label and text together
    (fixtures/pdf/venlafaxine.pdf: '• 3 Recent References on Desvenlafaxine'), then the items of a list it holds."""
    for item in el.iterchildren("list-item"):
        text = escape(item.text or "") + "".join(
            ("" if c.tag == "list" else _child(c)) + escape(c.tail or "") for c in item)
        yield from _para(BULLET + text, BODY)
        for inner in item.iterchildren("list"):
            yield from _nested_list(inner)


def blocks(el: etree._Element, depth: int) -> Iterator[Flowable]:
    """Flowables for a block element at section depth ``depth`` (1: a top-level section)."""
    tag = el.tag
    if not isinstance(tag, str) or tag in _SKIP:
        return
    if tag == "sec":
        for child in el:
            if child.tag == "title":
                yield from _para(inline(child), HEADINGS[min(depth, 3) - 1])
            else:
                yield from blocks(child, depth + 1)
    elif tag == "p":
        yield from _paragraph(el, BODY)
    elif tag == "list":
        for item in el.iterchildren("list-item"):
            for child in item:  # a label, a paragraph and each item of a nested list print as one bulleted line
                if child.tag == "p":
                    yield from _paragraph(child, BODY, prefix=BULLET)
                elif child.tag == "list":
                    yield from _nested_list(child)
                elif isinstance(child.tag, str):
                    yield from _para(BULLET + inline(child), BODY)
    elif tag == "table-wrap":
        for child in el:
            if child.tag == "table":
                yield table(child)
                yield Spacer(1, 0)  # the next heading's space comes in full after the table's own
            elif child.tag in ("caption", "table-wrap-foot"):
                yield from _nested_text(child)
    elif tag == "ref-list":
        for child in el:
            if child.tag == "ref":  # its label (if any) and citation
                yield from _para(inline(child), REFERENCE)
            elif child.tag == "title":
                yield from _para(inline(child), HEADINGS[min(depth, 3) - 1])
            else:
                yield from blocks(child, depth)
    elif tag == "title":
        yield from _para(inline(el), HEADINGS[min(depth, 3) - 1])
    elif tag in ("boxed-text", "disp-quote", "fig", "def-list", "def-item", "def", "term", "body"):
        if tag in ("fig",):
            yield from _nested_text(el)
            return
        has_blocks = False
        for child in el:
            if isinstance(child.tag, str) and child.tag in (*_BLOCKS, "def-item", "def", "term", "sec", "title"):
                has_blocks = True
                yield from blocks(child, depth)
        if not has_blocks:
            yield from _para(inline(el), BODY)
    else:
        yield from _para(inline(el), BODY)


def _nested_text(el: etree._Element) -> Iterator[Flowable]:
    """A caption, figure or table foot: each paragraph (or footnote) as body text."""
    paras = [p for p in el.iter("p", "title") if p.getparent() is not None]
    if not paras:
        yield from _para(inline(el), BODY)
    for p in paras:
        yield from _para(inline(p), BODY)


def table(el: etree._Element) -> Table:
    """A ruled table: cells in 9pt Times (header cells bold), colspans and rowspans as spans."""
    rows: list[list[Any]] = []
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    taken: set[tuple[int, int]] = set()
    header = 0
    trs = [tr for part in ("thead", "tbody", "tfoot") for sect in el.iterchildren(part) for tr in sect.iter("tr")]
    trs += list(el.iterchildren("tr"))
    for r, tr in enumerate(trs):
        if tr.getparent().tag == "thead":
            header = r + 1
        row: dict[int, Any] = {}
        c = 0
        for cell in tr.iterchildren("td", "th"):
            while (r, c) in taken:
                c += 1
            colspan = max(1, int(cell.get("colspan") or 1))
            rowspan = max(1, int(cell.get("rowspan") or 1))
            style = HEAD_CELL if cell.tag == "th" else CELL
            markup = " ".join(inline(cell).split())
            row[c] = Paragraph(markup, style)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            if colspan > 1 or rowspan > 1:
                spans.append(((c, r), (c + colspan - 1, r + rowspan - 1)))
            c += colspan
        rows.append(row)  # type: ignore[arg-type]
    ncols = max([c + 1 for (_, c) in taken] or [1])
    data = [[row.get(c, "") for c in range(ncols)] for row in rows]  # type: ignore[attr-defined]
    nrows = len(data)
    spans = [((c0, r0), (min(c1, ncols - 1), min(r1, nrows - 1))) for (c0, r0), (c1, r1) in spans]
    style = [("GRID", (0, 0), (-1, -1), 0.5, "#000000"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6)]
    style += [("SPAN", a, b) for a, b in spans]
    t = Table(data or [[""]], colWidths=[TABLE_WIDTH / ncols] * ncols, repeatRows=header, hAlign="LEFT",
              spaceBefore=4, spaceAfter=6)
    t.setStyle(TableStyle(style))
    return t


def chapter(root: etree._Element) -> tuple[str, list[Flowable]]:
    """The chapter's title and its story: citation, title, 'Last Update', then the body."""
    meta = root.find(".//book-part-meta")
    title_el = meta.find(".//title-group/title") if meta is not None else None
    title = _text(title_el) if title_el is not None else ""
    story: list[Flowable] = [Paragraph(escape(line), SMALL) for line in CITATION]
    story.append(Paragraph(inline(title_el) if title_el is not None else "", TITLE))
    updated = last_update(root)
    if updated:
        story.append(Paragraph(f"Last Update: {updated}.", SMALL))
    story.append(Spacer(1, 8))
    body = root.find(".//book-part/body")
    if body is not None:
        for child in body:
            story.extend(blocks(child, 1))
    return title, story


def last_update(root: etree._Element) -> str | None:
    """'Month D, YYYY' of the chapter's 'updated' date (else its latest date in the publication history)."""
    dates = root.findall(".//book-part-meta/pub-history/date")
    chosen = [d for d in dates if d.get("date-type") == "updated"] or dates
    if not chosen:
        return None
    d = chosen[-1]
    try:
        year, month, day = (int(d.findtext(k) or 0) for k in ("year", "month", "day"))
    except ValueError:
        return None
    if not year:
        return None
    if not (1 <= month <= 12):
        return str(year)
    return f"{calendar.month_name[month]} {day}, {year}" if day else f"{calendar.month_name[month]} {year}"


def print_pdf(nxml: str | Path | bytes, out: str | Path | io.BytesIO) -> None:
    """Print the chapter in ``nxml`` (a path, or the XML itself as bytes) to ``out``."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    data = nxml if isinstance(nxml, bytes) else Path(nxml).read_bytes()
    root = etree.fromstring(data, parser)
    title, story = chapter(root)

    def first(canvas: Canvas, doc: Any) -> None:
        _foot(canvas, doc)

    def later(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(MARGIN, letter[1] - 36, "LiverTox")
        canvas.drawRightString(letter[0] - MARGIN, letter[1] - 36, title)
        canvas.restoreState()
        _foot(canvas, doc)

    target = str(out) if isinstance(out, (str, Path)) else out
    doc = SimpleDocTemplate(target, pagesize=letter, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=TOP,
                            bottomMargin=TOP, title=title, author="LiverTox")
    doc.build(story, onFirstPage=first, onLaterPages=later)


def _foot(canvas: Canvas, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawCentredString(letter[0] / 2, 36, str(doc.page))
    canvas.restoreState()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("nxml", type=Path)
    ap.add_argument("pdf", type=Path)
    args = ap.parse_args(argv)
    print_pdf(args.nxml, args.pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
