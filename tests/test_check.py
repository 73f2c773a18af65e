"""``livertox-parse check``: each rule fails on a mutated real chapter and passes on a real one; output
formats, select/ignore, pyproject configuration, exit codes, and one real subprocess run.

Every test runs in its own temporary directory (so no ``pyproject.toml`` of the project configures it); a
mutated chapter is written there under its own name, so expected lines read ``anakinra.txt:74:1: ...``.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from livertox_parse import parse_text
from livertox_parse.check import Config, Finding, format_github, rules
from livertox_parse.cli import main
from livertox_parse.errors import ERROR_CODES, WARNING_CODES
from livertox_parse.rules import RuleError, load_table, validate_table

from .conftest import FIXTURES, ROOT

Mutation = Callable[[str], str]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def replace(old: str, new: str, count: int = 1) -> Mutation:
    """A mutation replacing ``old`` by ``new``; fails unless ``old`` occurs exactly ``count`` times."""
    def apply(text: str) -> str:
        assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times, expected {count}"
        return text.replace(old, new)
    return apply


def cut(start: str, end: str) -> Mutation:
    """A mutation deleting from the line ``start`` up to (not including) the line ``end``."""
    def apply(text: str) -> str:
        i, j = text.index(start), text.index(end)
        assert i < j
        return text[:i] + text[j:]
    return apply


def copy_case(text: str) -> str:
    """The Anakinra case report written twice, both as 'Case 1.'."""
    i, j = text.index("Case 1."), text.index("PRODUCT INFORMATION")
    return text[:j] + text[i:j] + text[j:]


def replace_last(old: str, new: str) -> Mutation:
    def apply(text: str) -> str:
        i = text.rindex(old)
        return text[:i] + new + text[i + len(old):]
    return apply


def write(fixture: str, mutation: Mutation | None = None) -> str:
    """Write fixtures/<fixture> (mutated) into the current directory; return its file name."""
    src = FIXTURES / fixture
    name = Path(fixture).name
    if mutation is None:
        Path(name).write_bytes(src.read_bytes())
    else:
        Path(name).write_text(mutation(src.read_text(encoding="utf-8")), encoding="utf-8")
    return name


def check(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["check", *argv], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def codes(name: str, *flags: str) -> list[str]:
    _, out, _ = check("--format", "json", *flags, name)
    return [json.loads(line)["code"] for line in out.splitlines()]


# --- every rule: a failing input made from a real chapter, and a passing one -------------------------------

AN, ME, ARBS = "text/anakinra.txt", "text/metoprolol.txt", "text/arbs.txt"
FAILING = [  # fixture, mutation, every code expected, one expected line, exit status
    pytest.param(ME, cut("PRODUCT INFORMATION", "CHEMICAL FORMULA"), {"LTW101", "LTW132"},
                 "metoprolol.txt:1:1: LTW101 error: expected section 'product_information' is missing", 1,
                 id="LTW101-drug-without-product-information"),
    pytest.param(ARBS, replace("OVERVIEW\n", ""), {"LTW101", "LTW141"},
                 "arbs.txt:1:1: LTW101 error: expected section 'overview' is missing", 1,
                 id="LTW101-class-without-overview"),
    pytest.param(AN, replace("PRODUCT INFORMATION\n", "EDITORIAL NOTES\nTo be revised.\nPRODUCT INFORMATION\n"),
                 {"LTW102"},
                 "anakinra.txt:120:1: LTW102 warning: heading 'EDITORIAL NOTES' is not in the section table; kept "
                 "as 'other'", 0, id="LTW102-unknown-heading"),
    pytest.param(AN, replace("Mechanism of Injury\n", "Mechanism of Injurry\n"), {"LTW104"},
                 "anakinra.txt:53:1: LTW104 warning: heading 'Mechanism of Injurry' read as 'Mechanism of Injury' "
                 "(misspelt)", 0, id="LTW104-misspelt-heading"),
    pytest.param(AN, cut("Anakinra binds to circulating", "Outcome and Management"), {"LTW103"},
                 "anakinra.txt:53:1: LTW103 error: section 'Mechanism of Injury' is empty", 1, id="LTW103-empty"),
    pytest.param(AN, replace("Likelihood score: C (probable cause of clinically apparent acute liver injury).\n", ""),
                 {"LTW110"},
                 "anakinra.txt:1:1: LTW110 warning: no likelihood score statement ('Likelihood score: X (...)') found",
                 0, id="LTW110-no-score"),
    pytest.param(AN, replace("Likelihood score: C", "Likelihood score: F"), {"LTW110", "LTW111"},
                 "anakinra.txt:51:1: LTW111 error: likelihood score 'F' is not one of A B C D E E* X", 1,
                 id="LTW111-letter-F"),
    pytest.param(AN, replace("Severity: 3+ (jaundice, hospitalization)\n", ""), {"LTW120"},
                 "anakinra.txt:96:1: LTW120 error: Key Points has no 'severity' row", 1, id="LTW120-row-dropped"),
    pytest.param(ME, replace("Latency:\n\n3 weeks\n\n", ""), {"LTW120", "LTW132"},
                 "metoprolol.txt:60:1: LTW120 error: Key Points has no 'latency' row", 1,
                 id="LTW120-row-dropped-pdf-text-layout"),
    pytest.param(AN, replace("Severity: 3+", "Severity: 7+"), {"LTW121"},
                 "anakinra.txt:100:11: LTW121 error: severity '7+ (jaundice, hospitalization)' is not a grade 1+ to 5+",
                 1, id="LTW121-bogus-severity"),
    pytest.param(AN, replace("Pattern: Hepatocellular", "Pattern: Hepatitic"), {"LTW122"},
                 "anakinra.txt:99:10: LTW122 warning: pattern 'Hepatitic (R=32)' names no pattern type: read from its "
                 "R as hepatocellular", 0, id="LTW122-pattern-words-with-R"),
    pytest.param(AN, replace("Hepatocellular (R=32)", "Hepatocelular"), {"LTW121"},
                 "anakinra.txt:99:10: LTW121 error: pattern 'Hepatocelular' is not hepatocellular, cholestatic, "
                 "mixed or none", 1, id="LTW121-misspelt-pattern"),
    pytest.param(AN, replace("Severity: 3+ (jaundice, hospitalization)", "Severity: Hospitalization"), {"LTW122"},
                 "anakinra.txt:100:11: LTW122 warning: severity 'Hospitalization' names no grade 1+ to 5+: kept as text",
                 0, id="LTW122-severity-description"),
    pytest.param(AN, replace("Hepatocellular (R=32)", "Hepatocellular (R=9)"), {"LTW130"},
                 "anakinra.txt:99:10: LTW130 warning: Key Points R=9 but the case's lab values give R=32.1 "
                 "(ALT 3346/40, ALP 300/115, ULN default)", 0, id="LTW130-R-far-from-labs"),
    pytest.param(AN, replace("Hepatocellular (R=32)", "Cholestatic (R=32)"), {"LTW131"},
                 "anakinra.txt:99:10: LTW131 error: Key Points R=32 means hepatocellular, but the pattern is "
                 "cholestatic", 1, id="LTW131-pattern-vs-R"),
    pytest.param(AN, replace("Hepatocellular (R=32)", "Hepatocellular (R=2)"), {"LTW130", "LTW131"},
                 "anakinra.txt:99:10: LTW131 error: Key Points R=2 means cholestatic, but the pattern is "
                 "hepatocellular", 1, id="LTW131-R2-for-hepatocellular"),
    pytest.param(AN, replace("Anakinra (100 mg daily)", "Anakinra (300 mg daily)"), {"LTW132"},
                 "anakinra.txt:98:13: LTW132 error: Key Points give Anakinra 300 mg daily, but the case narrative "
                 "gives 100 mg", 1, id="LTW132-dose"),
    pytest.param(ME, None, {"LTW132"},
                 "metoprolol.txt:63:1: LTW132 error: Key Points give Metoprolol 200 mg daily, but the case narrative "
                 "gives 50 mg", 1, id="LTW132-real-metoprolol"),
    pytest.param(AN, replace("Latency: 3 weeks", "Latency: 8 months"), {"LTW133"},
                 "anakinra.txt:101:10: LTW133 warning: Key Points give latency '8 months', but the case narrative "
                 "gives '3 weeks after starting the', 'Three weeks after starting the'", 0, id="LTW133-latency"),
    pytest.param(ME, replace("Latency:\n\n3 weeks", "Latency:\n\n9 months"), {"LTW132", "LTW133"},
                 "metoprolol.txt:75:1: LTW133 warning: Key Points give latency '9 months', but the case narrative "
                 "gives '2 weeks after starting metoprolol'", 1, id="LTW133-latency-metoprolol"),
    pytest.param(AN, replace(" and alkaline phosphatase 300 U/L", ""), {"LTW134"},
                 "anakinra.txt:99:10: LTW134 warning: R could not be recomputed: no ALT and ALP taken together in the "
                 "lab values", 0, id="LTW134-no-alp"),
    pytest.param(AN, replace("143090-92-0", "143090-92-7"), {"LTW140"},
                 "anakinra.txt:137:1: LTW140 error: CAS number 143090-92-7 of Anakinra fails its check digit", 1,
                 id="LTW140-check-digit"),
    pytest.param(ARBS, None, {"LTW141"},
                 "arbs.txt:93:1: LTW141 error: CAS number 144701-48-4 is given for both Telmisartan and Valsartan",
                 1, id="LTW141-real-arbs"),
    pytest.param(AN, replace("C759-H1186-N208-0232-S10", "C759-H1186-N208-Q232-S10"), {"LTW142"},
                 "anakinra.txt:137:1: LTW142 error: molecular formula 'C759-H1186-N208-Q232-S10' of Anakinra cannot "
                 "be read: 'Q' is not an element symbol", 1, id="LTW142-formula"),
    pytest.param(AN, replace("C759-H1186-N208-0232-S10", "C759-H1186-12-N208-0232-S10"), {"LTW142"},
                 "anakinra.txt:137:1: LTW142 error: molecular formula 'C759-H1186-12-N208-0232-S10' of Anakinra "
                 "cannot be read: '12' is a number where an element belongs (I2 printed as 12?)", 1,
                 id="LTW142-number-for-element"),
    pytest.param(AN, replace("C759-H1186-N208-0232-S10", "Lyophilisate"), {"LTW143"},
                 "anakinra.txt:137:1: LTW143 warning: formula column of Anakinra holds 'Lyophilisate', a description "
                 "not in rules/formulas.json: kept as text", 0, id="LTW143-unknown-description"),
    pytest.param(AN, replace("Case 1. Acute", "Case 2. Acute"), {"LTW150"},
                 "anakinra.txt:74:1: LTW150 error: case 2 where case 1 was expected: cases are numbered 1, 2, 3 ... "
                 "without gaps", 1, id="LTW150-gap"),
    pytest.param(AN, copy_case, {"LTW150"},
                 "anakinra.txt:120:1: LTW150 error: case number 1 is missing or repeated", 1, id="LTW150-repeated"),
    pytest.param(AN, replace("Case 1. Acute", "Case 3000000000. Acute"), {"LTW151"},
                 "anakinra.txt:74:1: LTW151 error: case number 3000000000 is larger than 2147483647: kept in the "
                 "heading text only", 1, id="LTW151-case-number-beyond-int32"),
]


@pytest.mark.parametrize(("fixture", "mutation", "expected", "line", "status"), FAILING)
def test_rule_fails_on_mutated_real_chapter(fixture: str, mutation: Mutation | None, expected: set[str],
                                            line: str, status: int) -> None:
    name = write(fixture, mutation)
    got, out, _ = check(name)
    assert line in out.splitlines()
    assert set(codes(name)) == expected
    assert got == status


PASSING = [  # fixture, mutation, the code that must not be reported
    # a sentence wrapped where the page broke its line (pdftotext copy of Disulfiram: 'in a dose of' / '500 mg
    # daily for 5 days followed by 250 mg daily'): its dose still belongs to the drug the sentence names
    pytest.param(AN, replace("Anakinra was started in a subcutaneous dose of 100 mg daily, which was followed by",
                             "Anakinra was started in a subcutaneous dose of\n100 mg daily for a week; anakinra "
                             "300 mg daily thereafter, which was followed by"), "LTW132", id="LTW132-wrapped-sentence"),
    *[pytest.param(AN, None, code, id=f"{code}-anakinra")
      for code in sorted(WARNING_CODES)],  # the Anakinra chapter is clean
    pytest.param(ARBS, None, "LTW101", id="LTW101-class-needs-no-product-information"),
    pytest.param(AN, replace("REPRESENTATIVE TRADE NAMES", "REPRESENTATIVE STREET NAMES"), "LTW104",
                 id="LTW104-another-word-is-no-misspelling"),
    pytest.param(ARBS, None, "LTW110", id="LTW110-class-overview-without-score"),
    pytest.param(ME, None, "LTW133", id="LTW133-2-weeks-narrative-vs-3-weeks-key-points"),
    pytest.param(ME, replace("(200 mg daily)", "(50 mg daily)"), "LTW132", id="LTW132-metoprolol-dose-fixed"),
    pytest.param(ARBS, replace_last("144701-48-4", "137862-53-4"), "LTW141", id="LTW141-valsartan-own-cas"),
    pytest.param(AN, replace("C759-H1186-N208-0232-S10", "C759H1186N208O232S10"), "LTW142",
                 id="LTW142-unhyphenated-formula"),
    pytest.param(AN, replace("Severity: 3+ (jaundice, hospitalization)", "Severity: Mild (enzyme elevations)"),
                 "LTW121", id="LTW121-severity-scale-name"),
    pytest.param(AN, replace("Hepatocellular (R=32)", "Hepatocellular (R=30)"), "LTW130",
                 id="LTW130-R-within-tolerance"),
    pytest.param(AN, replace("Severity: 3+", "Severity: 3"), "LTW121", id="LTW121-severity-without-plus"),
    pytest.param(AN, replace("Hepatocellular (R=32)", "Bland cholestasis"), "LTW121", id="LTW121-bland-cholestasis"),
    pytest.param(AN, replace("Hepatocellular (R=32)", "Unknown (no ALT or alkaline phosphatase results)"), "LTW122",
                 id="LTW122-pattern-unknown-is-read"),
    pytest.param(AN, lambda t: t.replace("Hepatocellular (R=32)", "None").replace(
        "Severity: 3+ (jaundice, hospitalization)", "Severity: Coma"), "LTW122", id="LTW122-no-grade-without-injury"),
    pytest.param(AN, replace("Anakinra (100 mg daily)", "Anakinra (50 mg twice daily)"), "LTW132",
                 id="LTW132-daily-total"),
    pytest.param(AN, replace("Anakinra (100 mg daily)", "Anakinra (~10 g as a single overdose)"), "LTW132",
                 id="LTW132-overdose-is-no-regimen"),
    pytest.param(AN, lambda t: t.replace("Anakinra (100 mg daily)", "Anakinra (dose not given)").replace(
        "Anakinra was started in a subcutaneous dose of 100 mg daily,",
        "Prednisone was given in a dose of 40 mg daily,"), "LTW132", id="LTW132-dose-of-another-medication"),
    pytest.param(AN, replace("C759-H1186-N208-0232-S10", "Monoclonal Antibody"), "LTW142",
                 id="LTW142-description-vocabulary"),
    pytest.param(AN, replace("C759-H1186-N208-0232-S10", "Recombinant Protein"), "LTW143",
                 id="LTW143-description-vocabulary"),
    pytest.param(AN, replace("C759-H1186-N208-0232-S10", "(C14-H21-N-O12)n"), "LTW142", id="LTW142-polymer"),
    pytest.param("nxml/Metoprolol.nxml", replace("Metoprolol (200 mg daily)", "Metoprolol (50 mg daily)"), "LTW132",
                 id="LTW132-nxml-dose-fixed"),
]


@pytest.mark.parametrize(("fixture", "mutation", "code"), PASSING)
def test_rule_passes(fixture: str, mutation: Mutation | None, code: str) -> None:
    name = write(fixture, mutation)
    found = codes(name)
    assert code not in found
    assert "LTX" not in "".join(found)  # it was read


def test_nxml_mutation_is_located_in_the_xml() -> None:
    name = write("nxml/Nabumetone.nxml", replace("Likelihood score: E*", "Likelihood score: F"))
    status, out, _ = check(name)
    assert status == 1
    assert "Nabumetone.nxml:64:14: LTW111 error: likelihood score 'F' is not one of A B C D E E* X" in out.splitlines()


def test_docs_examples_are_the_lines_the_tests_expect() -> None:
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\S+:\d+:\d+: LTW\d{3} (?:error|warning): .*$", doc, re.MULTILINE)
    expected = {p.values[3] for p in FAILING}
    assert len(documented) >= len(WARNING_CODES)
    assert [line for line in documented if line not in expected] == []


# --- real chapters -------------------------------------------------------------------------------------

REAL_FINDINGS = {"metoprolol": ["LTW132"], "arbs": ["LTW141"]}
REAL_FILES = sorted(p for sub in ("text", "nxml", "pdf") for p in (FIXTURES / sub).iterdir())


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_chapters_report_their_contradictions_and_nothing_else(path: Path) -> None:
    status, out, _ = check("--format", "json", str(path))
    found = [json.loads(line) for line in out.splitlines()]
    expected = REAL_FINDINGS.get(path.stem.lower(), [])
    assert [f["code"] for f in found] == expected
    assert status == (1 if expected else 0)
    for f in found:
        assert (f["line"] is None) == (path.suffix == ".pdf")
        assert f["page"] == (2 if path.suffix != ".nxml" else None)


# --- output formats ------------------------------------------------------------------------------------


def test_text_format_and_summary() -> None:
    name = write(ME)
    status, out, err = check(name)
    assert (status, out) == (1, ("metoprolol.txt:63:1: LTW132 error: Key Points give Metoprolol 200 mg daily, but "
                                "the case narrative gives 50 mg\n"))
    assert err == "checked 1 file(s): 1 error(s), 0 warning(s)\n"


def test_text_format_gives_the_page_for_pdf() -> None:
    name = write("pdf/arbs.pdf")
    _, out, _ = check(name)
    assert out == "arbs.pdf:page 2: LTW141 error: CAS number 144701-48-4 is given for both Telmisartan and Valsartan\n"


def test_json_format_one_object_per_finding() -> None:
    name = write("nxml/Metoprolol.nxml")
    _, out, _ = check("--format", "json", name)
    assert [json.loads(line) for line in out.splitlines()] == [{
        "path": "Metoprolol.nxml", "line": 90, "column": 49, "page": None, "code": "LTW132", "level": "error",
        "message": "Key Points give Metoprolol 200 mg daily, but the case narrative gives 50 mg"}]


def test_github_format() -> None:
    text, pdf = write(ME), write("pdf/arbs.pdf")
    status, out, err = check("--format", "github", text, pdf)
    assert status == 1 and err == ""
    assert out.splitlines() == [
        ("::error file=metoprolol.txt,line=63,col=1,title=LTW132::Key Points give Metoprolol 200 mg daily, but the "
        "case narrative gives 50 mg"),
        ("::error file=arbs.pdf,title=LTW141::page 2: CAS number 144701-48-4 is given for both Telmisartan and "
        "Valsartan"),
    ]


def test_github_format_escapes_properties_and_message() -> None:
    finding = Finding("dir,a:b%.txt", "LTW133", "warning", "50% said:\r\nno, 2", line=3, column=4)
    assert format_github([finding]) == [
        "::warning file=dir%2Ca%3Ab%25.txt,line=3,col=4,title=LTW133::50%25 said:%0D%0Ano, 2"]


def test_sarif_format() -> None:
    text, pdf = write(ME), write("pdf/arbs.pdf")
    status, out, _ = check("--format", "sarif", text, pdf, "missing.txt")
    assert status == 2
    log = json.loads(out)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "livertox-parse"
    rule_ids = [r["id"] for r in driver["rules"]]
    assert set(rule_ids) == set(rules()) | set(ERROR_CODES)
    assert all(r["defaultConfiguration"]["level"] in ("error", "warning") for r in driver["rules"])
    assert run["invocations"] == [{"executionSuccessful": False}]
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("LTW132", "error"), ("LTW141", "error"),
                                                             ("LTX001", "error")]
    for r in results:
        assert rule_ids[r["ruleIndex"]] == r["ruleId"] and r["message"]["text"]
    assert results[0]["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "metoprolol.txt"}, "region": {"startLine": 63, "startColumn": 1}}}]
    assert results[1]["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "arbs.pdf"}}
    assert results[1]["properties"] == {"page": 2} and results[1]["message"]["text"].startswith("page 2: ")


# --- select, ignore, configuration ---------------------------------------------------------------------

R2 = replace("Hepatocellular (R=32)", "Hepatocellular (R=2)")  # LTW130 (warning) and LTW131 (error)


@pytest.mark.parametrize(("flags", "expected"), [
    ((), ["LTW130", "LTW131"]),
    (("--select", "LTW131"), ["LTW131"]),
    (("--select", "ltw13"), ["LTW130", "LTW131"]),
    (("--ignore", "LTW13"), []),
    (("--select", "LTW13", "--ignore", "LTW130"), ["LTW131"]),
    (("--select", "LTW131", "--ignore", "LTW13"), ["LTW131"]),  # the more specific prefix wins
    (("--select", "LTW14,LTW150"), []),
])
def test_select_and_ignore(flags: tuple[str, ...], expected: list[str]) -> None:
    name = write(AN, R2)
    assert sorted(codes(name, *flags)) == expected


def test_ignoring_the_only_error_gives_exit_0() -> None:
    name = write(AN, R2)
    status, out, _ = check("--ignore", "LTW131", name)
    assert status == 0 and "LTW130 warning" in out


def test_unknown_code_prefix_is_a_usage_error() -> None:
    status, out, err = check("--select", "LTW9", write(AN))
    assert (status, out) == (2, "")
    assert "'LTW9' matches no rule code" in err


def test_config_prefix_semantics() -> None:
    config = Config(select=("LTW1",), ignore=("LTW13",), levels={"LTW13": "error", "LTW102": "error"})
    assert [c for c in rules() if config.enabled(c)] == [c for c in rules() if not c.startswith("LTW13")]
    assert config.level("LTW133") == "error" and config.level("LTW102") == "error"
    assert Config().level("LTW133") == "warning" and Config().level("LTW132") == "error"


def pyproject(folder: Path, body: str) -> None:
    (folder / "pyproject.toml").write_text(body, encoding="utf-8")


def test_pyproject_found_by_walking_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pyproject(tmp_path, '[tool.livertox-parse]\nignore = ["LTW141"]\nlevels = { LTW132 = "warning" }\n')
    sub = tmp_path / "chapters" / "new"
    sub.mkdir(parents=True)
    pyproject(tmp_path / "chapters", '[project]\nname = "x"\n')  # no table here: keep walking up
    monkeypatch.chdir(sub)
    me, arbs = write(ME), write(ARBS)
    status, out, _ = check(me, arbs)
    assert status == 0
    assert out == ("metoprolol.txt:63:1: LTW132 warning: Key Points give Metoprolol 200 mg daily, but the case "
                   "narrative gives 50 mg\n")


def test_flags_replace_the_configured_lists(tmp_path: Path) -> None:
    pyproject(tmp_path, '[tool.livertox-parse]\nselect = ["LTW13"]\nignore = ["LTW141"]\n')
    arbs, an = write(ARBS), write(AN, replace("143090-92-0", "143090-92-7"))
    assert codes(arbs) == [] and codes(an) == []
    assert codes(arbs, "--select", "LTW14") == []  # ignore still from the file
    assert codes(arbs, "--select", "LTW14", "--ignore", "LTW150") == ["LTW141"]
    assert codes(an, "--select", "LTW140") == ["LTW140"]


@pytest.mark.parametrize(("body", "message"), [
    ('[tool.livertox-parse]\nselct = ["LTW1"]\n', "unknown keys ['selct']"),
    ('[tool.livertox-parse]\nlevels = { LTW132 = "fatal" }\n', "LTW132 = 'fatal'"),
    ('[tool.livertox-parse]\nignore = ["LTX001"]\n', "'LTX001' matches no rule code"),
    ('[tool.livertox-parse\n', "not valid TOML"),
])
def test_bad_configuration_is_exit_2(tmp_path: Path, body: str, message: str) -> None:
    pyproject(tmp_path, body)
    status, out, err = check(write(AN))
    assert (status, out) == (2, "")
    assert message in err and str(tmp_path / "pyproject.toml") in err


# --- exit status and unreadable inputs -----------------------------------------------------------------


def test_exit_0_for_a_clean_chapter() -> None:
    assert check(write(AN))[:2] == (0, "")


def test_exit_2_for_unreadable_inputs_even_beside_errors() -> None:
    Path("bad.txt").write_bytes(b"\xff\xff")
    Path("recipe.txt").write_text("Pancakes\nMix flour and eggs.\n", encoding="utf-8")
    status, out, err = check(write(ME), "bad.txt", "missing.txt", "recipe.txt")
    assert status == 2
    lines = out.splitlines()
    assert lines[1:] == [
        "bad.txt:1:1: LTX002 error: byte 0xff is not valid UTF-8 (expected UTF-8 text)",
        "missing.txt:1:1: LTX001 error: no such file",
        ("recipe.txt:1:1: LTX005 error: no LiverTox section heading found (expected OVERVIEW, Hepatotoxicity, CASE "
        "REPORT, ...)"),
    ]
    assert lines[0].startswith("metoprolol.txt:63:1: LTW132 error")
    assert err.endswith(", 3 unreadable\n")


def test_a_folder_is_searched_for_chapters() -> None:
    Path("chapters").mkdir()
    (Path("chapters") / "notes.md").write_text("not a chapter", encoding="utf-8")
    Path("chapters/metoprolol.txt").write_bytes((FIXTURES / ME).read_bytes())
    Path("chapters/ARBs.nxml").write_bytes((FIXTURES / "nxml/ARBs.nxml").read_bytes())
    status, out, _ = check("--format", "json", "chapters")
    assert status == 1
    assert [(json.loads(x)["path"], json.loads(x)["code"]) for x in out.splitlines()] == [
        ("chapters/ARBs.nxml", "LTW141"), ("chapters/metoprolol.txt", "LTW132")]


def test_real_subprocess(tmp_path: Path) -> None:
    name = write(ME)
    proc = subprocess.run([sys.executable, "-m", "livertox_parse", "check", "--format", "github", name],
                          capture_output=True, text=True, cwd=tmp_path, check=False)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ("::error file=metoprolol.txt,line=63,col=1,title=LTW132::Key Points give Metoprolol "
                           "200 mg daily, but the case narrative gives 50 mg\n")


def test_importing_check_loads_no_parser_dependencies() -> None:
    code = ("import sys, livertox_parse.check; "
            "print([m for m in ('spacy', 'pdfplumber', 'lxml', 'pydantic') if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


# --- the rule table, its documentation, the hook and the README -------------------------------------------


def test_every_warning_code_has_a_check_rule_and_back() -> None:
    assert list(rules()) == sorted(WARNING_CODES)
    assert {r["level"] for r in load_table("checks").rules} == {"error", "warning"}


def test_every_rule_is_documented_with_its_level() -> None:
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^### (LTW\d{3})\n\n\*\*[^*]+ — (error|warning)", doc, re.MULTILINE))
    assert documented == {code: rule.level for code, rule in rules().items()}


def test_checks_table_goes_through_the_strict_loader() -> None:
    with pytest.raises(RuleError, match="checks: rule 0 has unknown keys"):
        validate_table("checks", {"source": "x", "rules": [{"code": "LTW101", "level": "error", "summary": "s",
                                                             "severity": "high"}]})


def test_pre_commit_hook() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    fields = dict(re.findall(r"^\s*-?\s*(\w+): (.+)$", text, re.MULTILINE))
    assert fields["id"] == "livertox-parse-check"
    assert fields["entry"] == "livertox-parse check" and fields["language"] == "python"
    files = re.compile(fields["files"])
    assert [bool(files.search(n)) for n in ("a.txt", "b/Metoprolol.nxml", "c.pdf", "d.json", "txt")] == [
        True, True, True, False, False]


def test_readme_has_the_ci_section_before_how_it_works() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Checking monographs in CI"):readme.index("## How it works")]
    assert "livertox-parse check" in section and "--format github" in section and "pre-commit" in section
    assert "\n## " not in section[3:]  # nothing else between the two


# --- real chapters flattened by another application (fixtures/flat): no false errors -----------------------

FLAT = [json.loads(x) for x in (FIXTURES / "flat" / "records.jsonl").read_text(encoding="utf-8").splitlines()]


def write_flat(record: dict[str, str]) -> str:
    """The record's chapter text as one line (the flattening drops PRODUCT INFORMATION and the CAS table)."""
    parts = [record["name_en"], "OVERVIEW", record.get("raw_hepatotoxicity_text"), record.get("raw_mechanism_text"),
             record.get("raw_outcome_text"), record.get("raw_case_report_text")]
    name = record["name_en"].replace(" ", "_") + ".txt"
    Path(name).write_text(" ".join(p for p in parts if p), encoding="utf-8")
    return name


