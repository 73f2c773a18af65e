"""The same chapter gives the same values for every contract field its formats both carry."""

from __future__ import annotations

from typing import Any

import pytest

from livertox_parse import parse
from livertox_parse.models import Monograph

from .conftest import FIXTURES

CHAPTERS = {  # stem of text/pdf -> NXML file name (None: no NXML in the corpus)
    "anakinra": None, "arbs": "ARBs", "barbiturates": "Barbiturates", "metoprolol": "Metoprolol",
    "nabumetone": "Nabumetone", "venlafaxine": "Venlafaxine",
}


SPAN = {"start": True, "end": True}
KEY_POINT_SPANS: dict[str, Any] = {**SPAN, **{f: SPAN for f in ("pattern", "severity", "latency", "recovery")},
                                   "medication": {**SPAN, "drugs": {"__all__": SPAN}}}


def contract(m: Monograph, *, with_tables: bool, with_links: bool = True) -> dict[str, Any]:
    """Contract fields without spans, pages and source (which differ by format by design)."""
    data: dict[str, Any] = {
        "title": m.title, "last_update": m.last_update, "kind": m.kind, "agents": m.agents,
        "scores": [(s.agent, s.score, s.qualifier, s.text) for s in m.likelihood_scores],
        "drug_class": m.drug_class, "subclass": m.subclass, "trade_names": m.trade_names_by_agent,
        "chemicals": [(c.drug, c.cas, c.cas_valid, c.formula, c.elements) for c in m.chemicals],
        "sections": [(s.id, s.title) for s in m.sections],
        "warnings": sorted(w.code for w in m.warnings),
        "cases": [],
    }
    for case in m.cases:
        kp = case.key_points.model_dump(exclude=KEY_POINT_SPANS) if case.key_points else None
        entry: dict[str, Any] = {"number": case.number, "title": case.title,
                                 "pmid": case.pmid if with_links else None, "age": case.patient.age_years,
                                 "sex": case.patient.sex, "key_points": kp}
        if with_tables:
            entry["labs"] = sorted((lab.test, lab.value, lab.unit, lab.uln) for lab in case.labs)
            entry["computed"] = case.computed
        data["cases"].append(entry)
    return data


@pytest.mark.parametrize("stem", CHAPTERS)
def test_pdf_equals_text(stem: str) -> None:
    from_text = parse(FIXTURES / "text" / f"{stem}.txt")
    from_pdf = parse(FIXTURES / "pdf" / f"{stem}.pdf")
    # text copied out of a PDF flattens the lab table to one cell per line: labs are compared PDF vs NXML
    assert contract(from_pdf, with_tables=False) == contract(from_text, with_tables=False)
    assert from_pdf.source.pages is not None and from_pdf.source.format == "pdf"


@pytest.mark.parametrize("stem", [s for s, n in CHAPTERS.items() if n])
def test_nxml_equals_pdf(stem: str) -> None:
    from_nxml = parse(FIXTURES / "nxml" / f"{CHAPTERS[stem]}.nxml")
    from_pdf = parse(FIXTURES / "pdf" / f"{stem}.pdf")
    # the PDFs carry no link annotations: a PubMed id linked from '[Modified from: ...]' is NXML-only
    assert contract(from_nxml, with_tables=True, with_links=False) == contract(from_pdf, with_tables=True,
                                                                                with_links=False)


def test_browser_printed_pdf_equals_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A layout not in the corpus (printed from a web browser: header with date and title, footer with the
    address and n/N, sans-serif, no hyphenation) parses to the same contract as the text."""
    from .test_pdf import make_browser_pdf

    pdf = make_browser_pdf(tmp_path / "anakinra-browser.pdf")
    from_pdf = parse(pdf)
    assert from_pdf.source.pages is not None and from_pdf.source.pages >= 2
    assert contract(from_pdf, with_tables=False) == contract(parse(FIXTURES / "text" / "anakinra.txt"),
                                                             with_tables=False)


@pytest.mark.parametrize("stem", [s for s in CHAPTERS if s != "anakinra"])  # anakinra.txt has no form feeds
def test_pages_agree_between_pdftotext_text_and_pdf(stem: str) -> None:
    from_text = parse(FIXTURES / "text" / f"{stem}.txt")
    from_pdf = parse(FIXTURES / "pdf" / f"{stem}.pdf")
    assert from_text.source.pages == from_pdf.source.pages
    assert [(s.id, s.page) for s in from_text.sections] == [(s.id, s.page) for s in from_pdf.sections]
    assert [s.page for s in from_text.likelihood_scores] == [s.page for s in from_pdf.likelihood_scores]
    assert [(w.code, w.page) for w in from_text.warnings] == [(w.code, w.page) for w in from_pdf.warnings]
    assert [c.page for c in from_text.chemicals] == [c.page for c in from_pdf.chemicals]
