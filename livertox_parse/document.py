"""The one input every stage reads: normalised text with offsets back to its source.

Every reader (text, PDF, NXML) produces a :class:`Document`. Its *line layout* is the contract the
sectioniser relies on, whatever the format:

* the chapter title on its own line, then ``Last Update: <Month D, YYYY>.`` when known;
* every heading (OVERVIEW, Introduction, ..., Case 1. <title>, Key Points, Comment, ...) on its own line,
  its text verbatim;
* paragraphs as lines of text (hard wraps are allowed; hyphenation across lines already joined);
* Key Points rows as ``Label: value`` lines (or, in text copied from a PDF, ``Label:`` then the value on a
  later line);
* tables read as tables (by PDF or XML readers) are also listed in :attr:`Document.tables`, one row per
  line in the text with cells separated by a tab; every cell's span indexes :attr:`Document.text`.

Offsets are Python string indices into ``Document.text``. ``origin`` maps each of them to an index in the
source text (the decoded file for text and NXML); PDFs have no source text, so their provenance is the page.
"""

from __future__ import annotations

import bisect
import struct
from array import array
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, compress, repeat
from operator import ne, sub
from typing import Literal

Format = Literal["text", "pdf", "nxml"]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a document came from."""

    path: str | None
    format: Format
    sha256: str | None = None
    pages: int | None = None


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell; ``text == Document.text[start:end]``."""

    text: str
    start: int
    end: int
    colspan: int = 1
    header: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A table as read from the layout or the markup.

    ``kind`` is one of ``key_points``, ``laboratory_values``, ``chemical``, ``agents`` or ``other``.
    ``notes`` holds footnotes such as ``* Converted from µKat/L.``.
    """

    kind: str
    rows: tuple[tuple[Cell, ...], ...]
    start: int
    end: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Location:
    """A human-facing position: page for PDFs, line and column (1-based) for text and XML."""

    page: int | None = None
    line: int | None = None
    column: int | None = None


def text_lines(text: str, offset: int = 0) -> list[tuple[int, str]]:
    """(offset of its first character, line) for every line of ``text``, newline excluded; offsets are
    shifted by ``offset`` when ``text`` is a slice of a larger text."""
    out = []
    pos = offset
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _int64s(values: list[int]) -> bytes:
    """``values`` as an array("q") holds them: packed at once, ~4x faster than array.extend's item by item."""
    return struct.pack(f"{len(values)}q", *values)


class OffsetMap:
    """Maps output offsets to source offsets as runs (output start, source start, step 0 or 1).

    Text copied from the source is one run with step 1; invented text (newlines, tabs) is a run with step
    0 pinned to the source offset before it. Indexing ``m[i]`` gives the source offset of output ``i``.
    """

    __slots__ = ("_length", "_out", "_src", "_step")

    def __init__(self) -> None:
        self._out = array("q")
        self._src = array("q")
        self._step = array("b")
        self._length = 0

    def append_run(self, out: int, src: int, step: int, length: int) -> None:
        """Map ``length`` output characters from ``out`` onto the source from ``src`` (step 0 or 1)."""
        if length <= 0:
            return
        if self._out:
            k = len(self._out) - 1
            if self._step[k] == step and self._src[k] + step * (out - self._out[k]) == src:
                self._length = out + length
                return
        self._out.append(out)
        self._src.append(src)
        self._step.append(step)
        self._length = out + length

    def add_runs(self, outs: list[int], srcs: list[int], end: int) -> None:
        """Append runs of step 1 starting at ``outs`` (output) and ``srcs`` (source), the last ending at
        ``end``; the caller guarantees that none continues the one before it."""
        self._out.frombytes(_int64s(outs))
        self._src.frombytes(_int64s(srcs))
        self._step.frombytes(b"\1" * len(outs))
        self._length = end

    def extend_runs(self, outs: list[int], srcs: list[int], steps: list[int], end: int) -> None:
        """Append runs starting at ``outs`` (output) and ``srcs`` (source) with their steps, the last ending
        at ``end``; none is empty (a run that continues the one before it is kept as a run of its own)."""
        self._out.frombytes(_int64s(outs))
        self._src.frombytes(_int64s(srcs))
        self._step.frombytes(bytes(steps))
        self._length = end

    def __len__(self) -> int:
        return self._length + 1

    def sources(self) -> array[int]:
        """The source offset of every index, in order (``[m[i] for i in range(len(m))]``, a run at a time):
        equal for any two maps that agree at every index, however their runs are cut."""
        out = array("q")
        if not self._out:
            return array("q", [0]) * len(self)
        ends = [*self._out[1:], len(self)]
        for start, end, src, step in zip(self._out, ends, self._src, self._step, strict=True):
            out.extend(range(src, src + end - start) if step else repeat(src, end - start))
        return out

    def __getitem__(self, i: int) -> int:
        if not self._out:
            return 0
        k = max(0, bisect.bisect_right(self._out, i) - 1)
        return self._src[k] + self._step[k] * (i - self._out[k])


