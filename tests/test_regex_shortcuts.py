"""Regular expressions spelt for speed (a leading character class, look-behinds after it) against their plain
spellings: the same matches, groups included, on text made to hit their edges."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livertox_parse.stages import entities, normalize

PLAIN = {  # name: (the plain spelling, the module holding the fast one)
    "_PATTERN": (re.compile(r"\b(?:hepatocellular|cholestatic|mixed)\b(?:\s*\(R\s*=\s*[~≈]?\s*\d+(?:\.\d+)?\))?",
                            re.IGNORECASE), entities),
    "_FORMULA": (re.compile(r"(?<![\w-])(?:[A-Z][a-z]?\d*-){2,}[A-Z0][a-z]?\d*(?:\.[A-Z][a-z]?\d*)?(?![\w-])"),
                 entities),
    "_TIMES_ULN": (re.compile(r"\b\d+(?:\.\d+)?\s*(?:times|x|×|-fold)\s*(?:the\s+)?(?:ULN|upper\s+limit\s+of\s+normal)",
                              re.IGNORECASE), entities),
    "_LAB_UNIT_HINT": (re.compile(r"/[dm]?L|INR|/mL", re.IGNORECASE), entities),
    "CAS_RE": (re.compile(r"\b(\d{2,7})-(\d{2})-(\d)\b"), normalize),
    "DOSE_RE": (re.compile(
        r"(?<![\w.])(?P<amount>\d+(?:[.,]\d+)?(?:\s*(?:-|to)\s*\d+(?:\.\d+)?)?)\s*"
        r"(?P<unit>mg/kg|mg/m2|mg|mcg|µg|μg|g|grams?|units|IU|mL)\b"
        r"(?P<freq>(?:/day|/d|/week)|(?:\s+(?:(?:once|twice|three\s+times)\s+)?(?:daily|weekly|per\s+day|a\s+day|"
        r"each\s+day|every\s+\w+|at\s+bedtime|orally|subcutaneously|intravenously)){0,2})",
        re.IGNORECASE), normalize),
}
PIECES = ["Hepatocellular", "hepatoCELLULAR", "cholestatic", "Mixed", "MIXED", "mixedx", " (R=3.2)", " (r = ~5)",
          "C15-", "H25-", "N-", "O3", "O3.", "Cl", "0", "Na-", "a-", "-", "12", "3", "4.5", ".", ",", "1,5",
          "143090-92-0", "50-00-0", " ", "\n", "x", "_", "times", "X", "×", "-fold", " the ", "ULN",
          "upper limit of normal", "mg", "MG/kg", "mcg", "µg", "IU", "mL", "/dL", "/ml", "/L", "INR", "ınr", "İNR",
          " to ", " daily", " twice daily", "/day", " orally", "every week", "g", "units", "a", "b",
          "x3 times ULN", "5 x ULN", "a2-fold upper limit of normal", "xmixed", "word5 mg daily", "a143090-92-0",
          "-C15-H25-N-O3", ".5 mg", "2.5 mg"]


@pytest.mark.parametrize("name", PLAIN)
@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_fast_spelling_matches_like_the_plain_one(name: str, text: str) -> None:
    plain, module = PLAIN[name]
    fast = getattr(module, name)
    assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [(m.span(), m.groups()) for m in plain.finditer(text)]
    if name == "_LAB_UNIT_HINT":  # only ever asked whether there is one
        assert bool(fast.search(text)) == bool(plain.search(text))
    if name == "CAS_RE":
        assert bool(fast.fullmatch(text.strip())) == bool(plain.fullmatch(text.strip()))
