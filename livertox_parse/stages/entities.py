"""Entities with provenance, from a rule-based spaCy pipeline on a blank English model.

The pipeline (built once, on first use; nothing is downloaded) is ``spacy.blank("en")`` plus

* an ``entity_ruler`` holding the drug lexicon (``rules/drugs.json``) as case-insensitive phrases: DRUG;
* ``livertox_chapter_terms``: words carrying a drug-name stem the lexicon may lack (``rules/drug_stems.json``,
  '-sartan', '-mab') where the lexicon left them free: DRUG; a PhraseMatcher over the chapter's own names
  (title, agents, subclass,
  Key Points medication: DRUG; trade names: TRADE_NAME) and over the names of the kept drug dictionary
  (``stages/drug_lexicon.py``: generics and synonyms DRUG, brands TRADE_NAME) that the cheap pass found in
  this chapter, handed in per document;
* ``livertox_regex_entities``: the package's regular expressions (lab values, durations, doses, likelihood,
  severity, pattern, CAS, formula, patient) with character offsets snapped to token boundaries.

A cheap pass picks the lines worth tokenising (a digit, or a word of a known name) outside the reference
lists, so spaCy never runs over the bibliography or over lines with nothing to find; it finds the dictionary's
names in one Aho-Corasick pass, so only the dictionary names present reach the matcher.

DRUG and TRADE_NAME entities carry the dictionary's generic name, DrugBank id and UNII (a chapter trade name
the dictionary lacks points to its agent).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from ..document import Document
from ..models import Entity, Monograph
from ..rules import load_table
from .cases import lab_regex
from .chapter import LIKELIHOOD_RE, likelihood_matches, listed_brands
from .drug_lexicon import WORD, dictionary_names, lookup, not_drugs
from .normalize import CAS_RE, DOSE_RE, PATIENT_RE, find_durations
from .sections import SectionSpan

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

LABELS = ("DRUG", "TRADE_NAME", "LAB_VALUE", "DURATION", "DOSE", "LIKELIHOOD", "SEVERITY", "PATTERN", "CAS",
          "FORMULA", "PATIENT")
SKIPPED_SECTIONS = frozenset({"references", "annotated_bibliography"})

_SEVERITY = re.compile(r"(?<![\w+])[1-5]\+(?!\w)")
# Each of these starts with a character class, its look-behind after it, so that re skips the positions where
# no match can start in C instead of trying the whole pattern at each ('\bhepatocellular' ignoring case: only
# h, c or m ignoring case start one). tests/test_regex_shortcuts.py holds the plain spellings they match like.
_PATTERN = re.compile(r"[hcmHCM](?<!\w[hcmHCM])(?:(?<=[hH])(?i:epatocellular)|(?<=[cC])(?i:holestatic)"
                      r"|(?<=[mM])(?i:ixed))\b(?i:(?:\s*\(R\s*=\s*[~≈]?\s*\d+(?:\.\d+)?\))?)")
# a formula's salts and hydrates, each after a '.': a count ('2', '1/2', 'x-') and the hyphenated formula, bare or in
# brackets: 'C22-H24-N2-O8.H2-O', 'C13-H21-N-O3.1/2H2-O4-S', 'C16-H10-Cl-N4-O3.K.H-K-O', '.(C2-H4-O2)x-'
_HYPHENATED = r"[A-Z][a-z]?\d*(?:-[A-Z][a-z]?\d*)*"
_SALTS = rf"(?:\.(?:\d+(?:/\d+)?|x-?)?(?:{_HYPHENATED}|\({_HYPHENATED}\)[a-z]?\d*-?))*"
_FORMULA = re.compile(r"[A-Z](?<![\w-][A-Z])[a-z]?\d*-(?:[A-Z][a-z]?\d*-)+[A-Z0][a-z]?\d*" + _SALTS + r"(?![\w-])")
_TIMES_ULN = re.compile(r"\d(?<!\w\d)(?i:\d*(?:\.\d+)?\s*(?:times|x|×|-fold)\s*(?:the\s+)?"
                        r"(?:ULN|upper\s+limit\s+of\s+normal))")
# (label, pattern, a substring every match contains, whether every match has a digit, lower-case words one of
# which every match holds once lower-cased): text without them is not searched. The words have no i, k or s,
# the letters that match more than their two cases ignoring case ('ı', 'K', 'ſ'): so a match's letters
# lower-case to the word (tests/test_regex_shortcuts.py).
_REGEXES: tuple[tuple[str, re.Pattern[str], str, bool, tuple[str, ...]], ...] = (
    # every spelling of SCORE_WORD ends "[Ss]core" ("Likelhood score"); tried only where a match can start
    # (chapter.likelihood_matches: the pattern has no literal prefix)
    ("LIKELIHOOD", LIKELIHOOD_RE, "core", False, ()),
    # PATIENT entities are the ages that say "old" ("a nine year old girl": not always digits); the DILIN decade
    # ("a woman in her 40s") and "a 49 year woman" give the case's patient only: searching every block for
    # them would cost ~0.1 ms a chapter for a handful of phrases
    ("PATIENT", PATIENT_RE, "old", False, ()),
    ("LAB_VALUE", _TIMES_ULN, "", True, ("uln", "upper")),
    ("CAS", CAS_RE, "-", True, ()),
    ("FORMULA", _FORMULA, "-", False, ()),
    ("SEVERITY", _SEVERITY, "+", True, ()),
    ("PATTERN", _PATTERN, "", False, ("hepatocellular", "chole", "xed")),
    ("DOSE", DOSE_RE, "", True, ()),
)
_DIGIT = re.compile(r"\d")
_LAB_UNIT_HINT = re.compile(r"[/Iiİı](?:(?<=/)(?i:[dm]?l)|(?<=[Iiİı])(?i:nr))")  # '/[dm]?L|INR|/mL' ignoring case
_UNITS_WITH_STOP = ("U/L", "IU/L", "mg/dL", "µmol/L", "g/dL", "mg/kg", "mg/m2")


@cache
def _lexicon() -> tuple[str, ...]:
    return tuple(str(r["name"]) for r in load_table("drugs").rules)


@cache
def _lexicon_lower() -> frozenset[str]:
    return frozenset(n.lower() for n in _lexicon())


@cache
def _stem_patterns() -> tuple[tuple[str, int], ...]:
    """(stem, min_length) from ``rules/drug_stems.json``: drug names the lexicon lacks ('-sartan')."""
    return tuple((str(r["stem"]), int(r["min_length"])) for r in load_table("drug_stems").rules)


@cache
def _stem_token_regex() -> re.Pattern[str]:
    """All stems as one regex over a token's lower-cased text (the whole token: letters, then a stem)."""
    return re.compile(
        "^(?:" + "|".join(rf"[a-z]{{{max(1, n - len(stem))},}}{stem}" for stem, n in _stem_patterns()) + ")$")


