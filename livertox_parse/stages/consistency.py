"""Consistency checks: where the chapter contradicts itself, a warning with a code and the span it concerns.

:class:`Warnings` collects the warnings of one parse (the assembly stage adds the ones it meets while
reading facts); the checks here compare facts that were read separately: a case's Key Points against its
lab values and narrative (R ratio, pattern, dose, latency), and the sections and scores a chapter of its
kind must have. The parser never picks one side silently.
"""

from __future__ import annotations

import re

from ..document import Document
from ..models import Computed, KeyPoints, LikelihoodScore, Warning
from .cases import Field, Lab, case_tables, table_rows
from .doses import Dose, disagreeing, find_doses
from .formulas import FormulaCell
from .normalize import PatternReading, SeverityReading, find_durations, pattern_from_r, patterns_named
from .sections import SectionSpan

R_BOUNDARY_SLACK = 0.05  # relative: 'Mixed (R=5)' or 'Hepatocellular (R=4.9)' are rounding, not conflict
R_TOLERANCE = 0.20  # relative; default ULNs and rounding make a recomputed R approximate
# LTW133: a narrative time after starting agrees with a Key Points latency within x1.5 + 3 days (latency may be
# counted to symptoms, jaundice or abnormal tests: Metoprolol's narrative 2 weeks vs Key Points 3 weeks agrees)
LATENCY_FACTOR = 1.5
LATENCY_SLACK_DAYS = 3.0
ONSET_CONTEXTS = ("start", "begin", "initiat", "taking", "receiving", "therapy", "treatment")


class Warnings:
    """The warnings of one parse, each located (page, line, column) from its start offset."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.items: list[Warning] = []

    def add(self, code: str, message: str, start: int | None = None, end: int | None = None) -> None:
        where = self.doc.locate(start) if start is not None else None
        self.items.append(Warning(code=code, message=message, start=start, end=end,
                                  page=where.page if where else None, line=where.line if where else None,
                                  column=where.column if where else None))


def check_key_point_values(pattern_f: Field | None, pattern: PatternReading | None, sev_f: Field | None,
                           severity: SeverityReading | None, warn: Warnings) -> None:
    """LTW121 when a pattern or severity is meant but cannot be read ('Hepatitic (R=32)', '7+'); LTW122 when
    the value describes the case in words off the scale ('Coma'), except a severity when the pattern says
    the liver enzymes were not raised (no liver injury to grade)."""
    if pattern_f and pattern and pattern.how == "unreadable":
        warn.add("LTW121", f"pattern {pattern_f.value!r} is not hepatocellular, cholestatic, mixed or none",
                 pattern_f.start, pattern_f.end)
    elif pattern_f and pattern and pattern.how == "description" and pattern_f.value.strip():
        read = f"read from its R as {pattern.type}" if pattern.type else "kept as text"
        warn.add("LTW122", f"pattern {pattern_f.value!r} names no pattern type: {read}",
                 pattern_f.start, pattern_f.end)
    if sev_f and severity and severity.how == "off_scale":
        warn.add("LTW121", f"severity {sev_f.value!r} is not a grade 1+ to 5+", sev_f.start, sev_f.end)
    elif sev_f and severity and severity.how == "description" and sev_f.value.strip() \
            and not (pattern and pattern.type == "none"):
        warn.add("LTW122", f"severity {sev_f.value!r} names no grade 1+ to 5+: kept as text",
                 sev_f.start, sev_f.end)


def check_formula(cell: FormulaCell, text: str, drug: str, start: int, end: int, warn: Warnings) -> None:
    """LTW142 when a formula cell holds a formula that cannot be read or a placeholder; LTW143 when it holds
    words that are not in the book's vocabulary (rules/formulas.json)."""
    if cell.kind in ("unreadable", "placeholder"):
        warn.add("LTW142", f"molecular formula {text!r} of {drug} cannot be read: {cell.problem}", start, end)
    elif cell.kind == "other_description":
        warn.add("LTW143", f"formula column of {drug} holds {text!r}, a description not in "
                 "rules/formulas.json: kept as text", start, end)