@pytest.mark.parametrize("record", FLAT, ids=lambda r: r["name_en"])
def test_flattened_real_chapters_give_no_false_findings(record: dict[str, str]) -> None:
    _, out, _ = check("--format", "json", write_flat(record))
    found = {(f["code"], f["message"]) for f in map(json.loads, out.splitlines())}
    assert ("LTW101", "expected section 'product_information' is missing") in found  # dropped by the flattening
    # LTW134: Triamterene's R is from AST, the flattened lab tables lose their rows
    assert {code for code, _ in found} <= {"LTW101", "LTW134"}


def test_rechallenge_dose_is_not_the_key_points_dose() -> None:
    """Bug caught: Tizanidine's Key Points say 36 mg daily, its narrative only 'a single 4 mg dose' on
    rechallenge; that was reported as LTW132."""
    tizanidine = next(r for r in FLAT if r["name_en"] == "Tizanidine")
    assert "rechallenged with a single 4 mg dose" in tizanidine["raw_case_report_text"]
    assert "LTW132" not in codes(write_flat(tizanidine))


def test_archive_members_are_checked(tmp_path: Path) -> None:
    import tarfile

    archive = tmp_path / "chapters.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name in ("Metoprolol.nxml", "Nabumetone.nxml"):
            tar.add(FIXTURES / "nxml" / name, arcname=f"livertox/{name}")
    out, err = io.StringIO(), io.StringIO()
    status = main(["check", str(archive)], stdout=out, stderr=err)
    assert status == 1
    assert out.getvalue().splitlines() == [
        (f"{archive}!livertox/Metoprolol.nxml:90:49: LTW132 error: Key Points give Metoprolol 200 mg daily, "
         "but the case narrative gives 50 mg")]
    assert "checked 2 file(s)" in err.getvalue()


