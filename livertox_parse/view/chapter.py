"""One parsed chapter as HTML: its text with entities highlighted (displaCy), an outline of its sections,
its scores, cases (Key Points, labs) and warnings, each value linked to the span of text it came from.

Spans index the document's normalised text, which the Monograph does not hold, so a :class:`ChapterView`
pairs the two. Links point at zero-width anchors placed in the text: ``<a class="t" id=ID>`` where a span
starts and ``<a class="te" data-end=ID>`` where it ends (spans may overlap each other and entities, so they
are not wrapped in elements); the page script highlights the text between the two when a link is followed.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from ..limits import DEFAULT_LIMITS, Limits, enforced
from .assets import CSS, ENTITY_COLORS, SCRIPT

if TYPE_CHECKING:
    from ..models import Case, Duration, Entity, Monograph

# Markers are characters of Unicode plane 15 (private use) slipped into the text before displaCy escapes
# it, and replaced by their HTML afterwards; the same characters in the text itself are shown as U+FFFD.
_MARK_BASE = 0xF0000
_MARK_MAX = 0xFFFFD - _MARK_BASE
_MARK_CHARS = re.compile("[\U000f0000-\U000ffffd]")
# Order of markers at one offset: what ends there closes before what starts there opens.
_END, _TAB, _HEAD_CLOSE, _PAGE, _HEAD_OPEN, _START, _EMPTY_END = range(7)


@dataclass(frozen=True)
class ChapterView:
    """A monograph with the text its spans index and, for paged input, the offsets where pages start."""

    monograph: Monograph
    text: str
    page_starts: tuple[int, ...] = ()


def view_file(path: str | Path, data: bytes | None = None, limits: Limits = DEFAULT_LIMITS, *,
              with_entities: bool = True) -> ChapterView:
    """Read and parse one chapter (text, PDF or NXML) within ``limits``; raises LiverToxError as ``parse``
    does. ``with_entities=False``: no entity pass (the chapter's warnings do not need it)."""
    from ..pipeline import parse_document
    from ..readers import read_document

    with enforced(limits, str(path)):
        doc = read_document(str(path), data, limits=limits)
        return ChapterView(parse_document(doc, with_entities=with_entities), doc.text, tuple(doc.page_starts))


def span_anchor(prefix: str, start: int, end: int) -> str:
    """The id of the anchor where the span ``start:end`` begins in a chapter rendered with ``prefix``."""
    return f"{prefix}s{start}-{end}"


class _Anchors:
    """The spans the page links to, one anchor per distinct (start, end), prefixed for batch pages."""

    def __init__(self, prefix: str, length: int) -> None:
        self.prefix, self.length = prefix, length
        self.ids: dict[tuple[int, int], str] = {}

    def id_for(self, start: int | None, end: int | None) -> str | None:
        if start is None or end is None or not 0 <= start <= end <= self.length:
            return None
        key = (start, end)
        if key not in self.ids:
            self.ids[key] = span_anchor(self.prefix, start, end)
        return self.ids[key]

    def link(self, start: int | None, end: int | None, label: str, *, title: str = "show in the text") -> str:
        """``label`` (escaped) as a link to the span, or as plain text when there is no usable span."""
        target = self.id_for(start, end)
        if target is None:
            return escape(label)
        return f'<a href="#{target}" title="{escape(title)}">{escape(label)}</a>'


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def _page(page: int | None) -> str:
    return f"p.&nbsp;{page}" if page is not None else ""


# ------------------------------------------------------------------------------------------------ text


def _entities(view: ChapterView) -> tuple[list[Entity], int]:
    """Entities displaCy can draw (in range, non-empty, not overlapping an earlier one) and how many not."""
    kept: list[Entity] = []
    end = 0
    for ent in sorted(view.monograph.entities, key=lambda e: (e.start, -e.end)):
        if 0 <= ent.start < ent.end <= len(view.text) and ent.start >= end:
            kept.append(ent)
            end = ent.end
    return kept, len(view.monograph.entities) - len(kept)


def _snap(offset: int, ents: Sequence[Entity], starts: Sequence[int], outward: str) -> int:
    """``offset`` moved to the edge of an entity it falls strictly inside (so tags nest)."""
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and ents[i].start < offset < ents[i].end:
        return ents[i].start if outward == "left" else ents[i].end
    return offset


def _tip(ent: Entity) -> str:
    """The entity's tooltip: its label and, for drug names, the generic name and dictionary ids."""
    bits = [ent.label]
    if ent.generic and ent.generic.lower() != ent.text.lower():
        bits.append(f"generic: {ent.generic}")
    bits += [f"{k} {v}" for k, v in (("DrugBank", ent.drugbank_id), ("UNII", ent.unii)) if v]
    return " · ".join(bits)


def _template() -> str:
    """displaCy's own entity template with a tooltip (``title``) on the mark."""
    from spacy.displacy.templates import TPL_ENT

    return TPL_ENT.replace('<mark class="entity"', '<mark class="entity" title="{tip}"', 1)


def _text_html(view: ChapterView, anchors: _Anchors, ents: Sequence[Entity], prefix: str) -> str:
    """The chapter text through displaCy, with headings, page breaks and span anchors as markers."""
    from spacy import displacy

    text = _MARK_CHARS.sub("\ufffd", view.text).replace("\t", " ")  # same length: offsets hold
    starts = [e.start for e in ents]
    markers: list[tuple[int, int, str]] = []
    m = view.monograph
    for i, s in enumerate(m.sections):
        if text[s.start:s.start + len(s.title)] == s.title and s.title:
            open_at = _snap(s.start, ents, starts, "left")
            close_at = _snap(s.start + len(s.title), ents, starts, "right")
            level = min(max(s.level, 1), 3)
            markers.append((open_at, _HEAD_OPEN, f'<span class="h h{level}" id="{prefix}sec{i}">'))
            markers.append((close_at, _HEAD_CLOSE, "</span>"))
        elif 0 <= s.start <= len(text):
            markers.append((s.start, _HEAD_OPEN, f'<a class="sec" id="{prefix}sec{i}"></a>'))
    for n, start in enumerate(view.page_starts, 1):
        markers.append((start, _PAGE, f'<span class="pg" id="{prefix}page{n}" data-page="{n}"></span>'))
    for (start, end), target in anchors.ids.items():
        markers.append((start, _START, f'<a class="t" id="{target}"></a>'))
        markers.append((end, _EMPTY_END if end == start else _END, f'<a class="te" data-end="{target}"></a>'))
    # table cells are tab-separated; HTML would collapse a tab into a space
    markers.extend((i, _TAB, '<span class="tab"></span>') for i, ch in enumerate(view.text) if ch == "\t")
    markers.sort(key=lambda mk: (mk[0], mk[1]))
    if len(markers) > _MARK_MAX:
        raise ValueError(f"too many anchors to draw ({len(markers)})")

    offsets = [mk[0] for mk in markers]
    pieces: list[str] = []
    prev = 0
    for k, off in enumerate(offsets):
        pieces.append(text[prev:off])
        pieces.append(chr(_MARK_BASE + k))
        prev = off
    pieces.append(text[prev:])
    # markers at an entity's start go before it, markers at its end after it
    spans = [{"start": e.start + bisect.bisect_right(offsets, e.start),
              "end": e.end + bisect.bisect_left(offsets, e.end), "label": e.label,
              "params": {"tip": escape(_tip(e))}} for e in ents]
    html = displacy.render({"text": "".join(pieces), "ents": spans, "title": None}, style="ent", manual=True,
                           options={"colors": ENTITY_COLORS, "template": _template()})
    return _MARK_CHARS.sub(lambda mt: markers[ord(mt.group()) - _MARK_BASE][2], html)


# ----------------------------------------------------------------------------------------------- parts


def chapter_outline(view: ChapterView, *, prefix: str = "") -> str:
    """The sections as a nested list of links (with page numbers), plus links to the parts of the view."""
    m = view.monograph
    items: list[str] = []
    depth = 0
    for i, s in enumerate(m.sections):
        level = max(1, s.level)
        while depth < level:
            items.append("<ul>")
            depth += 1
        while depth > level:
            items.append("</ul>")
            depth -= 1
        page = f' <span class="pgno">{_page(s.page)}</span>' if s.page is not None else ""
        items.append(f'<li><a href="#{prefix}sec{i}">{escape(s.title)}</a>{page}</li>')
    items.extend("</ul>" for _ in range(depth))
    parts = [("summary", "Summary and scores"), ("warnings", f"Warnings ({len(m.warnings)})"),
             ("cases", f"Cases ({len(m.cases)})"), ("chemicals", "Chemicals"), ("text", "Text")]
    jump = "".join(f'<li><a href="#{prefix}{k}">{escape(v)}</a></li>' for k, v in parts)
    return f'<h2>View</h2><ul>{jump}</ul><h2>Sections</h2>{"".join(items) or "<p>none</p>"}'


def _summary(view: ChapterView, anchors: _Anchors, prefix: str) -> str:
    m = view.monograph
    rows = [
        ("Kind", escape(m.kind)),
        ("Agents", escape(", ".join(m.agents))),
        ("Drug class", escape(m.drug_class or "")),
        ("Subclass", escape(m.subclass.name or "") if m.subclass else ""),
        ("Trade names", escape(", ".join(m.trade_names))),
        ("Last update", escape(m.last_update or "")),
    ]
    facts = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows if v)
    scores = "".join(
        f'<tr><td>{escape(s.agent or m.title or "")}</td><td class="score">{escape(s.score)}</td>'
        f'<td>{escape(s.qualifier or "")}</td><td>{anchors.link(s.start, s.end, s.text)}</td>'
        f"<td>{_page(s.page)}</td></tr>"
        for s in m.likelihood_scores)
    score_table = (
        "<table><tr><th>Agent</th><th>Score</th><th>Qualifier</th><th>Explanation</th><th>Page</th></tr>"
        f"{scores}</table>" if scores else '<p class="muted">No likelihood score found.</p>')
    return (f'<h2 id="{prefix}summary">Summary</h2><table>{facts}</table>'
            f"<h3>Likelihood scores</h3>{score_table}")


