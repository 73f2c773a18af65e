"""Chapter-level facts: title, last update, likelihood scores, drug class, subclass, trade names, chemicals.

Each reader returns values with the span of text they came from, plus warnings for what it could not read.
Tables read by a PDF or XML reader are used when present; otherwise the same facts are read from the lines
of text copied out of a PDF.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from ..document import Document, Table, text_lines
from ..rules import load_table
from .formulas import descriptions, parse_formula, read_formula_cell
from .normalize import CAS_RE, cas_check_digit_ok, item_spans
from .sections import SectionSpan

if TYPE_CHECKING:
    from .drug_lexicon import DrugInfo  # the dictionary loads only when a chapter needs it

_SCORE_TAIL = (
    r"(?P<letter>[A-Z])(?![A-Za-z])(?P<star>\s?\*)?(?P<q>\s*\[\s*[A-Za-z ]{1,10}\s*\])?"
    r"(?:\s*\((?P<text>[^()]*(?:\([^()]*\)[^()]*)*)\))?"
)
# 'Likelihood score' and the spellings the book prints: Likehood, Liklihood, Likelhood, Likelihod
SCORE_WORD = r"[Ll]ik(?:e|el|eli|li|ley|ely)?h(?:oo|o)d\s*[Ss]cores?"
_NOT_AN_AGENT = {"the", "a", "its", "their", "overall", "final", "this"}
LIKELIHOOD_RE = re.compile(
    r"(?:(?<![^\n])(?P<agent_pre>[A-Z][\w-]*(?:[ ][A-Za-z][\w-]*){0,2})[ ](?=[Ll]ik))?"
    + SCORE_WORD +
    r"(?:\s*\((?P<agent_paren>[^)]{1,80})\)|\s+for\s+(?P<agent_for>[^:\n]{1,160}?)"
    r"|\s*,\s*(?P<agent_comma>[^:\n,]{1,80}?)|\s+(?P<use>(?:when|in|with|as|during)\b[^:\n]{1,120}?)"
    r"|\s+(?!of\b)(?P<agent_bare>[a-z][\w-]*(?:[ ][a-z][\w-]*)?))?"
    r"\s*:\s*(?:[Cc]ategory\s+)?" + _SCORE_TAIL,
)
# in prose: 'have likelihood scores "C" (probable ...)'
LIKELIHOOD_QUOTED_RE = re.compile(
    SCORE_WORD + r"\s+(?:of\s+)?[\"“](?P<letter>[A-Z])(?P<star>\*)?(?P<q>)[\"”]"
    r"(?:\s*\((?P<text>[^()]*(?:\([^()]*\)[^()]*)*)\))?"
)
# a second score in the same statement, for a second use of the product: '...: A (...) and C (...)'
_SCORE_MORE = re.compile(r"\s*(?:,|;|\band\b|\bor\b)\s*" + _SCORE_TAIL)
VALID_SCORES = ("A", "B", "C", "D", "E", "E*", "X")
_SCORE_HEADER = re.compile(SCORE_WORD)
TABLE_SCORE = re.compile(r"^(?P<letter>[A-Z])(?P<star>\*)?(?P<q>\s*\[\s*[A-Za-z ]{1,10}\s*\])?$")
_LAST_UPDATE = re.compile(r"^Last\s+Update:\s*(?P<date>[A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4})\.?\s*$", re.MULTILINE)
_DRUG_CLASS_LINE = re.compile(r"^Drug\s+Class:\s*(?P<cls>[^\n]+?)\s*$", re.MULTILINE | re.IGNORECASE)
# the subclass's name after a comma, a space or 'for', or in parentheses: 'Other Drugs in the Subclass,
# Antihistamines:', '... Subclass Endothelin Receptor Antagonists:', '... Class for Influenza:', '... Subclass
# (Primary Thrombocythemia):'
_SUBCLASS = re.compile(
    r"^(?:Other\s+)?Drugs\s+in\s+the\s+(?:Sub-?)?class(?:\s*\((?P<paren>[^()\n:]+)\)|(?:\s*,\s*|\s+for\s+|\s+)"
    r"(?P<name>[^:\n]+?))?\s*:\s*",
    re.MULTILINE | re.IGNORECASE
)
_TRADE_LINE = re.compile(r"^(?P<agent>[^\n–—]+?)\s+[–—-]\s+(?P<names>[^\n]+)$")
# a name, up to a comma outside parentheses; notes in parentheses (maker, form, 'currently discontinued')
# are not part of the name
_TRADE_ITEM = re.compile(r"(?:[^,(]|\([^)]*\)?)+")
_TRADE_MARKED = re.compile(r"[®™]")
_TRADE_MARKS = re.compile(r"[®™©]")
_NOT_TRADE_NAMES = {"generic", "various", "various generic", "generics", "none", "not available",
                    "combination products", "in combination"}
# what the STRUCTURE column holds instead of a picture ('No Structure': Heparin, LMW-Heparins, Lavender, Rilonacept,
# Sarilumab; 'Complex Polypeptide', 'No Image', 'Add Structure' in the dev chapters)
_STRUCTURE_WORDS = {"protein", "mixture", "not available", "polymer", "peptide", "polypeptide",
                    "oligonucleotide", "glycoprotein", "antibody", "monoclonal antibody", "not applicable",
                    "no structure", "complex polypeptide", "no image", "add structure"}
# a CAS number in a table cell, with the form it names: '17140-81-7 (Monohydrate)', '518-28-5 ID: JW05850000'
_CAS_IN_CELL = re.compile(r"(?<![\d-])(?P<cas>\d{2,7}-\d{2}-\d)(?![\d-])(?:\s*\((?P<form>[^)]{1,40})\))?")
_NO_CAS = frozenset({"not available", "not applicable", "no information", "none", "unknown"})
# what else the book writes in the registry column: 'ID: FL96000000', '0977070679', 'R400000000', 'xxxxx'
_REGISTRY = re.compile(r"ID:\s*\S+|(?=\S*\d)[A-Za-z\d-]+|x+")
# a drug cell wrapped after a hyphen keeps the break as a space ('Ticarcillin-<break/> Clavulanic Acid',
# 'Sulfamethoxazole- Trimethoprim'), and pdftotext drops the hyphen itself ('SulfamethoxazoleTrimethoprim'):
# no drug of the book's chemical tables is written either way
_HYPHEN_BREAK = re.compile(r"(?<=[A-Za-z])-\s+(?=[A-Z])")
_HYPHEN_LOST = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z]{2})")
_CHEM_HEADER = re.compile(r"^(?:DRUG|CAS REGISTRY (?:NO\.?|NUMBER)|MOLECULAR FORMULA|STRUCTURE|\s)+$")


@cache
def _chem_row() -> re.Pattern[str]:
    """A chemical table row on one line; the formula is one token or one of the book's descriptions
    ("Monoclonal Antibody", rules/formulas.json), which hold spaces."""
    words = "|".join(re.escape(d).replace(r"\ ", r"\s+") for d in sorted(descriptions(), key=len, reverse=True))
    return re.compile(
        r"^(?P<drug>[A-Za-z][^\t]*?)\s+(?P<cas>\d{2,7}-\d{2}-\d|Not Available)\s+"
        rf"(?P<formula>(?i:{words})(?=\s|$)|\S+)(?:\s+(?P<structure>.+))?$"
    )


@dataclass(frozen=True, slots=True)
class Found:
    """A value with the span it was read from."""

    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ScoreFound:
    agents: tuple[str | None, ...]
    letter: str
    qualifier: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ChemicalRow:
    drug: str
    cas: str | None
    formula_text: str
    structure: str | None
    start: int
    end: int


def body(doc: Document, sec: SectionSpan) -> tuple[str, int]:
    """Text of a section after its heading line, and the offset where it starts."""
    start = min(sec.heading_end + 1, sec.end)
    return doc.text[start : sec.end], start


def find_title(doc: Document, sections: list[SectionSpan]) -> Found | None:
    """The chapter title: the lines before 'Last Update' (a long title wraps), else the first line before
    the first heading."""
    limit = sections[0].start if sections else len(doc.text)
    lines: list[tuple[int, str]] = []
    for pos, line in text_lines(doc.text[:limit]):
        stripped = line.strip()
        if stripped:
            if _LAST_UPDATE.match(stripped):
                break
            lines.append((pos + line.index(stripped), stripped))
    else:
        lines = lines[:1]
    if not lines or len(lines) > 3:
        lines = lines[:1]
    if not lines:
        return None
    start, end = lines[0][0], lines[-1][0] + len(lines[-1][1])
    return Found(" ".join(text for _, text in lines), start, end)


def find_last_update(doc: Document) -> str | None:
    """ISO date of 'Last Update: January 15, 2017.' (or the reader's own metadata)."""
    meta = doc.extra.get("last_update")
    if isinstance(meta, str):
        return meta
    m = _LAST_UPDATE.search(doc.text[:2000])
    if not m:
        return None
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y"):
        try:
            return datetime.strptime(m.group("date"), fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _agents_from(text: str | None) -> tuple[str | None, ...]:
    if not text:
        return (None,)
    names = re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*/\s*", text.strip())
    return tuple(n.strip() for n in names if n.strip()) or (None,)


_IK = re.compile("ik")  # a literal: searched fast; a pattern opening with a class ('[Ll]ik') is tried at every position


def _lik_positions(text: str) -> Iterator[int]:
    """Where 'Lik' or 'lik' starts in ``text``: the only places a score statement's score word can start."""
    for m in _IK.finditer(text):
        at = m.start() - 1
        if at >= 0 and text[at] in "Ll":
            yield at


def likelihood_matches(text: str) -> Iterator[re.Match[str]]:
    """``LIKELIHOOD_RE.finditer(text)``, trying only where a match can start: at a 'Lik'/'lik', or at the
    start of its line (the optional agent before the score word stays on that line). Scanning the whole
    text position by position is slow: the pattern has no literal prefix."""
    pos = 0
    for at in _lik_positions(text):
        if at < pos:
            continue
        line_start = text.rfind("\n", 0, at) + 1
        for start in ((line_start, at) if pos <= line_start < at else (at,)):
            m = LIKELIHOOD_RE.match(text, start)
            if m is not None:
                yield m
                pos = m.end()
                break


def _quoted_matches(text: str) -> Iterator[re.Match[str]]:
    """``LIKELIHOOD_QUOTED_RE.finditer(text)``, tried only at 'Lik'/'lik' (where every match starts)."""
    pos = 0
    for at in _lik_positions(text):
        if at >= pos and (m := LIKELIHOOD_QUOTED_RE.match(text, at)) is not None:
            yield m
            pos = m.end()


def line_start_search(pattern: re.Pattern[str], text: str, firsts: str) -> re.Match[str] | None:
    """``pattern.search(text)`` for a MULTILINE pattern that matches only at a line start whose first
    character is one of ``firsts``: tried at those line starts alone (an IGNORECASE pattern opening with
    '^' is otherwise tried at every position of the text)."""
    if text[:1] in firsts and text[:1] and (m := pattern.match(text, 0)):
        return m
    pos = text.find("\n")
    while pos != -1:
        if text[pos + 1 : pos + 2] in firsts and text[pos + 1 : pos + 2] and (m := pattern.match(text, pos + 1)):
            return m
        pos = text.find("\n", pos + 1)
    return None


def find_scores(text: str, offset: int = 0) -> list[ScoreFound]:
    """Every likelihood score statement in ``text``; one entry per statement, naming its agents."""
    out = []
    for m in likelihood_matches(text):
        agent = m.group("agent_paren") or m.group("agent_for") or m.group("agent_comma") or m.group("agent_bare")
        pre = m.group("agent_pre")
        if not agent and pre and pre.split()[0].lower() not in _NOT_AN_AGENT:
            agent = pre
        agents = _agents_from(agent)
        start = m.start() if not pre or agent == pre else m.start() + len(pre) + 1
        out.append(_score(m, agents, offset + start, offset))
        pos = m.end()
        while m.group("text") is not None and (more := _SCORE_MORE.match(text, pos)) and more.group("text"):
            out.append(_score(more, agents, offset + more.start("letter"), offset))
            pos = more.end()
            m = more
    for m in _quoted_matches(text):
        out.append(_score(m, (None,), offset + m.start(), offset))
    return sorted(out, key=lambda f: f.start)


def find_table_scores(doc: Document) -> list[tuple[str | None, ScoreFound]]:
    """Scores printed in a table column headed 'Likelihood Score' (class overviews list their agents so),
    with the agent named in the row's first cell (without the brand name when the column holds both)."""
    out: list[tuple[str | None, ScoreFound]] = []
    for table in doc.tables:
        header_at = next((n for n, row in enumerate(table.rows)
                          if any(_SCORE_HEADER.search(c.text) for c in row)), None)
        if header_at is None:
            continue
        header = table.rows[header_at]
        col = next(n for n, c in enumerate(header) if _SCORE_HEADER.search(c.text))
        with_brand = "brand" in header[0].text.lower()
        for row in table.rows[header_at + 1:]:
            if col >= len(row) or col == 0:
                continue
            m = TABLE_SCORE.match(row[col].text)
            if not m:
                continue
            words = row[0].text.split()
            if with_brand and len(words) > 1:
                # 'Interferon beta-1a Avonex, Rebif': the brands are the last word and those before it
                # that end a list item
                words.pop()
                while len(words) > 1 and words[-1].endswith(","):
                    words.pop()
            agent = " ".join(words) or None
            cell = row[col]
            out.append((agent, ScoreFound((agent,), *score_letter(m), "", cell.start, cell.end)))
    return out


def score_letter(m: re.Match[str]) -> tuple[str, str | None]:
    """The score a match of the score patterns gives: its letter (with its '*') and its bracketed qualifier."""
    letter = m.group("letter") + ("*" if m.group("star") else "")
    return letter, m.group("q").strip().strip("[]").strip() if m.group("q") else None


def _score(m: re.Match[str], agents: tuple[str | None, ...], start: int, offset: int) -> ScoreFound:
    letter, qualifier = score_letter(m)
    explanation = re.sub(r"\s+", " ", m.group("text") or "").strip()
    return ScoreFound(agents, letter, qualifier, explanation, start, offset + m.end())


def find_drug_class(doc: Document, sections: list[SectionSpan]) -> Found | None:
    """'Drug Class: X' in the overview, else the first line of the DRUG CLASS section."""
    m = line_start_search(_DRUG_CLASS_LINE, doc.text, "Dd")
    if m:
        return Found(m.group("cls").strip(), m.start("cls"), m.start("cls") + len(m.group("cls").strip()))
    for sec in sections:
        if sec.id == "drug_class":
            text, start = body(doc, sec)
            for line in text.split("\n"):
                if line.strip():
                    s = start + text.index(line.strip())
                    return Found(line.strip(), s, s + len(line.strip()))
    return None


_BULLET_LINE = re.compile(r"[ \t]*•[ \t]*(?P<item>[^\n]*)")


def _bulleted_drugs(text: str, pos: int) -> list[Found]:
    """The drugs of a bulleted list after 'Other Drugs in the Class:' ending its line (Alfuzosin): each group
    named on a bullet ('Alpha-1 Adrenergic Receptor Antagonists', or on the line after a bullet printed alone, as
    a copy may have it) with its drugs on the next ('• Doxazosin, Silodosin, Tamsulosin, Terazosin'). A bullet
    with no comma whose next line lists drugs names their group and is no drug."""
    lines: list[tuple[str, int]] = []  # (item, its start) of each line of the list
    at = text.find("\n", pos) + 1
    bullet_alone = False
    while 0 < at < len(text):
        end = text.find("\n", at)
        end = len(text) if end == -1 else end
        line = text[at:end]
        b = _BULLET_LINE.fullmatch(line)
        if b is not None:
            if b.group("item").strip():
                lines.append((b.group("item"), at + b.start("item")))
            bullet_alone = not b.group("item").strip()
        elif bullet_alone and line.strip():
            lines.append((line, at))  # the item of a bullet printed alone on the line before
            bullet_alone = False
        else:
            break
        at = end + 1
    return [drug for k, (item, start) in enumerate(lines)
            if "," in item or k + 1 == len(lines) or "," not in lines[k + 1][0]  # not a group's name over its drugs
            for drug in _comma_items(item, start)]


def _comma_items(text: str, base: int) -> list[Found]:
    """The items of a comma-separated list (``text`` starting at ``base``), each stripped, with its span."""
    out = []
    for m in re.finditer(r"[^,\n]+", text):
        item = m.group(0).strip()
        if item:
            s = base + m.start() + m.group(0).index(item)
            out.append(Found(item, s, s + len(item)))
    return out


# an overview's list of the drugs it leaves to their own chapters: short bullets ('• Atorvastatin', '• Atropine,
# Homatropine', '• Acyclovir (HSV, VZV)', '• Antifolates: Methotrexate'), split at commas, semicolons, ' and ' and
# '/' outside parentheses
_LISTED_AGENT_SPLIT = re.compile(r"[()]|[,;/]|\s+and\s+")  # with the parentheses item_spans counts
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_LONGEST_AGENT_BULLET = 1500  # a longer bullet is prose (as is one holding a sentence: Bisphosphonates' agents)
_WORDS = re.compile(r"[^\W\d_]+")
_BULLET_START = re.compile(r"^[ \t]*•[ \t]*(?P<item>[^\n]*)", re.MULTILINE)


def _wrapped_bullet(text: str, start: int, end: int) -> str:
    """A bullet's item whose line (``text[start:end]``) ends with a comma, in a text copy: the list runs on over
    the next lines, which the page wrapped ('• Amprenavir, ..., Saquinavir,' / 'Tipranavir'), up to a line ending
    otherwise; when a bullet follows at once, the item names the group over a nested list ('• Omega-3 Fatty
    Acids,' / '• Icosapent Ethyl': the NXML's item holds the nested list after the comma) and is none."""
    wrapped = False
    while text[end - 1] == ",":
        nl = text.find("\n", end + 1)
        line = text[end + 1 : nl if nl >= 0 else len(text)]
        if line.lstrip().startswith("•") and not wrapped:
            return ""
        if not line.strip() or line.lstrip().startswith("•"):
            break
        end, wrapped = end + 1 + len(line), True
    return text[start:end]


def _combination_brand(name: str, generic: str) -> bool:
    """Whether ``name`` is a combination's brand: its generic names several drugs and it shares no word with them
    ('Harvoni': Ledipasvir and Sofosbuvir; 'Salbutamol', whose generic is Albuterol, is a drug)."""
    return (" and " in generic or "," in generic) and not set(_WORDS.findall(name.lower())) & set(
        _WORDS.findall(generic.lower()))


def _a_generic(name: str, info: DrugInfo | None) -> bool:
    """Whether ``name``, whose dictionary entry is ``info``, names a generic: known, neither a brand nor a
    combination's brand."""
    return info is not None and not info.brand and not _combination_brand(name, info.generic)


def _generic_combination(name: str) -> bool:
    """Whether ``name`` joins drugs the dictionary knows by hyphens, each a generic ('Quinupristin-Dalfopristin',
    'Piperacillin-Tazobactam': a combination's chapter under its generics)."""
    from .drug_lexicon import lookup

    parts = [part.strip() for part in name.split("-")]
    return len(parts) > 1 and all(_a_generic(part, lookup(part)) for part in parts)


def discussed_agents(doc: Document, sections: list[SectionSpan]) -> list[Found]:
    """The drugs a class overview lists on bullets before its references ('The following medications are
    discussed individually:'), each a name the drug dictionary knows, generics it knows joined by hyphens, or
    the leading words of generics it knows (a drug named without its variant: 'Peginterferon', 'Asparaginase'), as
    the bullet writes it without its notes in parentheses: a group's name ('Fusion Inhibitors (HIV)', 'Monoclonal
    Antibodies'), a bracketed remark ('[Ezetimibe, used in combination]') and a brand ('Harvoni', 'Viekira Pak':
    a combination's chapter; its agents are the drugs) are none. Of 'group: drug' ('Triptans: Almotriptan') the
    side that is a drug ('Grazoprevir: Zepatier', its brand after it)."""
    # the dictionary loads only for the chapters that list agents
    from .drug_lexicon import leads_generics, lookup

    text = doc.text
    stop = min((s.start for s in sections if s.id in ("references", "annotated_bibliography")), default=len(text))
    found: list[Found] = []
    for b in _BULLET_START.finditer(text, 0, stop):
        item, base = b.group("item"), b.start("item")
        if item.endswith(","):
            item = _wrapped_bullet(text, base, b.end("item"))
        if not item or len(item) > _LONGEST_AGENT_BULLET or "\t" in item or ". " in item or item[0] == "[":
            continue
        for start, end in item_spans(item, _LISTED_AGENT_SPLIT):
            name = _PARENTHESES.sub("", item[start:end]).strip()
            if ":" in name:
                group, _, drug = name.partition(":")
                name = group.strip() if lookup(group.strip()) else drug.strip()
            info = lookup(name) if name and name[0] != "[" else None
            if _a_generic(name, info) or (info is None and name and (
                    _generic_combination(name) or (name[0].isupper() and leads_generics(name)))):
                at = text.find(name, base + start, base + end)
                found.append(Found(name, at, at + len(name)) if at >= 0 else Found(name, base + start, base + end))
    return found


def find_subclass(doc: Document) -> tuple[Found | None, list[Found]] | None:
    """'Other Drugs in the Subclass, <name>: A, B, C' (the list may wrap after a comma; some chapters give
    no subclass name)."""
    m = line_start_search(_SUBCLASS, doc.text, "OoDd")
    if not m:
        return None
    name = None
    group = "name" if m.group("name") else "paren" if m.group("paren") else None
    if group:
        name = Found(m.group(group).strip(), m.start(group), m.start(group) + len(m.group(group).strip()))
    colon = doc.text.rfind(":", m.start(), m.end())
    line_end = doc.text.find("\n", colon)
    if line_end > 0 and not doc.text[colon + 1 : line_end].strip():  # the list follows, a drug or group a line
        listed = _bulleted_drugs(doc.text, colon + 1)
        if listed:
            return name, listed
    pos = m.end()
    end = doc.text.find("\n", pos)
    end = len(doc.text) if end == -1 else end
    while doc.text[pos:end].rstrip().endswith(",") and end < len(doc.text):
        nxt = doc.text.find("\n", end + 1)
        end = len(doc.text) if nxt == -1 else nxt
    return name, _comma_items(doc.text[pos:end], pos)


def find_trade_names(doc: Document, sections: list[SectionSpan],
                     product: Found | None = None) -> list[tuple[Found, list[Found]]]:
    """(agent, [trade names]) per line of REPRESENTATIVE TRADE NAMES.

    'Generic' and 'Various' are not trade names, nor are notes in parentheses (the maker, 'currently
    discontinued'). A line that ends with a comma continues on the next (long lists wrap in text copied from
    a PDF), unless the next names an agent of its own. A line that names a marked product alone
    ('Herbalife®') gives the trade names of ``product`` (the chapter's title).
    """
    out: list[tuple[Found, list[Found]]] = []
    for sec in sections:
        if sec.id != "representative_trade_names":
            continue
        continues = False
        for pos, line in text_lines(*body(doc, sec)):
            stripped = line.strip()
            lead = pos + (line.index(stripped) if stripped else 0)
            m = _TRADE_LINE.match(stripped)
            if m:
                agent = Found(m.group("agent").strip(), lead, lead + len(m.group("agent").strip()))
                out.append((agent, _trade_names_in(m.group("names"), lead + m.start("names"))))
            elif continues and out and stripped:
                out[-1][1].extend(_trade_names_in(stripped, lead))
            elif product is not None and _TRADE_MARKED.search(stripped) and not stripped.startswith("("):
                out.append((product, _trade_names_in(stripped, lead)))
            continues = stripped.endswith(",")
    return out


def _trade_names_in(names: str, base: int) -> list[Found]:
    found = []
    for nm in _TRADE_ITEM.finditer(names):
        raw = nm.group(0).split("(")[0].strip()
        at = base + nm.start() + nm.group(0).index(raw)
        pieces = raw.split("/")
        if len(pieces) == 1 or not any(_TRADE_MARKS.sub("", p).strip().lower() in _NOT_TRADE_NAMES for p in pieces):
            pieces = [raw]  # 'Zyrtec®/Generic' (brand of one agent, generic of the other) is two items; a slash
        for piece in pieces:  # elsewhere is part of the name
            clean = _TRADE_MARKS.sub("", piece).strip()
            if clean and clean.lower() not in _NOT_TRADE_NAMES:
                s = at + piece.index(clean[0])
                found.append(Found(clean, s, s + len(clean)))
            at += len(piece) + 1
    return found


# An overview lists its agents in running text, each with its brands and the year it came to the US market (or
# its generation, or the dose of a combination product) in parentheses: 'fosinopril (Monopril: 1991)',
# 'fenofibrate (Lifibra, Tricor, Antara, Lipofen, Trigilde: 1993)', 'medroxyprogesterone (Provera and others:
# 1959)', 'Colchicine (1961: Colbenemid and others)', 'tolterodine (Detrol: 1998, U)', 'ceftazidime (Ceptaz,
# Fortaz: 3rd)', 'imipenem (im" i pen' em: 1985, Primaxin)', 'amlodipine ... with aliskiren (150 or 300 mg:
# Tekamlo)'.
# searched from the parenthesis (a regex opening with the words before it would be tried at every letter: ~7 ms
# a chapter), then the words just before it
_LISTED = re.compile(r"\((?P<inside>[^():;\n\[\]]{1,80}:[^():;\n\[\]]{1,60})\)")
_LISTED_BEFORE = re.compile(r"[A-Za-z][\w-]*(?: [A-Za-z][\w-]*){0,2} \Z")
_LISTED_ITEMS = re.compile(r"\s*(?:,|:|\band\b|\bor\b)\s*")
_LISTED_YEAR = re.compile(r"(?:1[89]|20)\d\d|[UGNRO]|\d(?:st|nd|rd|th)")  # approval year, availability, generation
_LISTED_DOSE = re.compile(r"\d+(?:\.\d+)?(?:\s*(?:mg|g|mcg|µg|μg|mL|%))?")  # a combination product's doses
_LISTED_BRAND = re.compile(r"[A-Z][A-Za-z]*(?:[- /][A-Za-z]+){0,3}")
_PRONUNCIATION = re.compile(r"[\"'’]")


def listed_brands(text: str) -> dict[str, str | None]:
    """brand -> the agent written before it (None for a combination product's brand, listed with doses), for
    every agent an overview lists with its brands and a year, a generation or doses in parentheses (above).
    Every item inside is a brand (capitalised, no digit, not a generic name), a year, an availability letter, a
    generation, a dose, a pronunciation or 'others'/'generic', and one at least is no brand; the agent is a name of
    the drug dictionary ('described it (Philippe Gaucher: 1882)' is no agent's) and a brand no author the chapter
    cites ('monitoring patients on tolcapone (Olanow: 2000)', 'Olanow CW, ...' in its references)."""
    from .drug_lexicon import lookup

    out: dict[str, str | None] = {}
    for m in _LISTED.finditer(text):
        before = _LISTED_BEFORE.search(text, max(0, m.start() - 100), m.start())
        if before is None:
            continue
        words = before.group().split()
        agent = next((" ".join(words[k:]) for k in range(len(words)) if lookup(" ".join(words[k:]))), None)
        if agent is None:
            continue
        brands: list[str] = []
        years = doses = 0
        for item in _LISTED_ITEMS.split(m.group("inside").strip()):
            low = item.lower()
            if not item or low in _NOT_TRADE_NAMES or low in ("others", "other") or _PRONUNCIATION.search(item):
                continue
            if _LISTED_YEAR.fullmatch(item):
                years += 1
            elif _LISTED_DOSE.fullmatch(item):
                doses += 1
            elif _LISTED_BRAND.fullmatch(item) and ((info := lookup(item)) is None or info.generic.lower() != low):
                brands.append(item)
            else:
                brands = []
                break
        for brand in brands if years or doses else ():
            if not re.search(re.escape(brand) + r" [A-Z]{1,3}[,.]", text):
                out.setdefault(brand, None if doses else agent)
    return out


def chemical_rows(doc: Document, sections: list[SectionSpan]) -> list[ChemicalRow]:
    """Rows of the chemical formula table: from the reader's table, else from the section's lines."""
    for sec in sections:
        if sec.id != "chemical_formula_and_structure":
            continue
        tables = [t for t in doc.tables if t.kind == "chemical" and sec.start <= t.start < max(sec.end, t.end)]
        if tables:
            return [row for t in tables for row in _rows_from_table(t)]
        return _rows_from_lines(*body(doc, sec))
    return []


def _column(header: list[str], texts: list[str], key: str, default: int) -> str:
    """The cell of ``texts`` under the header naming ``key`` (``default`` column without a header)."""
    i = next((j for j, name in enumerate(header) if key in name), default)
    return texts[i] if i < len(texts) else ""


def _rows_from_table(table: Table) -> list[ChemicalRow]:
    header: list[str] = []
    rows = []
    for cells in table.rows:
        texts = [c.text.strip() for c in cells]
        if not header and any("CAS" in t.upper() for t in texts):
            header = [t.upper() for t in texts]
            continue
        if not cells or not texts[0] or all(c.header for c in cells[1:] if c.text) and not header:
            continue
        rows.extend(_forms(texts[0], _column(header, texts, "CAS", 1), _column(header, texts, "FORMULA", 2),
                           _column(header, texts, "STRUCTURE", 3) or None, cells[0].start, cells[-1].end))
    return rows


def _forms(drug: str, cas_cell: str, formula: str, structure: str | None, start: int, end: int
           ) -> list[ChemicalRow]:
    """One table row's chemicals: one per form of the drug when the row lists several CAS numbers and as many
    formulas, in the same order ('67-20-9 17140-81-7 (Monohydrate) 54-87-5 (Sodium)' / 'C8-H6-N4-O5
    C8-H6-N4-O5.H2-O C8-H6-N4-O5.Na'); else one."""
    drug = _HYPHEN_BREAK.sub("-", drug)
    numbers = list(_CAS_IN_CELL.finditer(cas_cell))
    formulas = formula.split()
    if len(numbers) > 1 and len(formulas) == len(numbers):
        return [ChemicalRow(f"{drug} ({m.group('form')})" if m.group("form") else drug, m.group("cas"), f,
                            structure, start, end) for m, f in zip(numbers, formulas, strict=True)]
    return [ChemicalRow(drug, numbers[0].group("cas") if numbers else None, formula, structure, start, end)]


@dataclass(slots=True)
class _PartialRow:
    drug: str
    start: int
    end: int
    cas: str | None = None
    has_cas: bool = False
    formula: str | None = None
    structure: str | None = None


def _rows_from_lines(text: str, offset: int) -> list[ChemicalRow]:
    """Rows from text copied out of a PDF: one row per line, or one cell per line (pdftotext, cells apart by
    blank lines: a cell's own lines follow each other, 'Baloxavir' / 'Marboxil', a formula cut for want of
    room 'C55-H84-N20-O21-S2.C55-H' / '84-N17-O21-S3')."""
    done: list[ChemicalRow] = []
    partial: list[_PartialRow] = []
    last: str | None = None  # what the previous line, if not blank, was read as: "drug", "cas" or "formula"
    for pos, line in text_lines(text, offset):
        stripped = line.strip()
        s = pos + (line.index(stripped) if stripped else 0)
        e = s + len(stripped)
        was, last = last, None
        if not stripped or _CHEM_HEADER.match(stripped):
            continue
        full = _chem_row().match(stripped)
        if full:
            cas = full.group("cas")
            done.append(ChemicalRow(full.group("drug"), cas if CAS_RE.fullmatch(cas) else None,
                                    full.group("formula"), (full.group("structure") or "").strip() or None, s, e))
            continue
        row = partial[-1] if partial else None
        if re.fullmatch(r"[A-Z0][A-Za-z0-9.]*-(?:\s+[A-Za-z0-9.\-]+)+", stripped):
            stripped = re.sub(r"-\s+", "-", stripped)  # 'C24- H21-F2-N-O3': pdftotext spaced a line-end hyphen
        if row is not None and was == "drug" and not row.has_cas and re.match(r"^[A-Za-z\[(]", stripped):
            row.drug, row.end, last = f"{row.drug} {stripped}", e, "drug"
        elif row is not None and was == "formula" and row.formula is not None and re.fullmatch(r"[\w.\-()/]+", stripped):
            # a formula cut for want of room runs on; a second formula of the cell stands apart
            # (a line opening with a hyphen carries on the formula it cuts: 'C37-H48-N6' / '-O5-S2-S2', ViekiraPak)
            cut = row.formula + stripped
            row.formula = cut if parse_formula(cut) is not None or stripped.startswith("-") \
                else f"{row.formula} {stripped}"
            row.end, last = e, "formula"
        elif row is not None and was == "cas" and row.cas is not None and _CAS_IN_CELL.fullmatch(stripped):
            row.cas, row.end, last = f"{row.cas} {stripped}", e, "cas"  # another form: '54-87-5 (Sodium)'
        elif row is not None and not row.has_cas and row.formula is None and (
                CAS_RE.fullmatch(stripped) or stripped.lower() in _NO_CAS
                or _REGISTRY.fullmatch(stripped)):
            row.cas, row.has_cas, row.end = (stripped if CAS_RE.fullmatch(stripped) else None), True, e
            last = "cas"
        elif row is not None and not row.has_cas and re.fullmatch(r"\[Refer to .*\]", stripped):
            row.has_cas, row.end = True, e  # '[Refer to Emtricitabine Record.]' spans the row's other cells
        elif row is not None and row.formula is None and row.has_cas and (
                (re.search(r"\d", stripped) and re.fullmatch(r"[A-Z0(][A-Za-z0-9.\-()/]*", stripped))
                or stripped.casefold() in _descriptions() or parse_formula(stripped) is not None
                or read_formula_cell(stripped).kind == "placeholder"):  # 'xxxxx' (Voxilaprevir): reported so
            row.formula, row.end, last = stripped, e, "formula"
        elif row is not None and row.formula is not None and stripped.lower() in _STRUCTURE_WORDS:
            row.structure, row.end = stripped, e
        elif re.match(r"^(?:[A-Za-z]|\d[\d,]*-[A-Za-z]{3})", stripped) and len(stripped) <= 80:  # '17-Hydroxy...'
            partial.append(_PartialRow(stripped, s, e))
            last = "drug"
    for p in partial:
        if p.has_cas or p.formula:
            formula = " ".join(_lost_hyphen(f) for f in (p.formula or "").split())
            done.extend(_forms(_HYPHEN_LOST.sub("-", p.drug), p.cas or "", formula, p.structure, p.start, p.end))
    return sorted(done, key=lambda r: r.start)


def _lost_hyphen(formula: str) -> str:
    """A formula cell of a pdftotext copy with the hyphen put back where its line broke: pdftotext joins a
    line ending in a hyphen to the next without it ('C8-H9-N-' / 'O5' -> 'C8-H9-NO5'). Put back only when the
    formula does not read as it is and exactly one place between two elements makes it read."""
    if "-" not in formula or parse_formula(formula) is not None:
        return formula
    fixes = [formula[:m.start()] + "-" + formula[m.start():]
             for m in re.finditer(r"(?<=[A-Za-z\d])(?<!\.)(?=[A-Z])", formula)]
    readable = [f for f in fixes if parse_formula(f) is not None]
    return readable[0] if len(readable) == 1 else formula


@cache
def _descriptions() -> frozenset[str]:
    """The book's formula cells that describe instead ('Monoclonal Antibody', 'Recombinant Protein')."""
    return frozenset(d.casefold() for d in descriptions())


_CITED_ENTRY = re.compile(r"^(?P<n>\d{1,3})\.?\s+(?P<body>.*?)(?=^\d{1,3}\.?\s|\Z)", re.MULTILINE | re.DOTALL)
# the PubMed id that ends a reference: its pub-id as rendered ('... 2008;135:1924-34. 18955056'; an older,
# shorter one after the full stop that ends the citation: '... 1978;62:2125-6. 751721'), or written out, of any
# length ('... 1979; 277: 207-13. PMID:37733')
_TRAILING_PMID = re.compile(r"(?:\bPMID:?\s*(?P<labelled>\d{1,8})|\b(?P<pmid>\d{7,8})|(?<=\.\s)(?P<short>\d{5,6}))\s*$")
CITATION_MARK = re.compile(r"\((?P<n>\d{1,3})\)\.?\s*$")  # a stray stop after it: Rofecoxib


def cited_pmids(doc: Document, sections: list[SectionSpan]) -> dict[int, str]:
    """Reference number -> PubMed id from the CITED REFERENCE(S) list ('1 Author ... 2012 36 1724 8 23073329')."""
    out: dict[int, str] = {}
    for sec in sections:
        if sec.id != "references" or "CITED" not in sec.title.upper():
            continue
        text, _ = body(doc, sec)
        for m in _CITED_ENTRY.finditer(text):
            if pmid := trailing_pmid(m.group("body")):
                out.setdefault(int(m.group("n")), pmid)
    return out


def trailing_pmid(reference: str) -> str | None:
    """The PubMed id that ends a reference (:data:`_TRAILING_PMID`), if one does."""
    m = _TRAILING_PMID.search(reference.rstrip())
    return (m.group("labelled") or m.group("pmid") or m.group("short")) if m else None


# a case's source, as its narrative opens: '[Modified from: Iwanaga N, Origuchi T, ...', '[Modified from Case 1:
# Pauwels A, ...', '[Modified from: Case B in: Key NS, ...'
SOURCE_CITATION = re.compile(r"^\[(?:Modified |Adapted )?from:?\s*(?:[Cc]ase [\w ]{1,8}?:\s*)?(?P<cite>[^\]\n]{20,})",
                             re.IGNORECASE | re.MULTILINE)
_SOURCE_KEY = 40  # characters of a citation (authors, the title's start) that name its reference
# a line opening a reference: its first author ('Larrey D,', 'Ben Yahia M,', "O'Brien CB.")
_REFERENCE_START = re.compile(r"[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)* [A-Z]{1,3}[,.]")


def source_key(citation: str) -> str:
    """The opening of a citation, spaces evened, that finds it in the chapter's reference lists."""
    return " ".join(citation.split())[:_SOURCE_KEY]


def reference_pmid(doc: Document, sections: list[SectionSpan], citation: str) -> str | None:
    """The PubMed id ending the entry of the chapter's reference lists (REFERENCES, ANNOTATED BIBLIOGRAPHY)
    that opens as ``citation`` does (:func:`source_key`): one line in an NXML's text, lines wrapped in a PDF's
    (an entry runs on until a line opens another author list, a blank line or six lines). A text or PDF copy
    shows a case's source without the link that carries its PubMed id in the NXML ('PubMed Citation'); where
    the chapter lists the same paper, its entry gives the id. Only lines opening with the citation's first
    characters are read whole (a regex over every line of every list cost ~2.6 ms a chapter)."""
    key = source_key(citation)
    first = key[:12]
    for sec in sections:
        if sec.id not in ("references", "annotated_bibliography"):
            continue
        text, _ = body(doc, sec)
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if not line.startswith(first) or not _REFERENCE_START.match(line):
                continue
            entry = line
            for nxt in lines[i + 1 : i + 6]:
                if trailing_pmid(entry) or not nxt.strip() or _REFERENCE_START.match(nxt):
                    break
                entry += " " + nxt
            pmid = trailing_pmid(entry)
            if pmid and source_key(entry) == key:
                return pmid
    return None


def cas_valid(cas: str | None) -> bool | None:
    """Check digit verdict, None when there is no number."""
    return None if cas is None else cas_check_digit_ok(cas)


@cache
def _kind_signals() -> dict[str, frozenset[str]]:
    return {str(r["signal"]): frozenset(str(v) for v in r["values"]) for r in load_table("kinds").rules}


def chapter_kind(doc: Document, section_ids: set[str], title: str | None, *, agents_named: int,
                 own_agent: bool, scores: int, own_score: bool, cases: int) -> str:
    """What kind of chapter this is, from the signals in ``rules/kinds.json``.

    ``drug``: one agent with its own product information; ``class``: several agents with product information
    and likelihood scores (Barbiturates); ``overview``: a class overview without a score of its own, leaving
    it (and often the product information) to its agents' chapters (ARBs, Statins, Anticonvulsants);
    ``topic``: no monograph sections
    but case reports (the Phenotypes chapters); ``front_matter``: none of these (Glossary, Causality).
    """
    signals = _kind_signals()
    # 'Antithyroid Drugs', 'Cephalosporins, Parenteral': a part of the title ends with a class word
    class_title = any(part.split()[-1] in signals["class_title_words"]
                      for part in (title or "").lower().split(",") if part.split())
    # one monograph heading alone is no proof: the Glossary defines 'Hepatotoxicity' on a line of its own
    found = section_ids & signals["monograph_sections"]
    monograph = "overview" in found or len(found) >= 2 or scores > 0 \
        or line_start_search(_DRUG_CLASS_LINE, doc.text, "Dd") is not None
    if not monograph and not class_title:
        return "topic" if cases else "front_matter"
    if not section_ids & signals["agent_sections"]:
        # a score of the chapter's own (not per agent) makes it a drug chapter whose product information
        # was lost (text flattened by a copy)
        return "drug" if own_score else "overview"
    if own_agent and not class_title or agents_named <= 1 and not class_title:
        return "drug"
    return "class" if scores else "overview"


def mentions_liver(doc: Document) -> bool:
    """Whether the text is about the liver at all (LiverTox front matter is; an unrelated text is not)."""
    head = doc.text[:20000].lower()
    return any(word in head for word in _kind_signals()["liver_words"])
