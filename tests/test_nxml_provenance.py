"""Issue 10: the NXML reader's fast provenance equals the plain one it replaced.

Three properties, each against a plain reference: ``tag_spans`` (cut once, paired in document order) equals
the event walk ``_walk_spans`` (or both refuse) on fixture chapters with odd markup inserted; ``decode_run``'s
runs give every decoded character the offset a per-character decoder gives it; and ``LineBuilder`` (runs)
builds the same line, character origins, pending space and answers as a per-character reference builder
(kept here, as the reader had it) under any sequence of calls. Breaking any fast path fails one of them.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from livertox_parse.readers.nxml import provenance
from livertox_parse.readers.nxml.provenance import LineBuilder, Misaligned, decode_run, tag_spans

from .conftest import FIXTURES

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
CHAPTERS = [p.read_text("utf-8") for p in sorted((FIXTURES / "nxml").glob("*.nxml"))]
INSERTS = ["<!-- c -->", "<?pi x?>", "<![CDATA[a<b]]>", "&foo;", "&#x20;", "\r\n", "<x/>", "<x />", "<y></y>",
           "<italic/>", "<x:y xmlns:x='urn:x'>t</x:y>", "<z a='>'>q</z>", "<z\n>q</z\n>", "<z a=\"/>\">q</z>",
           "<e xmlns='urn:q'>n</e>", " <bold> b </bold> ", "<break/>", "<label>L</label>", "ALT > 5", "<!-- a>b -->",
           "<z a='x>y' b=\"c\">q</z>", "<?pi a>b?>"]
_AFTER = re.compile(r"</(?:p|title|italic|surname|source)>")


def plain(spans: dict[etree._Element, provenance.Spans]) -> dict[etree._Element, provenance.Spans]:
    """Every node's spans (a TokenSpans makes them when asked)."""
    nodes = getattr(spans, "index", spans)
    return {node: spans[node] for node in nodes}


def outcome(pair: object, src: str, root: etree._Element) -> object:
    try:
        return plain(pair(src, root))  # type: ignore[operator]
    except (Misaligned, IndexError) as exc:
        return type(exc).__name__


@st.composite
def chapters(draw: st.DrawFn) -> str:
    """A fixture chapter with 1-4 odd bits of markup inserted after element ends (well-formed or not)."""
    xml = draw(st.sampled_from(CHAPTERS))
    for _ in range(draw(st.integers(1, 4))):
        ends = [m.end() for m in _AFTER.finditer(xml)]
        at = draw(st.sampled_from(ends))
        xml = xml[:at] + draw(st.sampled_from(INSERTS)) + xml[at:]
    return xml


def test_tag_spans_of_every_fixture_chapter_equal_the_walk() -> None:
    for src in CHAPTERS:
        root = etree.fromstring(src.encode(), PARSER)
        spans = tag_spans(src, root)
        assert isinstance(spans, provenance.TokenSpans)  # the fast pairing holds on real chapters
        assert plain(spans) == provenance._walk_spans(src, root)


@SETTINGS
@given(chapters())
def test_the_cheap_tag_split_is_the_full_one_or_refused(src: str) -> None:
    # tag_spans takes _TAG's split only when the source holds as many '>' as the tags it cut
    pieces = provenance._TAG.split(src)
    if len(pieces) == 2 * src.count(">") + 1:
        assert pieces == provenance._TOKEN.split(src)
    else:
        assert any(">" in text for text in pieces[::2])


def test_the_cheap_tag_split_is_taken_on_real_chapters() -> None:
    for src in CHAPTERS:
        assert len(provenance._TAG.split(src)) == 2 * src.count(">") + 1


@SETTINGS
@given(chapters())
def test_tag_spans_equal_the_walk_on_odd_markup(src: str) -> None:
    try:
        root = etree.fromstring(src.encode(), PARSER)
    except etree.XMLSyntaxError:
        return
    assert outcome(tag_spans, src, root) == outcome(provenance._walk_spans, src, root)


# -- the per-character references ---------------------------------------------------------------------

_REF = re.compile(r"&#x([0-9a-fA-F]+);|&#([0-9]+);|&(amp|lt|gt|quot|apos);|<!\[CDATA\[(.*?)\]\]>|\r\n?", re.DOTALL)
_WS_RUN = re.compile(r"[ \t\r\n]{2,}|[\t\r\n]")


def decode_chars(src: str, start: int, end: int) -> tuple[str, list[int]]:
    """Decoded text and one source offset per character, the plain way."""
    raw, pos = src[start:end], 0
    out: list[str] = []
    origins: list[int] = []
    for m in _REF.finditer(raw):
        out.append(raw[pos : m.start()])
        origins.extend(range(start + pos, start + m.start()))
        at = start + m.start()
        if m.group(4) is not None:
            out.append(m.group(4))
            origins.extend(range(at + 9, at + 9 + len(m.group(4))))
        else:
            out.append("\n" if m.group(0).startswith("\r") else chr(int(m.group(1), 16)) if m.group(1) else
                       chr(int(m.group(2))) if m.group(2) else {"amp": "&", "lt": "<", "gt": ">", "quot": '"',
                                                                 "apos": "'"}[m.group(3)])
            origins.append(at)
        pos = m.end()
    out.append(raw[pos:])
    origins.extend(range(start + pos, end))
    return "".join(out), origins