def _warnings(view: ChapterView, anchors: _Anchors, prefix: str, levels: Mapping[str, str] | None) -> str:
    m = view.monograph
    if not m.warnings:
        return f'<h2 id="{prefix}warnings">Warnings</h2><p class="ok">No warnings.</p>'
    rows = []
    for i, w in enumerate(m.warnings):
        where = []
        if w.line is not None:
            where.append(f"line {w.line}:{w.column or 1}")
        if w.page is not None:
            where.append(f"page {w.page}")
        place = ", ".join(where) or "whole chapter"
        link = anchors.link(w.start, w.end, place, title=f"{w.code}: show the text this warning is about")
        level = "" if levels is None else (
            f'<td class="lvl-{escape(levels.get(w.code, "ignored"))}">{escape(levels.get(w.code, "ignored"))}</td>')
        rows.append(f'<tr class="warning" id="{prefix}w{i}"><td><code>{escape(w.code)}</code></td>{level}'
                    f"<td>{escape(w.message)}</td><td>{link}</td></tr>")
    head = "<th>Level</th>" if levels is not None else ""
    return (f'<h2 id="{prefix}warnings">Warnings ({len(m.warnings)})</h2>'
            f"<table><tr><th>Code</th>{head}<th>Message</th><th>Where</th></tr>{''.join(rows)}</table>")