def check_case(doc: Document, kp: KeyPoints | None, computed: Computed, labs: list[Lab],
                case: SectionSpan, children: list[SectionSpan], warn: Warnings) -> None:
    if kp is None:
        return
    # each finding points at the Key Points row it is about (the whole Key Points when the row is missing)
    ref = (kp.pattern.start, kp.pattern.end) if kp.pattern.start is not None else (kp.start, kp.end)
    if kp.pattern.r_ratio is not None and kp.pattern.type in ("hepatocellular", "cholestatic", "mixed"):
        expected = pattern_from_r(kp.pattern.r_ratio)
        # an R written at a boundary (2, 5) is rounded: either neighbouring pattern agrees with it
        allowed = {pattern_from_r(kp.pattern.r_ratio * f) for f in (1 - R_BOUNDARY_SLACK, 1, 1 + R_BOUNDARY_SLACK)}
        # 'Hepatocellular or mixed (R=~4.6)', 'Hepatocellular-mixed (R=5.2)': any type named before the R agrees;
        # a pattern typed by its R (a phrase or words with an R) names none and cannot contradict it
        named = set(patterns_named(kp.pattern.text))
        if named and not allowed & named:
            warn.add("LTW131", f"Key Points R={kp.pattern.r_ratio:g} means {expected}, but the pattern is "
                     f"{kp.pattern.type}", *ref)
    # a lab table that could not be read holds the values R is recomputed from: the narrative's are no ground
    stated_r = None if _lab_table_unread(doc, case, children) else kp.pattern.r_ratio
    if stated_r is not None and computed.r_ratio is not None:
        if not _r_agrees(stated_r, computed.r_ratio) and not _some_row_gives(stated_r, computed, labs):
            warn.add("LTW130", f"Key Points R={stated_r:g} but the case's lab values give R={computed.r_ratio:g} "
                     f"(ALT {computed.alt:g}/{computed.alt_uln:g}, ALP {computed.alp:g}/{computed.alp_uln:g}, "
                     f"ULN {computed.uln_source})", *ref)
    elif stated_r is not None and computed.r_ratio is None and labs:
        warn.add("LTW134", "R could not be recomputed: no ALT and ALP taken together in the lab values", *ref)
    narrative = _narrative_text(doc, case, children)  # read once, for the dose and the latency checks
    _check_dose(kp, narrative, warn)
    _check_latency(kp, narrative, warn)


def _lab_table_unread(doc: Document, case: SectionSpan, children: list[SectionSpan]) -> bool:
    """Whether the case has a Laboratory Values section but no lab table was read in it: a pdftotext copy prints
    the table one cell per line, in an order its layout analysis picks (columns may come apart, a row's label
    after its values), so no table is read from it. R is then not checked (LTW130, LTW134): the table holds the
    values the recomputation takes, and the narrative's few values, with default ULNs, judged Key Points
    wrongly (60 false findings in the pdftotext copies of the dev chapters)."""
    return any(c.id == "laboratory_values" for c in children) and not case_tables(doc, case, "laboratory_values")


def _r_agrees(stated: float, r: float) -> bool:
    return abs(r - stated) <= max(R_TOLERANCE * stated, 0.5)


def _some_row_gives(stated: float, computed: Computed, labs: list[Lab]) -> bool:
    """True when the ALT and ALP of some one row of the lab table give the stated R (with the ULNs of the
    recomputation): the authors took that timepoint ('R=11.7, at week 9'), which is no contradiction."""
    if not computed.alt_uln or not computed.alp_uln:
        return False
    return any(_r_agrees(stated, (r["ALT"].value / computed.alt_uln) / (r["ALP"].value / computed.alp_uln))
               for r in table_rows(labs) if "ALT" in r and "ALP" in r and r["ALP"].value)


