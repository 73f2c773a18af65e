"""Normalisation: small pure functions turning phrases into normalised values.

Each function takes the text as written and returns the value only where the text supports it; vague text
("several months", "Unclear") gives ``None`` values, never a guess.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from typing import Literal, get_args

from ..document import text_lines
from ..models import PatternType
from ..rules import load_table

# No lab value, dose, age or duration in a chapter comes near these bounds: digit runs beyond them are not
# measurements (and would overflow a float or an INT32 column). They stay in the text, never in a number field.
MAX_NUMBER = 1e9
MIN_NUMBER = 1e-6
MAX_COUNT = 2**31 - 1  # models.MAX_INT


def to_number(digits: str) -> float | None:
    """The value of a decimal numeral (``1,234.5``), or None when it is beyond the bounds above."""
    value = float(digits.replace(",", ""))
    return value if value == 0 or MIN_NUMBER <= value <= MAX_NUMBER else None


_TRAILING_QUALIFIER = re.compile(r"\s*\([^()]*\)$")


def without_qualifier(text: str) -> str:
    """``text`` without a parenthetical qualifier at its end: 'Chenodiol (Chenodeoxycholic Acid)' -> 'Chenodiol',
    'Key Points (Case 1)' -> 'Key Points'."""
    return _TRAILING_QUALIFIER.sub("", text)


def to_count(digits: str) -> int | None:
    """The value of a run of digits, or None when it does not fit ``MAX_COUNT`` (checked before ``int()``,
    which refuses more than 4,300 digits)."""
    digits = digits.lstrip("0") or "0"
    if len(digits) > len(str(MAX_COUNT)):
        return None
    value = int(digits)
    return value if value <= MAX_COUNT else None


DAYS_PER_UNIT = {"hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 30.0, "year": 365.0}
_UNIT_ALIASES = {
    "h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
    "d": "day", "day": "day", "days": "day",
    "wk": "week", "wks": "week", "week": "week", "weeks": "week",
    "mo": "month", "mos": "month", "month": "month", "months": "month",
    "yr": "year", "yrs": "year", "year": "year", "years": "year",
}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30,
}
_NUM = r"(?:\d+(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_HALF = r"(?:\s+and\s+(?:a\s+)?half)?"
_UNIT = r"(?P<unit>hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?)\b"
_VAGUE = r"(?P<vague>a\s+few|few|several|many|some)"
# a duration starting with a letter starts a word: the 'a' ending 'Spahr', 'Tapia YR', 'Kamo Y' (authors in a
# citation) is no 'a hr', 'a yr', 'a mo'; one starting with a digit or a sign may follow a letter
_WORD_START = r"(?:(?<![^\W\d_])|(?![^\W\d_]))"
DURATION_RE = re.compile(
    _WORD_START + r"(?P<prefix>~\s*|about\s+|approximately\s+|nearly\s+|almost\s+|within\s+(?:the\s+first\s+)?|"
    r"up\s+to\s+|less\s+than\s+|fewer\s+than\s+|under\s+|<\s*|more\s+than\s+|over\s+|>\s*)?"
    r"(?:" + _VAGUE + r"|(?P<lo>" + _NUM + r")" + r"(?P<lohalf>" + _HALF + r")"
    r"(?:\s*(?:-|–|to|or)\s*(?:up\s+to\s+)?(?:~\s*)?(?P<hi>" + _NUM + r")(?P<hihalf>" + _HALF + r"))?)"
    r"[\s-]*" + _UNIT,
    re.IGNORECASE,
)
# DURATION_RE spelt for the search before each unit word: the same matches and groups, but each alternative
# that starts with a letter starts with a class of that letter's case forms (s: also 'ſ', which matches it
# ignoring case), the rest ignoring case. re skips such an alternative on its first character in C, where
# IGNORECASE letters make it enter every alternative at every position (tests/test_duration_search.py).
# the characters re's IGNORECASE takes for a letter, where there are more than its two cases
_CASE_FORMS = {"i": "Ii\u0130\u0131", "s": "Ss\u017f", "k": "Kk\u212a"}


def case_forms(letter: str) -> str:
    """Every character ``(?i:letter)`` matches (tests check them over all of Unicode): the class a pattern
    spelt for speed opens with instead of a case-blind letter."""
    return _CASE_FORMS.get(letter.lower(), letter.lower() + letter.upper())


def group_by_first_letter(words: list[str]) -> dict[str, list[str]]:
    """Regex alternatives by their first letter, lower-cased (what ignoring case cannot tell apart): the rest
    of each, in the given order (alternatives with different first letters never match at one place)."""
    out: dict[str, list[str]] = {}
    for word in words:
        out.setdefault(word[0].lower(), []).append(word[1:])
    return out


def _by_first_letter(rests: dict[str, list[str]]) -> str:
    return "|".join(f"[{case_forms(first)}](?i:{'|'.join(rest)})" for first, rest in rests.items())


_DURATION_SCAN = re.compile(
    _WORD_START + r"(?P<prefix>~\s*|<\s*|>\s*|" + _by_first_letter(group_by_first_letter([
        r"about\s+", r"approximately\s+", r"nearly\s+", r"almost\s+", r"within\s+(?:the\s+first\s+)?",
        r"up\s+to\s+", r"less\s+than\s+", r"fewer\s+than\s+", r"under\s+", r"more\s+than\s+", r"over\s+"])) + r")?"
    r"(?:(?P<vague>" + _by_first_letter(group_by_first_letter([r"a\s+few", "few", "several", "many", "some"])) + r")"
    r"|(?P<lo>\d+(?:\.\d+)?|" + _by_first_letter(group_by_first_letter(sorted(NUMBER_WORDS, key=len, reverse=True))) + r")"
    r"(?i:(?P<lohalf>" + _HALF + r")"
    r"(?:\s*(?:-|–|to|or)\s*(?:up\s+to\s+)?(?:~\s*)?(?P<hi>" + _NUM + r")(?P<hihalf>" + _HALF + r"))?))"
    r"(?i:[\s-]*" + _UNIT + r")"
)
_WITHIN_RANGE = re.compile(r"within\s+(?:a\s+few|few|several)\s+\w+\s+to\s+(?:up\s+to\s+)?", re.IGNORECASE)
_CONTEXT_AFTER = re.compile(
    r"^\s*(?:(?:to|until|before|of)\s+(?:the\s+)?(?:onset\s+of\s+)?(?P<ctx>[a-z]+)"
    r"|(?:on\s+|with\s+)?(?P<ctx2>initially|rechallenge|re-exposure)"
    r"|after\s+(?:(?:the|a|an)\s+)?(?P<ctx3>(?!(?:the|a|an)\b)[a-z]+(?:\s+[a-z]+)?))",
    re.IGNORECASE,
)
_AGE_AFTER = re.compile(r"[\s-]*old\b", re.IGNORECASE)
_NUMBER_AFTER = re.compile(r"[ \t]*\d")
_FREQUENCY_BEFORE = re.compile(r"(?:\b(?P<every>every)\s+(?:other\s+)?|\b(?:times|once|twice|thrice)\s+)\Z", re.IGNORECASE)
_CONTEXT_BEFORE = re.compile(r"(?P<ctx>initially|rechallenge|re-exposure|restarting|readministration)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DurationValue:
    text: str
    start: int
    end: int
    min_days: float | None
    max_days: float | None
    context: str | None = None


def _number(word: str, half: str | None) -> float | None:
    base = NUMBER_WORDS.get(word.lower())
    value = float(base) if base is not None else to_number(word)
    if value is None:
        return None
    return value + 0.5 if half and half.strip() else value


# the unit words of _UNIT, ignoring case, tried only at an h, d, w, m or y (no other character matches one of
# them ignoring case): a leading character class lets re skip other positions in C (IGNORECASE over the
# whole pattern would try every position)
_UNIT_WORD = re.compile(r"[hdwmyHDWMY](?:(?<=[hH])(?i:ours?|rs?)|(?<=[dD])(?i:ays?)|(?<=[wW])(?i:eeks?|ks?)"
                        r"|(?<=[mM])(?i:onths?|os?)|(?<=[yY])(?i:ears?|rs?))\b")
_LOOKBEHIND = 80  # longest duration phrase before its unit word ("within the first two and a half")


# what a duration has just before its unit (spaces and hyphens aside): a digit, a number word, 'half' or a
# vague word; a unit word without one ('holidays', 'each month') cannot end a duration and is not searched
_BEFORE_UNIT = re.compile(r"(?:\d|half|few|several|many|some|" + "|".join(NUMBER_WORDS) + r")\Z", re.IGNORECASE)
_LONGEST_BEFORE_UNIT = max(map(len, ("half", "several", *NUMBER_WORDS)))
# characters no DURATION_RE match holds ('.' only before a digit, in '1.5'); matched at a position with an end,
# the match ends just after the last of them there (after the '.' of '. '): what the greatest of
# ``text.rfind(stop, lo, end) + 1`` over the stops ',', ';', ':', '(', ')', '[', ']' and '. ' is, where one is
_LAST_STOP = re.compile(r".*(?:[,;:()\[\]]|\.(?= ))", re.DOTALL)


def _duration_matches(text: str) -> list[re.Match[str]]:
    """DURATION_RE matches, searched only just before unit words (the full regex is slow on long text)."""
    found: dict[int, re.Match[str]] = {}
    last_end = 0
    for unit in _UNIT_WORD.finditer(text):
        lo = max(last_end, unit.start() - _LOOKBEHIND)
        end = unit.start()
        while end > lo and (text[end - 1].isspace() or text[end - 1] == "-"):  # DURATION_RE's [\s-]*
            end -= 1
        if not _BEFORE_UNIT.search(text, max(lo, end - _LONGEST_BEFORE_UNIT), end):
            continue
        # no match holds one of the stops: one starting before the last of them ends before it, so the search
        # from just after it finds the same first match ending at the unit
        stop = _LAST_STOP.match(text, lo, end)
        lo = stop.end() if stop else lo
        for m in _DURATION_SCAN.finditer(text, lo, unit.end()):
            if m.end() == unit.end():
                found.setdefault(m.end(), m)
                last_end = m.end()
                break
    return [found[k] for k in sorted(found)] if found else []


def find_durations(text: str) -> list[DurationValue]:
    """Every duration phrase in ``text`` with its day range (spans index ``text``)."""
    matches = _duration_matches(text)
    if not matches:
        return []  # most blocks of a chapter
    out: list[DurationValue] = []
    for m in matches:
        unit = _UNIT_ALIASES[m.group("unit").lower()]
        factor = DAYS_PER_UNIT[unit]
        prefix = (m.group("prefix") or "").strip().lower()
        lo_days: float | None
        hi_days: float | None
        if m.group("vague"):
            lo_days = hi_days = None
        else:
            lo = _number(m.group("lo"), m.group("lohalf"))
            hi = _number(m.group("hi"), m.group("hihalf")) if m.group("hi") else lo
            if m.group("lo").lower() in ("a", "an") and not m.group("hi") and m.group("unit").endswith("s"):
                continue  # "a days" is not a duration
            lo_days = round(lo * factor, 4) if lo is not None else None
            hi_days = round(hi * factor, 4) if hi is not None else None
            if prefix.startswith(("within", "up", "less", "fewer", "under", "<")):
                lo_days = None
            elif prefix.startswith(("more", "over", ">")):
                hi_days = None
        start, end = m.start(), m.end()
        if _AGE_AFTER.match(text, end):
            continue  # 'a 49 year old man': an age
        if "\t" in text[start:end] or (m.group("unit")[0].isupper() and _NUMBER_AFTER.match(text, end)):
            continue  # a cell's number with the next cell's unit; 'Day 15', 'Week 2' label a row: no number's unit
        # the regex only where one of its words may be: 'ver' of every, 'ime' of times, 'nce' of once, 'ice' of
        # twice and thrice (a few substring tests cost less than the search)
        lead = text[max(0, start - 16) : start].lower()
        before = _FREQUENCY_BEFORE.search(text, max(0, start - 16), start) if (
            "ver" in lead or "ime" in lead or "nce" in lead or "ice" in lead) else None
        if before and (before.group("every") or m.group("lo") in ("a", "an", "A", "An")):
            continue  # 'every 6 hours', 'four times a day': how often, not how long ('daily times 3 days' is)
        ctx = _CONTEXT_AFTER.match(text[end : end + 40])
        before = _context_before(text[max(0, start - 30) : start])
        after = next((g for g in ctx.groups() if g), None) if ctx else None
        context = (before.group("ctx") if before else after) or None
        context = context.lower() if context else None
        out.append(DurationValue(text[start:end], start, end, lo_days, hi_days, context))
    return _merge_within_ranges(text, out)


def _context_before(text: str) -> re.Match[str] | None:
    """``_CONTEXT_BEFORE.search(text)``, tried only where ``text`` ends (spaces aside) with a letter its words can
    end with ignoring case (tests/test_duration_search.py): the search is slow, and ~9 in 10 durations have none."""
    last = text.rstrip()[-1:]
    return _CONTEXT_BEFORE.search(text) if last and last in _CONTEXT_BEFORE_LAST else None


_CONTEXT_BEFORE_LAST = "yYeEgGnN"  # initially, rechallenge, re-exposure, restarting, readministration


def _merge_within_ranges(text: str, found: list[DurationValue]) -> list[DurationValue]:
    """'within a few weeks to up to 6 months' is one range: vague lower end, stated upper end."""
    merged: list[DurationValue] = []
    for d in found:
        prev = merged[-1] if merged else None
        if prev is not None and prev.min_days is None and prev.max_days is None:
            between = text[prev.start : d.start]
            if _WITHIN_RANGE.fullmatch(between + "") or _WITHIN_RANGE.match(text[prev.start - 7 : d.start]):
                merged[-1] = DurationValue(text[prev.start : d.end], prev.start, d.end, None, d.max_days)
                continue
        merged.append(d)
    return merged


def parse_duration(text: str) -> tuple[float | None, float | None, list[DurationValue]]:
    """Day range of a Key Points duration ("3 weeks", "~2 weeks", "1-2 months", "Unclear").

    Returns (min_days, max_days) of the first duration and every duration found.
    """
    found = find_durations(text)
    if not found:
        return None, None, []
    return found[0].min_days, found[0].max_days, found


# --- CAS registry numbers (formulas: stages/formulas.py) -------------------------------------------------

CAS_RE = re.compile(r"(\d(?<!\w\d)\d{1,6})-(\d{2})-(\d)\b")  # '\b\d{2,7}', its look-behind after the first digit
# so that re skips non-digits in C


def cas_check_digit_ok(cas: str) -> bool:
    """True when the last digit of a CAS number is the weighted sum of the others mod 10."""
    m = CAS_RE.fullmatch(cas.strip())
    if not m:
        return False
    digits = (m.group(1) + m.group(2))[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10 == int(m.group(3))


# --- Key Points values ---------------------------------------------------------------------------

ReadHow = Literal["grade", "word", "phrase", "r", "description", "off_scale", "unreadable"]


@dataclass(frozen=True, slots=True)
class SeverityReading:
    """A Key Points severity as read. ``how``: a digit ``grade``, a scale ``word``, a digit grade
    ``off_scale`` (``written`` holds it), or a ``description`` that names no grade."""

    grade: int | None
    how: ReadHow
    written: int | None = None


@dataclass(frozen=True, slots=True)
class PatternReading:
    """A Key Points pattern as read. ``how``: a pattern ``word``, a ``phrase`` of rules/keypoint_values.json,
    only an ``r``, a ``description`` off the scale, or ``unreadable`` (a pattern is meant but none named)."""

    type: PatternType | None
    r_ratio: float | None
    how: ReadHow


@cache
def _phrases(field: str) -> tuple[tuple[re.Pattern[str], object], ...]:
    out = []
    for rule in load_table("keypoint_values").rules:
        if rule["field"] != field:
            continue
        if field == "pattern" and rule["value"] not in get_args(PatternType):
            raise ValueError(f"keypoint_values: {rule['value']!r} is not a pattern type")
        out.append((re.compile(rf"(?<![\w-]){re.escape(rule['phrase'])}(?![\w-])", re.IGNORECASE), rule["value"]))
    return tuple(out)


_SEVERITY_PLUS = re.compile(r"(?<![\d.])(\d+)\s*\+")  # '3+ (jaundice)', 'Moderate (3+; ...)', '7+'
_SEVERITY_LEAD = re.compile(r"^\s*(\d+)(?=\s*(?:$|[(,;:]|\s+\())")  # '3 (jaundice, hospitalization)'


def read_severity(text: str) -> SeverityReading:
    """Grade 1..5 of a Key Points severity: a digit grade anywhere ('3+', 'Moderate (3+; ...)'), a bare leading
    digit ('3 (jaundice, hospitalization)'), else a scale word at the start ('Mild (anicteric)'). A digit grade
    outside 1..5 ('7+') is ``off_scale``; text with no grade at all ('Coma') is a ``description``."""
    m = _SEVERITY_PLUS.search(text) or _SEVERITY_LEAD.match(text)
    if m:
        grade = to_count(m.group(1))
        if grade is not None and 1 <= grade <= 5:
            return SeverityReading(grade, "grade")
        return SeverityReading(None, "off_scale", grade)
    head = text.strip()
    for phrase, grade_word in _phrases("severity"):
        if phrase.match(head) and isinstance(grade_word, int):
            return SeverityReading(grade_word, "word")
    return SeverityReading(None, "description")


def parse_severity(text: str) -> int | None:
    """1..5 from ``3+ (jaundice, hospitalization)``; the scale's names (mild .. fatal) when no digit."""
    return read_severity(text).grade


