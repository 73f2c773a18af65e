"""Issue 10: the NXML reader's shape-checked fast paths give what the general walk gives.

Every chapter is read twice, with ``ChapterRenderer.fast_paths`` on and off, and the two Documents must be
the same: text, the source offset of every character, tables and extra. On the fixture chapters, on every
corpus chapter (when ../shared/corpus is there), and on hand-made citations of odd shapes (character
references, CDATA, missing or extra parts, markup inside fields, whitespace of every kind) drawn by
hypothesis. The fast paths must also actually fire on the book's chapters, or the comparison proves nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livertox_parse.document import Document
from livertox_parse.errors import LiverToxError
from livertox_parse.readers.nxml import citations, read_nxml, render
from livertox_parse.readers.nxml.provenance import LineBuilder, TokenSpans

from .conftest import FIXTURES, ROOT

CORPUS = next((p for p in (ROOT.parent / "shared" / "corpus" / "livertox-2021",
                           ROOT.parent.parent / "shared" / "corpus" / "livertox-2021") if p.is_dir()), None)
CHAPTERS = sorted((FIXTURES / "nxml").glob("*.nxml"))


def summary(d: Document) -> tuple[object, ...]:
    assert d.origin is not None
    return d.text, d.origin.sources().tobytes(), d.tables, repr(d.extra)


@contextmanager
def counting(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Count the citation heads the fast path wrote (it writes on the line, which comes empty)."""
    fired = [0]
    real = citations.citation_head

    def head(src: str, tokens: TokenSpans, k: int, line: LineBuilder) -> int:
        stop = real(src, tokens, k, line)
        fired[0] += line.n > 0
        return stop

    with monkeypatch.context() as m:
        m.setattr(render, "citation_head", head)
        yield fired


def both(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple[object, ...], tuple[object, ...]]:
    fast = summary(read_nxml("t.nxml", data))
    with monkeypatch.context() as m:
        m.setattr(render.ChapterRenderer, "fast_paths", False)
        general = summary(read_nxml("t.nxml", data))
    return fast, general


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_fast_paths_equal_the_walk_on_fixture_chapters(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, general = both(path.read_bytes(), monkeypatch)
    assert fast == general


@pytest.mark.skipif(CORPUS is None, reason="the dev corpus ../shared/corpus/livertox-2021 is not there")
def test_fast_paths_equal_the_walk_on_every_corpus_chapter(monkeypatch: pytest.MonkeyPatch) -> None:
    assert CORPUS is not None
    differ = []
    with counting(monkeypatch) as fired:
        for path in sorted(CORPUS.glob("*.nxml")):
            try:
                fast, general = both(path.read_bytes(), monkeypatch)
            except LiverToxError as exc:  # front and back matter of the book: not chapters
                assert exc.code == "LTX006"
                continue
            if fast != general:
                differ.append(path.name)
    assert differ == []
    assert fired[0] > 4000  # the book has about 5,400 element-citations; most take the fast path


# -- odd shapes ------------------------------------------------------------------------------------------

WS = st.sampled_from(["", " ", "\n", "\n        ", "\t", "  "])
TEXT = st.sampled_from(["Smith", "Di Giorgio", "D.", "J", "Jr", "O&#x02019;Brien", "&amp;", " Lee", "Lee ",
                        "Kim  Lee", "Kim\nLee", "Ki<italic>m</italic>", "<![CDATA[x]]>", "", "1999", "12(3)",
                        "a > b", "é ü", "A\u00a0B", "x.", "<!-- c -->y", "<bold/>z"])


@st.composite
def names(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["name", "name", "suffix", "etal", "etal-open", "collab", "reversed",
                                 "attr", "given-only", "empty-given"]))
    w = [draw(WS) for _ in range(5)]
    s, g, x = draw(TEXT), draw(TEXT), draw(TEXT)
    attr = draw(st.sampled_from(["", ' name-style="western"']))
    if kind == "etal":
        return "<etal/>" + w[0]
    if kind == "etal-open":
        return "<etal></etal>" + w[0]
    if kind == "collab":
        return f"<collab>{s}</collab>{w[0]}"
    if kind == "reversed":
        return f"<name>{w[0]}<given-names>{g}</given-names>{w[1]}<surname>{s}</surname>{w[2]}</name>{w[3]}"
    if kind == "attr":
        return f'<name><surname xml:lang="en">{s}</surname>{w[1]}<given-names>{g}</given-names></name>{w[3]}'
    if kind == "given-only":
        return f"<name>{w[0]}<given-names>{g}</given-names>{w[1]}</name>{w[3]}"
    if kind == "empty-given":
        return f"<name{attr}>{w[0]}<surname>{s}</surname>{w[1]}<given-names/>{w[2]}</name>{w[3]}"
    suffix = f"<suffix>{x}</suffix>{w[4]}" if kind == "suffix" else ""
    return f"<name{attr}>{w[0]}<surname>{s}</surname>{w[1]}<given-names>{g}</given-names>{w[2]}{suffix}</name>{w[3]}"