# Skullcap's case as pdftotext copies it from the printed chapter: the lab table one cell per line, in the order
# pdftotext's layout analysis picks (the event row first, the rows' last columns after 'Normal Values')
SKULLCAP_COPY = """Skullcap
Last Update: May 7, 2019.

CASE REPORT
Case 1. Acute hepatitis due to combination of skullcap and valerian.(1)
A 53 year old woman developed worsening insomnia, anxiety and jaundice 4 weeks after starting an herbal preparation
for sleep that contained skullcap and valerian root. Laboratory testing showed a serum bilirubin of 9.0 mg/dL with
marked increases in serum aminotransferase levels (ALT 1208 U/L, AST 1082 U/L), and modest increase in alkaline
phosphatase (298 U/L) and normal prothrombin time and serum albumin (Table).
Key Points
Medication:

Skullcap and valerian (4 capsules nightly)

Pattern:

Hepatocellular (R=8.5)

Severity:

3+ (jaundice, hospitalization)

Latency:

4 weeks

Recovery:

12 weeks

Other medications:

None, except occasional herbal tea containing chaparral leaf

Laboratory Values
Time After
Starting

Time After
Stopping

ALT
(U/L)

Alk P
(U/L)

Bilirubin
(mg/dL)

Comments

Started sleeping aid with skullcap and valerian root
4 weeks

0

1208

8 weeks

4 weeks

161

<65

<136

<1.2

Normal Values

298

9.0

Admission, herbals
stopped

Comment

The case history is entirely compatible with drug induced liver injury caused by one of the several botanicals.
"""


