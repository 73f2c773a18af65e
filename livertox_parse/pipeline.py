"""The stages in order: Document -> sections -> facts and entities -> validated Monograph."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from .document import Document, Source
from .errors import LiverToxError
from .limits import DEFAULT_LIMITS, Limits, enforced
from .models import Monograph
from .readers import document_from_text, read_document, sha256_hex
from .readers.text import check_size
from .stages.assemble import build
from .stages.chapter import mentions_liver
from .stages.sections import sectionize


def parse_document(doc: Document, *, with_text: bool = False, with_entities: bool = True) -> Monograph:
    """Parse a Document into a Monograph; raises LiverToxError: LTX005 when it is no LiverTox text,
    LTX006 when it is the book's front matter (``exc.skipped``: not a failure).

    ``with_text`` keeps the Document's text as ``Monograph.text`` (and in its JSON): what every span indexes.
    ``with_entities=False`` leaves ``entities`` empty and spaCy unloaded (``check`` needs only the warnings).
    """
    from .stages.drug_lexicon import link_monograph

    spans = sectionize(doc)
    if not spans and not mentions_liver(doc):
        raise LiverToxError(
            "LTX005",
            "no LiverTox section heading found (expected OVERVIEW, Hepatotoxicity, CASE REPORT, ...)",
            path=doc.source.path,
        )
    monograph, warnings = build(doc, spans)
    entities = []
    if with_entities:
        from .stages.entities import extract_entities

        entities = extract_entities(doc, spans, monograph)
    update: dict[str, object] = {"entities": entities, "warnings": warnings, **link_monograph(monograph)}
    if with_text:
        update["text"] = doc.text
    return monograph.model_copy(update=update)


def parse_input(name: str | Path, data: bytes | None = None, *, limits: Limits = DEFAULT_LIMITS,
                with_text: bool = False) -> Monograph:
    """Parse one input: the file ``name``, or ``data`` read elsewhere (an archive member) under that name.

    ``limits`` bound what it may cost (:mod:`livertox_parse.limits`): the time limit covers reading and
    every stage. Raises LiverToxError, with ``path`` filled in.
    """
    try:
        with enforced(limits, str(name)):
            return parse_document(read_document(name, data, limits=limits), with_text=with_text)
    except LiverToxError as exc:
        raise exc.with_path(str(name)) from None


def parse(path: str | Path, *, limits: Limits = DEFAULT_LIMITS, with_text: bool = False) -> Monograph:
    """Parse one monograph file (text, PDF or NXML) within ``limits``; ``with_text`` keeps the extracted
    text in ``.text``."""
    return parse_input(path, limits=limits, with_text=with_text)


def parse_text(text: str, *, source: str | None = None, limits: Limits = DEFAULT_LIMITS,
               with_text: bool = False) -> Monograph:
    """Parse a monograph given as text (as copied out of a LiverTox PDF) within ``limits`` (its length in
    characters counts against ``max_input_bytes``); ``with_text`` keeps the extracted text in ``.text``."""
    if not isinstance(text, str):
        raise TypeError("parse_text expects str; use parse() for files and bytes")
    check_size(len(text), limits.max_input_bytes, source)
    if not text.strip():
        raise LiverToxError("LTX003", "text is empty (expected a LiverTox monograph)", path=source)
    with enforced(limits, source):
        data = text.encode("utf-8", "surrogatepass")
        doc = document_from_text(text, Source(source, "text", sha256_hex(data), None))
        return parse_document(doc, with_text=with_text)


def parse_many(paths: Iterable[str | Path], *, limits: Limits = DEFAULT_LIMITS, with_text: bool = False
               ) -> Iterator[tuple[str, Monograph | LiverToxError]]:
    """(name, Monograph or the error that stopped it) for every file and every chapter of every archive,
    each within ``limits``.

    Errors are yielded, not raised, so a notebook loop over a folder keeps going past a bad file.
    """
    from .readers.sources import iter_inputs

    for path in paths:
        for item in iter_inputs(str(path), limits):
            if item.skipped:
                continue
            if item.error is not None:
                yield item.name, item.error
                continue
            try:
                yield item.name, parse_input(item.name, item.data, limits=limits, with_text=with_text)
            except LiverToxError as exc:
                yield item.name, exc
