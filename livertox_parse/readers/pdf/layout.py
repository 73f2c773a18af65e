"""PDF layout: pdfplumber characters -> lines, and the page-level rules that read lines as text.

* characters are normalised: ligatures split, odd spaces made plain, Symbol-font letters mapped to Greek
  (``m`` -> ``µ``), unused WinAnsi codes read as bullets (PDF 1.7, Annex D), then NFC;
* characters are grouped into lines by vertical overlap and read top to bottom, left to right (one column);
  a small group of smaller type (a superscript) is folded into the line it overlaps;
* running headers, footers and page numbers are lines whose centre lies in the top or bottom 7.5% of the
  page and whose text either repeats (digits masked) on two or more pages or is a bare page number
  (``3``, ``Page 3``, ``3/7``, ``3 of 7``);
* the NCBI Bookshelf citation is the block of page-1 lines above the title (the largest type on page 1),
  dropped when it is set smaller than the body text, names the Bookshelf, or ends like ``2012-.``;
* the body text size is the largest size that sets 10% or more of the regular characters; body lines of one
  style and normal line pitch carry on one paragraph, which ends at a larger gap, a change of style, a short
  line ending in punctuation, or a bullet.

Tables are read in :mod:`.pdf_tables`; :mod:`.pdf` runs the pages through both and assembles the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .tables import _Table

MARGIN_BAND = 0.075  # fraction of the page height searched for running headers and footers
PARA_PITCH = 1.5  # a line further than this many font sizes below the previous one starts a paragraph
SHORT_LINE = 0.25  # a line ending this fraction of the column width short of the right edge is "short"

_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_SPACES = frozenset(
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t"
)
_DROP = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# Adobe Symbol encoding, letters only; "m" is the micro sign as in units (µKat/L, µmol/L).
_SYMBOL = dict(
    zip("abgdezhqiklmnxprstufcywABGDEZHQIKLMNXPRSTUFCYW", "αβγδεζηθικλµνξπρστυφχψωΑΒΓΔΕΖΗΘΙΚΛΜΝΞΠΡΣΤΥΦΧΨΩ")
)
_WINANSI_BULLETS = frozenset({127, 129, 141, 143, 144, 157})  # unused WinAnsi codes print as bullets
_CID = re.compile(r"\(cid:(\d+)\)")
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(/|of)\s*\d{1,4})?$", re.IGNORECASE)
_YEAR_DASH = re.compile(r"(19|20)\d\d-\.$")
_BULLETS = ("•", "◦", "▪", "‣", "–\u00a0")
_NOTE_MARKS = "*†‡§¶#"


@dataclass(slots=True)
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass(slots=True)
class _Line:
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


@dataclass(slots=True)
class _Page:
    number: int
    width: float
    height: float
    items: list[_Line | _Table]
    nonspace: int


def _char(raw: dict[str, Any]) -> _Char | None:
    """One pdfplumber char, normalised; None for characters that carry nothing."""
    text = str(raw.get("text", ""))
    font = str(raw.get("fontname", ""))
    match = _CID.fullmatch(text)
    if match:
        text = "•" if int(match.group(1)) in _WINANSI_BULLETS else "\ufffd"
    elif "symbol" in font.lower() and text in _SYMBOL:
        text = _SYMBOL[text]
    text = "".join(" " if ch in _SPACES else _LIGATURES.get(ch, ch) for ch in text if ch not in _DROP)
    if not text:
        return None
    return _Char(
        text,
        float(raw["x0"]),
        float(raw["x1"]),
        float(raw["top"]),
        float(raw["bottom"]),
        round(float(raw.get("size", 0.0)), 1),
        bool(_BOLD.search(font)),
    )


def _inside(c: _Char, box: tuple[float, ...], pad: float = 1.0) -> bool:
    """True when the centre of ``c`` lies in ``box`` grown by ``pad`` on every side."""
    cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
    return box[0] - pad <= cx <= box[2] + pad and box[1] - pad <= cy <= box[3] + pad


def _lines(chars: list[_Char]) -> list[_Line]:
    """Group characters into lines (vertical overlap), each read left to right."""
    groups: list[list[_Char]] = []
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


def _merge_scripts(groups: list[list[_Char]]) -> list[list[_Char]]:
    """Fold a group of smaller type (a superscript such as the "th" of "20th") into the neighbouring
    line it overlaps most."""

    def extent(g: list[_Char]) -> tuple[float, float, float]:
        return min(c.top for c in g), max(c.bottom for c in g), max(c.size for c in g)

    out: list[list[_Char]] = []
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


def _line(group: list[_Char]) -> _Line | None:
    """One line's text (spaces from gaps, NFC) with its box, dominant size and boldness."""
    group.sort(key=lambda c: c.x0)
    parts: list[str] = []
    prev: _Char | None = None
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
    return _Line(
        text,
        group[0].x0,
        max(c.x1 for c in group),
        min(c.top for c in body),
        max(c.bottom for c in body),
        size,
        sum(c.bold for c in inked) >= 0.9 * len(inked),
        len(inked),
    )


