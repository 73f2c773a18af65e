"""Chapter and case facts read from phrasing variants seen in LiverTox (named case tables)."""

from __future__ import annotations

from pathlib import Path

import pytest

from livertox_parse import LiverToxError, parse_text
from livertox_parse.stages.cases import narrative_labs
from livertox_parse.stages.chapter import find_scores

SCORES = {
    "plain": ("Likelihood score: C (probable cause of clinically apparent acute liver injury).",
              [("C", None, "probable cause of clinically apparent acute liver injury")]),
    "high_dose_qualifier": ("Likelihood score: A[HD] (well known cause in high doses).",
                            [("A", "HD", "well known cause in high doses")]),
    "spaced_qualifier": ("Likelihood score: A [HD] (x).", [("A", "HD", "x")]),
    "star": ("Likelihood score: E* (unproven but suspected).", [("E*", None, "unproven but suspected")]),
    "two_uses_of_one_product": (
        "Likelihood score: A[HD] (well known cause in overdose) and E* (suspected at usual doses).",
        [("A", "HD", "well known cause in overdose"), ("E*", None, "suspected at usual doses")]),
    "category_word_and_capital": ("Likelihood Score: Category B (likely cause).", [("B", None, "likely cause")]),
    "not_a_letter": ("Likelihood score: Despite wide use, none.", []),
    "outside_the_scale_is_still_read": ("Likelihood score: F (bad letter).", [("F", None, "bad letter")]),
    # spellings the 2021 book prints (Abatacept, Codeine, Elvitegravir, ...)
    "likehood": ("Likehood score: D (possible but rare cause).", [("D", None, "possible but rare cause")]),
    "liklihood": ("Liklihood score: E (unlikely cause).", [("E", None, "unlikely cause")]),
    "likelhood": ("Likelhood score: E* (unproven).", [("E*", None, "unproven")]),
    "a_use_is_no_agent": ("Likelihood score when used for emergency contraception: E (unlikely).",
                          [("E", None, "unlikely")]),
    "qualifier_h": ("Likelihood score, intravenous terbutaline: C[H] (high doses).", [("C", "H", "high doses")]),
    "quoted_in_prose": ('agents in this class have likelihood scores "C" (probable cause).',
                        [("C", None, "probable cause")]),
    # a mention that is no score stays none
    "mention_is_no_score": ("These drugs have a likelihood score of causing liver injury as a class.", []),
    "mention_with_colon_later": ("the likelihood score of each agent is given below: see the table.", []),
}


@pytest.mark.parametrize("case", SCORES)
def test_likelihood_scores(case: str) -> None:
    text, expected = SCORES[case]
    found = find_scores(text)
    assert [(f.letter, f.qualifier, f.text) for f in found] == expected
    for f in found:
        assert text[f.start : f.end].rstrip(")").endswith(f.text.rstrip(")")[-5:])


def test_score_agents() -> None:
    (one,) = find_scores("Likelihood score for amobarbital, pentobarbital and secobarbital: E (unlikely).")
    assert one.agents == ("amobarbital", "pentobarbital", "secobarbital")
    (two,) = find_scores("Likelihood score (desvenlafaxine): E* (suspected).")
    assert two.agents == ("desvenlafaxine",)


AGENTS = {  # how the 2021 book names the agent of a score (chapters in parentheses)
    "after_a_comma": ("Likelihood score, Hydromorphone: E (unlikely).", ("Hydromorphone",)),  # HydromorphoneOxymorp
    "after_a_comma_lower": ("Likelihood score, acitretin: B (likely).", ("acitretin",)),
    "bare_after": ("Likelihood score irinotecan: B (likely).", ("irinotecan",)),  # IrinotecanTopotecan
    "before_the_word": ("Canagliflozin likelihood score: E* (unproven).", ("Canagliflozin",)),  # SGLT-2
    "before_misspelt": ("Empagliflozin likelhood score: E* (unproven).", ("Empagliflozin",)),
    "sentence_start_is_no_agent": ("The likelihood score: C (probable).", (None,)),
}


@pytest.mark.parametrize("case", AGENTS)
def test_score_agent_forms(case: str) -> None:
    text, agents = AGENTS[case]
    (found,) = find_scores(text)
    assert found.agents == agents
    span = text[found.start : found.end]
    assert (agents[0] or "") in span and "score" in span.lower() and span.endswith(")")


