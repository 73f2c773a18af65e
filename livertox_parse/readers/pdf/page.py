"""PDF page model shared by the layout and table rules: characters, lines, ruled tables, pages.

:mod:`.layout` and :mod:`.tables` both read these types and group characters into lines the same way, so
they live here and neither rule module imports the other.

Characters are grouped into lines by vertical overlap and read top to bottom, left to right (one column);
a small group of smaller type (a superscript) is folded into the line it overlaps.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

NOTE_MARKS = "*†‡§¶#"  # footnote markers after a table


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    family: str = ""  # the font's family: 'Times' of 'Times-Bold', 'Arial' of 'ABCDEF+Arial-BoldMT'


@dataclass(slots=True)
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    nchars: int
    page: int = 0
    heading: bool = False
    family: str = ""


@dataclass(slots=True)
class LaidOutPage:
    number: int
    width: float
    height: float
    items: list[Line | RuledTable]
    nonspace: int


@dataclass(slots=True)
class RuledCell:
    text: str
    colspan: int
    bold: bool


@dataclass(slots=True)
class RuledTable:
    rows: list[list[RuledCell | None]]
    ncols: int
    top: float
    bottom: float
    page: int
    notes: list[str] = field(default_factory=list)
    row_pages: list[int] = field(default_factory=list)  # page of each row, once tables are merged


def char_in_box(c: Char, box: tuple[float, ...], pad: float = 1.0) -> bool:
    """True when the centre of ``c`` lies in ``box`` grown by ``pad`` on every side."""
    cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
    return box[0] - pad <= cx <= box[2] + pad and box[1] - pad <= cy <= box[3] + pad


def group_lines(chars: list[Char]) -> list[Line]:
    """Group characters into lines (vertical overlap), each read left to right."""
    groups: list[list[Char]] = []
    bottom = -1e9
    for c in sorted(chars, key=lambda c: c.top):
        mid = (c.top + c.bottom) / 2
        if groups and mid <= bottom:
            groups[-1].append(c)
            bottom = max(bottom, c.bottom)
        else:
            groups.append([c])
            bottom = c.bottom
    groups = _merge_scripts(groups)
    lines = []
    for group in groups:
        line = _line(group)
        if line is not None:
            lines.append(line)
    return lines


def _merge_scripts(groups: list[list[Char]]) -> list[list[Char]]:
    """Fold a group of smaller type (a superscript such as the "th" of "20th") into the neighbouring
    line it overlaps most."""

    def extent(g: list[Char]) -> tuple[float, float, float]:
        return min(c.top for c in g), max(c.bottom for c in g), max(c.size for c in g)

    out: list[list[Char]] = []
    for i, group in enumerate(groups):
        top, bottom, size = extent(group)
        best, overlap = None, 0.0
        for j in (i - 1, i + 1):
            if 0 <= j < len(groups):
                t, b, s = extent(groups[j])
                ov = min(bottom, b) - max(top, t)
                if size < 0.9 * s and len(group) <= 6 and ov > overlap:
                    best, overlap = j, ov
        if best is None:
            out.append(group)
        elif best < i:
            out[-1].extend(group)
        else:
            groups[best] = group + groups[best]
    return out


def _line(group: list[Char]) -> Line | None:
    """One line's text (spaces from gaps, NFC) with its box, dominant size and boldness."""
    group.sort(key=lambda c: c.x0)
    parts: list[str] = []
    prev: Char | None = None
    for c in group:
        if prev is not None:
            if c.text == prev.text and abs(c.x0 - prev.x0) < 0.1 * c.size:
                continue  # overprinted duplicate (fake bold)
            if c.x0 - prev.x1 > 0.2 * min(c.size, prev.size) and not c.text.isspace():
                parts.append(" ")
        parts.append(c.text)
        prev = c
    text = unicodedata.normalize("NFC", " ".join("".join(parts).split()))
    if not text:
        return None
    inked = [c for c in group if not c.text.isspace()]
    size = Counter(c.size for c in inked).most_common(1)[0][0]
    body = [c for c in inked if c.size == size]  # the line's box ignores superscripts
    return Line(
        text,
        group[0].x0,
        max(c.x1 for c in group),
        min(c.top for c in body),
        max(c.bottom for c in body),
        size,
        sum(c.bold for c in inked) >= 0.9 * len(inked),
        len(inked),
        family=Counter(c.family for c in inked).most_common(1)[0][0],
    )
