"""What a LiverTox NXML chapter plainly contains, read straight from the XML with lxml.

Deliberately independent of the parser (no import from livertox_parse): the corpus report compares the two.
Each reader here is a few lines over the BITS markup the book uses; where the markup is ambiguous the oracle
errs towards counting (a miss is then looked at by hand and listed in the report).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

# "Likelihood score", and the spellings the book prints: Likehood, Liklihood, Likelihod, Likelhood ...
SCORE_WORD = re.compile(r"\bli[a-z]{0,4}h?o{1,2}d\s*scores?\b", re.IGNORECASE)
# a letter statement: the score word, an optional agent ("(x)", ", x", " for x"), a colon, the letter
SCORE_STATEMENT = re.compile(
    r"\bli[a-z]{0,4}h?o{1,2}d\s+scores?\b[^:.]{0,80}?:\s*[\"“]?([A-EX])(\*?)(?![A-Za-z])", re.IGNORECASE
)
SCORE_QUOTED = re.compile(r"\bli[a-z]{0,4}h?o{1,2}d\s+scores?\s+(?:of\s+)?[\"“]([A-EX])(\*?)[\"”]", re.IGNORECASE)
CASE_TITLE = re.compile(r"^\s*Case\s+\d+\b")
CAS = re.compile(r"\b\d{2,7}-\d{2}-\d\b")
NOT_BRANDS = {"generic", "various", "various generic", "none", "not available", "combination products",
              "in combination"}


@dataclass
class Plain:
    """What the XML of one chapter plainly says."""

    name: str
    title: str
    front_matter: bool
    scores: list[str] = field(default_factory=list)      # letters of every likelihood statement
    score_mentions: int = 0                               # paragraphs naming a likelihood score at all
    cases: list[str] = field(default_factory=list)        # case titles
    key_points: int = 0                                   # Key Points tables
    drug_class: str | None = None
    cas: list[str] = field(default_factory=list)
    trade_names: list[str] = field(default_factory=list)


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def read_plain(path: Path) -> Plain:
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    root = tree.getroot()
    title_el = root.find(".//book-part-meta//title")
    title = _text(title_el) if title_el is not None else path.stem
    body = root.find(".//body")
    plain = Plain(path.stem, title, front_matter=body is None or not len(body))
    if body is None:
        return plain
    for para in body.iter("p", "td", "th", "title"):
        if para.tag != "p" and any(child.tag == "p" for child in para):
            continue
        text = _text(para)
        if SCORE_WORD.search(text):
            plain.score_mentions += 1
            for m in SCORE_STATEMENT.finditer(text):
                plain.scores.append(m.group(1).upper() + m.group(2))
            for m in SCORE_QUOTED.finditer(text):
                plain.scores.append(m.group(1).upper() + m.group(2))
    _score_columns(body, plain)
    for sec in body.iter("sec"):
        title_el = sec.find("title")
        if title_el is None:
            continue
        sec_title = _text(title_el)
        if CASE_TITLE.match(sec_title):
            plain.cases.append(sec_title)
        if sec_title.lower().startswith("key points") and "Medication" in _text(sec):
            plain.key_points += 1
    for para in body.iter("p"):
        bold = para.find("bold")
        if bold is not None and CASE_TITLE.match(_text(bold)) and _text(para) == _text(bold):
            plain.cases.append(_text(bold))
    paras = [_text(p) for p in body.iter("p")]
    for n, text in enumerate(paras):
        if text.lower().startswith("drug class:") and plain.drug_class is None:
            plain.drug_class = text.split(":", 1)[1].strip() or None
        if text.upper() == "DRUG CLASS" and n + 1 < len(paras) and plain.drug_class is None:
            plain.drug_class = paras[n + 1] or None
    _chemicals(body, plain)
    _trade_names(body, plain)
    return plain


def _score_columns(body: etree._Element, plain: Plain) -> None:
    """Scores printed in a table column headed 'Likelihood score' (class chapters)."""
    for table in body.iter("table"):
        rows = list(table.iter("tr"))
        if not rows:
            continue
        at = next((n for n, row in enumerate(rows) if any(SCORE_WORD.search(_text(c)) for c in row)), None)
        if at is None:
            continue
        head = [_text(c) for c in rows[at] if c.tag in ("th", "td")]
        cols = [i for i, h in enumerate(head) if SCORE_WORD.search(h)]
        for row in rows[at + 1:]:
            cells = [_text(c) for c in row if c.tag in ("th", "td")]
            for i in cols:
                m = re.match(r"^([A-EX])(\*?)(?:\s*\[?HD\]?)?$", cells[i]) if i < len(cells) else None
                if m:
                    plain.scores.append(m.group(1) + m.group(2))


def _chemicals(body: etree._Element, plain: Plain) -> None:
    for table in body.iter("table"):
        rows = list(table.iter("tr"))
        if not rows:
            continue
        head = [_text(c).upper() for c in rows[0] if c.tag in ("th", "td")]
        if not any("CAS" in h for h in head):
            continue
        col = next(i for i, h in enumerate(head) if "CAS" in h)
        for row in rows[1:]:
            cells = [" ".join(c.itertext()) for c in row if c.tag in ("th", "td")]
            if col < len(cells):
                plain.cas.extend(CAS.findall(cells[col]))


def _trade_names(body: etree._Element, plain: Plain) -> None:
    """The paragraphs between REPRESENTATIVE TRADE NAMES and DRUG CLASS: 'Agent – Brand®, Brand®'."""
    for sec in body.iter("sec"):
        title_el = sec.find("title")
        if title_el is None or _text(title_el).upper() != "PRODUCT INFORMATION":
            continue
        on = False
        for para in sec.iter("p"):
            text = _text(para)
            upper = text.upper()
            if upper.startswith("REPRESENTATIVE TRADE NAME"):
                on = True
                continue
            if upper.startswith(("DRUG CLASS", "COMPLETE LABELING")):
                on = False
                continue
            if not on or not text or text.startswith("("):
                continue
            _, sep, names = text.partition(" \u2013 ")
            if not sep:
                _, sep, names = text.partition(" - ")
            for name in re.findall(r"(?:[^,(]|\([^)]*\)?)+", names if sep else text):
                name = re.sub(r"\s*\([^)]*\)?", "", name).replace("\u00ae", "").replace("\u2122", "").strip()
                name = name.rstrip(".;")
                parts = name.split("/")  # 'Zyrtec/Generic': one agent's brand, the other's generic
                if len(parts) > 1 and any(p.strip().lower() in NOT_BRANDS for p in parts):
                    plain.trade_names.extend(p.strip() for p in parts if p.strip().lower() not in NOT_BRANDS)
                elif name and name.lower() not in NOT_BRANDS:
                    plain.trade_names.append(name)
