"""The text reader: bytes of a text monograph in, :class:`~livertox_parse.document.Document` out.

Text copied from a LiverTox PDF (by hand or by ``pdftotext``) carries print artefacts: the Bookshelf
citation block, running headers and page numbers at page breaks (form feeds when ``pdftotext`` made it),
stray leading spaces, ligatures and odd spaces, and words hyphenated across lines. They are removed here,
while every kept character remembers its offset in the decoded file. The PDF and NXML readers produce
the same line layout; :func:`livertox_parse.readers.read_document` picks the reader.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import re
import unicodedata
from collections import Counter
from pathlib import Path

from ..document import Document, Source, TextBuilder
from ..errors import LiverToxError
from .hyphenation import join_hyphen
from .hyphenation import vocabulary as hyphen_vocabulary
from .tables import tab_tables

_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
# tabs are kept: text copied from a web page or the XML separates table cells with them
_SPACES = dict.fromkeys("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " ")
_DELETE = dict.fromkeys("\u00ad\u200b\u200c\u200d\ufeff", "")
_EDGE_SPACE = " \r\v"  # stripped from line ends; tabs stay, they separate table cells
_CHAR_MAP = {**_LIGATURES, **_SPACES, **_DELETE}
_NEEDS_CHAR_MAP = re.compile("[" + "".join(_CHAR_MAP) + "]")

_CITATION_START = re.compile(r"^NCBI Bookshelf\b")
_CITATION_END = re.compile(r"\b(?:19|20)\d\d-\.?$")
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?(?P<n>\d{1,4})(?:\s*(?:/|of)\s*\d{1,4})?$", re.IGNORECASE)
_DATE_OR_TIME = re.compile(r"\d{1,4}[/:.-]\d{1,2}(?![\d-])|\b(?:19|20)\d\d\b")
_DIGITS = re.compile(r"\d+")
_HYPHEN_END = re.compile(r"([A-Za-z]*[a-z])-$")
BOOK_NAME = "LiverTox"


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


# byte-order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\xfe\xff", "utf-16-be"), (b"\xef\xbb\xbf", "utf-8"))


def decode_text(data: bytes, path: str | None) -> str:
    """Decode a text file: UTF-8, or UTF-8, UTF-16 or UTF-32 with a byte-order mark. Anything else raises
    LTX002 at the line and column of the first bad byte, with a hint when the file looks like UTF-16
    without a mark or a legacy 8-bit encoding (Windows-1252, Latin-1), the usual way such files are made."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise LiverToxError("LTX002", f"bytes {exc.start + len(bom)}-{exc.end + len(bom)} are not valid "
                                    f"{encoding.upper()}, which its byte-order mark promises", path=path) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LiverToxError("LTX002", f"byte 0x{data[exc.start]:02x} is not valid UTF-8 ({_encoding_hint(data)})",
                            path=path, line=line, column=column) from None


def _encoding_hint(data: bytes) -> str:
    head = data[:4096]
    if head.count(0) * 4 > len(head):  # every other byte NUL: UTF-16 text
        return "it looks like UTF-16 without a byte-order mark: save it as UTF-8"
    high = sum(b >= 0x80 for b in head)
    if 0 < high * 10 < len(head):  # mostly ASCII with a few accented letters or curly quotes
        return ("it looks like a legacy 8-bit encoding such as Windows-1252 or Latin-1: convert it to UTF-8, "
                "e.g. iconv -f cp1252 -t utf-8")
    return "expected UTF-8 text"


def _normalise_line(line: str, src: int) -> tuple[str, list[int] | int]:
    """NFC, ligatures, odd spaces; returns the text and each character's source offset (an int when the
    line is unchanged: its characters map one to one from there)."""
    if line.isascii() or (unicodedata.is_normalized("NFC", line) and not _NEEDS_CHAR_MAP.search(line)):
        return line, src
    out: list[str] = []
    origins: list[int] = []
    i = 0
    while i < len(line):
        j = i + 1
        while j < len(line) and unicodedata.combining(line[j]):
            j += 1
        cluster = unicodedata.normalize("NFC", line[i:j])
        cluster = "".join(_CHAR_MAP.get(c, c) for c in cluster)
        out.append(cluster)
        origins.extend([src + i] * len(cluster))
        i = j
    return "".join(out), origins


class _Line:
    __slots__ = ("drop", "origins", "text")

    def __init__(self, text: str, origins: list[int] | int) -> None:
        self.text = text
        self.origins = origins
        self.drop = False


