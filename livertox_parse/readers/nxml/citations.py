"""Fast paths for the book's references: shape-checked, each falling back to the general walk.

Most of the book's references have one of two shapes. An ``element-citation``: a ``person-group`` of
``name`` (surname, given-names) elements, maybe an ``etal``, fields of plain text (article-title, source,
year, volume, fpage, lpage, ...), then ``<annotation><p><italic>text</italic></p></annotation>`` and a
``pub-id`` of digits. A ``mixed-citation``: text, then the same annotation and pub-id. The functions here
write such a reference on the line as the walk of :class:`.render.ChapterRenderer` would (the same parts,
source offsets, pending space and pmid marks) with far fewer Python steps: :func:`citation_head` writes the
names in a handful of list operations over the cut source (every name is the same six tags, so the surnames
are every twelfth piece) and the plain fields; :func:`citation_tail` the annotation and pub-id;
:func:`mixed_citation` a whole mixed-citation. Plain text is written directly; other text (a character
reference, whitespace to collapse) by the line's own calls. Each checks its shape on the cut source first
and writes nothing when it differs, and the walk renders from there.
"""

from __future__ import annotations

from .provenance import LineBuilder, TokenSpans, decode_run
from .tree import attribute

# the separator written before each field of a citation (a space is asked for, the others are written)
CITE_SEP = {"article-title": " ", "chapter-title": " ", "source": " ", "year": " ", "volume": ";",
            "issue": "(", "fpage": ":", "lpage": "-", "elocation-id": " ", "comment": " "}
# fields the general walk writes as plain markup: a separator, then their text
_FIELDS = frozenset(CITE_SEP) | {"supplement", "month", "day", "season", "edition", "publisher-name",
                                 "publisher-loc", "series", "part-title"}
_NAME_TAGS = ["<surname>", "</surname>", "<given-names>", "</given-names>", "</name>"]


def _plain(text: str) -> bool:
    """True when ``text`` is one the line takes as it is: not empty, no reference to decode, no XML
    whitespace to collapse or strip (the fast branch of :meth:`LineBuilder.text`)."""
    return not (not text or "&" in text or "\n" in text or "\t" in text or "\r" in text or "  " in text
                or text[0] == " " or text[-1] == " ")


def _put(src: str, tokens: TokenSpans, i: int, line: LineBuilder) -> int:
    """Append text piece ``i`` to the line's parts as :meth:`LineBuilder.text` appends text with nothing to
    collapse (decoded when it holds a character reference: one part per run); return the source offset of
    its last character, or -1 (nothing appended) when it is not such text. ``line.n`` is left to the caller."""
    text, at = tokens.pieces[i], tokens.offsets[i]
    if "&" in text:
        text, origins = decode_run(src, at, tokens.offsets[i + 1])
        if isinstance(origins, int) or not _plain(text):
            return -1
        cuts, starts = origins
        line.parts += [text[c:d] for c, d in zip(cuts, [*cuts[1:], len(text)], strict=True)]
        line.srcs += starts
        line.steps += [1] * len(cuts)
        return starts[-1] + len(text) - 1 - cuts[-1]
    if not _plain(text):
        return -1
    line.parts.append(text)
    line.srcs.append(at)
    line.steps.append(1)
    return at + len(text) - 1


