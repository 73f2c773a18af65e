"""Read a LiverTox chapter in NXML (BITS 2.0) into a :class:`Document` with the shared line layout.

The XML is parsed by lxml with entity resolution, DTD loading and network access switched off; a
DOCTYPE with an internal subset (where entities are declared: XXE, "billion laughs") is refused with
``LTX021`` before lxml sees the bytes. The chapter body is rendered as lines (title, ``Last Update:``,
headings, paragraphs, ``• `` list items, Key Points ``Label: value`` rows, table rows with tab-separated
cells) and every output character maps back to the character of the decoded ``.nxml`` text it came from,
so :meth:`Document.locate` answers with line and column in the file.

Provenance is exact: a regular-expression pass over the source finds every tag, and the text between two
tags is decoded here (character references, CDATA, line ends) character by character. The walk checks each
tag against lxml's tree; if they ever disagree the reader falls back to the start of the element's line
(``extra["provenance"] == "line"``).

``extra`` holds ``title``, ``last_update`` (ISO date), ``chapter_id``, ``sections`` (``{id, title, start, end,
level}`` with the heading line's span), ``pmids`` (``[start, end, pmid]``: the span of the link text or
reference number that carries a PubMed id) and ``provenance``. Tables are typed ``key_points``,
``laboratory_values``, ``chemical``, ``agents`` or ``other``; a list whose items are each one link to another
chapter (a class chapter's "links to individual drug records") is also given as an ``agents`` table.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .document import Cell, Document, Source, Table, TextBuilder
from .errors import LiverToxError

Origins = int | list[int]  # a start offset (characters map one to one) or one offset per character
Run = tuple[str, Origins]

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_MARKUP = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
    r"|<!DOCTYPE(?:[^>\[\"']|\"[^\"]*\"|'[^']*'|\[.*?\])*>"
    r"|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
    re.DOTALL,
)
_REF = re.compile(r"&#x([0-9a-fA-F]+);|&#([0-9]+);|&(amp|lt|gt|quot|apos);|<!\[CDATA\[(.*?)\]\]>|\r\n?", re.DOTALL)
_PREDEFINED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_WS_RUN = re.compile(r"[ \t\r\n]{2,}|[\t\r\n]")  # whitespace that is not already a single space
_DOCTYPE = re.compile(r"<!DOCTYPE(?:[^>\[\"']|\"[^\"]*\"|'[^']*')*(\[)?", re.DOTALL)
_PUBMED_HREF = re.compile(r"pubmed(?:\.ncbi\.nlm\.nih\.gov)?/+(\d{1,9})/?$")
_NAME = re.compile(r"[^\s/>]+")
_NOTE_MARK = re.compile(r"^[*†‡§¶#]")
_BLOCK = frozenset({"p", "list", "table-wrap", "boxed-text", "disp-quote", "fig", "fig-group", "sec",
                    "ref-list", "def-list", "table-wrap-group", "notes", "fn-group", "speech", "statement"})
_SKIP = frozenset({"alt-text", "label", "object-id", "graphic", "inline-graphic", "media", "fn",
                   "long-desc", "permissions", "attrib"})
_CITE_SEP = {"article-title": " ", "chapter-title": " ", "source": " ", "year": " ", "volume": ";",
             "issue": "(", "fpage": ":", "lpage": "-", "elocation-id": " ", "comment": " "}
_PARSER_OPTIONS = {"resolve_entities": False, "load_dtd": False, "no_network": True, "dtd_validation": False,
                   "huge_tree": False, "remove_comments": False, "remove_pis": False}


class _Misaligned(Exception):
    """The tag scan and lxml's tree disagree; provenance falls back to element lines."""


def read_nxml(path: str | Path, data: bytes | None = None) -> Document:
    """Parse one NXML chapter (``data`` if given, else the file at ``path``) into a Document.

    Raises LiverToxError: LTX001 unreadable, LTX003 empty, LTX020 malformed, LTX021 DTD internal subset or
    entity declarations, LTX005 not a book-part chapter. ``source.format`` is "nxml", ``pages`` None.
    """
    name = str(path)
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise LiverToxError("LTX001", f"cannot read file: {exc.strerror or exc}", path=name) from exc
    if not data.strip():
        raise LiverToxError("LTX003", "empty input", path=name)
    text = _decode_source(data, name)
    _refuse_dtd_subset(text, name)
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        raise LiverToxError("LTX020", f"XML is malformed: {exc.msg}", path=name, line=line,
                            column=column) from exc
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise LiverToxError("LTX021", "XML declares entities", path=name)
    if etree.QName(root).localname not in ("book-part-wrapper", "book-part"):
        raise LiverToxError("LTX005", f"root element is <{etree.QName(root).localname}>, "
                            "not a BITS book-part", path=name)
    part = root if etree.QName(root).localname == "book-part" else root.find("book-part")
    body = part.find("body") if part is not None else None
    if part is None or body is None:
        raise LiverToxError("LTX005", "no chapter body (front matter?)", path=name)
    source = Source(path=name, format="nxml", sha256=hashlib.sha256(data).hexdigest(), pages=None)
    return _Renderer(text, root).render(part, source)


