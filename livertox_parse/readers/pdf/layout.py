"""PDF layout: pdfplumber characters normalised, and the page-level rules that read lines as text.

* characters are normalised: ligatures split, odd spaces made plain, Symbol-font characters read by the
  Symbol encoding (pdfminer reads that unencoded font by the Standard one: ``m`` -> ``µ``, ``fi`` -> ``→``,
  ``‡`` -> ``≥``; ``rules/symbol_font.json``), unused WinAnsi codes read as bullets (PDF 1.7, Annex D),
  then NFC;
* running headers, footers and page numbers are lines whose centre lies in the top or bottom 7.5% of the
  page and whose text either repeats (digits masked) on two or more pages, is a bare page number
  (``3``, ``Page 3``, ``3/7``, ``3 of 7``) or holds the chapter title (after page 1);
* the NCBI Bookshelf citation is the block of page-1 lines above the title (the largest type on page 1),
  dropped when it is set smaller than the body text, names the Bookshelf, or ends like ``2012-.``;
* the body text size is the largest size that sets 10% or more of the regular characters; body lines of one
  style and normal line pitch carry on one paragraph, which ends at a larger gap, a change of style, a short
  line ending in punctuation (in justified text: any line short of the right edge), or a bullet.

Characters are grouped into lines in :mod:`.page`, tables are read in :mod:`.tables`; the package
(:func:`read_pdf`) runs the pages through both and assembles the text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from pdfminer.encodingdb import EncodingDB

from ...rules import load_table
from .page import NOTE_MARKS, Char, LaidOutPage, Line, RuledTable

MARGIN_BAND = 0.075  # fraction of the page height searched for running headers and footers
PARA_PITCH = 1.5  # a line further than this many font sizes below the previous one starts a paragraph
FULL_LINE = 0.9  # a line this fraction of the column width or wider runs the full width (body text)
SHORT_LINE = 0.25
FLUSH = 1.0  # a line ending within this many points of the column's right edge runs to the edge  # a line ending this fraction of the column width short of the right edge is "short"

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
# Symbol font codes: what pdfminer reads there (the Standard encoding's character, or "(cid:N)") -> what
# the font prints; "m" is the micro sign, as in units (µKat/L, µmol/L)
_SYMBOL_CODES = {int(rule["code"]): str(rule["prints"]) for rule in load_table("symbol_font").rules}
_SYMBOL = {
    **{f"(cid:{code})": char for code, char in _SYMBOL_CODES.items()},
    **{EncodingDB.std2unicode[code]: char for code, char in _SYMBOL_CODES.items() if code in EncodingDB.std2unicode},
}
_WINANSI_BULLETS = frozenset({127, 129, 141, 143, 144, 157})  # unused WinAnsi codes print as bullets
_SUBSET = re.compile(r"^[A-Z]{6}\+")  # an embedded subset's tag: 'ABCDEF+Arial-BoldMT'
_SURROGATE = re.compile("[\ud800-\udfff]")
_CID = re.compile(r"\(cid:(\d+)\)")
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(/|of)\s*\d{1,4})?$", re.IGNORECASE)
_YEAR_DASH = re.compile(r"(19|20)\d\d-\.$")
_BULLETS = ("•", "◦", "▪", "‣", "–\u00a0")



def normalise_char(raw: dict[str, Any]) -> Char | None:
    """One pdfplumber char, normalised; None for characters that carry nothing."""
    text = str(raw.get("text", ""))
    font = str(raw.get("fontname", ""))
    match = _CID.fullmatch(text)
    if "symbol" in font.lower() and text in _SYMBOL:
        text = _SYMBOL[text]
    elif match:
        text = "•" if int(match.group(1)) in _WINANSI_BULLETS else "\ufffd"
    text = "".join(" " if ch in _SPACES else _LIGATURES.get(ch, ch) for ch in text if ch not in _DROP)
    if not text:
        return None
    if _SURROGATE.search(text):  # a damaged ToUnicode map: no UTF-8 output can hold a lone surrogate
        text = _SURROGATE.sub("\ufffd", text)
    box = (float(raw["x0"]), float(raw["x1"]), float(raw["top"]), float(raw["bottom"]))
    size = float(raw.get("size", 0.0))
    if not all(math.isfinite(v) for v in (*box, size)):
        return None  # a damaged text matrix (inf, NaN): the character has no place on the page
    family = re.split(r"[-,]", _SUBSET.sub("", font), maxsplit=1)[0]
    return Char(text, *box, round(size, 1), bool(_BOLD.search(font)), family)


def drop_running_lines(pages: list[LaidOutPage]) -> list[str]:
    """Remove running headers, footers and page numbers in place; return their texts."""

    def band(line: Line, page: LaidOutPage) -> bool:
        mid = (line.top + line.bottom) / 2
        return mid < MARGIN_BAND * page.height or mid > (1 - MARGIN_BAND) * page.height

    def key(text: str) -> str:
        return re.sub(r"\d+", "#", text.lower())

    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({key(it.text) for it in page.items if isinstance(it, Line) and band(it, page)})
    # the chapter title (page 1's largest type) in a later page's margin is a running header, even on the one
    # page of a two-page chapter that carries one
    first = [it for it in pages[0].items if isinstance(it, Line)] if pages else []
    title = max(first, key=lambda it: it.size).text if first else None
    dropped: list[str] = []
    for page in pages:
        keep: list[Line | RuledTable] = []
        for it in page.items:
            if (
                isinstance(it, Line)
                and band(it, page)
                and (
                    seen[key(it.text)] >= 2
                    or _PAGE_NUMBER.match(it.text)
                    or (page is not pages[0] and title is not None and len(title) > 3 and title in it.text)
                )
            ):
                dropped.append(it.text)
            else:
                keep.append(it)
        page.items = keep
    return dropped


def drop_citation(page: LaidOutPage, body_size: float) -> str | None:
    """Remove the Bookshelf citation block above the page-1 title; return its text."""
    lines = [it for it in page.items if isinstance(it, Line)]
    if not lines:
        return None
    title_size = max(line.size for line in lines)
    block: list[Line] = []
    for it in page.items:
        if not isinstance(it, Line) or it.size >= title_size:
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


def body_text_size(pages: list[LaidOutPage]) -> float:
    """The body text size: the largest size that sets 10% or more of the regular (non-bold) characters, or
    five or more regular lines running the full width of the column (a paragraph; headings run short).

    Not simply the most common size: a chapter whose bibliography (8pt) outweighs its narrative (10.5pt)
    would otherwise have every narrative line taken for a heading; the full lines keep the narrative's size
    even where the bibliography sets nine characters in ten (ACE Inhibitors).
    """
    sizes: Counter[float] = Counter()
    full: Counter[float] = Counter()
    for page in pages:
        left, right, _ = column_edges(page)
        for it in page.items:
            if isinstance(it, Line) and not it.bold:
                sizes[it.size] += it.nchars
                full[it.size] += it.x1 - it.x0 >= FULL_LINE * (right - left)
    total = sum(sizes.values())
    common = [size for size, n in sizes.items() if n >= 0.1 * total or full[size] >= 5]
    return max(common) if common else 0.0


def body_family(pages: list[LaidOutPage], body_size: float) -> str:
    """The font family of the body text: the most common among regular lines set at the body size."""
    families: Counter[str] = Counter()
    for page in pages:
        for it in page.items:
            if isinstance(it, Line) and not it.bold and it.size == body_size:
                families[it.family] += it.nchars
    return families.most_common(1)[0][0] if families else ""


def column_edges(page: LaidOutPage) -> tuple[float, float, bool]:
    """The page's column: its left and right edges, and whether its text is justified (most of its body
    lines, three or more, end at the right edge)."""
    lines = [it for it in page.items if isinstance(it, Line)]
    if not lines:
        return (0.0, page.width, False)
    left, right = min(it.x0 for it in lines), max(it.x1 for it in lines)
    body = [it for it in lines if not it.bold]
    flush = sum(1 for it in body if right - it.x1 < FLUSH)
    return (left, right, flush >= 3 and flush >= 0.5 * len(body))


def continues_paragraph(prev: Line, line: Line, edges: dict[int, tuple[float, float, bool]]) -> bool:
    """True when ``line`` carries on the paragraph that ``prev`` ends."""
    if prev.heading != line.heading or prev.bold != line.bold or abs(prev.size - line.size) > 0.4:
        return False
    if line.text.startswith(_BULLETS) or line.text[:1] in NOTE_MARKS:
        return False
    if line.heading:  # a heading wrapped onto a second line
        return line.page == prev.page and line.top - prev.top <= PARA_PITCH * line.size
    left, right, justified = edges[prev.page]
    short = prev.x1 < right - SHORT_LINE * (right - left)
    # in justified text only a paragraph's last line ends short of the right edge (a paragraph ending at the
    # foot of a page with a line nearly full is told apart from one running on to the next page)
    if (short or (justified and prev.x1 < right - FLUSH)) and prev.text[-1:] in ".:;!?)]":
        return False
    if line.page != prev.page:
        return not short or prev.text.endswith("-")
    return 0 < line.top - prev.top <= PARA_PITCH * line.size
