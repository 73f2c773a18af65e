"""Provenance for the NXML reader: which character of the decoded ``.nxml`` text each output character
came from.

A regular-expression pass over the source finds every tag and :func:`tag_spans` pairs each node of lxml's
tree with its tags (raising :class:`Misaligned` if they ever disagree); the text between two tags is
decoded here (character references, CDATA, line ends) character by character (:func:`decode_run`); and
:class:`LineBuilder` builds one output line with XML whitespace collapsed, keeping every character's origin.
"""

from __future__ import annotations

import re

from lxml import etree

Origins = int | list[int]  # a start offset (characters map one to one) or one offset per character
Run = tuple[str, Origins]
Spans = tuple[int, int, int, int, int]  # tag offset, text start, text end, tail start, tail end

_MARKUP = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
    r"|<!DOCTYPE(?:[^>\[\"']|\"[^\"]*\"|'[^']*'|\[.*?\])*>"
    r"|<[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>",  # a tag; quoted values may hold '>'
    re.DOTALL,
)
_REF = re.compile(r"&#x([0-9a-fA-F]+);|&#([0-9]+);|&(amp|lt|gt|quot|apos);|<!\[CDATA\[(.*?)\]\]>|\r\n?", re.DOTALL)
_PREDEFINED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_WS_RUN = re.compile(r"[ \t\r\n]{2,}|[\t\r\n]")  # whitespace that is not already a single space
_NAME = re.compile(r"[^\s/>]+")


class Misaligned(Exception):
    """The tag scan and lxml's tree disagree; provenance falls back to element lines."""


def tag_spans(src: str, root: etree._Element) -> dict[etree._Element, Spans]:
    """Pair every node with its tags in the source: its tag offset and its text and tail spans.

    Raises Misaligned (or IndexError) when the tag scan and lxml's tree disagree.
    """
    tokens = [m.span() for m in _MARKUP.finditer(src)]
    if "<![CDATA[" in src:
        tokens = [(a, b) for a, b in tokens if not src.startswith("<![CDATA[", a)]
    tokens.append((len(src), len(src)))  # sentinel: the root's tail ends at the end of the text
    i = 0
    while not re.match(r"<[^!?/]", src[tokens[i][0] : tokens[i][0] + 2]):
        i += 1
    spans: dict[etree._Element, Spans] = {}
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
                    raise Misaligned
            i += 1
            closed = src[stop - 2] == "/"
            stack.append((node, start, stop, stop if closed else tokens[i][0], closed))
        elif event == "end":
            el, tag_at, text_start, text_end, closed = stack.pop()
            if closed:
                stop = text_start
            else:
                if not src.startswith("</", start):
                    raise Misaligned
                i += 1
            spans[el] = (tag_at, text_start, text_end, stop, tokens[i][0])
        else:  # a comment or processing instruction: one token
            i += 1
            spans[node] = (start, stop, stop, stop, tokens[i][0])
    if stack or i >= len(tokens):
        raise Misaligned
    return spans


def decode_run(src: str, start: int, end: int) -> Run:
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


class LineBuilder:
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
        if isinstance(origins, int) and text and text[0] != " " != text[-1] and _WS_RUN.search(text) is None:
            self._put(text, range(origins, origins + len(text)))  # the common case: nothing to collapse
            return
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

    def extend(self, other: LineBuilder) -> tuple[int, int]:
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

