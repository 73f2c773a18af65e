"""Assembly: sections and the facts read from them -> a validated :class:`Monograph`, with warnings.

Gaps met while reading facts (an unknown heading, an unreadable Key Points row, a bad CAS number) are
warned here; the checks that compare facts with each other live in :mod:`.consistency`. Entities are added
by the pipeline afterwards.
"""

from __future__ import annotations

import re
from typing import Any

from ..document import Document
from ..errors import LiverToxError
from ..models import (
    MAX_INT,
    Case,
    Chemical,
    Computed,
    Duration,
    DurationPart,
    KeyPoints,
    LabValue,
    LikelihoodScore,
    Medication,
    MedicationDrug,
    Monograph,
    Patient,
    Pattern,
    Section,
    Severity,
    SourceInfo,
    Subclass,
    Warning,
)
from . import cases as cr
from . import chapter as ch
from .consistency import (
    Warnings,
    check_case,
    check_formula,
    check_key_point_values,
    check_missing_score,
    check_required_sections,
)
from .formulas import read_formula_cell
from .normalize import (
    covered_case_numbers,
    find_patient,
    medication_items,
    parse_duration,
    pattern_from_r,
    read_pattern,
    read_severity,
    split_medications,
    without_qualifier,
)
from .score_tables import flattened_table_scores
from .sections import SectionSpan

KEY_POINT_FIELDS = ("medication", "pattern", "severity", "latency", "recovery", "other_medications")


def _title_case(name: str) -> str:
    return name[:1].upper() + name[1:] if name.islower() else name


def _names_a_drug(heading: str) -> bool:
    """Whether a heading names a drug the dictionary knows: a class chapter's section for one of its agents
    ('Levonorgestrel', 'ELTROMBOPAG', 'Vitamin B1, Thiamine', 'Beta Adrenergic Agonists Used for Asthma:
    Bitolterol, ...') is no unknown heading."""
    from .drug_lexicon import lookup  # only for the few headings the section table lacks

    return any(lookup(part.strip()) for part in re.split(r"[,:]", without_qualifier(heading)) if part.strip())


def _sections(doc: Document, spans: list[SectionSpan], warn: Warnings) -> list[Section]:
    out = []
    for i, s in enumerate(spans):
        if s.misspelt is not None:
            warn.add("LTW104", f"heading {s.title!r} read as {s.misspelt!r} (misspelt)", s.start, s.heading_end)
        if s.id == "other":
            if not _names_a_drug(s.title):
                warn.add("LTW102", f"heading {s.title!r} is not in the section table; kept as 'other'", s.start,
                         s.heading_end)
        elif s.end <= s.heading_end + 1 and s.id not in ("overview", "case_reports", "product_information") \
                and not (i + 1 < len(spans) and spans[i + 1].id == s.id):  # 'COMPLETE LABELING (A)' then '(B)'

            warn.add("LTW103", f"section {s.title!r} is empty", s.start, s.heading_end)
        out.append(Section(id=s.id, title=s.title, level=s.level, parent=s.parent, start=s.start, end=s.end,
                           page=doc.page_of(s.start)))
    return out


def _duration(field: cr.Field | None) -> Duration:
    if field is None:
        return Duration(text="", min_days=None, max_days=None)
    lo, hi, found = parse_duration(field.value)
    parts = [DurationPart(text=d.text, min_days=d.min_days, max_days=d.max_days, context=d.context) for d in found]
    return Duration(text=field.value, min_days=lo, max_days=hi, parts=parts if len(parts) > 1 else [],
                    start=field.start, end=field.end)


def _span(field: cr.Field | None) -> dict[str, int | None]:
    return {"start": field.start if field else None, "end": field.end if field else None}


def _medication_drugs(field: cr.Field | None) -> list[MedicationDrug]:
    if field is None:
        return []
    return [MedicationDrug(name=name, dose=dose, start=field.start + start, end=field.start + end)
            for name, dose, start, end in medication_items(field.value)]


