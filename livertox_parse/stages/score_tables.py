"""Likelihood scores of an agent table that a pdftotext copy printed one cell at a time.

Class and overview chapters list their agents in a table with a 'Likelihood Score' column (Anticonvulsants,
MonoclonalAntibodies, MultipleSclerosisAge). The NXML and PDF readers give it as a table
(:func:`.chapter.find_table_scores`); pdftotext writes it row by row, each cell a block of lines with a blank line
after it::

    Generic Name        <- the first column's head (a caption or the paragraph before may run into it)
    Brand Name
                        <- more heads, one block each: 'Type' / 'Antigenic Target', 'Approval'
    Likelihood
    Score†
                        <- the heads after the score's ('Major Uses')
    Alemtuzumab         <- a row: the agent and its brand,
    Campath
                        <- its other cells ('Humanized' / 'CD52', '2001'),
    E                   <- its score, a block of one line,
                        <- then the cells after the score
So a score's agent is the cell as many cells before it as the score's head is after the first column's head.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter
from dataclasses import dataclass

from ..document import Document, text_lines
from .chapter import SCORE_WORD, TABLE_SCORE, ScoreFound, score_letter

# the score column's head on its own line or two ('Likelihood' / 'Score†'), a footnote mark after it
_SCORE_HEAD = re.compile(SCORE_WORD + r"[^\w\n]*$", re.MULTILINE)
# the first column's head: 'Generic Name' / 'Brand Name', 'Drug', 'Agent'
_FIRST_HEAD = re.compile(r"^(?:Generic|Drug|Agent|Medication|Name)s?\b")
_HEAD_LINE_MAX = 40  # a head or a table cell is narrow; a paragraph's line is not
_CELL_LINE_MAX = 60  # a longer line is a paragraph's: the table has ended ('Abbreviations: MS, multiple ...')
_HEADS_BEFORE_MAX = 12  # cells looked at before a score column's head for the first column's


@dataclass(frozen=True, slots=True)
class _Cell:
    lines: tuple[tuple[int, str], ...]  # (start, stripped line)


@dataclass(frozen=True, slots=True)
class _Segment:
    """The rows under one printing of the header."""

    head: int  # the score column's head (a cell index)
    scores: list[int]  # the score cells of its rows
    before: int  # cells from the first column's head to the score's
    with_brand: bool  # the first column holds the brand under the name
    head_lines: frozenset[str]


def flattened_table_scores(doc: Document) -> list[ScoreFound]:
    """Scores of the agent tables a pdftotext copy flattened to one cell per block, each naming the agent of its
    row (without the brand under it, when the first column's head names one). A header the copy prints out of
    order (at a page break) takes the count of the chapter's header before it; a row whose agent cell would fall
    on the previous row's cells (an empty cell before the score) gives nothing, nor does the row after it."""
    text = doc.text
    first = _first_score_head(text)
    if first is None or any(t.start <= first < t.end for t in doc.tables):
        return []  # no such head, or the reader read the table
    cells = _cells(text, text.rfind("\n\n", 0, max(0, first - 4000)) + 1, set(doc.page_starts))
    heads = [n for n, c in enumerate(cells) if _is_score_head(c)]
    segments: list[_Segment] = []
    last: _Segment | None = None  # the last header read in order
    for h, nxt in zip(heads, heads[1:] + [len(cells)]):
        counted = _heads_before(cells, h)
        if counted is not None:
            before, first_head = counted
            lines = set(first_head) | {line for c in cells[h - before + 1 : h + 1] for _, line in c.lines}
            last = _Segment(h, [], before, any("brand" in line.lower() for line in first_head), frozenset(lines))
        if last is not None:
            segments.append(dataclasses.replace(last, head=h, scores=_scores_after(cells, h, nxt)))
    # the cells between a row's score and the next row's agent (the columns after the score's), as most rows have
    gaps = Counter(b - seg.before - a - 1 for seg in segments for a, b in itertools.pairwise(seg.scores))
    after = min(gaps, key=lambda n: (-gaps[n], n)) if gaps else 0
    return [score for seg in segments for score in _rows(cells, seg, after)]


def _first_score_head(text: str) -> int | None:
    """Where the first line that is a score column's head alone starts (a cheap look for '\\nLik' first)."""
    pos = text.find("\nLik")
    while pos != -1:
        if _SCORE_HEAD.match(text, pos + 1):
            return pos + 1
        pos = text.find("\nLik", pos + 1)
    return None


def _cells(text: str, start: int, page_starts: set[int]) -> list[_Cell]:
    """Blocks of lines from ``start`` on. A page break ends a block too (the reader drops the running header
    and the blank lines around it: 'Partial seizures' / 'Felbamate'), and so does a score alone on its line or
    a score column's head ('C' / 'Disease Modifying Agents')."""
    cells: list[_Cell] = []
    lines: list[tuple[int, str]] = []
    for pos, line in text_lines(text[start:], start):
        if pos in page_starts and lines:
            cells.append(_Cell(tuple(lines)))
            lines = []
        stripped = line.strip()
        if stripped:
            lines.append((pos + line.index(stripped), stripped))
        if lines and (not stripped or (len(lines) == 1 and TABLE_SCORE.match(stripped))
                      or _ends_in_score_head(lines)):
            cells.append(_Cell(tuple(lines)))
            lines = []
    if lines:
        cells.append(_Cell(tuple(lines)))
    return cells


def _ends_in_score_head(lines: tuple[tuple[int, str], ...] | list[tuple[int, str]]) -> bool:
    """Lines ending in the score column's head, on a line or two of its own."""
    return any(len(lines) >= k and _SCORE_HEAD.fullmatch(" ".join(s for _, s in lines[-k:])) for k in (1, 2))


def _is_score_head(cell: _Cell) -> bool:
    return _ends_in_score_head(cell.lines)


def _is_score(cell: _Cell) -> bool:
    return len(cell.lines) == 1 and TABLE_SCORE.match(cell.lines[0][1]) is not None


def _head_like(line: str) -> bool:
    return len(line) <= _HEAD_LINE_MAX and not line.endswith((".", ":"))


def _heads_before(cells: list[_Cell], h: int) -> tuple[int, list[str]] | None:
    """How many cells the first column's head is before the score's head at ``h``, and that head's lines; None
    when no head before it names the first column (the copy printed the header out of order)."""
    found: tuple[int, list[str]] | None = None
    for n in range(h - 1, max(-1, h - 1 - _HEADS_BEFORE_MAX), -1):
        cell = cells[n]
        if _is_score(cell) or _is_score_head(cell):
            break
        glued = not all(_head_like(s) for _, s in cell.lines)
        tail = list(cell.lines)
        if glued:  # a caption or a paragraph runs into the first head: only its last narrow lines are heads
            while tail and _head_like(tail[-1][1]):
                tail.pop()
            tail = list(cell.lines[len(tail):])
        named = [k for k, (_, s) in enumerate(tail) if _FIRST_HEAD.match(s)]
        if named:
            found = (h - n, [s for _, s in tail[named[0]:]])
        if glued:
            break
    return found


def _scores_after(cells: list[_Cell], h: int, end: int) -> list[int]:
    """The score cells after the score's head at ``h``, up to ``end`` or a cell no table holds (a paragraph's)."""
    stop = next((n for n in range(h + 1, end) if any(len(s) > _CELL_LINE_MAX for _, s in cells[n].lines)), end)
    return [n for n in range(h + 1, stop) if _is_score(cells[n])]


def _rows(cells: list[_Cell], seg: _Segment, after: int) -> list[ScoreFound]:
    """The segment's scores with their rows' agents, ``seg.before`` cells back. A row whose agent cell would come
    less than ``after`` cells after the score before it has an empty cell: its agent cannot be told, nor the next
    row's (around an empty cell pdftotext prints the cells out of order: a name cell runs into the next row's)."""
    out = []
    unread = False
    for prev, s in zip([seg.head, *seg.scores], seg.scores):
        agent_at = s - seg.before
        if unread:
            unread = False
            continue
        if agent_at <= prev or (prev != seg.head and agent_at - prev - 1 < after):
            unread = True
            continue
        lines = list(cells[agent_at].lines)
        while len(lines) > 1 and lines[0][1] in seg.head_lines:
            lines.pop(0)  # a header printed again runs into the row's first cell
        if seg.with_brand and len(lines) > 1:
            lines.pop()  # the brand under the name
        m = TABLE_SCORE.match(cells[s].lines[0][1])
        assert m is not None
        start = cells[s].lines[0][0]
        out.append(ScoreFound((" ".join(line for _, line in lines),), *score_letter(m), "", start,
                              start + len(cells[s].lines[0][1])))
    return out
