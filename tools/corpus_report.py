"""Corpus report: what the XML of every chapter plainly contains against what the parser returns.

    python -m tools.corpus_report [CORPUS_DIR]        (``make corpus``)

Field by field (likelihood statements, cases, Key Points tables, drug class, CAS numbers, trade names) it
counts the values :mod:`tools.corpus_oracle` reads straight from the XML, how many of them the parser
returned, and lists every miss by chapter, with the parser's extra values beside them.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import livertox_parse
from livertox_parse import LiverToxError
from livertox_parse.check import Config, findings_for

from .corpus_oracle import Plain, read_plain

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "livertox-2021"
FIELDS = ("scores", "cases", "key_points", "drug_class", "cas", "trade_names")


@dataclass
class FieldTally:
    expected: int = 0
    found: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        return self.found / self.expected if self.expected else 1.0


@dataclass
class Report:
    chapters: int = 0
    error_files: dict[str, list[str]] = field(default_factory=dict)  # chapter -> check's error-level findings
    kinds: Counter[str] = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)
    fields: dict[str, FieldTally] = field(default_factory=lambda: {f: FieldTally() for f in FIELDS})
    seconds: float = 0.0


def _norm(s: str) -> str:
    return " ".join(s.lower().replace("\u2013", "-").split()).rstrip(".")


def _multiset_found(expected: list[str], got: list[str]) -> tuple[int, list[str]]:
    missing = Counter(expected) - Counter(got)
    return len(expected) - sum(missing.values()), sorted(missing.elements())


def compare(plain: Plain, mono: livertox_parse.Monograph, report: Report) -> None:
    """Add one chapter's comparison to ``report``."""
    name = plain.name
    got_scores = [s.score for s in mono.likelihood_scores]
    found, missing = _multiset_found(plain.scores, got_scores)
    _tally(report, "scores", len(plain.scores), found, missing and f"{name}: expected {missing}, got {got_scores}")
    kp = sum(1 for c in mono.cases if c.key_points is not None)
    _tally(report, "cases", len(plain.cases), min(len(mono.cases), len(plain.cases)),
           len(mono.cases) != len(plain.cases) and f"{name}: {len(plain.cases)} in the XML, {len(mono.cases)} parsed")
    _tally(report, "key_points", plain.key_points, min(kp, plain.key_points),
           kp != plain.key_points and f"{name}: {plain.key_points} in the XML, {kp} parsed")
    if plain.drug_class:
        ok = mono.drug_class is not None and _norm(mono.drug_class) == _norm(plain.drug_class)
        _tally(report, "drug_class", 1, int(ok), not ok and f"{name}: {plain.drug_class!r}, got {mono.drug_class!r}")
    got_cas = [c.cas for c in mono.chemicals if c.cas]
    found, missing = _multiset_found(sorted(set(plain.cas)), sorted(set(got_cas)))
    _tally(report, "cas", len(set(plain.cas)), found, missing and f"{name}: expected {missing}, got {got_cas}")
    want = sorted({_norm(t) for t in plain.trade_names})
    got = sorted({_norm(t) for t in mono.trade_names})
    found, missing = _multiset_found(want, got)
    extra = sorted(set(got) - set(want))
    _tally(report, "trade_names", len(want), found,
           (missing or extra) and f"{name}: missing {missing}, extra {extra}")


def _tally(report: Report, name: str, expected: int, found: int, miss: str | bool | list[str]) -> None:
    t = report.fields[name]
    t.expected += expected
    t.found += found
    if miss:
        t.misses.append(str(miss))


def build_report(corpus: Path) -> Report:
    report = Report()
    config = Config()  # the rules at their shipped levels
    start = time.perf_counter()
    for path in sorted(corpus.glob("*.nxml")):
        report.chapters += 1
        plain = read_plain(path)
        try:
            mono = livertox_parse.parse(path)
        except LiverToxError as exc:
            if exc.code == "LTX006":  # not a monograph: the book's front matter
                report.kinds["front_matter"] += 1
                for f, n in (("scores", len(plain.scores)), ("cases", len(plain.cases))):
                    _tally(report, f, n, 0, n and f"{plain.name}: skipped as front matter")
            else:
                report.failed.append(f"{path.name}: {exc.code}: {exc}")
            continue
        report.kinds[mono.kind] += 1
        compare(plain, mono, report)
        errors = [f"{f.code} {f.message}" for f in findings_for(mono, path.name, config) if f.level == "error"]
        if errors:
            report.error_files[path.name] = errors
    report.seconds = time.perf_counter() - start
    return report


def format_report(report: Report) -> str:
    lines = [f"corpus report: {report.chapters} chapters in {report.seconds:.1f} s; "
             + ", ".join(f"{k} {v}" for k, v in sorted(report.kinds.items()))
             + f"; failed {len(report.failed)}"]
    lines += [f"  failed: {f}" for f in report.failed]
    n_err = len(report.error_files)
    lines.append(f"check: error-level findings in {n_err} of {report.chapters} chapters "
                 f"({100 * n_err / max(report.chapters, 1):.1f}%; budget 3%)")
    lines += [f"  - {name}: {'; '.join(found)}" for name, found in sorted(report.error_files.items())]
    for name, t in report.fields.items():
        lines.append(f"{name:12} {t.found:5}/{t.expected:<5} {100 * t.coverage:6.2f}%  ({len(t.misses)} chapters with a miss)")
        lines += [f"    - {m}" for m in t.misses]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    corpus = Path(args[0]) if args else DEFAULT_CORPUS
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    print(format_report(build_report(corpus)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