def _key_points(doc: Document, sec: SectionSpan, warn: Warnings) -> KeyPoints | None:
    fields = cr.key_points(doc, sec)
    if not fields:
        warn.add("LTW120", "Key Points has no recognisable 'Label: value' rows", sec.start, sec.heading_end)
        return None
    for name in KEY_POINT_FIELDS:
        if name not in fields:
            warn.add("LTW120", f"Key Points has no {name.replace('_', ' ')!r} row", sec.start, sec.heading_end)
    med_name, dose = cr.medication(fields.get("medication"))
    pattern_f = fields.get("pattern")
    pattern = read_pattern(pattern_f.value) if pattern_f else None
    kind, r = (pattern.type, pattern.r_ratio) if pattern else (None, None)
    sev_f = fields.get("severity")
    severity = read_severity(sev_f.value) if sev_f else None
    grade = severity.grade if severity else None
    check_key_point_values(pattern_f, pattern, sev_f, severity, warn)
    other = fields.get("other_medications")
    start = min(f.label_start for f in fields.values())
    end = max(f.end for f in fields.values())
    return KeyPoints(
        medication=Medication(name=med_name, dose=dose, drugs=_medication_drugs(fields.get("medication")),
                              **_span(fields.get("medication"))),
        pattern=Pattern(type=kind, r_ratio=r, text=pattern_f.value if pattern_f else "", **_span(pattern_f)),
        severity=Severity(grade=grade, text=sev_f.value if sev_f else "", **_span(sev_f)),
        latency=_duration(fields.get("latency")),
        recovery=_duration(fields.get("recovery")),
        other_medications=split_medications(other.value) if other else [],
        start=start,
        end=end,
    )


def _labs(
    doc: Document, case: SectionSpan, children: list[SectionSpan]
) -> tuple[list[cr.Lab], dict[str, float]]:
    """Narrative lab values of the case (outside Key Points and Comment) and the lab table's values."""
    skip = [(c.start, c.end) for c in children if c.id in ("key_points", "comment", "laboratory_values")]
    labs: list[cr.Lab] = []
    pos = min(case.heading_end + 1, case.end)
    for s, e in sorted(skip) + [(case.end, case.end)]:
        if s > pos:
            labs.extend(cr.narrative_labs(doc.text[pos:s], pos))
        pos = max(pos, e)
    ulns: dict[str, float] = {}
    for table in cr.case_tables(doc, case, "laboratory_values"):  # children lie inside the case: once each
        table_values, table_ulns = cr.table_labs(table)
        labs.extend(table_values)
        ulns.update(table_ulns)
        for row in table.rows:  # 'Other' cells such as 'Bilirubin 0.7 mg/dL'
            for cell in row:
                labs.extend(cr.narrative_labs(cell.text, cell.start))
    for lab in labs:
        if lab.uln is not None:
            ulns.setdefault(lab.test, lab.uln)
    return labs, ulns


def _compute_r(labs: list[cr.Lab], ulns: dict[str, float]) -> Computed:
    """R = (ALT/ULN) / (ALP/ULN) from values taken together: the table row with the highest ALT that also
    has an ALP, taken after the drug was started (a baseline row shows no injury: Gemcitabine's pre-treatment
    ALT 222 and ALP 202), else the first ALT and ALP of the narrative. A value in multiples of the ULN ('ALT
    (x ULN)') is its own ratio."""
    pair: tuple[cr.Lab, cr.Lab] | None = None
    candidates = [(r["ALT"], r["ALP"]) for r in cr.table_rows(labs)
                  if "ALT" in r and "ALP" in r and not cr.before_treatment(r["ALT"].timepoint)]
    if candidates:
        pair = max(candidates, key=lambda p: p[0].value)
    else:
        alt = next((lab for lab in labs if lab.test == "ALT" and lab.source == "narrative"), None)
        alp = next((lab for lab in labs if lab.test == "ALP" and lab.source == "narrative"), None)
        if alt and alp:
            pair = (alt, alp)
    if pair is None:
        return Computed(r_ratio=None, pattern=None, uln_source="none")
    alt, alp = pair
    # a value in multiples of the ULN is its own ratio: its ULN is 1 and stated by the chapter
    alt_uln = 1.0 if alt.times_uln is not None else ulns.get("ALT") or cr.default_uln("ALT")
    alp_uln = 1.0 if alp.times_uln is not None else ulns.get("ALP") or cr.default_uln("ALP")
    stated = ("ALT" in ulns or alt.times_uln is not None) + ("ALP" in ulns or alp.times_uln is not None)
    source = "chapter" if stated == 2 else "mixed" if stated == 1 else "default"
    if not alt_uln or not alp_uln or alp.value == 0:
        return Computed(r_ratio=None, pattern=None, uln_source="none")
    r = round((alt.value / alt_uln) / (alp.value / alp_uln), 1)
    return Computed(r_ratio=r, pattern=pattern_from_r(r), uln_source=source,
                    alt=alt.value, alt_uln=alt_uln, alp=alp.value, alp_uln=alp_uln)


