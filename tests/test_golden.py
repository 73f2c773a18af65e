"""Golden tests: every fixture text against its hand-checked JSON, plus the Anakinra contract spelled out.

Golden files hold the whole Monograph except ``entities`` (tested by the property and entity tests) with
``source.path`` relative to the repository. Regenerate with ``pytest --update-golden`` and read the diff.
"""

from __future__ import annotations

import json

import orjson
import pytest

from livertox_parse import parse
from livertox_parse.models import Monograph

from .conftest import FIXTURES, GOLDEN, ROOT, TEXTS


def _comparable(m: Monograph) -> dict[str, object]:
    data = m.model_dump(mode="json", exclude={"entities"})
    data["source"]["path"] = str(__import__("pathlib").Path(data["source"]["path"]).relative_to(ROOT))
    return data


NXMLS = sorted((FIXTURES / "nxml").glob("*.nxml"))


@pytest.mark.parametrize("path", TEXTS + NXMLS, ids=lambda p: p.name)
def test_golden(path, update_golden: bool) -> None:  # type: ignore[no-untyped-def]
    actual = _comparable(parse(path))
    golden = GOLDEN / (f"{path.stem}.json" if path.suffix == ".txt" else f"nxml/{path.stem}.json")
    if update_golden:
        golden.write_bytes(orjson.dumps(actual, option=orjson.OPT_INDENT_2) + b"\n")
    assert golden.exists(), f"no golden file {golden}; run pytest --update-golden and check it by hand"
    assert actual == json.loads(golden.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def anakinra() -> Monograph:
    return parse(FIXTURES / "text" / "anakinra.txt")


def test_anakinra_chapter_facts(anakinra: Monograph) -> None:
    (score,) = anakinra.likelihood_scores
    assert (score.score, score.text) == ("C", "probable cause of clinically apparent acute liver injury")
    assert anakinra.drug_class == "Antirheumatic Agents"
    assert anakinra.subclass is not None
    assert anakinra.subclass.name == "Interleukin Receptor Antagonists"
    assert anakinra.subclass.other_drugs == ["Canakinumab", "Rilonacept", "Sarilumab", "Tocilizumab"]
    assert anakinra.trade_names == ["Kineret"]
    (chem,) = anakinra.chemicals
    assert (chem.cas, chem.cas_valid) == ("143090-92-0", True)
    assert (chem.formula, chem.formula_text) == ("C759H1186N208O232S10", "C759-H1186-N208-0232-S10")
    assert chem.elements == {"C": 759, "H": 1186, "N": 208, "O": 232, "S": 10}
    assert chem.structure == "Protein"


def test_anakinra_case(anakinra: Monograph) -> None:
    (case,) = anakinra.cases
    assert case.number == 1
    assert (case.patient.age_years, case.patient.sex) == (22, "female")
    kp = case.key_points
    assert kp is not None
    assert (kp.medication.name, kp.medication.dose) == ("Anakinra", "100 mg daily")
    assert (kp.pattern.type, kp.pattern.r_ratio) == ("hepatocellular", 32)
    assert kp.severity.grade == 3
    assert (kp.latency.min_days, kp.latency.max_days) == (21, 21)
    assert (kp.recovery.min_days, kp.recovery.max_days, kp.recovery.text) == (14, 14, "~2 weeks")
    assert kp.other_medications == ["Prednisone", "folate"]
    labs = {(lab.test, lab.value, lab.unit) for lab in case.labs}
    assert {("ALT", 3346, "U/L"), ("AST", 2386, "U/L"), ("GGT", 538, "U/L"), ("ALP", 300, "U/L"),
            ("bilirubin", 6.8, "mg/dL"), ("bilirubin_direct", 6.6, "mg/dL")} <= labs
    assert case.computed.r_ratio == pytest.approx(32.1, abs=0.1)
    assert case.computed.uln_source == "default"
    assert case.computed.pattern == "hepatocellular"


def test_metoprolol_dose_conflict_is_reported_not_resolved() -> None:
    m = parse(FIXTURES / "text" / "metoprolol.txt")
    kp = m.cases[0].key_points
    assert kp is not None and kp.medication.dose == "200 mg daily"
    (conflict,) = [w for w in m.warnings if w.code == "LTW132"]
    assert "200 mg" in conflict.message and "50 mg" in conflict.message
    assert conflict.page == 2


def test_class_chapters_have_agents_not_a_single_drug() -> None:
    barb = parse(FIXTURES / "text" / "barbiturates.txt")
    assert barb.kind == "class"
    assert [(s.agent, s.score) for s in barb.likelihood_scores] == [
        ("Amobarbital", "E"), ("Pentobarbital", "E"), ("Secobarbital", "E")]
    arbs = parse(FIXTURES / "text" / "arbs.txt")  # a class overview: agents, product information, no score
    assert arbs.kind == "overview" and len(arbs.chemicals) == 8 and not arbs.likelihood_scores
    assert any(w.code == "LTW141" and "Valsartan" in w.message for w in arbs.warnings)


def test_two_agent_chapter_scores_per_agent() -> None:
    m = parse(FIXTURES / "text" / "venlafaxine.txt")
    assert m.kind == "drug"
    assert m.agents[:2] == ["Venlafaxine", "Desvenlafaxine"]
    assert [(s.agent, s.score) for s in m.likelihood_scores] == [("Venlafaxine", "B"), ("Desvenlafaxine", "E*")]
    assert m.trade_names_by_agent == {"Venlafaxine": ["Effexor"], "Desvenlafaxine": ["Pristiq"]}
    assert m.cases[0].pmid == "23073329"  # 'Case 1. ...(1)' cites reference 1 of CITED REFERENCE


def test_lab_table_values_counted_once() -> None:
    """Bug caught by hand-checking the NXML golden: the table was read once for the case and once more for
    its Laboratory Values subsection, doubling every value."""
    (case,) = parse(FIXTURES / "nxml" / "Metoprolol.nxml").cases
    table = [lab for lab in case.labs if lab.source == "table"]
    assert len(table) == 20  # 7 rows x ALT, ALP, GGT, less the 'Not done' GGT
    assert {(lab.test, lab.uln) for lab in table} == {("ALT", 40), ("ALP", 110), ("GGT", 50)}
    assert case.computed.r_ratio == 18.7 and case.computed.uln_source == "chapter"
