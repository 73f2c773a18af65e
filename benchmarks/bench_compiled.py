"""Would compiling our own Python pay? The full parse, pure against a mypyc build of the hot modules (issue 10).

The modules the full parse spends its time in (the NXML reader, sections, facts and cases, entities) are
compiled to C extensions with mypyc (it comes with mypy, a dev dependency; it needs a C compiler and the Python
headers) in a copy of ``livertox_parse`` in a temporary folder; nothing in the checkout is built or changed.
Then ``bench_corpus.py`` runs on the pure package and on the compiled copy in turn, each in its own process
(one package cannot be imported twice in one process), ``--runs`` times each, alternating; each run measures
its own bare lxml parse, so every ratio is against the same process's baseline. Prints; asserts nothing.

Usage: python benchmarks/bench_compiled.py [FOLDER] [--runs N] [--rounds N] [--modules PATH ...]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = next((p for p in (ROOT.parent / "shared" / "corpus" / "livertox-2021",
                            ROOT.parent.parent / "shared" / "corpus" / "livertox-2021") if p.is_dir()), None)
# where the full parse spends its time (bench_corpus's stage lines); models.py stays pure: pydantic models
# are not native classes
HOT = ["document.py", "spans.py", "readers/__init__.py", *(f"readers/nxml/{m}.py" for m in (
    "provenance", "tree", "render", "citations", "tables")), *(f"stages/{m}.py" for m in (
    "sections", "chapter", "cases", "assemble", "normalize", "entities", "drug_lexicon"))]
# mypy's settings for the build (pyproject.toml's [tool.mypy], without the strictness a build does not need)
MYPY_INI = """[mypy]
plugins = pydantic.mypy
ignore_missing_imports = True
"""
LINE = re.compile(r"^(full parse \(everything, provenance\)|bare lxml fromstring\+itertext|ratio full/bare:)\s+"
                  r"([\d.]+)")
STAGE = re.compile(r"^  (\S.*?)\s{2,}([\d.]+)$")


def _python(path: Path, *args: str) -> str:
    """stdout of ``python ARGS`` run in ``path`` with ``livertox_parse`` imported from there."""
    env = dict(os.environ, PYTHONPATH=str(path))
    return subprocess.run([sys.executable, *args], cwd=path, env=env, capture_output=True, text=True,
                          check=True).stdout


def build(modules: list[str], into: Path) -> float:
    """Copy the package into ``into`` and compile ``modules`` there; seconds taken."""
    shutil.copytree(ROOT / "livertox_parse", into / "livertox_parse",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    (into / "mypy.ini").write_text(MYPY_INI)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mypyc", *(f"livertox_parse/{m}" for m in modules)], cwd=into,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"bench_compiled: mypyc failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return time.perf_counter() - start


def compiled_modules(path: Path, modules: list[str]) -> list[str]:
    """Which of ``modules`` import as C extensions from ``path`` (what the compiled runs measure)."""
    names = [("livertox_parse/" + m).removesuffix(".py").removesuffix("/__init__").replace("/", ".") for m in modules]
    code = ("import importlib, sys\n"
            "for name in sys.argv[1:]:\n"
            "    print(name) if importlib.import_module(name).__file__.endswith('.so') else None\n")
    return _python(path, "-c", code, *names).split()


def digest(path: Path, folder: Path) -> str:
    """sha256 of the JSON of every chapter of ``folder`` parsed with ``livertox_parse`` from ``path``: the
    compiled copy must give the very same output for its figures to mean anything."""
    code = ("import hashlib, sys, pathlib\n"
            "from livertox_parse import LiverToxError, parse\n"
            "h = hashlib.sha256()\n"
            "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.nxml')):\n"
            "    try:\n"
            "        h.update(parse(p).model_dump_json().encode())\n"
            "    except LiverToxError as exc:\n"
            "        h.update(exc.code.encode())\n"
            "print(h.hexdigest())\n")
    return _python(path, "-c", code, str(folder)).strip()


def run(path: Path, folder: Path, rounds: int) -> dict[str, float]:
    """One bench_corpus run with ``livertox_parse`` imported from ``path``: its figures by label."""
    stdout = _python(path, str(ROOT / "benchmarks" / "bench_corpus.py"), str(folder), "--rounds", str(rounds))
    out: dict[str, float] = {}
    for line in stdout.splitlines():
        if m := LINE.match(line) or STAGE.match(line):
            out[m.group(1).split(" (")[0].rstrip(":")] = float(m.group(2))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--runs", type=int, default=2, help="bench_corpus runs of each, alternating")
    ap.add_argument("--rounds", type=int, default=2, help="bench_corpus rounds in each run")
    ap.add_argument("--modules", nargs="+", default=HOT, help="paths under livertox_parse/ to compile")
    args = ap.parse_args()
    if args.folder is None or not args.folder.is_dir():
        print("bench_compiled: skipped, no corpus folder (expected ../shared/corpus/livertox-2021 beside the "
              "checkout; or pass one)")
        return
    with tempfile.TemporaryDirectory(prefix="livertox-mypyc-") as tmp:
        seconds = build(args.modules, Path(tmp))
        native = compiled_modules(Path(tmp), args.modules)
        print(f"mypyc compiled {len(native)} modules in {seconds:.0f} s: {', '.join(native)}")
        same = digest(ROOT, args.folder) == digest(Path(tmp), args.folder)
        print(f"output of every chapter, pure and compiled: {'identical' if same else 'DIFFERENT'} (sha256 of the JSON)")
        runs: dict[str, list[dict[str, float]]] = {"pure": [], "compiled": []}
        for _ in range(args.runs):
            runs["pure"].append(run(ROOT, args.folder, args.rounds))
            runs["compiled"].append(run(Path(tmp), args.folder, args.rounds))
    print(f"input: {args.folder}; {args.runs} runs of each, alternating, bench_corpus --rounds {args.rounds}")
    labels = list(runs["pure"][0])
    print(f"{'':<36} {'pure':>20} {'compiled':>20}")
    for label in labels:
        cells = ["-".join(f"{r[label]:.3f}" if r[label] < 10 else f"{r[label]:.1f}" for r in runs[kind])
                 for kind in ("pure", "compiled")]
        print(f"{label:<36} {cells[0]:>20} {cells[1]:>20}")
    best = {kind: max(r["full parse"] for r in rs) for kind, rs in runs.items()}
    print(f"compiled/pure, full parse (best runs): {best['compiled'] / best['pure']:.2f}x")


if __name__ == "__main__":
    main()