_PATTERN_WORD = re.compile(r"\b(hepatocellular|cholestatic|mixed|none)\b", re.IGNORECASE)
_R_VALUE = re.compile(r"\bR\s*(?:ratio|value)?\s*(?:=|of|:|(?=[<>≥≤~≈]))\s*[<>≥≤~≈]?\s*(\d+(?:\.\d+)?)",
                      re.IGNORECASE)
_PATTERN_NAMES = ("hepatocellular", "cholestatic", "mixed")


def read_pattern(text: str) -> PatternReading:
    """Pattern type and R of a Key Points pattern.

    The first pattern word named ('Hepatocellular (R=32)', 'Probably hepatocellular'), else the earliest
    phrase of rules/keypoint_values.json ('Bland cholestasis' -> cholestatic, 'Undefined (...)' -> unknown),
    the type R gives when the value is only an R ('(R=2.3)'). A value that opens with a misspelt pattern
    word ('Hepatocelular') is ``unreadable``; other words are a ``description`` (typed by its R when it gives
    one: 'Hepatitic (R=32)' is hepatocellular). A phrase with an R is typed by the R.
    """
    r_match = _R_VALUE.search(text)
    r: float | None = to_number(r_match.group(1)) if r_match else None
    by_r = _pattern_type(pattern_from_r(r)) if r is not None else None
    m = _PATTERN_WORD.search(text)
    if m:
        return PatternReading(_pattern_type(m.group(1).lower()), r, "word")
    hits = [(hit.start(), value) for phrase, value in _phrases("pattern") if (hit := phrase.search(text))]
    if hits:  # the R, where one is given, is what the phrase means ('Bland cholestasis (R=0.4)')
        return PatternReading(by_r or _pattern_type(str(min(hits, key=lambda h: h[0])[1])), r, "phrase")
    lead = re.match(r"[\W_]*([A-Za-z]+)", text)
    if lead and difflib.get_close_matches(lead.group(1).lower(), _PATTERN_NAMES, n=1, cutoff=0.75):
        return PatternReading(None, r, "unreadable")  # 'Hepatocelular', 'Cholestatc': a pattern is meant
    if r_match and (lead is None or lead.start(1) >= r_match.start()):
        return PatternReading(by_r, r, "r")
    if r_match and r is None:
        return PatternReading(None, r, "unreadable")  # an R beyond any real value
    return PatternReading(by_r, r, "description")  # words off the scale; with an R, the type R gives


