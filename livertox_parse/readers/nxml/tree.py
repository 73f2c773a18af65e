"""Elements without lxml's tree: a regular chapter is rendered from the source cut at its tags alone.

lxml builds a tree of ~1,000 elements a chapter, and the renderer then pairs them with the tags of the source
(:func:`.provenance.tag_spans`): 1.1 ms of a chapter's ~2.8 together. When the chapter is regular (no
comments, PIs, CDATA, prefixed tags or named entity references; no namespace but xlink's, declared where it
is used), :func:`token_tree` pairs the tags alone and lxml only checks that the XML is well formed, with a
parser whose target builds nothing: 0.85 ms for all of it. The renderer then walks :class:`TokenElement`
objects, each made when first reached, which answer the calls it makes of lxml's elements (``tag``, children,
``get``, ``find``, ``findtext``, ``iterchildren``, ``iter``, ``itertext``, ``text``, ``tail``) as lxml does
for such a chapter. Anything else goes to lxml's tree as before. tests/test_nxml_tree.py compares the two
element by element and Document by Document.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from lxml import etree

from .provenance import TokenSpans, decode_run, pair_tags

_XLINK = "http://www.w3.org/1999/xlink"
_XLINK_DECL = f'xmlns:xlink="{_XLINK}"'
_ATTR = re.compile(r"([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")  # name, value in "..." or in '...'
_ATTR_SPACE = re.compile(r"\r\n|[\t\n\r]")  # XML attribute-value normalisation: each is one space
_NAMED_REF = re.compile(r"&(?!#|(?:amp|lt|gt|quot|apos);)")  # lxml keeps one as a node of its own


class _WellFormed:
    """A parser target that builds nothing: the parse only checks that the XML is well formed."""

    def close(self) -> None:
        return None


def token_tree(src: str, data: bytes, options: dict[str, bool]) -> TokenElement | None:
    """The root of a regular, well-formed chapter (``src`` decoded from ``data``) as a :class:`TokenElement`,
    or None: an odd chapter, or XML that is not well formed (whose error lxml's tree then reports)."""
    if "&" in src and _NAMED_REF.search(src):
        return None
    paired = pair_tags(src)
    if paired is None:
        return None
    pieces, offsets, tags, opens, closes, owner = paired
    if ":" in "".join(tags) or not _xlink_declared(pieces, opens[0]):
        return None  # lxml names a prefixed tag by its namespace; an attribute's depends on the declarations
    try:
        etree.fromstring(data, etree.XMLParser(target=_WellFormed(), **options))
    except etree.XMLSyntaxError:
        return None
    tokens = TokenSpans(pieces, offsets, tags, opens, closes, owner)
    tokens.nodes = _Nodes(tokens)
    node: TokenElement = tokens.nodes[0]
    return node


def _xlink_declared(pieces: list[str], root: int) -> bool:
    """True when the only namespace the tags declare is xlink's (so no default namespace either), on the root
    (tag ``root``) or on each element whose tag uses the prefix."""
    tags = "".join(pieces[1::2])
    at = tags.find("xmlns")
    while at >= 0:
        if not tags.startswith(_XLINK_DECL, at):
            return False
        at = tags.find("xmlns", at + 1)
    if _XLINK_DECL in pieces[2 * root + 1]:
        return True
    at = tags.find("xlink:")
    while at >= 0:  # the tag around each use (cut short at a '>' in a value: then refused, never let through)
        if _XLINK_DECL not in tags[tags.rfind("<", 0, at) : tags.find(">", at)]:
            return False
        at = tags.find("xlink:", at + 1)
    return True


class _Nodes(dict[int, "TokenElement"]):
    """``TokenSpans.nodes`` for a tree-free chapter: element ``k`` made when first asked for."""

    def __init__(self, tokens: TokenSpans) -> None:
        super().__init__()
        self.tokens = tokens

    def __missing__(self, k: int) -> TokenElement:
        node = self[k] = TokenElement(self.tokens, k)
        self.tokens.index[node] = k
        return node


def _attr_value(raw: str) -> str:
    """An attribute's value as written, normalised as an XML parser does: white space first, then references
    (decoded as in text: a value holds no CDATA, and no line end is left to normalise)."""
    spaced = _ATTR_SPACE.sub(" ", raw)
    return decode_run(spaced, 0, len(spaced))[0]


def attribute(tokens: TokenSpans, k: int, name: str) -> str | None:
    """The value of attribute ``name`` (as written: ``xlink:href``) of node ``k`` as lxml gives it, read from
    its tag; None when it has none."""
    tag = tokens.pieces[2 * tokens.opens[k] + 1]
    at = tag.find(f' {name}="')
    value: str | None = None
    if at > 0 and not tag.count("'", 0, at) and not tag.count('"', 0, at) % 2:  # outside any value: the name
        start = at + len(name) + 3
        value = tag[start : tag.index('"', start)]
    elif name in tag:
        value = next((double or single for key, double, single in _ATTR.findall(tag, len(tokens.tags[k]) + 1)
                      if key == name), None)
    if value is None:
        return None
    return _attr_value(value) if "&" in value or "\n" in value or "\t" in value or "\r" in value else value


class TokenElement:
    """Element ``k`` of a tree-free chapter, answering the renderer's calls as lxml's element would."""

    __slots__ = ("k", "tag", "tokens")

    def __init__(self, tokens: TokenSpans, k: int) -> None:
        self.tokens = tokens
        self.k = k
        self.tag = tokens.tags[k]

    def __iter__(self) -> Iterator[TokenElement]:
        return map(self.tokens.nodes.__getitem__, self.tokens.children(self.k))

    def __len__(self) -> int:
        return len(self.tokens.children(self.k))

    def __getitem__(self, i: int) -> TokenElement:
        return self.tokens.nodes[self.tokens.children(self.k)[i]]  # type: ignore[no-any-return]

    def get(self, name: str, default: str | None = None) -> str | None:
        if name.startswith("{"):  # a namespaced name: only xlink's is declared (token_tree)
            uri, _, local = name[1:].partition("}")
            if uri != _XLINK:
                return default
            name = "xlink:" + local
        value = attribute(self.tokens, self.k, name)
        return default if value is None else value

    def iterchildren(self, tag: str) -> Iterator[TokenElement]:
        tokens = self.tokens
        return (tokens.nodes[c] for c in tokens.children(self.k) if tokens.tags[c] == tag)

    def find(self, path: str) -> TokenElement | None:
        """The first element down ``path`` (``a/b``, a step may end ``[@name='value']``), or None."""
        found = [self]
        for step in path.split("/"):
            tag, _, cond = step.partition("[")
            found = [c for f in found for c in f.iterchildren(tag)]
            if cond:  # @name='value']
                name, _, value = cond[1:-2].partition("='")
                found = [c for c in found if c.get(name) == value]
        return found[0] if found else None

    def findtext(self, path: str) -> str | None:
        found = self.find(path)
        return None if found is None else found.text or ""

    def iter(self, *tags: str) -> Iterator[TokenElement]:
        """This element and its descendants in document order (those with one of ``tags``, if given)."""
        tokens = self.tokens
        stop = max(self.k + 1, bisect_left(tokens.opens, tokens.closes[self.k]))
        nodes = tokens.nodes
        return (nodes[m] for m in range(self.k, stop) if not tags or tokens.tags[m] in tags)

    def itertext(self) -> Iterator[str]:
        return self.tokens.itertext(self.k)

    @property
    def text(self) -> str | None:
        o = self.tokens.opens[self.k]
        return (self.tokens.piece_text(2 * o + 2) or None) if o != self.tokens.closes[self.k] else None

    @property
    def tail(self) -> str | None:
        return (self.tokens.piece_text(2 * self.tokens.closes[self.k] + 2) or None) if self.k else None  # root: none