FIELDS = ["article-title", "source", "year", "volume", "issue", "fpage", "lpage", "supplement", "comment",
          "elocation-id", "month", "chapter-title", "foo", "label", "italic"]


@st.composite
def annotations(draw: st.DrawFn) -> str:
    w = [draw(WS) for _ in range(5)]
    text = f"({draw(TEXT)})."
    return draw(st.sampled_from([
        f'<annotation>{w[0]}<p>{w[1]}<italic toggle="yes">{text}</italic>{w[2]}</p>{w[3]}</annotation>{w[4]}',
        f"<annotation><p/><italic>{text}</italic><bold/></annotation>{w[4]}",
        f"<annotation><p>{text}</p></annotation>{w[4]}",
        f"<annotation><p><italic>{text}</italic>b</p></annotation>{w[4]}",
        f"<annotation><p><bold>{text}</bold></p></annotation>{w[4]}",
        f"<annotation>x<p><italic>{text}</italic></p></annotation>{w[4]}",
        f"<annotation><p><italic>{text}</italic></p>y</annotation>{w[4]}",
        f"<annotation><p><italic>{text}</italic></p></annotation>z{w[4]}",
        f"<annotation><p><italic><bold>{text}</bold></italic></p></annotation>{w[4]}",
        f"<annotation><p><italic>{text}</italic></p><p>more</p></annotation>{w[4]}",
    ]))


@st.composite
def pub_ids(draw: st.DrawFn) -> str:
    digits = draw(st.sampled_from(["123", " 4567 ", "x", "", "12&#x00033;", "\u00b2", "0"]))
    kind = draw(st.sampled_from(['pub-id-type="pmid"', 'pub-id-type="doi"', ""]))
    return f"<pub-id {kind}>{digits}</pub-id>{draw(WS)}"


@st.composite
def fields(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from([*FIELDS, "annotation", "pub-id", "ext-link", "person-group", "text"]))
    w = draw(WS)
    if kind == "annotation":
        return draw(annotations())
    if kind == "pub-id":
        return draw(pub_ids())
    if kind == "ext-link":
        return f'<ext-link ext-link-type="uri" xlink:href="https://pubmed.gov/99">L</ext-link>{w}'
    if kind == "person-group":
        return f'<person-group person-group-type="editor">{w}{draw(names())}</person-group>{w}'
    if kind == "text":
        return draw(TEXT) + w
    return f"<{kind}>{draw(TEXT)}</{kind}>{w}"


@st.composite
def mixed(draw: st.DrawFn) -> str:
    """A mixed-citation: text, then mostly the book's annotation and pub-id, sometimes something else."""
    head = draw(st.sampled_from(["Kremer JM. Title. N Engl J Med 2003; 349: 1907-15. ", "A. B.", "", " x ",
                                 "a &#x00026; b. ", "a\n  b. ", "a.\t", "x<italic>y</italic>. ", "a\r\nb. "]))
    rest = draw(st.lists(st.one_of(annotations(), pub_ids(), fields()), max_size=3))
    return f"<mixed-citation publication-type=\"journal\">{head}{''.join(rest)}</mixed-citation>{draw(WS)}"


@st.composite
def element(draw: st.DrawFn) -> str:
    """One or two element-citations of names and fields of odd and regular shapes."""
    cites = []
    for _ in range(draw(st.integers(1, 2))):
        w = draw(WS)
        group = ""
        if draw(st.booleans()):
            group = f"<person-group>{w}{''.join(draw(st.lists(names(), min_size=0, max_size=4)))}</person-group>{w}"
        body = "".join(draw(st.lists(fields(), max_size=8)))
        attr = draw(st.sampled_from(["", ' publication-type="journal"']))
        cites.append(f"<element-citation{attr}>{draw(WS)}{group}{body}</element-citation>{draw(WS)}")
    return "".join(cites)


@st.composite
def citation_chapters(draw: st.DrawFn) -> bytes:
    label = draw(st.sampled_from(["", "", "<label>1</label>"]))
    refs = "".join(f'<ref id="r{i}">{draw(WS)}{label}{draw(st.one_of(element(), mixed()))}</ref>'
                   for i in range(draw(st.integers(1, 3))))
    return ('<book-part-wrapper xmlns:xlink="http://www.w3.org/1999/xlink"><book-part><body><sec><title>T</title>'
            f'<p>x</p></sec></body><back><ref-list><title>R</title>{refs}</ref-list></back></book-part>'
            '</book-part-wrapper>').encode()