def _split_lines(text: str) -> list[list[_Line]]:
    """Normalised, stripped lines grouped by page (form feeds separate pages)."""
    pages: list[list[_Line]] = []
    offset = 0  # of the line in the text: a form feed, like a newline, is one character between two lines
    for page_text in text.split("\f"):
        lines: list[_Line] = []
        for raw in page_text.split("\n"):
            line = raw.rstrip("\r")
            norm, origins = (line, offset) if line.isascii() else _normalise_line(line, offset)
            left = len(norm) - len(norm.lstrip(_EDGE_SPACE))
            norm = norm.strip(_EDGE_SPACE)
            lines.append(_Line(norm, origins + left if isinstance(origins, int) else origins[left : left + len(norm)]))
            offset += len(raw) + 1
        pages.append(lines)
    if len(pages) > 1 and not any(line.text for line in pages[-1]):
        pages.pop()
    return pages


def _mark_citation_block(pages: list[list[_Line]]) -> None:
    """Drop the Bookshelf citation printed at the top of the first page."""
    lines = [ln for ln in pages[0] if ln.text][:6]
    if not lines or not _CITATION_START.match(lines[0].text):
        return
    for line in lines:
        line.drop = True
        if _CITATION_END.search(line.text):
            return


def _shape(text: str) -> str:
    """A line with its numbers blanked: running headers differ only in page numbers and dates."""
    return _DIGITS.sub("#", text)


def _mark_running_furniture(pages: list[list[_Line]]) -> None:
    """Drop running headers, footers and page numbers, found by position (the first and last lines of a
    page) and repetition (the same shape of line on two or more pages), whatever the layout printed."""
    if len(pages) < 2:
        _mark_inline_page_breaks(pages[0])
        return
    tops = [[ln for ln in page if ln.text and not ln.drop][:3] for page in pages]
    bottoms = [[ln for ln in page if ln.text and not ln.drop][-3:] for page in pages]
    top_counts = Counter(_shape(ln.text) for top in tops for ln in top)
    # a running header tops most pages; a table's header row repeated on a page or two is no running header
    often = max(2.0, 0.75 * (len(pages) - 1))
    repeated_top = {t for t, n in top_counts.items() if n >= often and sum(c.isalpha() for c in t) >= 3}
    title = next((ln.text for ln in tops[0] if not _is_header_line(ln.text, repeated_top)), None)
    for number, top in enumerate(tops, start=1):
        dropped: set[str] = set()
        for line in top:
            if number == 1 and line.text == title:
                break  # the title on the first page is the title, not a running header
            if line.text in dropped:
                break  # a running line is printed once a page: the same words again are the text's own
            if _shape(line.text) in repeated_top or line.text in (BOOK_NAME, title) or _is_page_number(
                    line.text, number):
                line.drop = True
                dropped.add(line.text)
            else:
                break
    bottom_counts = Counter(_shape(ln.text) for bottom in bottoms for ln in bottom)
    for number, bottom in enumerate(bottoms, start=1):
        for line in reversed(bottom):
            is_address = ("http" in line.text or "www." in line.text) and bottom_counts[_shape(line.text)] >= 2
            if _is_page_number(line.text, number) or is_address:
                line.drop = True


def _mark_repeated_header_rows(pages: list[list[_Line]]) -> None:
    """Drop a table's first rows printed again at the top of the next page (a PDF table split across pages
    repeats its header: 'Medication:' / 'Amiodarone', 'Time After' / 'Starting' ...): below the running
    header, the page's first lines equal the lines that follow a table's heading (Key Points, Laboratory
    Values) on the page before. (Repeated on several pages, such a row may already be taken for a running
    header; it is dropped all the same.)"""
    for prev, page in itertools.pairwise(pages):
        before = [ln.text for ln in prev if ln.text and not ln.drop]
        lines = [ln for ln in page if ln.text]
        # the table running at the foot of the page before: the one under its last table heading
        starts = [i + 1 for i, text in enumerate(before) if _TABLE_HEADING.fullmatch(text)][-1:]
        best, at = 0, 0
        for skip in range(min(4, len(lines))):  # the running header's lines come first
            if skip and not lines[skip - 1].drop:
                break
            for start in starts:
                n = 0
                while skip + n < len(lines) and n < _MAX_HEADER_LINES and start + n < len(before) \
                        and before[start + n] == lines[skip + n].text:
                    n += 1
                if start + n < len(before) and n > best:  # the table ran on below its first rows
                    best, at = n, skip
        if best >= 2:
            for line in lines[at:at + best]:
                line.drop = True


def _is_header_line(text: str, repeated_top: set[str]) -> bool:
    """A page-1 top line that is a running header rather than the title: it repeats on other pages and
    carries a date or time (browser print), or names the site ('NCBI Bookshelf') or an address."""
    if "Bookshelf" in text or "http" in text:
        return True
    # a date or a time ('11/25/26, 10:04 PM'), not any digit: titles hold numbers ('Beta-2 Adrenergic Agonists')
    return _shape(text) in repeated_top and _DATE_OR_TIME.search(text) is not None