def patterns_named(text: str) -> tuple[str, ...]:
    """Every pattern type named (as a word) before the first R of a Key Points pattern ('Hepatocellular or
    mixed (R=~4.6)' names hepatocellular and mixed)."""
    r = _R_VALUE.search(text)
    return tuple(dict.fromkeys(m.group(1).lower() for m in _PATTERN_WORD.finditer(text[: r.start() if r else None])))


def _pattern_type(name: str) -> PatternType:
    for t in get_args(PatternType):
        if t == name:
            return t  # type: ignore[no-any-return]
    raise ValueError(f"{name!r} is not a pattern type")


def parse_pattern(text: str) -> tuple[str | None, float | None]:
    """Pattern type and R from ``Hepatocellular (R=32)`` (see :func:`read_pattern`)."""
    found = read_pattern(text)
    return found.type, found.r_ratio


def pattern_from_r(r: float) -> str:
    """LiverTox pattern for an R ratio: >=5 hepatocellular, <=2 cholestatic, else mixed."""
    if r >= 5:
        return "hepatocellular"
    if r <= 2:
        return "cholestatic"
    return "mixed"


# how often and how a dose is given, up to two phrases after it: 'four times a day', 'orally every 6 to 8 hours',
# 'every other day', 'once every 2 weeks' (a bare 'every \w+' last: 'every cycle')
DOSE_FREQUENCY = (
    r"(?P<freq>(?:/day|/d\b|/week)|(?:\s+(?:(?:once|twice|thrice|(?:one|two|three|four|five|six|\d)\s+times)\s+)?"
    r"(?:daily|weekly|per\s+day|a\s+day|each\s+day|per\s+week|a\s+week"
    r"|every\s+(?:other\s+)?(?:(?:\d+(?:\.\d+)?(?:\s*(?:-|to|or)\s*\d+)?|two|three|four|six|eight|twelve)\s*)?"
    r"(?:hours?|hrs?|h|days?|weeks?|months?|morning|evening|night)\b"
    r"|every\s+\w+|at\s+bedtime|orally|subcutaneously|intravenously|intramuscularly|iv\b)){0,2})"
)
# a combination product's second amount: '80 mg/400 mg' (TMP-SMZ), '5 mg/325 mg'
DOSE_SECOND = r"(?:\s*/\s*\d+(?:\.\d+)?\s*(?:mg|mcg|µg|μg|g)\b)?"
# the dose phrase of Key Points and of DOSE entities, frequency included; doses.py reads amounts and totals.
# '(?<![\w.])\d+' is spelt with its look-behind after the first digit, so that re skips non-digits in C.
DOSE_RE = re.compile(
    r"(?P<amount>\d(?<![\w.]\d)\d*(?:[.,]\d+)?(?:/\d+(?:\.\d+)?)?(?:\s*(?:-|to)\s*\d+(?:\.\d+)?)?)\s*"
    r"(?P<unit>mg/kg|mg/m2|mg|mcg|µg|μg|g|grams?|units|IU|mL)\b(?!\s*/\s*(?:dL|L|mL)\b)"  # '2.0 mg/dL': a lab value
    + DOSE_SECOND + DOSE_FREQUENCY,
    re.IGNORECASE,
)