REGULAR = [  # the book's own shapes: they must take the fast path
    ('<element-citation publication-type="journal">\n  <person-group>\n    <name name-style="western">\n'
    '      <surname>Bertino</surname>\n      <given-names>J</given-names>\n    </name>\n'
    '    <name name-style="western">\n      <surname>Fish</surname>\n'
    '      <given-names>D.</given-names>\n    </name>\n  </person-group>\n'
    '  <article-title>The safety profile.</article-title>\n  <source>Clin Ther</source>\n  <year>2000</year>\n'
    '  <volume>22</volume>\n  <issue>3</issue>\n  <fpage>798</fpage>\n  <lpage>817</lpage>\n'
    '  <annotation>\n    <p>\n      <italic toggle="yes">(Review).</italic>\n    </p>\n  </annotation>\n'
    '  <pub-id pub-id-type="pmid">10945507</pub-id>\n</element-citation>'),
    ('<element-citation><person-group><name><surname>Lee</surname><given-names>WM</given-names></name>'
    '<etal/></person-group><article-title>Drug-induced liver injury</article-title><source>N Engl J Med</source>'
    '<year>2003</year><volume>349</volume><fpage>474</fpage><pub-id pub-id-type="pmid">12890847</pub-id>'
    '</element-citation>'),
    '<element-citation><comment>Comment.</comment><source>Hepatology</source></element-citation>',
    # the names end with "." and whitespace: the space before the title is that whitespace, not its tag
    ('<element-citation><person-group><name><surname>Lee</surname> <given-names>W</given-names>\n</name>'
    '<name><surname>Fox</surname><given-names>R.</given-names>\n </name></person-group>'
    '<article-title>Title</article-title><source>Src</source><issue>2</issue></element-citation>'),
    # the fields end with ")": no full stop before the annotation
    ('<element-citation><person-group><name><surname>Lee</surname><given-names>W</given-names></name>'
    '</person-group><source>Src</source><volume>3</volume><issue>2</issue><annotation><p><italic>(Note).</italic>'
    '</p></annotation><pub-id pub-id-type="pmid">77</pub-id></element-citation>'),
    # annotations and ids of other shapes after a regular head: the walk writes them
    ('<element-citation><source>S</source><annotation><p/><italic>(x).</italic><bold/></annotation>'
    '<pub-id pub-id-type="pmid">1</pub-id></element-citation>'),
    ('<element-citation><source>S</source><annotation><p><italic>(x).</italic></p></annotation>'
    '<pub-id pub-id-type="pmid">1 </pub-id></element-citation>'),
    ('<element-citation><source>S</source><annotation><p><italic>(x).</italic></p></annotation>'
    '<pub-id pub-id-type="pmid">1</pub-id><comment>late</comment></element-citation>'),
    # character references in names and fields are decoded: one part per run, as the line's text() makes
    ('<element-citation><person-group><name><surname>D&#x00027;Amico</surname><given-names>G</given-names></name>'
    '<name><surname>Ekou&#x000e9;</surname><given-names>&#x000c1;B</given-names></name></person-group>'
    '<article-title>A&#x02014;b.</article-title><source>S</source><annotation><p><italic>(x).</italic></p>'
    '</annotation></element-citation>'),
]
FALLBACK = [  # shapes the fast path leaves to the walk (which must then give the same)
    ('<element-citation><person-group><name><surname>Bertino</surname> <given-names>J</given-names> '
    '<suffix>Jr</suffix></name></person-group><source>S</source></element-citation>'),
    ('<element-citation><person-group><collab>Study Group</collab></person-group><source>S</source>'
    '</element-citation>'),
    # a reference decoding to whitespace, or to '&': the line would collapse or the check cannot tell
    ('<element-citation><person-group><name><surname>&#x20;Amico</surname><given-names>G</given-names></name>'
    '</person-group><source>S</source></element-citation>'),
    ('<element-citation><person-group><name><surname>A&amp;B</surname><given-names>G</given-names></name>'
    '</person-group><source>S</source></element-citation>'),
    # ... after a name already laid out: nothing of the group is left on the line
    ('<element-citation><person-group><name><surname>Lee</surname><given-names>W</given-names></name>'
    '<name><surname>Fox</surname><given-names>&#x20;R</given-names></name></person-group><source>S</source>'
    '</element-citation>'),
    ('<element-citation><person-group><name><surname>Lee</surname>x<given-names>G</given-names></name>'
    '</person-group><source>S</source></element-citation>'),
    '<element-citation><label>1</label><source>S</source></element-citation>',
    # the head leaves a collab to the walk; the fields and annotation after it take the fast paths
    ('<element-citation><person-group><collab>Group</collab></person-group><source>S</source><year>2001</year>'
    '<annotation><p><italic>(x).</italic></p></annotation><pub-id pub-id-type="pmid">1</pub-id></element-citation>'),
]
MIXED_ODD = [  # mixed-citations the fast path leaves to the walk
    ('<mixed-citation>A. <annotation><p><italic>(x).</italic></p></annotation><pub-id pub-id-type="pmid">1'
    '</pub-id>tail</mixed-citation>'),
    ('<mixed-citation>A. <annotation><p><italic>(x).</italic></p></annotation>tail<pub-id pub-id-type="pmid">1'
    '</pub-id></mixed-citation>'),
    ('<mixed-citation>A. <annotation><p/><italic>(x).</italic><bold/></annotation><pub-id pub-id-type="pmid">1'
    '</pub-id></mixed-citation>'),
    ('<mixed-citation>A.<annotation><p><italic>(x).</italic></p></annotation><pub-id>1</pub-id>'
    '<pub-id>2</pub-id></mixed-citation>'),
    ('<mixed-citation>A.<annotation><p><italic>(x).</italic></p></annotation><pub-id pub-id-type="pmid">x1'
    '</pub-id></mixed-citation>'),
]
MIXED = [  # the book's mixed-citations: the fast path takes them whole
    ('<mixed-citation publication-type="journal">Kremer JM. Title. N Engl J Med 2003; 349: 1907-15. <annotation>'
    '<p><italic toggle="yes">(Among 339 patients).</italic></p></annotation><pub-id pub-id-type="pmid">14614165'
    '</pub-id></mixed-citation>'),
    ('<mixed-citation publication-type="other">Reuben A. Hepatotoxicity. 2011, pp. 569-91.<annotation><p>'
    '<italic toggle="yes">(Review).</italic>\n</p></annotation></mixed-citation>'),
]


