"""Provenance for the NXML reader: which character of the decoded ``.nxml`` text each output character
came from.

The source is cut at its tags once (one regular-expression split), its elements are paired with their tags
(:func:`pair_tags`) and :func:`tag_spans` matches them with lxml's elements in document order, checking every
name (or :mod:`.tree` stands in for lxml's elements); the result (:class:`TokenSpans`) also
hands the renderer the cut source, so inline content is rendered along it. Unusual sources (comments, PIs,
CDATA, namespaced tags, entity nodes) are paired by lxml's event walk instead, which raises
:class:`Misaligned` if the tags and the tree ever disagree. The text between two tags is decoded here
(character references, CDATA, line ends) into runs of source offsets (:func:`decode_run`); and
:class:`LineBuilder` builds one output line with XML whitespace collapsed, keeping every character's origin
as runs (part of the line, source offset of its first character, step), which the TextBuilder takes as they
are: no per-character list is built anywhere."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from functools import partial
from itertools import accumulate
from operator import attrgetter
from typing import Any

from lxml import etree

# a start offset (characters map one to one onward) or runs: (where each starts in the text, its source offset)
Origins = int | tuple[list[int], list[int]]
Run = tuple[str, Origins]
Spans = tuple[int, int, int, int, int]  # tag offset, text start, text end, tail start, tail end

_MARKUP = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
    r"|<!DOCTYPE(?:[^>\[\"']|\"[^\"]*\"|'[^']*'|\[.*?\])*>"
    r"|<[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>",  # a tag; quoted values may hold '>'
    re.DOTALL,
)
_TOKEN = re.compile(f"({_MARKUP.pattern})", re.DOTALL)  # split keeps the tags
# the same split where no '>' stands outside a tag's end: each piece it keeps holds one '>', so when the source
# holds as many, none is in text, a quoted attribute value, a comment or a PI, and the pieces are _TOKEN's
# (a '<' only ever opens markup in well-formed XML); ~40% cheaper than _TOKEN on a chapter
_TAG = re.compile(r"(<[^>]*>)")
_REF = re.compile(r"&#x([0-9a-fA-F]+);|&#([0-9]+);|&(amp|lt|gt|quot|apos);|<!\[CDATA\[(.*?)\]\]>|\r\n?", re.DOTALL)
_PREDEFINED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_WS_RUN = re.compile(r"[ \t\r\n]{2,}|[\t\r\n]")  # whitespace that is not already a single space
_NAME = re.compile(r"[^\s/>]+")
_START_NAME = re.compile(r"<([^\s/>!?][^ \t\r\n/>]*)")  # the name of every start (or empty) tag


class Misaligned(Exception):
    """The tag scan and lxml's tree disagree; provenance falls back to element lines."""


def pair_tags(src: str) -> tuple[list[str], list[int], list[str], list[int], list[int], list[int]] | None:
    """The source cut at its tags and its elements paired with them, when it is regular: ``pieces``,
    ``offsets``, the elements' tags (their names in the source), ``opens``, ``closes`` and ``owner`` as
    :class:`TokenSpans` holds them; None when it is not (CDATA, comments or PIs in the chapter).

    The source is cut at its tags once (one C-level split) and the names of all start tags are read at once
    (one C-level scan); for a well-formed source every end tag closes the innermost open element, and the
    loop here only pairs them."""
    pieces = _TAG.split(src)  # text, tag, text, tag, ..., text
    if len(pieces) != 2 * src.count(">") + 1:
        pieces = _TOKEN.split(src)  # a '>' in text, a value, a comment: the full tokeniser
    tokens = pieces[1::2]
    first = 0
    while first < len(tokens) and tokens[first][1] in "!?/":
        first += 1
    rest = "".join(tokens[first:])
    if "<!" in rest or "<?" in rest or "<![CDATA[" in src:
        return None  # CDATA, comments or PIs in the chapter: rare, the walk handles them
    names = _START_NAME.findall(src)
    opens: list[int] = []  # the tag of each node, in document order
    closes: list[int] = []  # the tag that closes it (its own tag when empty)
    owner: list[int] = []  # per tag from the root's on: the node it opens, -1 for an end tag
    stack: list[int] = []  # open elements, by their index in ``closes``
    push, pop, add_open, add_close, add_owner = stack.append, stack.pop, opens.append, closes.append, owner.append
    k = 0
    for j, token in enumerate(tokens[first:], first):
        if token[1] == "/":
            closes[pop()] = j
            add_owner(-1)
        else:
            if token[-2] != "/":
                push(k)
            add_open(j)
            add_close(j)
            add_owner(k)
            k += 1
        if not stack:
            break
    if stack or k != len(names) or k < 2:
        return None
    return pieces, list(accumulate(map(len, pieces), initial=0)), names, opens, closes, [-1] * first + owner


