"""The kept drug dictionary (``rules/drug_dictionary.json``): names, brands and identifiers, found fast in text.

The dictionary is built offline by ``tools/build_drug_dictionary.py`` (sources, versions, licences and the
curation rules of ``rules/drug_filters.json`` are recorded there). Here it is loaded once, on first use, into

* a lookup from every lower-cased name (generic, synonym, brand) to its :class:`DrugInfo` (generic name,
  DrugBank id and FDA UNII, brand or not), and
* the set of names matched in text (by their first word); the entity pass searches them all at once
  (``stages/entities.py``, Aho-Corasick): only the names actually present reach spaCy's matcher, and the
  pipeline holds no 40,000-pattern matcher.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from ..models import DrugLink, Monograph

WORD = re.compile(r"[^\W\d_]\w*")  # like spaCy, a hyphen ends a word: "anakinra-associated"


@dataclass(frozen=True, slots=True)
class DrugInfo:
    """What the dictionary knows about one name."""

    generic: str
    drugbank_id: str | None
    unii: str | None
    brand: bool


@cache
def _data() -> dict[str, Any]:
    text = resources.files("livertox_parse.rules").joinpath("drug_dictionary.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _rules() -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = _data()["rules"]
    return rules


@cache
def not_drugs() -> frozenset[str]:
    """Lower-cased names the curation rules keep out of DRUG: pharmacologic classes ('anticonvulsants',
    'statins'), endogenous substances and analytes, words that collide; never labelled, whoever names them."""
    return frozenset(_data()["not_drugs"])


_COMBINATION = re.compile(r" and |/|, | with ", re.IGNORECASE)


def _drugbank_by_unii(rules: list[dict[str, Any]]) -> dict[str, str]:
    """DrugBank id by FDA UNII, where one id has it. The UNII names a substance: an entry the sources gave no
    DrugBank id under one name ('Ursodiol', 'Alendronate', 'Glycopyrrolate', 'Aciclovir', the US suffixed
    biologic 'Aducanumab-avwa') is the substance of the entry with an id and the same UNII ('Ursodeoxycholic
    Acid' DB01586, 'Alendronic acid', 'Glycopyrronium', 'Acyclovir', 'Aducanumab')."""
    ids: dict[str, set[str]] = {}
    for rule in rules:
        if rule.get("unii") and rule.get("drugbank_id"):
            ids.setdefault(rule["unii"], set()).add(rule["drugbank_id"])
    return {unii: next(iter(found)) for unii, found in ids.items() if len(found) == 1}


@cache
def lexicon() -> dict[str, DrugInfo]:
    """Every name of the dictionary, lower-cased, with its generic name and identifiers. An entry without a
    DrugBank id takes the id of the one entry sharing its UNII (:func:`_drugbank_by_unii`), unless it names a
    combination ('Acetaminophen and Codeine' carries acetaminophen's UNII in the source)."""
    out: dict[str, DrugInfo] = {}
    by_unii = _drugbank_by_unii(_rules())
    for rule in _rules():
        drugbank_id = rule.get("drugbank_id")
        if drugbank_id is None and rule.get("unii") and not _COMBINATION.search(rule["name"]):
            drugbank_id = by_unii.get(rule["unii"])
        generic = DrugInfo(rule["name"], drugbank_id, rule.get("unii"), brand=False)
        out.setdefault(rule["name"].lower(), generic)
        for name in rule.get("synonyms", ()):
            out.setdefault(name, generic)
        brand = DrugInfo(rule["name"], drugbank_id, rule.get("unii"), brand=True)
        for name in rule.get("brands", ()):
            out.setdefault(name, brand)
    return out


_QUALIFIER = re.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])")  # '(Oral)', '(Monohydrate)', '[INN:BAN]'


# the salt or ester a drug is made and listed as ('Cyproterone' is sold as cyproterone acetate, 'Certolizumab'
# as certolizumab pegol): the US name of the active part and the listed product name the same drug
_SALTS = ("acetate", "pegol", "sodium", "potassium", "dipotassium", "calcium", "magnesium", "carbonate",
          "hydrochloride", "sulfate", "mesylate", "maleate", "tartrate", "succinate", "citrate", "bromide",
          "phosphate", "fumarate")
