"""The NXML renderer: one walk over a BITS chapter that writes the shared line layout into a TextBuilder.

Title, ``Last Update:``, headings, paragraphs, ``• `` list items and citations are written here, tables by
the :class:`.tables.TableRendering` mixin; every output character keeps the offset of the source character
it came from (:mod:`.provenance`).

Blocks are walked on lxml's tree, or on :class:`.tree.TokenElement` objects that answer the same calls when
the chapter is read without it. Inline content (paragraph text, citations) is walked along the source cut
at its tags when the tag pairing took its fast path (:class:`.provenance.TokenSpans`): the text after each
tag in turn, with plain markup flattened instead of one call per element; otherwise (comments, CDATA,
namespaced tags, or provenance by element lines) by the walk over the tree. Both make the same calls on the
line, so the output is the same either way. The book's regular references take the shape-checked fast paths
of :mod:`.citations` (``fast_paths``; tests turn them off to compare).
"""

from __future__ import annotations

import datetime
import re

from lxml import etree

from ...document import Cell, Document, Source, Table, TextBuilder
from .citations import CITE_SEP, citation_fields, citation_head, citation_tail, mixed_citation
from .provenance import LineBuilder, Misaligned, Run, TokenSpans, decode_run, tag_spans
from .tables import TableDraft, TableRendering
from .tree import TokenElement

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_PUBMED_HREF = re.compile(r"pubmed(?:\.ncbi\.nlm\.nih\.gov)?/+(\d{1,9})/?$")
_NOTE_MARK = re.compile(r"^[*†‡§¶#]")
_BLOCK = frozenset({"p", "list", "table-wrap", "boxed-text", "disp-quote", "fig", "fig-group", "sec",
                    "ref-list", "def-list", "table-wrap-group", "notes", "fn-group", "speech", "statement"})
_SKIP = frozenset({"alt-text", "label", "object-id", "graphic", "inline-graphic", "media", "fn",
                   "long-desc", "permissions", "attrib"})
# how the token walk of _inline treats a child element: its text and tail in line (plain markup), the same
# after asking for a space where it opens (spaced), not at all (skipped), or by _inline_child (other)
_PLAIN, _SKIPPED, _SPACED, _OTHER = 0, 1, 2, 3
_KIND = {tag: _SKIPPED for tag in _SKIP} | {tag: _OTHER for tag in _BLOCK} | {
    tag: _SPACED for tag in ("break", "annotation", "given-names")} | {
    tag: _OTHER for tag in ("pub-id", "element-citation", "ext-link")}


def _date(year: str, month: str, day: str) -> datetime.date | None:
    """The calendar date these element texts name, or None when they do not name one."""
    try:
        return datetime.date(int(year), int(month), int(day))
    except (ValueError, OverflowError):  # not a date, or a year no date holds (20 digits)
        return None