def _cases(doc: Document, spans: list[SectionSpan], warn: Warnings) -> list[Case]:
    out: list[Case] = []
    seen: set[int] = set()
    raw_pmids = doc.extra.get("pmids")
    pmids: list[Any] = raw_pmids if isinstance(raw_pmids, list) else []
    cited = ch.cited_pmids(doc, spans)
    for i, case in enumerate(spans):
        if case.id != "case":
            continue
        children = [s for s in spans[i + 1 :] if s.start < case.end and s.level > case.level]
        too_large = re.match(r"\D*(\d{10,})", case.title) if case.number is None else None
        if too_large:
            digits = too_large.group(1)
            shown = digits if len(digits) <= 24 else f"{digits[:12]}...({len(digits)} digits)"
            warn.add("LTW151", f"case number {shown} is larger than {MAX_INT}: kept in the heading text only",
                     case.start, case.heading_end)
        elif case.number is None or case.number in seen:
            warn.add("LTW150", f"case number {case.number} is missing or repeated", case.start, case.heading_end)
        elif case.number != max(seen, default=0) + 1:
            warn.add("LTW150", f"case {case.number} where case {max(seen, default=0) + 1} was expected: "
                     "cases are numbered 1, 2, 3 ... without gaps", case.start, case.heading_end)
        if case.number is not None:
            seen.update(covered_case_numbers(case.title, case.number))
        kp_sec = next((c for c in children if c.id == "key_points"), None)
        kp = _key_points(doc, kp_sec, warn) if kp_sec else None
        if kp_sec is None:
            warn.add("LTW120", "case report has no Key Points", case.start, case.heading_end)
        labs, ulns = _labs(doc, case, children)
        computed = _compute_r(labs, ulns)
        check_case(doc, kp, computed, labs, case, children, warn)
        narrative_end = min([c.start for c in children] + [case.end])
        patient = find_patient(doc.text[case.heading_end : narrative_end])
        pmid = next((str(p[2]) for p in pmids
                     if isinstance(p, (list, tuple)) and case.start <= int(p[0]) < narrative_end), None)
        mark = ch.CITATION_MARK.search(case.title)
        if pmid is None and mark:  # 'Case 1. <title>.(1)' cites reference 1 of CITED REFERENCE
            pmid = cited.get(int(mark.group("n")))
        if pmid is None and (source := ch.SOURCE_CITATION.search(doc.text, case.heading_end,
                                                                 min(narrative_end, case.heading_end + 400))):
            pmid = ch.reference_pmid(doc, spans, source.group("cite"))  # '[Modified from: ...' listed with its id
        out.append(Case(
            number=case.number,
            title=case.case_title or case.title,
            pmid=pmid,
            patient=Patient(
                age_years=patient.age_years if patient else None,
                sex=patient.sex if patient else None,
                text=doc.text[case.heading_end + patient.start : case.heading_end + patient.end] if patient else None,
                start=case.heading_end + patient.start if patient else None,
                end=case.heading_end + patient.end if patient else None,
            ),
            key_points=kp,
            labs=[LabValue(test=lab.test, value=lab.value, unit=lab.unit, uln=lab.uln or ulns.get(lab.test),
                           times_uln=lab.times_uln, timepoint=lab.timepoint, start=lab.start, end=lab.end,
                           source=lab.source, page=doc.page_of(lab.start)) for lab in labs],
            computed=computed,
            start=case.start,
            end=case.end,
            page=doc.page_of(case.start),
        ))
    return out


