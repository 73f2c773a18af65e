"""The kept drug dictionary (``rules/drug_dictionary.json``): names, brands and identifiers, found fast in text.

The dictionary is built offline by ``tools/build_drug_dictionary.py`` (sources, versions, licences and the
curation rules of ``rules/drug_filters.json`` are recorded there). Here it is loaded once, on first use, into

* a lookup from every lower-cased name (generic, synonym, brand) to its :class:`DrugInfo` (generic name,
  DrugBank id and FDA UNII, brand or not), and
* an index of names by their first word, so a chapter is scanned word by word with one dict lookup per word:
  only the names actually present reach spaCy's matcher, and the pipeline holds no 40,000-pattern matcher.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

WORD = re.compile(r"[^\W\d_]\w*")  # like spaCy, a hyphen ends a word: "anakinra-associated"


@dataclass(frozen=True, slots=True)
class DrugInfo:
    """What the dictionary knows about one name."""

    generic: str
    drugbank_id: str | None
    unii: str | None
    brand: bool


@cache
def lexicon() -> dict[str, DrugInfo]:
    """Every name of the dictionary, lower-cased, with its generic name and identifiers."""
    text = resources.files(__package__).joinpath("rules", "drug_dictionary.json").read_text(encoding="utf-8")
    out: dict[str, DrugInfo] = {}
    for rule in json.loads(text)["rules"]:
        generic = DrugInfo(rule["name"], rule.get("drugbank_id"), rule.get("unii"), brand=False)
        out.setdefault(rule["name"].lower(), generic)
        for name in rule.get("synonyms", ()):
            out.setdefault(name, generic)
        brand = DrugInfo(rule["name"], rule.get("drugbank_id"), rule.get("unii"), brand=True)
        for name in rule.get("brands", ()):
            out.setdefault(name, brand)
    return out


def lookup(name: str) -> DrugInfo | None:
    """The dictionary's entry for ``name`` (any case; a trailing '®' is ignored), or None."""
    return lexicon().get(name.strip().rstrip("®").strip().lower())


class NameIndex:
    """Names by their first word; finds every name of a set in a text in one pass over its words."""

    def __init__(self, names: Iterable[str]) -> None:
        self.by_first: dict[str, list[str]] = {}
        for name in sorted({n.lower() for n in names if n}, key=len, reverse=True):
            first = WORD.match(name)
            if first is not None:
                self.by_first.setdefault(first.group(0), []).append(name)

    def find(self, lower: str, word: re.Match[str]) -> str | None:
        """The longest name starting at ``word`` (a WORD match in the lower-cased text ``lower``), or None."""
        start = word.start()
        for name in self.by_first.get(word.group(0), ()):
            end = start + len(name)
            if lower.startswith(name, start) and (end == len(lower) or not lower[end].isalnum()):
                return name
        return None

    def spans(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, name) of every name in ``text``, longest first at each word."""
        lower = text.lower()
        for word in WORD.finditer(lower):
            name = self.find(lower, word)
            if name is not None:
                yield word.start(), word.start() + len(name), name


@cache
def index() -> NameIndex:
    """The index of every dictionary name (built once per process)."""
    return NameIndex(lexicon())
