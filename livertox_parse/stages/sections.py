"""Sections: Document -> section spans, driven by the heading table in ``rules/sections.json``.

A heading is a whole line matching an alias of a rule (case-insensitively, trailing colon or full stop and
a parenthetical qualifier such as "(Venlafaxine)" allowed) or a rule's pattern ("Case 1. <title>"). A rule
with a parent only matches while that parent is open, so "Comment" or "Key Points" are headings inside a
case report and nothing else. Headings the table does not know become ``other`` sections: those the
reader marked (NXML titles), and stand-alone upper-case lines outside tables.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate

from ..document import Document
from ..rules import load_table
from .normalize import to_count, without_qualifier

_SPACES = re.compile(r"\s+")
_CAPS_PREFIX = re.compile(r"^([A-Z][A-Z ]{3,40}[A-Z])\s+[A-Z][a-z]")
_CAPS_HEADING = re.compile(r"^[A-Z][A-Z &,/'-]{3,58}[A-Z]$")
# a heading in title case ('Reye Syndrome', 'Drugs for Hepatitis B', 'Vitamin B1, Thiamine'): capitalised words,
# the small words of a title in lower case, a parenthetical aside as it comes
_LABEL_LINE = re.compile(r"[A-Z][A-Za-z ]{2,40}: \S")
_TITLE_WORD = re.compile(r"\([^()]*\)|[A-Z0-9][\w'&-]*,?|(?:a|an|and|as|at|by|for|from|in|into|of|on|or|the|to|"
                         r"with|without)\b")
_TITLE_HEADING = re.compile(rf"(?:{_TITLE_WORD.pattern})(?: (?:{_TITLE_WORD.pattern}))*")
# a section the book has not written yet holds its placeholder alone ('[Under Construction]', also without the
# brackets or the closing one: six Phenotypes chapters)
_PLACEHOLDER = re.compile(r"\[?Under Construction\]?", re.IGNORECASE)
# level-1 sections inside which an upper-case line is table furniture, not an unknown heading
_NO_CAPS_HEADINGS = {"chemical_formula_and_structure", "product_information", "references",
                     "annotated_bibliography"}


@dataclass(frozen=True, slots=True)
class SectionSpan:
    """A section: heading line at ``start``..``heading_end``; body until ``end``."""

    id: str
    title: str
    level: int
    parent: str | None
    start: int
    heading_end: int
    end: int
    number: int | None = None
    case_title: str | None = None
    misspelt: str | None = None  # the known heading a misspelt one was read as ('Introcuction': 'Introduction')


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    level: int
    parent: str | None
    aliases: frozenset[str]
    pattern: re.Pattern[str] | None


def _key(line: str) -> str:
    return _SPACES.sub(" ", line.strip().rstrip(":.").strip()).casefold()


@cache
def _rules() -> tuple[_Rule, ...]:
    table = load_table("sections")
    return tuple(
        _Rule(
            id=r["id"],
            level=int(r["level"]),
            parent=r["parent"],
            aliases=frozenset(_key(a) for a in r.get("aliases", [])),
            pattern=re.compile(r["pattern"]) if "pattern" in r else None,
        )
        for r in table.rules
    )


def heading_ids() -> list[str]:
    """Canonical section ids known to the rule table (plus ``other``)."""
    return [r.id for r in _rules()] + ["other"]


@cache
def _rule_index() -> tuple[dict[str, int], dict[str, int], tuple[tuple[int, re.Pattern[str]], ...]]:
    """The rule table as lookups: alias -> index of the first rule with it (all rules; level-1 rules only),
    and the pattern rules in order. A line is then matched with a few dict probes, not a loop over rules."""
    any_level: dict[str, int] = {}
    top_level: dict[str, int] = {}
    for i, rule in enumerate(_rules()):
        for alias in rule.aliases:
            any_level.setdefault(alias, i)
            if rule.level == 1:
                top_level.setdefault(alias, i)
    patterns = tuple((i, r.pattern) for i, r in enumerate(_rules()) if r.pattern is not None)
    return any_level, top_level, patterns


@lru_cache(maxsize=1024)  # the book's headings recur in every chapter: over half the calls repeat a line
def match_heading(line: str) -> tuple[_Rule, re.Match[str] | None] | None:
    """The rule a line matches as a heading, ignoring context; None when it is no known heading.

    The first rule in table order wins, whichever way it matches: the whole line (or without its
    parenthetical qualifier) is an alias; the part before a comma is ('Hepatotoxicity, Outcome and
    Management': two sections under one heading, the first names it); a capitals lead is a top-level alias
    ('OVERVIEW Oprelvekin [Interleukin-11]'); or the rule's pattern matches ('Case 1. <title>').
    """
    stripped = line.strip()
    # headings start with a capital and are short; only 'Case N. <title>' can run long
    if not stripped[:1].isupper() or (len(stripped) > 80 and not stripped.startswith("Case")):
        return None
    key = _key(stripped)
    if not key or len(key) > 200:
        return None
    any_level, top_level, patterns = _rule_index()
    first = key.split(", ")[0]
    caps = _CAPS_PREFIX.match(stripped)
    lead = _key(caps.group(1)) if caps else None
    found = [any_level.get(key), any_level.get(without_qualifier(key)),
             any_level.get(first) if first != key else None, top_level.get(lead) if lead is not None else None]
    best = min((i for i in found if i is not None), default=len(_rules()))
    for i, pattern in patterns:
        if i >= best:
            break
        m = pattern.match(stripped)
        if m:
            return _rules()[i], m
    return (_rules()[best], None) if best < len(_rules()) else None


# a misspelt heading: a known heading with one word misspelt by a slip or two of the pen ('Introcuction',
# 'Hepatotoxcity', 'Outcome and Mangement'); every other word as written, the misspelt word as long as a
# word of six letters or more whose first letter it keeps. Another word in its place ('REPRESENTATIVE
# STREET NAMES') is another heading, not a misspelling
_MISSPELT_CUTOFF = 0.85
_MISSPELT_SHORTEST = 6
_WORDS_ONLY = re.compile(r"[a-z][a-z ,'-]*")  # a heading's key: words; a table row or a dose line is none


@cache
def _aliases_by_letter() -> dict[str, dict[str, tuple[int, str]]]:
    """Known headings by first letter: key -> (index of its rule, the heading as written in the table)."""
    out: dict[str, dict[str, tuple[int, str]]] = {}
    for i, rule in enumerate(load_table("sections").rules):
        for alias in rule.get("aliases", []):
            out.setdefault(_key(alias)[0], {}).setdefault(_key(alias), (i, alias))
    return out


@lru_cache(maxsize=4096)  # a book repeats its lines that are near no heading (drug classes): asked once each
def misspelt_heading(line: str) -> tuple[_Rule, str] | None:
    """The rule a misspelt heading belongs to, and the known heading it was read as; None when the line is
    no near miss of a known heading (or is one exactly: that is :func:`match_heading`'s). Only lines that
    are headings by their place are asked: an NXML title, or a short line standing alone in a text copy."""
    key = without_qualifier(_key(line))
    if len(key) < _MISSPELT_SHORTEST or len(key) > 60 or not line.strip()[:1].isupper() \
            or not _WORDS_ONLY.fullmatch(key):
        return None
    known = _aliases_by_letter().get(key[0], {})
    if key in known:
        return None
    words = key.split(" ")
    for alias in difflib.get_close_matches(key, known, n=3, cutoff=_MISSPELT_CUTOFF):
        pairs = [(a, b) for a, b in zip(words, alias.split(" "), strict=False) if a != b]
        if len(words) != alias.count(" ") + 1 or len(pairs) != 1:
            continue
        slip, word = pairs[0]
        if len(word) >= _MISSPELT_SHORTEST and slip[0] == word[0] and \
                difflib.SequenceMatcher(None, slip, word).ratio() >= _MISSPELT_CUTOFF:
            i, written = known[alias]
            return _rules()[i], written
    return None


def _standalone(text: str, start: int, end: int, heading_end: int) -> bool:
    """A text copy's line that can only be a heading: short, ending no sentence, and after a heading (ending at
    ``heading_end``), a blank line or a line that ends a sentence."""
    line = text[start:end]
    if len(line) > 40 or line.endswith((".", ",", ";")):
        return False
    before = text[max(heading_end, 0):start]
    if heading_end >= 0 and not before.strip():
        return True
    before = text[:start].rstrip(" \t")
    return not before or before.endswith("\n\n") or before.rstrip().endswith((".", ":", ")"))


def _caps_heading_in_text(text: str, start: int, last: tuple[object, ...], stack: list[tuple[str, int]]) -> bool:
    """Whether an upper-case line of a text copy (no markup) stands as a heading: not inside a case's Key
    Points or lab table, which a pdftotext copy flattens to one cell per line ('HBV DNA', 'HCV RNA', 'TMP/SMZ'
    column heads), and after a blank line, a heading (``last`` found, ending at ``last[5]``) or a line that ends a
    sentence, a table row or a label's line, not after a cell it continues ('RRMS,' / 'SPMS, CIS'; 'Human' /
    'RANKL')."""
    if any(sid in ("key_points", "laboratory_values") for sid, _ in stack):
        return False
    before = text[:start].rstrip(" \t")
    if before.endswith("\n\n") or not before[int(str(last[5])):].strip():
        return True
    prev = before.rstrip()
    prev = prev[prev.rfind("\n") + 1:]
    # a sentence's end, a table's last row ('Breast and gastric cancer' in its tab-separated row) or a label's
    # line ('Drug Class: Antihypertensive Agents')
    return prev.endswith((".", ":", ")")) or "\t" in prev or _LABEL_LINE.match(prev) is not None


def _line_after(text: str, end: int) -> str:
    """The line after the one ending at ``end``."""
    after_end = text.find("\n", end + 1)
    return text[end + 1:after_end if after_end >= 0 else len(text)]


def _subheading_follows(text: str, end: int) -> bool:
    """Whether the line after the one ending at ``end`` is a known subheading of the OVERVIEW (Introduction,
    Background, ...: an agent's own sections in a class chapter), not a case's (Key Points, Comment)."""
    known = match_heading(_line_after(text, end))
    return known is not None and known[0].parent == "overview"


def _next_known_heading(text: str, end: int, window: int) -> _Rule | None:
    """The rule of the next line after the one ending at ``end`` that is a known heading, within ``window``
    characters (line by line)."""
    pos, stop = end + 1, min(len(text), end + window)
    while pos < stop:
        nl = text.find("\n", pos, stop)
        line = text[pos : nl if nl >= 0 else stop]
        known = match_heading(line) if line[:1].isupper() and len(line) < 80 else None
        if known is not None:
            return known[0]
        if nl < 0:
            break
        pos = nl + 1
    return None


def _overview_goes_on(text: str, end: int) -> bool:
    """Whether the next known heading after the line ending at ``end`` is an OVERVIEW subheading: a line in
    capitals before it is then no top heading that would close the OVERVIEW (a figure's title in a
    Histopathology paragraph, Allopurinol's 'GRANULOMATOUS HEPATITIS', before 'Mechanism of Injury')."""
    known = _next_known_heading(text, end, 12000)  # a few pages at most
    return known is not None and known.parent == "overview"


def _heading_again(text: str, end: int, section_id: str) -> bool:
    """Whether the next known heading after the line ending at ``end`` opens a section of the same kind: a case
    has one comment, so a 'Comments' column head of a lab table is no heading when the case's 'Comment' follows
    (Tranylcypromine: the head, then a note spanning the row, 'Dates and values estimated from Figure 1. ...')."""
    known = _next_known_heading(text, end, 3000)
    return known is not None and known.id == section_id


def _table_cell(text: str, end: int) -> bool:
    """Whether the line ending at ``end`` reads as a cell of a table copied one cell per line (pdftotext): the
    cell's own short lines ('HBV DNA' / '(copies/mL)'), a blank line, then a short line that ends no sentence
    ('Comments' / '' / 'Eosinophils=487')."""
    lines = text[end + 1:end + 400].split("\n")
    rest = 0
    while rest < min(len(lines), 2) and lines[rest].strip() and len(lines[rest]) < 30:
        rest += 1
    if rest >= len(lines) - 1 or lines[rest].strip():
        return False
    nxt = next((line.strip() for line in lines[rest:] if line.strip()), "")
    return len(nxt) < 60 and not nxt.endswith(".")


def _title_case_heading(text: str, start: int, end: int, heading_end: int, heading_level: int) -> bool:
    """A text copy's line in title case that stands as a heading by its place (`Reye Syndrome`, `Levonorgestrel`,
    `Vitamin B1, Thiamine`; the NXML marks them as titles): after a heading, a blank line or a line ending a
    sentence, and before a paragraph or a known subheading ('Introduction'). A title-case line among short
    ones (a flattened table, a name on its own) or before a list (a list's caption) is left as text."""
    line = text[start:end]
    if len(line) > 70 or not line[:1].isupper() or line == line.upper() or line.endswith(",") \
            or not _TITLE_HEADING.fullmatch(line) or match_heading(line) is not None:
        return False
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return False
    if heading_end >= 0 and not text[heading_end:line_start].strip():
        # right under a subheading it would leave that one empty: a stray line (a PDF's running header)
        if heading_level > 1:
            return False
    else:
        before = text[:line_start].rstrip(" \t")
        last = before[before.rstrip().rfind("\n") + 1:].strip()
        # a section's placeholder alone under it vouches for it after any line (a reference ending with its
        # PubMed id: Phenotypes_immun, _tumor as their NXML's text gives them)
        if not (before.endswith("\n\n") or last.endswith((".", ":", ")", "]"))) \
                and not _placeholder_follows(text, end):
            return False
    after_start = text.find("\n", end)
    if after_start < 0:
        return False
    after_end = text.find("\n", after_start + 1)
    after = text[after_start + 1:after_end if after_end >= 0 else len(text)]
    return len(after) >= 80 and after[:1].isupper() and "\t" not in after or _subheading_follows(text, end) \
        or _placeholder_follows(text, end)


def _placeholder_follows(text: str, end: int) -> bool:
    """Whether the line after the one ending at ``end`` is a section's placeholder alone ('[Under Construction]')."""
    return _PLACEHOLDER.fullmatch(_line_after(text, end).strip()) is not None


def sectionize(doc: Document) -> list[SectionSpan]:
    """Find every section of ``doc`` in document order, with nesting resolved."""
    text = doc.text
    hinted = _hinted_heading_starts(doc)
    found: list[tuple[str, str, int, str | None, int, int, int | None, str | None, str | None]] = []
    stack: list[tuple[str, int]] = []  # (id, level) of open sections
    skip = -1  # the start of a line already read as the rest of a case title
    table_starts = {t.start for t in doc.tables}  # an upper-case line just before a table is its caption
    for start, end in candidate_lines(text, hinted):
        raw = text[start:end]
        line = raw.strip()
        if not line or start == skip:
            continue
        s = start + (len(raw) - len(raw.lstrip()))
        e = s + len(line)
        hit = match_heading(line)
        misspelt = None
        if hit is None and (s in hinted or (not hinted and _standalone(text, s, e, found[-1][5] if found else -1))) \
                and (close := misspelt_heading(line)) is not None:
            hit, misspelt = (close[0], None), close[1]
        if hit is not None and not _parent_open(hit[0], stack):
            hit, misspelt = None, None
        # ('Comment' itself is the book's heading: all 239 dev cases head their comment so, and a pdftotext copy
        # may print the table's last column after it, Aspirin, Nafcillin, Vismodegib)
        if not hinted and stack and stack[-1][0] == "laboratory_values" and (hit is None or hit[0].parent == "case") \
                and line != "Comment" and (_table_cell(text, end) or hit is not None and _heading_again(text, end, hit[0].id)):
            continue  # a column header of a lab table copied one cell per line ('Comments', 'HBV DNA')
        if hit is not None:
            rule, m = hit
            while stack and stack[-1][1] >= rule.level:
                stack.pop()
            parent = stack[-1][0] if stack and rule.parent is not None else None
            groups = m.groupdict() if m is not None else {}
            # too large a number: None, the text kept
            number = to_count(groups["number"]) if groups.get("number") else None
            case_title = groups["title"].strip() if groups.get("title") is not None else None
            if case_title is not None and (wrapped := _title_continuation(text, end, case_title)):
                line, e, skip = f"{line} {wrapped[0]}", wrapped[1], end + 1
                case_title = f"{case_title} {wrapped[0]}"
            found.append((rule.id, line, rule.level, parent, s, e, number, case_title, misspelt))
            stack.append((rule.id, rule.level))
            continue
        top = next((sid for sid, lv in stack if lv == 1), None)
        title_case = not hinted and found and end + 1 not in table_starts \
            and _title_case_heading(text, s, e, found[-1][5], found[-1][2])
        # a heading over its placeholder alone is a section of the chapter, even after its references
        placeholder = bool(title_case) and _placeholder_follows(text, end)
        title_case = title_case and (top not in _NO_CAPS_HEADINGS or placeholder)
        if s in hinted or title_case or (found and _CAPS_HEADING.match(line) and end + 1 not in table_starts
                                         and top not in _NO_CAPS_HEADINGS
                                         and (bool(hinted) or _caps_heading_in_text(text, s, found[-1], stack))):
            # in a text copy, a heading inside a top section (title case, or capitals over known subheadings:
            # ThrombopoietinRecept's 'ELTROMBOPAG' / 'Background') is a subheading; a case's comment ends the case
            # reports (every heading after a comment in the dev NXML, but the next case's, is a top one)
            after_comment = bool(stack) and stack[-1][0] == "comment"
            level = hinted.get(s, 2 if top is not None and not placeholder and not after_comment
                               and (title_case or _subheading_follows(text, end)
                                    or top == "overview" and _overview_goes_on(text, end)) else 1)
            while stack and stack[-1][1] >= level:
                stack.pop()
            parent = stack[-1][0] if stack else None
            found.append(("other", line, level, parent, s, e, None, None, None))
            stack.append(("other", level))
    sections: list[SectionSpan] = []
    for i, (sid, title, level, parent, s, e, number, case_title, misspelt) in enumerate(found):
        end = len(text)
        for later in found[i + 1 :]:
            if later[2] <= level:
                end = later[4]
                break
        end = _trim_end(text, e, end)
        sections.append(SectionSpan(sid, title, level, parent, s, e, end, number, case_title, misspelt))
    return sections


def candidate_lines(text: str, hinted: dict[int, int]) -> list[tuple[int, int]]:
    """(start, end) of every line of ``text`` that can be a heading, in order: at most 80 characters once
    stripped (the heading table and the capitals rule look at nothing longer), led by 'Case' (a case title
    runs long), or marked by the reader (``hinted``: where a heading starts). Most lines of a chapter are
    longer paragraphs: they are left out by their length alone."""
    lines = text.split("\n")
    starts = accumulate(map((1).__add__, map(len, lines)), initial=0)
    out = []
    for start, line in zip(starts, lines):
        if len(line) > 80:
            stripped = line.lstrip()
            if len(stripped.rstrip()) > 80 and not stripped.startswith("Case") and \
                    start + len(line) - len(stripped) not in hinted:
                continue
        out.append((start, start + len(line)))
    return out


def _title_continuation(text: str, end: int, title: str) -> tuple[str, int] | None:
    """The next line (after the line ending at ``end``) when a case title wrapped onto it ('Case 1. Acute
    hepatitis due to' / 'venlafaxine.(1)'): the title does not end a sentence and the next line is short,
    ends one, and is no heading."""
    if not title or title.endswith((".", ")", "]")) or end >= len(text):
        return None
    start = end + 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    nxt = text[start:end].strip()
    if not nxt or len(nxt) > 80 or not nxt.endswith((".", ")", "]")) or match_heading(nxt) is not None:
        return None
    return nxt, start + text[start:end].index(nxt) + len(nxt)


def _parent_open(rule: _Rule, stack: list[tuple[str, int]]) -> bool:
    """A rule with a parent matches only inside it; overview children also before any top heading."""
    if rule.parent is None or any(sid == rule.parent for sid, _ in stack):
        return True
    return rule.parent == "overview" and not any(level == 1 for _, level in stack)


def _trim_end(text: str, floor: int, end: int) -> int:
    while end > floor and text[end - 1].isspace():
        end -= 1
    return end


def _hinted_heading_starts(doc: Document) -> dict[int, int]:
    """Heading line starts that the reader knows from markup (NXML ``sec/title``) -> level."""
    hints = doc.extra.get("sections")
    out: dict[int, int] = {}
    if isinstance(hints, list):
        for h in hints:
            if isinstance(h, dict) and isinstance(h.get("start"), int):
                out[h["start"]] = int(h.get("level") or 1)
    return out