_STEM_WORDS: dict[int, bool] = {}  # lower-case string id -> whether it carries a stem; forgotten when large


def _stem_tokens(doc: Doc, ents: list[tuple[int, int, int]]) -> list[int]:
    """Indices of the tokens of ``doc`` outside ``ents`` (its entities, token spans) whose lower-cased text
    carries a drug-name stem."""
    from spacy.attrs import LOWER

    strings = doc.vocab.strings
    regex = _stem_token_regex()
    if len(_STEM_WORDS) > 200_000:
        _STEM_WORDS.clear()
    out = []
    for i, lower in enumerate(doc.to_array(LOWER).tolist()):
        stem = _STEM_WORDS.get(lower)
        if stem is None:
            stem = _STEM_WORDS[lower] = regex.search(strings[lower]) is not None
        if stem and not any(start <= i < end for start, end, _ in ents):
            out.append(i)
    return out


def filter_token_spans(spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """``spacy.util.filter_spans`` over (start, end, label) token spans: the longest first (of equal ones the
    first given), none sharing a token, in order of start; tuples, so that no Span is made for a span dropped."""
    kept = []
    seen: set[int] = set()
    for span in sorted(spans, key=lambda s: (s[1] - s[0], -s[0]), reverse=True):
        if span[0] not in seen and span[1] - 1 not in seen:
            kept.append(span)
            seen.update(range(span[0], span[1]))
    return sorted(kept, key=lambda s: s[0])


def expand_char_span(starts: list[int], lengths: list[int], size: int, start: int, end: int) -> tuple[int, int] | None:
    """(first, end) token indices of ``Doc.char_span(start, end, alignment_mode="expand")``, or None where it
    gives None: ``starts`` and ``lengths`` are the tokens' offsets and lengths in a text of ``size`` characters
    (tokens and their trailing spaces tile a Doc's text). Bisection, without a Token object per step."""
    if not (0 <= start < size and 0 < end <= size):
        return None  # a character no token covers
    first = bisect.bisect_right(starts, start) - 1
    if start == starts[first] + lengths[first]:  # in the trailing space of the token before
        first += 1
    return first, bisect.bisect_right(starts, end - 1)


def set_token_ents(doc: Doc, spans: list[tuple[int, int, int]]) -> None:
    """``doc.ents = spans`` for (start, end, label) token spans that share no token (empty ones are left out,
    as ``Doc.set_ents`` leaves them): the IOB tags and labels of all tokens written at once by ``from_array``,
    where ``set_ents`` makes a Span per entity and goes over the tokens in Python sets."""
    from spacy.attrs import ENT_IOB, ENT_TYPE

    iob = [2] * len(doc)  # 2: outside, 3: begins, 1: inside an entity
    labels = [0] * len(doc)
    for start, end, label in spans:
        if start < end:
            iob[start:end] = [3] + [1] * (end - start - 1)
            labels[start:end] = [label] * (end - start)
    array: Any = doc.to_array([ENT_IOB, ENT_TYPE])  # uint64, as from_array takes (the stubs say float)
    array[:, 0] = iob
    array[:, 1] = labels
    doc.from_array([ENT_IOB, ENT_TYPE], array)


def term_spans(doc: Doc, ents: list[tuple[int, int, int]] | None = None) -> list[tuple[int, int, int]]:
    """The entities ``livertox_chapter_terms`` leaves on ``doc`` (run after the entity ruler), as (start, end,
    label) token spans in order: the ruler's (``ents``, else read from ``doc``), the chapter matcher's names
    (``doc.user_data["chapter_matcher"]``) and words carrying a drug-name stem where the ruler left them free,
    the longest kept (of equal ones, the first)."""
    # words carrying a drug-name stem, where the lexicon's phrases left them free, are DRUG: what a token pattern
    # in the entity_ruler would give (the ruler keeps the longest matches; a one-token match only ever loses to
    # one covering it), without a Python token per token for its predicate
    drug = doc.vocab.strings.add("DRUG")
    if ents is None:
        ents = [(e.start, e.end, e.label) for e in doc.ents]
    stems = [(i, i + 1, drug) for i in _stem_tokens(doc, ents)]
    matcher: Any = doc.user_data.get("chapter_matcher")
    if matcher is None:
        return sorted([*ents, *stems])  # where no entity is: added to the ruler's
    # the chapter's names before the stems: a brand it names that carries a stem ('Monopril', 'Accupril') is its
    # TRADE_NAME, not a DRUG by its '-pril'
    return filter_token_spans([*ents, *((s, e, label) for label, s, e in matcher(doc)), *stems])


def regex_spans(doc: Doc, ents: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The entities ``livertox_regex_entities`` leaves on ``doc`` when its entities are ``ents``: those and the
    regex hits (``doc.user_data["hits"]``, else searched), each widened to whole tokens, the longest kept."""
    from spacy.attrs import IDX, LENGTH

    # hits found by the cheap pass are handed in; a Doc made elsewhere gets its own search
    hits = doc.user_data.get("hits")
    if hits is None:
        hits = find_hits(doc.text)
    found = list(ents)
    text = doc.user_data.get("text") or doc.text  # Doc.text joins every token again: costly
    starts, lengths = doc.to_array([IDX, LENGTH]).T.tolist() if hits else ([], [])
    for start, end, label in hits:
        if not text[start:end].strip():
            continue
        span = expand_char_span(starts, lengths, len(text), start, end)
        if span is not None:
            found.append((*span, doc.vocab.strings.add(label)))
    return [span for span in filter_token_spans(found) if span[0] < span[1]]  # an empty one sets no entity


def ruler_spans(nlp: Language, doc: Doc) -> list[tuple[int, int, int]]:
    """The entities ``nlp``'s entity ruler sets on a ``doc`` that has none (fresh from ``nlp.make_doc``), as
    (start, end, label) token spans in order, worked out as ``EntityRuler.match`` and ``set_annotations`` do for
    phrase patterns without ids: its phrase matches, the longest first (then the first), none sharing a token;
    without a Span per match, a Token per matched token, or a write to the Doc."""
    ruler: Any = nlp.get_pipe("entity_ruler")
    matches = {(match_id, start, end) for match_id, start, end in ruler.phrase_matcher(doc) if start != end}
    return filter_token_spans([(start, end, match_id) for match_id, start, end in matches])


def entity_spans(nlp: Language, doc: Doc) -> list[tuple[int, int, int]]:
    """The entities the whole pipeline leaves on a ``doc`` made by ``nlp.make_doc``: the spans of the entity ruler
    and of the two components are worked out (``ruler_spans``, ``term_spans``, ``regex_spans``) without being
    written to the Doc and read back (a ``doc.ents`` write and two ``from_array`` calls, a Span per entity)."""
    return regex_spans(doc, term_spans(doc, ruler_spans(nlp, doc)))


def _register_components() -> None:
    from spacy.language import Language

    if "livertox_regex_entities" in Language.factories:
        return

    @Language.component("livertox_chapter_terms")
    def chapter_terms(doc: Doc) -> Doc:
        set_token_ents(doc, term_spans(doc))
        return doc

    @Language.component("livertox_regex_entities")
    def regex_entities(doc: Doc) -> Doc:
        set_token_ents(doc, regex_spans(doc, [(e.start, e.end, e.label) for e in doc.ents]))
        return doc


def find_hits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of every regex entity in ``text``: lab values, durations, doses, scores, ...; a formula
    holds a digit (the combination 'D-O-P/r' and the brand 'N-R-G' are none)."""
    digits = _DIGIT.search(text) is not None
    lower = text.lower()
    hits = [(m.start(), m.end(), label) for label, pattern, needed, numeric, words in _REGEXES
            if needed in text and (digits or not numeric) and (not words or any(w in lower for w in words))
            for m in (likelihood_matches(text) if pattern is LIKELIHOOD_RE else pattern.finditer(text))
            if m.end() > m.start() and (label != "FORMULA" or _DIGIT.search(text, m.start(), m.end()))]
    hits += [(d.start, d.end, "DURATION") for d in find_durations(text)]
    if digits and _LAB_UNIT_HINT.search(text):
        # a value opened by '(' takes its ')': 'serum bilirubin (29.5 mg/dL)', not '... (29.5 mg/dL'
        hits += [(m.start(), m.end() + (m.group("paren") is not None and text.startswith(")", m.end())), "LAB_VALUE")
                 for m in lab_regex().finditer(text) if m.group("unit")]
    return hits


@cache
def get_nlp() -> Language:
    """The shared pipeline, built once per process."""
    import spacy

    _register_components()
    from spacy.tokenizer import Tokenizer

    nlp = spacy.blank("en")
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    for unit in _UNITS_WITH_STOP:  # "300 U/L." must end its unit before the full stop
        for tail in (".", ",", ";", ")"):
            tokenizer.add_special_case(unit + tail, [{"ORTH": unit}, {"ORTH": tail}])
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "validate": False})
    ruler.add_patterns([{"label": "DRUG", "pattern": name} for name in _lexicon()])  # type: ignore[attr-defined]
    nlp.add_pipe("livertox_chapter_terms")
    nlp.add_pipe("livertox_regex_entities")
    return nlp


