"""PDF tables: ruled tables found by pdfplumber -> rows of cells, merged across pages, written as text.

* ruled tables come from pdfplumber's table finder (lines strategy); a cell's columns and colspan come from
  the cell edges, its text from the lines of the characters inside it (those characters are kept out of the
  page's loose lines; a line broken after a hyphen, or a word cut for want of room, joins the next
  without a space);
* a table that ends one page and opens the next with the same columns is merged, dropping a repeated
  header row;
* footnote lines right after a table whose marker (``*``, ``†``) occurs in the table are copied into
  ``Table.notes`` and stay in the text;
* a table is written one row per line: Key Points rows as ``Label: value``, other tables with cells
  separated by a tab; leading rows set all bold or all in capitals are header rows.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from ...document import Cell, Table, TextBuilder
from ..tables import table_kind
from .page import NOTE_MARKS, Char, LaidOutPage, Line, RuledCell, RuledTable, char_in_box, group_lines

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}

RawTable = tuple[tuple[float, float, float, float], list[list[tuple[float, float, float, float] | None]]]


def ruled_table(
    bbox: tuple[float, float, float, float],
    cell_rows: list[list[tuple[float, float, float, float] | None]],
    chars: list[Char],
    page: int,
) -> RuledTable | None:
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

    inside: dict[tuple[float, ...], list[Char]] = {tuple(b): [] for b in cells}
    for c in chars:
        if char_in_box(c, bbox):
            for b in cells:
                if char_in_box(c, b, pad=0.0):
                    inside[tuple(b)].append(c)
                    break
    rows: list[list[RuledCell | None]] = []
    for row in cell_rows:
        out: list[RuledCell | None] = [None] * ncols
        for box in row:
            if box is None:
                continue
            start, end = col(box[0]), col(box[2])
            lines = group_lines(inside[tuple(box)])
            text = cell_text(lines, box)
            bold = bool(lines) and all(line.bold for line in lines)
            if start < ncols:
                out[start] = RuledCell(text, max(1, end - start), bold)
        covered: set[int] = set()
        for i, cell in enumerate(out):
            if cell is not None:
                covered.update(range(i + 1, i + cell.colspan))
        rows.append([cell for i, cell in enumerate(out) if i not in covered])
    if not any(cell and cell.text for row in rows for cell in row):
        return None
    return RuledTable(rows, ncols, float(top), float(bottom), page, row_pages=[page] * len(rows))


def cell_text(lines: list[Line], box: tuple[float, float, float, float]) -> str:
    """A cell's lines as one text. A line ending in a hyphen was broken after a hyphen of the text (a formula
    'C55-H84-' / 'N17-O21-S3'); a line of one word that fills the cell to its right padding is a word too long
    for the cell, cut where it ran out of room ('C55-H84-N20-O21-S2.C55-H' / '84-N17-O21-S3'): both join the
    next line without a space."""
    text = ""
    pad = lines[0].x0 - box[0] if lines else 0.0  # the left padding, taken to be the right one too
    for prev, line in itertools.pairwise(lines):
        text += prev.text
        cut = " " not in prev.text and box[2] - pad - prev.x1 < (line.x1 - line.x0) / max(1, line.nchars)
        if not cut and not (prev.text.endswith("-") and prev.text[-2:-1].isalnum()):
            text += " "
    return text + (lines[-1].text if lines else "")


def merge_tables(pages: list[LaidOutPage]) -> None:
    """Join a table ending one page to a table opening the next page when their columns agree (over
    any number of pages), dropping a header row repeated on the new page."""
    carry: RuledTable | None = None  # the table that ends the text so far
    for page in pages:
        first = page.items[0] if page.items else None
        if carry is not None and isinstance(first, RuledTable) and first.ncols == carry.ncols:
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
            carry = last if isinstance(last, RuledTable) else None


def attach_notes(items: list[Line | RuledTable]) -> None:
    """Copy footnote lines (``* Converted from µKat/L.``) that follow a table into its notes."""
    for i, it in enumerate(items):
        if not isinstance(it, RuledTable):
            continue
        marks = {ch for row in it.rows for c in row if c for ch in c.text if ch in NOTE_MARKS}
        for follow in items[i + 1 : i + 4]:
            if not isinstance(follow, Line) or follow.text[:1] not in marks:
                break
            it.notes.append(follow.text)


def _kind(rows: list[list[RuledCell | None]], ncols: int) -> str:
    return table_kind([[c.text if c else "" for c in row] for row in rows], ncols)


def _header_rows(rows: list[list[RuledCell | None]]) -> int:
    """How many leading rows are headers: every filled cell bold, or every filled cell in capitals."""
    count = 0
    for row in rows[:-1]:
        filled = [c for c in row if c and c.text]
        caps = all(c.text == c.text.upper() and any(ch.isalpha() for ch in c.text) for c in filled)
        if not filled or not (all(c.bold for c in filled) or caps):
            break
        count += 1
    return count


def emit_table(tb: TextBuilder, table: RuledTable, mark: Callable[[int, int], None]) -> Table:
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
