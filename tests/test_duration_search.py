"""The duration search's shortcuts (a case-spelt unit-word scan, a look just before each unit word) against
the plain searches they replace: same matches on text made to hit their edges."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from livertox_parse.stages import normalize
from livertox_parse.stages.normalize import DURATION_RE

PLAIN_UNIT = re.compile(r"(?:hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?)\b", re.IGNORECASE)
PIECES = ["hours", "HRS", "Hr", "days", "DAY", "weeks", "wKs", "months", "MO", "mos", "Years", "yrſ", "daYſ",
          "3", "1.5", "two", "Twelve", "a", "an", "few", "Several", "some", "half", "and a half", "one",
          "within", "up to", "about ", "~", "<", " ", "  ", "-", " - ", "\n", "\u00a0", "x", "holi", "each ",
          "K", "İ", "_", "to", "or", ",", "."]


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