def _chapter_matcher(nlp: Language, monograph: Monograph, found: set[str],
                     listed: Iterable[str] = ()) -> Any:
    """The chapter's own names (with the brands an overview lists in its text, ``listed``), and the dictionary
    names ``found`` in it by the cheap pass."""
    from spacy.matcher import PhraseMatcher

    matcher: Any = PhraseMatcher(nlp.vocab, attr="LOWER")  # its add is typed for Docs; it takes their LOWER ids
    drugs = _chapter_drugs(monograph) - set(_lexicon())
    drugs = {d for d in drugs if d.lower() not in not_drugs()}  # a class chapter's title names no drug
    if drugs:
        matcher.add("DRUG", [_pattern(nlp, d) for d in sorted(drugs)])
    drug_keys = {d.lower() for d in drugs} | _lexicon_lower()
    brands = [*monograph.trade_names, *(b for b in listed if b.lower() not in drug_keys)]
    if brands:
        matcher.add("TRADE_NAME", [_pattern(nlp, t) for t in brands])
    own = {n.lower() for n in (*drugs, *brands)} | _lexicon_lower()
    by_label: dict[str, list[str]] = {"DRUG": [], "TRADE_NAME": []}
    for name in sorted(found - own):
        info = lookup(name)
        by_label["TRADE_NAME" if info is not None and info.brand else "DRUG"].append(name)
    for label, names in by_label.items():
        if names:
            matcher.add(label, [_pattern(nlp, n) for n in names])
    return matcher