def _check_dose(kp: KeyPoints, narrative: str, warn: Warnings) -> None:
    """LTW132 when, in a dimension (mg, mg/kg, ...) both give, no Key Points amount or daily total agrees with
    any amount or daily total the narrative gives for the drug. A Key Points dose that is no regimen (a total,
    cumulative, single or overdose amount) is not compared: the narrative states the regimen behind it."""
    name, dose = kp.medication.name, kp.medication.dose
    if not name or not dose or _NOT_A_REGIMEN.search(dose):
        return
    theirs = disagreeing(find_doses(dose), _doses_near(narrative, name, kp.other_medications))
    if theirs:
        said = ", ".join(dict.fromkeys(_said(d) for d in theirs))
        warn.add("LTW132", f"Key Points give {name} {dose}, but the case narrative gives {said}",
                 kp.medication.start, kp.medication.end)


def _said(dose: Dose) -> str:
    amounts = "-".join(f"{a:g}" for a in dose.amounts)
    daily = [t for t in dose.totals if t not in dose.amounts]
    return f"{amounts} {dose.dimension}" + (f" ({'/'.join(f'{t:g}' for t in daily)} {dose.dimension} in all)"
                                            if daily else "")


def _check_latency(kp: KeyPoints, narrative: str, warn: Warnings) -> None:
    """LTW133 when the narrative states times after starting the drug and none is near a Key Points latency."""
    stated = [(p.min_days, p.max_days) for p in kp.latency.parts] or [(kp.latency.min_days, kp.latency.max_days)]
    stated = [(lo, hi) for lo, hi in stated if lo is not None or hi is not None]
    if not stated:  # nothing to compare: the narrative is not searched
        return
    onsets = [d for d in find_durations(narrative)
              if d.context and d.context.startswith(ONSET_CONTEXTS) and (d.min_days or d.max_days)]
    if stated and onsets and not any(_near(a, (d.min_days, d.max_days)) for a in stated for d in onsets):
        said = ", ".join(f"'{' '.join(d.text.split())} after {d.context}'" for d in onsets)
        warn.add("LTW133", f"Key Points give latency {kp.latency.text!r}, but the case narrative gives {said}",
                 kp.latency.start, kp.latency.end)


