"""Survey the PDF and pdftotext readers over the dev corpus: print each NXML chapter to PDF in the Bookshelf
layout (tools.print_pdf), copy its text out with pdftotext, parse all three and compare the contract fields.

    python -m tools.pdf_survey [CORPUS] [--out /tmp/pdfbook] [--jobs 2] [--only NAME ...] [--show 3]

PDFs and texts are cached in OUT/pdf and OUT/text (delete them after changing the printer); the per-chapter
differences are written to OUT/survey.json. The lab tables of a pdftotext copy are flattened (one cell per
line), so labs are compared for the PDF only, as tests/test_cross_format.py does.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from livertox_parse import parse
from livertox_parse.errors import LiverToxError
from livertox_parse.models import Monograph

from .print_pdf import print_pdf

FIELDS = ("title", "last_update", "kind", "agents", "scores", "drug_class", "subclass", "trade_names",
          "chemicals", "sections", "cases", "labs", "warnings")
KEY_POINT_SPANS: dict[str, Any] = {"start": True, "end": True,
                                   **{f: {"start": True, "end": True}
                                      for f in ("pattern", "severity", "latency", "recovery")},
                                   "medication": {"start": True, "end": True,
                                                  "drugs": {"__all__": {"start": True, "end": True}}}}


def fields(m: Monograph) -> dict[str, Any]:
    """The contract fields of tests/test_cross_format.contract (links left out), labs apart from cases."""
    cases, labs = [], []
    for case in m.cases:
        kp = case.key_points.model_dump(exclude=KEY_POINT_SPANS) if case.key_points else None
        cases.append((case.number, case.title, case.patient.age_years, case.patient.sex, kp))
        labs.append((sorted((lab.test, lab.value, lab.unit, lab.uln) for lab in case.labs), case.computed))
    return {
        "title": m.title, "last_update": m.last_update, "kind": m.kind, "agents": m.agents,
        "scores": [(s.agent, s.score, s.qualifier, s.text) for s in m.likelihood_scores],
        "drug_class": m.drug_class, "subclass": m.subclass, "trade_names": m.trade_names_by_agent,
        "chemicals": [(c.drug, c.cas, c.cas_valid, c.formula, c.elements) for c in m.chemicals],
        "sections": [(s.id, s.title) for s in m.sections],
        "cases": cases, "labs": labs,
        "warnings": sorted(w.code for w in m.warnings),
    }


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def first_difference(a: Any, b: Any) -> str:
    """A short account of where two JSON-like values first differ."""
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return f"[{i}] " + first_difference(x, y)
        return f"length {len(a)} != {len(b)}; extra: {(a[len(b):] or b[len(a):])[:2]}"
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if a.get(k) != b.get(k):
                return f"{k}: " + first_difference(a.get(k), b.get(k))
    return f"{a!r:.200} != {b!r:.200}"


def survey_one(nxml: Path, out: Path, formats: tuple[str, ...] = ("pdf", "text")) -> dict[str, Any]:
    """Print, copy out and parse one chapter; the fields where the PDF and text differ from the NXML."""
    result: dict[str, Any] = {"name": nxml.stem}
    try:
        ref = _plain(fields(parse(nxml)))
    except LiverToxError as exc:
        return {**result, "skipped": f"{exc.code}: {exc}"}
    pdf, txt = out / "pdf" / f"{nxml.stem}.pdf", out / "text" / f"{nxml.stem}.txt"
    if not pdf.exists():
        print_pdf(nxml, pdf)
    if not txt.exists():
        subprocess.run(["pdftotext", str(pdf), str(txt)], check=True)
    for fmt, path in (("pdf", pdf), ("text", txt)):
        if fmt not in formats:
            result[fmt] = {}
            continue
        try:
            got = _plain(fields(parse(path)))
        except LiverToxError as exc:
            result[fmt] = {"error": f"{exc.code}: {exc}"}
            continue
        diffs = {f: first_difference(ref[f], got[f]) for f in FIELDS
                 if ref[f] != got[f] and not (fmt == "text" and f == "labs")}
        result[fmt] = diffs
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("corpus", type=Path, nargs="?", default=Path("../shared/corpus/livertox-2021"))
    ap.add_argument("--out", type=Path, default=Path("/tmp/pdfbook"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", nargs="*", default=None, help="chapter names (NXML stems) to survey")
    ap.add_argument("--show", type=int, default=3, help="differences shown per chapter and field")
    ap.add_argument("--formats", nargs="+", choices=("pdf", "text"), default=["pdf", "text"],
                    help="formats to parse and compare (the other is reported equal)")
    args = ap.parse_args(argv)
    if shutil.which("pdftotext") is None:
        print("pdftotext is not installed (Debian: poppler-utils)", file=sys.stderr)
        return 2
    for sub in ("pdf", "text"):
        (args.out / sub).mkdir(parents=True, exist_ok=True)
    files = sorted(args.corpus.glob("*.nxml"))
    if args.only:
        files = [f for f in files if f.stem in set(args.only)]
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(survey_one, files, [args.out] * len(files), [tuple(args.formats)] * len(files),
                                chunksize=4))
    (args.out / "survey.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    compared = [r for r in results if "skipped" not in r]
    print(f"{len(files)} chapters, {len(files) - len(compared)} skipped (front matter), {len(compared)} compared")
    for fmt in args.formats:
        errors = [r for r in compared if "error" in r[fmt]]
        differ = Counter(f for r in compared if "error" not in r[fmt] for f in r[fmt])
        equal = sum(1 for r in compared if not r[fmt])
        print(f"\n{fmt}: {equal}/{len(compared)} chapters equal on every field; {len(errors)} failed to parse")
        for f in FIELDS:
            if fmt == "text" and f == "labs":
                continue
            print(f"  {f:12} equal {len(compared) - len(errors) - differ[f]:4}   differ {differ[f]:4}")
        for r in errors:
            print(f"  ERROR {r['name']}: {r[fmt]['error']}")
    print("\nfirst differences per chapter:")
    for r in compared:
        for fmt in ("pdf", "text"):
            for f, d in list(r[fmt].items())[: args.show]:
                print(f"  {r['name']} [{fmt}] {f}: {d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