def _date(year: str, month: str, day: str) -> datetime.date | None:
    """The calendar date these element texts name, or None when they do not name one."""
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _decode_source(data: bytes, name: str) -> str:
    """The file's characters, decoded as its BOM or XML declaration says (UTF-8 otherwise)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        decl = re.match(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding=[\"']([A-Za-z0-9._-]+)[\"']", data[:300])
        encoding = decl.group(1).decode("ascii") if decl else "utf-8"
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise LiverToxError("LTX020", f"XML is not valid {encoding}: {exc}", path=name) from exc


def _refuse_dtd_subset(text: str, name: str) -> None:
    """Raise LTX021 when the prolog has a DOCTYPE internal subset or the text declares an entity."""
    first_tag = re.search(r"<[A-Za-z_:]", text)
    prolog = text[: first_tag.start()] if first_tag else text
    match = _DOCTYPE.search(prolog)
    if match and match.group(1):
        line = text.count("\n", 0, match.start()) + 1
        raise LiverToxError("LTX021", "DOCTYPE has an internal subset (entity declarations are refused)",
                            path=name, line=line, column=match.start() - text.rfind("\n", 0, match.start()))
    if "<!ENTITY" in text:
        raise LiverToxError("LTX021", "XML declares entities", path=name)


def _decode(src: str, start: int, end: int) -> Run:
    """Text of ``src[start:end]`` as an XML parser reports it, with each character's source offset."""
    raw = src[start:end]
    if "&" not in raw and "\r" not in raw and "<" not in raw:
        return raw, start
    out: list[str] = []
    origins: list[int] = []
    pos = 0
    for m in _REF.finditer(raw):
        if m.start() > pos:
            out.append(raw[pos : m.start()])
            origins.extend(range(start + pos, start + m.start()))
        at = start + m.start()
        if m.group(1) or m.group(2):
            out.append(chr(int(m.group(1), 16) if m.group(1) else int(m.group(2))))
            origins.append(at)
        elif m.group(3):
            out.append(_PREDEFINED[m.group(3)])
            origins.append(at)
        elif m.group(4) is not None:
            out.append(m.group(4))
            origins.extend(range(at + 9, at + 9 + len(m.group(4))))
        else:
            out.append("\n")
            origins.append(at)
        pos = m.end()
    out.append(raw[pos:])
    origins.extend(range(start + pos, end))
    return "".join(out), origins


def _slice(origins: Origins, a: int, b: int) -> list[int] | range:
    return range(origins + a, origins + b) if isinstance(origins, int) else origins[a:b]


