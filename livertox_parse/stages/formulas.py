"""The MOLECULAR FORMULA cell of a chemical table: a formula, the book's description vocabulary, or a defect.

LiverTox writes formulas hyphenated in Hill order, one element with its count per token (``C15-H25-N-O3``),
salts and hydrates after ``.`` with a multiplier (``2H2-O``, ``1/2H2-O``, ``x-H2-O``), repeat units in
parentheses (``(C14-H21-N-O12)n``), isotopes (``D6``), and sometimes two or three salt forms in one cell
separated by spaces. Where no formula exists the cell says what the agent is ("Monoclonal Antibody",
"Herbal mixture", "Unspecified"): that vocabulary is data (``rules/formulas.json``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from ..rules import load_table
from .normalize import MAX_COUNT, to_count

ELEMENTS = frozenset(
    ["H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K",
     "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb",
     "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe", "Cs",
     "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta",
     "W", "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa",
     "U", "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr"]
)

CellKind = Literal["formula", "description", "other_description", "placeholder", "unreadable"]

_PIECE = re.compile(r"([A-Z][a-z]?)(\d*)")
_MULTIPLIER = re.compile(r"^(?P<m>\d+/\d+|\d+|x|n)-?(?=[A-Z(])")
_GROUP = re.compile(r"^\((?P<inner>[^()]+)\)(?P<rep>\d+|n|x)?-?$")
_CHARGE = re.compile(r"(?<=[A-Za-z\d)])(?P<q>\^\d*[+-]|\+|\(\d*[+-]\))$")  # 'N+', '^2+', '(2-)'
_NORMALISE = str.maketrans({"–": "-", "−": "-", "·": ".", "•": ".", "∙": ".", "⋅": ".",
                            **{chr(0x2080 + d): str(d) for d in range(10)}})  # subscript digits: C₁₅H₂₅NO₃
_NOTE = re.compile(r"\s*\([^()]*(?:[a-z]{3}|:)[^()]*\)\s*$")  # a trailing note in brackets: '(1:1)', '(free base)'
_WORD = re.compile(r"[a-z]{3}")  # element symbols have at most one small letter: a run of three is a word


@dataclass(frozen=True, slots=True)
class Formula:
    """One formula: written without hyphens, with its element counts (multipliers applied)."""

    formula: str
    elements: dict[str, int]


@dataclass(frozen=True, slots=True)
class FormulaCell:
    """What a formula cell holds.

    ``formulas`` has every formula of the cell (usually one); ``problem`` says why an ``unreadable`` cell
    cannot be read. ``elements`` are those of the first formula; a component with a multiplier that is not a
    whole number (``x-H2-O``, ``1/2H2-O``, ``(...)n``) stays in the formula but is not counted.
    """

    kind: CellKind
    formulas: tuple[Formula, ...] = ()
    problem: str | None = None

    @property
    def first(self) -> Formula | None:
        return self.formulas[0] if self.formulas else None


@cache
def _vocabulary() -> dict[str, str]:
    return {" ".join(r["text"].split()).casefold(): r["kind"] for r in load_table("formulas").rules}


def descriptions() -> tuple[str, ...]:
    """The book's descriptions of agents without a formula, as written in rules/formulas.json."""
    return tuple(r["text"] for r in load_table("formulas").rules if r["kind"] == "description")


class _Unreadable(ValueError):
    pass