class ChapterRenderer(TableRendering):
    """Walks the chapter once and writes the line layout into a TextBuilder."""

    fast_paths = True  # the shape-checked fast paths (:mod:`.citations`); tests compare them with the walk

    def __init__(self, src: str, root: etree._Element) -> None:
        self.src = src
        self.builder = TextBuilder()
        # node -> (tag offset, text start, text end, tail start, tail end) in ``src``
        self.spans: dict[etree._Element, tuple[int, int, int, int, int]] = {}
        self.exact = True
        self.tokens: TokenSpans | None = None  # the source cut at its tags, when the fast pairing held
        self.decode = "&" in src or "\r" in src or "<![CDATA[" in src  # text runs may need decode_run
        try:
            self._align(root)
        except (Misaligned, IndexError):
            self.exact = False
            self.spans.clear()
            self.tokens = None
            starts = [0] + [m.end() for m in re.finditer("\n", src)]
            self.line_starts = starts
        self.cur = LineBuilder()
        self.inline_only = False
        self.sections: list[dict[str, object]] = []
        self.pmids: list[list[object]] = []
        self.tables: list[TableDraft] = []
        self.note_target: TableDraft | None = None
        self.titles: list[str] = []

    # -- provenance ---------------------------------------------------------------------------------
    def _align(self, root: etree._Element) -> None:
        """Pair every node with its tags in the source; raise Misaligned when they disagree."""
        self.spans = root.tokens if isinstance(root, TokenElement) else tag_spans(self.src, root)
        self.tokens = self.spans if isinstance(self.spans, TokenSpans) else None

    def _where(self, el: etree._Element) -> int:
        if self.tokens is not None:
            return self.tokens.tag_offset(self.tokens.index[el])
        if self.exact:
            return self.spans[el][0]
        line = getattr(el, "sourceline", None) or 1
        return self.line_starts[min(line, len(self.line_starts)) - 1]

    def _child(self, el: etree._Element, tag: str) -> etree._Element | None:
        """``el.find(tag)``: its first child element with that tag; along the cut source when there is one
        (a look at each child's tag, cheaper than lxml's path machinery for these few children)."""
        tokens = self.tokens
        if tokens is None:
            return el.find(tag)
        child = next((c for c in tokens.children(tokens.index[el]) if tokens.tags[c] == tag), None)
        return None if child is None else tokens.nodes[child]

    def _text(self, el: etree._Element) -> Run:
        if self.exact:
            span = self.spans[el]
            return decode_run(self.src, span[1], span[2])
        return (el.text or "", self._where(el))

    def _tail(self, el: etree._Element) -> Run:
        if self.exact:
            span = self.spans[el]
            return decode_run(self.src, span[3], span[4])
        parent = el.getparent()
        return (el.tail or "", self._where(parent if parent is not None else el))

    # -- output -------------------------------------------------------------------------------------
    def render(self, part: etree._Element, source: Source) -> Document:
        """The Document for one ``book-part``: title, last update, then body and back matter as lines."""
        extra: dict[str, object] = {}
        meta = part.find("book-part-meta")
        title = meta.find("title-group/title") if meta is not None else None
        if title is not None:
            self._inline(title)
            extra["title"] = self._flush()[1]
        date = meta.find("pub-history/date[@date-type='updated']") if meta is not None else None
        if date is not None:
            when = _date(*((date.findtext(k) or "").strip() for k in ("year", "month", "day")))
            if when is not None:
                self.cur.raw(f"Last Update: {_MONTHS[when.month - 1]} {when.day}, {when.year}.", self._where(date))
                self._flush()
                extra["last_update"] = when.isoformat()
        for container in (part.find("body"), part.find("back")):
            if container is not None:
                self._blocks(container, 0)
        tables = tuple(Table(kind=t.kind, rows=tuple(t.rows), start=t.start, end=t.end, notes=tuple(t.notes))
                       for t in self.tables)
        extra.update(sections=self.sections, pmids=self.pmids, chapter_id=part.findtext("book-part-meta/"
                     "book-part-id"), provenance="exact" if self.exact else "line")
        return self.builder.build(source, source_text=self.src, tables=tables, extra=extra)

    def _flush(self) -> tuple[int, str]:
        """Write the current line (if not empty) and a newline; return its start and text."""
        line, self.cur = self.cur, LineBuilder()
        if not line.n:
            return len(self.builder), ""
        text = line.finish()
        if not text:
            return len(self.builder), ""
        start, _ = self.builder.add_runs(text, line.parts, line.srcs, line.steps, newline=True)
        for s, e, pmid in line.marks:
            e = min(e, len(text))
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s < e:
                self.pmids.append([start + s, start + e, pmid])
        return start, text

    # -- blocks -------------------------------------------------------------------------------------
    def _blocks(self, el: etree._Element, level: int) -> None:
        """Render the block children of ``el`` as lines."""
        for child in el:
            if isinstance(child.tag, str):
                self._block(child, level)

    def _block(self, el: etree._Element, level: int) -> None:
        tag = el.tag
        if tag != "p":
            self.note_target = None
        if tag == "sec":
            self._sec(el, level + 1)
        elif tag == "p":
            self._paragraph(el)
        elif tag == "list":
            self._list(el)
        elif tag == "table-wrap":
            self._table_wrap(el)
        elif tag == "ref-list":
            self._ref_list(el)
        elif tag in ("title", "caption"):
            self._paragraph(el)
        elif tag in _SKIP or tag in ("sec-meta", "object-id"):
            return
        elif any(isinstance(c.tag, str) and c.tag in _BLOCK for c in el):
            self._blocks(el, level)
        else:
            self._paragraph(el)

    def _sec(self, el: etree._Element, level: int) -> None:
        title = self._child(el, "title")
        label = self._child(el, "label")
        if label is not None:
            self._inline(label)
            self.cur.space()
        if title is not None:
            self._inline(title)
        start, text = self._flush()
        self.sections.append({"id": el.get("id"), "title": text, "start": start, "end": start + len(text),
                              "level": level})
        self.titles.append(text)
        for child in el:
            if isinstance(child.tag, str) and child.tag not in ("title", "label"):
                self._block(child, level)
        self.titles.pop()

    def _paragraph(self, el: etree._Element) -> None:
        self._flush()
        self._inline(el)
        _, text = self._flush()
        if self.note_target is not None:
            if text and _NOTE_MARK.match(text):
                self.note_target.notes.append(text)
            else:
                self.note_target = None

    def _list(self, el: etree._Element) -> None:
        self._flush()
        agents = self._agent_links(el)
        rows: list[tuple[Cell, ...]] = []
        first = last = len(self.builder)
        for item in el.iterchildren("list-item"):
            self.cur.raw("• ", self._where(item))
            link_start = self.cur.n
            for child in item:
                if not isinstance(child.tag, str) or child.tag == "label":
                    continue
                if child.tag == "p":  # on the bullet's line; a list inside it starts its own (_inline_child)
                    self._inline(child)
                    self.cur.space()
                else:
                    self._block(child, 0)
            start, text = self._flush()
            last = start + len(text)
            if agents:
                rows.append((Cell(text=text[link_start:], start=start + link_start, end=last),))
        if agents and rows:
            self.tables.append(TableDraft("agents", rows, first, last))

    def _ref_list(self, el: etree._Element) -> None:
        if self.tokens is not None:
            self._refs_tokens(self.tokens.index[el])
            return
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "ref":
                self._flush()
                self.inline_only = True
                label = self._child(child, "label")
                if label is not None:
                    self._inline(label)
                    self.cur.raw(". ")
                for cite in child:
                    if cite.tag == "element-citation":
                        self._element_citation(cite)
                    elif cite.tag in ("mixed-citation", "citation-alternatives", "note"):
                        self._inline(cite)
                self.inline_only = False
                self._flush()
            else:
                self._block(child, 0)

    def _refs_tokens(self, k: int) -> None:
        """:meth:`_ref_list` of node ``k`` along the cut source: the same calls, each child found by its
        tags instead of lxml's walk; the book's mixed-citations by their fast path."""
        tokens = self.tokens
        assert tokens is not None
        opens, closes, tags = tokens.opens, tokens.closes, tokens.tags
        for ref in tokens.children(k):
            if tags[ref] != "ref":
                self._block(tokens.nodes[ref], 0)
                continue
            self._flush()
            self.inline_only = True
            kids = tokens.children(ref)
            label = next((c for c in kids if tags[c] == "label"), None)
            if label is not None:
                self._inline_tokens(opens[label], closes[label])
                self.cur.raw(". ")
            for cite in kids:
                tag = tags[cite]
                if tag == "element-citation":
                    self._citation_tokens(cite)
                elif tag == "mixed-citation" and self.fast_paths and mixed_citation(self.src, tokens, cite, self.cur):
                    continue  # the book's text, annotation and PubMed id, in a few list operations
                elif tag in ("mixed-citation", "citation-alternatives", "note"):
                    self._inline_tokens(opens[cite], closes[cite])
            self.inline_only = False
            self._flush()

    def _element_citation(self, el: etree._Element) -> None:
        """``Surname GN, Surname GN. Title. Source Year;Vol(Issue):first-last. (annotation) pmid``."""
        if self.tokens is not None:
            self._citation_tokens(self.tokens.index[el])
            return
        line = self.cur
        in_biblio = True
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == "person-group":
                names = [n for n in child if isinstance(n.tag, str)]
                for k, name in enumerate(names):
                    if k:
                        line.raw(", ")
                    if name.tag == "etal":
                        line.raw("et al", self._where(name))
                    else:
                        self._inline_child(name, name.tag)
                if not line.ends_with("."):
                    line.raw(".")
                continue
            if tag in ("annotation", "pub-id") and in_biblio:
                in_biblio = False
                if line.n and not line.ends_with(".", ")"):
                    line.raw(".")
            sep = CITE_SEP.get(tag, " ")
            if sep == " ":
                line.space(self._where(child))
            else:
                line.raw(sep, self._where(child))
            self._inline_child(child, tag)
            if tag == "issue":
                line.raw(")")

    def _citation_tokens(self, k: int) -> None:
        """:meth:`_element_citation` of node ``k`` along the cut source (the same calls on the line)."""
        tokens = self.tokens
        assert tokens is not None
        owner, opens, closes, tags, offsets = tokens.owner, tokens.opens, tokens.closes, tokens.tags, tokens.offsets
        line = self.cur
        in_biblio = True
        fast = self.fast_paths
        j, end = opens[k] + 1, closes[k]
        if fast and not line.n:  # authors and plain fields in a few list operations
            j = citation_head(self.src, tokens, k, line)
        while j < end:  # the children: each opens at tag j; the next one opens after its end tag
            if in_biblio and fast and citation_tail(self.src, tokens, j, end, line):
                return  # the annotation and PubMed id
            child = owner[j]
            tag = tags[child]
            if tag == "person-group":
                i, stop = j + 1, closes[child]
                while i < stop:
                    name = owner[i]
                    if i > j + 1:
                        line.raw(", ")
                    if tags[name] == "etal":
                        line.raw("et al", offsets[2 * i + 1])
                    else:
                        self._inline_node(name)
                    i = closes[name] + 1
                if not line.ends_with("."):
                    line.raw(".")
            else:
                if in_biblio and (tag == "annotation" or tag == "pub-id"):
                    in_biblio = False
                    if line.n and not line.ends_with(".", ")"):
                        line.raw(".")
                sep = CITE_SEP.get(tag, " ")
                if sep == " ":
                    line.space(offsets[2 * j + 1])
                else:
                    line.raw(sep, offsets[2 * j + 1])
                self._inline_node(child)
                if tag == "issue":
                    line.raw(")")
            j = closes[child] + 1
            if fast:  # the plain fields after a child the walk wrote (names with a reference, a collab)
                j = citation_fields(self.src, tokens, j, end, line)

    def _inline_node(self, k: int) -> None:
        """:meth:`_inline_child` of node ``k``, along the cut source when it is plain or spaced markup."""
        tokens = self.tokens
        assert tokens is not None
        tag = tokens.tags[k]
        kind = _KIND.get(tag, _PLAIN)
        if kind == _PLAIN:
            self.cur.begin()
        elif kind == _SPACED:
            self.cur.space(tokens.tag_offset(k))
            self.cur.begin()
        else:
            self._inline_child(tokens.nodes[k], tag)
            return
        self._inline_tokens(tokens.opens[k], tokens.closes[k])

    # -- inline -------------------------------------------------------------------------------------
    def _inline(self, el: etree._Element) -> None:
        """Append the text content of ``el`` (not its tail) to the current line."""
        if self.tokens is not None:
            k = self.tokens.index[el]
            self._inline_tokens(self.tokens.opens[k], self.tokens.closes[k])
            return
        text, origins = self._text(el)
        if text:
            self.cur.text(text, origins)
        for child in el:
            tag = child.tag
            if isinstance(tag, str):
                self._inline_child(child, tag)
            elif isinstance(child, etree._Entity):
                if self.exact:
                    continue  # the reference and its tail are part of the surrounding text run
                self.cur.text(child.text, self._where(el))
            tail, origins = self._tail(child)
            if tail:
                self.cur.text(tail, origins)

    def _inline_tokens(self, j: int, end: int) -> None:
        """:meth:`_inline` of the element that opens at tag ``j`` and closes at tag ``end``, along the cut
        source (exact provenance): the text after each tag in turn; plain markup and the elements that only
        ask for a space before them are flattened (a pending space placed where they open), skipped
        elements jumped over, the others rendered by :meth:`_inline_child`. The line sees the same calls
        as in the walk over the tree."""
        if j == end:
            return  # <x/>: no text, no children
        tokens = self.tokens
        assert tokens is not None
        if end == j + 1:  # no children (a surname, a year): its text only
            text = tokens.pieces[2 * j + 2]
            if text:
                if self.decode and ("&" in text or "\r" in text):
                    self.cur.text(*decode_run(self.src, tokens.offsets[2 * j + 2], tokens.offsets[2 * j + 3]))
                else:
                    self.cur.text(text, tokens.offsets[2 * j + 2])
            return
        pieces, offsets, owner, closes, tags = tokens.pieces, tokens.offsets, tokens.owner, tokens.closes, tokens.tags
        decode = self.decode
        kinds = _KIND
        line = self.cur
        while True:
            text = pieces[2 * j + 2]  # the text after tag j
            if text:
                if decode and ("&" in text or "\r" in text):
                    line.text(*decode_run(self.src, offsets[2 * j + 2], offsets[2 * j + 3]))
                else:
                    line.text(text, offsets[2 * j + 2])
            j += 1
            if j >= end:
                return
            child = owner[j]
            if child < 0:
                continue  # the end of a flattened child: its tail follows
            kind = kinds.get(tags[child], _PLAIN)
            if kind == _PLAIN:
                if line.pending is not None:
                    line.begin()
            elif kind == _SPACED:
                line.space(offsets[2 * j + 1])
                if line.pending is not None:
                    line.begin()
            elif kind == _SKIPPED:
                j = closes[child]
            else:
                self._inline_child(tokens.nodes[child], tags[child])
                line = self.cur
                j = closes[child]

    def _inline_child(self, child: etree._Element, tag: str) -> None:
        if tag in _SKIP:
            return
        if self.tokens is not None and tag not in _BLOCK:
            kind = _KIND.get(tag, _PLAIN)
            if kind == _PLAIN or kind == _SPACED:
                k = self.tokens.index[child]
                if kind == _SPACED:
                    self.cur.space(self._where(child))
                self.cur.begin()
                self._inline_tokens(self.tokens.opens[k], self.tokens.closes[k])
                return
        if tag in _BLOCK and not self.inline_only:
            self._flush()
            self._block(child, 0)
            return
        if tag in _BLOCK or tag in ("break", "annotation", "given-names", "pub-id"):
            self.cur.space(self._where(child))
        line = self.cur
        start = line.begin()
        if tag == "element-citation":
            self._element_citation(child)
        else:
            self._inline(child)
        if self.cur is not line:
            return
        if tag in _BLOCK:
            line.space()
        pmid = None
        if tag == "ext-link":
            found = _PUBMED_HREF.search(child.get("{http://www.w3.org/1999/xlink}href") or "")
            pmid = found.group(1) if found else None
        elif tag == "pub-id" and child.get("pub-id-type") == "pmid":
            pmid = "".join(child.itertext()).strip() or None
        if pmid and pmid.isdigit():
            line.marks.append((start, line.n, pmid))
