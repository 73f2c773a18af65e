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
from typing import Any

from lxml import etree

from ...document import Cell
from .provenance import LineBuilder, TokenSpans
from .tree import attribute


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
    tokens: TokenSpans | None

    # provided by the renderer (declared here, not under TYPE_CHECKING, so that mypyc can compile the class:
    # benchmarks/bench_compiled.py)
    def _flush(self) -> tuple[int, str]:
        raise NotImplementedError

    def _inline(self, el: etree._Element) -> None:
        raise NotImplementedError

    def _inline_tokens(self, j: int, end: int) -> None:
        raise NotImplementedError

    def _paragraph(self, el: etree._Element) -> None:
        raise NotImplementedError

    def _where(self, el: etree._Element) -> int:
        raise NotImplementedError

    def _child(self, el: etree._Element, tag: str) -> etree._Element | None:
        raise NotImplementedError

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

    def _rows(self, table: etree._Element) -> list[tuple[str, list[tuple[Any, Any]]]]:
        """The rows of ``table`` in document order, each with what holds it (``table``, ``thead``, ``tbody`` or
        ``tfoot``) and its children as (tag, node): node indices along the cut source (no element is made for
        a cell), lxml's nodes otherwise (a comment's tag is not a string)."""
        tokens = self.tokens
        rows: list[tuple[str, list[tuple[Any, Any]]]] = []
        if tokens is None:
            for part in table:
                if part.tag == "tr":
                    rows.append(("table", [(c.tag, c) for c in part]))
                elif part.tag in ("thead", "tbody", "tfoot"):
                    rows += ((part.tag, [(c.tag, c) for c in tr]) for tr in part.iterchildren("tr"))
            return rows
        tags, children = tokens.tags, tokens.children
        for part in children(tokens.index[table]):
            tag = tags[part]
            if tag == "tr":
                rows.append(("table", [(tags[c], c) for c in children(part)]))
            elif tag in ("thead", "tbody", "tfoot"):
                rows += ((tag, [(tags[c], c) for c in children(tr)]) for tr in children(part) if tags[tr] == "tr")
        return rows

    def _itertext(self, node: Any) -> str:
        """The text of a node of :meth:`_rows` (``itertext`` joined)."""
        return "".join(self.tokens.itertext(node) if self.tokens is not None else node.itertext())

    def _table(self, table: etree._Element) -> TableDraft | None:
        rows = self._rows(table)
        if not rows:
            return None
        kind = self._table_kind(rows)
        sep = " " if kind == "key_points" else "\t"
        tokens = self.tokens
        out: list[tuple[Cell, ...]] = []
        first = last = -1
        for group, kids in rows:
            cells = [(tag, c) for tag, c in kids if tag in ("td", "th")]
            if not cells:
                continue
            header = group == "thead" or all(tag == "th" for tag, _ in cells)
            line = self.cur = LineBuilder()
            spans: list[tuple[int, int, int]] = []
            for k, (_, cell) in enumerate(cells):
                if k:  # the separator stands where the cell's tag does
                    line.raw(sep, self._where(cell) if tokens is None else tokens.tag_offset(cell))
                self.cur, self.inline_only = LineBuilder(), True
                if tokens is None:
                    self._inline(cell)
                    colspan = cell.get("colspan") or "1"
                else:  # along the cut source, the colspan read from the cell's tag
                    self._inline_tokens(tokens.opens[cell], tokens.closes[cell])
                    colspan = attribute(tokens, cell, "colspan") or "1"
                sub, self.cur, self.inline_only = self.cur, line, False
                s, e = line.extend(sub) if sub.n else (line.n, line.n)
                spans.append((s, e, int(colspan) if colspan.isdigit() else 1))
            start, text = self._flush()
            first = start if first < 0 else first
            last = start + len(text)
            out.append(tuple(Cell(text=text[s:e], start=start + s, end=start + e, colspan=max(cs, 1),
                                  header=header) for s, e, cs in spans))
        draft = TableDraft(kind, out, first, last)
        self.tables.append(draft)
        return draft

    def _table_kind(self, rows: list[tuple[str, list[tuple[Any, Any]]]]) -> str:
        heading = self.titles[-1].lower() if self.titles else ""
        first_cells = [self._itertext(c).strip() for tag, c in rows[0][1] if tag in ("td", "th")]
        head = " ".join(first_cells).upper()
        two_cols = all(sum(tag in ("td", "th") for tag, _ in kids) == 2 for _, kids in rows)
        if two_cols and ("key points" in heading or all(
                self._itertext(kids[0][1]).strip().endswith(":") for _, kids in rows if kids)):
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
