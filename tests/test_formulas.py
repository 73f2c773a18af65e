"""The MOLECULAR FORMULA cell: real cells of the dev corpus (chapter in the case id), read or refused."""

from __future__ import annotations

import pytest

from livertox_parse.stages.formulas import parse_formula, read_formula_cell

READ = {  # id: (cell as printed, first formula, some element counts)
    "anakinra-digit-0-for-O": ("C759-H1186-N208-0232-S10", "C759H1186N208O232S10", {"O": 232}),
    "losartan-salt": ("C22-H23-Cl-N6-O.K", "C22H23ClN6O.K", {"K": 1, "Cl": 1}),
    "imipenem-unhyphenated-hydrate": ("C12-H17-N3-O4-S.H2O", "C12H17N3O4S.H2O", {"H": 19, "O": 5}),
    "aclidinium-unhyphenated": ("C26H30NO4S2.Br", "C26H30NO4S2.Br", {"S": 2, "Br": 1}),
    "albuterol-half-sulfate": ("C13-H21-N-O3.1/2H2-O4-S", "C13H21NO3.1/2H2O4S", {"C": 13, "N": 1}),
    "ipratropium-x-hydrate": ("C20-H30-Br-N-O3.x-H2-O", "C20H30BrNO3.xH2O", {"H": 30}),
    "tesamorelin-acetate-repeat": ("C221-H366-N72-O67-S.(C2-H4-O2)x-", "C221H366N72O67S.(C2H4O2)x", {"C": 221}),
    "gold-two-sodium": ("C4-H5-Au-O4-S.H2-O.2Na", "C4H5AuO4S.H2O.2Na", {"Na": 2, "Au": 1}),
    "alogliptin-stray-space": ("C24- H21-F2-N-O3", "C24H21F2NO3", {"F": 2}),
    "trisalicylate-space-after-dot": ("C7-H6-O3.C7-H5-O3. C5-H14-N-O.1/2Mg", "C7H6O3.C7H5O3.C5H14NO.1/2Mg",
                                      {"N": 1}),
    "issue-deuterium": ("C19-H21-D6-N-O3", "C19H21D6NO3", {"D": 6, "H": 21}),
    "issue-polymer": ("(C14-H21-N-O12)n", "(C14H21NO12)n", {}),
    "charge": ("C9-H13-N+", "C9H13N+", {"N": 1}),
    "middle-dot-hydrate": ("C17-H19-N-O3·H2-O", "C17H19NO3.H2O", {"H": 21}),
    "x-between-formulas": ("C20-H25-N-O x H2-O", "C20H25NO.H2O", {"O": 2}),
    "subscript-digits": ("C₁₅H₂₅NO₃", "C15H25NO3", {"C": 15}),
    "trailing-note": ("C20-H25-N3-O.C4-H4-O4 (1:1)", "C20H25N3O.C4H4O4", {"C": 24}),
}


@pytest.mark.parametrize("case", READ)
def test_formula_is_read(case: str) -> None:
    text, formula, elements = READ[case]
    cell = read_formula_cell(text)
    assert cell.kind == "formula" and cell.problem is None
    parsed = parse_formula(text)
    assert parsed is not None and parsed.formula == formula
    assert elements.items() <= parsed.elements.items()


def test_several_formulas_in_one_cell_first_is_the_formula() -> None:  # Dicloxacillin-like salt forms
    cell = read_formula_cell("C16-H17-K-N2-O5-S C16-H17-N2-O5-S.K C16-H18-N2-O5-S.K")
    assert [f.formula for f in cell.formulas] == ["C16H17KN2O5S", "C16H17N2O5S.K", "C16H18N2O5S.K"]
    assert cell.first is not None and cell.first.elements["K"] == 1


DESCRIPTIONS = ["Monoclonal Antibody", "Herbal mixture", "Herbal Mixture", "Unspecified", "Protein",
                "Not available", "Cytokine", "Recombinant Protein", "Herbal Extract", "Fusion Protein",
                "Polyclonal Antibody", "Extract", "Not Applicable", "H2-O4-S.x-Unspecified"]


@pytest.mark.parametrize("text", DESCRIPTIONS)
def test_book_vocabulary_is_a_description(text: str) -> None:
    cell = read_formula_cell(text)
    assert (cell.kind, cell.formulas, cell.problem) == ("description", (), None)


def test_words_outside_the_vocabulary_are_another_description() -> None:
    assert read_formula_cell("Humanized IgG1 antibody").kind == "other_description"


DEFECTS = {  # id: (cell, words of the problem); all real cells of the dev corpus but the last two
    "amiodarone-I2-as-12": ("C25-H29-12-N-O3", "number where an element belongs"),
    "sertraline-Cl2-as-C12": ("C17-H17-C12-N", "element C written twice"),
    "amlodipine-Cl-as-C1": ("C20-H25-C1-N2-O5", "element C written twice"),
    "vancomycin-Cl2-as-C12-salt": ("C66-H75-C12-N9-O24.Cl-H", "element C written twice"),
    "lorcaserin-Cl-as-CI": ("C11-H14-CI-N", "'CI' runs several elements together"),
    "viekirapak-ritonavir-garbled": ("C37-H48-N6-O5C37-H48-N6-O5-S2-S2", "'O5C37' runs several elements"),
    "voxilaprevir-placeholder": ("xxxxx", "placeholder"),
    "not-an-element": ("C15-Xx3", "'Xx' is not an element symbol"),
    "cas-number-in-formula-column": ("12-34", "number where an element belongs"),
}


@pytest.mark.parametrize("case", DEFECTS)
def test_formula_defect_is_named(case: str) -> None:
    text, problem = DEFECTS[case]
    cell = read_formula_cell(text)
    assert cell.kind in ("unreadable", "placeholder") and cell.formulas == ()
    assert cell.problem is not None and problem in cell.problem
    assert parse_formula(text) is None


def test_count_beyond_any_number_field_is_unreadable() -> None:
    cell = read_formula_cell("C" + "9" * 40 + "-H2")
    assert cell.kind == "unreadable"