def tag_spans(src: str, root: etree._Element) -> dict[etree._Element, Spans]:
    """Pair every node with its tags in the source: its tag offset and its text and tail spans.

    Raises Misaligned (or IndexError) when the tag scan and lxml's tree disagree. The tags paired by
    :func:`pair_tags` are matched to lxml's elements in document order, the names of all start tags checked
    at once against lxml's; the answer is a :class:`TokenSpans`, which also gives the renderer the cut
    source. Anything out of the ordinary (CDATA, comments, PIs, a namespaced tag, a name that differs) is
    left to the event walk of :func:`_walk_spans`, which decides.
    """
    paired = pair_tags(src)
    if paired is None:
        return _walk_spans(src, root)
    nodes = list(root.iter(etree.Element, etree.Comment, etree.ProcessingInstruction))
    if list(map(attrgetter("tag"), nodes)) != paired[2]:
        return _walk_spans(src, root)  # a namespaced tag, a tag in a comment before the root, a mismatch
    spans = TokenSpans(*paired)
    spans.nodes = nodes
    spans.index = dict(zip(nodes, range(len(nodes)), strict=True))
    return spans


class TokenSpans(dict[Any, Spans]):
    """The spans of :func:`tag_spans`, each made when first asked for, and the source cut at its tags.

    ``pieces`` alternates text and tags (text, tag 0, text, tag 1, ..., text) and ``offsets[i]`` is where
    piece ``i`` starts, so tag ``j`` is piece ``2j+1`` and the text after it piece ``2j+2``. Node ``k``
    (``tags[k]`` its tag) opens at tag ``opens[k]`` and closes at tag ``closes[k]`` (the same tag when empty,
    ``<x/>``); ``owner[j]`` is the node tag ``j`` opens, -1 for an end tag or a tag before the root.
    ``nodes[k]`` is node ``k`` itself (lxml's element, or a :class:`.tree.TokenElement` when the chapter is
    read without lxml's tree) and ``index`` maps a node back to ``k``.
    """

    def __init__(self, pieces: list[str], offsets: list[int], tags: list[str], opens: list[int],
                 closes: list[int], owner: list[int]) -> None:
        super().__init__()
        self.pieces = pieces
        self.offsets = offsets
        self.tags = tags
        self.opens = opens
        self.closes = closes
        self.owner = owner
        self.nodes: Any = ()  # indexed by k: a list of lxml's elements, or TokenElements made on first use
        self.index: dict[Any, int] = {}

    def release(self) -> None:
        """Drop the nodes: TokenElements and these spans refer to each other, and without this the cut source
        would wait for the cyclic garbage collector (whose passes then fall on later stages)."""
        self.nodes = ()
        self.index.clear()
        self.clear()

    def children(self, k: int) -> list[int]:
        """The child elements of node ``k``, in order: each opens at the tag after the previous one's end tag."""
        owner, closes = self.owner, self.closes
        out = []
        j, end = self.opens[k] + 1, closes[k]
        while j < end:
            out.append(child := owner[j])
            j = closes[child] + 1
        return out

    def tag_offset(self, k: int) -> int:
        """Where node ``k``'s start tag begins in the source."""
        return self.offsets[2 * self.opens[k] + 1]

    def piece_text(self, i: int) -> str:
        """Text piece ``i`` as lxml reports it (references decoded, line ends normalised)."""
        text = self.pieces[i]
        return decode_run(text, 0, len(text))[0] if "&" in text or "\r" in text else text

    def itertext(self, k: int) -> Iterator[str]:
        """The text inside node ``k`` piece by piece, as lxml's ``itertext`` gives it."""
        return map(self.piece_text, range(2 * self.opens[k] + 2, 2 * self.closes[k] + 2, 2))

    def __missing__(self, node: etree._Element) -> Spans:
        k = self.index[node]
        o, c = 2 * self.opens[k], 2 * self.closes[k]
        offsets = self.offsets
        span = (offsets[o + 1], offsets[o + 2], offsets[o + 2] if o == c else offsets[o + 3], offsets[c + 2],
                offsets[c + 3])
        self[node] = span
        return span