# name -> the LOWER ids of its tokens, the pattern PhraseMatcher.add takes for a Doc (and from a pickle), shared
# by every document: ~150 bytes a name (a Doc, ~5 kB, made the cache grow by ~15 MB over the 566 dev chapters'
# 2,999 names in one process); the oldest go first, a name named again is tokenised again
_PATTERNS: dict[str, tuple[int, ...]] = {}
PATTERN_CACHE_SIZE = 16384


def _pattern(nlp: Language, name: str) -> tuple[int, ...]:
    ids = _PATTERNS.get(name)
    if ids is None:
        from spacy.attrs import LOWER

        if len(_PATTERNS) >= PATTERN_CACHE_SIZE:
            del _PATTERNS[next(iter(_PATTERNS))]
        ids = _PATTERNS[name] = tuple(nlp.make_doc(name).to_array(LOWER).tolist())
    return ids


_BLOCK = re.compile(r"[^\n]+(?:\n[^\n]+)*")  # a run of non-blank lines


def _blocks(doc: Document, spans: list[SectionSpan]) -> Iterable[tuple[int, str]]:
    """(offset, text) of runs of non-blank lines within one section, outside reference lists."""
    bounds = sorted({0, len(doc.text), *(s.start for s in spans), *(s.heading_end for s in spans)})
    skip = [(s.start, s.end) for s in spans if s.id in SKIPPED_SECTIONS]
    for a, b in pairwise(bounds):
        if any(s <= a < e for s, e in skip):
            continue
        for m in _BLOCK.finditer(doc.text, a, b):  # from a to b as in doc.text[a:b]: the pattern looks at no other
            yield m.start(), m.group(0)