def _drop_running_lines(pages: list[_Page]) -> list[str]:
    """Remove running headers, footers and page numbers in place; return their texts."""

    def band(line: _Line, page: _Page) -> bool:
        mid = (line.top + line.bottom) / 2
        return mid < MARGIN_BAND * page.height or mid > (1 - MARGIN_BAND) * page.height

    def key(text: str) -> str:
        return re.sub(r"\d+", "#", text.lower())

    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({key(it.text) for it in page.items if isinstance(it, _Line) and band(it, page)})
    dropped: list[str] = []
    for page in pages:
        keep: list[_Line | _Table] = []
        for it in page.items:
            if (
                isinstance(it, _Line)
                and band(it, page)
                and (seen[key(it.text)] >= 2 or _PAGE_NUMBER.match(it.text))
            ):
                dropped.append(it.text)
            else:
                keep.append(it)
        page.items = keep
    return dropped


def _drop_citation(page: _Page, body_size: float) -> str | None:
    """Remove the Bookshelf citation block above the page-1 title; return its text."""
    lines = [it for it in page.items if isinstance(it, _Line)]
    if not lines:
        return None
    title_size = max(line.size for line in lines)
    block: list[_Line] = []
    for it in page.items:
        if not isinstance(it, _Line) or it.size >= title_size:
            break
        block.append(it)
    if not block or len(block) == len(page.items):
        return None
    text = " ".join(line.text for line in block)
    if (
        "bookshelf" in text.lower()
        or _YEAR_DASH.search(block[-1].text)
        or all(line.size < body_size for line in block)
    ):
        page.items = page.items[len(block) :]
        return text
    return None


def _body_size(pages: list[_Page]) -> float:
    """The body text size: the largest size set in at least 10% of the regular (non-bold) characters.

    Not simply the most common size: a chapter whose bibliography (8pt) outweighs its narrative (10.5pt)
    would otherwise have every narrative line taken for a heading.
    """
    sizes: Counter[float] = Counter()
    for page in pages:
        for it in page.items:
            if isinstance(it, _Line) and not it.bold:
                sizes[it.size] += it.nchars
    total = sum(sizes.values())
    common = [size for size, n in sizes.items() if n >= 0.1 * total]
    return max(common) if common else 0.0


def _column(page: _Page) -> tuple[float, float]:
    xs = [(it.x0, it.x1) for it in page.items if isinstance(it, _Line)]
    if not xs:
        return (0.0, page.width)
    return (min(x for x, _ in xs), max(x for _, x in xs))


def _continues(prev: _Line, line: _Line, edges: dict[int, tuple[float, float]]) -> bool:
    """True when ``line`` carries on the paragraph that ``prev`` ends."""
    if prev.heading != line.heading or prev.bold != line.bold or abs(prev.size - line.size) > 0.4:
        return False
    if line.text.startswith(_BULLETS) or line.text[:1] in _NOTE_MARKS:
        return False
    if line.heading:  # a heading wrapped onto a second line
        return line.page == prev.page and line.top - prev.top <= PARA_PITCH * line.size
    left, right = edges[prev.page]
    short = prev.x1 < right - SHORT_LINE * (right - left)
    if short and prev.text[-1:] in ".:;!?)]":
        return False
    if line.page != prev.page:
        return not short or prev.text.endswith("-")
    return 0 < line.top - prev.top <= PARA_PITCH * line.size