def _walk_spans(src: str, root: etree._Element) -> dict[etree._Element, Spans]:
    """:func:`tag_spans` by lxml's event walk, checking every tag; the reference for unusual sources."""
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
    """Text of ``src[start:end]`` as an XML parser reports it, with its source offsets: ``start`` when it
    is the source text itself, else runs (``cuts``, ``srcs``): decoded characters from ``cuts[i]`` on map
    one to one from ``srcs[i]`` on (a character reference's one character maps to its ``&``)."""
    raw = src[start:end]
    if "&" not in raw and "\r" not in raw and "<" not in raw:
        return raw, start
    out: list[str] = []
    cuts: list[int] = []
    srcs: list[int] = []
    n = pos = 0
    for m in _REF.finditer(raw):
        if m.start() > pos:
            out.append(raw[pos : m.start()])
            cuts.append(n)
            srcs.append(start + pos)
            n += m.start() - pos
        at = start + m.start()
        if m.group(1) or m.group(2):
            piece = chr(int(m.group(1), 16) if m.group(1) else int(m.group(2)))
        elif m.group(3):
            piece = _PREDEFINED[m.group(3)]
        elif m.group(4) is not None:
            piece, at = m.group(4), at + 9  # CDATA content: from after '<![CDATA['
        else:
            piece = "\n"
        if piece:
            out.append(piece)
            cuts.append(n)
            srcs.append(at)
            n += len(piece)
        pos = m.end()
    if pos < len(raw):
        out.append(raw[pos:])
        cuts.append(n)
        srcs.append(start + pos)
    return "".join(out), (cuts, srcs)


