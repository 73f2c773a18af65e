"""Stage 3: entities with provenance, from a rule-based spaCy pipeline on a blank English model.

The pipeline (built once, on first use; nothing is downloaded) is ``spacy.blank("en")`` plus

* an ``entity_ruler`` holding the drug lexicon (``rules/drugs.json``) as case-insensitive phrases: DRUG;
* ``livertox_chapter_terms``: a PhraseMatcher over the chapter's own names (title, agents, subclass,
  Key Points medication: DRUG; trade names: TRADE_NAME), handed in per document;
* ``livertox_regex_entities``: the package's regular expressions (lab values, durations, doses, likelihood,
  severity, pattern, CAS, formula, patient) with character offsets snapped to token boundaries.

A cheap pass picks the lines worth tokenising (a digit, or a word of a known name) outside the reference
lists, so spaCy never runs over the bibliography or over lines with nothing to find.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from .casereport import _lab_regex
from .chapter import LIKELIHOOD_RE
from .document import Document
from .models import Entity, Monograph
from .normalize import _PATIENT, CAS_RE, DOSE_RE, find_durations
from .rules import load_table
from .sectionize import SectionSpan

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

LABELS = ("DRUG", "TRADE_NAME", "LAB_VALUE", "DURATION", "DOSE", "LIKELIHOOD", "SEVERITY", "PATTERN", "CAS",
          "FORMULA", "PATIENT")
SKIPPED_SECTIONS = frozenset({"references", "annotated_bibliography"})

_SEVERITY = re.compile(r"(?<![\w+])[1-5]\+(?!\w)")
_PATTERN = re.compile(r"\b(?:hepatocellular|cholestatic|mixed)\b(?:\s*\(R\s*=\s*[~≈]?\s*\d+(?:\.\d+)?\))?", re.IGNORECASE)
_FORMULA = re.compile(r"(?<![\w-])(?:[A-Z][a-z]?\d*-){2,}[A-Z0][a-z]?\d*(?:\.[A-Z][a-z]?\d*)?(?![\w-])")
_TIMES_ULN = re.compile(r"\b\d+(?:\.\d+)?\s*(?:times|x|×|-fold)\s*(?:the\s+)?(?:ULN|upper\s+limit\s+of\s+normal)", re.IGNORECASE)
_REGEXES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("LIKELIHOOD", LIKELIHOOD_RE),
    ("PATIENT", _PATIENT),
    ("LAB_VALUE", _TIMES_ULN),
    ("CAS", CAS_RE),
    ("FORMULA", _FORMULA),
    ("SEVERITY", _SEVERITY),
    ("PATTERN", _PATTERN),
    ("DOSE", DOSE_RE),
)
_UNITS_WITH_STOP = ("U/L", "IU/L", "mg/dL", "µmol/L", "g/dL", "mg/kg", "mg/m2")


@cache
def _lexicon() -> tuple[str, ...]:
    return tuple(str(r["name"]) for r in load_table("drugs").rules)


def _register_components() -> None:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.util import filter_spans

    if "livertox_regex_entities" in Language.factories:
        return

    @Language.component("livertox_chapter_terms")
    def chapter_terms(doc: Doc) -> Doc:
        matcher: PhraseMatcher | None = doc.user_data.get("chapter_matcher")
        if matcher is None:
            return doc
        spans = [doc[s:e] for _, s, e in matcher(doc)]
        labelled = [doc.char_span(sp.start_char, sp.end_char, label=doc.vocab.strings[mid])
                    for (mid, _, _), sp in zip(matcher(doc), spans)]
        doc.ents = filter_spans([*doc.ents, *[s for s in labelled if s is not None]])
        return doc

    @Language.component("livertox_regex_entities")
    def regex_entities(doc: Doc) -> Doc:
        found = list(doc.ents)
        text = doc.text
        for label, pattern in _REGEXES:
            for m in pattern.finditer(text):
                span = doc.char_span(m.start(), m.end(), label=label, alignment_mode="expand")
                if span is not None and span.text.strip():
                    found.append(span)
        for d in find_durations(text):
            span = doc.char_span(d.start, d.end, label="DURATION", alignment_mode="expand")
            if span is not None:
                found.append(span)
        for m in _lab_regex().finditer(text):
            if m.group("unit"):
                span = doc.char_span(m.start(), m.end(), label="LAB_VALUE", alignment_mode="expand")
                if span is not None:
                    found.append(span)
        doc.ents = filter_spans(found)
        return doc


@cache
def get_nlp() -> Language:
    """The shared pipeline, built once per process."""
    import spacy

    _register_components()
    from spacy.symbols import ORTH

    nlp = spacy.blank("en")
    for unit in _UNITS_WITH_STOP:  # "300 U/L." must end its unit before the full stop
        for tail in (".", ",", ";", ")"):
            nlp.tokenizer.add_special_case(unit + tail, [{ORTH: unit}, {ORTH: tail}])
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "validate": False})
    ruler.add_patterns([{"label": "DRUG", "pattern": name} for name in _lexicon()])  # type: ignore[attr-defined]
    nlp.add_pipe("livertox_chapter_terms")
    nlp.add_pipe("livertox_regex_entities")
    return nlp


def _chapter_matcher(nlp: Language, monograph: Monograph) -> Any:
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    drugs = set(monograph.agents) | {c.drug for c in monograph.chemicals}
    if monograph.subclass:
        drugs |= set(monograph.subclass.other_drugs)
    drugs |= {c.key_points.medication.name for c in monograph.cases if c.key_points and c.key_points.medication.name}
    drugs -= set(_lexicon())
    if drugs:
        matcher.add("DRUG", [nlp.make_doc(d) for d in sorted(drugs)])
    if monograph.trade_names:
        matcher.add("TRADE_NAME", [nlp.make_doc(t) for t in monograph.trade_names])
    return matcher


def _blocks(doc: Document, spans: list[SectionSpan]) -> Iterable[tuple[int, str]]:
    """(offset, text) of runs of non-blank lines within one section, outside reference lists."""
    bounds = sorted({0, len(doc.text), *(s.start for s in spans), *(s.heading_end for s in spans)})
    skip = [(s.start, s.end) for s in spans if s.id in SKIPPED_SECTIONS]
    for a, b in pairwise(bounds):
        if any(s <= a < e for s, e in skip):
            continue
        for m in re.finditer(r"[^\n]+(?:\n[^\n]+)*", doc.text[a:b]):
            yield a + m.start(), m.group(0)


def _windows(doc: Document, spans: list[SectionSpan], names: _NameFinder) -> list[tuple[int, str]]:
    """The cheap pass: every regex and name hit, widened to whitespace and merged into windows.

    Only these windows are tokenised by spaCy; text with nothing to find never is.
    """
    patterns: list[Any] = [names, _lab_regex(), *(p for _, p in _REGEXES)]
    out: list[tuple[int, str]] = []
    for offset, block in _blocks(doc, spans):
        hits = [(m.start(), m.end()) for p in patterns for m in p.finditer(block) if m.end() > m.start()]
        hits = sorted(hits + [(d.start, d.end) for d in find_durations(block)])
        merged: list[list[int]] = []
        for s, e in hits:
            while s > 0 and not block[s - 1].isspace():
                s -= 1
            while e < len(block) and not block[e].isspace():
                e += 1
            if merged and s <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        out.extend((offset + s, block[s:e]) for s, e in merged)
    return out


class _NameFinder:
    """Finds known names by looking up each word in a dict (a regex alternation of hundreds is slow)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.by_first: dict[str, list[str]] = {}
        for name in sorted({n.lower() for n in names if n}, key=len, reverse=True):
            self.by_first.setdefault(name.split()[0], []).append(name)

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        lower = text.lower()
        for word in _WORD.finditer(lower):
            for name in self.by_first.get(word.group(0), ()):
                end = word.start() + len(name)
                if lower.startswith(name, word.start()) and (end == len(lower) or not lower[end].isalnum()):
                    yield _WORD.match(text, word.start(), end)  # type: ignore[misc]
                    break