def test_r_is_not_judged_by_the_narrative_when_the_lab_table_was_not_read() -> None:
    """A pdftotext copy prints the Laboratory Values table one cell per line, and no table is read from it. R
    (8.5, from the table's ALT 1208/65 and Alk P 298/136) is then not judged by the narrative's ALT 1208 and Alk
    P 298 over default ULNs (R=11.7: a false LTW130), nor reported as not recomputable (LTW134). The same
    narrative without a Laboratory Values section is still checked."""
    copy = parse_text(SKULLCAP_COPY, source="Skullcap.txt")
    assert [c.key_points.pattern.r_ratio for c in copy.cases if c.key_points] == [8.5]
    assert not {w.code for w in copy.warnings} & {"LTW130", "LTW134"}
    i, j = SKULLCAP_COPY.index("Laboratory Values"), SKULLCAP_COPY.index("Comment\n")
    narrative_only = parse_text(SKULLCAP_COPY[:i] + SKULLCAP_COPY[j:], source="Skullcap.txt")
    assert [w.code for w in narrative_only.warnings if w.code in ("LTW130", "LTW134")] == ["LTW130"]


def test_a_heading_naming_an_agent_is_no_unknown_heading() -> None:
    # ThrombopoietinRecept, EmergencyContracepti and VitaminB give each agent a section of its own
    from livertox_parse import parse_text

    text = ("Thrombopoietin Receptor Agonists\nOVERVIEW\nThese agents raise platelet counts.\nELTROMBOPAG\n"
            "Eltrombopag is given orally.\nROMIPLOSTIM\nRomiplostim is given weekly.\nEDITORIAL NOTES\n"
            "Notes.\nDrug Class: Hematologic Agents\n")
    m = parse_text(text)
    other = [s.title for s in m.sections if s.id == "other"]
    flagged = [w.message.split("'")[1] for w in m.warnings if w.code == "LTW102"]
    assert other == ["ELTROMBOPAG", "ROMIPLOSTIM", "EDITORIAL NOTES"]
    assert flagged == ["EDITORIAL NOTES"]

