"""Drug-name stems are tagged by ``livertox_chapter_terms`` where the lexicon's phrases leave a word free; this
must give what a token pattern in the entity_ruler gave (the way it was built before): same entities."""

from __future__ import annotations

from typing import Any

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from livertox_parse.stages.entities import _lexicon, _stem_token_regex, get_nlp

PIECES = ["Gemtuzumab Ozogamicin", "gemtuzumab", "Gemtuzumab", "Atorvastatin", "atorvastatin", "losartan",
          "pembrolizumab", "Pembrolizumab", "statins", "statin", "Alpha Lipoic Acid", "alpha", "xmab", "5-losartan",
          "losartan-induced", "Lipitor", "Kineret", "anakinra", " ", " ", " ", ", ", ".", "\n", "(", ")", "300 U/L.",
          "the", "mabs", "olol", "metoprolol", "METOPROLOL"]


def reference_nlp() -> Any:
    """The entity_ruler as it was: the lexicon's phrases and one token pattern for the stems."""
    nlp = spacy.blank("en")
    nlp.tokenizer = get_nlp().tokenizer  # the same tokens (units before a full stop)
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "validate": False})
    ruler.add_patterns([{"label": "DRUG", "pattern": name} for name in _lexicon()]  # type: ignore[attr-defined]
                       + [{"label": "DRUG", "id": "stem",
                           "pattern": [{"LOWER": {"REGEX": _stem_token_regex().pattern}}]}])
    return nlp


REFERENCE = reference_nlp()


def chapter_matcher() -> PhraseMatcher:
    matcher = PhraseMatcher(get_nlp().vocab, attr="LOWER")
    matcher.add("TRADE_NAME", [get_nlp().make_doc("Lipitor"), get_nlp().make_doc("Kineret"),
                               get_nlp().make_doc("pembrolizumab")])  # a stem word, not in the lexicon: the name wins
    matcher.add("DRUG", [get_nlp().make_doc("gemtuzumab"), get_nlp().make_doc("alpha")])
    return matcher


def ents(doc: Any) -> list[tuple[int, int, str]]:
    return [(e.start, e.end, e.label_) for e in doc.ents]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=20).map("".join), st.booleans())
def test_stems_after_the_ruler_give_what_a_ruler_token_pattern_gave(text: str, with_matcher: bool) -> None:
    nlp = get_nlp()
    matcher = chapter_matcher() if with_matcher else None
    expected = REFERENCE(text)
    if matcher is not None:  # livertox_chapter_terms: the lexicon's phrases, the chapter's names, then the stems
        labelled = [expected.char_span(expected[s].idx, expected[e - 1].idx + len(expected[e - 1]),
                                       label=expected.vocab.strings[m]) for m, s, e in matcher(expected)]
        phrases = [e for e in expected.ents if e.ent_id_ != "stem"]
        stems = [e for e in expected.ents if e.ent_id_ == "stem"]
        expected.ents = filter_spans([*phrases, *[s for s in labelled if s is not None], *stems])
    doc = nlp.make_doc(text)
    if matcher is not None:
        doc.user_data["chapter_matcher"] = matcher
    doc = nlp.get_pipe("livertox_chapter_terms")(nlp.get_pipe("entity_ruler")(doc))
    assert ents(doc) == ents(expected)
