"""Doses as the book writes them, read so that two ways of writing one regimen compare equal.

"25 mg three times daily" and "75 mg daily" are one regimen; "1.5 g twice daily" and "3.0 g daily" too;
"3 to 5 tablets of buprenorphine (8 mg ...)" is 24 to 40 mg. Amounts are brought to one unit per
dimension (mg, mg/kg, mg/m2, IU, mL); concentrations ("2.0 mg/dL") are lab values, not doses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import NUMBER_WORDS, to_number

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_TO_MG = {"mg": 1.0, "milligram": 1.0, "g": 1000.0, "gm": 1000.0, "gram": 1000.0, "mcg": 0.001,
          "µg": 0.001, "μg": 0.001, "ug": 0.001, "microgram": 0.001}
AMOUNT_RE = re.compile(
    rf"(?<![\w.])(?P<lo>{_NUMBER})(?:\s*(?:-|–|to|or|→|and)\s*(?P<hi>{_NUMBER}))?\s*"
    r"(?P<unit>mg|milligrams?|grams?|gm|g|mcg|µg|μg|ug|micrograms?|IU|international\s+units|units|mL|ml)"
    r"(?P<per>\s*/\s*(?:kg|m2|m²)|\s+per\s+(?:kg|m2|square\s+meter))?"
    r"(?!\s*/\s*(?:dl|l|ml|mmol|min|h|hr|hour)\b)(?![A-Za-z\d²])",  # '2.0 mg/dL' is a lab value
    re.IGNORECASE,
)
_WORD_NUMBER = "|".join(sorted((w for w in NUMBER_WORDS if w not in ("a", "an")), key=len, reverse=True))
_TIMES = {"once": 1, "twice": 2, "thrice": 3, "bid": 2, "b.i.d.": 2, "tid": 3, "t.i.d.": 3, "qid": 4,
          "q.i.d.": 4}
FREQUENCY_RE = re.compile(
    r"(?P<word>once|twice|thrice|one\s+time|two\s+times|three\s+times|four\s+times|five\s+times|six\s+times|"
    r"(?P<n>\d)\s*(?:times|x))\s+(?:a\s+|per\s+|each\s+|every\s+)?(?:day|daily)\b"
    r"|\b(?:every|q)\s*(?P<h>\d+|" + _WORD_NUMBER + r")(?:\s*(?:-|to)\s*(?P<h2>\d+|" + _WORD_NUMBER + r"))?"
    r"\s*(?:-\s*)?(?:hours?|hrs?|h)\b"
    r"|\b(?P<abbr>b\.?i\.?d\.?|t\.?i\.?d\.?|q\.?i\.?d\.?)(?!\w)"
    r"|[x×]\s*(?P<x>\d)\s*(?:daily|/day|a\s+day|per\s+day)",
    re.IGNORECASE,
)
_COUNT_RE = re.compile(
    rf"(?<![\w.])(?P<n>\d+|{_WORD_NUMBER})(?:\s*(?:-|to|or)\s*(?P<m>\d+|{_WORD_NUMBER}))?\s+"
    r"(?:[a-z]+\s+){0,3}?(?:tablets?|capsules?|pills?|caplets?)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.;](?:\s|$)|\n")


@dataclass(frozen=True, slots=True)
class Dose:
    """One dose phrase: its amounts in the dimension's unit, and the daily totals its frequency gives."""

    text: str
    start: int
    end: int
    dimension: str  # mg, mg/kg, mg/m2, IU, mL
    amounts: tuple[float, ...]
    totals: tuple[float, ...] = ()  # amount x administrations per day, amount x tablets taken

    def values(self) -> set[float]:
        return set(self.amounts) | set(self.totals)


def _num(text: str) -> float:
    """The value of a numeral or number word; 0 for one beyond the bounds of normalize.to_number."""
    word = NUMBER_WORDS.get(text.lower())
    return float(word) if word is not None else (to_number(text) or 0.0)


def _per_day(m: re.Match[str]) -> list[float]:
    """Administrations per day of a frequency ('every 6 to 8 hours' gives 4 and 3)."""
    if m.group("h"):
        return [24.0 / _num(g) for g in (m.group("h"), m.group("h2")) if g and _num(g)] or [1.0]
    return [_times(m)]