# between windows in the text spaCy sees: a whitespace token of its own, so no name or hit crosses it. Not "\n":
# that is a tokenizer special case, and after one the tokenizer caches no word of the Doc (spaCy keeps one
# flag per Doc), so every later word went through the prefix, suffix and infix searches again.
WINDOW_SEPARATOR = "\n\n"
# the same within a window: spaCy sees another whitespace character in place of each special one ('\n' of a
# wrapped line, '\t' between cells, '\xa0'), a token of its own as before (the words around it untouched)
UNSPECIAL_SPACE = (("\n", "\r"), ("\t", "\x0b"), ("\xa0", "\x0b"))


def unspecial_space(text: str) -> str:
    """``text`` with each whitespace character that is a tokenizer special case replaced (``UNSPECIAL_SPACE``)."""
    for old, new in UNSPECIAL_SPACE:
        text = text.replace(old, new)  # three C-level passes: less than str.translate's lookup per character
    return text


@dataclass(slots=True)
class _Windows:
    """The text spaCy sees: hit windows joined by ``WINDOW_SEPARATOR``, with the way back to document offsets."""

    text: str
    starts: list[int]  # where each window starts in ``text``
    offsets: list[int]  # where each window starts in the document
    hits: list[tuple[int, int, str]]  # regex hits, in ``text`` coordinates

    def to_document(self, pos: int) -> int:
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.offsets[i] + pos - self.starts[i]


def _windows(doc: Document, spans: list[SectionSpan], names: _NameFinder) -> _Windows:
    """The cheap pass: every regex and name hit, widened to whitespace and merged into windows.

    Only these windows are tokenised by spaCy (all in one Doc); text with nothing to find never is.
    """
    parts: list[str] = []
    starts: list[int] = []
    offsets: list[int] = []
    hits: list[tuple[int, int, str]] = []
    pos = 0
    blocks = list(_blocks(doc, spans))
    # the names of every block in one pass over the blocks joined by newlines (no name crosses a block)
    block_starts: list[int] = []
    block_ends: list[int] = []
    for _, block in blocks:
        block_starts.append(block_ends[-1] + 1 if block_ends else 0)
        block_ends.append(block_starts[-1] + len(block))
    joined = "\n".join(block for _, block in blocks)
    lower = joined.lower()
    if len(lower) != len(joined):
        lower = "\n".join(same_length_lower(block) for _, block in blocks)
    name_spans: list[list[tuple[int, int]]] = [[] for _ in blocks]
    for s, e in names.spans(lower, block_starts, block_ends):
        i = bisect.bisect_right(block_starts, s) - 1
        name_spans[i].append((s - block_starts[i], e - block_starts[i]))
    for (offset, block), block_names in zip(blocks, name_spans, strict=True):
        found = find_hits(block)
        if not found and not block_names:
            continue  # nothing to tokenise in this block (~4 blocks in 5)
        spans_ = sorted([(h[0], h[1]) for h in found] + block_names)
        merged: list[list[int]] = []
        for s, e in spans_:
            while s > 0 and not block[s - 1].isspace():
                s -= 1
            while e < len(block) and not block[e].isspace():
                e += 1
            if merged and s <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        window_starts = [w[0] for w in merged]
        for s, e in merged:
            parts.append(block[s:e])
            starts.append(pos)
            offsets.append(offset + s)
            pos += e - s + len(WINDOW_SEPARATOR)
        base = len(starts) - len(merged)
        for hs, he, label in found:
            k = base + bisect.bisect_right(window_starts, hs) - 1
            shift = starts[k] - (offsets[k] - offset)
            hits.append((hs + shift, he + shift, label))
    return _Windows(WINDOW_SEPARATOR.join(parts), starts, offsets, hits)