_CASE_PAIR = re.compile(r"^\s*Cases?\s+(\d{1,3})\s*(?:and|&|to|-|–)\s*(\d{1,3})\b", re.IGNORECASE)


def covered_case_numbers(title: str, number: int) -> range:
    """The case numbers a case heading covers: 'Case 1 and 2. Transient and persistent ...' (Phenotypes_enzy,
    one report of two patients) covers 1 and 2; every other heading its own number."""
    m = _CASE_PAIR.match(title)
    if m and int(m.group(1)) == number and number < int(m.group(2)) <= number + 5:
        return range(number, int(m.group(2)) + 1)
    return range(number, number + 1)


# 'Name (dose)', 'Name dose', 'Name'; after the dose in parentheses, how or how long it was given ('(20 mg
# daily) for 15 days', '(1.5 mg daily) iv for 14 days', '(5-15 mg/week) for 7.5 years (total dose 4.5 g)'), or a
# remark led by a number ('Desflurane (6%), 90 min anesthesia time')
# a name holds a digit only glued to a letter or hyphen before it: 'Interferon ß-1b', 'Interferon ß1a'; a
# number after a space is the dose ('Tizanidine 36 mg daily')
_MED = re.compile(r"^(?P<name>(?:[^(\d]|(?<=[^\W_]|-)\d)+?)\s*(?:\((?P<paren>[^)]*)\)(?:\s*(?:(?:iv|intravenously|orally|tea)\s*)*"
                  r"(?:for\s+[^,;()]*)?(?:\s*\([^()]*\))?)?(?:,\s*\d[^()]*)?|(?P<tail>(?<![^\W_])(?<!-)\d.*))?\s*$", re.IGNORECASE)