class _Line:
    """One output line under construction: whitespace collapsed, ends stripped, origins kept."""

    __slots__ = ("last", "marks", "n", "origins", "parts", "pending")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.origins: list[int] = []
        self.n = 0
        self.pending: int | None = None  # origin of a collapsed space waiting for more text
        self.last = 0
        self.marks: list[tuple[int, int, str]] = []  # (start, end, pmid) relative to the line

    def text(self, text: str, origins: Origins) -> None:
        """Append source text, collapsing XML whitespace runs to one space."""
        end = len(text.rstrip(" \t\r\n"))
        pos = len(text) - len(text.lstrip(" \t\r\n"))
        if pos:
            self.space(_slice(origins, 0, 1)[0])
        if pos >= end:
            return
        for m in _WS_RUN.finditer(text, pos, end):
            self._put(text[pos : m.start()], _slice(origins, pos, m.start()))
            self.space(_slice(origins, m.start(), m.start() + 1)[0])
            pos = m.end()
        self._put(text[pos:end], _slice(origins, pos, end))
        if end < len(text):
            self.space(_slice(origins, end, end + 1)[0])

    def space(self, origin: int | None = None) -> None:
        """Ask for a space before whatever text comes next (none at the start of the line)."""
        if self.n and self.pending is None and not self.parts[-1].endswith((" ", "\t")):
            self.pending = self.last if origin is None else origin

    def raw(self, text: str, origin: int | None = None) -> None:
        """Append text verbatim (separators, tabs); a pending space is dropped."""
        self.pending = None
        org = self.last if origin is None else origin
        self._append(text, [org] * len(text))

    def ends_with(self, *suffixes: str) -> bool:
        """True when the text so far ends with one of ``suffixes``."""
        return bool(self.parts) and self.parts[-1].endswith(suffixes)

    def begin(self) -> int:
        """Offset where the next text will start (a pending space is placed first)."""
        if self.pending is not None:
            self._append(" ", [self.pending])
            self.pending = None
        return self.n

    def extend(self, other: _Line) -> tuple[int, int]:
        """Append another finished line; return its span in this one."""
        start = self.begin() if other.n else self.n
        self._append("".join(other.parts), other.origins)
        self.marks.extend((s + start, e + start, pmid) for s, e, pmid in other.marks)
        return start, self.n

    def _put(self, text: str, origins: list[int] | range) -> None:
        if self.pending is not None:
            self._append(" ", [self.pending])
            self.pending = None
        self._append(text, origins)

    def _append(self, text: str, origins: list[int] | range) -> None:
        if text:
            self.parts.append(text)
            self.origins.extend(origins)
            self.n += len(text)
            self.last = self.origins[-1]


@dataclass
class _TableDraft:
    kind: str
    rows: list[tuple[Cell, ...]]
    start: int
    end: int
    notes: list[str] = field(default_factory=list)