# what every character but a letter becomes in the text the name automaton searches: a name's key is its marked
# form between two marks, so the automaton reports it only where no letter is just before or after it (the hits
# worth checking: 'dica' inside 'medication', 'cimetidin' inside 'cimetidine' are never reported)
MARK = "\x00"
_NOT_LETTER = re.compile(r"[\W\d_]")  # the characters WORD's first class ('[^\W\d_]') does not take


@cache
def _letters() -> Any:
    """Whether each character of the Basic Multilingual Plane is a letter in ``WORD``'s sense (what re's ``\\w``
    takes, digits and '_' left out), as a numpy array indexed by code point."""
    import numpy as np

    return np.array([c.isalnum() and not c.isdecimal() for c in map(chr, range(0x10000))], dtype=bool)


def marked(text: str) -> str:
    """``text`` with every character but a letter replaced by ``MARK``: one character for one, so offsets still
    index ``text``. numpy over the code points (a regex substitution costs ~5x more on a chapter); text beyond the
    Basic Multilingual Plane goes through the regex."""
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if not len(codes) or int(codes.max()) >= 0x10000:
        return _NOT_LETTER.sub(MARK, text)
    return str(np.where(_letters()[codes], codes, 0).astype(np.uint32).tobytes().decode("utf-32-le"))


@cache
def _automaton_names() -> frozenset[str]:
    """The names the automaton finds: the lexicon's that a word search can find, and every dictionary name."""
    return frozenset(_searchable(_lexicon()) | dictionary_names())  # a set, not the first-word index: ~0.1 s less


@cache
def _name_automaton() -> Any:
    """One Aho-Corasick automaton, built once per process, over the lexicon's names, every dictionary name matched
    in text and the drug-name stems, in their marked form: a name between two marks, a stem before one (a stem
    ends its word). Each key maps to the names (name, a dictionary name?, one word?) and the stems of that form
    (marking tells apart fewer characters than names hold: 'a-b' and 'a b' have one form)."""
    import ahocorasick

    dictionary = dictionary_names()
    names = list(_automaton_names())  # in any order: at most one name of a key is the text where the key is found
    # marked() spelt for ~50,000 short names (numpy's set-up per call cost ~0.4 s at start-up), in whole lists
    forms = [MARK + form + MARK for form in [_NOT_LETTER.sub(MARK, name) for name in names]]
    entries = list(zip(names, [name in dictionary for name in names], [_one_word(name) for name in names],
                       strict=True))
    by_form: dict[str, tuple[tuple[str, bool, bool], ...]] = dict(zip(forms, [(e,) for e in entries], strict=True))
    if len(by_form) < len(forms):  # some forms stand for more than one name ('a-b', 'a b')
        by_form = {}
        for form, entry in zip(forms, entries, strict=True):
            by_form[form] = (*by_form.get(form, ()), entry)
    stems: dict[str, tuple[str, ...]] = {}
    for stem, _ in _stem_patterns():
        form = _NOT_LETTER.sub(MARK, stem) + MARK
        stems[form] = (*stems.get(form, ()), stem)
    automaton = ahocorasick.Automaton()
    for key, found in by_form.items():
        automaton.add_word(key, (found, ()))
    for key, found_stems in stems.items():  # a stem's form that is a name's too holds both
        automaton.add_word(key, (by_form.get(key, ()), found_stems))
    automaton.make_automaton()
    return automaton


def _searchable(names: Iterable[str]) -> set[str]:
    """Lower-cased names a word search can find: those starting with a letter (as ``dictionary_names`` keeps them)."""
    return {low for n in names if n and WORD.match(low := n.lower())}


def _one_word(name: str) -> bool:
    first = WORD.match(name)
    return first is not None and first.end() == len(name)


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"  # what re's \w matches


def _word_starts_at(text: str, i: int) -> bool:
    """Whether a ``WORD`` match starts at ``i`` (a letter): no letter before it in its run of word characters."""
    while i > 0 and _word_char(c := text[i - 1]):
        if not c.isdecimal() and c != "_":
            return False
        i -= 1
    return True