# how it was given, ending a name whose dose is not written as one: 'Didanosine for 13 weeks', 'Amoxicillin-
# clavulanate unknown dose twice daily for 10 days', 'Amoxicillin-clavulanate intravenously for 3 days'
_MED_NAME_TAIL = re.compile(r"(?:\s+(?:unknown\s+dose|once|twice|daily|intravenously|orally|iv|for))+$",
                            re.IGNORECASE)


def parse_medication(text: str) -> tuple[str | None, str | None]:
    """``Anakinra (100 mg daily)`` -> ("Anakinra", "100 mg daily"); dose None when none is written; no name for
    ``Not applicable`` (Remdesivir: the case's injury was not the drug's)."""
    if _NONE_LIST.match(text):
        return None, None
    m = _MED.match(text.strip())
    if not m:
        return (text.strip() or None), None
    name = _MED_NAME_TAIL.sub("", m.group("name").strip().rstrip(",")) or None
    rest = m.group("paren") or m.group("tail") or ""
    dose = DOSE_RE.search(rest)
    if not dose:
        return name, None
    return name, (rest.strip() if m.group("paren") else dose.group(0).strip())


_THEN = re.compile(r"(?:then|with)\s+", re.IGNORECASE)


def medication_items(text: str) -> list[tuple[str, str | None, int, int]]:
    """Each drug a Key Points medication names, with its own dose and where it is written in ``text``:
    'Amiloride (2.5 mg) and hydrochlorothiazide (25 mg daily)' -> [('Amiloride', '2.5 mg', 0, 18),
    ('hydrochlorothiazide', '25 mg daily', 23, 56)]; 'Nifedipine (60 mg daily) and then amlodipine' and
    'Elotuzumab with lenalidomide' name two. A medication of one drug is one item, read by
    :func:`parse_medication` ('Trimethoprim (160 mg)-sulfamethoxazole (800 mg)' is one product)."""
    spans: list[list[int]] = []
    for start, end in item_spans(text, _DRUG_SEPARATOR):
        if then := _THEN.match(text, start, end):
            start = then.end()
        if text[start:start + 1].isalpha() or not spans:
            spans.append([start, end])
        else:  # a dose of its own between commas belongs to the drug before it: 'Bicalutamide, 50 mg, 2 doses'
            spans[-1][1] = end
    if len(spans) < 2:
        name, dose = parse_medication(text)
        return [(name, dose, spans[0][0], spans[-1][1])] if name and spans else []
    return [(name, dose, start, end) for start, end in spans
            for name, dose in [parse_medication(text[start:end])] if name]


