"""``check --format html``: one page for a batch, each file's findings above its chapter view."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from .chapter import ChapterView, chapter_outline, chapter_section, render_page, span_anchor


@dataclass(frozen=True, slots=True)
class FileFindings:
    """One checked file: its findings as (location, code, level, message) and its view when it was read."""

    path: str
    findings: Sequence[tuple[str, str, str, str]]
    view: ChapterView | None


def _links(item: FileFindings, prefix: str) -> list[str | None]:
    """For each finding, the anchor of the span of the warning it reports (matched by code and message)."""
    if item.view is None:
        return [None] * len(item.findings)
    free = list(enumerate(item.view.monograph.warnings))
    out: list[str | None] = []
    for _, code, _, message in item.findings:
        hit = next((k for k, (_, w) in enumerate(free) if w.code == code and w.message == message), None)
        if hit is None:
            out.append(None)
            continue
        _, w = free.pop(hit)
        out.append(span_anchor(prefix, w.start, w.end) if w.start is not None and w.end is not None else None)
    return out


def _file(n: int, item: FileFindings, levels: Mapping[str, str]) -> str:
    prefix = f"f{n}-"
    rows = []
    for (location, code, level, message), target in zip(item.findings, _links(item, prefix), strict=True):
        where = f'<a href="#{target}">{escape(location)}</a>' if target else escape(location)
        rows.append(f'<tr class="finding"><td>{where}</td><td><code>{escape(code)}</code></td>'
                    f'<td class="lvl-{escape(level)}">{escape(level)}</td><td>{escape(message)}</td></tr>')
    table = ('<table><tr><th>Where</th><th>Code</th><th>Level</th><th>Message</th></tr>'
             f'{"".join(rows)}</table>' if rows else '<p class="ok">No findings.</p>')
    view = ""
    if item.view is not None:
        m = item.view.monograph
        view = (f"<details><summary>Chapter view: {escape(m.title or item.path)} ({len(m.cases)} cases, "
                f"{len(m.entities)} entities)</summary><nav class=\"outline inline\">"
                f"{chapter_outline(item.view, prefix=prefix)}</nav>"
                f"{chapter_section(item.view, prefix=prefix, levels=levels)}</details>")
    return (f'<section class="file" id="f{n}"><h2>{escape(item.path)}</h2>{table}{view}</section>')


def _common_folder(files: Sequence[FileFindings]) -> str:
    """The folder every file of the batch is in ('' when none is shared)."""
    folders = [os.path.dirname(f.path.split("!")[0]) for f in files]
    try:
        common = os.path.commonpath(folders) if folders else ""
    except ValueError:  # absolute and relative paths mixed
        return ""
    return "" if os.path.dirname(common) == common else common  # the root: keep paths absolute


def _short(path: str, common: str) -> str:
    """``path`` without the folder all files share (the list of files is narrow)."""
    return path[len(common):].lstrip("/\\") if common and path.startswith(common) else path


def render_check(files: Sequence[FileFindings], levels: Mapping[str, str]) -> str:
    """The page: a list of the files with their counts, then each file's findings and chapter view.

    ``levels`` maps every enabled check code to its level; warnings of other codes show as ``ignored``.
    """
    errors = sum(f[2] == "error" for item in files for f in item.findings)
    total = sum(len(item.findings) for item in files)
    unreadable = sum(item.view is None for item in files)
    summary = (f"checked {len(files)} file(s): {errors} error(s), {total - errors} warning(s)"
               + (f", {unreadable} unreadable" if unreadable else ""))
    common = _common_folder(files)
    nav = "".join(
        f'<li><a href="#f{n}" title="{escape(item.path)}">{escape(_short(item.path, common))}</a> <span class="pgno">'
        f'{sum(f[2] == "error" for f in item.findings)}E {sum(f[2] != "error" for f in item.findings)}W'
        f"{'' if item.view else ' unreadable'}</span></li>" for n, item in enumerate(files))
    body = (f'<div class="layout"><nav class="outline"><h2>Files</h2><ul>{nav}</ul></nav>'
            f'<main>{"".join(_file(n, item, levels) for n, item in enumerate(files))}</main></div>')
    return render_page("livertox-parse check", body, header=f'<p class="meta" id="summary">{escape(summary)}</p>')