def _is_page_number(text: str, number: int) -> bool:
    """'3', '3/7', 'Page 3', 'Page 3 of 7' for page 3 (a bare number must be that page's)."""
    m = _PAGE_NUMBER.match(text)
    return m is not None and int(m.group("n")) == number


def _mark_inline_page_breaks(lines: list[_Line]) -> None:
    """Without form feeds, a bare page number followed by the book name marks a page break."""
    content = [ln for ln in lines if ln.text]
    for i, line in enumerate(content[:-1]):
        if _PAGE_NUMBER.match(line.text) and content[i + 1].text == BOOK_NAME:
            line.drop = content[i + 1].drop = True
            if i + 2 < len(content) and len(content[i + 2].text) < 80:
                content[i + 2].drop = True  # the running title follows the book name


# Text copied from a web page or an extraction can lose every line break: headings then run inline. These
# markers put them back on lines of their own (a synthetic newline; every character keeps its source).
_HEADINGS = (r"OVERVIEW|CASE REPORTS?|PRODUCT INFORMATION|REPRESENTATIVE TRADE NAMES|DRUG CLASS"
             r"|COMPLETE LABELING|CHEMICAL FORMULAS? AND STRUCTURES?|ANNOTATED BIBLIOGRAPHY|REFERENCES"
             r"|OTHER REFERENCE LINKS|CITED REFERENCES?|Key Points|Comment|Laboratory Values")
_SUBHEADINGS = r"Introduction|Background|Hepatotoxicity|Mechanism of Injury|Outcome and Management"
_INLINE_HEADING = re.compile(
    rf"(?:(?<=^)|(?<=\s))(?P<h>{_HEADINGS}"
    r"|(?:(?<=^)|(?<=[.:)\]] )|(?<=OVERVIEW ))"
    rf"(?:{_SUBHEADINGS}))"
    r"(?=\s+[A-Z0-9•\[])"
    r"|(?:(?<=^)|(?<=\s))(?P<line>Case \d+\.\s|(?:Other )?Drugs in the Subclass,|Drug Class:"
    r"|(?:Medication|Pattern|Severity|Latency|Recovery|Other medications):\s"
    r"|Other (?!medications)[A-Za-z][\w ,-]{2,60}:\s)"
)
_TABLE_HEADING = re.compile(r"Key Points|Laboratory Values|CHEMICAL FORMULAS? AND STRUCTURES?")
_MAX_HEADER_LINES = 16  # a repeated header row copied one cell per line: six columns, two lines each
_FLATTENED_MIN = 400  # a line this long with two inline headings is flattened text, not a paragraph
# the heading words alone: a literal search, far faster than _INLINE_HEADING's look-behinds at every position.
# Every inline heading is one of these words and no word holds another before its end, so a line where
# this finds fewer than two has fewer than two inline headings
_HEADING_WORDS = re.compile(f"{_HEADINGS}|{_SUBHEADINGS}")


def _unflatten(line: _Line) -> list[_Line]:
    """Split a line that holds several inline headings into heading lines and content lines."""
    text = line.text
    if len(text) < _FLATTENED_MIN:
        return [line]
    words = _HEADING_WORDS.finditer(text)
    if next(words, None) is None or next(words, None) is None:
        return [line]
    marks = list(_INLINE_HEADING.finditer(text))
    if sum(1 for m in marks if m.group("h")) < 2:
        return [line]
    cuts = {0, len(text)}
    for m in marks:
        cuts.add(m.start())
        if m.group("h"):
            cuts.add(m.end())
        elif m.group("line").startswith("Case"):
            title_end = re.search(r"[.)]\s+(?=[A-Z\[])", text[m.end() :])
            if title_end:
                cuts.add(m.end() + title_end.end())
    out = []
    bounds = sorted(cuts)
    for a, b in itertools.pairwise(bounds):
        piece = text[a:b]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        if piece:
            start = a + lead
            origins = (line.origins + start if isinstance(line.origins, int)
                       else line.origins[start : start + len(piece)])
            out.append(_Line(piece, origins))
    return out


def _hyphen_joins(kept: list[_Line], words: set[str], pairs: set[str]) -> list[str | None]:
    """For each line, how it joins the next: None (newline), '' (word joined), '-' (hyphen kept).

    The decision is :func:`~livertox_parse.readers.hyphenation.join_hyphen`'s; a hyphen before a digit or a capital
    (``beta-``/``1``, ``C759-``/``H1186``) keeps its line break.
    """
    joins: list[str | None] = [None] * len(kept)
    for i in range(len(kept) - 1):
        line, nxt = kept[i].text, kept[i + 1].text
        if not line.endswith("-") or not nxt[:1].islower() or not _HYPHEN_END.search(line):
            continue
        joins[i] = "" if join_hyphen(line, nxt, words, pairs) else "-"
    return joins