def _scores(doc: Document, spans: list[SectionSpan], warn: Warnings) -> list[LikelihoodScore]:
    refs = [(s.start, s.end) for s in spans if s.id in ("references", "annotated_bibliography")]
    out = []
    table_scores = [found for _, found in ch.find_table_scores(doc)] + flattened_table_scores(doc)
    for found in sorted(ch.find_scores(doc.text) + table_scores, key=lambda f: f.start):
        if any(s <= found.start < e for s, e in refs):
            continue
        if found.letter not in ch.VALID_SCORES:
            warn.add("LTW111", f"likelihood score {found.letter!r} is not one of A B C D E E* X",
                     found.start, found.end)
            continue
        for agent in found.agents:
            out.append(LikelihoodScore(
                agent=_title_case(agent) if agent else None, score=found.letter,
                qualifier=found.qualifier, text=found.text, start=found.start, end=found.end,
                page=doc.page_of(found.start)))
    return out


def _score_agents(doc: Document, spans: list[SectionSpan], scores: list[LikelihoodScore],
                  names: list[str]) -> list[LikelihoodScore]:
    """Agents for the score statements that name none, in a chapter of several agents and statements (each
    statement closes the paragraphs on its agent: 'Likelihood score: E (unlikely ...)'): the agent the title
    of the statement's section names ('Omega-3 Acid Ethyl Esters'); the title itself when the section is one
    the heading table does not know and names no agent ('Vitamin B3, Niacin'); else the agent named last
    before it, since the last statement or heading ('... romiplostim has not been linked to cases of hepatic
    injury.'). Chapters of one statement, or of one agent, keep statements without one."""
    if len(scores) < 2 or all(s.agent for s in scores) or len({n.lower() for n in names}) < 2:
        return scores
    canonical = {n.lower(): n for n in sorted(names, key=len)}
    finder = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(canonical, key=len, reverse=True))) + r")\b",
                        re.IGNORECASE)
    out: list[LikelihoodScore] = []
    since = 0
    for score in scores:
        agent = score.agent
        if agent is None:
            section = max((s for s in spans if s.start <= score.start < s.end), key=lambda s: s.start, default=None)
            in_title = {canonical[m.group().lower()] for m in finder.finditer(section.title)} if section else set()
            if len(in_title) == 1:
                agent = in_title.pop()
            elif section is not None and section.id == "other" and not in_title:
                agent = section.title  # a section of its own for an agent the lists leave out: 'Vitamin B3, Niacin'
            else:
                lo = max(since, section.heading_end if section else 0)
                said = [canonical[m.group().lower()] for m in finder.finditer(doc.text, lo, score.start)]
                if said:
                    agent = said[-1]
        out.append(score if agent == score.agent else score.model_copy(update={"agent": agent}))
        since = score.end
    return out


def _chemicals(doc: Document, spans: list[SectionSpan], warn: Warnings) -> list[Chemical]:
    out = []
    by_cas: dict[str, str] = {}
    for row in ch.chemical_rows(doc, spans):
        cell = read_formula_cell(row.formula_text) if row.formula_text else None
        formula = cell.first if cell else None
        if cell:
            check_formula(cell, row.formula_text, row.drug, row.start, row.end, warn)
        valid = ch.cas_valid(row.cas)
        if valid is False:
            warn.add("LTW140", f"CAS number {row.cas} of {row.drug} fails its check digit", row.start, row.end)
        if row.cas:
            other = by_cas.setdefault(row.cas, row.drug)
            if other.lower() != row.drug.lower():
                warn.add("LTW141", f"CAS number {row.cas} is given for both {other} and {row.drug}",
                         row.start, row.end)
        out.append(Chemical(drug=row.drug, cas=row.cas, cas_valid=valid,
                            formula=formula.formula if formula else None, formula_text=row.formula_text,
                            elements=formula.elements if formula else {}, structure=row.structure,
                            start=row.start, end=row.end, page=doc.page_of(row.start)))
    return out