def test_scores_from_a_table_column() -> None:
    """Class overviews list agents with a 'Likelihood Score' column (Anticonvulsants, Monoclonal Antibodies);
    the first column names the generic and its brands."""
    m = parse_text(
        "Anticonvulsants\nOVERVIEW\nThe agents are listed below.\n"
        "Generic Name Brand Name\tLikelihood Score\tApproval\n"
        "Brivaracetam Briviact\tE\t2016\n"
        "Interferon beta-1a Avonex, Rebif\tC\t1996\n"
        "Cannabidiol Epidiolex\tE*\t2018\n")
    assert [(s.agent, s.score) for s in m.likelihood_scores] == [
        ("Brivaracetam", "E"), ("Interferon beta-1a", "C"), ("Cannabidiol", "E*")]
    assert m.kind == "overview"


LABS = {
    "own_units": ("ALT 3346 U/L, AST 2386\nU/L", [("ALT", 3346, "U/L"), ("AST", 2386, "U/L")]),
    "direct_bilirubin": ("bilirubin was 6.8 mg/dL (6.6 direct)",
                         [("bilirubin", 6.8, "mg/dL"), ("bilirubin_direct", 6.6, "mg/dL")]),
    "unit_closing_a_list": ("ALT 1,234, AST 567 and Alk P 234 U/L.",
                            [("ALT", 1234, "U/L"), ("AST", 567, "U/L"), ("ALP", 234, "U/L")]),
    "no_unit_across_sentences": ("ALT 1234. AST 567 U/L", [("AST", 567, "U/L")]),
    "patient_counts_are_not_values": ("ALT elevations in 3 of 89 patients", []),
    "percentages_are_not_values": ("ALT elevations occurred in <1% of patients", []),
    "inr_without_unit": ("an INR of 1.8", [("INR", 1.8, None)]),
    "stated_uln": ("ALT 250 U/L (ULN 35)", [("ALT", 250, "U/L")]),
    "aliases": ("SGPT 120 IU/L and alkaline phosphatase 410 IU/L", [("ALT", 120, "IU/L"), ("ALP", 410, "IU/L")]),
    # Captopril, Cyclophosphamide, Disulfiram ... (LiverTox 2021): 49 dev narratives put the value in parentheses
    "in_parentheses": ("marked elevations in alkaline phosphatase (1054 U/L) and bilirubin (19.1 mg/dL)",
                       [("ALP", 1054, "U/L"), ("bilirubin", 19.1, "mg/dL")]),
    "in_parentheses_after_levels": ("and alkaline phosphatase levels (95 U/L)", [("ALP", 95, "U/L")]),
    "a_multiple_in_parentheses_is_no_value": ("ALT (3 times ULN) and AST 120 U/L", [("AST", 120, "U/L")]),
    # Abatacept, Allopurinol, Tacrine, Paclitaxel, Valproate (LiverTox 2021)
    "rising_to_a_peak": ("serum bilirubin rising to 7.7 mg/dL. Serum bilirubin rose to a peak of 23.7 mg/dL",
                         [("bilirubin", 7.7, "mg/dL"), ("bilirubin", 23.7, "mg/dL")]),
    "about_in_parentheses": ("marked elevations in ALT (~1700 U/L)", [("ALT", 1700, "U/L")]),
    "found_to_be": ("serum ALT was found to be 649 U/L", [("ALT", 649, "U/L")]),
    "direct_with_its_unit": ("a total serum bilirubin of 10.5 mg/dL (direct 6.7 mg/dL)",
                             [("bilirubin", 10.5, "mg/dL"), ("bilirubin_direct", 6.7, "mg/dL")]),
}


@pytest.mark.parametrize("case", LABS)
def test_narrative_labs(case: str) -> None:
    text, expected = LABS[case]
    found = narrative_labs(text, 0)
    assert [(lab.test, lab.value, lab.unit) for lab in found] == expected
    for lab in found:
        assert f"{lab.value:g}" in text[lab.start : lab.end].replace(",", "")


def test_stated_uln_is_kept() -> None:
    (lab,) = narrative_labs("ALT 250 U/L (ULN 35)", 0)
    assert lab.uln == 35


def _fixture_with(name: str, *edits: tuple[str, str]) -> str:
    """The fixture text ``name`` with each (old, new) edit made (each old text must be there)."""
    from .conftest import FIXTURES

    text = (FIXTURES / "text" / name).read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    return text


def _venlafaxine_with(*edits: tuple[str, str]) -> str:
    return _fixture_with("venlafaxine.txt", *edits)