@dataclass(frozen=True)
class Document:
    """Normalised text plus what is needed to point back into the source."""

    text: str
    source: Source
    page_starts: tuple[int, ...] = ()
    origin: OffsetMap | None = None  # source offset of every text offset, or None
    tables: tuple[Table, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)
    source_text: str | None = field(default=None, repr=False)  # the decoded source (text, NXML), for its lines

    @cached_property
    def source_line_starts(self) -> tuple[int, ...]:
        """Where each line of the source text starts: 0, then one past every newline; () without a source
        text. Worked out when first asked for: only a warning's location needs it (77 of 551 dev chapters)."""
        if self.source_text is None:
            return ()
        return tuple(accumulate(map((1).__add__, map(len, self.source_text.split("\n")[:-1])), initial=0))

    def page_of(self, offset: int) -> int | None:
        """1-based page holding ``offset``, or None when the source has no pages."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))

    def source_offset(self, offset: int) -> int | None:
        """Offset in the source text that produced ``text[offset]``."""
        if self.origin is None or not len(self.origin):
            return None
        return int(self.origin[min(max(offset, 0), len(self.origin) - 1)])

    def locate(self, offset: int) -> Location:
        """Page, or line and column in the source, of a text offset."""
        page = self.page_of(offset)
        src = self.source_offset(offset)
        if src is None or not self.source_line_starts:
            return Location(page=page)
        line = bisect.bisect_right(self.source_line_starts, src)
        return Location(page=page, line=line, column=src - self.source_line_starts[line - 1] + 1)


class TextBuilder:
    """Accumulates normalised text while remembering where every character came from.

    Readers call :meth:`add` for text copied from the source (``src`` is the source offset of its first
    character, each further character maps one further) and :meth:`add_synthetic` for text they invent
    (separators, newlines), which maps to the source offset of what came before it.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._origin = OffsetMap()
        self._length = 0
        self._last_src = 0
        # runs given to add_runs and not yet in the map (lengths, sources, steps), the first starting at
        # ``_runs_at``: kept as plain lists and laid out in the map at once (one sum, three extends)
        self._lens: list[int] = []
        self._srcs: list[int] = []
        self._steps: list[int] = []
        self._runs_at = 0

    def _settle(self) -> None:
        """Lay the runs kept by add_runs out in the map."""
        if self._lens:
            outs = list(accumulate(self._lens, initial=self._runs_at))
            self._origin.extend_runs(outs[:-1], self._srcs, self._steps, outs[-1])
            self._lens, self._srcs, self._steps = [], [], []

    def __len__(self) -> int:
        return self._length

    def add(self, text: str, src: int | None) -> tuple[int, int]:
        """Append ``text`` copied from source offset ``src``; return its (start, end) in the output."""
        self._settle()
        start = self._length
        if not text:
            return start, start
        if src is None:
            self._origin.append_run(start, self._last_src, 0, len(text))
        else:
            self._origin.append_run(start, src, 1, len(text))
            self._last_src = src + len(text)
        self._parts.append(text)
        self._length += len(text)
        return start, self._length

    def add_mapped(self, text: str, origins: list[int]) -> tuple[int, int]:
        """Append ``text`` whose characters map one to one onto ``origins``."""
        if len(origins) != len(text):
            raise ValueError("origins must map every character")
        self._settle()
        start = self._length
        if text:
            # one run per stretch of consecutive source offsets, not one per character; the breaks are
            # found by C-level iteration (map/compress), which is what makes this cheap on long lines
            breaks = list(compress(range(1, len(origins)), map(ne, map(sub, origins[1:], origins), repeat(1))))
            # only the first run can continue the map's last one; the others start new runs
            self._origin.append_run(start, origins[0], 1, breaks[0] if breaks else len(origins))
            if breaks:
                self._origin.add_runs([start + k for k in breaks], [origins[k] for k in breaks], start + len(origins))
            self._last_src = origins[-1] + 1
            self._parts.append(text)
            self._length += len(text)
        return start, self._length

    def add_runs(self, text: str, parts: list[str], srcs: list[int], steps: list[int], *,
                 newline: bool = False) -> tuple[int, int]:
        """Append ``text``, the concatenation of ``parts``; part ``k`` maps from source offset ``srcs[k]``
        onward (``steps[k] == 1``) or wholly onto it (``steps[k] == 0``). With ``newline``, a newline
        follows as :meth:`add_synthetic` would add it. Returns the span of ``text``."""
        start = self._length
        if text:
            end = start + len(text)
            self._last_src = srcs[-1] + steps[-1] * (len(parts[-1]) - 1) + 1
            # one run per part (a part that continues the run before it is a run of its own: same offsets)
            if not self._lens:
                self._runs_at = start
            self._lens += map(len, parts)
            self._srcs += srcs
            self._steps += steps
            if newline:  # a run of its own: it maps to the source offset after the text's last one
                self._lens.append(1)
                self._srcs.append(self._last_src)
                self._steps.append(0)
            self._parts.append(text)
            self._length = end
            if newline:
                self._parts.append("\n")
                self._length += 1
            return start, end
        if newline:
            self.add_synthetic("\n")
        return start, start

    def add_lines(self, lines: list[tuple[str, int, bool]]) -> None:
        """Append lines copied from the source, each (text, source offset of its first character, whether a
        newline follows): the map :meth:`add` and :meth:`add_synthetic` would make line by line, kept as
        runs as :meth:`add_runs` keeps them (a text reader adds hundreds of lines a chapter)."""
        parts: list[str] = []
        srcs: list[int] = []
        steps: list[int] = []
        last = self._last_src
        for text, src, newline in lines:
            if text:
                parts.append(text)
                srcs.append(src)
                steps.append(1)
                last = src + len(text)
            if newline:  # maps where add_synthetic maps it: one past the text before
                parts.append("\n")
                srcs.append(last)
                steps.append(0)
        if parts:
            if not self._lens:
                self._runs_at = self._length
            self._lens += map(len, parts)
            self._srcs += srcs
            self._steps += steps
            text = "".join(parts)
            self._parts.append(text)
            self._length += len(text)
            self._last_src = last

    def add_synthetic(self, text: str) -> tuple[int, int]:
        """Append text that has no source of its own (a newline, a tab between cells)."""
        return self.add(text, None)

    def ends_with(self, suffix: str) -> bool:
        """True when the text so far ends with ``suffix``."""
        tail = "".join(self._parts[-4:])
        return tail.endswith(suffix)

    def build(
        self,
        source: Source,
        *,
        page_starts: tuple[int, ...] = (),
        source_text: str | None = None,
        tables: tuple[Table, ...] = (),
        extra: dict[str, object] | None = None,
    ) -> Document:
        """Freeze into a Document; ``source_text`` enables line/column locations."""
        self._settle()
        return Document(
            text="".join(self._parts),
            source=source,
            page_starts=page_starts,
            origin=self._origin,
            source_text=source_text,
            tables=tables,
            extra=dict(extra or {}),
        )