def citation_head(src: str, tokens: TokenSpans, k: int, line: LineBuilder) -> int:
    """Write the regular head of element-citation node ``k`` on ``line`` (which must be empty): its names,
    then its plain fields (:func:`citation_fields`); return the tag at which the general walk goes on (the
    citation's first child's when nothing was written)."""
    pieces, offsets, owner, closes, tags = tokens.pieces, tokens.offsets, tokens.owner, tokens.closes, tokens.tags
    j, end = tokens.opens[k] + 1, closes[k]
    if j < end and tags[owner[j]] == "person-group":
        parts, srcs, steps = line.parts, line.srcs, line.steps
        a, b = j, closes[owner[j]]  # the group's tags
        n, rest = divmod(b - a - 1, 6)  # six tags a name, maybe one <etal/> after them
        etal = rest == 1 and pieces[2 * b - 1] == "<etal/>"
        stop = 2 * a + 3 + 12 * n  # tag t is piece 2t+1, the text after it piece 2t+2
        unit = pieces[2 * a + 3 : 2 * a + 14 : 2]
        if not n or (rest and not etal) or unit[1:] != _NAME_TAGS or not unit[0].startswith(("<name>", "<name ")) \
                or pieces[2 * a + 3 : stop : 2] != unit * n:
            return j
        # text in a name besides surname and given-names is written: it must be whitespace (none is asked for)
        spaces = pieces[2 * a + 4 : stop : 12] + pieces[2 * a + 8 : stop : 12] + pieces[2 * a + 12 : stop : 12]
        if "".join(spaces).strip(" \t\n"):
            return j
        # per name: surname, a space (at the whitespace after the surname, else where given-names opens),
        # given-names, then ", " at its last character
        last = 0
        for p in range(2 * a + 6, stop, 12):  # the surname's text; the given-names' is piece p + 4
            if p > 2 * a + 6:
                parts.append(", ")
                srcs.append(last)
                steps.append(0)
            surname, given = pieces[p], pieces[p + 4]
            if _plain(surname) and _plain(given):  # most names: no call per text
                parts += (surname, " ", given)
                srcs += (offsets[p], offsets[p + 2], offsets[p + 4])
                steps += (1, 1, 1)
                last = offsets[p + 4] + len(given) - 1
                continue
            last = _put(src, tokens, p, line)
            if last >= 0:
                parts.append(" ")
                srcs.append(offsets[p + 2])
                steps.append(1)
                last = _put(src, tokens, p + 4, line)
            if last < 0:  # a name the line would collapse: the walk writes the group
                del parts[:], srcs[:], steps[:]
                return j
        line.last = last
        if etal:  # raw(", "), raw("et al") where it is
            parts += [", ", "et al"]
            srcs += [last, offsets[2 * b - 1]]
            steps += [0, 0]
            line.last = offsets[2 * b - 1]
        elif pieces[stop - 3]:  # whitespace after the last given-names: a pending space
            line.pending = offsets[stop - 3]
        if not parts[-1].endswith("."):
            parts.append(".")
            srcs.append(line.last)
            steps.append(0)
            line.pending = None
        line.n = sum(map(len, parts))
        j = b + 1
    return citation_fields(src, tokens, j, end, line)


def citation_fields(src: str, tokens: TokenSpans, j: int, end: int, line: LineBuilder) -> int:
    """Write the plain fields (``<tag>text</tag>``) of an element-citation from its child at tag ``j`` (its
    end tag ``end``) on ``line``, as the walk would; return the tag of the first child that is not one."""
    pieces, offsets, owner, closes, tags = tokens.pieces, tokens.offsets, tokens.owner, tokens.closes, tokens.tags
    parts, srcs, steps = line.parts, line.srcs, line.steps
    pending, last, start = line.pending, line.last, j
    while j < end:
        child = owner[j]
        tag = tags[child]
        if closes[child] != j + 1 or tag not in _FIELDS:
            break
        mark = len(parts)
        sep = CITE_SEP.get(tag, " ")
        if sep == " ":
            at = pending
            if parts and at is None and not parts[-1].endswith((" ", "\t")):
                at = offsets[2 * j + 1]
            if at is not None:
                parts.append(" ")
                srcs.append(at)
                steps.append(1)
        else:
            parts.append(sep)
            srcs.append(offsets[2 * j + 1])
            steps.append(0)
        text = pieces[2 * j + 2]
        if _plain(text):  # most fields: no call
            parts.append(text)
            srcs.append(offsets[2 * j + 2])
            steps.append(1)
            text_end = offsets[2 * j + 2] + len(text) - 1
        else:
            text_end = _put(src, tokens, 2 * j + 2, line)
        if text_end < 0:  # text to collapse, or none: the walk writes this field
            del parts[mark:], srcs[mark:], steps[mark:]
            break
        pending, last = None, text_end
        if sep == "(":
            parts.append(")")
            srcs.append(last)
            steps.append(0)
        j += 2
    if j > start:
        line.n = sum(map(len, parts))
        line.pending = pending
        line.last = last
    return j


def _ws(text: str) -> bool:
    """True for XML whitespace (or nothing), which the line only ever turns into a space."""
    return not text.strip(" \t\n")


def _annotation(tokens: TokenSpans, a: int) -> bool:
    """True when annotation node ``a`` is the book's ``<annotation> <p> <italic>text</italic> </p>
    </annotation>``, with only whitespace around the italic."""
    o = tokens.opens[a]
    pieces = tokens.pieces
    return tokens.closes[a] == o + 5 and tokens.tags[a + 1 : a + 3] == ["p", "italic"] \
        and tokens.closes[a + 1 : a + 3] == [o + 4, o + 3] \
        and _ws(pieces[2 * o + 2] + pieces[2 * o + 4] + pieces[2 * o + 8] + pieces[2 * o + 10])


def _pmid(tokens: TokenSpans, k: int) -> str | None:
    """The digits of leaf pub-id node ``k`` when they are all its text, else None."""
    o = tokens.opens[k]
    text = tokens.pieces[2 * o + 2]
    if tokens.tags[k] != "pub-id" or tokens.closes[k] != o + 1 or not text.isdigit():
        return None
    return text


