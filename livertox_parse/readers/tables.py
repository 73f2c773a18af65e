"""Tables shared by every reader: what kind a table is, and tables written as tab-separated lines.

Text copied from a web page or from the XML keeps a table as one row per line with cells separated by tabs
(the same layout the PDF and NXML readers write). :func:`tab_tables` reads such rows back into
:class:`~livertox_parse.document.Table` objects, so text input gets tables as tables too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..document import Cell, Table, text_lines

_LAB_HEADER = re.compile(r"\b(?:ALT|AST|Alk\.?\s*P|Alkaline|Bilirubin|GGT|INR|Time\s+After)\b", re.IGNORECASE)
_NUMERIC = re.compile(r"^\s*[<>~≤≥]?\s*\d[\d,.]*\s*$")
_NOTE = re.compile(r"^[*†‡§¶#]")


def table_kind(rows: Sequence[Sequence[str]], ncols: int) -> str:
    """``chemical``, ``key_points``, ``laboratory_values`` or ``other``, from a table's cell texts."""
    first = " ".join(rows[0]) if rows else ""
    if re.search(r"\bCAS\b", first, re.IGNORECASE) and re.search(r"formula", first, re.IGNORECASE):
        return "chemical"
    labels = [row[0] for row in rows if row]
    if ncols == 2 and labels and sum(t.rstrip().endswith(":") for t in labels) * 2 >= len(rows):
        return "key_points"
    if _LAB_HEADER.search(first):
        return "laboratory_values"
    return "other"


def _cells(start: int, line: str) -> list[Cell]:
    cells, pos = [], start
    for part in line.split("\t"):
        lead = len(part) - len(part.lstrip())
        body = part.strip()
        cells.append(Cell(body, pos + lead, pos + lead + len(body)))
        pos += len(part) + 1
    return cells


def tab_tables(text: str) -> tuple[Table, ...]:
    """Tables written one row per line with tab-separated cells.

    A run of at least two tab rows is a table; a line without tabs between two tab rows is an event row
    spanning the table ('Metoprolol (50 mg daily) restarted for 5 days'); a short row lacks trailing cells
    (the tabs of empty cells at a line end are often lost in copying); the first row is the header when none of its cells is a number; footnote lines right after
    the table ('* Converted from µKat/L.') become its notes.
    """
    lines = text_lines(text)
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        if "\t" not in lines[i][1]:
            i += 1
            continue
        j, rows_idx = i, []
        while j < len(lines):
            if "\t" in lines[j][1]:
                rows_idx.append(j)
                j += 1
            elif lines[j][1].strip() and j + 1 < len(lines) and "\t" in lines[j + 1][1]:
                rows_idx.append(j)  # event row between tab rows
                j += 1
            else:
                break
        if sum("\t" in lines[k][1] for k in rows_idx) >= 2:
            tables.append(_build(lines, rows_idx, j))
        i = max(j, i + 1)
    return tuple(tables)


def _build(lines: list[tuple[int, str]], rows_idx: list[int], after: int) -> Table:
    raw = [_cells(*lines[k]) if "\t" in lines[k][1] else None for k in rows_idx]
    ncols = max(len(r) for r in raw if r is not None)
    rows: list[tuple[Cell, ...]] = []
    for k, cells in zip(rows_idx, raw):
        if cells is None:
            start, line = lines[k]
            body = line.strip()
            s = start + len(line) - len(line.lstrip())
            rows.append((Cell(body, s, s + len(body), colspan=ncols),))
            continue
        while len(cells) > 1 and not cells[-1].text and len(cells) > ncols:
            cells.pop()
        rows.append(tuple(cells))
    texts = [[c.text for c in row] for row in rows]
    if rows and len(rows[0]) > 1 and not any(_NUMERIC.match(t) for t in texts[0] if t) \
            and table_kind(texts, ncols) != "key_points":
        rows[0] = tuple(Cell(c.text, c.start, c.end, c.colspan, header=True) for c in rows[0])
    notes = []
    for start, line in lines[after : after + 3]:
        if not _NOTE.match(line.strip()):
            break
        notes.append(line.strip())
    start = rows[0][0].start if rows else 0
    end = max(c.end for c in rows[-1]) if rows else 0
    return Table(kind=table_kind(texts, ncols), rows=tuple(rows), start=min(start, lines[rows_idx[0]][0]),
                 end=end, notes=tuple(notes))
