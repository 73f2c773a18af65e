"""Command line: a thin layer over the library. ``main(argv)`` returns the exit status."""

from __future__ import annotations

import argparse
import hashlib
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
from .progress import Progress
from .readers.sources import expand, is_archive, iter_inputs

# Further subcommands live in their own modules. Each exposes ``add_subcommand(subparsers)``, which adds its
# parser and sets ``func=(args, stdout, stderr) -> exit status``; importing the module must stay cheap.
SUBCOMMAND_MODULES = ("livertox_parse.ingest", "livertox_parse.check", "livertox_parse.view.command")


DESCRIPTION = """\
Turn LiverTox drug monographs (NIH drug-induced liver injury chapters) into structured JSON.
Inputs may be text copied from the PDFs, the PDFs themselves, the BITS XML (.nxml) files, or
the bulk .tar.gz archive of them.

  parse   one JSON object per monograph, on stdout or as files
  ingest  a folder or archive into JSON Lines and a DuckDB database, incrementally
  check   report problems in chapters, with codes, for CI (exit 1 on errors)
  show    one chapter as an HTML page (text, entities, Key Points, labs, warnings)

Run 'livertox-parse COMMAND --help' for the options of each command."""

INPUTS_HELP = ("a monograph file (.txt, .pdf, .nxml), a folder (searched recursively for .txt, .pdf, .nxml, "
               ".xml and .tar.gz), a .tar.gz archive of NXML chapters, or - to read one monograph from stdin")


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="livertox-parse", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"livertox-parse {__version__}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser(
        "parse", help="parse monographs into JSON (one object per monograph)",
        description="Parse monographs into JSON: one object per line on stdout, or one file per monograph "
                    "with -o. An input that cannot be read gets one line on stderr (path:line:col: LTXnnn: "
                    "message) and the others go on; the exit status is 1 when any input failed.")
    p.add_argument("paths", nargs="+", metavar="PATH", help=INPUTS_HELP)
    p.add_argument("-o", "--output-dir", type=Path, metavar="DIR",
                   help="write DIR/<name>.json per monograph instead of stdout (DIR is created if missing; "
                        "files of the same name from an earlier run are replaced; two inputs of one name, "
                        "such as a/x.txt and b/x.pdf, give x.json and x.pdf.json)")
    p.add_argument("--pretty", action="store_true", help="indent the JSON (one object per file or per block)")
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


def _line(exc: LiverToxError) -> str:
    return f"{exc.location()}: {exc.code}: {exc.message}"


class OutputNames:
    """File names in the ``-o`` folder, one per monograph, never the same twice in a run: ``x.json``, then
    for a second input named x ``x.pdf.json`` (its suffix kept), then ``x.pdf~2.json`` ..."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.taken: dict[str, str] = {}  # file name -> the input written there

    def claim(self, name: str) -> tuple[Path, str | None]:
        """The path for input ``name`` and, when it is not the plain ``<stem>.json``, why."""
        base = Path(name.rsplit("!", 1)[-1]).name
        if len(base.encode("utf-8", "surrogateescape")) > 200:  # a file name holds 255 bytes (ENAMETOOLONG)
            digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:10]
            base = base.encode("utf-8", "surrogateescape")[:100].decode("utf-8", "ignore") + f"~{digest}"
        stem = base.split(".")[0] or "stdin"
        candidates = [f"{stem}.json", f"{base}.json"] + [f"{base}~{n}.json" for n in range(2, 10_000)]
        chosen = next(c for c in candidates if c not in self.taken)
        note = None if chosen == candidates[0] else f"{candidates[0]} is {self.taken[candidates[0]]}'s"
        self.taken[chosen] = name
        return self.folder / chosen, note


def _output_dir_problem(folder: Path) -> str | None:
    """Why ``-o folder`` cannot be used (None when it can): it names a file, or cannot be created."""
    if folder.exists() and not folder.is_dir():
        return f"-o {folder}: is a file; -o names a folder (created if missing)"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"-o {folder}: cannot create the folder: {exc.strerror}"
    return None


def cmd_parse(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .emit import write_atomic

    names = None
    if args.output_dir is not None:
        if problem := _output_dir_problem(args.output_dir):
            print(f"livertox-parse parse: error: {problem}", file=stderr)
            return 2
        names = OutputNames(args.output_dir)
    paths = expand(args.paths)
    # a bar only where someone watches stderr and the JSON is not going to the same terminal
    total = None if any(is_archive(p) for p in paths) else len(paths)
    show = names is not None or not _isatty(stdout)
    failed = 0
    limits = limits_from_args(args)
    with Progress(stderr, total, "parse", enabled=show) as progress:
        for path in paths:
            for item in iter_inputs(path, limits):
                name, data = item.name, item.data
                if item.skipped:
                    progress.print(f"{one_line(name)}: skipped: {one_line(item.skipped)}")
                    continue
                try:
                    if item.error is not None:
                        raise item.error
                    out = _parse_one(name, data, args.pretty, args.with_text, limits)
                except LiverToxError as exc:
                    failed += not exc.skipped  # front matter is reported, not failed
                    progress.print(_line(exc.with_path(name)))
                    continue
                except Exception as exc:  # noqa: BLE001  # a bug must not cost the rest of the batch, nor show a traceback
                    failed += 1
                    progress.print(_line(LiverToxError("LTX099", f"{type(exc).__name__}: {exc}", path=name)))
                    continue
                finally:
                    progress.tick()
                if names is not None:
                    target, note = names.claim(name)
                    try:
                        write_atomic(target, out + b"\n")
                    except OSError as exc:
                        failed += 1
                        progress.print(f"{one_line(name)}: cannot write {one_line(str(target))}: {exc.strerror}")
                        continue
                    if note:
                        progress.print(one_line(f"{name}: written to {target} ({note})"))
                else:
                    stdout.write(out.decode("utf-8") + "\n")
                    stdout.flush()
    return 1 if failed else 0


def _isatty(stream: TextIO) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


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
