"""--help is written for users on every command and argument; check --explain prints a rule from the package."""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
from importlib import resources

import pytest

from livertox_parse.check import explain, rules
from livertox_parse.cli import _build_parser, main
from livertox_parse.errors import ERROR_CODES

from .conftest import ROOT


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = _build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_top_level_help_is_for_users_not_a_docstring() -> None:
    out = io.StringIO()
    parser = _build_parser()
    parser.print_help(out)
    text = out.getvalue()
    assert "main(argv)" not in text and "``" not in text
    assert "LiverTox" in text and "COMMAND --help" in text
    described = text[: text.index("COMMAND --help")]  # the description, above the argparse listing
    for command in subparsers():
        assert re.search(rf"^\s+{command}\s+\S", described, re.MULTILINE), command


@pytest.mark.parametrize("command", sorted(subparsers()))
def test_every_argument_has_help(command: str) -> None:
    sub = subparsers()[command]
    assert sub.description and "``" not in sub.description
    for action in sub._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        name = action.option_strings[0] if action.option_strings else action.dest
        assert action.help and action.help != argparse.SUPPRESS and len(action.help) > 15, f"{command} {name}"


def test_check_help_points_at_explain_not_at_docs_a_pip_install_lacks() -> None:
    text = subparsers()["check"].format_help()
    assert "--explain" in text and "docs/rules.md" not in text


def test_every_rule_ships_title_example_output_and_fix() -> None:
    shipped = json.loads(resources.files("livertox_parse").joinpath("rules", "checks.json").read_text("utf-8"))
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in shipped["rules"]:
        assert all(rule.get(k) for k in ("title", "example", "output", "fix")), rule["code"]
        # the example output is the one docs/rules.md shows under the rule's heading (kept in step)
        section = docs[docs.index(f"### {rule['code']}\n"):]
        section = section[: section.index("\n### ", 4)] if "\n### " in section[4:] else section
        assert rule["output"] in section, rule["code"]
        assert f"**{rule['title']} — {rule['level']}" in section, rule["code"]


def test_explain_prints_rule_level_example_and_fix() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", "--explain", "ltw132"], stdout=out, stderr=err) == 0
    text = out.getvalue()
    assert text.startswith("LTW132: Key Points dose contradicts the narrative (error)\n")
    assert "metoprolol.txt:63:1: LTW132 error: Key Points give Metoprolol 200 mg daily" in text
    assert "How to fix: " in text and 'ignore = ["LTW132"]' in text
    assert err.getvalue() == ""


def test_explain_knows_input_errors_and_lists_everything() -> None:
    assert explain("LTX002") is not None and "cannot be ignored" in (explain("LTX002") or "")
    listing = explain("all") or ""
    assert [line.split()[0] for line in listing.splitlines()] == [*rules(), *ERROR_CODES]


def test_explain_of_an_unknown_code_is_one_line_exit_2() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", "--explain", "LTW999"], stdout=out, stderr=err) == 2
    assert out.getvalue() == "" and err.getvalue().count("\n") == 1 and "--explain all" in err.getvalue()


def test_check_without_paths_says_what_to_give() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["check"], stdout=out, stderr=err) == 2
    assert "give a PATH" in err.getvalue()


def test_explain_works_from_an_installed_package_outside_the_repository(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = subprocess.run([sys.executable, "-m", "livertox_parse", "check", "--explain", "LTW140"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and "CAS check digit invalid (error)" in done.stdout
