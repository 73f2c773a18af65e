"""Issue 9, parse level: inputs that raised something other than LiverToxError, or wrote JSON the schema
refuses. Each case is one reproduction from the issue (or found with them), built from a fixture in a line.

The contract: a Monograph that serialises and loads back, or LiverToxError with a code; never LTX099.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

import livertox_parse
from livertox_parse.emit import load, to_bytes
from livertox_parse.errors import LiverToxError, one_line
from livertox_parse.models import MAX_INT, Monograph
from livertox_parse.readers import read_document
from livertox_parse.stages import entities

from .conftest import FIXTURES
from .hostile import make_pdf, text_ops


@cache
def anakinra() -> str:
    return (FIXTURES / "text" / "anakinra.txt").read_text(encoding="utf-8")


def edited(old: str, new: str) -> str:
    text = anakinra()
    assert old in text
    return text.replace(old, new, 1)


def round_trip(m: Monograph) -> Monograph:
    """The JSON is written and read back through the schema (what `to_bytes` alone did not catch: inf)."""
    return load(to_bytes(m))


def test_dotted_capital_i_lowers_to_two_characters() -> None:
    """`"İ".lower()` is two characters: entity offsets went past the end (IndexError in entities)."""
    # the reproduction is no monograph (one heading, no score): refused with a code, no IndexError
    with pytest.raises(livertox_parse.LiverToxError) as refused:
        livertox_parse.parse_text("Introduction\n" + "\u0130" * 8 + "oprolol")
    assert refused.value.code == "LTX006"
    m = round_trip(livertox_parse.parse_text("OVERVIEW\nIntroduction\n" + "\u0130" * 8 + "oprolol"))
    text = edited("Anakinra (an", "\u0130\u0130 Anakinra (an")
    m = round_trip(livertox_parse.parse_text(text))
    doc = read_document("x.txt", text.encode())
    assert m.entities and all(doc.text[e.start:e.end] == e.text for e in m.entities)


def test_windows_longer_than_spacy_max_length_are_cut_between_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """~1 MB of text with drug names made spaCy refuse its Doc (E088); pieces of at most max_length give
    the same entities as one Doc (shown here with max_length lowered, not with a megabyte)."""
    whole = livertox_parse.parse_text(anakinra()).entities
    monkeypatch.setattr(entities.get_nlp(), "max_length", 500)
    assert livertox_parse.parse_text(anakinra()).entities == whole
    assert len(whole) > 50


def test_chunks_cut_after_newlines_and_hard_at_the_limit() -> None:
    assert list(entities.chunks("ab\ncd\nef", 6)) == [(0, "ab\ncd\n"), (6, "ef")]
    assert list(entities.chunks("abcdefgh", 3)) == [(0, "abc"), (3, "def"), (6, "gh")]


@pytest.mark.parametrize("number", ["3000000000", "99999999999999999999", "9" * 5000])
def test_case_number_beyond_int32_is_kept_as_text_with_a_warning(number: str) -> None:
    """`Case 3000000000.` parsed but made ingest die (INT32 column); 20 digits broke to_json (64-bit); 5,000
    digits are more than int() converts."""
    m = round_trip(livertox_parse.parse_text(edited("Case 1. Acute", f"Case {number}. Acute")))
    if len(number) > 100:  # no longer a heading: the text is a paragraph, and no case is read
        assert m.cases == []
        return
    assert m.cases[0].number is None
    warning = next(w for w in m.warnings if w.code == "LTW151")
    assert str(MAX_INT) in warning.message and number[:12] in warning.message


def test_case_number_at_the_limit_is_kept() -> None:
    m = round_trip(livertox_parse.parse_text(edited("Case 1. Acute", f"Case {MAX_INT}. Acute")))
    assert m.cases[0].number == MAX_INT


def test_formula_count_beyond_64_bits_keeps_the_formula_as_text() -> None:
    m = round_trip(livertox_parse.parse_text(edited("C759-H1186-N208-0232-S10", "C99999999999999999999-H25-N-O3")))
    chem = m.chemicals[0]
    assert (chem.formula, chem.elements, chem.formula_text) == (None, {}, "C99999999999999999999-H25-N-O3")
    assert any(w.code == "LTW142" for w in m.warnings)


@pytest.mark.parametrize("value", ["9" * 400, "9" * 31, "0." + "0" * 400 + "1"])
def test_lab_value_no_float_holds_is_not_a_lab_value(value: str) -> None:
    """400 nines is inf as a float: to_bytes wrote null where the schema wants a number."""
    m = round_trip(livertox_parse.parse_text(edited("ALT 3346 U/L", f"ALT {value} U/L")))
    assert all(lab.value != 3346 and lab.value <= 1e9 for lab in m.cases[0].labs if lab.test == "ALT")


@pytest.mark.parametrize("old,new", [("A 22 year old", "A " + "9" * 400 + " year old"),
                                     ("Latency: 3 weeks", "Latency: " + "9" * 400 + " weeks"),
                                     ("Latency: 3 weeks", "Latency: 3 to " + "9" * 400 + " years")])
def test_ages_and_durations_beyond_any_measurement_have_no_number(old: str, new: str) -> None:
    m = round_trip(livertox_parse.parse_text(edited(old, new)))
    kp = m.cases[0].key_points
    assert kp is not None
    assert kp.latency.max_days is None or kp.latency.max_days < 1e12
    assert m.cases[0].patient.age_years is None or m.cases[0].patient.age_years < 1e9


def test_lone_surrogate_is_refused_with_line_and_column() -> None:
    """A lone surrogate made spaCy raise UnicodeEncodeError, or to_json refuse the output."""
    with pytest.raises(LiverToxError) as info:
        livertox_parse.parse_text("Metoprolol\ud800\nOVERVIEW\nIntroduction\n", source="s.txt")
    assert (info.value.code, info.value.line, info.value.column) == ("LTX002", 1, 11)
    assert "U+D800" in str(info.value) and "\n" not in str(info.value)


def test_nxml_year_with_twenty_digits_is_no_date() -> None:
    """`<year>99999999999999999999</year>`: OverflowError in the NXML reader's date."""
    data = (FIXTURES / "nxml" / "Metoprolol.nxml").read_bytes()
    data = re.sub(rb"<year>2017</year>", b"<year>99999999999999999999</year>", data)
    m = round_trip(livertox_parse.parse_document(read_document("Metoprolol.nxml", data)))
    assert m.last_update is None and m.title == "Metoprolol"