WRAPPED = {  # lines a narrower PDF page wraps, as pdftotext then prints them
    "title": ("Venlafaxine, Desvenlafaxine\nLast", "Venlafaxine,\nDesvenlafaxine\nLast"),
    "case_title": ("Case 1. Acute hepatitis with jaundice due to venlafaxine.(1)",
                   "Case 1. Acute hepatitis with jaundice due to\nvenlafaxine.(1)"),
    "trade_names": ("Venlafaxine – Generic, Effexor®", "Venlafaxine – Generic,\nEffexor®"),
}


@pytest.mark.parametrize("case", WRAPPED)
def test_wrapped_lines_read_as_one(case: str) -> None:
    from livertox_parse import parse_text

    m = parse_text(_venlafaxine_with(WRAPPED[case]))
    assert m.title == "Venlafaxine, Desvenlafaxine"
    (c,) = m.cases
    assert c.title == "Acute hepatitis with jaundice due to venlafaxine.(1)"
    assert c.patient.age_years == 39 and c.pmid == "23073329"
    assert m.trade_names_by_agent["Venlafaxine"] == ["Effexor"]


BOUNDARY = {  # Key Points pattern and R -> whether LTW131 (R contradicts the pattern) is raised
    "Mixed (R=5)": False, "Hepatocellular (R=4.9)": False, "Cholestatic (R=2.1)": False,
    "Mixed (R=2)": False, "Hepatocellular (R=3.9)": True, "Cholestatic (R=32)": True, "Mixed (R=1.5)": True,
}


@pytest.mark.parametrize("pattern", BOUNDARY)
def test_pattern_r_boundaries_allow_rounding(pattern: str) -> None:
    from livertox_parse import parse_text

    from .conftest import FIXTURES

    text = (FIXTURES / "text" / "anakinra.txt").read_text(encoding="utf-8")
    text = text.replace("Pattern: Hepatocellular (R=32)", f"Pattern: {pattern}")
    codes = {w.code for w in parse_text(text).warnings}
    assert ("LTW131" in codes) is BOUNDARY[pattern]


def test_a_class_overview_in_plain_paragraphs_is_parsed_not_skipped() -> None:
    """A class overview without headings (like the book's method chapters) is recognised by its class-word
    title, and gets no 'OVERVIEW missing' finding: it has no layout of sections to check."""
    m = parse_text("Antithyroid Drugs\nThe antithyroid drugs methimazole and propylthiouracil are used to treat "
                   "hyperthyroidism; both can cause liver injury.\n")
    assert m.kind == "overview" and m.title == "Antithyroid Drugs" and not m.warnings


def test_front_matter_is_skipped_with_its_own_code() -> None:
    with pytest.raises(LiverToxError) as info:
        parse_text("Glossary\nAcinus\nThe main structural unit of the liver.\nHepatotoxicity\nInjury to the liver.\n")
    assert info.value.code == "LTX006" and info.value.skipped
    with pytest.raises(LiverToxError) as other:  # a text about something else is no LiverTox text at all
        parse_text("Pancakes\nMix flour, eggs and milk.\n")
    assert other.value.code == "LTX005" and not other.value.skipped


@pytest.mark.parametrize(("line", "names"), [
    ("Venlafaxine – Generic, Effexor®/Generic", ["Effexor"]),  # 'Zyrtec®/Generic' (Cetirizine_Levocetir)
    ("Venlafaxine – Generic, Effexor®, Combination Products", ["Effexor"]),  # FolicAcid, VitaminB
    ("Venlafaxine – Generic, In Combination, Effexor®", ["Effexor"]),  # Melatonin
    ("Venlafaxine – Generic, Effexor®/XR", ["Effexor/XR"]),  # a slash between two names stays
])
def test_trade_name_items_that_name_no_brand(line: str, names: list[str]) -> None:
    from livertox_parse import parse_text

    text = _venlafaxine_with({"trade_names": ("Venlafaxine – Generic, Effexor®", line)}["trade_names"])
    m = parse_text(text, with_text=True)
    assert m.trade_names_by_agent["Venlafaxine"] == names
    spans = {(e.text, m.text[e.start:e.end]) for e in m.entities if e.label == "TRADE_NAME"}  # type: ignore[index]
    assert spans and all(name == span for name, span in spans)  # each entity spans its own text


