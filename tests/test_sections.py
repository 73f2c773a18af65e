"""Sections as the book heads them: the heading table's aliases and the upper-case lines that are no heading."""

from __future__ import annotations

import pytest

from livertox_parse import parse_text

OVERVIEW = ("Drug X\n\nOVERVIEW\n\nIntroduction\n\nDrug X is a drug. Liver injury is rare.\n\nHepatotoxicity\n\n"
            "Drug X causes mild enzyme elevations.\n\n{middle}\n\nMechanism of Injury\n\nUnknown.\n\n"
            "Outcome and Management\n\nRecovery follows stopping.\n\nREFERENCES\n\n1. A reference.\n")


def _ids(text: str) -> list[tuple[int, str, str]]:
    return [(s.level, s.id, s.title) for s in parse_text(text).sections]


def test_an_upper_case_caption_before_a_table_is_no_heading() -> None:
    # Allopurinol (LiverTox 2021): the histology images are tables captioned 'CHOLESTATIC HEPATITIS'; read as
    # headings, they closed the OVERVIEW and the mechanism and outcome that follow lost their names
    middle = "CHOLESTATIC HEPATITIS\n\t(image)\tAllopurinol may cause cholestatic hepatitis.\n\t(image)\tAnother view."
    got = _ids(OVERVIEW.format(middle=middle))
    assert (2, "mechanism_of_injury", "Mechanism of Injury") in got
    assert (2, "outcome_and_management", "Outcome and Management") in got
    assert not any(title == "CHOLESTATIC HEPATITIS" for _, _, title in got)


def test_an_upper_case_line_alone_is_still_a_heading() -> None:
    got = _ids(OVERVIEW.format(middle="GRANULOMATOUS HEPATITIS\n\nSome granulomas were seen."))
    assert (1, "other", "GRANULOMATOUS HEPATITIS") in got


@pytest.mark.parametrize(("heading", "rule"), [("Mechanism of Hepatotoxicity", "mechanism_of_injury"),
                                               ("SELECTED REFERENCES", "references"),
                                               ("Selected References", "references")])
def test_heading_variants_of_the_book(heading: str, rule: str) -> None:
    text = OVERVIEW.format(middle="").replace("Mechanism of Injury", heading).replace("REFERENCES", heading)
    assert rule in {sid for _, sid, title in _ids(text) if title == heading}