class _Renderer:
    """Walks the chapter once and writes the line layout into a TextBuilder."""

    def __init__(self, src: str, root: etree._Element) -> None:
        self.src = src
        self.builder = TextBuilder()
        # node -> (tag offset, text start, text end, tail start, tail end) in ``src``
        self.spans: dict[etree._Element, tuple[int, int, int, int, int]] = {}
        self.exact = True
        try:
            self._align(root)
        except (_Misaligned, IndexError):
            self.exact = False
            self.spans.clear()
            starts = [0] + [m.end() for m in re.finditer("\n", src)]
            self.line_starts = starts
        self.cur = _Line()
        self.inline_only = False
        self.sections: list[dict[str, object]] = []
        self.pmids: list[list[object]] = []
        self.tables: list[_TableDraft] = []
        self.note_target: _TableDraft | None = None
        self.titles: list[str] = []

    # -- provenance ---------------------------------------------------------------------------------
    def _align(self, root: etree._Element) -> None:
        """Pair every node with its tags in the source: record its tag offset and its text and tail spans."""
        src = self.src
        tokens = [m.span() for m in _MARKUP.finditer(src)]
        if "<![CDATA[" in src:
            tokens = [(a, b) for a, b in tokens if not src.startswith("<![CDATA[", a)]
        tokens.append((len(src), len(src)))  # sentinel: the root's tail ends at the end of the text
        i = 0
        while not re.match(r"<[^!?/]", src[tokens[i][0] : tokens[i][0] + 2]):
            i += 1
        spans = self.spans
        stack: list[tuple[etree._Element, int, int, int, bool]] = []  # node, tag at, text start/end, <x/>
        for event, node in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
            start, stop = tokens[i]
            tag = node.tag
            if not isinstance(tag, str) and event in ("start", "end"):
                continue  # an entity reference: it stays in the surrounding text span, written as it was
            if event == "start":
                if not (src.startswith(tag, start + 1) and src[start + 1 + len(tag)] in " \t\r\n/>"):
                    name = _NAME.match(src, start + 1)
                    if name is None or name.group().rpartition(":")[2] != tag.rpartition("}")[2]:
                        raise _Misaligned
                i += 1
                closed = src[stop - 2] == "/"
                stack.append((node, start, stop, stop if closed else tokens[i][0], closed))
            elif event == "end":
                el, tag_at, text_start, text_end, closed = stack.pop()
                if closed:
                    stop = text_start
                else:
                    if not src.startswith("</", start):
                        raise _Misaligned
                    i += 1
                spans[el] = (tag_at, text_start, text_end, stop, tokens[i][0])
            else:  # a comment or processing instruction: one token
                i += 1
                spans[node] = (start, stop, stop, stop, tokens[i][0])
        if stack or i >= len(tokens):
            raise _Misaligned

    def _where(self, el: etree._Element) -> int:
        if self.exact:
            return self.spans[el][0]
        line = getattr(el, "sourceline", None) or 1
        return self.line_starts[min(line, len(self.line_starts)) - 1]

    def _text(self, el: etree._Element) -> Run:
        if self.exact:
            span = self.spans[el]
            return _decode(self.src, span[1], span[2])
        return (el.text or "", self._where(el))

    def _tail(self, el: etree._Element) -> Run:
        if self.exact:
            span = self.spans[el]
            return _decode(self.src, span[3], span[4])
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
        line, self.cur = self.cur, _Line()
        text = "".join(line.parts)
        if text.endswith(" "):
            text = text.rstrip(" ")
            del line.origins[len(text) :]
        if not text:
            return len(self.builder), ""
        start, _ = self.builder.add_mapped(text, line.origins)
        self.builder.add_synthetic("\n")
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
        title = el.find("title")
        label = el.find("label")
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
                if child.tag == "p" and not any(isinstance(c.tag, str) and c.tag in _BLOCK for c in child):
                    self._inline(child)
                    self.cur.space()
                else:
                    self._block(child, 0)
            start, text = self._flush()
            last = start + len(text)
            if agents:
                rows.append((Cell(text=text[link_start:], start=start + link_start, end=last),))
        if agents and rows:
            self.tables.append(_TableDraft("agents", rows, first, last))

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

    def _ref_list(self, el: etree._Element) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "ref":
                self._flush()
                self.inline_only = True
                label = child.find("label")
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

    def _element_citation(self, el: etree._Element) -> None:
        """``Surname GN, Surname GN. Title. Source Year;Vol(Issue):first-last. (annotation) pmid``."""
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
            sep = _CITE_SEP.get(tag, " ")
            if sep == " ":
                line.space(self._where(child))
            else:
                line.raw(sep, self._where(child))
            self._inline_child(child, tag)
            if tag == "issue":
                line.raw(")")

    def _table_wrap(self, el: etree._Element) -> None:
        self._flush()
        label, caption = el.find("label"), el.find("caption")
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
        draft: _TableDraft | None = None
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

    def _table(self, table: etree._Element) -> _TableDraft | None:
        rows = table.xpath("./thead/tr | ./tbody/tr | ./tfoot/tr | ./tr")
        if not rows:
            return None
        kind = self._table_kind(table, rows)
        sep = " " if kind == "key_points" else "\t"
        out: list[tuple[Cell, ...]] = []
        first = last = -1
        for tr in rows:
            cells = [c for c in tr if c.tag in ("td", "th")]
            if not cells:
                continue
            header = tr.getparent().tag == "thead" or all(c.tag == "th" for c in cells)
            line = self.cur = _Line()
            spans: list[tuple[int, int, int]] = []
            for k, cell in enumerate(cells):
                if k:
                    line.raw(sep, self._where(cell))
                self.cur, self.inline_only = _Line(), True
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
        draft = _TableDraft(kind, out, first, last)
        self.tables.append(draft)
        return draft

    def _table_kind(self, table: etree._Element, rows: list[etree._Element]) -> str:
        heading = self.titles[-1].lower() if self.titles else ""
        first_cells = ["".join(c.itertext()).strip() for c in rows[0] if c.tag in ("td", "th")]
        head = " ".join(first_cells).upper()
        two_cols = all(len([c for c in r if c.tag in ("td", "th")]) == 2 for r in rows)
        if "key points" in heading or (two_cols and all(
                "".join(r[0].itertext()).strip().endswith(":") for r in rows if len(r))):
            return "key_points"
        if "CAS REGISTRY" in head or "MOLECULAR FORMULA" in head:
            return "chemical"
        if "laboratory" in heading or re.search(r"\b(ALT|AST|ALK P|BILIRUBIN)\b", head):
            return "laboratory_values"
        if first_cells and re.match(r"(DRUG|AGENT|GENERIC|MEDICATION)S?\b", first_cells[0].upper()):
            return "agents"
        return "other"

    # -- inline -------------------------------------------------------------------------------------
    def _inline(self, el: etree._Element) -> None:
        """Append the text content of ``el`` (not its tail) to the current line."""
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

    def _inline_child(self, child: etree._Element, tag: str) -> None:
        if tag in _SKIP:
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
