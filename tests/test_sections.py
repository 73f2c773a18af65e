"""Sections as the book heads them: the heading table's aliases and the upper-case lines that are no heading."""

from __future__ import annotations

import pytest

from livertox_parse import parse_text

OVERVIEW = ("Drug X\n\nOVERVIEW\n\nIntroduction\n\nDrug X is a drug. Liver injury is rare.\n\nHepatotoxicity\n\n"
            "Drug X causes mild enzyme elevations.\n\n{middle}\n\nMechanism of Injury\n\nUnknown.\n\n"
            "Outcome and Management\n\nRecovery follows stopping.\n\nREFERENCES\n\n1. A reference.\n")


def _ids(text: str) -> list[tuple[int, str, str]]:
    return [(s.level, s.id, s.title) for s in parse_text(text).sections]


def test_an_upper_case_caption_before_a_table_is_no_heading() -> None:
    # Allopurinol (LiverTox 2021): the histology images are tables captioned 'CHOLESTATIC HEPATITIS'; read as
    # headings, they closed the OVERVIEW and the mechanism and outcome that follow lost their names
    middle = "CHOLESTATIC HEPATITIS\n\t(image)\tAllopurinol may cause cholestatic hepatitis.\n\t(image)\tAnother view."
    got = _ids(OVERVIEW.format(middle=middle))
    assert (2, "mechanism_of_injury", "Mechanism of Injury") in got
    assert (2, "outcome_and_management", "Outcome and Management") in got
    assert not any(title == "CHOLESTATIC HEPATITIS" for _, _, title in got)


def test_an_upper_case_line_alone_is_still_a_heading() -> None:
    got = _ids(OVERVIEW.format(middle="GRANULOMATOUS HEPATITIS\n\nSome granulomas were seen."))
    # inside the OVERVIEW, whose own subheadings follow it: a subheading that does not close the OVERVIEW
    # (Allopurinol's figure titles in its Histopathology paragraph, printed and copied with pdftotext)
    assert (2, "other", "GRANULOMATOUS HEPATITIS") in got
    assert (2, "mechanism_of_injury", "Mechanism of Injury") in got
    assert (2, "outcome_and_management", "Outcome and Management") in got
    # where no OVERVIEW subheading follows, a top heading of its own
    last = OVERVIEW.format(middle="").replace("REFERENCES", "GRANULOMATOUS HEPATITIS\n\nSome granulomas were "
                                              "seen.\n\nREFERENCES")
    assert (1, "other", "GRANULOMATOUS HEPATITIS") in _ids(last)


@pytest.mark.parametrize(("heading", "rule"), [("Mechanism of Hepatotoxicity", "mechanism_of_injury"),
                                               ("SELECTED REFERENCES", "references"),
                                               ("Selected References", "references")])
def test_heading_variants_of_the_book(heading: str, rule: str) -> None:
    text = OVERVIEW.format(middle="").replace("Mechanism of Injury", heading).replace("REFERENCES", heading)
    assert rule in {sid for _, sid, title in _ids(text) if title == heading}


# --- misspelt headings: Tadalafil's OVERVIEW opens with 'Introcuction' (LiverTox 2021) -------------------------

@pytest.mark.parametrize(("heading", "rule"), [("Introcuction", "introduction"),  # Tadalafil, as printed
                                               ("Hepatotoxcity", "hepatotoxicity"),
                                               ("Mechanism of Injurry", "mechanism_of_injury"),
                                               ("Outcome and Mangement", "outcome_and_management")])
def test_a_misspelt_heading_is_read_as_the_heading_it_misspells(heading: str, rule: str) -> None:
    known = {"introduction": "Introduction", "hepatotoxicity": "Hepatotoxicity",
             "mechanism_of_injury": "Mechanism of Injury", "outcome_and_management": "Outcome and Management"}[rule]
    mono = parse_text(OVERVIEW.format(middle="").replace(f"\n{known}\n", f"\n{heading}\n"))
    assert [(s.id, s.parent) for s in mono.sections if s.title == heading] == [(rule, "overview")]
    assert [w.message for w in mono.warnings if w.code == "LTW104"] == [
        f"heading {heading!r} read as {known!r} (misspelt)"]
    assert not any(w.code == "LTW102" for w in mono.warnings)