def _tokens(component: str, symbols: frozenset[str]) -> list[tuple[str, int]]:
    """(symbol, count) of ``C12-H17-N3-O4-S`` or ``H2O``; each element once, as Hill order writes it."""
    tokens = [t for t in component.split("-") if t]
    if not tokens:
        raise _Unreadable(f"empty part in {component!r}")
    out: list[tuple[str, int]] = []
    for token in tokens:
        if re.fullmatch(r"0\d+", token):
            token = "O" + token[1:]  # PDF text prints oxygen as the digit 0 (N208-0232)
        if re.fullmatch(r"\d+", token):
            raise _Unreadable(f"{token!r} is a number where an element belongs (I2 printed as 12?)")
        pieces = _PIECE.findall(token)
        if not pieces or "".join(s + n for s, n in pieces) != token:
            raise _Unreadable(f"{token!r} is not an element symbol with a count")
        if len(tokens) > 1 and len(pieces) > 1:
            raise _Unreadable(f"{token!r} runs several elements together in a hyphenated formula")
        for symbol, count in pieces:
            if symbol not in symbols:
                raise _Unreadable(f"{symbol!r} is not an element symbol")
            n = to_count(count) if count else 1
            if n is None:
                raise _Unreadable(f"count {count[:20]!r} is larger than any formula holds")
            out.append((symbol, n))
    seen = [s for s, _ in out]
    twice = sorted({s for s in seen if seen.count(s) > 1})
    if twice:
        raise _Unreadable(f"element {', '.join(twice)} written twice in one formula (Cl2 printed as C12?)")
    return out


def _formula(text: str, symbols: frozenset[str]) -> Formula | None:
    """One formula of a cell; None when a part of it is a description word ('H2-O4-S.x-Unspecified')."""
    charge = _CHARGE.search(text)
    body = text[: charge.start()] if charge else text
    elements: dict[str, int] = {}
    parts: list[str] = []
    for component in filter(None, body.split(".")):
        lead = _MULTIPLIER.match(component)
        mult = lead.group("m") if lead else "1"
        rest = component[lead.end():] if lead else component
        if _vocabulary().get(rest.strip("-").casefold()) == "description":
            return None
        group = _GROUP.match(rest)
        rep = (group.group("rep") or "1") if group else "1"
        pairs = _tokens(group.group("inner") if group else rest, symbols)
        written = "".join(s + (str(c) if c != 1 else "") for s, c in pairs)
        if group:
            written = f"({written}){rep if rep != '1' else ''}"
        parts.append((mult if mult != "1" else "") + written)
        factor = (to_count(mult) or 0) * (to_count(rep) or 0) if mult.isdigit() and rep.isdigit() else 0
        for symbol, count in pairs if factor else ():
            elements[symbol] = elements.get(symbol, 0) + count * factor
            if elements[symbol] > MAX_COUNT:
                raise _Unreadable(f"count of {symbol} is larger than any formula holds")
    if not parts:
        raise _Unreadable(f"no formula in {text!r}")
    return Formula(".".join(parts) + (charge.group("q") if charge else ""), elements)


def read_formula_cell(text: str) -> FormulaCell:
    """Classify and read the text of a MOLECULAR FORMULA cell (see the module docstring)."""
    cell = " ".join(text.translate(_NORMALISE).split())
    cell = _NOTE.sub("", cell) or cell  # 'C20-H25-N3-O.C4-H4-O4 (1:1)': a note after the formula
    cell = re.sub(r"\s+[x×]\s+(?=\d*[A-Z(])", ".", cell)  # 'C20-H25-N-O x H2-O': a hydrate written with x
    vocab = _vocabulary()
    kind = vocab.get(cell.casefold())
    if kind == "description":
        return FormulaCell("description")
    if kind == "placeholder":
        return FormulaCell("placeholder", problem=f"{cell!r} is a placeholder, not a formula")
    symbols = ELEMENTS | {s for s, k in vocab.items() if k == "isotope" for s in [s.capitalize()]}
    joined = re.sub(r"\s*([-.])\s*", r"\1", cell)  # 'C24- H21-F2-N-O3', 'O3. C5-H14-N-O'
    try:
        found = [_formula(f, symbols) for f in joined.split(" ") if f]
    except _Unreadable as exc:
        if _WORD.search(cell):
            return FormulaCell("other_description")  # words, no formula: a description the table lacks
        return FormulaCell("unreadable", problem=str(exc))
    if not found:
        return FormulaCell("unreadable", problem="empty cell")
    if any(f is None for f in found):
        return FormulaCell("description")
    return FormulaCell("formula", tuple(f for f in found if f is not None))


def parse_formula(text: str) -> Formula | None:
    """The first formula of a cell such as ``C759-H1186-N208-0232-S10`` or ``C22-H23-Cl-N6-O.K``; None when
    the cell holds no readable formula (a description, a placeholder, a defect)."""
    return read_formula_cell(text).first
