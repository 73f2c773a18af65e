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
    "_FORMULA": (re.compile(r"(?<![\w-])(?:[A-Z][a-z]?\d*-){2,}[A-Z0][a-z]?\d*" + entities._SALTS + r"(?![\w-])"),
                 entities),
    "_TIMES_ULN": (re.compile(r"\b\d+(?:\.\d+)?\s*(?:times|x|×|-fold)\s*(?:the\s+)?(?:ULN|upper\s+limit\s+of\s+normal)",
                              re.IGNORECASE), entities),
    "_LAB_UNIT_HINT": (re.compile(r"/[dm]?L|INR|/mL", re.IGNORECASE), entities),
    "CAS_RE": (re.compile(r"\b(\d{2,7})-(\d{2})-(\d)\b"), normalize),
    "DOSE_RE": (re.compile(
        r"(?<![\w.])(?P<amount>\d+(?:[.,]\d+)?(?:/\d+(?:\.\d+)?)?(?:\s*(?:-|to)\s*\d+(?:\.\d+)?)?)\s*"
        r"(?P<unit>mg/kg|mg/m2|mg|mcg|µg|μg|g|grams?|units|IU|mL)\b(?!\s*/\s*(?:dL|L|mL)\b)"
        + normalize.DOSE_SECOND + normalize.DOSE_FREQUENCY, re.IGNORECASE), normalize),
}
PIECES = ["Hepatocellular", "hepatoCELLULAR", "cholestatic", "Mixed", "MIXED", "mixedx", " (R=3.2)", " (r = ~5)",
          "C15-", "H25-", "N-", "O3", "O3.", "Cl", "0", "Na-", "a-", "-", "12", "3", "4.5", ".", ",", "1,5",
          "143090-92-0", "50-00-0", " ", "\n", "x", "_", "times", "X", "×", "-fold", " the ", "ULN",
          "upper limit of normal", "mg", "MG/kg", "mcg", "µg", "IU", "mL", "/dL", "/ml", "/L", "INR", "ınr", "İNR",
          " to ", " daily", " twice daily", "/day", " orally", "every week", " every 6 hours", " four times a day", "/", "500/125 mg", " iv", "80 mg/400 mg", "/ 5 g", ".H2-O", ".(C2-H4-O2)x-", ".1/2", "x-", "(", ")", "g", "units", "a", "b",
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


GATED = [(label, pattern, words) for label, pattern, _, _, words in entities._REGEXES if words]
CASE_PIECES = ["MİXED", "mıxed", "CHOLEſTATIC", "cholestatıc", "HEPATOCELLULAR", "UPPER LIMIT OF NORMAL",
               "upper lımit of normal", "Uln", "5 times ", "3x ", "xed", "chole", "3 times the upper limit of normal",
               "2-fold UPPER LIMIT OF NORMAL", "1.5 x uln"]


@pytest.mark.parametrize("label", [label for label, _, _ in GATED])
@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES + CASE_PIECES), max_size=14).map("".join))
def test_every_match_holds_one_of_its_lower_case_words(label: str, text: str) -> None:
    """find_hits leaves a pattern with words unsearched where the lower-cased text holds none of them."""
    _, pattern, words = next(g for g in GATED if g[0] == label)
    for m in pattern.finditer(text):
        assert any(w in m.group(0).lower() for w in words)


def test_lower_case_words_have_only_letters_of_two_cases() -> None:
    """Ignoring case, each letter of the words matches its two ASCII cases and nothing else (BMP)."""
    for letter in sorted({c for _, _, words in GATED for w in words for c in w}):
        pattern = re.compile(letter, re.IGNORECASE)
        assert {chr(c) for c in range(0x10000) if pattern.fullmatch(chr(c))} == {letter, letter.upper()}, letter


def test_find_hits_with_words_is_find_hits_without_on_the_fixture_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    from livertox_parse.readers.text import read_text
    from livertox_parse.stages.sections import sectionize

    from .conftest import TEXTS

    docs = [read_text(path) for path in TEXTS]
    blocks = [block for doc in docs for _, block in entities._blocks(doc, sectionize(doc))]
    gated = [entities.find_hits(block) for block in blocks]
    monkeypatch.setattr(entities, "_REGEXES", tuple((*entry[:4], ()) for entry in entities._REGEXES))
    assert gated == [entities.find_hits(block) for block in blocks]
    assert sum(h[2] == "PATTERN" for hits in gated for h in hits) > 10
