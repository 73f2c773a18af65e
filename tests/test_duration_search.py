"""The duration search's shortcuts (a case-spelt unit-word scan, a look just before each unit word) against
the plain searches they replace: same matches on text made to hit their edges."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from livertox_parse.stages import normalize
from livertox_parse.stages.normalize import DURATION_RE

from .conftest import TEXTS

PLAIN_UNIT = re.compile(r"(?:hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?)\b", re.IGNORECASE)
PIECES = ["hours", "HRS", "Hr", "days", "DAY", "weeks", "wKs", "months", "MO", "mos", "Years", "yrſ", "daYſ",
          "3", "1.5", "two", "Twelve", "a", "an", "few", "Several", "some", "half", "and a half", "one",
          "within", "up to", "about ", "~", "<", " ", "  ", "-", " - ", "\n", "\u00a0", "x", "holi", "each ",
          "K", "İ", "_", "to", "or", ",", ".", ". ", "(", ")", ";", ":", "[", "]", "3. ", "1.", ".5"]


def plain_duration_matches(text: str) -> list[tuple[int, int]]:
    """The search without the look before each unit word (as it was)."""
    found: dict[int, tuple[int, int]] = {}
    last_end = 0
    for unit in PLAIN_UNIT.finditer(text):
        lo = max(last_end, unit.start() - 80)
        for m in DURATION_RE.finditer(text, lo, unit.end()):
            if m.end() == unit.end():
                found.setdefault(m.end(), m.span())
                last_end = m.end()
                break
    return [found[k] for k in sorted(found)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_duration_search_matches_the_plain_search(text: str) -> None:
    assert [m.span() for m in normalize._UNIT_WORD.finditer(text)] == [m.span() for m in PLAIN_UNIT.finditer(text)]
    assert [m.span() for m in normalize._duration_matches(text)] == plain_duration_matches(text)


def test_duration_search_matches_the_plain_search_on_the_fixture_texts() -> None:
    for path in TEXTS:
        text = path.read_text(encoding="utf-8")
        assert [m.span() for m in normalize._duration_matches(text)] == plain_duration_matches(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES + ["approximately ", "Nearly ", "almost ", "WITHIN the first ", "under ",
                                          "less than ", "fewer than ", "more than ", "Over ", "ſeveral", "SOME",
                                          "fifteen", "Eleven", "eight", "twenty", "thirty", "three", "Six", "nine",
                                          "ten", "An", " to ", "–", "~ "]), max_size=20).map("".join),
       st.integers(0, 30))
@example(text="ſeveral weeks, about 3 Days, an hour or TWO and a half yrs", lo=0)
def test_duration_scan_matches_like_duration_re(text: str, lo: int) -> None:
    def found(pattern: re.Pattern[str]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
        return [(m.span(), m.groupdict()) for m in pattern.finditer(text, min(lo, len(text)))]

    assert found(normalize._DURATION_SCAN) == found(DURATION_RE)


def test_case_forms_are_all_that_match_ignoring_case() -> None:
    """The letters spelt as classes in _DURATION_SCAN match, ignoring case, exactly their class (BMP)."""
    for letter in "aeflmnostuw":
        forms = normalize.case_forms(letter)
        pattern = re.compile(letter, re.IGNORECASE)
        assert {chr(c) for c in range(0x10000) if pattern.fullmatch(chr(c))} == set(forms), letter


CONTEXT_PIECES = ["initially", "INITIALLY", "Rechallenge", "re-exposure", "RE-EXPOSURE", "restarting", "RESTARTING", "Restartıng",
                  "readministration", "READMİNISTRATION", "ſ", "n", "y", "e", "g", " ", "\n", "\u00a0", "\t", "x",
                  "İ", "K", "ÿ", "Ÿ", ".", "3", "on "]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(CONTEXT_PIECES), max_size=8).map("".join))
@example("after readministration\n")
@example("on rechallenge \n ")
def test_context_before_matches_its_plain_search(text: str) -> None:
    def found(m: re.Match[str] | None) -> tuple[tuple[int, int], str | None] | None:
        return (m.span(), m.group("ctx")) if m else None

    assert found(normalize._context_before(text)) == found(normalize._CONTEXT_BEFORE.search(text))


def test_context_before_last_letters_are_all_that_match_ignoring_case() -> None:
    """Every character that ends a _CONTEXT_BEFORE word ignoring case (all of Unicode) is in the gate's class."""
    words = re.search(r"\(\?P<ctx>([^)]*)\)", normalize._CONTEXT_BEFORE.pattern).group(1).split("|")  # type: ignore[union-attr]
    assert {w[-1] for w in words} == set("yegn")
    for letter in "yegn":
        pattern = re.compile(letter, re.IGNORECASE)
        assert {chr(c) for c in range(0x110000) if pattern.fullmatch(chr(c))} == {letter, letter.upper()}
    assert set(normalize._CONTEXT_BEFORE_LAST) == set("yYeEgGnN")
