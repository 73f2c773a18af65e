"""`check` keeps catching real defects: defects seeded into real chapters of the dev corpus are reported.

Each seed edits one chapter's NXML text in memory (nothing is written), for chapters picked deterministically
(every k-th eligible chapter in name order, about 50 per defect). Eligibility is decided on the XML itself,
with regexes independent of the parser: the chapter holds what the seed changes and is clean for that defect
(every CAS number valid and distinct, every score letter in the scale, ...). The test asserts that the
unseeded chapter has no error of that code (no false alarm to hide behind) and that the seeded one has it:
recall >= 99% per defect.

Needs the dev corpus at ../shared/corpus/livertox-2021 (CI has it); skips with that reason when it is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from livertox_parse.check import Config, check_path
from livertox_parse.stages.normalize import cas_check_digit_ok, pattern_from_r

ROOT = Path(__file__).resolve().parent.parent
# a clone with shared/ beside it (CI), or a worktree two levels below it
CORPUS = next((p for p in (ROOT.parent / "shared" / "corpus" / "livertox-2021",
                           ROOT.parent.parent / "shared" / "corpus" / "livertox-2021") if p.is_dir()), None)
pytestmark = pytest.mark.skipif(CORPUS is None,
                                reason="needs the dev corpus at ../shared/corpus/livertox-2021 (not shipped)")

PER_DEFECT = 50
MIN_RECALL = 0.99

Seed = Callable[[str], str | None]  # chapter XML -> seeded XML, None when the chapter is not eligible

_CHEM_TITLE = re.compile(r"<title>\s*CHEMICAL FORMULAS? AND STRUCTURES?\s*</title>", re.IGNORECASE)
_CAS = re.compile(r"(?<![\d-])(\d{2,7}-\d{2}-)(\d)(?![\d-])")
_SCORE = re.compile(r"(Likelihood [Ss]core\s*:\s*)([A-Z])(?![\w])")
_SEVERITY = re.compile(r"(Severity:\s*</t[dh]>\s*<td[^>]*>\s*)(\d)(\s*\+)")
_PATTERN = re.compile(r"(Pattern:\s*</t[dh]>\s*<td[^>]*>\s*)(Hepatocellular|Cholestatic|Mixed)"
                      r"(\s*\(R\s*=\s*~?\s*)(\d+(?:\.\d+)?)\)")
_HEPATOTOXICITY = re.compile(r'<sec\b[^>]*\bid="[^"]*\.Hepatotoxicity"')


def _chemical_cas(xml: str) -> tuple[int, list[re.Match[str]]]:
    m = _CHEM_TITLE.search(xml)
    if not m:
        return -1, []
    end = xml.find("</table>", m.end())
    return m.end(), list(_CAS.finditer(xml, m.end(), end if end > 0 else len(xml)))


def seed_cas_check_digit(xml: str) -> str | None:
    """LTW140: the check digit of the first CAS number of the chemical table, plus one."""
    _, found = _chemical_cas(xml)
    if not found or not all(cas_check_digit_ok(c.group(0)) for c in found):
        return None
    first = found[0]
    wrong = str((int(first.group(2)) + 1) % 10)
    return xml[: first.start(2)] + wrong + xml[first.end(2):]


def seed_score_letter_f(xml: str) -> str | None:
    """LTW111: the letter of the first 'Likelihood score: X' made F."""
    found = list(_SCORE.finditer(xml))
    if not found or any(m.group(2) not in "ABCDEX" for m in found):
        return None
    first = found[0]
    return xml[: first.start(2)] + "F" + xml[first.end(2):]


def seed_hepatotoxicity_removed(xml: str) -> str | None:
    """LTW101: the Hepatotoxicity section of a drug chapter (one with product information) cut out."""
    m = _HEPATOTOXICITY.search(xml)
    if not m or "PRODUCT INFORMATION" not in xml.upper() or len(_chemical_cas(xml)[1]) != 1:
        return None
    depth, pos = 0, m.start()
    for tag in re.finditer(r"<sec\b|</sec>", xml[m.start():]):
        depth += 1 if tag.group(0) == "<sec" else -1
        if depth == 0:
            pos = m.start() + tag.end()
            break
    return xml[: m.start()] + xml[pos:] if pos > m.start() else None


def seed_severity_seven(xml: str) -> str | None:
    """LTW121: the first Key Points severity grade made 7+."""
    found = list(_SEVERITY.finditer(xml))
    if not found or any(not 1 <= int(m.group(2)) <= 5 for m in found):
        return None
    first = found[0]
    return xml[: first.start(2)] + "7" + xml[first.end(2):]


def seed_pattern_against_r(xml: str) -> str | None:
    """LTW131: the first Key Points pattern that agrees with its R given a type that R contradicts."""
    for m in _PATTERN.finditer(xml):
        r = float(m.group(4))
        if m.group(2).lower() != pattern_from_r(r) or 1.8 <= r <= 2.2 or 4.6 <= r <= 5.5:
            continue  # only an agreeing pattern, away from the boundaries (rounded R there is allowed)
        wrong = "Cholestatic" if r > 5.5 else "Hepatocellular"
        return xml[: m.start(2)] + wrong + xml[m.end(2):]
    return None


def seed_cas_twice(xml: str) -> str | None:
    """LTW141: the second drug of the chemical table given the first drug's CAS number."""
    _, found = _chemical_cas(xml)
    numbers = [c.group(0) for c in found]
    if len(numbers) < 2 or len(set(numbers)) != len(numbers) or not all(map(cas_check_digit_ok, numbers)):
        return None
    second = found[1]
    return xml[: second.start()] + numbers[0] + xml[second.end():]


SEEDS: dict[str, Seed] = {
    "LTW140": seed_cas_check_digit,
    "LTW111": seed_score_letter_f,
    "LTW101": seed_hepatotoxicity_removed,
    "LTW121": seed_severity_seven,
    "LTW131": seed_pattern_against_r,
    "LTW141": seed_cas_twice,
}


def _pick(code: str) -> list[tuple[str, str, str]]:
    """(name, original XML, seeded XML) of about PER_DEFECT eligible chapters: every k-th in name order."""
    assert CORPUS is not None
    eligible = []
    for path in sorted(CORPUS.glob("*.nxml")):
        xml = path.read_text(encoding="utf-8")
        seeded = SEEDS[code](xml)
        if seeded is not None and seeded != xml:
            eligible.append((path.name, xml, seeded))
    step = max(1, len(eligible) // PER_DEFECT)
    return eligible[::step][:PER_DEFECT]


def _errors(name: str, xml: str) -> set[str]:
    findings, read = check_path(name, Config(), xml.encode("utf-8"))
    assert read, f"{name}: not read"
    return {f.code for f in findings if f.level == "error"}


@pytest.mark.parametrize("code", SEEDS)
def test_seeded_defect_is_caught(code: str) -> None:
    picked = _pick(code)
    assert len(picked) >= 30, f"only {len(picked)} chapters eligible for {code}"
    already = [name for name, xml, _ in picked if code in _errors(name, xml)]
    assert already == [], f"{code} already reported on the unseeded chapter"
    missed = [name for name, _, seeded in picked if code not in _errors(name, seeded)]
    recall = 1 - len(missed) / len(picked)
    print(f"{code}: {len(picked) - len(missed)}/{len(picked)} seeded defects caught")
    assert recall >= MIN_RECALL, f"{code}: recall {recall:.2%}; missed in {missed}"
