"""Read a LiverTox chapter in NXML (BITS 2.0) into a :class:`Document` with the shared line layout.

The XML is parsed by lxml with entity resolution, DTD loading and network access switched off; a
DOCTYPE with an internal subset (where entities are declared: XXE, "billion laughs") is refused with
``LTX021`` before lxml sees the bytes. The chapter body is rendered as lines (title, ``Last Update:``,
headings, paragraphs, ``• `` list items, Key Points ``Label: value`` rows, table rows with tab-separated
cells) and every output character maps back to the character of the decoded ``.nxml`` text it came from,
so :meth:`Document.locate` answers with line and column in the file.

A regular chapter is rendered without lxml's tree (:mod:`.tree`: lxml only checks that it is well formed);
any other by lxml's tree. The chapter is rendered by :mod:`.render`. Provenance is exact (:mod:`.provenance`): every tag is found in the source and checked against lxml's
tree; if they ever disagree the reader falls back to the start of the element's line
(``extra["provenance"] == "line"``). Tables are rendered and typed in :mod:`.tables`.

``extra`` holds ``title``, ``last_update`` (ISO date), ``chapter_id``, ``sections`` (``{id, title, start, end,
level}`` with the heading line's span), ``pmids`` (``[start, end, pmid]``: the span of the link text or
reference number that carries a PubMed id) and ``provenance``. Tables are typed ``key_points``,
``laboratory_values``, ``chemical``, ``agents`` or ``other``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from lxml import etree

from ...document import Document, Source
from ...errors import LiverToxError
from .render import ChapterRenderer
from .tree import token_tree

_DOCTYPE = re.compile(r"<!DOCTYPE(?:[^>\[\"']|\"[^\"]*\"|'[^']*')*(\[)?", re.DOTALL)
_PARSER_OPTIONS = {"resolve_entities": False, "load_dtd": False, "no_network": True, "dtd_validation": False,
                   "huge_tree": False, "remove_comments": False, "remove_pis": False}


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
    source = Source(path=name, format="nxml", sha256=hashlib.sha256(data).hexdigest(), pages=None)
    fast = token_tree(text, data, _PARSER_OPTIONS)  # a regular chapter: no lxml tree (tree.py)
    if fast is not None and fast.tag in ("book-part-wrapper", "book-part"):
        part = fast if fast.tag == "book-part" else fast.find("book-part")
        if part is not None and part.find("body") is not None:
            document = ChapterRenderer(text, fast).render(part, source)
            fast.tokens.release()
            return document
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
        if root.get("from-where") in ("front", "back") or root.find("book-app") is not None:
            title = " ".join("".join(root.find(".//title-group/title").itertext()).split()) \
                if root.find(".//title-group/title") is not None else "untitled"
            raise LiverToxError("LTX006", f"not a monograph: the book's front or back matter ({title[:80]!r})",
                                path=name)
        raise LiverToxError("LTX005", "no chapter body (expected a book-part with a body)", path=name)
    return ChapterRenderer(text, root).render(part, source)


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