class LineBuilder:
    """One output line under construction: whitespace collapsed, ends stripped, origins kept as runs.

    The line is a list of parts; part ``k`` starts at source offset ``srcs[k]`` and its characters map one
    to one onward (``steps[k] == 1``, copied text) or all to that offset (``steps[k] == 0``, invented text).
    """

    __slots__ = ("last", "marks", "n", "parts", "pending", "srcs", "steps")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.srcs: list[int] = []
        self.steps: list[int] = []
        self.n = 0
        self.pending: int | None = None  # origin of a collapsed space waiting for more text
        self.last = 0  # origin of the last character
        self.marks: list[tuple[int, int, str]] = []  # (start, end, pmid) relative to the line

    def text(self, text: str, origins: Origins) -> None:
        """Append source text, collapsing XML whitespace runs to one space."""
        if origins.__class__ is int and text:
            if text.isspace() and not text.strip(" \t\r\n"):  # only XML whitespace (between elements)
                if self.n and self.pending is None and not self.parts[-1].endswith((" ", "\t")):
                    self.pending = origins
                return
            # anything _WS_RUN would find, by plain substring tests (C-level, no regex engine)
            if text[0] in " \t\r\n" or text[-1] in " \t\r\n" or "\n" in text or "  " in text or "\t" in text \
                    or "\r" in text:
                self._collapse(text, origins)
                return
            if self.pending is not None:  # the common case: nothing to collapse
                self.parts.append(" ")
                self.srcs.append(self.pending)
                self.steps.append(1)
                self.n += 1
                self.pending = None
            self.parts.append(text)
            self.srcs.append(origins)
            self.steps.append(1)
            self.n += len(text)
            self.last = origins + len(text) - 1
            return
        self._collapse(text, origins)

    def _collapse(self, text: str, origins: Origins) -> None:
        end = len(text.rstrip(" \t\r\n"))
        pos = len(text) - len(text.lstrip(" \t\r\n"))
        at = _at(origins)
        if pos:
            self.space(at(0))
        if pos >= end:
            return
        inner = text[pos:end]
        if "\n" in inner or "  " in inner or "\t" in inner or "\r" in inner:  # else _WS_RUN finds nothing
            for m in _WS_RUN.finditer(text, pos, end):
                self._put(text[pos : m.start()], origins, pos)
                self.space(at(m.start()))
                pos = m.end()
        self._put(text[pos:end], origins, pos)
        if end < len(text):
            self.space(at(end))

    def space(self, origin: int | None = None) -> None:
        """Ask for a space before whatever text comes next (none at the start of the line)."""
        if self.n and self.pending is None and not self.parts[-1].endswith((" ", "\t")):
            self.pending = self.last if origin is None else origin

    def raw(self, text: str, origin: int | None = None) -> None:
        """Append text verbatim (separators, tabs); a pending space is dropped."""
        self.pending = None
        if text:
            org = self.last if origin is None else origin
            self.parts.append(text)
            self.srcs.append(org)
            self.steps.append(0)
            self.n += len(text)
            self.last = org

    def ends_with(self, *suffixes: str) -> bool:
        """True when the text so far ends with one of ``suffixes``."""
        return bool(self.parts) and self.parts[-1].endswith(suffixes)

    def begin(self) -> int:
        """Offset where the next text will start (a pending space is placed first)."""
        if self.pending is not None:
            self.parts.append(" ")
            self.srcs.append(self.pending)
            self.steps.append(1)
            self.n += 1
            self.last = self.pending
            self.pending = None
        return self.n

    def extend(self, other: LineBuilder) -> tuple[int, int]:
        """Append another finished line; return its span in this one."""
        start = self.begin() if other.n else self.n
        if other.n:
            self.parts.extend(other.parts)
            self.srcs.extend(other.srcs)
            self.steps.extend(other.steps)
            self.n += other.n
            self.last = other.last
        if other.marks:  # most cells have none: no generator made for them
            self.marks.extend((s + start, e + start, pmid) for s, e, pmid in other.marks)
        return start, self.n

    def finish(self) -> str:
        """The line's text with trailing spaces cut (from its parts too)."""
        text = "".join(self.parts)
        if text.endswith(" "):
            text = text.rstrip(" ")
            cut = self.n - len(text)
            while cut:
                last = self.parts[-1]
                if len(last) <= cut:
                    cut -= len(last)
                    self.parts.pop()
                    self.srcs.pop()
                    self.steps.pop()
                else:
                    self.parts[-1] = last[: len(last) - cut]
                    cut = 0
            self.n = len(text)
        return text

    def _put(self, text: str, origins: Origins, pos: int) -> None:
        """Append ``text``, which starts at ``pos`` of a text whose characters map onto ``origins``."""
        if not text:
            return
        if self.pending is not None:
            self.parts.append(" ")
            self.srcs.append(self.pending)
            self.steps.append(1)
            self.n += 1
            self.pending = None
        if isinstance(origins, int):
            self.parts.append(text)
            self.srcs.append(origins + pos)
            self.steps.append(1)
            self.last = origins + pos + len(text) - 1
        else:  # decoded text: one part per run it touches
            cuts, srcs = origins
            stop = pos + len(text)
            i = bisect_right(cuts, pos) - 1
            at = pos
            while at < stop:
                cut = cuts[i + 1] if i + 1 < len(cuts) and cuts[i + 1] < stop else stop
                self.parts.append(text[at - pos : cut - pos])
                self.srcs.append(srcs[i] + at - cuts[i])
                self.steps.append(1)
                at = cut
                i += 1
            self.last = srcs[i - 1] + stop - 1 - cuts[i - 1]
        self.n += len(text)


def _at(origins: Origins) -> Callable[[int], int]:
    """The source offset of a character of a run, by its position."""
    if isinstance(origins, int):
        return origins.__add__
    return partial(_run_at, *origins)


def _run_at(cuts: list[int], srcs: list[int], pos: int) -> int:
    i = bisect_right(cuts, pos) - 1
    return srcs[i] + pos - cuts[i]
