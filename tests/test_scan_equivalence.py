"""The fast scanners give exactly what the plain scans they replace give (issue 10: never at the cost of a field).

Each speed-up of a whole-text search (try a pattern only where a match can start, look a heading up in a
table instead of looping over the rules) is checked here against the slow, obvious form on generated text:
real chapter lines, the spellings the patterns are about, and noise, in any case.
"""

from __future__ import annotations

import json
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from livertox_parse.document import Document, Source
from livertox_parse.readers import text as text_reader
from livertox_parse.rules import load_table
from livertox_parse.stages import chapter as ch
from livertox_parse.stages import sections
from livertox_parse.stages.cases import lab_regex
from livertox_parse.stages.normalize import case_forms

from .conftest import FIXTURES, TEXTS

REAL_LINES = [line for p in TEXTS for line in p.read_text(encoding="utf-8").split("\n") if line.strip()]
PIECES = ["Likelihood score: C (probable cause).", "likelihood score", "Lik", "lik", "Likelihood Scores ",
          'have likelihood scores "C" (probable)', "Liklihood score:", "Drug Class: Antibiotics", "drug class:",
          "Other Drugs in the Subclass, Statins: A, B", "DRUGS IN THE CLASS:", "dRuGs in the sub-class:",
          "Case 1. Hepatitis.", "OVERVIEW", "Key Points", "Comment:", "Hepatotoxicity, Outcome and Management",
          "OVERVIEW Oprelvekin [Interleukin-11]", "Mechanism of Injury (Venlafaxine)", "REFERENCES", "\n", " ",
          "İ", "ı", "K"]
fragment = st.one_of(st.sampled_from(REAL_LINES), st.sampled_from(PIECES), st.text(max_size=30))
text = st.lists(fragment, max_size=30).map(lambda parts: "".join(p if k % 3 else p + "\n" for k, p in enumerate(parts)))


def _spans(matches: object) -> list[tuple[int, int, tuple[str | None, ...]]]:
    return [(m.start(), m.end(), m.groups()) for m in matches]  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(text)
def test_score_scans_equal_plain_finditer(t: str) -> None:
    assert _spans(ch._quoted_matches(t)) == _spans(ch.LIKELIHOOD_QUOTED_RE.finditer(t))
    # the statement scan tries a 'Lik' and the start of its line (an agent named before the score word)
    assert _spans(ch.likelihood_matches(t)) == _spans(ch.LIKELIHOOD_RE.finditer(t))


@settings(max_examples=300, deadline=None)
@given(text)
def test_line_start_search_equals_search(t: str) -> None:
    for pattern, firsts in ((ch._DRUG_CLASS_LINE, "Dd"), (ch._SUBCLASS, "OoDd")):
        fast, plain = ch.line_start_search(pattern, t, firsts), pattern.search(t)
        assert (fast and (fast.span(), fast.groups())) == (plain and (plain.span(), plain.groups()))


def _match_heading_by_rule_loop(line: str) -> tuple[str, str | None] | None:
    """The heading match written as a loop over the rules in table order (what the lookups replace)."""
    stripped = line.strip()
    if not stripped[:1].isupper() or (len(stripped) > 80 and not stripped.startswith("Case")):
        return None
    key = sections._key(stripped)
    if not key or len(key) > 200:
        return None
    bare = re.sub(r"\s*\([^()]*\)$", "", key)
    first = key.split(", ")[0]
    caps = re.match(r"^([A-Z][A-Z ]{3,40}[A-Z])\s+[A-Z][a-z]", stripped)
    lead = sections._key(caps.group(1)) if caps else None
    for rule in sections._rules():
        if key in rule.aliases or bare in rule.aliases:
            return rule.id, None
        if (first != key and first in rule.aliases) or (lead is not None and lead in rule.aliases and rule.level == 1):
            return rule.id, None
        if rule.pattern is not None and (m := rule.pattern.match(stripped)):
            return rule.id, m.group(0)
    return None


heading_line = st.one_of(
    st.sampled_from(REAL_LINES),
    st.sampled_from(PIECES),
    st.builds(lambda a, b: f"{a}, {b}", st.sampled_from(PIECES), st.sampled_from(PIECES)),
    st.builds(lambda a, b: f"{a.upper()} {b}", st.sampled_from(PIECES), st.sampled_from(REAL_LINES)),
    st.text(max_size=40),
)


