"""Pydantic models: the single source of truth for the output (``schemas/`` is generated from them).

Field names of the JSON contract are fixed; every extracted value keeps the ``start``/``end`` character span
in the extracted text it came from (and the page, for PDFs, through ``Section.page``/``Warning.page``).
"""

from __future__ import annotations

from typing import Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

LikelihoodLetter = Literal["A", "B", "C", "D", "E", "E*", "X"]
PatternType = Literal["hepatocellular", "cholestatic", "mixed", "none"]
LabTest = Literal["ALT", "AST", "ALP", "GGT", "bilirubin", "bilirubin_direct", "INR", "albumin"]
UlnSource = Literal["chapter", "default", "mixed", "none"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceInfo(_Frozen):
    path: str | None
    format: Literal["text", "pdf", "nxml"]
    sha256: str | None
    pages: int | None


class Span(_Frozen):
    """A piece of the extracted text: ``text == Document.text[start:end]``."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class LikelihoodScore(_Frozen):
    agent: str | None
    score: LikelihoodLetter
    qualifier: str | None = Field(description="e.g. 'HD' (high dose) from 'A[HD]'")
    text: str = Field(description="the explanation after the letter, verbatim")
    start: int
    end: int
    page: int | None = None


class Subclass(_Frozen):
    name: str | None = Field(description="null when the chapter names no subclass ('Other Drugs in the Subclass:')")
    other_drugs: list[str]


class Chemical(_Frozen):
    drug: str
    cas: str | None
    cas_valid: bool | None = Field(description="check digit verified; null when there is no CAS number")
    formula: str | None = Field(description="without hyphens, digit 0 read as O where it stands for oxygen")
    formula_text: str
    elements: dict[str, int]
    structure: str | None
    start: int
    end: int
    page: int | None = None


class Section(_Frozen):
    id: str
    title: str
    level: int
    parent: str | None
    start: int
    end: int
    page: int | None


class Patient(_Frozen):
    age_years: float | None
    sex: Literal["female", "male"] | None
    text: str | None = None
    start: int | None = None
    end: int | None = None


class _ValueSpan(_Frozen):
    """Where a Key Points value is written: ``start``/``end`` in the extracted text (null when absent)."""

    start: int | None = None
    end: int | None = None


class Medication(_ValueSpan):
    name: str | None
    dose: str | None


class Pattern(_ValueSpan):
    type: PatternType | None
    r_ratio: float | None
    text: str


class Severity(_ValueSpan):
    grade: int | None = Field(ge=1, le=5)
    text: str


class Duration(_ValueSpan):
    """A duration as written, with its day range where the text supports one.

    ``parts`` keeps every duration found when the text gives more than one (onset and jaundice, first
    course and rechallenge); ``min_days``/``max_days`` are those of the first.
    """

    text: str
    min_days: float | None
    max_days: float | None
    parts: list[DurationPart] = Field(default_factory=list)


class DurationPart(_Frozen):
    text: str
    min_days: float | None
    max_days: float | None
    context: str | None = Field(default=None, description="what the duration is to, e.g. 'jaundice'")


class KeyPoints(_Frozen):
    medication: Medication
    pattern: Pattern
    severity: Severity
    latency: Duration
    recovery: Duration
    other_medications: list[str]
    start: int
    end: int


class LabValue(_Frozen):
    test: LabTest
    value: float
    unit: str | None
    uln: float | None
    times_uln: float | None
    timepoint: str | None
    start: int
    end: int
    source: Literal["narrative", "table"] = "narrative"
    page: int | None = None


class Computed(_Frozen):
    r_ratio: float | None
    pattern: PatternType | None
    uln_source: UlnSource
    alt: float | None = None
    alt_uln: float | None = None
    alp: float | None = None
    alp_uln: float | None = None


class Case(_Frozen):
    number: int | None
    title: str
    pmid: str | None
    patient: Patient
    key_points: KeyPoints | None
    labs: list[LabValue]
    computed: Computed
    start: int
    end: int
    page: int | None = None


class Entity(_Frozen):
    label: str
    text: str
    start: int
    end: int
    section: str | None


class Warning(_Frozen):
    code: str
    message: str
    start: int | None
    end: int | None
    page: int | None
    line: int | None = Field(default=None, description="1-based line in the source file (text, NXML)")
    column: int | None = Field(default=None, description="1-based column in the source file (text, NXML)")


class Monograph(_Frozen):
    """One parsed LiverTox chapter."""

    schema_version: str = SCHEMA_VERSION
    source: SourceInfo
    title: str | None
    last_update: str | None = Field(description="ISO date")
    kind: Literal["drug", "class"]
    agents: list[str]
    likelihood_scores: list[LikelihoodScore]
    drug_class: str | None
    subclass: Subclass | None
    trade_names: list[str]
    trade_names_by_agent: dict[str, list[str]]
    chemicals: list[Chemical]
    sections: list[Section]
    cases: list[Case]
    entities: list[Entity]
    warnings: list[Warning]

    def to_json(self, *, pretty: bool = False) -> bytes:
        """The monograph as JSON bytes (orjson)."""
        option = orjson.OPT_INDENT_2 if pretty else 0
        return orjson.dumps(self.model_dump(mode="json"), option=option)

    def case_rows(self) -> list[dict[str, object]]:
        """One flat dict per case, for ``pandas.DataFrame``."""
        rows: list[dict[str, object]] = []
        for case in self.cases:
            kp = case.key_points
            rows.append(
                {
                    "title": self.title,
                    "case": case.number,
                    "case_title": case.title,
                    "pmid": case.pmid,
                    "age_years": case.patient.age_years,
                    "sex": case.patient.sex,
                    "medication": kp.medication.name if kp else None,
                    "dose": kp.medication.dose if kp else None,
                    "pattern": kp.pattern.type if kp else None,
                    "r_ratio": kp.pattern.r_ratio if kp else None,
                    "severity": kp.severity.grade if kp else None,
                    "latency_min_days": kp.latency.min_days if kp else None,
                    "latency_max_days": kp.latency.max_days if kp else None,
                    "recovery_min_days": kp.recovery.min_days if kp else None,
                    "recovery_max_days": kp.recovery.max_days if kp else None,
                    "computed_r_ratio": case.computed.r_ratio,
                    "computed_pattern": case.computed.pattern,
                    "uln_source": case.computed.uln_source,
                }
            )
        return rows

    def lab_rows(self) -> list[dict[str, object]]:
        """One flat dict per lab value, with its case number."""
        return [
            {"title": self.title, "case": case.number, **lab.model_dump()}
            for case in self.cases
            for lab in case.labs
        ]

    def score_rows(self) -> list[dict[str, object]]:
        """One flat dict per likelihood score."""
        return [{"title": self.title, **s.model_dump()} for s in self.likelihood_scores]


Duration.model_rebuild()