def _times(m: re.Match[str]) -> float:
    if m.group("x"):
        return float(m.group("x"))
    if m.group("n"):
        return float(m.group("n"))
    word = (m.group("abbr") or m.group("word") or "").lower().replace(".", "")
    word = {"bid": "bid", "tid": "tid", "qid": "qid"}.get(word, word)
    if word in _TIMES:
        return float(_TIMES[word])
    return float(NUMBER_WORDS.get(word.split()[0], 1))


def find_doses(text: str) -> list[Dose]:
    """Every dose in ``text`` (spans index ``text``), with daily totals where a frequency is written after it
    in the same clause, or anywhere later in the sentence for a dose that has none of its own ('methimazole
    (10 mg) and propranolol (20 mg), both given three times daily'), and tablet counts ('3 to 5 tablets ...
    (8 mg')."""
    matches = list(AMOUNT_RE.finditer(text))
    counts = list(_COUNT_RE.finditer(text))
    out: list[Dose] = []
    for i, m in enumerate(matches):
        unit = m.group("unit").lower()
        per = (m.group("per") or "").lower()
        if unit.startswith(("iu", "international", "unit")):
            dimension, factor = ("IU/kg" if "kg" in per else "IU/m2" if per else "IU"), 1.0
        elif unit == "ml":
            dimension, factor = "mL", 1.0
        else:
            factor = _TO_MG[unit.rstrip("s")]
            dimension = "mg/kg" if "kg" in per else "mg/m2" if per else "mg"
        amounts = tuple(round(_num(g) * factor, 6) for g in (m.group("lo"), m.group("hi")) if g and _num(g))
        if not amounts:
            continue
        sentence_end = _SENTENCE_END.search(text, m.end())
        stop = sentence_end.start() if sentence_end else len(text)
        clause_end = min(stop, matches[i + 1].start() if i + 1 < len(matches) else stop, m.end() + 60)
        own = FREQUENCY_RE.search(text, m.end(), clause_end)
        freqs = [own] if own else list(FREQUENCY_RE.finditer(text, m.end(), stop))
        totals = {round(a * k, 6) for a in amounts for f in freqs for k in _per_day(f)}
        for c in counts:  # '3 to 5 crushed tablets of buprenorphine (8 mg' / 'two 500 mg tablets'
            if c.start() <= m.start() <= c.end() + 40 or m.end() <= c.start() <= m.end() + 20:
                n = [_num(g) for g in (c.group("n"), c.group("m")) if g]
                totals |= {round(a * k, 6) for a in amounts for k in n}
        out.append(Dose(m.group(0), m.start(), m.end(), dimension, amounts, tuple(sorted(totals))))
    return out


def dose_amounts(text: str) -> list[float]:
    """Amounts of every dose in ``text``, in the unit of its dimension (``from 75 to 300 mg daily`` gives 75
    and 300; ``3.0 g daily`` gives 3000)."""
    amounts: list[float] = []
    for dose in find_doses(text):
        amounts.extend(dose.amounts)
        lead = re.search(r"from\s+(\d+(?:\.\d+)?)\s+to\s+$", text[max(0, dose.start - 20) : dose.start])
        if lead and (value := to_number(lead.group(1))) is not None:
            amounts.append(value)
    return amounts


def agree(a: float, b: float, tolerance: float = 0.05) -> bool:
    """Two amounts agree within ``tolerance`` relative ('1.8 grams' and '1.86 g' of one extract)."""
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


def disagreeing(stated: list[Dose], found: list[Dose]) -> list[Dose]:
    """The doses of ``found`` in the first dimension (mg, mg/kg, ...) that both give where no amount or daily
    total of ``stated`` agrees with any of theirs; empty when they agree or share no dimension."""
    for dimension in sorted({d.dimension for d in stated}):
        ours = set().union(*(d.values() for d in stated if d.dimension == dimension))
        theirs = [d for d in found if d.dimension == dimension]
        if theirs and not any(agree(a, b) for a in ours for d in theirs for b in d.values()):
            return theirs
    return []
