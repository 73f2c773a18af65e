"""Issue 10: a regular chapter is read without lxml's tree (readers/nxml/tree.py) and gives what the tree gives.

Two properties: every :class:`TokenElement` answers the calls the renderer makes as lxml's element does
(tag, children, attributes, text, tail, itertext, find, iter) on the fixture and corpus chapters; and
``read_nxml`` gives the same Document (text, every character's origin, tables, extra) or the same error
whether the chapter goes the tree-free route or lxml's, on those chapters and on fixture chapters with odd
markup inserted (the route must refuse what it cannot answer as lxml does: comments, PIs, CDATA, named entity
references, namespaces, malformed XML).
"""

from __future__ import annotations

import gc
import re
import weakref
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from livertox_parse.document import Document
from livertox_parse.errors import LiverToxError
from livertox_parse.readers import nxml
from livertox_parse.readers.nxml import _PARSER_OPTIONS, read_nxml
from livertox_parse.readers.nxml.tree import TokenElement, token_tree

from .conftest import FIXTURES
from .test_nxml_fast import CORPUS

CHAPTERS = sorted((FIXTURES / "nxml").glob("*.nxml"))
CORPUS_CHAPTERS = sorted(CORPUS.glob("*.nxml")) if CORPUS is not None else []
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
PATHS = ["book-part", "body", "back", "book-part-meta", "title-group/title", "title", "caption",
         "pub-history/date[@date-type='updated']", "book-part-meta/book-part-id"]


def answers(el: etree._Element | TokenElement, names: list[str]) -> tuple[object, ...]:
    """What the renderer can ask of an element (``names``: attributes to ask for), answered."""
    found = [el.find(p) for p in PATHS]
    return (el.tag, len(el), [c.tag for c in el], [el.get(n) for n in names], el.text, el.tail,
            "".join(el.itertext()), [None if f is None else f.tag for f in found],
            [el.findtext(p) for p in PATHS[-1:]], [c.tag for c in el.iter("p", "title", "table")],
            [c.tag for c in el.iterchildren("p")])


@pytest.mark.parametrize("path", CHAPTERS + CORPUS_CHAPTERS[::7], ids=lambda p: p.stem)
def test_token_elements_answer_as_lxml(path: Path) -> None:
    data = path.read_bytes()
    root = token_tree(data.decode(), data, _PARSER_OPTIONS)
    assert root is not None  # the book's chapters take the tree-free route
    tree = etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    elements = list(tree.iter(etree.Element))
    for k, el in enumerate(elements):
        names = sorted({*el.attrib, "id", "colspan", "pub-id-type", XLINK_HREF, "href", "{urn:x}href"})
        assert answers(root.tokens.nodes[k], names) == answers(el, names), (k, el.tag)


def summary(data: bytes) -> object:
    try:
        d: Document = read_nxml("t.nxml", data)
    except LiverToxError as exc:
        return exc.code, str(exc)
    assert d.origin is not None
    return d.text, d.origin.sources().tobytes(), d.tables, repr(d.extra)