def _key_points(case: Case, anchors: _Anchors) -> str:
    kp = case.key_points
    if kp is None:
        return '<p class="muted">No Key Points found.</p>'
    med = " ".join(x for x in (kp.medication.name, kp.medication.dose) if x)

    def duration(d: Duration) -> str:
        lo, hi = d.min_days, d.max_days
        if lo is None:
            return ""
        return f"{_fmt(lo)} days" if lo == hi else f"{_fmt(lo)}&ndash;{_fmt(hi)} days"

    pattern = ", ".join(x for x in (kp.pattern.type, f"R = {_fmt(kp.pattern.r_ratio)}"
                                    if kp.pattern.r_ratio is not None else None) if x)
    rows = [
        ("Medication", anchors.link(kp.medication.start, kp.medication.end, med), escape(kp.medication.dose or "")),
        ("Pattern", anchors.link(kp.pattern.start, kp.pattern.end, kp.pattern.text), escape(pattern)),
        ("Severity", anchors.link(kp.severity.start, kp.severity.end, kp.severity.text),
         f"grade {kp.severity.grade}" if kp.severity.grade is not None else ""),
        ("Latency", anchors.link(kp.latency.start, kp.latency.end, kp.latency.text), duration(kp.latency)),
        ("Recovery", anchors.link(kp.recovery.start, kp.recovery.end, kp.recovery.text), duration(kp.recovery)),
        ("Other medications", escape(", ".join(kp.other_medications)), ""),
    ]
    body = "".join(f"<tr><th>{k}</th><td>{v}</td><td>{p}</td></tr>" for k, v, p in rows)
    return ('<table class="key-points"><tr><th>Key Points</th><th>As written</th><th>Parsed</th></tr>'
            f"{body}</table>")