@pytest.mark.parametrize(("text", "meds"), [  # Key Points 'Other medications' as the dev chapters write them
    ("Prednisone, folate", ["Prednisone", "folate"]),
    ("Carvedilol, iron, epoetin, thiamine, and multivitamins", ["Carvedilol", "iron", "epoetin", "thiamine",
                                                               "multivitamins"]),  # Amiodarone: Oxford comma
    ("Metformin (3 years), lisinopril (for 1 week, 3 weeks before presentation)",  # Disulfiram
     ["Metformin (3 years)", "lisinopril (for 1 week, 3 weeks before presentation)"]),
    ("None mentioned, except for dexamethasone", ["dexamethasone"]),  # Pomalidomide
    ("None, except occasional herbal tea containing chaparral leaf", ["occasional herbal tea containing chaparral leaf"]),
    ("None concurrently", []), ("Not given", []), ("Not listed", []), ("Not mentioned", []), ("None.", []),
    ("Noni juice", ["Noni juice"]), ("Nortriptyline and lithium", ["Nortriptyline", "lithium"]),
])
def test_other_medications_split(text: str, meds: list[str]) -> None:
    from livertox_parse.stages.normalize import split_medications

    assert split_medications(text) == meds


@pytest.mark.parametrize(("name", "drugs"), [  # Key Points medications of the dev chapters
    ("Amiloride (2.5 mg) and hydrochlorothiazide (25 mg daily)", ["Amiloride", "hydrochlorothiazide"]),
    ("Nifedipine (60 mg daily) and then amlodipine (10 mg daily)", ["Nifedipine", "amlodipine"]),
    ("Elotuzumab with lenalidomide and dexamethasone", ["Elotuzumab", "lenalidomide", "dexamethasone"]),
    ("Desflurane (6%), 90 min anesthesia time", ["Desflurane"]),
    ("Trimethoprim (160 mg)-sulfamethoxazole (800 mg)", ["Trimethoprim (160 mg)-sulfamethoxazole (800 mg)"]),
    ("Greater celandine", ["Greater celandine"]),
])
def test_the_drugs_a_medication_names(name: str, drugs: list[str]) -> None:
    from livertox_parse.stages.normalize import medication_items

    assert [drug for drug, _, _, _ in medication_items(name)] == drugs


def test_a_two_drug_medication_gives_two_drug_entities() -> None:
    from livertox_parse import parse_text

    text = _venlafaxine_with(("Venlafaxine (300 mg daily)\n", "Venlafaxine (300 mg daily) and fluoxetine (20 mg daily)\n"))
    m = parse_text(text)
    drugs = {e.text for e in m.entities if e.label == "DRUG"}
    assert {"Venlafaxine", "fluoxetine"} <= drugs and not any(" and " in d for d in drugs)


def _barbiturates_with(*edits: tuple[str, str]) -> str:
    return _fixture_with("barbiturates.txt", *edits)


SCORE_FOR_SEVERAL = ("Likelihood score for amobarbital, pentobarbital and secobarbital: E (unlikely causes of clinically "
                     "apparent liver injury).")


def test_statements_without_an_agent_take_the_agent_their_paragraph_names() -> None:
    # ThrombopoietinRecept, EmergencyContracepti (LiverTox 2021): each agent's paragraph closes with its own
    # 'Likelihood score: X (...)', naming no agent
    from livertox_parse import parse_text

    statements = ("Phenobarbital has been linked to DRESS.\nLikelihood score: B (likely cause of clinically apparent "
                  "liver injury).\nSecobarbital has not been linked to liver injury.\nLikelihood score: E (unlikely "
                  "cause of clinically apparent liver injury).")
    text = _barbiturates_with((SCORE_FOR_SEVERAL, statements))
    assert [(s.agent, s.score) for s in parse_text(text).likelihood_scores] == [("Phenobarbital", "B"),
                                                                                ("Secobarbital", "E")]


def test_one_statement_for_the_chapter_keeps_no_agent() -> None:
    from livertox_parse import parse_text

    text = _barbiturates_with((SCORE_FOR_SEVERAL, "Likelihood score: E (unlikely cause of clinically apparent liver injury)."))
    assert [(s.agent, s.score) for s in parse_text(text).likelihood_scores] == [(None, "E")]


