"""``livertox-parse check``: lint monographs in CI, with coded findings, levels and annotations.

Every LTW warning the parser emits is a rule; its level (error or warning) comes from the rule table
``rules/checks.json``, overridable in ``pyproject.toml`` under ``[tool.livertox-parse]`` (found by walking up
from the current directory) and on the command line. Exit status: 0 nothing at error level, 1 something at
error level, 2 an input could not be read (or a usage/configuration error). Importing this module is cheap:
the parser (and spaCy) load only when a file is checked.
"""

from __future__ import annotations

import argparse
import json
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from textwrap import fill
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from .. import __version__
from ..errors import ERROR_CODES, LiverToxError, one_line
from ..limits import DEFAULT_LIMITS, Limits
from ..limits import add_arguments as add_limit_arguments
from ..limits import from_args as limits_from_args
from ..progress import Progress
from ..readers.sources import expand, is_archive, iter_inputs
from ..rules import RuleError, load_table

if TYPE_CHECKING:
    from ..models import Monograph
    from ..view import ChapterView

FORMATS = ("text", "json", "github", "sarif", "html")
LEVELS = ("error", "warning")
CONFIG_TABLE = "livertox-parse"
CONFIG_KEYS = frozenset({"select", "ignore", "levels"})
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_CODE = re.compile(r"^LTW\d{3}$")


class ConfigError(ValueError):
    """The checker's configuration (pyproject table or flags) is invalid; the message says what and where."""


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    level: str
    summary: str
    title: str = ""
    example: str = ""  # how a fixture chapter was changed to show the rule ...
    output: str = ""  # ... and what check then prints
    fix: str = ""


@cache
def rules() -> dict[str, Rule]:
    """The check rules by code, in table order; raises RuleError if a code or level is malformed or repeated."""
    out: dict[str, Rule] = {}
    for i, r in enumerate(load_table("checks").rules):
        if not isinstance(r["code"], str) or not _CODE.match(r["code"]) or r["code"] in out:
            raise RuleError(f"checks: rule {i} has a malformed or repeated code {r['code']!r}")
        if r["level"] not in LEVELS:
            raise RuleError(f"checks: rule {i} ({r['code']}) has level {r['level']!r}, not one of {LEVELS}")
        out[r["code"]] = Rule(r["code"], r["level"], str(r["summary"]), str(r.get("title", "")),
                              str(r.get("example", "")), str(r.get("output", "")), str(r.get("fix", "")))
    return out


# --- configuration -------------------------------------------------------------------------------------