_NONE_LIST = re.compile(
    r"^\s*(?:none(?:\s+(?:mentioned|reported|concurrently|known|listed|given))?"
    r"|not\s+(?:reported|given|listed|mentioned|known|available|applicable)|no\s+other\b.*)\W*$", re.IGNORECASE)
# an item of a list of other medications that names no drug, only when or whether ('Other medications: Previously,
# capecitabine', 'Nevirapine, 8 weeks previously', 'On second occasion, ephedra', 'Digoxin, others not given')
_NO_DRUG_ITEM = re.compile(
    r"(?:possibly\s+)?others?(?:\s+not\s+given)?|(?:\d+\s+\w+\s+)?previously|chronically|not\s+given"
    r"|on\s+(?:day\s+\d+|(?:the\s+)?(?:first|second|third)\s+occasion)", re.IGNORECASE)
_TRAILING_AND = re.compile(r"\s+and$", re.IGNORECASE)  # 'diazepam and, on day 21, propofol'

_NONE_EXCEPT = re.compile(r"^\s*none(?:\s+(?:mentioned|reported))?\W*\s*except(?:\s+for)?\s+", re.IGNORECASE)
# a sentence's end separates too ('cimetidine chronically. Enflurane 2 weeks before onset'): after a word of
# three lower-case letters or more, so 'St. John's wort' and 'Dr. X' stay whole
_MED_SEPARATOR = re.compile(r"[()]|,\s*|;\s*|\s+and\s+|(?<=[a-z]{3})\.\s+(?=[A-Z])")
_DRUG_SEPARATOR = re.compile(_MED_SEPARATOR.pattern + r"|\s+with\s+")  # 'Elotuzumab with lenalidomide'
_LEADING_CONJUNCTION = re.compile(r"(?:and|or)\s+", re.IGNORECASE)