_SURROGATE = re.compile("[\ud800-\udfff]")


def refuse_surrogates(text: str, path: str | None) -> None:
    """Raise LTX002 at the first lone surrogate: a str can hold one, but no UTF-8 output can."""
    m = _SURROGATE.search(text)
    if m is None:
        return
    line = text.count("\n", 0, m.start()) + 1
    column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    raise LiverToxError("LTX002", f"character U+{ord(m.group()):04X} is a lone surrogate, not text "
                        "(expected valid Unicode)", path=path, line=line, column=column)


def document_from_text(text: str, source: Source) -> Document:
    """Normalise text copied from a LiverTox PDF into a Document (see module docstring); raises LTX002 for a
    lone surrogate."""
    refuse_surrogates(text, source.path)
    pages = _split_lines(text)
    _mark_citation_block(pages)
    _mark_running_furniture(pages)
    _mark_repeated_header_rows(pages)
    builder = TextBuilder()
    page_starts: list[int] = []
    body = [ln.text for page in pages for ln in page if not ln.drop]
    vocabulary: set[str] = set()
    hyphenated: set[str] = set()
    if any(line.endswith("-") for line in body):  # the vocabulary is only needed to judge hyphenation
        vocabulary, hyphenated = hyphen_vocabulary(body)
    for page in pages:
        kept = [ln for ln in page if not ln.drop]
        # collapse runs of blank lines, drop blanks at page edges
        compact: list[_Line] = []
        for line in (piece for ln in kept for piece in _unflatten(ln)):
            if not line.text and (not compact or not compact[-1].text):
                continue
            compact.append(line)
        while compact and not compact[-1].text:
            compact.pop()
        if not compact:
            continue
        if len(builder) and not builder.ends_with("\n"):
            builder.add_synthetic("\n")
        page_starts.append(len(builder))
        joins = _hyphen_joins(compact, vocabulary, hyphenated)
        copied: list[tuple[str, int, bool]] = []  # lines mapping one to one from their source: added at once
        for line, join in zip(compact, joins):
            piece = line.text if join != "" else line.text[:-1]
            if isinstance(line.origins, int):
                copied.append((piece, line.origins, join is None))
                continue
            builder.add_lines(copied)
            copied = []
            builder.add_mapped(piece, line.origins[: len(piece)])
            if join is None:
                builder.add_synthetic("\n")
        builder.add_lines(copied)
    starts = tuple(page_starts) if len(pages) > 1 else ()
    pages_count = len(pages) if len(pages) > 1 else None
    src = Source(source.path, source.format, source.sha256, pages_count)
    doc = builder.build(src, page_starts=starts, source_text=text)
    tables = tab_tables(doc.text) if "\t" in doc.text else ()
    return dataclasses.replace(doc, tables=tables) if tables else doc


def read_text(path: str | Path, data: bytes | None = None) -> Document:
    """Read a text monograph (UTF-8; UTF-16 and UTF-32 with a byte-order mark) from ``path`` (or from
    ``data`` when given)."""
    name = str(path)
    raw = read_bytes(path) if data is None else data
    text = decode_text(raw, name)
    if not text.strip():
        raise LiverToxError("LTX003", "file is empty (expected a LiverTox monograph)", path=name)
    return document_from_text(text, Source(name, "text", sha256_hex(raw), None))


def read_bytes(path: str | Path, max_bytes: int = 0) -> bytes:
    """The bytes of the file ``path``; LTX001 when it cannot be read, LTX030 (without reading it all) when
    it is larger than ``max_bytes`` (0: no limit)."""
    try:
        with open(path, "rb") as fh:
            if not max_bytes:
                return fh.read()
            data = fh.read(max_bytes + 1)  # not the size stat() claims: a device or FIFO has none
    except FileNotFoundError:
        raise LiverToxError("LTX001", "no such file", path=str(path)) from None
    except IsADirectoryError:
        raise LiverToxError("LTX001", "is a directory, expected a file", path=str(path)) from None
    except OSError as exc:
        raise LiverToxError("LTX001", f"cannot read: {exc.strerror}", path=str(path)) from None
    check_size(len(data), max_bytes, str(path))
    return data


def check_size(size: int, max_bytes: int, path: str | None) -> None:
    """LTX030 when an input of ``size`` bytes (or characters) is over ``max_bytes`` (0: no limit)."""
    if max_bytes and size > max_bytes:
        shown = f"more than {max_bytes}" if size == max_bytes + 1 else str(size)
        raise LiverToxError("LTX030", f"input is {shown} bytes, over the limit of {max_bytes} "
                            "(max_input_bytes)", path=path)
