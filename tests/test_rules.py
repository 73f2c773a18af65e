"""Rule tables load through a strict loader: unknown keys, missing keys and empty tables are rejected."""

from __future__ import annotations

import pytest

from livertox_parse.rules import RuleError, load_table, validate_table

BAD_TABLES = {
    "unknown_key": {"source": "x", "rules": [{"id": "a", "level": 1, "parent": None, "alias": ["A"]}]},
    "missing_key": {"source": "x", "rules": [{"id": "a", "aliases": ["A"], "parent": None}]},
    "no_source": {"source": " ", "rules": [{"id": "a", "level": 1, "parent": None}]},
    "extra_top_level": {"source": "x", "rules": [{"id": "a", "level": 1, "parent": None}], "version": 2},
    "empty_rules": {"source": "x", "rules": []},
    "rule_not_object": {"source": "x", "rules": ["OVERVIEW"]},
}


@pytest.mark.parametrize("name", BAD_TABLES)
def test_strict_loader_rejects(name: str) -> None:
    with pytest.raises(RuleError, match="sections"):
        validate_table("sections", BAD_TABLES[name])


def test_unknown_table_name_rejected() -> None:
    with pytest.raises(RuleError, match="unknown rule table"):
        validate_table("nope", {"source": "x", "rules": [{}]})


@pytest.mark.parametrize("name", ["sections", "keypoints", "labs", "drugs"])
def test_shipped_tables_load_and_name_a_source(name: str) -> None:
    table = load_table(name)
    assert table.rules
    assert len(table.source) > 30


def test_section_ids_are_unique_and_parents_exist() -> None:
    rules = load_table("sections").rules
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    assert {r["parent"] for r in rules if r["parent"]} <= set(ids)
