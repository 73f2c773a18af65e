"""Pydantic models: the single source of truth for the output (``schemas/`` is generated from them).

Field names of the JSON contract are fixed; every extracted value keeps the ``start``/``end`` character span
in the extracted text it came from (and the page, for PDFs, through ``Section.page``/``Warning.page``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.1"  # 1.1: Key Points medication.drugs
# The largest integer a count or number field holds: it fits every consumer's column (INT32 in DuckDB, a
# JavaScript number). The parser keeps a larger number as text with a warning, never in a number field.
MAX_INT = 2**31 - 1
Count = Annotated[int, Field(ge=0, le=MAX_INT)]

LikelihoodLetter = Literal["A", "B", "C", "D", "E", "E*", "X"]
PatternType = Literal["hepatocellular", "cholestatic", "mixed", "none", "unknown"]
LabTest = Literal["ALT", "AST", "ALP", "GGT", "bilirubin", "bilirubin_direct", "INR", "albumin"]
UlnSource = Literal["chapter", "default", "mixed", "none"]


class _Frozen(BaseModel):
    # no inf/NaN: JSON has no spelling for them (orjson would write null where the schema wants a number)
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


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


_GENERIC = "the drug dictionary's generic name (for a brand or synonym, the drug it names); null when unknown"
_DRUGBANK = "DrugBank accession (DrugBank open data) from the drug dictionary; null when unknown"
_UNII = "FDA Unique Ingredient Identifier from the drug dictionary; null when unknown"


class DrugLink(_Frozen):
    """A drug name as the chapter writes it, linked to the kept drug dictionary."""

    name: str
    generic: str | None = Field(default=None, description=_GENERIC)
    drugbank_id: str | None = Field(default=None, description=_DRUGBANK)
    unii: str | None = Field(default=None, description=_UNII)


class Chemical(_Frozen):
    drug: str
    cas: str | None
    cas_valid: bool | None = Field(description="check digit verified; null when there is no CAS number")
    formula: str | None = Field(description="without hyphens, digit 0 read as O where it stands for oxygen")
    formula_text: str
    elements: dict[str, Count]
    structure: str | None
    start: int
    end: int
    page: int | None = None
    drugbank_id: str | None = Field(default=None, description=_DRUGBANK)
    unii: str | None = Field(default=None, description=_UNII)


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


class MedicationDrug(_ValueSpan):
    """One drug of a Key Points medication, with the dose written for it."""

    name: str
    dose: str | None


class Medication(_ValueSpan):
    name: str | None
    dose: str | None
    # each drug it names with its own dose and span: 'Amiloride (2.5 mg) and hydrochlorothiazide (25 mg daily)'
    # gives two; one drug gives one item (its name and dose, as above)
    drugs: list[MedicationDrug] = []


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
    number: Count | None
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
    generic: str | None = Field(default=None, description=_GENERIC + " (DRUG and TRADE_NAME only)")
    drugbank_id: str | None = Field(default=None, description=_DRUGBANK)
    unii: str | None = Field(default=None, description=_UNII)


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
    kind: Literal["drug", "class", "overview", "topic"] = Field(
        description="drug: one agent; class: several agents with their own product information or scores; "
        "overview: a class overview leaving products to its agents' chapters; topic: a chapter of case reports "
        "on one kind of injury (Phenotypes). Front matter is no monograph (LTX006)")
    agents: list[str] = Field(
        description="the drugs the chapter covers: a drug chapter's own (a combination's components), a class "
        "chapter's, an overview's from its tables and its bulleted list of drugs discussed in their own chapters")
    agent_links: list[DrugLink] = Field(default_factory=list, description="one per agent, in order")
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
    text: str | None = Field(
        default=None, exclude=True,
        description="the extracted (normalised) text every start/end indexes; present only when asked for "
                    "(parse --with-text, parse(..., with_text=True))")

    def to_json(self, *, pretty: bool = False) -> bytes:
        """The monograph as JSON bytes (orjson)."""
        option = orjson.OPT_INDENT_2 if pretty else 0
        return orjson.dumps(self.json_data(), option=option)

    def json_data(self) -> dict[str, Any]:
        """The JSON object of this monograph; ``text`` is in it only when the monograph carries it."""
        data = self.model_dump(mode="json")
        if self.text is not None:
            data["text"] = self.text
        return data

    def monograph_id(self, root: str | Path | None = None) -> str:
        """The id ``ingest`` gives this monograph's source when ``root`` is its ingest root (default: the
        current folder): the path below ``root``, ``/`` written as ``__``. Without a source path (from
        ``parse_text`` without ``source=``): ``text~`` and the first 12 hex digits of the text's sha256."""
        from .rows import source_id, source_key

        if self.source.path is None:
            return f"text~{(self.source.sha256 or '')[:12]}"
        return source_id(source_key(self.source.path, Path(root) if root is not None else Path.cwd()))

    def rows(self, root: str | Path | None = None) -> dict[str, list[dict[str, Any]]]:
        """This monograph as rows per table: the tables and columns of the DuckDB store (``sources`` and
        ``errors`` left out), each row keyed by :meth:`monograph_id`. ``to_frames`` makes DataFrames of them."""
        from .rows import monograph_rows

        return monograph_rows(self.monograph_id(root), self.model_dump(mode="json"))

    def case_rows(self) -> list[dict[str, Any]]:
        """One flat dict per case: the columns of the ``cases`` table (``number``, ``title``, ...)."""
        return self.rows()["cases"]

    def lab_rows(self) -> list[dict[str, Any]]:
        """One flat dict per lab value: the columns of the ``labs`` table (``case_number``, ``test``, ...)."""
        return self.rows()["labs"]

    def score_rows(self) -> list[dict[str, Any]]:
        """One flat dict per likelihood score: the columns of the ``likelihood_scores`` table."""
        return self.rows()["likelihood_scores"]

    def entity_rows(self) -> list[dict[str, Any]]:
        """One flat dict per entity: the columns of the ``entities`` table; DRUG and TRADE_NAME rows carry
        ``generic``, ``drugbank_id`` and ``unii``."""
        return self.rows()["entities"]

    def agent_rows(self) -> list[dict[str, Any]]:
        """One flat dict per agent: the columns of the ``agents`` table (``agent``, ``generic``, ``drugbank_id``,
        ``unii``)."""
        return self.rows()["agents"]


Duration.model_rebuild()