def chapter(citation: str) -> bytes:
    return ('<book-part-wrapper><book-part><body><sec><title>T</title><p>x</p></sec></body><back><ref-list>'
            f'<ref id="r">{citation}</ref></ref-list></back></book-part></book-part-wrapper>').encode()


@pytest.mark.parametrize(("citation", "fires"), [(c, 1) for c in REGULAR] + [(c, 0) for c in FALLBACK])
def test_regular_citations_take_the_fast_path(citation: str, fires: int, monkeypatch: pytest.MonkeyPatch) -> None:
    with counting(monkeypatch) as fired:
        fast, general = both(chapter(citation), monkeypatch)
    assert fired[0] == fires
    assert fast == general


@pytest.mark.parametrize(("citation", "taken"), [(c, True) for c in MIXED] + [(c, False) for c in MIXED_ODD])
def test_regular_mixed_citations_take_the_fast_path(citation: str, taken: bool,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    answers = []
    real = citations.mixed_citation
    monkeypatch.setattr(render, "mixed_citation", lambda *a: answers.append(real(*a)) or answers[-1])
    fast, general = both(chapter(citation), monkeypatch)
    assert answers == [taken]
    assert fast == general


def test_regular_citation_line_and_its_origins() -> None:
    data = chapter(REGULAR[0])
    d = read_nxml("t.nxml", data)
    line = d.text.split("\n")[2]
    assert line == "Bertino J, Fish D. The safety profile. Clin Ther 2000;22(3):798-817. (Review). 10945507"
    src = data.decode()
    assert d.origin is not None
    for needle, at in [("Bertino", "Bertino<"), ("Fish", "Fish<"), ("D.", "D.<"), ("22", "22<"),
                       ("817", "817<")]:
        assert d.origin[d.text.index(needle)] == src.index(at)
    # the space before "J" is the whitespace after </surname>; ";" is where <volume> opens
    assert d.origin[d.text.index(" J,")] == src.index("</surname>") + len("</surname>")
    assert d.origin[d.text.index(";22")] == src.index("<volume>")


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=citation_chapters())
def test_fast_paths_equal_the_walk_on_odd_citations(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        fast, general = both(data, monkeypatch)
    except Exception as exc:  # noqa: BLE001 -- malformed on purpose: both must refuse it alike
        with monkeypatch.context() as m:
            m.setattr(render.ChapterRenderer, "fast_paths", False)
            with pytest.raises(type(exc)):
                read_nxml("t.nxml", data)
        return
    assert fast == general