# the payload an antibody-drug conjugate is listed with (the book names 'inotuzumab' for inotuzumab ozogamicin)
_PAYLOADS = ("ozogamicin", "pasudotox", "vedotin", "emtansine", "deruxtecan", "govitecan", "mafodotin", "tesirine",
             "tiuxetan", "soravtansine", "ravtansine")
_SALT_FORMS = _SALTS + _PAYLOADS
# a salt the book names where the dictionary lists the drug alone ('Glatiramer Acetate', 'Nalmefene HCl',
# 'Salmeterol Xinafoate'); never a payload: a conjugate is not its antibody
_SALT_WORDS = (*_SALTS, "hcl", "dihydrochloride", "hydrobromide", "besylate", "tosylate", "xinafoate", "bitartrate")
_SALT_SUFFIX = re.compile(r"(.{6,}?)\s+(?:" + "|".join(_SALT_WORDS) + ")")
# where the book joins the drugs of a combination ('Amoxicillin-Clavulanate', 'Carbidopa/Levodopa', 'Glecaprevir,
# Pibrentasvir', 'Dasabuvir, Ombitasvir, Paritaprevir and Ritonavir'); a hyphen only where a part is unknown whole
_LONGEST_JOINED = 200
_JOINS = re.compile(r"\s*(?:,\s*and\s+|,\s*|\s+and\s+|\s+with\s+|/)\s*")


@lru_cache(maxsize=4096)
def _salt_form(key: str) -> DrugInfo | None:
    """The one salt or ester entry with a DrugBank id that ``key`` (a lower-cased name) is the drug of; a
    short name is no drug's ('dha', docosahexaenoic acid, is not 'DHA sulfate', dehydroepiandrosterone)."""
    if len(key) < 6 or not key.isalpha():
        return None
    found = {info.drugbank_id: info for salt in _SALT_FORMS
             if (info := lexicon().get(f"{key} {salt}")) is not None and info.drugbank_id and not info.brand}
    return next(iter(found.values())) if len(found) == 1 else None


def lookup(name: str) -> DrugInfo | None:
    """The dictionary's entry for ``name`` (any case; a trailing '®' is ignored), or None. A name the book
    qualifies ('Nitrofurantoin (Monohydrate)', 'Diazepam (Oral)', 'Epoprostenol [Prostacyclin]') is looked up
    without its qualifier when it is not in the dictionary with it. A name without a DrugBank id takes the id of
    the one salt or ester form listed with one ('Cyproterone': Cyproterone Acetate, DB04839)."""
    key = name.strip().rstrip("®").strip().lower()
    found = lexicon().get(key)
    if found is None and ("(" in key or "[" in key):
        key = _QUALIFIER.sub("", key).strip()
        found = lexicon().get(key)
    if (found is None or found.drugbank_id is None) and (salt := _salt_form(key)) is not None:
        found = salt if found is None else DrugInfo(found.generic, salt.drugbank_id, found.unii or salt.unii,
                                                    found.brand)
    # a name of at most a few words (a salt or combination name is; what a hostile file calls a name may not be)
    if found is None and len(key) <= _LONGEST_JOINED and (" " in key or "-" in key or "/" in key):
        found = _salt_of(key) or _joined(key)
    return found


@lru_cache(maxsize=4096)
def _salt_of(key: str) -> DrugInfo | None:
    """A salt of a generic the dictionary lists alone: the generic and its DrugBank id (DrugBank keeps a salt under
    its drug); no UNII, which names the salt itself."""
    m = _SALT_SUFFIX.fullmatch(key)
    info = lexicon().get(m.group(1)) if m else None
    if info is None or info.brand:
        return None
    return DrugInfo(info.generic, info.drugbank_id, None, brand=False)