def test_a_cited_reference_ends_with_its_pubmed_id_bare_or_written_out() -> None:
    # Methyldopa (LiverTox 2021): 'PMID:37733', an old five-digit id written out, where most end '... 18955056'
    from livertox_parse.document import Source
    from livertox_parse.readers.text import document_from_text
    from livertox_parse.stages.chapter import cited_pmids
    from livertox_parse.stages.sections import sectionize

    doc = document_from_text(
        "Drug X\n\nOVERVIEW\n\nText.\n\nCITED REFERENCES\n\n1. Chalasani N. Causes. Gastroenterology 2008;135:1924-34. "
        "18955056\n2. Delpre G. Case report. Am J Med Sci 1979; 277: 207-13. PMID:37733\n3. Smith J. A book. 1999. "
        "pp. 656-8.\n4. Cavalli F. A case. Cancer Treat Rep 1978;62:2125-6. 751721\n5. Doe J. Medicine 2017;96:e67890\n",
        Source(None, "text"))  # 4: Cisplatin's, an older six-digit id
    assert cited_pmids(doc, sectionize(doc)) == {1: "18955056", 2: "37733", 4: "751721"}


@pytest.mark.parametrize(("stated", "warned"), [("R=19", False), ("R=8.5", False), ("R=3", True)])
def test_a_key_points_r_that_one_row_of_the_table_gives_is_no_contradiction(stated: str, warned: bool) -> None:
    # Metoprolol's table: the row of the peak ALT gives R=18.7, the row two days after stopping 8.5 (409/40 over
    # 132/110); R=3 no row gives. Amiodarone (LiverTox 2021) states R=13.1 of its 'stopped + 3 days' row
    from livertox_parse import parse_input

    from .conftest import FIXTURES

    data = (FIXTURES / "nxml" / "Metoprolol.nxml").read_bytes().replace(b"R=19", stated.encode())
    m = parse_input("Metoprolol.nxml", data)
    assert (m.cases[0].computed.r_ratio, any(w.code == "LTW130" for w in m.warnings)) == (18.7, warned)


@pytest.mark.parametrize("word", ["Likelihood", "Likehood", "Liklihood", "Likelhood"])
def test_a_misspelt_score_statement_is_a_score_and_an_entity(word: str) -> None:
    # the dev chapters misspell it: Abatacept 'Likehood', Codeine 'Liklihood', Elvitegravir_Cobicis 'Likelhood'
    from livertox_parse import parse_text

    text = _venlafaxine_with(("Likelihood score (venlafaxine)", f"{word} score (venlafaxine)"),
                             ("Likelihood score (desvenlafaxine)", f"{word} score (desvenlafaxine)"))
    m = parse_text(text)
    assert [(s.agent, s.score) for s in m.likelihood_scores] == [("Venlafaxine", "B"), ("Desvenlafaxine", "E*")]
    assert sum(e.label == "LIKELIHOOD" for e in m.entities) == 2


def test_a_title_with_a_synonym_in_parentheses_names_its_agent(tmp_path: Path) -> None:
    """'Chenodiol (Chenodeoxycholic Acid)', 'Ursodiol (Ursodeoxycholic Acid)' (LiverTox 2021) are drug chapters
    whose chemical table also lists a related product (Cholic Acid): the title names the agent, the synonym
    in parentheses aside; such a chapter was taken for a class of two agents."""
    from livertox_parse import parse

    from .conftest import FIXTURES

    src = (FIXTURES / "nxml" / "Metoprolol.nxml").read_text(encoding="utf-8")
    row = src[src.index("<tr>", src.index("51384-51-1") - 200):src.index("</tr>", src.index("51384-51-1")) + 5]
    src = src.replace(row, row + row.replace(">Metoprolol<", ">Atenolol<").replace("51384-51-1", "29122-68-7"))
    path = tmp_path / "Metoprolol.nxml"
    path.write_text(src, encoding="utf-8")
    assert parse(path).kind == "drug"
    path.write_text(src.replace("<title>Metoprolol</title>", "<title>Metoprolol (Metoprolol Tartrate)</title>", 1),
                    encoding="utf-8")
    mono = parse(path)
    assert mono.title == "Metoprolol (Metoprolol Tartrate)" and mono.kind == "drug"
    assert [c.drug for c in mono.chemicals] == ["Metoprolol", "Atenolol"]