_WORD = re.compile(r"[^\W\d_][\w-]*")


def _names(monograph: Monograph) -> _NameFinder:
    names = set(_lexicon()) | set(monograph.agents) | set(monograph.trade_names)
    names |= {c.drug for c in monograph.chemicals}
    if monograph.subclass:
        names |= set(monograph.subclass.other_drugs)
    names |= {c.key_points.medication.name for c in monograph.cases if c.key_points and c.key_points.medication.name}
    return _NameFinder(names)


def _section_of(offset: int, spans: list[SectionSpan]) -> str | None:
    best: SectionSpan | None = None
    for s in spans:
        if s.start <= offset < max(s.end, s.heading_end) and (best is None or s.level >= best.level):
            best = s
    return best.id if best else None


def extract_entities(doc: Document, spans: list[SectionSpan], monograph: Monograph) -> list[Entity]:
    """Entities of every label, spans indexing ``doc.text``, each with its innermost section id."""
    nlp = get_nlp()
    matcher = _chapter_matcher(nlp, monograph)
    lines = _windows(doc, spans, _names(monograph))
    out: list[Entity] = []
    docs = []
    for _, line in lines:
        sdoc = nlp.make_doc(line)
        sdoc.user_data["chapter_matcher"] = matcher
        docs.append(sdoc)
    for (offset, _), sdoc in zip(lines, nlp.pipe(docs)):
        for ent in sdoc.ents:
            start = offset + ent.start_char
            out.append(Entity(label=ent.label_, text=ent.text, start=start, end=offset + ent.end_char,
                              section=_section_of(start, spans)))
    return out