class _NameFinder:
    """Finds known names, dictionary names and words carrying a drug-name stem where a word starts.

    The lexicon's and the dictionary's names and the stems are found by one Aho-Corasick pass (C) over the
    lower-cased text, marked (``marked``) so that it reports only names with no letter before or after them and
    stems with none after; the chapter's own few names by ``str.find``. Only the hits are checked in Python, with
    the rules of a word-by-word scan: a name starts where a ``WORD`` starts, a one-word name ends its word, a
    longer name is not followed by a letter or digit, a stem ends its word. At each word start the longest
    name counts (else a stem-bearing word); dictionary names seen are kept in ``found``.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.automaton = _name_automaton()
        # the chapter's own names the automaton lacks, with whether each is one word
        self.own = sorted((n, _one_word(n)) for n in _searchable(names) if n not in _automaton_names())
        self.found: set[str] = set()
        self.stems = dict(_stem_patterns())

    def spans(self, lower: str, starts: list[int], ends: list[int]) -> list[tuple[int, int]]:
        """(start, end) of every name and stem-bearing word in ``lower`` (lower-cased blocks joined by
        newlines; block ``i`` is ``lower[starts[i]:ends[i]]``); no span crosses a block."""
        hits: list[tuple[int, str, bool, bool]] = []
        stem_ends: dict[int, list[str]] = {}  # end of a word -> the stems ending it
        # the marks around ``lower`` put its character i at i + 1: a key ending at ``end`` has its last mark on
        # lower[end - 1] (or just after lower's end), the character after the name or stem
        for end, (names, stems) in self.automaton.iter(MARK + marked(lower) + MARK):
            stop = end - 1
            for name, in_dictionary, one_word in names:
                if lower.startswith(name, stop - len(name)):  # the marked forms alike, is the text the name?
                    hits.append((stop - len(name), name, in_dictionary, one_word))
            for stem in stems:
                if (stop >= len(stem) and lower.startswith(stem, stop - len(stem))
                        and (stop == len(lower) or not _word_char(lower[stop]))):
                    stem_ends.setdefault(stop, []).append(stem)
        for name, one_word in self.own:
            at = lower.find(name)
            while at >= 0:
                hits.append((at, name, False, one_word))
                at = lower.find(name, at + 1)
        longest: dict[int, int] = {}  # word start -> length of the longest name there
        known: dict[int, str] = {}  # word start -> the longest dictionary name there
        for start, name, in_dictionary, one_word in hits:
            stop = start + len(name)
            block = bisect.bisect_right(starts, start) - 1
            if stop > ends[block] or not _word_starts_at(lower, start):
                continue
            if stop < ends[block] and (_word_char(lower[stop]) if one_word else lower[stop].isalnum()):
                continue
            if len(name) > longest.get(start, 0):
                longest[start] = len(name)
            if in_dictionary and len(name) > len(known.get(start, "")):
                known[start] = name
        self.found.update(known.values())
        out = [(start, start + n) for start, n in longest.items()]
        for stop, stems in stem_ends.items():  # back to where the word's run of word characters starts
            start = stop - len(stems[0])
            while start > 0 and _word_char(lower[start - 1]):
                start -= 1
            while lower[start].isdecimal() or lower[start] == "_":
                start += 1
            # the word ends with each of ``stems`` that it holds whole (every stem it ends with is there)
            n = stop - start
            if start not in longest and any(n >= len(e) and n >= self.stems[e] for e in stems):
                out.append((start, stop))
        return out


def same_length_lower(text: str) -> str:
    """``text.lower()`` with every character kept one character long, so offsets still index ``text``
    ("İ".lower() is two characters; such characters are left as they are)."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


def _chapter_drugs(monograph: Monograph) -> set[str]:
    """The drugs the chapter names itself: agents, chemical rows, the subclass's other drugs, and the drugs of
    each case's Key Points medication."""
    drugs = set(monograph.agents) | {c.drug for c in monograph.chemicals}
    if monograph.subclass:
        # no group the subclass is split into ('First Generation Sulfonylureas' of the subclass 'Sulfonylureas')
        group = (monograph.subclass.name or "").lower().split()[-1:]
        drugs |= {d for d in monograph.subclass.other_drugs if not group or group[0] not in d.lower().split()}
    return drugs | {d.name for c in monograph.cases if c.key_points for d in c.key_points.medication.drugs}


def _names(monograph: Monograph, listed: Iterable[str] = ()) -> _NameFinder:
    return _NameFinder(_chapter_drugs(monograph) | set(monograph.trade_names) | set(listed))


def _section_of(offset: int, spans: list[SectionSpan]) -> str | None:
    best: SectionSpan | None = None
    for s in spans:
        if s.start <= offset < max(s.end, s.heading_end) and (best is None or s.level >= best.level):
            best = s
    return best.id if best else None