@pytest.mark.parametrize("line", ["REPRESENTATIVE STREET NAMES",  # Khat: another word, another heading
                                  "Mechanism of Action",  # another word
                                  "Mechanisms of Injury and Repair",  # more words
                                  "Histology", "Management of Overdose", "Introductory Remarks"])
def test_near_misses_that_are_other_headings(line: str) -> None:
    from livertox_parse.stages.sections import misspelt_heading

    assert misspelt_heading(line) is None


def test_a_misspelling_in_running_text_is_no_heading() -> None:
    # a short line in a paragraph (after a line that ends no sentence) is text, however close to a heading
    mono = parse_text(OVERVIEW.format(middle="").replace("Unknown.", "The cause is\nHepatotoxcity\nof a metabolite."))
    assert not any(s.title == "Hepatotoxcity" for s in mono.sections)


CLASS = ("Omega-3 Fatty Acids\nLast Update: January 4, 2018.\nOVERVIEW\nIntroduction\nOmega-3 fatty acids are "
         "polyunsaturated fatty acids.\nHepatotoxicity\nOmega-3 fatty acids have not been implicated in causing "
         "liver injury.\nLikelihood score: E (unlikely cause of clinically apparent liver injury).\n{middle}\n"
         "PRODUCT INFORMATION\nREPRESENTATIVE TRADE NAMES\nIcosapent Ethyl – Vascepa®\nDRUG CLASS\n"
         "Antilipemic Agents\n")
PARAGRAPH = ("Vascepa is the commercial name for icosapent ethyl, an ethyl ester of eicosapentaenoic acid extracted "
             "and purified from fish oil.")


def test_a_title_case_subheading_of_a_text_copy_is_a_heading() -> None:
    # Omega3FattyAcids, VitaminB, Aspirin ('Reye Syndrome') in LiverTox 2021: the NXML marks these titles; a
    # text copy has only their place: after a sentence's end, before a paragraph (or a known subheading,
    # EmergencyContraceptives' 'Levonorgestrel' / 'Introduction'). The score under one names its agent.
    middle = (f"Icosapent Ethyl\n{PARAGRAPH}\nLikelihood score: E (unlikely cause of clinically apparent liver "
              "injury).\nVitamin B1, Thiamine\nIntroduction\nThiamine is a water soluble vitamin.")
    mono = parse_text(CLASS.format(middle=middle))
    assert [(s.level, s.id, s.title) for s in mono.sections][3:6] == [
        (2, "other", "Icosapent Ethyl"), (2, "other", "Vitamin B1, Thiamine"), (2, "introduction", "Introduction")]
    assert [s.agent for s in mono.likelihood_scores] == ["Omega-3 Fatty Acids", "Icosapent Ethyl"]


@pytest.mark.parametrize("middle", [
    # a list's caption (Antihistamines 'First Generation Antihistamines' is a paragraph before a list)
    f"{PARAGRAPH}\nFirst Generation Antihistamines\n• Brompheniramine (Bromphen, Dimetapp)",
    # a flattened table: title-case cells among short lines
    f"{PARAGRAPH}\nNormal Values\n<40\n<110",
    # a line that does not follow a sentence's end
    f"Icosapent ethyl is given\nTwice Daily With Food\n{PARAGRAPH}",
    # a Key Points value before a case's subheading (a pdftotext copy joined across a page break: Methyldopa's
    # 'Other medications:' / 'Triamterene' / 'Laboratory Values'); only an OVERVIEW subheading vouches for it
    f"{PARAGRAPH}\nTriamterene\nLaboratory Values\nTime After Starting",
    # a parenthetical line (Phenotypes 'DILIN Case' notes)
    f"{PARAGRAPH}\n(DILIN Case: 102-0030)\n{PARAGRAPH}",
])
def test_title_case_lines_that_are_no_heading(middle: str) -> None:
    mono = parse_text(CLASS.format(middle=middle))
    assert [s.id for s in mono.sections] == ["overview", "introduction", "hepatotoxicity", "product_information",
                                             "representative_trade_names", "drug_class"]