def split_medications(text: str) -> list[str]:
    """``Prednisone, folate`` -> ['Prednisone', 'folate']; ``None`` or ``Not listed`` -> []; ``None, except
    for dexamethasone`` -> ['dexamethasone']. Commas, semicolons and 'and' inside parentheses do not split
    ('lisinopril (for 1 week, 3 weeks before presentation)'); an Oxford comma's 'and' is no part of a name; a
    full stop ending a sentence splits ('Leuprolide. Prednisolone and norfloxacin'). An item saying only when or
    whether ('Previously', '8 weeks previously', 'others not given') is no medication."""
    if _NONE_LIST.match(text):
        return []
    text = _NONE_EXCEPT.sub("", text.strip().rstrip("."))
    items = [_TRAILING_AND.sub("", text[start:end]) for start, end in item_spans(text, _MED_SEPARATOR)]
    return [item for item in items if not _NO_DRUG_ITEM.fullmatch(item)]


def item_spans(text: str, separator: re.Pattern[str]) -> list[tuple[int, int]]:
    """(start, end) of each item of a list written with ``separator`` between items (never inside
    parentheses), without the spaces around it or a leading 'and'/'or'; empty items left out."""
    cuts: list[tuple[int, int]] = []
    depth = start = 0
    for m in separator.finditer(text):
        if m.group() == "(":
            depth += 1
        elif m.group() == ")":
            depth = max(0, depth - 1)
        elif not depth:
            cuts.append((start, m.start()))
            start = m.end()
    cuts.append((start, len(text)))
    out = []
    for start, end in cuts:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if conjunction := _LEADING_CONJUNCTION.match(text, start, end):
            start = conjunction.end()
        if start < end:
            out.append((start, end))
    return out


_UNITS_AND_TEENS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_AGE_WORDS = {w: n for n, w in enumerate(_UNITS_AND_TEENS, start=1)} | {w: 10 * n for n, w in enumerate(_TENS, start=2)}
_WHO = (r"woman|man|female|male|girl|boy|lady|gentleman|patient|child|infant|adolescent|mother|father|wife|"
        r"husband")
