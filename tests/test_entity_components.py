"""The entity components work on (start, end, label) token tuples and write the Doc's entities once with
``from_array``; each piece must give what the spaCy call it replaces gives (``filter_spans``,
``Doc.char_span(alignment_mode="expand")``, ``doc.ents = ...``), and the components what they gave when built
on those calls, on real windows and on odd hand-made text."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from livertox_parse.readers.text import read_text
from livertox_parse.stages.assemble import build
from livertox_parse.stages.chapter import listed_brands
from livertox_parse.stages.entities import (
    _chapter_matcher,
    _names,
    _windows,
    entity_spans,
    expand_char_span,
    filter_token_spans,
    find_hits,
    get_nlp,
    ruler_spans,
    set_token_ents,
)
from livertox_parse.stages.sections import sectionize

from .conftest import TEXTS
from .test_stem_tokens import PIECES, chapter_matcher

ODD_TEXTS = ["", " ", "a", " a", "a ", "a  b", "a\n\nb ", "  x. y\t", "ALT 300 U/L. (3 weeks)", "İİ oprolol ",
             "e.g. 1+ 2+\n", "a \n b"]


def labels() -> list[int]:
    return [get_nlp().vocab.strings.add(x) for x in ("DRUG", "TRADE_NAME", "DOSE")]


def triples(spans: Any) -> list[tuple[int, int, int]]:
    return [(s.start, s.end, s.label) for s in spans]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6), st.sampled_from([0, 1, 2])), max_size=25))
def test_filter_token_spans_is_filter_spans(raw: list[tuple[int, int, int]]) -> None:
    doc = get_nlp().make_doc("x " * 40)
    spans = [(s, s + n, labels()[k]) for s, n, k in raw]  # empty and equal spans too
    assert filter_token_spans(spans) == triples(filter_spans([Span(doc, s, e, label=k) for s, e, k in spans]))


def char_span_cases(doc: Doc) -> list[tuple[int, int]]:
    n = len(doc.text)
    return [(a, b) for a in range(-1, n + 2) for b in range(a, n + 2)]


def expanded(doc: Doc, a: int, b: int) -> tuple[int, int] | None:
    starts, lengths = [t.idx for t in doc], [len(t) for t in doc]
    return expand_char_span(starts, lengths, len(doc.text), a, b)


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_expand_char_span_is_char_span_on_odd_text(text: str) -> None:
    doc = get_nlp().make_doc(text)
    for a, b in char_span_cases(doc):
        span = doc.char_span(a, b, alignment_mode="expand")
        assert expanded(doc, a, b) == (None if span is None else (span.start, span.end)), (a, b)


def real_windows() -> list[tuple[str, list[tuple[int, int, str]], Any]]:
    out = []
    for path in TEXTS:
        doc = read_text(path)
        spans = sectionize(doc)
        monograph = build(doc, spans)[0]
        listed = listed_brands(doc.text)
        names = _names(monograph, listed)
        windows = _windows(doc, spans, names)
        out.append((windows.text, windows.hits, _chapter_matcher(get_nlp(), monograph, names.found, listed)))
    return out


REAL = real_windows()


def test_expand_char_span_is_char_span_on_real_hits() -> None:
    checked = 0
    for text, hits, _ in REAL:
        doc = get_nlp().make_doc(text)
        for start, end, _ in hits:
            for a, b in ((start, end), (start - 1, end + 1), (start + 1, end - 1), (start, start + 1)):
                span = doc.char_span(a, b, alignment_mode="expand")
                assert expanded(doc, a, b) == (None if span is None else (span.start, span.end))
                checked += 1
    assert checked > 400


def reference_components(doc: Doc, text: str, hits: list[tuple[int, int, str]] | None, matcher: Any) -> Doc:
    """livertox_chapter_terms and livertox_regex_entities as they were: Span objects, spaCy's filter_spans,
    char_span and the ents setter."""
    nlp = get_nlp()
    doc = nlp.get_pipe("entity_ruler")(doc)
    from livertox_parse.stages.entities import _stem_tokens

    stems = [Span(doc, i, i + 1, label="DRUG") for i in _stem_tokens(doc, triples(doc.ents))]
    if matcher is None:
        if stems:
            doc.set_ents(stems, default="unmodified")
    else:
        labelled = [Span(doc, s, e, label=mid) for mid, s, e in matcher(doc)]
        doc.ents = filter_spans([*doc.ents, *labelled, *stems])  # of equal spans the chapter's name wins
    found = list(doc.ents)
    for start, end, label in find_hits(text) if hits is None else hits:
        if not text[start:end].strip():
            continue
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            found.append(span)
    doc.ents = filter_spans(found)
    return doc


def _fresh_doc(text: str, hits: list[tuple[int, int, str]] | None, matcher: Any) -> Doc:
    """A Doc of ``text`` as extract_entities hands it over: the chapter matcher and the cheap pass's hits."""
    doc = get_nlp().make_doc(text)
    if matcher is not None:
        doc.user_data["chapter_matcher"] = matcher
    if hits is not None:
        doc.user_data["hits"] = hits
    return doc


