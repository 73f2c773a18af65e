"""Tables as tab-separated rows in text (copied from a web page or the XML) are read as tables."""

from __future__ import annotations

import pytest

from livertox_parse import parse, parse_text
from livertox_parse.readers.nxml import read_nxml
from livertox_parse.readers.tables import tab_tables, table_kind

from .conftest import FIXTURES
from .test_cross_format import contract

LAB_TEXT = (
    "Laboratory Values\n"
    "Time After Starting\tWeeks After Stopping\tALT* (U/L)\tAlk P* (U/L)\tOther\n"
    "Pre\t\t26\t72\t\n"
    "Metoprolol (50 mg daily) given for 3 weeks\n"
    "3 weeks\t0\t1140\t168\tBilirubin 0.7 mg/dL\n"
    "Normal Values\t<40\t<110\n"
    "* Converted from µKat/L.\n"
    "Comment\n"
)


def test_tab_rows_become_a_table_with_spans() -> None:
    (table,) = tab_tables(LAB_TEXT)
    assert table.kind == "laboratory_values"
    assert all(c.header for c in table.rows[0]) and not any(c.header for c in table.rows[1])
    (event,) = table.rows[2]
    assert (event.text, event.colspan) == ("Metoprolol (50 mg daily) given for 3 weeks", 5)
    assert [c.text for c in table.rows[1]] == ["Pre", "", "26", "72", ""]
    assert table.notes == ("* Converted from µKat/L.",)
    for row in table.rows:
        for cell in row:
            assert LAB_TEXT[cell.start : cell.end] == cell.text


def test_single_tab_line_is_not_a_table() -> None:
    assert tab_tables("A sentence\twith one tab.\nAnother line.\n") == ()


KINDS = {
    "chemical": ([["DRUG", "CAS REGISTRY NO.", "MOLECULAR FORMULA"], ["X", "50-06-6", "C12-H12-N2-O3"]], 3),
    "key_points": ([["Medication:", "X (1 mg)"], ["Pattern:", "Mixed"]], 2),
    "laboratory_values": ([["Time After Starting", "ALT (U/L)"], ["1 week", "300"]], 2),
    "other": ([["Azilsartan"], ["Losartan"]], 1),
}


@pytest.mark.parametrize("kind", KINDS)
def test_table_kind(kind: str) -> None:
    assert table_kind(*KINDS[kind]) == kind


@pytest.mark.parametrize("name", ["Metoprolol", "Venlafaxine", "Nabumetone", "Barbiturates", "ARBs"])
def test_text_copied_from_the_xml_equals_the_xml(name: str) -> None:
    path = FIXTURES / "nxml" / f"{name}.nxml"
    copied = parse_text(read_nxml(path).text)
    assert contract(copied, with_tables=True, with_links=False) == contract(parse(path), with_tables=True,
                                                                            with_links=False)


def test_copy_that_lost_trailing_tabs_keeps_the_normal_values() -> None:
    """Bug caught while building this: 'Normal Values<tab><40...' was aligned by position, so a copy that
    lost the label's column span gave ALT the ULN of Alk P. Limits now pair with test columns by order."""
    text = read_nxml(FIXTURES / "nxml" / "Metoprolol.nxml").text.replace("\t\n", "\n")
    (case,) = parse_text(text).cases
    assert (case.computed.alt_uln, case.computed.alp_uln, case.computed.uln_source) == (40, 110, "chapter")
    assert case.computed.r_ratio == 18.7