def _codes(value: object, where: str) -> tuple[str, ...]:
    """Code prefixes from 'LTW1,LTW132' or a list of strings; each must match at least one rule code."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(x, str) for x in items):
        raise ConfigError(f"{where}: expected codes as a list of strings or 'CODE,CODE'")
    out = tuple(x.strip().upper() for x in items if x.strip())
    for prefix in out:
        if not any(code.startswith(prefix) for code in rules()):
            raise ConfigError(f"{where}: {prefix!r} matches no rule code (livertox-parse check --explain lists them)")
    return out


def _longest(prefixes: Iterable[str], code: str) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


@dataclass(frozen=True)
class Config:
    """Which rules run and at which level. ``select=None`` selects every rule.

    A code is enabled when its longest matching prefix is in ``select`` rather than ``ignore`` (a tie goes to
    ``ignore``); so ``select=["LTW1"], ignore=["LTW13"]`` runs LTW101..LTW121 and LTW140..LTW150.
    """

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    levels: dict[str, str] = field(default_factory=dict)
    source: str | None = None

    def enabled(self, code: str) -> bool:
        chosen = _longest(self.select, code) if self.select is not None else 0
        return chosen >= 0 and chosen > _longest(self.ignore, code)

    def level(self, code: str) -> str:
        """The configured level of ``code`` (longest matching prefix in ``levels``), else the table's."""
        best = max((p for p in self.levels if code.startswith(p)), key=len, default=None)
        if best is not None:
            return self.levels[best]
        rule = rules().get(code)
        return rule.level if rule else "error"


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` that has a ``[tool.livertox-parse]`` table."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{candidate}: not valid TOML: {exc}") from None
            if CONFIG_TABLE in data.get("tool", {}):
                return candidate
    return None


def load_config(start: Path | None = None) -> Config:
    """The configuration of the nearest pyproject.toml (see :func:`find_pyproject`), or the defaults."""
    path = find_pyproject(start or Path.cwd())
    if path is None:
        return Config()
    table = tomllib.loads(path.read_text(encoding="utf-8"))["tool"][CONFIG_TABLE]
    where = f"{path} [tool.{CONFIG_TABLE}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    if unknown := set(table) - CONFIG_KEYS:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(CONFIG_KEYS)})")
    levels = table.get("levels", {})
    if not isinstance(levels, dict):
        raise ConfigError(f"{where}: 'levels' must be a table of CODE = \"error\" | \"warning\"")
    for prefix, level in levels.items():
        _codes([prefix], f"{where} levels")
        if level not in LEVELS:
            raise ConfigError(f"{where} levels: {prefix} = {level!r}, expected one of {LEVELS}")
    return Config(
        select=_codes(table["select"], f"{where} select") if "select" in table else None,
        ignore=_codes(table.get("ignore", []), f"{where} ignore"),
        levels={k.upper(): v for k, v in levels.items()},
        source=str(path),
    )


# --- findings ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """One reported problem. ``line``/``column`` are 1-based in the source file (text, NXML); PDFs have ``page``."""

    path: str
    code: str
    level: str
    message: str
    line: int | None = None
    column: int | None = None
    page: int | None = None

    def location(self) -> str:
        """``path:line:col``, ``path:page N`` (PDF), or for a whole-file finding ``path:1:1`` (``path`` for a PDF)."""
        path = one_line(self.path)  # an archive member's name may hold a newline
        if self.line is not None:
            return f"{path}:{self.line}:{self.column or 1}"
        if self.page is not None:
            return f"{path}:page {self.page}"
        return path if path.lower().endswith(".pdf") else f"{path}:1:1"

    def sort_key(self) -> tuple[int, int, int, str]:
        return (self.page or 0, self.line or 0, self.column or 0, self.code)


def findings_for(monograph: Monograph, path: str, config: Config) -> list[Finding]:
    """The monograph's warnings that ``config`` enables, as findings at their configured level, in file order."""
    out = [
        Finding(path, w.code, config.level(w.code), w.message, w.line, w.column if w.line else None, w.page)
        for w in monograph.warnings
        if config.enabled(w.code)
    ]
    return sorted(out, key=Finding.sort_key)


def error_finding(exc: LiverToxError, path: str) -> Finding:
    """An input that could not be read, as an error-level finding with its LTX code."""
    return Finding(exc.path or path, exc.code, "error", exc.message, exc.line, exc.column, exc.page)


def check_path(path: str, config: Config, data: bytes | None = None,
               limits: Limits = DEFAULT_LIMITS) -> tuple[list[Finding], bool]:
    """Findings for one file (or archive member given as ``data``) and whether it was read; an unreadable
    input (or one past the ``limits``) gives one LTX finding and False."""
    findings, read, _ = check_view(path, config, data, limits, with_entities=False)
    return findings, read


def check_view(path: str, config: Config, data: bytes | None = None, limits: Limits = DEFAULT_LIMITS, *,
               with_entities: bool = True) -> tuple[list[Finding], bool, ChapterView | None]:
    """As :func:`check_path`, with the parsed chapter and its text (for ``--format html``) when it was read.

    Findings come from the chapter's warnings alone; ``with_entities=False`` skips the entity pass (and
    loading spaCy), which only the html page shows."""
    from ..view import view_file  # the parser (spaCy, pdfplumber) loads only when a file is checked

    try:
        view = view_file(path, data, limits, with_entities=with_entities)
    except LiverToxError as exc:
        if exc.skipped:  # front matter: nothing for a curator to fix, and no failure
            return [], True, None
        return [error_finding(exc.with_path(path), path)], False, None
    except Exception as exc:  # noqa: BLE001  # a parser bug is reported for this file; the batch goes on
        return [Finding(path, "LTX099", "error", f"internal error: {type(exc).__name__}: {exc}")], False, None
    return findings_for(view.monograph, path, config), True, view


# --- output formats ------------------------------------------------------------------------------------


def format_text(findings: Sequence[Finding]) -> list[str]:
    """``path:line:col: CODE level: message`` (``path:page N: ...`` for PDFs), one line each."""
    return [f"{f.location()}: {f.code} {f.level}: {' '.join(f.message.split())}" for f in findings]


def format_json(findings: Sequence[Finding]) -> list[str]:
    """One JSON object per finding (JSON Lines): path, line, column, page, code, level, message."""
    keys = ("path", "line", "column", "page", "code", "level", "message")
    return [json.dumps({k: getattr(f, k) for k in keys}, ensure_ascii=False) for f in findings]


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(findings: Sequence[Finding]) -> list[str]:
    """GitHub Actions workflow commands: ``::error file=...,line=...,col=...,title=CODE::message``."""
    lines = []
    for f in findings:
        props = [f"file={_gh_property(f.path)}"]
        if f.line is not None:
            props += [f"line={f.line}", f"col={f.column or 1}"]
        props.append(f"title={_gh_property(f.code)}")
        message = f"page {f.page}: {f.message}" if f.line is None and f.page is not None else f.message
        lines.append(f"::{f.level} {','.join(props)}::{_gh_data(message)}")
    return lines


def _uri(path: str) -> str:
    p = Path(path)
    return p.as_uri() if p.is_absolute() else quote(p.as_posix())


def format_sarif(findings: Sequence[Finding], config: Config, read_all: bool) -> list[str]:
    """One SARIF 2.1.0 log: every rule (LTW checks and LTX input errors) in ``tool.driver.rules``."""
    descriptors: list[dict[str, Any]] = [
        {"id": r.code, "shortDescription": {"text": r.summary.split(". ")[0].rstrip(".") + "."},
         "fullDescription": {"text": r.summary},
         "defaultConfiguration": {"level": config.level(r.code), "enabled": config.enabled(r.code)}}
        for r in rules().values()
    ] + [
        {"id": code, "shortDescription": {"text": f"input could not be read: {text}"},
         "defaultConfiguration": {"level": "error"}}
        for code, text in ERROR_CODES.items()
    ]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    results: list[dict[str, Any]] = []
    for f in findings:
        location: dict[str, Any] = {"artifactLocation": {"uri": _uri(f.path)}}
        if f.line is not None:
            location["region"] = {"startLine": f.line, "startColumn": f.column or 1}
        result: dict[str, Any] = {
            "ruleId": f.code, "level": f.level,
            "message": {"text": f"page {f.page}: {f.message}" if f.line is None and f.page else f.message},
            "locations": [{"physicalLocation": location}],
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        if f.page is not None:
            result["properties"] = {"page": f.page}
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "livertox-parse", "version": __version__, "rules": descriptors}},
            "invocations": [{"executionSuccessful": read_all}],
            "results": results,
        }],
    }
    return [json.dumps(log, indent=2, ensure_ascii=False)]


def format_html(files: Sequence[tuple[str, list[Finding], ChapterView | None]], config: Config) -> str:
    """One self-contained page: every file's findings, each linked into that file's chapter view."""
    from ..view.findings import FileFindings, render_check

    levels = {code: config.level(code) for code in rules() if config.enabled(code)}
    return render_check([FileFindings(path, [(f.location(), f.code, f.level, f.message) for f in found], view)
                         for path, found, view in files], levels)


# --- command line --------------------------------------------------------------------------------------


def add_subcommand(subparsers: Any) -> None:
    """Add ``check PATH... [--format ...] [--select CODES] [--ignore CODES]`` with ``func=run``."""
    p = subparsers.add_parser(
        "check", help="check monographs for missing sections, bad values and contradictions (exit 1 on errors)",
        description="Check monographs the way a linter checks code: each finding has a code (LTWnnn), a level "
                    "and a location (path:line:col, or path:page N for PDFs). Exit status 0 when nothing at "
                    "error level was found, 1 when something was, 2 when an input could not be read. "
                    "'check --explain CODE' tells what a rule means and how to fix what it finds; "
                    "'check --explain all' lists the rules. Levels and rules to skip can be set in "
                    "pyproject.toml under [tool.livertox-parse] (select, ignore, levels).")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="a monograph file (.txt, .pdf, .nxml), a folder (searched recursively for .txt, .pdf, "
                        ".nxml, .xml and .tar.gz), a .tar.gz archive of NXML chapters, or - for stdin")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="output format (default: text); html: one self-contained page for the batch")
    p.add_argument("--select", metavar="CODES", help="comma-separated code prefixes to run (replaces the "
                   "configured select), e.g. LTW1,LTW140")
    p.add_argument("--ignore", metavar="CODES", help="comma-separated code prefixes not to run (replaces the "
                   "configured ignore), e.g. LTW13")
    p.add_argument("--explain", metavar="CODE",
                   help="print what rule CODE (LTWnnn, or an input error LTXnnn) checks, its level, an example "
                        "and how to fix it, then exit; 'all' lists every rule")
    add_limit_arguments(p)
    p.set_defaults(func=run)


def explain(code: str) -> str | None:
    """The text ``check --explain CODE`` prints (None for an unknown code), from the rule table shipped in the
    package: title, level, what it checks, an example finding and how to fix it."""
    code = code.strip().upper()
    if code == "ALL":
        return "\n".join(f"{r.code}  {r.level:<7}  {r.title or r.summary}" for r in rules().values()) + "\n" + \
            "\n".join(f"{c}  input    {text} (not a rule: cannot be ignored)" for c, text in ERROR_CODES.items())
    if code in ERROR_CODES:
        return (f"{code}: {ERROR_CODES[code]}\n\nAn input error, not a rule: the file could not be read as a "
                "monograph, so it has no findings; check exits 2 and it cannot be ignored. The message after the "
                "code says what was wrong and where.")
    rule = rules().get(code)
    if rule is None:
        return None
    other = "warning" if rule.level == "error" else "error"
    parts = [f"{rule.code}: {rule.title} ({rule.level})", "", fill(rule.summary, 100)]
    if rule.output:
        parts += ["", fill(f"Example ({rule.example}):" if rule.example else "Example:", 100), f"  {rule.output}"]
    if rule.fix:
        parts += ["", fill(f"How to fix: {rule.fix}", 100)]
    parts += ["", fill(f"To change its level or skip it, in pyproject.toml: [tool.livertox-parse] levels = "
                       f'{{ {rule.code} = "{other}" }} or ignore = ["{rule.code}"].', 100)]
    return "\n".join(parts)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Check every path; write findings to ``stdout`` in ``args.format``; return the exit status (0, 1, 2)."""
    if args.explain is not None:
        text = explain(args.explain)
        if text is None:
            print(f"livertox-parse check: error: no rule {args.explain!r} (check --explain all lists them)",
                  file=stderr)
            return 2
        stdout.write(text + "\n")
        return 0
    if not args.paths:
        print("livertox-parse check: error: give a PATH to check (or --explain CODE)", file=stderr)
        return 2
    try:
        config = load_config()
        if args.select is not None:
            config = Config(_codes(args.select, "--select"), config.ignore, config.levels, config.source)
        if args.ignore is not None:
            config = Config(config.select, _codes(args.ignore, "--ignore"), config.levels, config.source)
    except ConfigError as exc:
        print(f"livertox-parse check: error: {exc}", file=stderr)
        return 2
    findings: list[Finding] = []
    limits = limits_from_args(args)
    files: list[tuple[str, list[Finding], ChapterView | None]] = []  # for --format html
    paths = expand(args.paths)
    unreadable = 0
    checked = 0
    with Progress(stderr, None if any(is_archive(p) for p in paths) else len(paths), "check") as progress:
        for path in paths:
            for item in iter_inputs(path, limits):  # a folder or an archive stands for its chapters
                if item.skipped:
                    continue
                checked += 1
                found, read, view = ([error_finding(item.error, item.name)], False, None) if item.error else \
                    check_view(item.name, config, item.data, limits, with_entities=args.format == "html")
                findings.extend(found)
                if args.format == "html":
                    files.append((item.name, found, view))
                unreadable += not read
                progress.tick()
    if args.format == "sarif":
        lines = format_sarif(findings, config, read_all=not unreadable)
    elif args.format == "html":
        lines = [format_html(files, config)]
    else:
        lines = {"text": format_text, "json": format_json, "github": format_github}[args.format](findings)
    stdout.writelines(line + "\n" for line in lines)
    stdout.flush()
    errors = sum(f.level == "error" for f in findings)
    if args.format == "text":
        print(f"checked {checked} file(s): {errors} error(s), {len(findings) - errors} warning(s)"
              + (f", {unreadable} unreadable" if unreadable else ""), file=stderr)
    return 2 if unreadable else 1 if errors else 0