def both(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    fast = summary(data)
    with monkeypatch.context() as m:
        m.setattr(nxml, "token_tree", lambda *a: None)
        tree = summary(data)
    return fast, tree


@pytest.mark.skipif(CORPUS is None, reason="the dev corpus ../shared/corpus/livertox-2021 is not there")
def test_the_tree_free_route_equals_lxml_on_every_corpus_chapter(monkeypatch: pytest.MonkeyPatch) -> None:
    differ = []
    for path in CORPUS_CHAPTERS:
        fast, tree = both(path.read_bytes(), monkeypatch)
        if fast != tree:
            differ.append(path.name)
    assert differ == []


INSERTS = ["<!-- c -->", "<?pi x?>", "<![CDATA[a<b]]>", "&foo;", "&#x20;", "&amp;", "\r\n", "<x/>", "<y></y>",
           "<x:y xmlns:x='urn:x'>t</x:y>", "<z a='>'>q</z>", "<e xmlns='urn:q'>n</e>", " <bold> b </bold> ",
           "ALT > 5", "<z a=\"x&#x9;y\nz\" b='it&apos;s'>q</z>", "</p>", "<p>", "<b xmlns:xlink='urn:x'/>",
           '<ext-link xlink:href="https://pubmed.gov/5">L</ext-link>', "<td colspan='3'>c</td>",
           '<ext-link xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="https://pubmed.gov/7">L</ext-link>']
_AFTER = re.compile(r"</(?:p|title|italic|surname|source|td)>")


@st.composite
def odd_chapters(draw: st.DrawFn) -> bytes:
    xml = draw(st.sampled_from(CHAPTERS)).read_text("utf-8")
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.sampled_from([m.end() for m in _AFTER.finditer(xml)]))
        xml = xml[:at] + draw(st.sampled_from(INSERTS)) + xml[at:]
    return xml.encode()


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=odd_chapters())
def test_the_tree_free_route_equals_lxml_on_odd_chapters(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, tree = both(data, monkeypatch)
    assert fast == tree


def chapter(body: str, root_attrs: str = "") -> bytes:
    # with an external DTD (never loaded) an undeclared entity is no error: lxml keeps it as a node
    return ('<!DOCTYPE book-part-wrapper PUBLIC "-//NLM//DTD BITS//EN" "BITS-book2.dtd">'
            f'<book-part-wrapper{root_attrs}><book-part><body><sec><title>T</title>{body}</sec></body></book-part>'
            '</book-part-wrapper>').encode()


LINK = '<ext-link xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="https://pubmed.gov/7">L</ext-link>'
REFUSED = {  # what lxml answers otherwise than the cut source would: lxml's tree reads these
    "comment": "<p>a<!-- c -->b</p>", "pi": "<p>a<?pi x?>b</p>", "cdata": "<p><![CDATA[a<b]]></p>",
    "named entity": "<p>a&foo;b</p>", "default namespace": "<p xmlns='urn:q'>n</p>",
    "prefixed tag": '<p><xlink:b xmlns:xlink="http://www.w3.org/1999/xlink"/>n</p>',
    "another namespace": "<p xmlns:m='urn:m'>n</p>",
    "xlink bound elsewhere": '<p xmlns:xlink="urn:x"><ext-link xlink:href="https://pubmed.gov/7">L</ext-link></p>',
    "xlink declared on a parent": f'<p xmlns:xlink="http://www.w3.org/1999/xlink">{LINK.replace(" xmlns:xlink=", " a=")}</p>',
    "malformed": "<p>a</b>",
}


@pytest.mark.parametrize("body", list(REFUSED.values()), ids=list(REFUSED))
def test_the_tree_free_route_refuses_what_it_cannot_answer(body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = chapter(body)
    assert token_tree(data.decode(), data, _PARSER_OPTIONS) is None
    fast, tree = both(data, monkeypatch)
    assert fast == tree


@pytest.mark.parametrize("data", [chapter(f"<p>{LINK}</p>"),
                                  chapter(f"<p>{LINK.replace(' xmlns:xlink=', ' a=')}</p>",
                                          ' xmlns:xlink="http://www.w3.org/1999/xlink"'),
                                  chapter("<p>a &amp; &#x00e9; &lt;b&gt;</p>")], ids=["link", "root", "refs"])
def test_the_tree_free_route_takes_links_and_references(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    assert token_tree(data.decode(), data, _PARSER_OPTIONS) is not None
    fast, tree = both(data, monkeypatch)
    assert fast == tree


def test_the_cut_source_is_freed_with_the_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # TokenElements and their spans refer to each other: read_nxml breaks the cycle, so they go when the read
    # is done, not at the cyclic collector's next pass (whose time would fall on later stages)
    made: list[weakref.ref[object]] = []

    def keep(*args: object) -> object:
        root = token_tree(*args)  # type: ignore[arg-type]
        assert root is not None
        made.append(weakref.ref(root.tokens))
        return root

    monkeypatch.setattr(nxml, "token_tree", keep)
    enabled = gc.isenabled()
    gc.disable()
    try:
        read_nxml(CHAPTERS[0])
        assert made and made[0]() is None
    finally:
        if enabled:
            gc.enable()