def build(doc: Document, spans: list[SectionSpan]) -> tuple[Monograph, list[Warning]]:
    """Assemble the Monograph of ``doc`` (entities are added by the caller)."""
    warn = Warnings(doc)
    title_f = ch.find_title(doc, spans)
    chemicals = _chemicals(doc, spans, warn)
    trade = ch.find_trade_names(doc, spans, title_f)
    scores = _scores(doc, spans, warn)
    title = title_f.value if title_f else _title_from_body(doc, spans, chemicals)
    title_parts = [p.strip() for p in re.split(r",\s*", title or "") if p.strip()]
    chem_names = [c.drug for c in chemicals]
    # 'Chenodiol (Chenodeoxycholic Acid)': the title names its agent, with a synonym in parentheses; 'Mavyret',
    # 'Viekira Pak': the title is the trade name the chapter lists for one (combination) product (Herbalife's
    # trade name is the product itself: its title is its agent)
    brands = {n.value.lower() for a, names in trade for n in names if n.value.lower() != a.value.lower()}
    title_is_trade_name = bool(title_parts) and all(p.lower() in brands for p in title_parts)
    own_agent = title_is_trade_name or bool(title_parts) and all(
        any(p.lower() == n.lower() or without_qualifier(p).lower() == n.lower()
            for n in chem_names + [a.value for a, _ in trade]) for p in title_parts
    ) or (len(chem_names) <= 1 and not any(s.agent for s in scores if s.agent and len(scores) > 2))
    sections = _sections(doc, spans, warn)
    cases = _cases(doc, spans, warn)
    kind = ch.chapter_kind(doc, {s.id for s in spans}, title, agents_named=len(chem_names), own_agent=own_agent,
                           scores=len(scores), own_score=any(s.agent is None for s in scores),
                           cases=len(cases))
    if kind == "front_matter":
        raise LiverToxError("LTX006", f"not a monograph: {title or 'this chapter'!r} has no drug or class "
                            "sections, likelihood score or case report (front matter or a method chapter)",
                            path=doc.source.path)
    # a trade name is no agent: Mavyret's agents are glecaprevir and pibrentasvir
    named = (title_parts if kind == "drug" and not title_is_trade_name else []) + chem_names \
        + [a.value for a, _ in trade]
    if kind == "overview":  # the drugs it leaves to their own chapters, after those its tables name (once, with or
        # without notes: 'Chenodiol (Chenodeoxycholic Acid)' in the table, 'Chenodiol' on a bullet)
        known = {k for n in named for k in (n.lower(), without_qualifier(n).lower())}
        named += [f.value for f in ch.discussed_agents(doc, spans) if f.value.lower() not in known]
    scores = _score_agents(doc, spans, scores, named)
    agents: list[str] = []
    seen: set[str] = set()  # an agent once, in any case (an overview lists ~180)
    for name in named + [s.agent for s in scores if s.agent]:
        if name and name.lower() not in seen:
            agents.append(name)
            seen.add(name.lower())
    check_required_sections(kind, spans, warn)
    check_missing_score(kind, scores, warn)
    drug_class = ch.find_drug_class(doc, spans)
    sub = ch.find_subclass(doc)
    trade_flat: list[str] = []
    for _, names in trade:
        for n in names:
            if n.value not in trade_flat:
                trade_flat.append(n.value)
    monograph = Monograph(
        source=SourceInfo(path=doc.source.path, format=doc.source.format, sha256=doc.source.sha256,
                          pages=doc.source.pages),
        title=title,
        last_update=ch.find_last_update(doc),
        kind=kind,
        agents=agents,
        likelihood_scores=scores,
        drug_class=drug_class.value if drug_class else None,
        subclass=Subclass(name=sub[0].value if sub[0] else None, other_drugs=[d.value for d in sub[1]]) if sub else None,
        trade_names=trade_flat,
        trade_names_by_agent={a.value: [n.value for n in names] for a, names in trade},
        chemicals=chemicals,
        sections=sections,
        cases=cases,
        entities=[],
        warnings=[],
    )
    return monograph, warn.items


def _title_from_body(doc: Document, spans: list[SectionSpan], chemicals: list[Chemical]) -> str | None:
    """Without a title line: the one drug of the chemical table, else the subject of the introduction."""
    if len(chemicals) == 1:
        return chemicals[0].drug
    for s in spans:
        if s.id == "introduction":
            m = re.match(r"\s*([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)\s+(?:is|are)\b", doc.text[s.heading_end : s.end])
            if m:
                return m.group(1)
    return None
