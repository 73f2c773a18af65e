"""An ingest run at a glance (``out/report.html``): counts, failures, warnings by code, likelihood scores,
injury patterns, and Key Points R against the recomputed R.

:func:`report_data` reads the ingest database (every row: pruned sources leave none); :func:`render_report`
draws the page, charts by matplotlib as inline SVG data URIs. matplotlib is imported only here, and only
when a report is drawn.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .chapter import render_page

if TYPE_CHECKING:
    import duckdb
    from matplotlib.figure import Figure

LETTERS = ("A", "B", "C", "D", "E", "E*", "X")
PATTERNS = ("hepatocellular", "mixed", "cholestatic", "none", None)
COUNT_LABELS = (("parsed", "parsed"), ("unchanged", "unchanged (not parsed again)"),
                ("skipped", "skipped: front matter, not chapters"), ("failed", "failed"), ("removed", "removed"))



@dataclass
class ReportData:
    """What the report shows; every list is ready to print (label, numbers...)."""

    counts: dict[str, int]
    monographs: int = 0
    cases: int = 0
    seconds: float | None = None
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # source, code, message
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # not monographs (errors.SKIP_CODES)
    warnings_by_code: list[tuple[str, int, int]] = field(default_factory=list)  # code, warnings, chapters
    scores: list[tuple[str, int]] = field(default_factory=list)  # letter, count
    patterns: list[tuple[str, int, int]] = field(default_factory=list)  # pattern, Key Points, recomputed
    r_pairs: list[tuple[str, int | None, float, float]] = field(default_factory=list)  # title, case, KP R, R


def report_data(con: duckdb.DuckDBPyConnection, counts: Mapping[str, int] | None = None) -> ReportData:
    """The report's numbers from an ingest database; ``counts`` (the run's own) else the last run's row."""
    run = con.execute("SELECT parsed, unchanged, failed, removed, seconds FROM ingest_runs "
                      "ORDER BY run_id DESC LIMIT 1").fetchone()
    from ..errors import SKIP_CODES

    if counts is None:
        counts = dict(zip(("parsed", "unchanged", "failed", "removed"), run[:4], strict=True)) if run else {}
    data = ReportData(counts={k: int(counts.get(k, 0) or 0) for k, _ in COUNT_LABELS})
    data.seconds = float(run[4]) if run and run[4] is not None else None
    data.monographs = _one(con, "SELECT count(*) FROM monographs")
    data.cases = _one(con, "SELECT count(*) FROM cases")
    for row in con.execute("SELECT source_name, code, message FROM errors ORDER BY source_name").fetchall():
        (data.skipped if row[1] in SKIP_CODES else data.failures).append((str(row[0]), str(row[1]), str(row[2])))
    # Front matter (an LTX006 'not a monograph') is a skip, not a failure: ingest counts it skipped (the
    # runs table keeps no column for it, so the errors rows give the number); archive members that are no
    # chapter are skips too.
    if "skipped" not in counts:
        data.counts["skipped"] = len(data.skipped)
    data.counts["skipped"] += int(counts.get("not_chapters", 0) or 0)
    data.warnings_by_code = [(str(a), int(b), int(c)) for a, b, c in con.execute(
        "SELECT code, count(*), count(DISTINCT monograph_id) FROM warnings GROUP BY code "
        "ORDER BY code").fetchall()]
    by_letter = dict(con.execute("SELECT score, count(*) FROM likelihood_scores GROUP BY score")
                     .fetchall())
    data.scores = [(k, int(by_letter.pop(k, 0))) for k in LETTERS] + sorted(
        (str(k), int(v)) for k, v in by_letter.items())
    kp = dict(con.execute("SELECT pattern, count(*) FROM cases GROUP BY pattern").fetchall())
    rc = dict(con.execute("SELECT computed_pattern, count(*) FROM cases GROUP BY computed_pattern")
              .fetchall())
    data.patterns = [(p or "missing", int(kp.get(p, 0)), int(rc.get(p, 0))) for p in PATTERNS]
    data.r_pairs = [(str(t), n, float(a), float(b)) for t, n, a, b in con.execute(
        "SELECT m.title, c.number, c.r_ratio, c.computed_r_ratio FROM cases c JOIN monographs m USING "
        "(monograph_id) WHERE c.r_ratio IS NOT NULL AND c.computed_r_ratio IS NOT NULL "
        "ORDER BY m.title, c.number").fetchall()]
    return data


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def read_report_data(db_path: Path, counts: Mapping[str, int] | None = None) -> ReportData:
    """:func:`report_data` of the database file at ``db_path`` (opened read-only)."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return report_data(con, counts)
    finally:
        con.close()


# ------------------------------------------------------------------------------------------------ charts


def _figure(width: float = 6.0, height: float = 3.2) -> Figure:
    from matplotlib.figure import Figure  # a bare Figure: no pyplot, no GUI backend, no global state

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def _svg_uri(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})  # no date: the same data gives the same file
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _bars(labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *, xlabel: str,
          horizontal: bool = False) -> str:
    from matplotlib.ticker import MaxNLocator

    height = max(2.4, 0.32 * len(labels) + 1.0) if horizontal else 3.2
    fig = _figure(6.0, height)
    ax = fig.add_subplot()
    n = len(series)
    width = 0.8 / n
    colors = ("#4c78a8", "#f58518", "#54a24b")
    for k, (name, values) in enumerate(series):
        pos = [i - 0.4 + width * (k + 0.5) for i in range(len(labels))]
        bars = (ax.barh if horizontal else ax.bar)(pos, values, width, label=name, color=colors[k % 3])
        ax.bar_label(bars, padding=2, fontsize=8)
    if horizontal:
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
    else:
        ax.set_xticks(range(len(labels)), labels)
        ax.set_ylabel(xlabel)
    (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    if n > 1:
        ax.legend(frameon=False, fontsize=8)
    return _svg_uri(fig)


def _scatter(pairs: Sequence[tuple[str, int | None, float, float]]) -> str:
    from matplotlib.ticker import FuncFormatter

    fig = _figure(5.0, 4.2)
    ax = fig.add_subplot()
    xs = [max(p[2], 0.05) for p in pairs]
    ys = [max(p[3], 0.05) for p in pairs]
    lo, hi = min(min(xs + ys) / 1.5, 0.5), max(max(xs + ys) * 1.5, 50.0)  # R = 2 and 5 always in view
    ax.plot([lo, hi], [lo, hi], color="#999", linewidth=1, linestyle="--", label="equal")
    for bound in (2.0, 5.0):  # the R thresholds between cholestatic, mixed and hepatocellular
        ax.axvline(bound, color="#ddd", linewidth=0.8)
        ax.axhline(bound, color="#ddd", linewidth=0.8)
    ax.scatter(xs, ys, s=22, color="#4c78a8", alpha=0.8, edgecolors="white", linewidths=0.5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlabel("R in Key Points")
    ax.set_ylabel("R recomputed from ALT and ALP")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg_uri(fig)


def _chart(title: str, uri: str | None, caption: str) -> str:
    if uri is None:
        return f'<figure><figcaption><b>{escape(title)}</b>: nothing to draw.</figcaption></figure>'
    return (f'<figure class="chart"><img src="{uri}" alt="{escape(title)}">'
            f"<figcaption><b>{escape(title)}</b>. {escape(caption)}</figcaption></figure>")


# -------------------------------------------------------------------------------------------------- page


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(
        f'<td class="num">{v:g}</td>' if isinstance(v, float) else
        f'<td class="num">{v}</td>' if isinstance(v, int) else f"<td>{escape(str(v))}</td>" for v in row)
        + "</tr>" for row in rows)
    return f"<table><tr>{th}</tr>{body}</table>"


CHARTS = ("warnings", "scores", "patterns", "r")  # the page's charts, in page order


def draw_charts(data: ReportData, names: Iterable[str] = CHARTS) -> dict[str, str | None]:
    """The charts ``names`` of ``data`` as SVG data URIs (None: nothing to draw)."""
    warn = data.warnings_by_code
    scores = _scores(data)
    uris: dict[str, str | None] = {}
    for name in names:
        if name == "warnings":
            uris[name] = _bars([w[0] for w in warn], [("warnings", [w[1] for w in warn])], xlabel="warnings",
                               horizontal=True) if warn else None
        elif name == "scores":
            uris[name] = (_bars([s[0] for s in scores], [("scores", [s[1] for s in scores])], xlabel="scores")
                          if any(s[1] for s in scores) else None)
        elif name == "patterns":
            uris[name] = _bars([p[0] for p in data.patterns], [("Key Points", [p[1] for p in data.patterns]),
                                                               ("recomputed", [p[2] for p in data.patterns])],
                               xlabel="cases") if data.cases else None
        elif name == "r":
            uris[name] = _scatter(data.r_pairs) if data.r_pairs else None
        else:
            raise ValueError(f"no chart {name!r}")
    return uris


def _scores(data: ReportData) -> list[tuple[str, int]]:
    return [s for s in data.scores if s[1] or s[0] in LETTERS]


def render_report(data: ReportData, *, title: str = "Ingest report",
                  charts: Mapping[str, str | None] | None = None) -> str:
    """The report page: cards with the counts, then each chart with the table of its numbers; ``charts``:
    the charts drawn already (:func:`draw_charts`), else they are drawn here."""
    cards = "".join(
        f'<div class="card{" bad" if key == "failed" and data.counts.get(key) else ""}" data-count="{key}">'
        f"<b>{data.counts.get(key, 0)}</b>{escape(label)}</div>" for key, label in COUNT_LABELS)
    cards += (f'<div class="card" data-count="monographs"><b>{data.monographs}</b>monographs in the database'
              f'</div><div class="card" data-count="cases"><b>{data.cases}</b>case reports</div>')
    seconds = f"{data.seconds:.1f} s" if data.seconds is not None else "unknown time"
    failures = (_table(("Source", "Code", "Message"), data.failures) if data.failures
                else '<p class="ok">No failures.</p>')
    if data.skipped:
        failures += (f"<details><summary>Skipped as not monographs ({len(data.skipped)})</summary>"
                     f'{_table(("Source", "Code", "Message"), data.skipped)}</details>')
    uris = dict(charts or {})
    uris.update(draw_charts(data, [c for c in CHARTS if c not in uris]))
    warn = data.warnings_by_code
    scores = _scores(data)
    charts_html = [
        _chart("Warnings by code", uris["warnings"], "Number of warnings of each code in the current monographs.")
        + _table(("Code", "Warnings", "Chapters"), warn),
        _chart("Likelihood scores by letter", uris["scores"], "A (well known cause) to E (unlikely); X unknown.")
        + _table(("Score", "Count"), scores),
        _chart("Injury patterns", uris["patterns"], "Pattern stated in the Key Points against the one recomputed "
               "from the case's ALT and ALP.")
        + _table(("Pattern", "Key Points", "Recomputed"), data.patterns),
        _chart("Key Points R against recomputed R", uris["r"],
               f"{len(data.r_pairs)} cases with both; log scales; dashed line where they agree, grey lines at "
               "R = 2 and 5."),
    ]
    far = [(t, n if n is not None else "", a, b) for t, n, a, b in data.r_pairs
           if max(a, b) > 1.5 * max(min(a, b), 1e-9)]
    far_table = (f"<details><summary>Cases whose R differs by more than half ({len(far)})</summary>"
                 + _table(("Chapter", "Case", "Key Points R", "Recomputed R"), far) + "</details>") if far else ""
    body = (f'<main class="report" style="max-width: 82rem"><p class="meta">Last run: {seconds}.</p><div class="cards">{cards}</div>'
            f'<h2 id="failures">Failures ({len(data.failures)})</h2>{failures}'
            f'<h2 id="charts">Monographs</h2><div class="charts">{"".join(f"<div>{c}</div>" for c in charts_html)}'
            f"</div>{far_table}</main>")
    return render_page(title, body)


def write_report(out: Path, data: ReportData | None = None,
                 charts: Mapping[str, str | None] | None = None) -> Path:
    """Write ``out/report.html`` (atomically) from ``data``, else from ``out/livertox.duckdb``; returns its path.
    ``charts``: those drawn already (:func:`draw_charts`)."""
    from ..emit import write_atomic

    html = render_report(data if data is not None else read_report_data(out / "livertox.duckdb"), charts=charts)
    path = out / "report.html"
    write_atomic(path, html.encode("utf-8"))
    return path
