"""Text that lost its line breaks (copied from a web page or an extraction): headings run inline.

23 real chapters flattened by another application (fixtures/flat/records.jsonl) give their likelihood
grade, and the 6 with Key Points give every Key Points value as that application recorded it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from livertox_parse import parse_text

from .conftest import FIXTURES

RECORDS = [json.loads(line) for line in (FIXTURES / "flat" / "records.jsonl").read_text(encoding="utf-8").splitlines()]
FIELDS = {"Medication": "medication", "Pattern": "pattern", "Severity": "severity", "Latency": "latency",
          "Recovery": "recovery", "Other medications": "other_medications"}


def flattened(record: dict[str, Any]) -> str:
    parts = [record["name_en"], "OVERVIEW", record.get("raw_hepatotoxicity_text"), record.get("raw_mechanism_text"),
             record.get("raw_outcome_text"), record.get("raw_case_report_text")]
    return " ".join(p for p in parts if p)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["name_en"])
def test_grade_and_sections(record: dict[str, Any]) -> None:
    m = parse_text(flattened(record), source=record["source_nxml_file"])
    assert [s.score for s in m.likelihood_scores][:1] == [record["livertox_grade"]]
    ids = [s.id for s in m.sections]
    assert "hepatotoxicity" in ids and "mechanism_of_injury" in ids
    if record.get("raw_case_report_text"):
        assert "case" in ids and len(m.cases) == 1


WITH_KEY_POINTS = [r for r in RECORDS if r.get("raw_case_report_key_points")]


@pytest.mark.parametrize("record", WITH_KEY_POINTS, ids=lambda r: r["name_en"])
def test_key_points_values(record: dict[str, Any]) -> None:
    m = parse_text(flattened(record))
    kp = m.cases[0].key_points
    assert kp is not None
    got = {"Pattern": kp.pattern.text, "Severity": kp.severity.text, "Latency": kp.latency.text,
           "Recovery": kp.recovery.text}
    want = record["raw_case_report_key_points"]
    for label in ("Pattern", "Severity", "Latency", "Recovery"):
        assert got[label] == want[label], label
    assert kp.medication.name is not None and want["Medication"].startswith(kp.medication.name)
    if kp.medication.dose:
        assert kp.medication.dose in want["Medication"]
    assert kp.severity.grade is not None and kp.pattern.type is not None
    others = want["Other medications"]
    if others.lower() != "none":
        assert kp.other_medications and kp.other_medications[0] == others.split(",")[0]


CLASSES = {  # name -> (drug class, other drugs) as the flattened chapter states them
    "Evolocumab": ("Antilipemic Agents; Monoclonal Antibodies, Anti-PCSK9", ["Alirocumab"]),
    "Alpha Lipoic Acid": ("Herbal and Dietary Supplements", None),
    "Tinidazole": ("Antiinfective Agents", ["Benznidazole", "Metronidazole", "Secnidazole"]),
    "Triamterene": ("Diuretics, Potassium-Sparing Diuretics", ["Amiloride", "Eplerenone", "Spironolactone"]),
}


@pytest.mark.parametrize("name", CLASSES)
def test_drug_class_stops_at_the_next_inline_label(name: str) -> None:
    m = parse_text(flattened(next(r for r in RECORDS if r["name_en"] == name)))
    drug_class, others = CLASSES[name]
    assert m.drug_class == drug_class
    assert (m.subclass.other_drugs if m.subclass else None) == others
