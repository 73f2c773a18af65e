"""Property tests: arbitrary text never raises anything but LiverToxError; spans always match their text;
JSON out -> load -> validate round-trips."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livertox_parse import parse_text
from livertox_parse.document import Source
from livertox_parse.emit import load, to_bytes
from livertox_parse.errors import LiverToxError
from livertox_parse.models import Monograph
from livertox_parse.readers.text import document_from_text

from .conftest import FIXTURES, TEXTS

# Real lines and headings mixed with noise, so that generated text reaches the deep stages.
REAL_LINES = [line for p in TEXTS[:3] for line in p.read_text(encoding="utf-8").split("\n") if line.strip()]
FLAT_LINES = [  # whole sections with their line breaks lost, from fixtures/flat
    value for record in map(json.loads, (FIXTURES / "flat" / "records.jsonl").read_text(encoding="utf-8").splitlines())
    for key, value in record.items() if key.startswith("raw_") and isinstance(value, str) and value
]
line = st.one_of(
    st.sampled_from(REAL_LINES),
    st.sampled_from(FLAT_LINES),
    st.sampled_from(["OVERVIEW", "CASE REPORT", "Case 2. x", "Key Points", "Medication:", "Pattern: Mixed (R=",
                     "Likelihood score: Q (x).", "CHEMICAL FORMULA AND STRUCTURE", "\f", "1", "LiverTox",
                     "ALT 12,345 U/L", "A 0 year old man", "C0-H-0-", "Severity: 9+"]),
    st.text(max_size=80),
)
monograph_text = st.lists(line, max_size=40).map("\n".join)


def _spans(m: Monograph) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = [(e.text, e.start, e.end) for e in m.entities]
    for case in m.cases:
        if case.patient.text is not None:
            out.append((case.patient.text, case.patient.start, case.patient.end))  # type: ignore[arg-type]
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(monograph_text)
def test_arbitrary_text_parses_or_raises_our_error(text: str) -> None:
    try:
        m = parse_text(text)
    except LiverToxError as exc:
        assert exc.code.startswith("LTX")
        return
    doc = document_from_text(text, Source(None, "text"))
    for value, start, end in _spans(m):
        assert doc.text[start:end] == value
    for s in m.sections:
        assert 0 <= s.start <= s.end <= len(doc.text)
    assert load(to_bytes(m)) == m


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_real_spans_point_at_their_text(path) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    m = parse_text(text)
    doc = document_from_text(text, Source(None, "text"))
    assert m.entities
    for value, start, end in _spans(m):
        assert doc.text[start:end] == value
    for score in m.likelihood_scores:
        assert doc.text[score.start : score.end].startswith("Likelihood score")
    for case in m.cases:
        for lab in case.labs:
            assert lab.test[:3].lower() in doc.text[lab.start : lab.end].lower() or lab.source == "table" \
                or lab.test == "bilirubin_direct" or lab.test in ("ALP",)
            assert doc.text[lab.start : lab.end].replace(",", "").find(f"{lab.value:g}") != -1
    for chem in m.chemicals:
        assert doc.text[chem.start : chem.end].startswith(chem.drug)
    for case in m.cases:
        kp = case.key_points
        if kp is None:
            continue
        for value in (kp.pattern, kp.severity, kp.latency, kp.recovery):
            if value.start is not None:  # the value as written, line breaks read as spaces
                assert " ".join(doc.text[value.start : value.end].split()) == value.text
        if kp.medication.start is not None and kp.medication.name:
            assert doc.text[kp.medication.start : kp.medication.end].startswith(kp.medication.name)
    assert load(to_bytes(m)) == m