def test_a_chapter_titled_by_its_combination_products_trade_name_is_a_drug_chapter() -> None:
    """'Mavyret', 'Viekira Pak' (LiverTox 2021): one fixed combination, titled by its trade name, with a chemical
    row per component. The title is the trade name the chapter lists for that combination: a drug chapter
    (README: one agent or a fixed combination), not a class of two agents."""
    from livertox_parse import parse_text

    def chapter(trade_line: str) -> str:
        return ("Mavyret\nLast Update: October 20, 2018.\nOVERVIEW\nIntroduction\nMavyret is an oral, fixed "
                "combination of antiviral agents used to treat chronic hepatitis C.\nHepatotoxicity\nText.\n"
                "Likelihood score: E (unlikely cause of clinically apparent liver injury).\nPRODUCT INFORMATION\n"
                f"REPRESENTATIVE TRADE NAMES\n{trade_line}\nDRUG CLASS\nHepatitis C Agents\n"
                "CHEMICAL FORMULAS AND STRUCTURES\nDRUG\tCAS REGISTRY NUMBER\tMOLECULAR FORMULA\tSTRUCTURE\n"
                "Glecaprevir\t1365970-03-1\tC38-H46-F4-N6-O9-S\t\n"
                "Pibrentasvir\t1353900-92-1\tC57-H65-F5-N10-O8\t\n")

    mono = parse_text(chapter("Glecaprevir, Pibrentasvir – Mavyret®"))
    assert mono.trade_names_by_agent == {"Glecaprevir, Pibrentasvir": ["Mavyret"]}
    assert (mono.title, mono.kind) == ("Mavyret", "drug")
    # a title that is no trade name of the chapter's stays what its agents make it: two agents, a class
    assert parse_text(chapter("Glecaprevir, Pibrentasvir – Glecapib®")).kind == "class"


def test_a_case_title_citing_its_reference_with_a_stray_stop_after_the_mark() -> None:
    # Rofecoxib (LiverTox 2021): 'Case 1. Acute hepatocellular injury with jaundice due to rofecoxib.(1).'
    from livertox_parse import parse_text

    m = parse_text(_venlafaxine_with(("jaundice due to venlafaxine.(1)", "jaundice due to venlafaxine.(1).")))
    (c,) = m.cases
    assert c.title == "Acute hepatitis with jaundice due to venlafaxine.(1)." and c.pmid == "23073329"


def test_a_case_source_listed_in_the_chapters_references_gives_its_pmid() -> None:
    """A text or PDF copy shows a case's source ('[Modified from: Larrey D, ...  PubMed Citation]') without the
    link that carries its PubMed id in the NXML; where the chapter's reference list holds the same paper, its
    entry's id is the case's (an entry wrapped over lines as pdftotext copies it, in the book's wording)."""
    from .conftest import FIXTURES

    text = (FIXTURES / "text" / "metoprolol.txt").read_text(encoding="utf-8")
    assert parse_text(text).cases[0].pmid is None  # the chapter does not list the paper: no id to be had
    bibliography = (
        "ANNOTATED BIBLIOGRAPHY\nReferences updated: 15 January 2017\n"
        "Zimmerman HJ. Hepatotoxicity: the adverse effects of drugs and other chemicals on the liver. 2nd ed.\n"
        "Philadelphia: Lippincott, 1999. (Expert review of hepatotoxicity published in 1999).\n"
        "Larrey D, Henrion J, Heller F, Babany G, Degott C, Pessayre D, Benhamou JP. Metoprolol-induced hepatitis:\n"
        "rechallenge and drug oxidation phenotyping. Ann Intern Med 1988; 108: 67-8. (56 year old woman developed\n"
        "fatigue 2 weeks after starting metoprolol, recurring on rechallenge). 3337519\n"
        "Larrey D, Babany G, Bernuau J, Andrieux J, DeGott C, Pessayre D, Benhamou J-P. Fulminant hepatitis after\n"
        "lisinopril administration. Gastroenterology 1990; 99: 1832-3. 2172073\n")
    listed = text.replace("PRODUCT INFORMATION\n", bibliography + "PRODUCT INFORMATION\n", 1)
    (case,) = parse_text(listed).cases
    assert case.pmid == "3337519"  # the NXML's 'PubMed Citation' link gives the same id
    # the citation must open the entry: a paper by other authors, or listed without an id, gives none
    other = listed.replace("Larrey D, Henrion J, Heller F", "Larrey D, Henrion J, Hellerman F", 1)
    assert parse_text(other).cases[0].pmid is None
    unnumbered = listed.replace("recurring on rechallenge). 3337519", "recurring on rechallenge).", 1)
    assert parse_text(unnumbered).cases[0].pmid is None