def test_a_title_case_line_right_under_a_subheading_is_no_heading() -> None:
    # a two-page PDF's running header ('LiverTox' left, 'Telmisartan' right) has no twin to be recognised by
    # and stays in the text under 'Outcome and Management': read as a heading it would leave that one empty
    middle = f"Outcome and Management\nLiverTox Telmisartan\n{PARAGRAPH}"
    mono = parse_text(CLASS.format(middle=middle))
    assert "other" not in [s.id for s in mono.sections]
    assert not any(w.code == "LTW103" for w in mono.warnings)


CASES = ("Drug X\nLast Update: May 1, 2020.\nOVERVIEW\nIntroduction\nDrug X is an antiviral agent.\nHepatotoxicity\n"
         "Liver injury is rare.\nLikelihood score: C (probable rare cause of clinically apparent liver injury).\n"
         "CASE REPORTS\nCase 1. Acute hepatitis due to drug X.\nA 52 year old man developed jaundice.\n"
         "Laboratory Values\n\nTime After\nStarting\n\nALT\n(U/L)\n\n{cell}\n\n{after}\n\n4 weeks\n\n1250\n\n"
         "Normal Values\n\n<40\n\nComment\nA typical case.\nCase 2. Cholestatic hepatitis due to drug X.\n"
         "A 60 year old woman developed itching.\nComment\nAnother case.\n")


@pytest.mark.parametrize(("cell", "after"), [("HCV RNA", "(IU/mL)"), ("TMP/SMZ", "Stopped"), ("Comments", "Rash")])
def test_a_column_head_of_a_flattened_lab_table_is_no_heading(cell: str, after: str) -> None:
    # pdftotext copies of Disulfiram, Sofosbuvir, SMZ-TMP, Vancomycin (LiverTox 2021, printed): a lab table's
    # cells one per line; an upper-case column head read as a top heading closed CASE REPORTS, and the next
    # case was lost; a 'Comments' column head opened the case's comment before the table's values
    mono = parse_text(CASES.format(cell=cell, after=after))
    assert [c.number for c in mono.cases] == [1, 2]
    assert [s.id for s in mono.sections if s.id in ("other", "comment")] == ["comment", "comment"]


@pytest.mark.parametrize("before", ["Natalizumab\tHumanized\tIntegrin\t2004\tC\tMultiple sclerosis",
                                    "Drug Class: Monoclonal Antibodies", "Most are used in cancer."])
def test_an_upper_case_heading_after_a_table_row_a_label_or_a_sentence(before: str) -> None:
    # MonoclonalAntibodies: 'AUTOIMMUNE DISEASES' after the last row of the table before it; Aliskiren: 'CASE
    # REPORTS SUBMITTED TO LIVERTOX' after the 'Drug Class:' line
    text = OVERVIEW.format(middle=f"{before}\nAUTOIMMUNE DISEASES\nThese antibodies are used in autoimmune "
                                  "diseases such as rheumatoid arthritis, psoriasis and inflammatory bowel disease.")
    assert (2, "other", "AUTOIMMUNE DISEASES") in _ids(text)  # under the OVERVIEW: its Mechanism of Injury follows


def test_an_upper_case_line_continuing_a_cell_is_no_heading() -> None:
    # MultipleSclerosisAgents' table printed and copied with pdftotext: 'RRMS,' / 'SPMS, CIS' is one cell
    text = OVERVIEW.format(middle="Indications\n\nRRMS,\nSPMS, CIS\n\noral twice daily")
    assert not any(title.startswith("SPMS") for _, _, title in _ids(text))


def test_the_comment_heading_before_a_flattened_tables_last_column() -> None:
    # pdftotext copies of Aspirin, Nafcillin, Vismodegib (printed): the lab table's last column comes out after
    # the case's 'Comment' heading, which is still the heading (every dev case heads its comment 'Comment')
    text = CASES.format(cell="HCV RNA", after="(IU/mL)").replace(
        "Comment\nA typical case.", "Comment\n\n3\n\nLiver biopsy:\naspirin stopped\n\nA typical case of acute "
        "hepatitis arising within weeks of starting drug X, resolving rapidly once it was stopped.")
    mono = parse_text(text)
    assert [c.number for c in mono.cases] == [1, 2]
    assert [s.title for s in mono.sections if s.id == "comment"] == ["Comment", "Comment"]