def chars(text: str, origins: int | tuple[list[int], list[int]]) -> list[int]:
    """One source offset per character of a decode_run answer."""
    if isinstance(origins, int):
        return list(range(origins, origins + len(text)))
    cuts, srcs = origins
    ends = [*cuts[1:], len(text)] if cuts else []
    return [s + i for c, e, s in zip(cuts, ends, srcs, strict=True) for i in range(e - c)]


class CharLine:
    """The per-character line builder the reader had: XML whitespace collapsed, one origin per character."""

    def __init__(self) -> None:
        self.text_ = ""
        self.origins: list[int] = []
        self.pending: int | None = None
        self.last = 0

    def text(self, text: str, origins: list[int]) -> None:
        end, pos = len(text.rstrip(" \t\r\n")), len(text) - len(text.lstrip(" \t\r\n"))
        if pos:
            self.space(origins[0])
        if pos >= end:
            return
        for m in _WS_RUN.finditer(text, pos, end):
            self.put(text[pos : m.start()], origins[pos : m.start()])
            self.space(origins[m.start()])
            pos = m.end()
        self.put(text[pos:end], origins[pos:end])
        if end < len(text):
            self.space(origins[end])

    def space(self, origin: int | None = None) -> None:
        if self.text_ and self.pending is None and not self.text_.endswith((" ", "\t")):
            self.pending = self.last if origin is None else origin

    def raw(self, text: str, origin: int | None = None) -> None:
        self.pending = None
        self.append(text, [self.last if origin is None else origin] * len(text))

    def begin(self) -> int:
        if self.pending is not None:
            self.append(" ", [self.pending])
            self.pending = None
        return len(self.text_)

    def put(self, text: str, origins: list[int]) -> None:
        if self.pending is not None:
            self.append(" ", [self.pending])
            self.pending = None
        self.append(text, origins)

    def append(self, text: str, origins: list[int]) -> None:
        if text:
            self.text_ += text
            self.origins += origins
            self.last = origins[-1]


ATOMS = ["a", "bc", " ", "  ", "\n", "\t", "\r\n", " x ", "&#x20;", "&#10;", "&amp;", "&foo;", "<![CDATA[ q ]]>",
         "<![CDATA[]]>", "é", "&#x1F600;"]
TEXT = st.lists(st.sampled_from(ATOMS), max_size=6).map("".join)


@SETTINGS
@given(st.text(alphabet="xy ", max_size=4), TEXT)
def test_decode_run_maps_every_character_like_the_plain_decoder(before: str, text: str) -> None:
    src = before + text + "<"
    got = decode_run(src, len(before), len(before) + len(text))
    want = decode_chars(src, len(before), len(before) + len(text))
    assert (got[0], chars(*got)) == want


OPS = st.lists(st.one_of(
    st.tuples(st.just("text"), TEXT), st.tuples(st.just("space"), st.booleans()),
    st.tuples(st.just("raw"), st.sampled_from(["", ".", ", ", "et al"]), st.booleans()),
    st.tuples(st.just("begin")), st.tuples(st.just("extend"), TEXT)), min_size=1, max_size=10)


@SETTINGS
@given(OPS)
def test_line_builder_runs_equal_the_per_character_builder(ops: list[tuple[object, ...]]) -> None:
    fast, ref = LineBuilder(), CharLine()
    answers: list[tuple[object, object]] = []
    at = 100  # each text sits at its own place in an imaginary source
    for op in ops:
        if op[0] == "text":
            src = "#" * at + str(op[1]) + "<"
            text, origins = decode_run(src, at, at + len(str(op[1])))
            fast.text(text, origins)
            ref.text(text, chars(text, origins))
            at += len(src)
        elif op[0] == "space":
            fast.space(at if op[1] else None)
            ref.space(at if op[1] else None)
        elif op[0] == "raw":
            fast.raw(str(op[1]), at if op[2] else None)
            ref.raw(str(op[1]), at if op[2] else None)
        elif op[0] == "begin":
            answers.append((fast.begin(), ref.begin()))
        else:  # another line appended whole, as table cells are
            sub, sub_ref = LineBuilder(), CharLine()
            sub.text(str(op[1]), at)
            sub_ref.text(str(op[1]), list(range(at, at + len(str(op[1])))))
            start = fast.extend(sub)
            ref_start = ref.begin() if sub_ref.text_ else len(ref.text_)
            ref.append(sub_ref.text_, sub_ref.origins)
            answers.append((start, (ref_start, len(ref.text_))))
            at += 50
        answers.append((fast.ends_with(".", " "), ref.text_.endswith((".", " "))))
    spread = [s + step * i for part, s, step in zip(fast.parts, fast.srcs, fast.steps, strict=True)
              for i in range(len(part))]
    assert ("".join(fast.parts), spread, fast.n, fast.pending) == (ref.text_, ref.origins, len(ref.text_),
                                                                  ref.pending)
    assert all(a == b for a, b in answers)
    if fast.n:
        assert fast.last == ref.last
    text = fast.finish()  # trailing spaces cut from the parts too
    kept = [s + step * i for part, s, step in zip(fast.parts, fast.srcs, fast.steps, strict=True)
            for i in range(len(part))]
    assert (text, kept) == (ref.text_.rstrip(" "), ref.origins[: len(ref.text_.rstrip(" "))])