def test_other_drugs_of_the_class_as_a_bulleted_list() -> None:
    """Alfuzosin and Isotretinoin (LiverTox 2021) list the other drugs under 'Other Drugs in the Class:' as
    bullets, a group's name over its drugs; a copy may print a bullet whose item holds a nested list alone on its
    line (the NXML's text did until b58f8a0), a copy of the PDF prints it with its item."""
    head = ("OVERVIEW\nIntroduction\nAlfuzosin is an alpha-1 adrenergic receptor antagonist. Liver injury is rare.\n"
            "Hepatotoxicity\nRare instances of liver injury have been reported.\n"
            "Likelihood score: E* (unproven but suspected rare cause of clinically apparent liver injury).\n"
            "Drug Class: Benign Prostatic Hypertrophy Agents\nOther Drugs in the Class:\n")
    tail = "PRODUCT INFORMATION\nREPRESENTATIVE TRADE NAMES\nAlfuzosin – Generic, Uroxatral®\n"
    bullet_alone = ("•\nAlpha-1 Adrenergic Receptor Antagonists\n• Doxazosin, Silodosin, Tamsulosin, Terazosin\n"
                 "•\n5-Alpha Reductase Inhibitors\n• Dutasteride, Finasteride\n")
    pdf_text = ("• Alpha-1 Adrenergic Receptor Antagonists\n• Doxazosin, Silodosin, Tamsulosin, Terazosin\n"
                "• 5-Alpha Reductase Inhibitors\n• Dutasteride, Finasteride\n\n")
    for listing in (bullet_alone, pdf_text):
        m = parse_text(head + listing + tail)
        assert m.subclass is not None and m.subclass.name is None
        assert m.subclass.other_drugs == ["Doxazosin", "Silodosin", "Tamsulosin", "Terazosin", "Dutasteride",
                                          "Finasteride"]
    isotretinoin = "• Vitamin A\n• Retinoids\n• Acitretin, Etretinate\n• Bexarotene\n"
    m = parse_text(head.replace("Class:", "Subclass:") + isotretinoin + tail)
    assert m.subclass is not None and m.subclass.other_drugs == ["Vitamin A", "Acitretin", "Etretinate", "Bexarotene"]
    # the usual line is read as before, and a bullet list after it is not its
    m = parse_text(head.replace("Other Drugs in the Class:\n", "Other Drugs in the Subclass, Alpha-1 Adrenergic "
                                "Receptor Antagonists: Doxazosin, Prazosin\n• Not a drug list\n"))
    assert m.subclass is not None and m.subclass.other_drugs == ["Doxazosin", "Prazosin"]


# an overview's list of the drugs it leaves to their own chapters (Statins, AntiviralAgents, HepatitisCDrugs,
# NucleosideAnalogues, MigraineHeadacheAgen, HCVProteaseInhibitor, Bisphosphonates' prose bullets)
OVERVIEW_LIST = (
    "Statins\nLast Update: August 5, 2017.\nOVERVIEW\nThe statins are the most potent cholesterol lowering agents. "
    "The following medications are discussed individually:\n• Atorvastatin\n• [Ezetimibe, used in combination]\n"
    "• Fluvastatin\n• Drugs for Hepatitis C\n• Interferon Based Therapies\n• Alpha Interferon, Peginterferon, Ribavirin\n"
    "• Combination Therapies\n• Harvoni, Mavyret, Zepatier\n• Acyclovir (HSV, VZV)\n• Ganciclovir/Valganciclovir (CMV)\n"
    "• Triptans: Almotriptan, Eletriptan\n• Grazoprevir: Zepatier\n"
    "• Alendronate (a len' droe nate) (1995) is available in tablets of 5 and 10 mg. It is taken with calcium, "
    "vitamin D\nDrug Class: Antilipemic Agents\nANNOTATED BIBLIOGRAPHY\nReferences updated: 05 August 2017\n"
    "• Simvastatin\nZimmerman HJ. Drugs used in the treatment of hyperlipidemia. 1999, pp. 660-2.\n")


def test_an_overview_lists_the_drugs_it_discusses_as_its_agents() -> None:
    from livertox_parse import parse_text

    m = parse_text(OVERVIEW_LIST)
    assert m.kind == "overview"
    # no group's name, bracketed remark, combination brand, word of a prose bullet, or bullet after the references
    # begin; a drug the dictionary knows only by its variants is one (Peginterferon: alfa-2a, alfa-2b)
    assert m.agents == ["Atorvastatin", "Fluvastatin", "Alpha Interferon", "Peginterferon", "Ribavirin", "Acyclovir",
                        "Ganciclovir", "Valganciclovir", "Almotriptan", "Eletriptan", "Grazoprevir"]
    assert [link.generic for link in m.agent_links][:2] == ["Atorvastatin", "Fluvastatin"]