def ours(text: str, hits: list[tuple[int, int, str]] | None, matcher: Any) -> Doc:
    doc = _fresh_doc(text, hits, matcher)
    for _, proc in get_nlp().pipeline:
        doc = proc(doc)
    return doc


def fast(text: str, hits: list[tuple[int, int, str]] | None, matcher: Any) -> list[tuple[int, int, int]]:
    """What extract_entities reads: ``entity_spans``, the components' spans never written to the Doc."""
    return entity_spans(get_nlp(), _fresh_doc(text, hits, matcher))


def iob(doc: Doc) -> list[tuple[int, int, int]]:
    return [(t.i, t.ent_iob, t.ent_type) for t in doc]


def the_rulers(text: str) -> list[tuple[int, int, int]]:
    return triples(get_nlp().get_pipe("entity_ruler")(get_nlp().make_doc(text)).ents)


def test_ruler_spans_are_what_the_entity_ruler_sets_on_real_windows() -> None:
    for text, _, _ in REAL:
        assert ruler_spans(get_nlp(), get_nlp().make_doc(text)) == the_rulers(text)
        assert len(the_rulers(text)) > 5


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*PIECES, "Alpha Lipoic", "Lipoic Acid", "Arnica Montana", "insulin", "Insulin"]),
                max_size=20).map("".join))
def test_ruler_spans_are_what_the_entity_ruler_sets(text: str) -> None:
    """Overlapping lexicon names ('Gemtuzumab Ozogamicin', 'gemtuzumab'; 'Alpha Lipoic Acid', 'alpha')."""
    assert ruler_spans(get_nlp(), get_nlp().make_doc(text)) == the_rulers(text)