def _near(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> bool:
    """Two day ranges overlap once each is widened by LATENCY_FACTOR and LATENCY_SLACK_DAYS."""
    a_lo, a_hi = a[0] or 0.0, a[1] if a[1] is not None else float("inf")
    b_lo, b_hi = b[0] or 0.0, b[1] if b[1] is not None else float("inf")
    return (a_lo <= b_hi * LATENCY_FACTOR + LATENCY_SLACK_DAYS
            and b_lo <= a_hi * LATENCY_FACTOR + LATENCY_SLACK_DAYS)


def _narrative_text(doc: Document, case: SectionSpan, children: list[SectionSpan]) -> str:
    """Case text outside Key Points and Comment (lab tables included: their event rows state doses)."""
    skip = sorted((c.start, c.end) for c in children if c.id in ("key_points", "comment"))
    parts, pos = [], case.heading_end
    for s, e in skip + [(case.end, case.end)]:
        parts.append(doc.text[pos:s])
        pos = max(pos, e)
    return " ".join(parts)


# a rechallenge, a single or test dose, an overdose and an earlier course are other exposures than the course
# the Key Points describe (Tizanidine: 36 mg daily, later "rechallenged with a single 4 mg dose"; Fluorouracil:
# "treated in the previous year with ... fluorouracil (2 g/m2)")
_OTHER_EXPOSURE = re.compile(r"\b(?:rechalleng\w*|re-?exposure|re-?exposed|single|test\s+dose|overdose\w*|"
                             r"ingest\w*|suicid\w*|previous(?:ly)?)\b", re.IGNORECASE)
_NOT_A_REGIMEN = re.compile(r"\b(?:total|cumulative|single|overdose\w*|ingest\w*|suicid\w*)\b", re.IGNORECASE)


def _unwrapped(text: str) -> str:
    """``text`` with the line breaks of wrapped sentences made spaces: a pdftotext copy breaks a paragraph's
    lines where the page did ('... in a dose of' / '500 mg daily for 5 days followed by 250 mg daily.'); a line
    that ends a sentence, a table row (tabs) and a blank line still end what they end."""
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        prev = out[-1]
        if prev.strip() and line.strip() and "\t" not in prev and "\t" not in line \
                and not prev.rstrip().endswith((".", ";", ":")):
            out[-1] = f"{prev.rstrip()} {line.lstrip()}"
        else:
            out.append(line)
    return "\n".join(out)


def _doses_near(text: str, drug: str, others: list[str]) -> list[Dose]:
    """Doses in the sentences (and table rows) that name ``drug``, or speak of a dose without naming one of the
    case's other medications (``others``, from Key Points), leaving out sentences about another exposure
    (rechallenge, single dose, overdose, an earlier course)."""
    found: list[Dose] = []
    named = re.compile(rf"\b{re.escape(drug)}\b", re.IGNORECASE)
    dose_word = re.compile(r"\b(?:dose|dosage)\b", re.IGNORECASE)
    words = [w for o in others if len(w := (o.split() or [""])[0].strip("()[],.;:")) >= 4]
    other = re.compile(rf"\b(?:{'|'.join(map(re.escape, words))})\b", re.IGNORECASE) if words else None
    for sentence in re.split(r"(?<=[.;])\s+|\n", _unwrapped(text)):
        if _OTHER_EXPOSURE.search(sentence):
            continue
        if named.search(sentence):
            found.extend(_own_doses(sentence, named, other))
        elif dose_word.search(sentence) and not (other and other.search(sentence)):
            found.extend(find_doses(sentence))
    return found


def _own_doses(sentence: str, named: re.Pattern[str], other: re.Pattern[str] | None) -> list[Dose]:
    """The doses of a sentence naming the drug; when it names another of the case's medications too, only
    those whose nearest name before them (else the first after them) is the drug's: 'The dose of prednisone
    was decreased to 30 mg daily and anakinra was continued' gives anakinra none."""
    doses = find_doses(sentence)
    mentions = [] if other is None else [(m.start(), False) for m in other.finditer(sentence)]
    if not mentions or not doses:
        return doses
    mentions = sorted(mentions + [(m.start(), True) for m in named.finditer(sentence)])
    out = []
    for dose in doses:
        before = [ours for at, ours in mentions if at < dose.start]
        owner = before[-1] if before else next(ours for at, ours in mentions if at >= dose.start)
        if owner:
            out.append(dose)
    return out


def check_missing_score(kind: str, scores: list[LikelihoodScore], warn: Warnings) -> None:
    """Drug and class chapters state likelihood scores; overviews leave them to agent chapters, topics have
    none."""
    if kind in ("drug", "class") and not scores:
        warn.add("LTW110", "no likelihood score statement ('Likelihood score: X (...)') found")


# the sections every chapter of a kind has (topic chapters, such as the Phenotypes, have no fixed layout)
REQUIRED_SECTIONS = {
    "drug": ("overview", "hepatotoxicity", "product_information"),
    "class": ("overview",),  # Cephalosporins, Parenteral: several agents, scores, a chemical table, no products
    "overview": ("overview",),
}


def check_required_sections(kind: str, spans: list[SectionSpan], warn: Warnings) -> None:
    if kind == "overview" and not spans:  # a class overview written as plain paragraphs, like the book's
        return                            # method chapters (DrugCategory, ImmuneFeatures): no layout to check
    ids = {s.id for s in spans}
    for sid in REQUIRED_SECTIONS.get(kind, ()):
        if sid not in ids:
            warn.add("LTW101", f"expected section {sid!r} is missing")
