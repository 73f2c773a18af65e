"""Stage 3: the spaCy entity layer. The cheap pass must lose nothing that a full spaCy run would find."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livertox_parse.document import Source
from livertox_parse.readers.text import document_from_text, read_text
from livertox_parse.stages.assemble import build
from livertox_parse.stages.chapter import listed_brands
from livertox_parse.stages.drug_lexicon import dictionary_names
from livertox_parse.stages.entities import (
    SKIPPED_SECTIONS,
    _blocks,
    _chapter_matcher,
    extract_entities,
    get_nlp,
)
from livertox_parse.stages.sections import SectionSpan, sectionize

from .conftest import TEXTS


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_windows_find_what_a_full_pass_finds(path) -> None:  # type: ignore[no-untyped-def]
    doc = read_text(path)
    spans = sectionize(doc)
    monograph, _ = build(doc, spans)
    windowed = {(e.label, e.start, e.end) for e in extract_entities(doc, spans, monograph)}
    nlp = get_nlp()
    # every dictionary name occurring anywhere in the text, found by plain substring search (not by the automaton)
    lower = doc.text.lower()
    matcher = _chapter_matcher(nlp, monograph, {n for n in dictionary_names() if n in lower})
    full = set()
    for offset, block in _blocks(doc, spans):  # every block tokenised whole, the component searching itself
        sdoc = nlp.make_doc(block)
        sdoc.user_data["chapter_matcher"] = matcher
        for _, proc in nlp.pipeline:
            sdoc = proc(sdoc)
        full |= {(e.label_, offset + e.start_char, offset + e.end_char) for e in sdoc.ents}
    assert windowed == full


EXPECTED = {  # (fixture, label, text) that must be found, checked by hand in the source
    "anakinra": [("LIKELIHOOD", "Likelihood score: C (probable cause of clinically apparent acute liver injury)"),
                 ("LAB_VALUE", "ALT 3346 U/L"), ("PATIENT", "A 22 year old woman"), ("TRADE_NAME", "Kineret"),
                 ("CAS", "143090-92-0"), ("DOSE", "100 mg daily"), ("SEVERITY", "3+"),
                 ("PATTERN", "Hepatocellular (R=32)"), ("DURATION", "within a few weeks to up to 6 months"),
                 ("DRUG", "methylprednisolone")],
    "metoprolol": [("FORMULA", "C15-H25-N-O3"), ("DURATION", "three weeks"), ("DRUG", "doxycycline")],
    "venlafaxine": [("LIKELIHOOD", ("Likelihood score (desvenlafaxine): E* (suspected but unproven cause of "
                                    "clinically apparent liver injury)")), ("TRADE_NAME", "Pristiq")],
}


@pytest.mark.parametrize("stem", EXPECTED)
def test_known_entities(stem: str) -> None:
    path = next(p for p in TEXTS if p.stem == stem)
    doc = read_text(path)
    spans = sectionize(doc)
    found = {(e.label, e.text) for e in extract_entities(doc, spans, build(doc, spans)[0])}
    for item in EXPECTED[stem]:
        assert item in found


def test_references_are_not_searched() -> None:
    path = next(p for p in TEXTS if p.stem == "nabumetone")
    doc = read_text(path)
    spans = sectionize(doc)
    entities = extract_entities(doc, spans, build(doc, spans)[0])
    assert entities and not any(e.section in ("references", "annotated_bibliography") for e in entities)


def test_drug_stems_tag_names_the_lexicon_lacks() -> None:
    from livertox_parse import parse_text

    text = ("OVERVIEW\nHepatotoxicity\nLiver injury was reported with pembrolizumab, sacubitril and "
            "rosuvastatin, but the mabs and the statin class as a whole are not implicated; "
            "personal reasons and statistical tests were noted.\nLikelihood score: E (unlikely).\n")
    drugs = {e.text for e in parse_text(text).entities if e.label == "DRUG"}
    assert {"pembrolizumab", "rosuvastatin"} <= drugs
    assert "sacubitril" in drugs  # no stem of ours ends it: the drug dictionary knows it
    assert not drugs & {"mabs", "statin", "personal", "statistical"}


def test_multiword_names_are_found_whole() -> None:
    """Bug caught in review: the cheap pass gave only the first word of a multiword name as its window,
    so spaCy never saw 'Ozogamicin' and the lexicon phrase could not match."""
    from livertox_parse import parse_text

    text = ("OVERVIEW\nHepatotoxicity\nSinusoidal obstruction followed gemtuzumab ozogamicin in 3 of 20.\n"
            "Likelihood score: A (well known).\n")
    drugs = [e.text for e in parse_text(text).entities if e.label == "DRUG"]
    assert "gemtuzumab ozogamicin" in drugs


def test_dictionary_names_are_linked_and_curated() -> None:
    """Brands from the dictionary are TRADE_NAME pointing to their generic; classes, enzymes, endogenous
    substances and common words stay out of DRUG (rules/drug_filters.json)."""
    from livertox_parse import parse_text

    text = ("OVERVIEW\nHepatotoxicity\nHe took Tylenol, gabapentin and Synthroid; the gold standard, alkaline "
            "phosphatase, bilirubin, glucose, statins and opioid antagonists were noted in the program.\n"
            "Likelihood score: E (unlikely).\n")
    ents = {e.text: e for e in parse_text(text).entities if e.label in ("DRUG", "TRADE_NAME")}
    assert set(ents) == {"Tylenol", "gabapentin", "Synthroid"}
    assert (ents["Tylenol"].label, ents["Tylenol"].generic, ents["Tylenol"].drugbank_id) == (
        "TRADE_NAME", "Acetaminophen", "DB00316")
    assert (ents["Synthroid"].label, ents["Synthroid"].generic) == ("TRADE_NAME", "Levothyroxine")
    assert (ents["gabapentin"].label, ents["gabapentin"].generic, ents["gabapentin"].unii) == (
        "DRUG", "Gabapentin", "6CW7F3G59X")


# an overview's agents in running text, each with its brands and year (ACE inhibitors, anticholinergics, lipid
# lowering agents, antifungals, amlodipine's combinations), and the look-alikes that are no brands
OVERVIEW_AGENTS = (
    "OVERVIEW\nIntroduction\nThe ACE inhibitors approved in the United States include captopril (Capoten: 1981), "
    "lisinopril (Prinivil, Zestril: 1987), fosinopril (Monopril: 1991), quinapril (Accupril: 1991) and ramipril "
    "(Altase: 1991). Others are oxybutynin (Ditropan: 1975, U), fenofibrate (Lifibra, Tricor, Trigilde: 1993), "
    "medroxyprogesterone (Provera and others: 1959), flucytosine (1971: Ancobon) and amlodipine with aliskiren "
    "(150 or 300 mg: Tekamlo). The disease is named for the physician who first described it (Philippe Gaucher: "
    "1882). Guidelines for monitoring patients on tolcapone (Olanow: 2000) followed. Zidovudine is thymidine "
    "(3’-azido-3’- deoxythymidine: AZT).\nHepatotoxicity\nRare cases of liver injury.\n"
    "Likelihood score: C (probable).\nREFERENCES\nOlanow CW. Tolcapone and hepatotoxic effects. Arch Neurol "
    "2000; 57: 263-7.\n")


def test_an_overviews_listed_brands() -> None:
    brands = listed_brands(OVERVIEW_AGENTS)
    assert brands == {"Capoten": "captopril", "Prinivil": "lisinopril", "Zestril": "lisinopril",
                      "Monopril": "fosinopril", "Accupril": "quinapril", "Altase": "ramipril",
                      "Ditropan": "oxybutynin", "Lifibra": "fenofibrate", "Tricor": "fenofibrate",
                      "Trigilde": "fenofibrate", "Provera": "medroxyprogesterone", "Ancobon": "flucytosine",
                      "Tekamlo": None}  # a combination product: no one agent's


def test_listed_brands_are_trade_names_linked_to_their_agent() -> None:
    """The dictionary lists some brands as synonyms ('Ditropan') and the '-pril' stem made 'Monopril' a DRUG;
    a brand the dictionary lacks ('Altase', sic) takes its agent's identifiers."""
    from livertox_parse import parse_text

    ents = {e.text: e for e in parse_text(OVERVIEW_AGENTS).entities if e.label in ("DRUG", "TRADE_NAME")}
    for brand in ("Capoten", "Monopril", "Accupril", "Altase", "Ditropan", "Lifibra", "Trigilde", "Tekamlo"):
        assert ents[brand].label == "TRADE_NAME", brand
    assert (ents["Altase"].generic, ents["Altase"].drugbank_id) == ("Ramipril", "DB00178")
    assert ents["Tekamlo"].generic is None
    assert ents["fosinopril"].label == "DRUG"
    assert not {"Olanow", "Philippe Gaucher", "AZT"} & {n for n, e in ents.items() if e.label == "TRADE_NAME"}


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_section_lookup_by_bisection_matches_the_scan(path) -> None:  # type: ignore[no-untyped-def]
    from livertox_parse.stages.entities import _section_of, _Sections

    doc = read_text(path)
    spans = sectionize(doc)
    sections = _Sections(spans)
    assert len({sections.of(i) for i in range(len(doc.text) + 10)}) > 3
    assert all(sections.of(i) == _section_of(i, spans) for i in range(len(doc.text) + 10))


