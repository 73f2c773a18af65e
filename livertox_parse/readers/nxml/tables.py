"""Tables in the NXML reader: ``table-wrap`` rendered as rows of cells, each table typed.

A table is written one row per line: Key Points rows as ``Label: value``, other tables with cells
separated by a tab; ``thead`` rows and rows of ``th`` cells are header rows, ``table-wrap-foot`` paragraphs
(and marked paragraphs right after the table) are its notes. Tables are typed ``key_points``,
``laboratory_values``, ``chemical``, ``agents`` or ``other``; a list whose items are each one link to another
chapter (a class chapter's "links to individual drug records") is also given as an ``agents`` table.

:class:`TableRendering` is a mixin of :class:`.render.ChapterRenderer`, which provides the current line, the
inline renderer and the list of tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from ...document import Cell
from .provenance import LineBuilder


@dataclass
class TableDraft:
    kind: str
    rows: list[tuple[Cell, ...]]
    start: int
    end: int
    notes: list[str] = field(default_factory=list)


class TableRendering:
    """The table part of :class:`.render.ChapterRenderer`: table-wrap, rows and cells, the table's kind."""

    cur: LineBuilder
    inline_only: bool
    tables: list[TableDraft]
    note_target: TableDraft | None
    titles: list[str]

    if TYPE_CHECKING:  # provided by the renderer

        def _flush(self) -> tuple[int, str]: ...

        def _inline(self, el: etree._Element) -> None: ...

        def _paragraph(self, el: etree._Element) -> None: ...

        def _where(self, el: etree._Element) -> int: ...

        def _child(self, el: etree._Element, tag: str) -> etree._Element | None: ...

    @staticmethod
    def _agent_links(el: etree._Element) -> bool:
        """True for a list of two or more items that are each one link to another chapter."""
        items = list(el.iterchildren("list-item"))
        if len(items) < 2:
            return False
        for item in items:
            kids = [c for c in item.iter() if isinstance(c.tag, str) and c is not item]
            tags = [c.tag for c in kids]
            if tags != ["p", "related-object"] or (kids[0].text or "").strip() or \
                    (kids[1].tail or "").strip() or not (kids[1].text or "").strip():
                return False
        return True

    def _table_wrap(self, el: etree._Element) -> None:
        self._flush()
        label, caption = self._child(el, "label"), self._child(el, "caption")
        if label is not None or caption is not None:
            if label is not None:
                self._inline(label)
                self.cur.space()
            if caption is not None and caption.find("title") is not None:
                self._inline(caption.find("title"))
            self._flush()
            if caption is not None:
                for p in caption.iterchildren("p"):
                    self._paragraph(p)
        draft: TableDraft | None = None
        for table in el.iter("table"):
            draft = self._table(table)
        for foot in el.iterchildren("table-wrap-foot"):
            for p in foot.iter("p", "title"):
                self._flush()
                self._inline(p)
                _, text = self._flush()
                if draft is not None and text:
                    draft.notes.append(text)
        self.note_target = draft

    def _table(self, table: etree._Element) -> TableDraft | None:
        groups: list[tuple[etree._Element, str]] = []  # the rows in document order, with what holds each
        for part in table:
            if part.tag == "tr":
                groups.append((part, "table"))
            elif part.tag in ("thead", "tbody", "tfoot"):
                groups += ((tr, part.tag) for tr in part.iterchildren("tr"))
        rows = [tr for tr, _ in groups]
        if not rows:
            return None
        kind = self._table_kind(table, rows)
        sep = " " if kind == "key_points" else "\t"
        out: list[tuple[Cell, ...]] = []
        first = last = -1
        for tr, group in groups:
            cells = [c for c in tr if c.tag in ("td", "th")]
            if not cells:
                continue
            header = group == "thead" or all(c.tag == "th" for c in cells)
            line = self.cur = LineBuilder()
            spans: list[tuple[int, int, int]] = []
            for k, cell in enumerate(cells):
                if k:
                    line.raw(sep, self._where(cell))
                self.cur, self.inline_only = LineBuilder(), True
                self._inline(cell)
                sub, self.cur, self.inline_only = self.cur, line, False
                s, e = line.extend(sub) if sub.n else (line.n, line.n)
                colspan = cell.get("colspan") or "1"
                spans.append((s, e, int(colspan) if colspan.isdigit() else 1))
            start, text = self._flush()
            first = start if first < 0 else first
            last = start + len(text)
            out.append(tuple(Cell(text=text[s:e], start=start + s, end=start + e, colspan=max(cs, 1),
                                  header=header) for s, e, cs in spans))
        draft = TableDraft(kind, out, first, last)
        self.tables.append(draft)
        return draft

    def _table_kind(self, table: etree._Element, rows: list[etree._Element]) -> str:
        heading = self.titles[-1].lower() if self.titles else ""
        first_cells = ["".join(c.itertext()).strip() for c in rows[0] if c.tag in ("td", "th")]
        head = " ".join(first_cells).upper()
        two_cols = all(len([c for c in r if c.tag in ("td", "th")]) == 2 for r in rows)
        if two_cols and ("key points" in heading or all(
                "".join(r[0].itertext()).strip().endswith(":") for r in rows if len(r))):
            return "key_points"
        if "CAS REGISTRY" in head or "MOLECULAR FORMULA" in head:
            return "chemical"
        # by its header before its heading: Elotuzumab's lab table sits under a second 'Key Points' title
        if "laboratory" in heading or re.search(r"\b(ALT|AST|ALK P|BILIRUBIN)\b", head):
            return "laboratory_values"
        if "key points" in heading:
            return "key_points"
        if first_cells and re.match(r"(DRUG|AGENT|GENERIC|MEDICATION)S?\b", first_cells[0].upper()):
            return "agents"
        return "other"