@settings(max_examples=500, deadline=None)
@given(heading_line)
def test_match_heading_equals_rule_loop(line: str) -> None:
    hit = sections.match_heading(line)
    assert (hit and (hit[0].id, hit[1].group(0) if hit[1] else None)) == _match_heading_by_rule_loop(line)


def test_every_heading_of_the_fixtures_matches_as_before() -> None:
    matched = [line for line in REAL_LINES if _match_heading_by_rule_loop(line) is not None]
    assert len(matched) > 50  # the fixtures' headings reach the lookups, not only noise
    for line in REAL_LINES:
        hit = sections.match_heading(line)
        assert (hit and (hit[0].id, hit[1].group(0) if hit[1] else None)) == _match_heading_by_rule_loop(line)


FLAT = [value for record in map(json.loads, (FIXTURES / "flat" / "records.jsonl").read_text(encoding="utf-8").splitlines())
        for key, value in record.items() if key.startswith("raw_") and isinstance(value, str) and value]
HEADING_WORDS = ["OVERVIEW", "CASE REPORT", "CASE REPORTS", "CITED REFERENCE", "CITED REFERENCES", "REFERENCES",
                 "OTHER REFERENCE LINKS", "CHEMICAL FORMULA AND STRUCTURE", "CHEMICAL FORMULAS AND STRUCTURES",
                 "Key Points", "Comment", "Comments", "Introduction", "OVERVIEW Introduction", "Background",
                 "Mechanism of Injury", "Outcome and Management", "DRUG CLASS", "Drug Class:", "Case 1. ", "S", "."]
flattened = st.lists(st.one_of(st.sampled_from(REAL_LINES), st.sampled_from(FLAT), st.sampled_from(HEADING_WORDS),
                               st.text(max_size=12)), max_size=40).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(flattened)
def test_heading_word_gate_never_hides_two_inline_headings(t: str) -> None:
    """The text reader splits a flattened line only at two or more inline headings, and looks for them only
    where its literal word search finds two: that search must find two wherever there are two headings."""
    headings = sum(1 for m in text_reader._INLINE_HEADING.finditer(t) if m.group("h"))
    words = len(text_reader._HEADING_WORDS.findall(t))
    assert headings < 2 or words >= 2


def test_flat_fixtures_are_still_split() -> None:
    line = text_reader._Line(" ".join(FLAT), 0)
    assert len(text_reader._unflatten(line)) > 5  # the gate lets real flattened text through


def _plain_lab_regex() -> re.Pattern[str]:
    """lab_regex as first written: a look-behind, then every alias longest first, the whole pattern case-blind."""
    aliases = sorted((str(a) for r in load_table("labs").rules for a in r["aliases"]), key=lambda a: -len(a))
    alt = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in aliases)
    filler = (r"(?:\s+(?:levels?|values?|was|were|of|had|has|rose|risen|fell|fallen|increased|decreased|peaked|"
              r"peak|reached|reaching|to|at|serum|total|elevated|up|remained|still|activity|concentration|"
              r"only|again|then|now|is|are|rising|approximately|found|be|a))*")
    units = r"(?:U/L|IU/L|IU/mL|mg/dL|mg/dl|µmol/L|μmol/L|umol/L|µKat/L|μkat/L|g/dL|g/L)"
    return re.compile(
        r"(?<![\w/])(?P<test>" + alt + r")(?![\w/])" + filler + r"\s*(?:[:=]\s*|\s)(?P<paren>\()?(?:~\s*)?"
        r"(?P<value>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?!\s*%)(?![\d.])"
        r"(?:\s*(?P<unit>" + units + r")(?![\w/]))?"
        r"(?:\s*(?:\((?P<direct>\d+(?:\.\d+)?)\s+direct\)|[(\[]direct\s+(?P<direct_unit>\d+(?:\.\d+)?)\s*mg/dL[)\]]))?"
        r"(?:\s*\((?:ULN|normal|upper\s+limit\s+of\s+normal)\s*[<≤:=]?\s*(?P<uln>\d+(?:\.\d+)?)[^)]{0,20}\))?",
        re.IGNORECASE,
    )