def test_a_comments_column_head_before_a_note_and_the_cases_comment_is_no_heading() -> None:
    # pdftotext copy of Tranylcypromine (printed): the lab table's 'Comments' column head, then a note spanning
    # its last row ('Dates and values estimated from Figure 1. ...', a sentence, not a cell), then the case's own
    # 'Comment': a case has one comment, the head opened a second one
    text = CASES.format(cell="HCV RNA", after="(IU/mL)").replace(
        "Normal Values\n\n<40\n\nComment\nA typical case.",
        "Normal Values\n\n<40\n\nComments\n\nDates and values estimated from Figure 1. Numbers in parentheses "
        "are days after starting and stopping rechallenge doses.\nComment\nA typical case.")
    mono = parse_text(text)
    assert [c.number for c in mono.cases] == [1, 2]
    assert [s.title for s in mono.sections if s.id == "comment"] == ["Comment", "Comment"]


def test_a_title_case_heading_after_a_cases_comment_is_a_top_section() -> None:
    # Phenotypes_ahn copied by pdftotext (printed): 'Hepatic Histology of Acute Hepatic Necrosis' follows the last
    # case's comment and is a section of the chapter in the NXML (as every heading after a comment in the dev
    # NXML, but the next case's); read as a subheading of CASE REPORTS, the case reports ran on over it
    text = CASES.format(cell="HCV RNA", after="(IU/mL)") + (
        "\nHepatic Histology of Acute Hepatic Necrosis\nPure cases of acute hepatic necrosis (those without preexisting "
        "liver disease) have a simple histological appearance.\n")
    sections = parse_text(text).sections
    histology = [s for s in sections if s.title.startswith("Hepatic Histology")]
    assert [(s.level, s.parent) for s in histology] == [(1, None)]
    assert next(s for s in sections if s.id == "case_reports").end <= histology[0].start

# the end of Phenotypes_bland as pdftotext copies it from the printed chapter (a page number after the section)
PHENOTYPE = """Bland Cholestasis
Last Update: January 4, 2021.

OVERVIEW
Bland cholestasis is a form of drug induced liver injury marked by jaundice and pruritus with minimal hepatic
inflammation and necrosis.
CASE REPORT
Case 1. Bland cholestasis due to an anabolic steroid.
A 27 year old man developed jaundice 3 months after starting an anabolic steroid.
Comment
The biochemical profile at the onset was characteristic - with only modest elevations in both AST (~2 fold) and
alkaline phosphatase (~1.5 fold) despite a bilirubin level of 7.0 mg/dL.

{heading}
{placeholder}

5
{after}"""


@pytest.mark.parametrize("placeholder", ["[Under Construction]", "Under Construction", "[Under Construction"])
@pytest.mark.parametrize("after", ["", "SELECTED REFERENCES\nZimmerman HJ. Hepatotoxicity. 1999."])
def test_a_title_case_heading_over_its_placeholder(placeholder: str, after: str) -> None:
    # Phenotypes_bland, _chron, _enzy, _Fatty (after the case), _immun, _tumor (after the references): a section
    # the book has not written holds its placeholder alone; the NXML marks its title, a level-1 section
    heading = "Hepatic Histology of Bland Cholestasis"
    for text in (PHENOTYPE.format(heading=heading, placeholder=placeholder, after=after),
                 PHENOTYPE.format(heading="SELECTED REFERENCES\nZimmerman HJ. Hepatotoxicity. 1999.\n\n"
                                  f"{heading}", placeholder=placeholder, after="")):
        found = [(s.level, s.id, s.title) for s in parse_text(text).sections if s.title == heading]
        assert found == [(1, "other", heading)]


def test_a_heading_over_its_placeholder_right_after_a_reference() -> None:
    # Phenotypes_immun and _tumor as their NXML's text gives them: the heading follows the last reference, which
    # ends with its PubMed id, not a sentence's end; the placeholder under it still makes it a section
    heading = "Hepatic Histology"
    text = PHENOTYPE.format(heading="SELECTED REFERENCES\nMaheshwari S, Sarraj A, Kramer J, El-Serag HB. Oral "
                            "contraception and the risk of hepatocellular carcinoma. J Hepatol 2007;47:506-13. "
                            f"17462781\n{heading}", placeholder="[Under Construction]", after="")
    found = [(s.level, s.id, s.title) for s in parse_text(text).sections if s.title == heading]
    assert found == [(1, "other", heading)]