def _labs(case: Case, anchors: _Anchors) -> str:
    if not case.labs:
        return '<p class="muted">No laboratory values found.</p>'
    rows = "".join(
        f"<tr><td>{escape(lab.test)}</td><td class='num'>{anchors.link(lab.start, lab.end, _fmt(lab.value))}</td>"
        f"<td>{escape(lab.unit or '')}</td><td class='num'>{_fmt(lab.uln)}</td>"
        f"<td class='num'>{_fmt(lab.times_uln)}</td><td>{escape(lab.timepoint or '')}</td>"
        f"<td>{escape(lab.source)}</td><td>{_page(lab.page)}</td></tr>"
        for lab in case.labs)
    return ('<table class="labs"><tr><th>Test</th><th>Value</th><th>Unit</th><th>ULN</th><th>&times;ULN</th>'
            f"<th>Time</th><th>From</th><th>Page</th></tr>{rows}</table>")


def _cases(view: ChapterView, anchors: _Anchors, prefix: str) -> str:
    m = view.monograph
    out = [f'<h2 id="{prefix}cases">Cases ({len(m.cases)})</h2>']
    if not m.cases:
        out.append('<p class="muted">No case reports.</p>')
    for ci, case in enumerate(m.cases):
        title = f"Case {case.number}. {case.title}" if case.number is not None else case.title
        out.append(f'<h3 id="{prefix}case{ci}">{anchors.link(case.start, case.end, title)}'
                   f' <span class="muted">{_page(case.page)}</span></h3>')
        p = case.patient
        who = ", ".join(x for x in (f"{_fmt(p.age_years)} years" if p.age_years is not None else None, p.sex) if x)
        if p.text:
            out.append(f"<p>Patient: {anchors.link(p.start, p.end, p.text)} <span class='muted'>({escape(who)})"
                       "</span></p>")
        out.append(_key_points(case, anchors))
        out.append(_labs(case, anchors))
        c = case.computed
        if c.r_ratio is not None:
            out.append(f"<p>Recomputed R = <b>{_fmt(c.r_ratio)}</b> ({escape(c.pattern or '')}; ALT {_fmt(c.alt)}"
                       f" / ULN {_fmt(c.alt_uln)}, ALP {_fmt(c.alp)} / ULN {_fmt(c.alp_uln)}; ULN from "
                       f"{escape(c.uln_source)})</p>")
        else:
            out.append('<p class="muted">R not recomputed (ALT or ALP missing).</p>')
    return "".join(out)


