"""Resource limits for PDFs (:mod:`livertox_parse.limits`), enforced before pdfminer spends the resources.

* :func:`check_streams` inflates every compressed stream of the file once, in bounded pieces that are
  thrown away, before pdfminer opens it: a stream that inflates to a gigabyte is refused after the limit
  is reached, not after a gigabyte was held. Streams are found by their ``stream``/``endstream`` keywords,
  so cross-reference streams, object streams, fonts and images are all counted, whatever their dictionary
  says.
* :class:`LimitedPage` is a pdfplumber page whose layout device refuses a text string or a page past the
  limits before pdfminer makes an object per character, and checks the time limit as it goes.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from typing import Any

from pdfminer.lzw import LZWDecoder
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent

from ...limits import Limits, check_time, exceeded, over

_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_LZW = re.compile(rb"/LZWDecode|/LZW\b")
_PIECE = 1 << 20  # bytes inflated at a time
_ZLIB_HEADS = (b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda")


def check_streams(data: bytes, limit: int) -> None:
    """Raise LimitExceeded (LTX033) when the file's compressed streams inflate to more than ``limit``
    bytes in all (Flate, Flate inside Flate, LZW); other streams count their stored size."""
    if not limit:
        return
    total = 0
    pos = 0
    while (m := _STREAM.search(data, pos)) is not None:
        end = data.find(b"endstream", m.end())
        end = len(data) if end < 0 else end
        body = data[m.end():end]
        head = data[max(0, m.start() - 300):m.start()]
        pieces = _lzw(body) if _LZW.search(head) else _inflate(iter((body,)), 0)
        for piece in pieces:
            total += len(piece)
            if total > limit:
                raise exceeded("LTX033", f"PDF streams inflate to more than {limit} bytes (max_stream_bytes): "
                               "a decompression bomb or not a chapter")
        check_time()
        pos = max(end, m.end())


def _inflate(chunks: Iterator[bytes], depth: int) -> Iterator[bytes]:
    """The inflated pieces of a zlib stream given in ``chunks`` (unchanged when it is not one), inflated
    again when the result is itself zlib data (up to 3 layers)."""
    first = next(chunks, b"")
    if depth > 3 or first[:2] not in _ZLIB_HEADS:
        yield first
        yield from chunks
        return
    yield from _inflate(_pieces(first, chunks), depth + 1)


def _pieces(first: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    z = zlib.decompressobj()
    for chunk in (first, *chunks):
        try:
            while chunk:
                yield z.decompress(chunk, _PIECE)
                chunk = z.unconsumed_tail
        except zlib.error:
            return  # pdfminer reads what inflated before the damage, and no more
        if z.eof:
            return


def _lzw(body: bytes) -> Iterator[bytes]:
    try:
        yield from LZWDecoder(io.BytesIO(body)).run()
    except Exception:  # noqa: BLE001  # damaged LZW data: pdfminer stops there too
        return


class _LimitedDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's layout device, counting what the page draws against the limits."""

    def __init__(self, *args: Any, limits: Limits, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits
        self.chars = 0
        self.shapes = 0

    def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
        length = sum(len(item) for item in seq if isinstance(item, bytes))
        if over(self.limits.max_string_chars, length):
            raise exceeded("LTX032", f"PDF text string of {length} characters on page {self.pageno}, over the "
                           f"limit of {self.limits.max_string_chars} (max_string_chars)", page=self.pageno)
        self._count("chars", length)
        super().render_string(textstate, seq, ncs, graphicstate)

    def paint_path(self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Any) -> None:
        self._count("shapes", 1)
        super().paint_path(gstate, stroke, fill, evenodd, path)

    def _count(self, what: str, n: int) -> None:
        count = getattr(self, what) + n
        setattr(self, what, count)
        if over(self.limits.max_page_chars, count):
            noun = "characters" if what == "chars" else "drawn shapes"
            raise exceeded("LTX031", f"PDF page {self.pageno} has more than {self.limits.max_page_chars} {noun} "
                           "(max_page_chars)", page=self.pageno)
        if count % 1000 < n or n >= 1000:
            check_time()


class LimitedPage(Page):
    """A pdfplumber page laid out by :class:`_LimitedDevice` (the same device pdfplumber uses, counting)."""

    limits: Limits = Limits()

    @property
    def layout(self) -> Any:
        if hasattr(self, "_layout"):
            return self._layout
        device = _LimitedDevice(self.pdf.rsrcmgr, pageno=self.page_number, laparams=self.pdf.laparams,
                                limits=self.limits)
        interpreter = PDFPageInterpreter(self.pdf.rsrcmgr, device)
        interpreter.process_page(self.page_obj)  # pdfplumber wraps failures; read_pdf maps them to LTX010
        self._layout = device.get_result()
        return self._layout