def _part_generics(name: str) -> frozenset[str] | None:
    """The generics of the drugs ``name`` (lower-cased) joins (``_JOINS``; a part unknown whole split at its
    hyphens), or None when a part is no generic the dictionary knows (a brand, a group, an unknown word)."""
    generics: set[str] = set()
    for part in _JOINS.split(name):
        info = lexicon().get(part)
        if info is not None and not info.brand:
            generics.add(info.generic)
            continue
        for piece in part.split("-") if "-" in part else (part,):  # unknown whole: its hyphenated pieces
            info = lexicon().get(piece.strip())
            if info is None or info.brand:
                return None
            generics.add(info.generic)
    return frozenset(generics)


@cache
def _combinations() -> dict[frozenset[str], DrugInfo]:
    """The dictionary's combination products by the generics they join; of two entries for one combination
    ('Amoxicillin / Clavulanic Acid', 'Amoxicillin and Clavulanic Acid') the first with an id, else the first."""
    out: dict[frozenset[str], DrugInfo] = {}
    for rule in _rules():
        if not _COMBINATION.search(rule["name"]):
            continue
        generics = _part_generics(rule["name"].lower())
        info = lexicon()[rule["name"].lower()]
        if generics is None or len(generics) < 2 or info.brand:
            continue
        kept = out.get(generics)
        if kept is None or (kept.drugbank_id is None and info.drugbank_id is not None):
            out[generics] = info
    return out


@lru_cache(maxsize=4096)
def _joined(key: str) -> DrugInfo | None:
    """Drugs the book joins ('amoxicillin-clavulanate'): the dictionary's combination of the same generics, or
    the one drug all the parts name ('Acetylsalicylic Acid, Aspirin'; 'Vitamin B6, Pyridoxine'). Two drugs no
    combination joins ('Cetirizine/Levocetirizine', a drug and its isomer) are none."""
    if not (_JOINS.search(key) or "-" in key):
        return None
    generics = _part_generics(key)
    if generics is None:
        return None
    if len(generics) == 1:
        return lexicon().get(next(iter(generics)).lower())
    return _combinations().get(generics)


@cache
def _generics_sorted() -> tuple[str, ...]:
    return tuple(sorted({info.generic.lower() for info in lexicon().values() if not info.brand}))


def leads_generics(name: str) -> bool:
    """Whether ``name`` is the leading words of generics the dictionary knows, before a space or a hyphen: a drug
    named without its variant ('Asparaginase': asparaginase erwinia chrysanthemi, asparaginase escherichia coli;
    'Peginterferon': peginterferon alfa-2a, alfa-2b; 'Interferon Gamma': interferon gamma-1b). Six letters at
    least, so that no word such as 'Anti' (anti-thymocyte globulin) leads any."""
    key = name.strip().lower()
    if len(key) < 6:
        return False
    generics = _generics_sorted()
    for lead in (key + " ", key + "-"):  # the first generic from each lead on holds it, if any does
        at = bisect_left(generics, lead)
        if at < len(generics) and generics[at].startswith(lead):
            return True
    return False


@cache
def dictionary_names() -> frozenset[str]:
    """Every dictionary name matched in text, lower-cased (those a ``WORD`` starts: a letter first)."""
    unmatched = {r["name"].lower() for r in _rules() if r.get("match_name") is False}
    return frozenset(low for n in lexicon() if n and n not in unmatched and WORD.match(low := n.lower()))


def link(name: str) -> DrugLink:
    """``name`` linked to the dictionary (all links null when the dictionary does not know it)."""
    info = lookup(name)
    if info is None:
        return DrugLink(name=name)
    return DrugLink(name=name, generic=info.generic, drugbank_id=info.drugbank_id, unii=info.unii)


def link_monograph(monograph: Monograph) -> dict[str, Any]:
    """Model updates that link the agents and the chemical rows of ``monograph`` to the dictionary."""
    chemicals = []
    for chemical in monograph.chemicals:
        found = link(chemical.drug)
        chemicals.append(chemical.model_copy(update={"drugbank_id": found.drugbank_id, "unii": found.unii}))
    return {"agent_links": [link(a) for a in monograph.agents], "chemicals": chemicals}