def test_an_overview_agent_may_join_generics_by_hyphens() -> None:
    # Antiinfective's '..., Nitrofurantoin, Quinupristin-Dalfopristin, Secnidazole, ...': a combination's chapter
    # under its generics is an agent (as is a name the dictionary has whole: 'Co-trimoxazole'); a hyphenated group
    # ('Beta-2 Adrenergic Agonists', 'Anti-PCSK9', 'Anti-TNF') is none, nor are brands joined so ('Harvoni-Epclusa')
    from livertox_parse import parse_text

    text = OVERVIEW_LIST.replace("• Fluvastatin\n", "• Fluvastatin, Quinupristin-Dalfopristin, Piperacillin-Tazobactam\n"
                                 "• Beta-2 Adrenergic Agonists, Anti-PCSK9, Anti-TNF, Co-trimoxazole, Harvoni-Epclusa\n")
    m = parse_text(text)
    assert m.agents[:6] == ["Atorvastatin", "Fluvastatin", "Quinupristin-Dalfopristin", "Piperacillin-Tazobactam",
                            "Co-trimoxazole", "Alpha Interferon"]


def test_an_overview_agent_may_be_a_drug_the_dictionary_knows_by_its_variants() -> None:
    # AntineoplasticAgents' 'Asparaginase' (erwinia chrysanthemi, escherichia coli), 'Interferon Gamma' (gamma-1b);
    # no group ('Monoclonal Antibodies'), no word under six letters ('Anti': anti-thymocyte globulin), no typo
    from livertox_parse import parse_text

    text = OVERVIEW_LIST.replace("• Fluvastatin\n", "• Fluvastatin, Asparaginase, Interferon Gamma\n"
                                 "• Monoclonal Antibodies, Anti, Ribocicib, shock\n")
    m = parse_text(text)
    assert m.agents[:4] == ["Atorvastatin", "Fluvastatin", "Asparaginase", "Interferon Gamma"]
    assert "Anti" not in m.agents and "Ribocicib" not in m.agents
    assert [link.generic for link in m.agent_links][2:4] == [None, None]  # which variant is not said


SUBCLASS_LINES = {  # the book's lines (Bosentan, Baloxavir, Anagrelide, DPP4-inhibitors, Sulfonylureas)
    "Other Drugs in the Subclass Endothelin Receptor Antagonists: Ambrisentan, Macitentan":
        ("Endothelin Receptor Antagonists", ["Ambrisentan", "Macitentan"]),
    "Other Drugs in the Class for Influenza: Amantadine, Oseltamivir, Peramivir":
        ("Influenza", ["Amantadine", "Oseltamivir", "Peramivir"]),
    "Other Drugs in the Subclass (Primary Thrombocythemia): Hydroxyurea, Interferon alfa, Aspirin":
        ("Primary Thrombocythemia", ["Hydroxyurea", "Interferon alfa", "Aspirin"]),
    "Drugs in the Subclass Incretin-Based Drugs, DPP-4 Inhibitors: Alogliptin, Linagliptin":
        ("Incretin-Based Drugs, DPP-4 Inhibitors", ["Alogliptin", "Linagliptin"]),
    "Other Drugs in the Subclass, Antihistamines: Cetirizine, Loratadine": ("Antihistamines", ["Cetirizine", "Loratadine"]),
    "Other Drugs in the Class: Doxazosin, Prazosin": (None, ["Doxazosin", "Prazosin"]),
}


@pytest.mark.parametrize("line", SUBCLASS_LINES)
def test_a_subclass_named_after_a_space_for_or_in_parentheses(line: str) -> None:
    from livertox_parse.document import Source
    from livertox_parse.readers.text import document_from_text
    from livertox_parse.stages.chapter import find_subclass

    doc = document_from_text(f"Drug Class: Antiviral Agents\n{line}\n", Source(path="x.txt", format="text"))
    found = find_subclass(doc)
    assert found is not None
    name, drugs = found
    assert (name.value if name else None, [d.value for d in drugs]) == SUBCLASS_LINES[line]