def _write_text(src: str, tokens: TokenSpans, i: int, line: LineBuilder) -> None:
    """The walk's call for text piece ``i``: :meth:`LineBuilder.text`, decoded when it holds a reference or
    a carriage return (whitespace collapsed and origins kept by the line itself)."""
    text = tokens.pieces[i]
    if "&" in text or "\r" in text:
        line.text(*decode_run(src, tokens.offsets[i], tokens.offsets[i + 1]))
    elif text:
        line.text(text, tokens.offsets[i])


def _write_tail(src: str, tokens: TokenSpans, a: int, pub: int | None, line: LineBuilder) -> None:
    """Write annotation ``a`` and pub-id node ``pub`` (if any) on the (not empty) line as the walk does: a
    space asked for where the annotation opens, its text, a space (at the whitespace after the italic, else
    at the text's last character), the PubMed id and its mark. Plain text is written directly, any other
    by the line's own calls."""
    offsets, pieces, parts, srcs, steps = tokens.offsets, tokens.pieces, line.parts, line.srcs, line.steps
    o = tokens.opens[a]
    pending = line.pending
    if pending is None and not parts[-1].endswith((" ", "\t")):
        pending = offsets[2 * o + 1]
    if pending is not None:
        parts.append(" ")
        srcs.append(pending)
        steps.append(1)
        line.n += 1
        line.last = pending
        line.pending = None
    text = pieces[2 * o + 6]
    if _plain(text):
        at = offsets[2 * o + 6]
        parts.append(text)
        srcs.append(at)
        steps.append(1)
        line.n += len(text)
        line.last = at + len(text) - 1
        line.pending = offsets[2 * o + 8] if pieces[2 * o + 8] else line.last
    else:
        _write_text(src, tokens, 2 * o + 6, line)
        _write_text(src, tokens, 2 * o + 8, line)
        line.space()  # the end of the p block
    if pub is None:
        return
    p = tokens.opens[pub]
    pmid = pieces[2 * p + 2]
    line.space(offsets[2 * p + 1])
    start = line.begin()
    parts.append(pmid)
    srcs.append(offsets[2 * p + 2])
    steps.append(1)
    line.n += len(pmid)
    line.last = offsets[2 * p + 2] + len(pmid) - 1
    if attribute(tokens, pub, "pub-id-type") == "pmid":  # from the tag: no element made for it
        line.marks.append((start, line.n, pmid))


def citation_tail(src: str, tokens: TokenSpans, j: int, end: int, line: LineBuilder) -> bool:
    """Write the rest of an element-citation from its child at tag ``j`` (its end tag ``end``) when it is
    the book's annotation and pub-id; False (nothing written) otherwise."""
    a = tokens.owner[j]
    if not line.n or j >= end or tokens.tags[a] != "annotation" or not _annotation(tokens, a):
        return False
    after = tokens.closes[a] + 1
    pub = None if after == end else tokens.owner[after]
    if pub is not None and (_pmid(tokens, pub) is None or tokens.closes[pub] + 1 != end):
        return False
    if not line.parts[-1].endswith((".", ")")):  # the bibliographic part ends with a full stop
        line.raw(".")
    _write_tail(src, tokens, a, pub, line)
    return True


def mixed_citation(src: str, tokens: TokenSpans, k: int, line: LineBuilder) -> bool:
    """Write mixed-citation node ``k`` on the (empty) line when it is the book's ``text <annotation>...
    </annotation> <pub-id>digits</pub-id>``, as the walk would; False (nothing written) otherwise."""
    pieces, offsets, opens, closes = tokens.pieces, tokens.offsets, tokens.opens, tokens.closes
    o = opens[k]
    if line.n or closes[k] not in (o + 7, o + 9) or tokens.tags[k + 1] != "annotation" or opens[k + 1] != o + 1:
        return False
    pub = k + 4 if closes[k] == o + 9 else None
    if not _annotation(tokens, k + 1) or not _ws(pieces[2 * o + 14]) \
            or (pub is not None and (opens[pub] != o + 7 or _pmid(tokens, pub) is None or not _ws(pieces[2 * o + 18]))):
        return False
    head = pieces[2 * o + 2]
    body = head.rstrip(" \t\n")
    if _plain(body):
        line.parts.append(body)
        line.srcs.append(offsets[2 * o + 2])
        line.steps.append(1)
        line.n = len(body)
        line.last = offsets[2 * o + 2] + len(body) - 1
        if len(body) < len(head):  # trailing whitespace: a space pending at its first character
            line.pending = offsets[2 * o + 2] + len(body)
    else:
        _write_text(src, tokens, 2 * o + 2, line)
        if not line.n:  # nothing written (whitespace): the walk takes it from here
            return False
    _write_tail(src, tokens, k + 1, pub, line)
    return True
