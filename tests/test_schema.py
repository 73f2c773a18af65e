"""schemas/*.json is what the models generate: a model change without `make schemas` fails here."""

from __future__ import annotations

from livertox_parse.schema_gen import SCHEMA_FILE, schema_bytes

from .conftest import ROOT


def test_committed_schema_matches_models() -> None:
    committed = (ROOT / "schemas" / SCHEMA_FILE).read_bytes()
    assert committed == schema_bytes(), "schemas/ is stale: run `make schemas` and commit the result"
