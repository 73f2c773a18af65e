"""TextBuilder: the batched ways of adding text map every character as adding it piece by piece does."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from livertox_parse.document import Source, TextBuilder

_LINES = st.lists(st.tuples(st.text(alphabet="ab -", max_size=6), st.integers(0, 500), st.booleans()), max_size=12)


def _one_by_one(builder: TextBuilder, lines: list[tuple[str, int, bool]]) -> None:
    for text, src, newline in lines:
        builder.add(text, src)
        if newline:
            builder.add_synthetic("\n")


@given(before=_LINES, lines=_LINES, after=_LINES)
def test_add_lines_maps_as_add_and_add_synthetic(before: list[tuple[str, int, bool]], lines: list[tuple[str, int, bool]],
                                                 after: list[tuple[str, int, bool]]) -> None:
    # lines added at once between lines added one by one, then a synthetic tab that maps where the last text
    # ended: the text, every character's source offset and the tab's agree
    batched, single = TextBuilder(), TextBuilder()
    for builder, add in ((batched, TextBuilder.add_lines), (single, _one_by_one)):
        _one_by_one(builder, before)
        add(builder, lines)
        _one_by_one(builder, after)
        builder.add_synthetic("\t")
    a, b = (x.build(Source(None, "text", "", None), source_text="") for x in (batched, single))
    assert a.text == b.text
    assert a.origin is not None and b.origin is not None
    assert a.origin.sources() == b.origin.sources()


def test_add_lines_example() -> None:
    # 'ab' from offset 10, a newline pinned one past it, a blank line's newline pinned there too, 'c' from 40
    builder = TextBuilder()
    builder.add_lines([("ab", 10, True), ("", 99, True), ("c", 40, False)])
    doc = builder.build(Source(None, "text", "", None))
    assert doc.text == "ab\n\nc"
    assert doc.origin is not None
    assert list(doc.origin.sources())[:5] == [10, 11, 12, 12, 40]


def _lines_one_by_one(text: str) -> list[list[tuple[str, object]]]:
    """The text reader's pages of (line, origins), read a line at a time and each line cut at its form feeds:
    the plain form of ``_split_lines``."""
    from livertox_parse.readers.text import _EDGE_SPACE, _normalise_line

    pages: list[list[tuple[str, object]]] = [[]]
    pos = 0
    for raw in text.split("\n"):
        offset = pos
        pos += len(raw) + 1
        for k, piece in enumerate(raw.split("\f")):
            if k:
                pages.append([])
            norm, origins = _normalise_line(piece.rstrip("\r"), offset)
            left = len(norm) - len(norm.lstrip(_EDGE_SPACE))
            norm = norm.strip(_EDGE_SPACE)
            pages[-1].append((norm, origins + left if isinstance(origins, int) else origins[left : left + len(norm)]))
            offset += len(piece) + 1
    if len(pages) > 1 and not any(line for line, _ in pages[-1]):
        pages.pop()
    return pages


@given(st.lists(st.sampled_from(["a", "b", " ", "\n", "\f", "\r", "\t", "ﬁ", "\u00a0", "e\u0301", "\u00ad"]),
                max_size=40).map("".join))
@example("a\r\nb\fc \r\n\f\n ﬁd\u00a0")  # a line end '\r\n', form feeds ending and starting lines, a mapped line
def test_split_lines_reads_pages_as_line_by_line(text: str) -> None:
    # pages cut at form feeds first, then lines: the same lines, each character's origin the same
    from livertox_parse.readers.text import _split_lines

    assert [[(line.text, line.origins) for line in page] for page in _split_lines(text)] == _lines_one_by_one(text)


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(0, 2**40), st.integers(0, 1)), max_size=20))
def test_offset_map_bulk_runs_map_as_appended_runs(runs: list[tuple[int, int, int]]) -> None:
    # extend_runs and add_runs (packed at once) map every index as append_run does run by run, offsets past
    # 32 bits included
    from itertools import accumulate

    from livertox_parse.document import OffsetMap

    outs = list(accumulate((n for n, _, _ in runs), initial=0))
    single, bulk, ones, ones_single = OffsetMap(), OffsetMap(), OffsetMap(), OffsetMap()
    for out, (n, src, step) in zip(outs, runs, strict=False):
        single.append_run(out, src, step, n)
        ones_single.append_run(out, src, 1, n)
    bulk.extend_runs(outs[:-1], [src for _, src, _ in runs], [step for _, _, step in runs], outs[-1])
    ones.add_runs(outs[:-1], [src for _, src, _ in runs], outs[-1])
    assert bulk.sources() == single.sources()
    assert ones.sources() == ones_single.sources()