BODY = ["OVERVIEW", "Metoprolol is a beta blocker.", "Hepatotoxicity", "Liver injury is rare.",
        "Likelihood score: C (probable cause of clinically apparent liver injury)."]


@pytest.mark.parametrize("op", [
    b"BT /F1 " + b"9" * 400 + b".5 Tf 50 600 Td (Hepatotoxicity) Tj ET",  # font size inf
    b"BT /F1 10 Tf 50 " + b"9" * 400 + b".0 Td (Hepatotoxicity) Tj ET",  # position inf
    b"BT /F1 10 Tf " + b"9" * 400 + b".0 Tz 50 600 Td (more words) Tj ET",  # horizontal scaling inf -> NaN
    b"BT /F1 10 Tf -" + b"9" * 400 + b".0 Tc 50 600 Td (more words) Tj ET",  # character spacing -inf
])
def test_pdf_text_matrix_with_inf_or_nan(op: bytes) -> None:
    """Damaged PDFs made the layout take min() of nothing (a character whose size is NaN is in no line)."""
    m = livertox_parse.parse_document(read_document("damaged.pdf", make_pdf(text_ops(BODY) + b"\n" + op)))
    assert [s.id for s in round_trip(m).sections][:2] == ["overview", "hepatotoxicity"]


def test_messages_are_one_line_whatever_the_input() -> None:
    error = LiverToxError("LTX005", "first\nsecond\x1b[31m", path="a.tar.gz!x\n.nxml: LTX000: forged")
    assert "\n" not in str(error) and "\x1b" not in str(error)
    assert str(error) == "a.tar.gz!x\\n.nxml: LTX000: forged: LTX005: first\\nsecond\\x1b[31m"
    assert len(LiverToxError("LTX010", "x" * 10**6).message) <= 500
    assert one_line("caf\u00e9 \u2028 \t") == "caf\u00e9 \\u2028 \\t"