@cache
def overlapping_ruler() -> Any:
    """An entity ruler whose phrases overlap (the lexicon's never do): ties of length, one phrase under two labels."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "validate": False})
    ruler.add_patterns([{"label": label, "pattern": phrase}  # type: ignore[attr-defined]
                        for label, phrase in [("DRUG", "alpha beta"), ("DRUG", "beta gamma"), ("DRUG", "alpha"),
                                              ("TRADE_NAME", "gamma"), ("DRUG", "gamma"), ("DRUG", "beta gamma delta"),
                                              ("TRADE_NAME", "delta alpha"), ("DRUG", "delta")]])
    return nlp


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["alpha", "Beta", "gamma", "delta", " ", " ", ", "]), max_size=16).map("".join))
@example("alpha beta gamma")  # two of one length overlap: the first kept
@example("alpha beta gamma delta")  # a shorter one ends inside a longer one
def test_ruler_spans_are_what_an_entity_ruler_of_overlapping_phrases_sets(text: str) -> None:
    nlp = overlapping_ruler()
    assert ruler_spans(nlp, nlp.make_doc(text)) == triples(nlp.get_pipe("entity_ruler")(nlp.make_doc(text)).ents)


def test_components_give_what_the_span_based_components_gave_on_real_windows() -> None:
    for text, hits, matcher in REAL:
        for matcher_ in (matcher, None):
            expected = reference_components(get_nlp().make_doc(text), text, hits, matcher_)
            doc = ours(text, hits, matcher_)
            assert triples(doc.ents) == triples(expected.ents) and iob(doc) == iob(expected)
            assert fast(text, hits, matcher_) == triples(expected.ents)
            assert len(doc.ents) > 20


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*PIECES, "3 weeks", "ALT 300 U/L", "100 mg daily", "2+", " \n"]), max_size=20)
       .map("".join), st.booleans(),
       st.lists(st.tuples(st.integers(0, 200), st.integers(1, 12), st.sampled_from(["DOSE", "DURATION"])), max_size=6))
def test_components_give_what_the_span_based_components_gave(text: str, with_matcher: bool,
                                                               extra: list[tuple[int, int, str]]) -> None:
    """Hand-made text: hits of our regexes, and made-up ones at any place (in spaces, past the end)."""
    matcher = chapter_matcher() if with_matcher else None
    for hits in (None, [*find_hits(text), *((s, s + n, label) for s, n, label in extra)]):
        expected = reference_components(get_nlp().make_doc(text), text, hits, matcher)
        doc = ours(text, hits, matcher)
        assert triples(doc.ents) == triples(expected.ents) and iob(doc) == iob(expected)
        assert fast(text, hits, matcher) == triples(expected.ents)


@pytest.mark.parametrize("text", [t for t in ODD_TEXTS if t.strip()] + ["Kineret and anakinra 100 mg daily"])
def test_set_token_ents_is_the_ents_setter(text: str) -> None:
    doc = get_nlp().make_doc(text)
    n = len(doc)
    drug, trade, dose = labels()
    for spans in ([], [(0, n, drug)], [(0, 1, drug), (1, n, trade)], [(n - 1, n, dose), (0, 0, drug)]):
        expected = get_nlp().make_doc(text)
        expected.ents = [Span(expected, s, e, label=k) for s, e, k in spans]
        set_token_ents(doc, spans)
        assert iob(doc) == iob(expected) and triples(doc.ents) == triples(expected.ents)


CORPUS = next((p for p in (Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "livertox-2021",
                           Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "livertox-2021")
               if p.is_dir()), None)


@pytest.mark.skipif(CORPUS is None, reason="the dev corpus ../shared/corpus/livertox-2021 is not there")
def test_entity_spans_are_what_the_span_based_components_gave_on_corpus_chapters() -> None:
    """Every fourth dev chapter's windows, as extract_entities makes them."""
    from livertox_parse import LiverToxError
    from livertox_parse.readers import read_document

    assert CORPUS is not None
    checked = 0
    for path in sorted(CORPUS.glob("*.nxml"))[::4]:
        try:
            doc = read_document(str(path), path.read_bytes())
            spans = sectionize(doc)
            monograph = build(doc, spans)[0]
        except LiverToxError:
            continue
        listed = listed_brands(doc.text)
        names = _names(monograph, listed)
        windows = _windows(doc, spans, names)
        if not windows.text:
            continue
        matcher = _chapter_matcher(get_nlp(), monograph, names.found, listed)
        expected = reference_components(get_nlp().make_doc(windows.text), windows.text, windows.hits, matcher)
        assert fast(windows.text, windows.hits, matcher) == triples(expected.ents), path.name
        checked += 1
    assert checked > 100


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=20).map("".join))
@example("Gemtuzumab Ozogamicin and gemtuzumab")  # a stem word inside a ruler entity, and free
def test_stem_tokens_are_the_free_tokens_whose_word_carries_a_stem(text: str) -> None:
    """_stem_tokens (each word asked once per process, the entities given as spans) against asking every token
    of the Doc the ruler annotated."""
    from livertox_parse.stages.entities import _stem_token_regex, _stem_tokens

    doc = get_nlp().get_pipe("entity_ruler")(get_nlp().make_doc(text))
    plain = [t.i for t in doc if _stem_token_regex().search(t.lower_) and t.ent_iob not in (1, 3)]
    assert _stem_tokens(doc, triples(doc.ents)) == plain