# 'A 22 year old woman', 'a nine-year-old girl', 'A 47 year old African-American man', 'A 49 year woman' (the
# 'old' left out), 'A 55 old year woman' (the words swapped), 'A 16 year old adolescent female' (the sex after
# the noun), 'A 24 year old body builder' (another noun after 'old': the age alone, the match up to 'old'); DILIN
# cases give a decade instead: 'A woman in her early 40s' (sex, no age). '\b(?:a|an)' is spelt with a leading class, its
# look-behind after it, so that re skips to each 'a' in C
PATIENT_RE = re.compile(
    r"[aA](?<!\w[aA])n?\s+(?:(?P<age>\d{1,3}(?:\.\d+)?|" + "|".join(sorted(_AGE_WORDS, key=len, reverse=True)) + r")"
    r"[\s-]+(?:old[\s-]+)?(?P<unit>year|month|week)s?(?:(?:[\s-]+old)?[\s-]+(?:[a-z][a-z-]*\s+){0,2}?"
    r"(?P<who>" + _WHO + r")\b(?:\s+(?P<sex>female|male|woman|man|girl|boy)\b)?|[\s-]+old(?=[\s-]+[a-z]))"
    r"|(?:[a-z][a-z-]*\s+){0,2}?(?P<who_decade>" + _WHO + r")\s+in\s+(?:his|her)\s+"
    r"(?:(?:early|mid|late)[\s-]+)?[1-9]0'?s\b)",
    re.IGNORECASE,
)
# a case that gives no age opens with its patient: 'A woman was started on ketoconazole', 'An elderly lady with
# septic arthritis' (sex, no age); only as the narrative's first words, where the patient is introduced
_PATIENT_OPENING = re.compile(r"An?\s+(?:(?:elderly|young|older|middle-aged|pregnant)\s+)?(?P<who>" + _WHO + r")\b")
_SEX = {"woman": "female", "female": "female", "girl": "female", "lady": "female", "mother": "female",
        "wife": "female", "man": "male", "male": "male", "boy": "male", "gentleman": "male",
        "father": "male", "husband": "male"}


@dataclass(frozen=True, slots=True)
class PatientValue:
    age_years: float | None
    sex: str | None
    start: int
    end: int


_CITATION_WRAP = 3  # lines a wrapped citation may run on to


def _citation_lines(text: str) -> list[tuple[int, int]]:
    """Where the bracketed lines citing a case's source lie ('[Modified from: ... PubMed Citation]'): a line opening
    with '[', and the lines a text copy wrapped it onto, up to the one where its brackets close ('[Hepatotoxicity of
    ketoconazole in patients' / 'with adrenal pathology]. Med Clin ... PubMed Citation]'); one line alone when
    they do not close within a few lines."""
    lines = text_lines(text)
    out: list[tuple[int, int]] = []
    for i, (start, line) in enumerate(lines):
        if not line.startswith("["):
            continue
        depth, last = 0, i
        for j in range(i, min(len(lines), i + 1 + _CITATION_WRAP)):
            depth += lines[j][1].count("[") - lines[j][1].count("]")
            if depth <= 0:
                last = j
                break
        out.append((start, lines[last + 1][0] if last + 1 < len(lines) else len(text) + 1))
    return out


def find_patient(text: str) -> PatientValue | None:
    """The first 'A 22 year old woman' in ``text`` (a case narrative), outside the bracketed line that cites
    the case's source ('[Modified from: ... in a 67-year-old patient]'); else the narrative's opening 'A woman'."""
    cited = _citation_lines(text)
    for m in PATIENT_RE.finditer(text):
        if any(s <= m.start() < e for s, e in cited):
            continue
        if m.group("who_decade"):
            return PatientValue(None, _SEX.get(m.group("who_decade").lower()), m.start(), m.end())
        word = m.group("age").lower()
        age = float(_AGE_WORDS[word]) if word in _AGE_WORDS else to_number(m.group("age"))
        sex = _SEX.get((m.group("sex") or m.group("who") or "").lower())
        if age is None:
            return PatientValue(None, sex, m.start(), m.end())
        unit = m.group("unit").lower()
        years = age if unit == "year" else round(age / 12, 3) if unit == "month" else round(age / 52, 3)
        if years == int(years):
            years = float(int(years))
        return PatientValue(years, sex, m.start(), m.end())
    at = 0
    for line in text.split("\n"):  # the opening words: of the first line that is no bracketed citation
        if line.strip() and not any(s <= at < e for s, e in cited):
            lead = len(line) - len(line.lstrip())
            opening = _PATIENT_OPENING.match(line, lead)
            if opening is None:
                return None
            return PatientValue(None, _SEX.get(opening.group("who").lower()), at + lead, at + opening.end())
        at += len(line) + 1
    return None