def _chemicals(view: ChapterView, anchors: _Anchors, prefix: str) -> str:
    chems = view.monograph.chemicals
    if not chems:
        return f'<h2 id="{prefix}chemicals">Chemicals</h2><p class="muted">None found.</p>'
    rows = "".join(
        f"<tr><td>{anchors.link(c.start, c.end, c.drug)}</td><td>{escape(c.cas or '')}</td>"
        f"<td>{'' if c.cas_valid is None else ('valid' if c.cas_valid else 'bad check digit')}</td>"
        f"<td>{escape(c.formula or c.formula_text)}</td><td>{_page(c.page)}</td></tr>" for c in chems)
    return (f'<h2 id="{prefix}chemicals">Chemicals</h2><table><tr><th>Drug</th><th>CAS</th><th>Check digit</th>'
            f"<th>Formula</th><th>Page</th></tr>{rows}</table>")


def _legend(ents: Iterable[Entity]) -> str:
    counts = Counter(e.label for e in ents)
    items = "".join(
        f'<span style="background:{ENTITY_COLORS.get(label, "#ddd")}">{escape(label)} {n}</span>'
        for label, n in sorted(counts.items()))
    return f'<div class="legend">{items}</div>'


def chapter_section(view: ChapterView, *, prefix: str = "", levels: Mapping[str, str] | None = None) -> str:
    """The chapter's facts, warnings, cases and highlighted text as an HTML fragment.

    Element ids start with ``prefix`` (so several chapters fit on one page). ``levels`` maps the codes of
    enabled checks to their level (``check --format html``); other warnings are listed as ``ignored``.
    """
    anchors = _Anchors(prefix, len(view.text))
    ents, dropped = _entities(view)
    parts = [_summary(view, anchors, prefix), _warnings(view, anchors, prefix, levels),
             _cases(view, anchors, prefix), _chemicals(view, anchors, prefix)]
    note = (f'<p class="muted">{dropped} entities overlap others and are not highlighted.</p>'
            if dropped else "")
    text = _text_html(view, anchors, ents, prefix)  # after the tables: they register the anchors
    parts.append(f'<h2 id="{prefix}text">Text</h2><p class="muted">{len(ents)} entities highlighted.</p>'
                 f'{note}{_legend(ents)}<div class="chapter-text" id="{prefix}body">{text}</div>')
    return "".join(parts)


def _source_line(view: ChapterView) -> str:
    src = view.monograph.source
    bits = [escape(src.path or "(no path)"), escape(src.format)]
    if src.pages is not None:
        bits.append(f"{src.pages} pages")
    if src.sha256:
        bits.append(f"sha256 {escape(src.sha256[:12])}&hellip;")
    return " &middot; ".join(bits)


def render_page(title: str, body: str, *, header: str = "") -> str:
    """A complete, self-contained HTML page around ``body`` (inline style and script, nothing fetched)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f'<header class="top"><h1>{escape(title)}</h1>{header}</header>{body}'
        f"<script>{SCRIPT}</script></body></html>\n"
    )


def render_chapter(view: ChapterView) -> str:
    """The page ``livertox-parse show`` writes: outline on the left, the chapter view on the right."""
    m = view.monograph
    header = f'<p class="meta">{_source_line(view)}</p>'
    body = (f'<div class="layout"><nav class="outline">{chapter_outline(view)}</nav>'
            f"<main>{chapter_section(view)}</main></div>")
    return render_page(m.title or m.source.path or "LiverTox chapter", body, header=header)
