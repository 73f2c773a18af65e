"""``livertox-parse show FILE -o view.html``: one chapter as a self-contained HTML page."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from ..errors import LiverToxError


def add_subcommand(subparsers: Any) -> None:
    """Add ``show FILE [-o OUT]`` with ``func=run``."""
    p = subparsers.add_parser(
        "show", help="one chapter as a self-contained HTML page: text, entities, Key Points, labs, warnings",
        description="Parse one chapter (text, PDF or NXML) and write an HTML view of it: the text with its "
        "entities highlighted and its sections as an outline, the scores, each case's Key Points and labs, "
        "and the warnings, every value linked to the text it came from. Nothing is loaded from the network.")
    p.add_argument("path", metavar="FILE", help="a chapter: .txt, .pdf or .nxml")
    p.add_argument("-o", "--output", type=Path, metavar="HTML", help="write the page here (default: stdout)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Write the view of ``args.path``; 0 on success, 1 when the chapter could not be read or parsed."""
    from ..emit import write_atomic
    from .chapter import render_chapter, view_file

    try:
        page = render_chapter(view_file(args.path))
    except LiverToxError as exc:
        exc = exc.with_path(str(args.path))
        print(f"{exc.location()}: {exc.code}: {exc.message}", file=stderr)
        return 1
    if args.output is None:
        stdout.write(page)
        stdout.flush()
    else:
        write_atomic(args.output, page.encode("utf-8"))
    return 0