LAB_ALIASES = [str(a) for r in load_table("labs").rules for a in r["aliases"]]
LAB_PIECES = [*LAB_ALIASES, *(a.upper() for a in LAB_ALIASES), "İNR", "ınr", "ſgpt", "ſerum bilirubin", "x", "/", "_",
              "1", "12", "3,456", "7.5", " ", "\n", ":", "=", " was ", " levels ", " rose to ", "%", " U/L", " IU/L",
              " mg/dL", " µmol/L", " (2.1 direct)", " (ULN 40)", " (normal <1.2 mg/dL)", " (upper limit of normal 35)",
              "ALT1", "-", ".", ")", "(", "Alk. P", "Alk P"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(LAB_PIECES), max_size=16).map("".join))
@example("\u017fgpt 12 U/L, \u0130NR 2.5 and \u0131nr: 3; xALT 40 U/L, /AST 50 U/L, Alk. P 300 IU/L (ULN 120)")
def test_lab_regex_matches_like_its_plain_spelling(t: str) -> None:
    fast, plain = lab_regex(), _plain_lab_regex()
    assert [(m.span(), m.groupdict()) for m in fast.finditer(t)] == [(m.span(), m.groupdict()) for m in plain.finditer(t)]


def test_case_forms_are_what_ignorecase_matches() -> None:
    """Every first letter of a lab alias: the characters (?i:letter) matches, over all of Unicode."""
    for letter in {a[0].lower() for a in LAB_ALIASES} | {"k"}:
        pattern = re.compile(f"(?i:{letter})")
        matched = {chr(c) for c in range(0x110000) if pattern.fullmatch(chr(c))}
        assert matched == set(case_forms(letter)), letter


def _every_line(text: str, hinted: dict[int, int]) -> list[tuple[int, int]]:
    """sectionize's first form looked at every line."""
    out, start = [], 0
    for line in text.split("\n"):
        out.append((start, start + len(line)))
        start += len(line) + 1
    return out


LONG = ["   Mechanism of Injury, " + "w" * 57 + "  ", "Hepatotoxicity, " + "and more" * 8, "Mechanism of Injury, " + "w" * 59, "Mechanism of Injury, " + "w" * 60, "x" * 75, "y" * 80, "Case 12. " + "long title " * 9, "OVERVIEW", "  Key Points  ", "\u2003Comment\u2003", "\x0b",
        "A" * 81, "CASE REPORT\u00a0", "CASE REPORTS"]
section_text = st.lists(st.one_of(st.sampled_from(REAL_LINES), st.sampled_from(PIECES), st.sampled_from(LONG),
                                  st.text(max_size=30)), max_size=40).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(section_text, st.lists(st.integers(min_value=-2, max_value=60), max_size=5))
@example("Case 1. Acute hepatitis due to\nvenlafaxine.(1)\nKey Points", [])
@example("OVERVIEW\n" + "W" * 90 + "\nmore", [1])
@example("CASE REPORT\nCase 3. " + "A long case title that wraps " * 4 + "\nonto this line.", [])
def test_sectionize_looks_only_at_lines_that_can_be_headings(t: str, hints: list[int]) -> None:
    """sectionize skips, by one scan, the lines no heading rule can match (long, not led by 'Case', not
    marked by the reader): the sections are the same as when it looks at every line. Hints (NXML titles)
    name where a line's text starts (line k of the text) or any offset (k < 0: the offset 13 * -k)."""
    lines = _every_line(t, {})
    starts = [13 * -k if k < 0 else a + len(t[a:b]) - len(t[a:b].lstrip()) if k < len(lines) else k
              for k in hints for a, b in [lines[k] if 0 <= k < len(lines) else (0, 0)]]
    doc = Document(t, Source(None, "nxml"), extra={"sections": [{"start": h, "level": 1 + h % 2} for h in starts]})
    fast = sections.sectionize(doc)
    original = sections.candidate_lines
    sections.candidate_lines = _every_line
    try:
        assert sections.sectionize(doc) == fast
    finally:
        sections.candidate_lines = original
