"""Rule tables shipped as package data, loaded through a strict loader.

Every table is a JSON object ``{"source": "...", "rules": [...]}``; each rule is checked against the keys its
table allows, so a typo in a rule file fails loudly instead of silently disabling a rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

# table name -> (required keys, optional keys)
_TABLE_KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "sections": (frozenset({"id", "level", "parent"}), frozenset({"aliases", "pattern"})),
    "keypoints": (frozenset({"field", "aliases"}), frozenset()),
    "labs": (frozenset({"test", "aliases", "default_uln", "units"}), frozenset()),
    "drugs": (frozenset({"name"}), frozenset({"kind"})),
    "drug_stems": (frozenset({"stem", "min_length"}), frozenset()),
    "checks": (frozenset({"code", "level", "summary"}), frozenset({"title", "example", "output", "fix"})),
    "formulas": (frozenset({"text", "kind"}), frozenset()),
    "keypoint_values": (frozenset({"field", "phrase", "value"}), frozenset()),
    "kinds": (frozenset({"signal", "values"}), frozenset()),
    "symbol_font": (frozenset({"code", "glyph", "prints"}), frozenset()),
}


class RuleError(ValueError):
    """A rule table is malformed: names the table, the rule index and the offending key."""


@dataclass(frozen=True)
class RuleTable:
    name: str
    source: str
    rules: tuple[dict[str, Any], ...]


def validate_table(name: str, data: object) -> RuleTable:
    """Check ``data`` against the keys table ``name`` allows; raise RuleError naming what is wrong."""
    if name not in _TABLE_KEYS:
        raise RuleError(f"{name}: unknown rule table")
    if not isinstance(data, dict) or set(data) != {"source", "rules"}:
        raise RuleError(f"{name}: expected an object with exactly 'source' and 'rules'")
    if not isinstance(data["source"], str) or not data["source"].strip():
        raise RuleError(f"{name}: 'source' must say where the rules come from")
    if not isinstance(data["rules"], list) or not data["rules"]:
        raise RuleError(f"{name}: 'rules' must be a non-empty list")
    required, optional = _TABLE_KEYS[name]
    for i, rule in enumerate(data["rules"]):
        if not isinstance(rule, dict):
            raise RuleError(f"{name}: rule {i} is not an object")
        keys = set(rule)
        if missing := required - keys:
            raise RuleError(f"{name}: rule {i} lacks {sorted(missing)}")
        if unknown := keys - required - optional:
            raise RuleError(f"{name}: rule {i} has unknown keys {sorted(unknown)}")
    return RuleTable(name, data["source"], tuple(data["rules"]))


@cache
def load_table(name: str) -> RuleTable:
    """Load ``rules/<name>.json`` from the package (cached)."""
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    return validate_table(name, json.loads(text))
