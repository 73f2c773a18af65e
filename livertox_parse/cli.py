"""Command line: a thin layer over the library. ``main(argv)`` returns the exit status."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from pathlib import Path
from typing import TextIO

from . import __version__
from .errors import LiverToxError, one_line
from .limits import DEFAULT_LIMITS, Limits
from .limits import add_arguments as add_limit_arguments
from .limits import from_args as limits_from_args
from .readers.sources import iter_inputs

# Further subcommands live in their own modules. Each exposes ``add_subcommand(subparsers)``, which adds its
# parser and sets ``func=(args, stdout, stderr) -> exit status``; importing the module must stay cheap.
SUBCOMMAND_MODULES = ("livertox_parse.ingest", "livertox_parse.check", "livertox_parse.view.command")


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="livertox-parse", description=__doc__)
    parser.add_argument("--version", action="version", version=f"livertox-parse {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="parse monographs (text, PDF, NXML, .tar.gz archive) into JSON")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("-o", "--output-dir", type=Path, help="write <stem>.json files here instead of stdout")
    p.add_argument("--pretty", action="store_true", help="indent the JSON")
    p.add_argument("--with-text", action="store_true",
                   help="add the extracted text as \"text\": every start/end in the JSON indexes it")
    add_limit_arguments(p)
    p.set_defaults(func=cmd_parse)
    for module_name in SUBCOMMAND_MODULES:
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name).add_subcommand(sub)
    return parser


def _parse_one(name: str, data: bytes | None, pretty: bool, with_text: bool = False,
               limits: Limits = DEFAULT_LIMITS) -> bytes:
    from .emit import to_bytes  # imported lazily to keep --version fast
    from .pipeline import parse_input

    return to_bytes(parse_input(name, data, limits=limits, with_text=with_text), pretty=pretty)


def _report(exc: LiverToxError, stderr: TextIO) -> None:
    print(f"{exc.location()}: {exc.code}: {exc.message}", file=stderr)


def cmd_parse(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .emit import write_atomic

    failed = 0
    limits = limits_from_args(args)
    for path in args.paths:
        for item in iter_inputs(path, limits):
            name, data = item.name, item.data
            if item.skipped:
                print(f"{one_line(name)}: skipped: {one_line(item.skipped)}", file=stderr)
                continue
            try:
                if item.error is not None:
                    raise item.error
                out = _parse_one(name, data, args.pretty, args.with_text, limits)
            except LiverToxError as exc:
                failed += 1
                _report(exc.with_path(name), stderr)
                continue
            except Exception as exc:  # noqa: BLE001  # a bug must not cost the rest of the batch, nor show a traceback
                failed += 1
                _report(LiverToxError("LTX099", f"{type(exc).__name__}: {exc}", path=name), stderr)
                continue
            if args.output_dir is not None:
                stem = Path(name.split("!")[-1]).name.split(".")[0]
                write_atomic(args.output_dir / f"{stem}.json", out + b"\n")
            else:
                stdout.write(out.decode("utf-8") + "\n")
                stdout.flush()
    return 1 if failed else 0


def main(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the CLI; returns 0 when every input parsed, 1 when any failed, 2 on a usage error."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return int(args.func(args, stdout, stderr))


if __name__ == "__main__":
    raise SystemExit(main())
