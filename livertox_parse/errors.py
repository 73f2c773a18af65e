"""One error type for everything the package refuses, with a stable code and provenance.

Codes are stable: tools and CI configurations match on them. ``LTX0xx`` are input errors (the file could
not be read as a monograph at all). Non-fatal findings are not exceptions but ``warnings`` entries on the
Monograph, with ``LTW`` codes listed in :data:`WARNING_CODES`.
"""

from __future__ import annotations

ERROR_CODES: dict[str, str] = {
    "LTX001": "file not found or not readable",
    "LTX002": "text is not valid UTF-8 (nor UTF-16/UTF-32 with a byte-order mark)",
    "LTX003": "empty input",
    "LTX004": "unsupported input format",
    "LTX005": "not a LiverTox monograph",
    "LTX006": "not a monograph: the book's front matter or a method chapter (skipped, not a failure)",
    "LTX010": "PDF is corrupt or not a PDF",
    "LTX011": "PDF is encrypted",
    "LTX012": "PDF has no pages",
    "LTX013": "PDF has no text layer (scanned image?)",
    "LTX020": "XML is malformed",
    "LTX021": "XML uses a forbidden construct (entity, DTD)",
    "LTX022": "archive member is unsafe (absolute path, '..', link or device)",
    "LTX023": "archive member is larger than the limit",
    "LTX024": "archive is corrupt",
    "LTX025": "archive is not a gzip-compressed tar",
    "LTX026": "archive holds no chapter",
    "LTX030": "input is larger than the limit (max_input_bytes)",
    "LTX031": "PDF page has more characters or shapes than the limit (max_page_chars)",
    "LTX032": "PDF text string is longer than the limit (max_string_chars)",
    "LTX033": "PDF streams inflate beyond the limit (max_stream_bytes)",
    "LTX034": "parsing took longer than the time limit (max_seconds)",
    "LTX040": "ingest: the source's JSON file cannot be written",
    "LTX041": "ingest: the database refused one of the source's rows",
    "LTX099": "internal error while parsing",
}

# codes that mark an input as skipped, not failed: ingest counts it as skipped, the CLI exits 0 for it
SKIP_CODES = frozenset({"LTX006"})

WARNING_CODES: dict[str, str] = {
    "LTW101": "expected section is missing",
    "LTW102": "heading not recognised; kept as 'other'",
    "LTW103": "section is empty",
    "LTW104": "heading misspelt; read as the known heading it is closest to",
    "LTW110": "no likelihood score found",
    "LTW111": "likelihood score letter outside A B C D E E* X",
    "LTW120": "Key Points field missing",
    "LTW121": "Key Points value could not be parsed",
    "LTW122": "Key Points value is a description off the scale; kept as text",
    "LTW130": "R ratio in Key Points disagrees with R from the case's lab values",
    "LTW131": "R ratio disagrees with the stated pattern",
    "LTW132": "Key Points dose disagrees with the case narrative",
    "LTW133": "Key Points latency disagrees with the case narrative",
    "LTW134": "R ratio could not be computed from the lab values",
    "LTW140": "CAS registry number has an invalid check digit",
    "LTW141": "the same CAS number is given for different drugs",
    "LTW142": "molecular formula could not be parsed",
    "LTW143": "formula column holds a description outside the book's vocabulary",
    "LTW150": "case number missing or repeated",
    "LTW151": "number too large for the schema; kept as text only",
}


MAX_MESSAGE = 500  # characters of a message kept; the rest of a hostile input's echo is cut


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` safe to print as (part of) one line: newlines, other control characters and line or paragraph
    separators written as escapes (``\\n``, ``\\x1b``, ``\\u2028``), lone surrogates as ``\\udXXX``, and cut
    to ``limit`` characters."""
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


class LiverToxError(Exception):
    """Raised when an input cannot be turned into a Monograph.

    Carries a stable ``code``, a message, and where the problem is: ``path``, ``page`` (PDF), ``line`` and
    ``column`` (text, XML), or character offsets ``start``/``end`` into the extracted text.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        path: str | None = None,
        page: int | None = None,
        line: int | None = None,
        column: int | None = None,
        start: int | None = None,
        end: int | None = None,
    ) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown error code {code!r}")
        message = one_line(message, MAX_MESSAGE)
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path
        self.page = page
        self.line = line
        self.column = column
        self.start = start
        self.end = end

    @property
    def skipped(self) -> bool:
        """True when the input is no monograph by design (front matter), not a failure."""
        return self.code in SKIP_CODES

    def with_path(self, path: str) -> LiverToxError:
        """Return this error with ``path`` filled in when it was unknown where it was raised."""
        if self.path is None:
            self.path = path
        return self

    def location(self) -> str:
        """``path:line:col`` or ``path:page N`` or ``path`` — the prefix a CLI prints."""
        where = one_line(self.path) if self.path else "<input>"
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        elif self.page is not None:
            where += f":page {self.page}"
        return where

    def __str__(self) -> str:
        return f"{self.location()}: {self.code}: {self.message}"