class _Sections:
    """``_section_of`` for many offsets: worked out once for each stretch between section bounds (where the
    answer cannot change), then found by bisection."""

    def __init__(self, spans: list[SectionSpan]) -> None:
        self.bounds = sorted({0, *(s.start for s in spans), *(max(s.end, s.heading_end) for s in spans)})
        # each section marks the stretches it covers (it starts and stops at bounds), as _section_of scans
        # them: in their order, a section of a level at least the one marked taking the stretch over
        best: list[SectionSpan | None] = [None] * len(self.bounds)
        for s in spans:
            for k in range(bisect.bisect_left(self.bounds, s.start),
                           bisect.bisect_left(self.bounds, max(s.end, s.heading_end))):
                marked_by = best[k]
                if marked_by is None or s.level >= marked_by.level:
                    best[k] = s
        self.ids = [s.id if s else None for s in best]
        self.spans = spans

    def of(self, offset: int) -> str | None:
        if offset < 0:
            return _section_of(offset, self.spans)
        return self.ids[bisect.bisect_right(self.bounds, offset) - 1]


def extract_entities(doc: Document, spans: list[SectionSpan], monograph: Monograph) -> list[Entity]:
    """Entities of every label, spans indexing ``doc.text``, each with its innermost section id."""
    from spacy.attrs import IDX, LENGTH

    nlp = get_nlp()
    listed = listed_brands(doc.text)
    names = _names(monograph, listed)
    windows = _windows(doc, spans, names)
    if not windows.text:
        return []
    matcher = _chapter_matcher(nlp, monograph, names.found, listed)
    sections = _Sections(spans)
    out: list[dict[str, Any]] = []
    links: dict[str, dict[str, str | None]] = {}  # by name: a chapter names its drugs again and again
    strings = nlp.vocab.strings
    for base, text in chunks(windows.text, nlp.max_length):
        sdoc = nlp.make_doc(unspecial_space(text))  # the same tokens, cached by the tokenizer
        sdoc.user_data["chapter_matcher"] = matcher
        sdoc.user_data["text"] = text  # what sdoc.text would rebuild from the tokens
        sdoc.user_data["hits"] = [(s - base, e - base, label) for s, e, label in windows.hits
                                  if base <= s and e <= base + len(text)]
        token_starts, token_lengths = sdoc.to_array([IDX, LENGTH]).T.tolist()
        for first, stop, label_id in entity_spans(nlp, sdoc):  # what sdoc.ents would be after nlp.pipeline
            label = strings[label_id]
            start = windows.to_document(base + token_starts[first])
            end = start + token_starts[stop - 1] + token_lengths[stop - 1] - token_starts[first]
            name = doc.text[start:end]
            link = {}
            if label in ("DRUG", "TRADE_NAME"):
                link = links.get(name, {})
                if name not in links:
                    link = links[name] = _link(name, monograph, listed)
            out.append({"label": label, "text": name, "start": start, "end": end, "section": sections.of(start),
                        **link})
    return _entity_list().validate_python(out)  # one validation call for the list: the same models


@cache
def _entity_list() -> TypeAdapter[list[Entity]]:
    return TypeAdapter(list[Entity])


def _link(name: str, monograph: Monograph, listed: dict[str, str | None] | None = None
          ) -> dict[str, str | None]:
    """generic, drugbank_id and unii of a drug name; a chapter trade name the dictionary lacks gets its agent,
    as does a brand an overview lists after its agent (``listed``; not a combination product's)."""
    info = lookup(name)
    if info is not None:
        return {"generic": info.generic, "drugbank_id": info.drugbank_id, "unii": info.unii}
    for agent, brands in monograph.trade_names_by_agent.items():
        if any(b.lower() == name.lower() for b in brands):
            agent_info = lookup(agent)
            return {"generic": agent, "drugbank_id": agent_info.drugbank_id if agent_info else None,
                    "unii": agent_info.unii if agent_info else None}
    listed_agent = (listed or {}).get(name)
    agent_info = lookup(listed_agent) if listed_agent else None
    if agent_info is not None:
        return {"generic": agent_info.generic, "drugbank_id": agent_info.drugbank_id, "unii": agent_info.unii}
    return {}


def chunks(text: str, size: int) -> Iterable[tuple[int, str]]:
    """(offset, piece) of ``text`` in pieces of at most ``size`` characters (spaCy's ``max_length``), cut
    after a newline between windows where there is one."""
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + size)
        if end < len(text):
            cut = text.rfind("\n", pos, end)
            end = cut + 1 if cut > pos else end
        yield pos, text[pos:end]
        pos = end
