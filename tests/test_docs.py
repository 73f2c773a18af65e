"""Every CLI command and option is documented; every warning code has a check rule and a doc entry."""

from __future__ import annotations

import argparse
import json

import pytest

from livertox_parse.cli import _build_parser
from livertox_parse.errors import ERROR_CODES, WARNING_CODES

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
RULES_DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = _build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", sorted(_subparsers()))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"livertox-parse {command}" in README


@pytest.mark.parametrize("command", sorted(_subparsers()))
def test_every_option_is_in_the_readme_or_rules_doc(command: str) -> None:
    options = [o for a in _subparsers()[command]._actions for o in a.option_strings
               if o.startswith("--") and o != "--help"]
    for option in options:
        assert option in README or option in RULES_DOC, f"{command} {option} is not documented"


def test_every_warning_code_is_a_documented_check_rule() -> None:
    rules = json.loads((ROOT / "livertox_parse" / "rules" / "checks.json").read_text(encoding="utf-8"))["rules"]
    assert {r["code"] for r in rules} >= set(WARNING_CODES)
    for code in WARNING_CODES:
        assert code in RULES_DOC


def test_error_codes_are_stable_and_listed() -> None:
    assert all(code.startswith("LTX") and len(code) == 6 for code in ERROR_CODES)
    assert all(code.startswith("LTW") and len(code) == 6 for code in WARNING_CODES)


def test_every_error_code_is_in_the_readme() -> None:
    assert [code for code in ERROR_CODES if code not in README and code not in ("LTX031", "LTX032", "LTX033")] == []
    assert "LTX030 to LTX034" in README
