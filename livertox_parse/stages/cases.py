"""Case reports: Key Points, laboratory values (narrative and table), patient, and the recomputed R ratio."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from ..document import Cell, Document, Table, text_lines
from ..rules import load_table
from .normalize import case_forms, group_by_first_letter, parse_medication, to_number
from .sections import SectionSpan


@dataclass(frozen=True, slots=True)
class Field:
    """A Key Points value with its span; ``label_start`` is where its label begins."""

    value: str
    start: int
    end: int
    label_start: int


@dataclass(frozen=True, slots=True)
class Lab:
    test: str
    value: float
    unit: str | None
    uln: float | None
    times_uln: float | None
    timepoint: str | None
    start: int
    end: int
    source: str
    row: int | None = None  # table row index, for picking values taken at the same time


@cache
def _keypoint_labels() -> dict[str, str]:
    return {alias.casefold(): r["field"] for r in load_table("keypoints").rules for alias in r["aliases"]}


@cache
def _lab_rules() -> tuple[dict[str, object], ...]:
    return load_table("labs").rules


def default_uln(test: str) -> float | None:
    """Default upper limit of normal from the lab rule table (DOMAIN.md values)."""
    for rule in _lab_rules():
        if rule["test"] == test:
            value = rule["default_uln"]
            return float(value) if isinstance(value, (int, float)) else None
    return None


_LABEL_LINE = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z ]{1,30}?)\s*:\s*(?P<value>.*?)\s*$")


def key_points(doc: Document, sec: SectionSpan) -> dict[str, Field]:
    """Key Points fields of one case: from the reader's table if any, else from 'Label: value' lines.

    In text copied from a PDF a value may sit on the lines after its label; it runs until a blank line or
    the next label.
    """
    labels = _keypoint_labels()
    for table in doc.tables:
        if table.kind == "key_points" and sec.start <= table.start < max(sec.end, table.start + 1):
            return _key_points_from_table(table, labels)
    fields: dict[str, Field] = {}
    start = min(sec.heading_end + 1, sec.end)
    lines = text_lines(doc.text[start : sec.end], start)
    i = 0
    while i < len(lines):
        lpos, line = lines[i]
        m = _LABEL_LINE.match(line)
        name = labels.get(m.group("label").strip().casefold()) if m else None
        if not m or name is None:
            i += 1
            continue
        label_start = lpos + m.start("label")
        pieces: list[tuple[int, int]] = []
        if m.group("value"):
            pieces.append((lpos + m.start("value"), lpos + m.end("value")))
        j = i + 1
        if not pieces:
            while j < len(lines) and not lines[j][1].strip():
                j += 1
        while j < len(lines) and lines[j][1].strip():
            nxt = _LABEL_LINE.match(lines[j][1])
            if nxt and labels.get(nxt.group("label").strip().casefold()):
                break
            jpos, jline = lines[j]
            stripped = jline.strip()
            s = jpos + jline.index(stripped)
            pieces.append((s, s + len(stripped)))
            j += 1
        if pieces and name not in fields:
            s, e = pieces[0][0], pieces[-1][1]
            fields[name] = Field(re.sub(r"\s+", " ", doc.text[s:e]), s, e, label_start)
        i = max(j, i + 1)
    return fields


def _key_points_from_table(table: Table, labels: dict[str, str]) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for row in table.rows:
        if len(row) < 2:
            continue
        name = labels.get(row[0].text.strip().rstrip(":").strip().casefold())
        value = row[1]
        if name and name not in fields and value.text.strip():
            fields[name] = Field(re.sub(r"\s+", " ", value.text.strip()), value.start, value.end, row[0].start)
    return fields


# --- laboratory values ---------------------------------------------------------------------------

_UNITS = r"(?:U/L|IU/L|IU/mL|mg/dL|mg/dl|µmol/L|μmol/L|umol/L|µKat/L|μkat/L|g/dL|g/L)"


@cache
def lab_regex() -> re.Pattern[str]:
    """A lab value (test alias, number, optional unit and ULN) as written in narratives, case ignored; built
    once from ``rules/labs.json``.

    Spelt for speed: it opens with a class of the letters an alias can start with and checks the character
    before after it, so re skips other characters in C (a leading look-behind or a case-blind alternation
    makes it try the whole pattern at every position). The aliases are tried longest first, as a plain
    spelling (a look-behind, then the aliases ignoring case) would: tests/test_scan_equivalence.py compares them.
    """
    aliases = sorted((str(a) for r in _lab_rules() for a in r["aliases"]), key=lambda a: -len(a))  # type: ignore[attr-defined]
    rests = group_by_first_letter([re.escape(a).replace(r"\ ", r"\s+") for a in aliases])  # longest first
    lead = "".join(sorted({c for first in rests for c in case_forms(first)}))
    branches = "|".join(f"(?<=[{case_forms(first)}])(?:{'|'.join(rest)})" for first, rest in rests.items())
    filler = (r"(?:\s+(?:levels?|values?|was|were|of|had|has|rose|risen|fell|fallen|increased|decreased|peaked|"
              r"peak|reached|reaching|to|at|serum|total|elevated|up|remained|still|activity|concentration|"
              r"only|again|then|now|is|are|rising|approximately|found|be|a))*")
    return re.compile(
        rf"(?P<test>[{lead}](?<![\w/].)(?i:{branches}))"
        r"(?i:(?![\w/])" + filler + r"\s*(?:[:=]\s*|\s)(?P<paren>\()?(?:~\s*)?"
        r"(?P<value>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?!\s*%)(?![\d.])"
        r"(?:\s*(?P<unit>" + _UNITS + r")(?![\w/]))?"
        r"(?:\s*(?:\((?P<direct>\d+(?:\.\d+)?)\s+direct\)|[(\[]direct\s+(?P<direct_unit>\d+(?:\.\d+)?)\s*mg/dL[)\]]))?"
        r"(?:\s*\((?:ULN|normal|upper\s+limit\s+of\s+normal)\s*[<≤:=]?\s*(?P<uln>\d+(?:\.\d+)?)[^)]{0,20}\)"
        r")?)"
    )


@cache
def _alias_to_test() -> dict[str, str]:
    return {re.sub(r"\s+", " ", str(a)).casefold(): str(r["test"]) for r in _lab_rules() for a in r["aliases"]}  # type: ignore[attr-defined]


def test_name(alias: str) -> str | None:
    """Canonical lab test for a name as written ('Alk P', 'SGPT', 'alkaline phosphatase')."""
    return _alias_to_test().get(re.sub(r"\s+", " ", alias.strip()).casefold())


_ENZYMES = frozenset({"ALT", "AST", "ALP", "GGT"})
_ENZYME_UNITS = frozenset({"U/L", "IU/L", "µKat/L", "μkat/L"})
_SHARED_UNIT_GAP = 80  # 'ALT 1234, AST 567 and Alk P 234 U/L': one unit written once for a list


def narrative_labs(text: str, offset: int) -> list[Lab]:
    """Lab values written in prose: 'ALT 3346 U/L', 'bilirubin was 6.8 mg/dL (6.6 direct)'.

    Enzymes and bilirubin need a unit to count (numbers after a test name are often counts of patients):
    their own, or for enzymes listed together the enzyme unit that closes the list in the same sentence.
    INR needs none.
    """
    matches = [(m, test_name(m.group("test"))) for m in lab_regex().finditer(text)]
    out: list[Lab] = []
    for k, (m, test) in enumerate(matches):
        unit = m.group("unit")
        if test is None:
            continue
        if unit is None and m.group("paren"):
            continue  # 'alkaline phosphatase (1054 U/L)' has its unit; '(3 times ULN)' is no value
        if unit is None and test in _ENZYMES:
            unit = _shared_unit(text, matches, k)
        if unit is None and test != "INR":
            continue
        value = to_number(m.group("value"))
        if value is None or (test == "INR" and value > 20):
            continue
        uln = to_number(m.group("uln")) if m.group("uln") else None
        vend = m.end("unit") if m.group("unit") else m.end("value")
        out.append(Lab(test, value, unit, uln, None, None, offset + m.start("test"), offset + vend, "narrative"))
        # '6.8 mg/dL (6.6 direct)', '10.5 mg/dL (direct 6.7 mg/dL)'
        which = "direct" if m.group("direct") else "direct_unit"
        if m.group(which) and (direct := to_number(m.group(which))) is not None:
            out.append(Lab("bilirubin_direct", direct, unit, None, None, None,
                           offset + m.start(which), offset + m.end(which), "narrative"))
    return out


def _shared_unit(text: str, matches: list[tuple[re.Match[str], str | None]], k: int) -> str | None:
    """The enzyme unit of a later enzyme in the same list ('ALT 1234, AST 567 and Alk P 234 U/L')."""
    end = matches[k][0].end()
    for later, test in matches[k + 1 :]:
        between = text[end : later.start()]
        if later.start() - end > _SHARED_UNIT_GAP or re.search(r"[.;]\s", between) or test not in _ENZYMES:
            return None
        if later.group("unit"):
            return later.group("unit") if later.group("unit") in _ENZYME_UNITS else None
        end = later.end()
    return None


_SPACES = re.compile(r"\s+")
_HEADER_UNIT = re.compile(r"\((?P<unit>[^()]+)\)\s*$")
_NUMBER_CELL = re.compile(r"^\s*[~<>]?\s*(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\.?\s*$")  # "8.1." (Elotuzumab): a stray stop
# a column that tells when ('Time After Starting', 'Days After Stopping', 'Date', 'Postoperative Days'): the
# words start a word, so 'Protime (seconds)', a laboratory column, is not one
_TIME_HEADER = re.compile(r"\b(?:time|after|day|week|date)", re.IGNORECASE)
# an upper limit of normal: '<40', '≤ 1.2', 'up to 35', '40', or a range '10-40' (its upper end)
_ULN_CELL = re.compile(r"^\s*(?:<|≤|<=|up to|\d+(?:\.\d+)?\s*[-–]|)\s*(\d+(?:\.\d+)?)\s*$")
_NORMAL_LABEL = re.compile(r"normal\s+values?", re.IGNORECASE)
# a column of multiples of the upper limit of normal ('ALT (x ULN)', Crizotinib): its values are times ULN, and
# its 'Normal Values' cell ('<1') is no limit in U/L for the test's other values
_TIMES_ULN_UNIT = re.compile(r"^(?:x|×|times)\s*(?:the\s+)?ULN$", re.IGNORECASE)


def times_uln_unit(unit: str | None) -> bool:
    return unit is not None and _TIMES_ULN_UNIT.match(unit) is not None


def _uln(text: str) -> float | None:
    m = _ULN_CELL.match(text)
    return to_number(m.group(1)) if m else None


def _cell_columns(row: tuple[Cell, ...], width: int, tests: list[bool] | None = None) -> list[int]:
    """The header column each cell of a body row starts under, by the cells' spans. A row that spans fewer
    columns than the header lost a span in copying (text copied from a page keeps the empty cells between tabs,
    not the span of a label or a time over two columns), so its first cell takes the missing columns when the
    row still reaches the last column (its last cell, the 'Other' column's, is there and empty), or when only
    so every test column (``tests``) gets a number or nothing and the first cell is no number (Itraconazole:
    'After transplantation' over both time columns, then '59  234  1.2  INR=1.2': left as it is, INR=1.2 sat
    under Bilirubin; not '2 weeks  0  Lamotrigine increased to 100 mg', a remark over the test columns, which
    would put one number, the time after stopping, under a test)."""
    spans = [c.colspan for c in row]
    missing = width - sum(spans)
    if missing > 0 and len(row) > 1 and (not row[-1].text.strip()
                                         or tests is not None and _NUMBER_CELL.match(row[0].text) is None
                                         and not _numbers_fit(row, spans, tests)
                                         and _numbers_fit(row, [spans[0] + missing, *spans[1:]], tests, 2)):
        spans[0] += missing
    return list(accumulate(spans, initial=0))[:-1]


def _numbers_fit(row: tuple[Cell, ...], spans: list[int], tests: list[bool], least: int = 0) -> bool:
    """Whether, placed by ``spans``, every cell under a test column is a number or empty (and ``least`` numbers
    at least are)."""
    under = [cell.text for cell, col in zip(row, accumulate(spans, initial=0)) if col < len(tests) and tests[col]]
    numbers = sum(_NUMBER_CELL.match(text) is not None for text in under)
    return numbers >= least and all(not text.strip() or _NUMBER_CELL.match(text) for text in under)


def _shared_header_moved(row: tuple[Cell, ...], starts: list[int], owner: list[int]) -> list[int]:
    """A cell spanning columns that starts under a header the cell before it is already under goes to the
    next header it covers: AndrogenicSteroids' 'Alk P (U/L)' heads two columns, each row's ALP value sits in
    the first, its bilirubin spans the second and the 'Bilirubin (mg/L)' column (the markup names both
    headers for it)."""
    out = list(starts)
    for k in range(1, len(row)):
        col, span = out[k], row[k].colspan
        if span > 1 and col < len(owner) and owner[col] == owner[min(out[k - 1], len(owner) - 1)]:
            out[k] = next((c for c in range(col + 1, min(col + span, len(owner))) if owner[c] != owner[col]), col)
    return out


def _normal_values(row: tuple[Cell, ...], starts: list[int],
                   columns: list[tuple[str | None, str | None, str]]) -> dict[str, float]:
    """The upper limits of normal in a 'Normal Values' row, by test: each limit is its column's. A limit under
    a time column shows that the row does not line up with the header (a header cell too many, a row cut
    short): the limits after the label are then taken in the order of the test columns, a cell that gives
    none ('Not given', '>165') keeping its place."""
    label = next(k for k, c in enumerate(row) if _NORMAL_LABEL.match(c.text.strip()))
    out: dict[str, float] = {}
    for cell, col in zip(row[label + 1 :], starts[label + 1 :]):
        test, unit, header = columns[col] if col < len(columns) else (None, None, "")
        value = _uln(cell.text)
        if value is not None and test is None and _TIME_HEADER.search(header):
            break
        if test is not None and value is not None and not times_uln_unit(unit):
            out.setdefault(test, value)
    else:
        return out
    limits = [_uln(c.text) for c in row[label + 1 :] if c.text.strip()]
    tests = [(c[0], c[1]) for c in columns if c[0] is not None]
    return {test: value for (test, unit), value in zip(tests, limits) if value is not None and not times_uln_unit(unit)}


def table_labs(table: Table) -> tuple[list[Lab], dict[str, float]]:
    """Values of a Laboratory Values table, with the ULN of each test from its 'Normal Values' row.

    Columns are named by the header cells ('ALT* (U/L)' gives ALT in U/L); time columns give the
    timepoint; full-width event rows ('Metoprolol ... restarted') carry no values. A cell belongs to the
    column it starts under (:func:`_cell_columns`).
    """
    header: list[Cell] = []
    body_rows: list[tuple[int, tuple[Cell, ...]]] = []
    for i, row in enumerate(table.rows):
        if not header and (all(c.header for c in row if c.text.strip()) and any(c.text.strip() for c in row)):
            header = list(row)
            continue
        body_rows.append((i, row))
    if not header and body_rows:
        header = list(body_rows.pop(0)[1])
    columns: list[tuple[str | None, str | None, str]] = []  # (test, unit, header text)
    owner: list[int] = []  # the header cell of each column
    for k, cell in enumerate(header):
        owner.extend([k] * cell.colspan)
        name = _SPACES.sub(" ", cell.text).strip()
        bare = name.rstrip("*†‡ ")  # a footnote mark may follow the unit: 'ALT (U/L)*'
        unit_m = _HEADER_UNIT.search(bare)
        base = _HEADER_UNIT.sub("", bare).replace("*", "").strip()
        columns.extend([(test_name(base), unit_m.group("unit").strip() if unit_m else None, name)] * cell.colspan)
    tests = [test is not None for test, _, _ in columns]
    ulns: dict[str, float] = {}
    found: list[tuple[str, float, str | None, str | None, Cell, int]] = []  # the ULNs come with the last row
    for index, row in body_rows:
        if len(row) == 1 and row[0].colspan > 1:
            continue  # event row spanning the table
        starts = _shared_header_moved(row, _cell_columns(row, len(columns), tests), owner)
        if any(_NORMAL_LABEL.match(c.text.strip()) for c in row):
            ulns.update(_normal_values(row, starts, columns))
            continue
        placed = [(cell, columns[col]) for cell, col in zip(row, starts) if col < len(columns)]
        timepoint = "; ".join(f"{header}: {cell.text.strip()}" for cell, (test, _, header) in placed
                              if test is None and cell.text.strip() and _TIME_HEADER.search(header)) or None
        for cell, (test, unit, _) in placed:
            raw = _NUMBER_CELL.match(cell.text) if test else None
            if raw and test and (value := to_number(raw.group(1))) is not None:
                found.append((test, value, unit, timepoint, cell, index))
    labs = []
    for test, value, unit, timepoint, cell, index in found:
        times = times_uln_unit(unit)  # a multiple of the ULN: no ULN of its own
        labs.append(Lab(test, value, unit, None if times else ulns.get(test), value if times else None, timepoint,
                        cell.start, cell.end, "table", index))
    return labs, ulns


# a row taken before the drug ('Time After Starting: Pre', ': 0', 'Baseline'): its values are no injury's
_BASELINE = re.compile(r"(?:0|pre|pre-?treatment|before|baseline)", re.IGNORECASE)


def before_treatment(timepoint: str | None) -> bool:
    """Whether a table row's timepoint says it was taken before the drug was started (or on its first day),
    by its first column after starting (Tranylcypromine heads its stopping column 'Time After Starting' too)."""
    for part in (timepoint or "").split("; "):
        header, _, value = part.rpartition(": ")
        if "start" in header.lower():
            return _BASELINE.fullmatch(value.strip()) is not None
    return False


def table_rows(labs: list[Lab]) -> list[dict[str, Lab]]:
    """The table values of ``labs`` by the row they were read from, each test's first value in its row."""
    rows: dict[int, dict[str, Lab]] = {}
    for lab in labs:
        if lab.source == "table" and lab.row is not None:
            rows.setdefault(lab.row, {}).setdefault(lab.test, lab)
    return list(rows.values())


def case_tables(doc: Document, sec: SectionSpan, kind: str) -> list[Table]:
    """Reader tables of ``kind`` inside a section."""
    return [t for t in doc.tables if t.kind == kind and sec.start <= t.start < sec.end]


def medication(field: Field | None) -> tuple[str | None, str | None]:
    """Name and dose of the Key Points medication."""
    return parse_medication(field.value) if field else (None, None)