def test_each_drug_entity_is_linked_as_its_name_alone_would_be() -> None:
    """The links are kept by name within a chapter: each must still be the one its own text gives."""
    from livertox_parse.stages.entities import _link

    linked = 0
    for path in TEXTS:
        doc = read_text(path)
        spans = sectionize(doc)
        monograph = build(doc, spans)[0]
        for e in extract_entities(doc, spans, monograph):
            if e.label in ("DRUG", "TRADE_NAME"):
                link = _link(e.text, monograph, listed_brands(doc.text))
                assert (e.generic, e.drugbank_id, e.unii) == (link.get("generic"), link.get("drugbank_id"), link.get("unii"))
                linked += e.generic is not None
    assert linked > 100


def test_the_pattern_cache_is_bounded_and_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tokenised chapter names are cached up to PATTERN_CACHE_SIZE (an ingest worker parses thousands of
    chapters); a name evicted is tokenised again, to the same entities."""
    from livertox_parse import parse_text
    from livertox_parse.stages import entities as ent

    texts = [p.read_text(encoding="utf-8") for p in TEXTS]
    full = [[e.model_dump() for e in parse_text(t).entities] for t in texts]
    monkeypatch.setattr(ent, "PATTERN_CACHE_SIZE", 5)
    ent._PATTERNS.clear()
    small = [[e.model_dump() for e in parse_text(t).entities] for t in texts]
    assert len(ent._PATTERNS) <= 5
    assert small == full


SPAN_TUPLES = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12), st.integers(0, 12), st.integers(0, 3)),
                       max_size=8)


def section_spans(raw: list[tuple[int, int, int, int]]) -> list[SectionSpan]:
    """Sections anywhere: nested, overlapping, empty, a heading running past the body, levels tied."""
    return [SectionSpan(f"s{i}", "", level, None, start, start + heading, start + body)
            for i, (start, heading, body, level) in enumerate(raw)]


@settings(max_examples=300, deadline=None)
@given(SPAN_TUPLES)
def test_section_lookup_matches_the_scan_on_odd_sections(raw: list[tuple[int, int, int, int]]) -> None:
    from livertox_parse.stages.entities import _section_of, _Sections

    spans = section_spans(raw)
    sections = _Sections(spans)
    assert [sections.of(i) for i in range(-2, 60)] == [_section_of(i, spans) for i in range(-2, 60)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b c", "\n", "\n\n", " ", "\r", "x\ny"]), max_size=20).map("".join),
       SPAN_TUPLES)
def test_blocks_are_the_runs_of_non_blank_lines_of_each_stretch(text: str, raw: list[tuple[int, int, int, int]]) -> None:
    """_blocks searches doc.text between bounds; the plain form slices the stretch and searches that."""
    import re
    from itertools import pairwise

    doc = document_from_text(text, Source(None, "text", None, None))
    spans = section_spans(raw)
    spans = [s if i % 3 else replace(s, id="references") for i, s in enumerate(spans)]  # some skipped
    bounds = sorted({0, len(doc.text), *(s.start for s in spans), *(s.heading_end for s in spans)})
    skip = [(s.start, s.end) for s in spans if s.id in SKIPPED_SECTIONS]
    plain = [(a + m.start(), m.group(0)) for a, b in pairwise(bounds) if not any(s <= a < e for s, e in skip)
             for m in re.finditer(r"[^\n]+(?:\n[^\n]+)*", doc.text[a:b])]
    assert list(_blocks(doc, spans)) == plain


def test_a_lab_value_opened_by_a_parenthesis_takes_its_close() -> None:
    from livertox_parse.stages.entities import find_hits

    text = ("marked elevations in serum bilirubin (29.5 mg/dL) and aminotransferase levels (ALT 2229 U/L, "
            "AST 2684 U/L), with minimal increase in alkaline phosphatase (188 U/L).")  # SMZ-TMP, Case 3
    labs = [text[s:e] for s, e, label in find_hits(text) if label == "LAB_VALUE"]
    assert labs == ["serum bilirubin (29.5 mg/dL)", "ALT 2229 U/L", "AST 2684 U/L", "alkaline phosphatase (188 U/L)"]


def test_a_formula_keeps_its_salts_and_holds_a_digit() -> None:
    from livertox_parse.stages.entities import find_hits

    text = ("Doxycycline\t564-25-0\tC22-H24-N2-O8.H2-O\nTesamorelin\t901758-09-6\tC221-H366-N72-O67-S.(C2-H4-O2)x-\t"
            "Polypeptide\nClobazam C16-H10-Cl-N4-O3.K.H-K-O; Timolol C13-H24-N4-O3-S.1/2H2-O; Viekira Pak "
            "(dasabuvir, ombitasvir and paritaprevir with ritonavir: D-O-P/r); N-R-G Nature's Raw Guarana")
    assert [text[s:e] for s, e, label in find_hits(text) if label == "FORMULA"] == [
        "C22-H24-N2-O8.H2-O", "C221-H366-N72-O67-S.(C2-H4-O2)x-", "C16-H10-Cl-N4-O3.K.H-K-O", "C13-H24-N4-O3-S.1/2H2-O"]

