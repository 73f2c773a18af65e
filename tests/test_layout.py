"""The package layout keeps its promises (README "Architecture"): readers never import stages or apps, stages
never import readers or apps, no module imports another module's private name, and imports have no cycles.

The import graph is read from the source (every ``import`` statement, also those inside functions), so the
test needs neither spaCy nor pdfplumber to run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import livertox_parse

PACKAGE = Path(livertox_parse.__file__).resolve().parent
APPS = ("livertox_parse.cli", "livertox_parse.ingest", "livertox_parse.check", "livertox_parse.__main__")


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path) -> dict[str, Path]:
    return {module_name(root, p): p for p in sorted(root.rglob("*.py"))}


def imports(root: Path) -> list[tuple[str, str, str, int]]:
    """(importing module, imported module, imported name or '', line) for every import of the package."""
    mods = modules(root)
    out: list[tuple[str, str, str, int]] = []
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        package = name if is_pkg else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                out += [(name, a.name, "", node.lineno) for a in node.names if a.name.startswith(root.name)]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if not target.startswith(root.name):
                    continue
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in mods:  # 'from . import cases': the module itself
                        out.append((name, sub, "", node.lineno))
                    else:
                        out.append((name, target, alias.name, node.lineno))
    return out


def private_imports(root: Path) -> list[str]:
    return [
        f"{src}:{line} imports {name} from {dst}"
        for src, dst, name, line in imports(root)
        if name.startswith("_") and not name.startswith("__")
    ]


def layer_violations(root: Path) -> list[str]:
    pkg = root.name
    readers, stages = f"{pkg}.readers", f"{pkg}.stages"
    apps = tuple(a.replace("livertox_parse", pkg) for a in APPS)
    bad = []
    for src, dst, _, line in imports(root):
        in_readers = src == readers or src.startswith(readers + ".")
        in_stages = src == stages or src.startswith(stages + ".")
        to_stage = dst == stages or dst.startswith(stages + ".")
        to_reader = dst == readers or dst.startswith(readers + ".")
        to_app = dst.startswith(apps) or dst == f"{pkg}.pipeline"
        if (in_readers and (to_stage or to_app)) or (in_stages and (to_reader or to_app)):
            bad.append(f"{src}:{line} imports {dst}")
    return bad


def cycles(root: Path) -> list[list[str]]:
    """Import cycles between modules (a submodule importing its own package's __init__ is not an edge)."""
    graph: dict[str, set[str]] = {m: set() for m in modules(root)}
    for src, dst, _, _ in imports(root):
        if dst in graph and dst != src and not src.startswith(dst + "."):
            graph[src].add(dst)
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_import_reader_sees_the_pipeline() -> None:
    # guards the checks below against passing because the walker found nothing
    edges = {(src, dst) for src, dst, _, _ in imports(PACKAGE)}
    assert ("livertox_parse.pipeline", "livertox_parse.stages.assemble") in edges
    assert ("livertox_parse.stages.assemble", "livertox_parse.stages.cases") in edges  # 'from . import cases'
    assert ("livertox_parse.readers.pdf", "livertox_parse.readers.pdf.page") in edges


def test_no_private_names_cross_module_borders() -> None:
    assert private_imports(PACKAGE) == []


def test_readers_and_stages_stay_in_their_layer() -> None:
    assert layer_violations(PACKAGE) == []


def test_no_import_cycles() -> None:
    assert cycles(PACKAGE) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from .cases import _lab_regex\n", "imports _lab_regex"),  # the old entities -> casereport import
        ("from ..ingest import store\n", "imports livertox_parse.ingest.store"),
    ],
    ids=["private-name", "stage-imports-app"],
)
def test_the_checks_catch_what_they_are_for(tmp_path: Path, source: str, expected: str) -> None:
    root = tmp_path / "livertox_parse"
    for mod in ("__init__", "stages/__init__", "stages/cases", "ingest/__init__", "ingest/store"):
        (root / f"{mod}.py").parent.mkdir(parents=True, exist_ok=True)
        (root / f"{mod}.py").write_text("_lab_regex = 1\n")
    (root / "stages" / "entities.py").write_text(source)
    assert any(expected in line for line in private_imports(root) + layer_violations(root))


def test_a_cycle_is_found(tmp_path: Path) -> None:
    root = tmp_path / "livertox_parse"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "pdf_layout.py").write_text("from .pdf_tables import RuledTable\n")
    (root / "pdf_tables.py").write_text("from .pdf_layout import Line\n")
    assert cycles(root) == [["livertox_parse.pdf_layout", "livertox_parse.pdf_tables", "livertox_parse.pdf_layout"]]
