"""The PDF and text readers on chapters printed in the Bookshelf layout (tools/print_pdf.py), one case per
convention of the book that the dev-corpus survey (tools/pdf_survey.py) found read wrongly.

Each chapter here is a few sentences of NXML in the book's own wording, printed to PDF; where pdftotext is
installed its copy is read too.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from livertox_parse import parse, parse_text
from livertox_parse.readers.pdf import read_pdf
from tools.print_pdf import print_pdf

from .test_cross_format import contract

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<book-part-wrapper content-type="chapter" id="{id}" from-where="body" dtd-version="2.0">
<book-part book-part-type="chapter"><book-part-meta><title-group><title>{title}</title></title-group>
<pub-history><date date-type="updated"><day>3</day><month>10</month><year>2021</year></date></pub-history>
</book-part-meta><body>{body}</body></book-part></book-part-wrapper>"""


def chapter(tmp_path: Path, title: str, body: str) -> Path:
    """``body`` (BITS markup) printed as a chapter PDF in tmp_path."""
    pdf = tmp_path / f"{title.split()[0].lower()}.pdf"
    print_pdf(HEAD.format(id=title.split()[0], title=title, body=body).encode(), pdf)
    return pdf


def pdftotext(pdf: Path) -> Path:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (Debian package poppler-utils)")
    txt = pdf.with_suffix(".txt")
    subprocess.run(["pdftotext", str(pdf), str(txt)], check=True)
    return txt


def sec(title: str, *paras: str, inner: str = "") -> str:
    return f"<sec><title>{title}</title>" + "".join(f"<p>{p}</p>" for p in paras) + inner + "</sec>"


def key_points(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
    return f"<sec><title>Key Points</title><table-wrap><table><tbody>{cells}</tbody></table></table-wrap></sec>"


QUININE_CASE = sec(
    "CASE REPORT",
    inner=sec("Case 1. Cholestatic hepatitis due to quinine.",
              "A 64 year old man developed jaundice 2 weeks after starting quinine for leg cramps.",
              inner=key_points([("Medication:", "Quinine (325 mg daily)"),
                                ("Pattern:", "Cholestatic (R=2.0&#x02192;1.2)"),
                                ("Severity:", "3+ (jaundice, hospitalization)"),
                                ("Latency:", "2 weeks"), ("Recovery:", "8 weeks"),
                                ("Other medications:", "None")])),
)


def test_symbol_font_characters_read_as_printed(tmp_path: Path) -> None:
    """ReportLab sets arrows, Greek letters and >= in the Symbol font; pdfminer reads that font by the
    Standard encoding ('fi' for the arrow) unless told otherwise."""
    pdf = chapter(tmp_path, "Quinine", sec(
        "OVERVIEW",
        "Serum ALT elevations &#x02265;5 times ULN occurred in 2% and &#x02264;1% of patients given "
        "&#x003b1;-methyldopa, and GGT rose to 12 &#x003bc;Kat/L.") + QUININE_CASE)
    text = read_pdf(pdf).text
    assert "≥5 times ULN" in text and "≤1%" in text and "α-methyldopa" in text and "12 µKat/L" in text
    m = parse(pdf)
    assert m.cases[0].key_points is not None and m.cases[0].key_points.pattern is not None
    assert m.cases[0].key_points.pattern.text == "Cholestatic (R=2.0→1.2)"
    assert contract(parse(pdftotext(pdf)), with_tables=False) == contract(m, with_tables=False)


def chemical_table(*rows: tuple[str, str, str]) -> str:
    head = "".join(f"<th>{h}</th>" for h in ("DRUG", "CAS REGISTRY NUMBER", "MOLECULAR FORMULA", "STRUCTURE"))
    body = "".join(f"<tr><td>{d}</td><td>{c}</td><td>{f}</td><td/></tr>" for d, c, f in rows)
    return (f"<sec><title>CHEMICAL FORMULA AND STRUCTURE</title><table-wrap><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></table-wrap></sec>")


def test_formula_wrapped_in_its_cell_at_a_hyphen(tmp_path: Path) -> None:
    """A long formula breaks inside its table cell after one of its own hyphens; it joins again whole."""
    pdf = chapter(tmp_path, "Bleomycin", sec(
        "OVERVIEW", "Bleomycin is an antineoplastic antibiotic used in the therapy of lymphomas.")
        + chemical_table(("Bleomycin", "11056-06-7", "C55-H84-N20-O21-S2.C55-H84-N17-O21-S3")))
    [chem] = parse(pdf).chemicals
    assert (chem.cas, chem.formula) == ("11056-06-7", "C55H84N20O21S2.C55H84N17O21S3")


def sections(m: object) -> list[tuple[str, str]]:
    return [(s.id, s.title) for s in m.sections]  # type: ignore[attr-defined]


def nxml_of(tmp_path: Path, title: str, body: str) -> Path:
    path = tmp_path / f"{title.split()[0]}.nxml"
    path.write_text(HEAD.format(id=title.split()[0], title=title, body=body), encoding="utf-8")
    return path


ALLOPURINOL = sec(
    "OVERVIEW",
    inner=sec("Hepatotoxicity",
              "Chronic therapy with allopurinol is associated with transient and minor liver test abnormalities.",
              "Likelihood score: A (well established cause of clinically apparent liver injury).",
              inner=sec("Histopathology",
                        "Liver biopsy in allopurinol hepatotoxicity typically shows an acute cholestatic or mixed "
                        "hepatitis."))
    + sec("Mechanism of Injury", "The mechanism of allopurinol hepatotoxicity is believed to be immunoallergic."))


def test_heading_outside_the_section_table_is_a_section_as_in_the_nxml(tmp_path: Path) -> None:
    """'Histopathology' is in no section table, and not in capitals: its type (bold, a heading size) is what
    makes it a heading in the PDF, as its sec/title does in the NXML."""
    nxml = nxml_of(tmp_path, "Allopurinol", ALLOPURINOL)
    pdf = chapter(tmp_path, "Allopurinol", ALLOPURINOL)
    want = sections(parse(nxml))
    assert ("other", "Histopathology") in want
    assert sections(parse(pdf)) == want


def test_narrative_outweighed_by_its_bibliography_is_still_body_text(tmp_path: Path) -> None:
    """Nine characters in ten of a class overview can be its 8pt annotated bibliography; the 10.5pt narrative
    is still body text, not a run of headings."""
    refs = "".join(
        f"<ref><mixed-citation>Author{i} A, Writer B. Hepatotoxicity of ACE inhibitors: case {i}. "
        f"J Hepatol 2001; 12: {i}-9. <annotation><p><italic>(" + "A 54 year old man developed jaundice 4 weeks "
        "after starting enalapril [bilirubin 5.4 mg/dL, ALT 140 U/L, Alk P 434 U/L], resolving on stopping. " * 3
        + f")</italic></p></annotation><pub-id pub-id-type=\"pmid\">{1000 + i}</pub-id></mixed-citation></ref>"
        for i in range(60))
    body = (sec("OVERVIEW",
                "The angiotensin-converting enzyme (ACE) inhibitors are a widely used class of antihypertensive "
                "agents that act by blocking the conversion of angiotensin I to angiotensin II. " * 4,
                "Drug Class: Antihypertensive Agents")
            + f"<sec><title>ANNOTATED BIBLIOGRAPHY</title><ref-list>{refs}</ref-list></sec>")
    want = sections(parse(nxml_of(tmp_path, "ACE Inhibitors", body)))
    assert sections(parse(chapter(tmp_path, "ACE Inhibitors", body))) == want


def chemicals(m: object) -> list[tuple[object, ...]]:
    return [(c.drug, c.cas, c.formula, c.elements) for c in m.chemicals]  # type: ignore[attr-defined]


def test_chemical_table_copied_by_pdftotext_reads_as_the_table(tmp_path: Path) -> None:
    """pdftotext copies a ruled table one cell per line, cells apart by blank lines: a drug name set on two
    lines, a formula broken at one of its hyphens (pdftotext drops that hyphen), a description where the
    formula belongs, a drug in several forms, a registry number that is no CAS number, a placeholder, and a
    row that refers to another record all read as the PDF's own table does."""
    body = sec("OVERVIEW", "The agents are discussed together in this overview.") + chemical_table(
        ("Baloxavir<break/> Marboxil", "1985606-14-1", "C27-H23-F2-N3-O7-S"),
        ("Cangrelor", "163706-06-7", "C17-H25-Cl2-F3-N5-O12-P3-S2"),
        ("Amoxicillin-Clavulanate", "79198-29-1", "C16-H19-N3-O5-S.C8-H9-N-O5"),
        ("Abatacept", "332348-12-6", "Recombinant Protein"),
        ("Nitrofurantoin", "67-20-9<break/>17140-81-7 (Monohydrate)<break/>54-87-5 (Sodium)",
         "C8-H6-N4-O5<break/>C8-H6-N4-O5.H2-O<break/>C8-H6-N4-O5.Na"),
        ("Cyproterone<break/>[INN:BAN]", "2098-66-0", "C22-H27-Cl-O3"),
        ("17-Hydroxyprogesterone", "68-96-2", "C21-H30-O3"),
        ("Zinc", "7440-66-6", "Zn"),
        ("Timolol", "91524-16-2", "C13-H24-N4-O3-S.1/2H2-O"),
        ("Tesamorelin", "901758-09-6", "C221-H366-N72-O67-S.(C2-H4-O2)x"),
        ("Hops", "0977070679", "Unspecified"),
        ("Jin Bu Huan", "No Information", "Herbal mixture"),
        ("Red Yeast Rice<break/>Monacolin K<break/>(Lovastatin)", "R400000000", "Unspecified"),
        ("Voxilaprevir", "xxxxx", "xxxxx"),
    ).replace("</tbody>", "<tr><td>Emtricitabine</td><td colspan=\"3\">[Refer to Emtricitabine Record.]</td></tr>"
                          "</tbody>")
    want = chemicals(parse(nxml_of(tmp_path, "Antiviral Agents", body)))
    pdf = chapter(tmp_path, "Antiviral Agents", body)
    assert [w[0] for w in want] == [
        "Baloxavir Marboxil", "Cangrelor", "Amoxicillin-Clavulanate", "Abatacept", "Nitrofurantoin",
        "Nitrofurantoin (Monohydrate)", "Nitrofurantoin (Sodium)", "Cyproterone [INN:BAN]", "17-Hydroxyprogesterone",
        "Zinc", "Timolol", "Tesamorelin", "Hops", "Jin Bu Huan", "Red Yeast Rice Monacolin K (Lovastatin)", "Voxilaprevir",
        "Emtricitabine"]
    assert chemicals(parse(pdf)) == want
    assert chemicals(parse(pdftotext(pdf))) == want




def test_formula_cut_before_a_hyphen_copied_by_pdftotext(tmp_path: Path) -> None:
    """ViekiraPak's Ritonavir formula (written without the '.' between its two formulas, an LTW142 of the NXML)
    is too long for its cell and is cut before one of its hyphens: pdftotext's copy carries on the formula
    from the line opening with that hyphen ('C37-H48-N6' / '-O5-S2-S2'), as the NXML and the PDF read it."""
    body = sec("OVERVIEW", "Viekira Pak is a combination of four antiviral agents for chronic hepatitis C.") \
        + chemical_table(("Ombitasvir", "1258226-87-7", "C50-H67-N7-O8"),
                         ("Ritonavir", "155213-67-5", "C37-H48-N6-O5C37-H48-N6-O5-S2-S2"))
    nxml = parse(nxml_of(tmp_path, "Viekira Pak", body))
    copy = parse(pdftotext(chapter(tmp_path, "Viekira Pak", body)))
    assert [c.formula for c in copy.chemicals] == [c.formula for c in nxml.chemicals]
    assert [w.message for w in copy.warnings if w.code == "LTW142"] == \
        [w.message for w in nxml.warnings if w.code == "LTW142"] != []

def test_placeholder_formula_copied_by_pdftotext_is_reported_as_the_nxml_reports_it(tmp_path: Path) -> None:
    """Sofosbuvir's table holds 'xxxxx' for Voxilaprevir's registry number and formula (a curator's placeholder,
    LTW142 in the NXML); pdftotext's copy, one cell per line, reports the same formula cell."""
    body = sec("OVERVIEW", "Sofosbuvir is a nucleotide analogue inhibitor of the hepatitis C virus polymerase.") \
        + chemical_table(("Sofosbuvir", "1190307-88-0", "C22-H29-F-N3-O9-P"),
                         ("Velpatasvir", "1377049-84-7", "C49-H54-N8-O8"), ("Voxilaprevir", "xxxxx", "xxxxx"))

    def findings(m: object) -> list[tuple[str, str]]:
        return [(w.code, w.message) for w in m.warnings if w.code.startswith("LTW14")]  # type: ignore[attr-defined]

    want = findings(parse(nxml_of(tmp_path, "Sofosbuvir", body)))
    message = "molecular formula 'xxxxx' of Voxilaprevir cannot be read: 'xxxxx' is a placeholder, not a formula"
    assert want == [("LTW142", message)]
    assert findings(parse(pdftotext(chapter(tmp_path, "Sofosbuvir", body)))) == want

def test_paragraph_ending_at_the_foot_of_a_page_with_a_long_last_line(tmp_path: Path) -> None:
    """Justified text: a paragraph's last line is the one that ends short of the right edge, even when it is
    nearly full and the next paragraph ('Drug Class: ...') opens the next page."""
    from reportlab.lib.pagesizes import letter
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from tools.print_pdf import BODY, HEADINGS

    sentence = ("The case reports of hepatic injury due to benzodiazepines were followed by prompt and complete "
                "recovery upon stopping the medication, without evidence of residual or chronic injury.")
    words = sentence.split(" ")
    width = letter[0] - 2 * 60
    for n in range(len(words), 0, -1):  # a last paragraph whose last line fills 80% to 95% of the column
        text = " ".join(words * 3 + words[:n])[:-1] + " should be assumed."
        para = Paragraph(text, BODY)
        para.wrap(width, 1000)
        last = para.blPara.lines[-1]
        used = width - last.extraSpace if hasattr(last, "extraSpace") else width - last[0]
        if 0.8 * width < used < 0.95 * width:
            break
    story = [Paragraph("OVERVIEW", HEADINGS[0]), Paragraph("Outcome and Management", HEADINGS[1]),
             Paragraph(text, BODY), PageBreak(),
             Paragraph("Drug Class: Sedatives and Hypnotics, Benzodiazepines", BODY),
             Paragraph("CASE REPORT", HEADINGS[0])]
    pdf = tmp_path / "triazolam.pdf"
    SimpleDocTemplate(str(pdf), pagesize=letter, leftMargin=54, rightMargin=54).build(story)
    assert "assumed.\nDrug Class: Sedatives and Hypnotics, Benzodiazepines\n" in read_pdf(pdf).text


KHAT = sec("OVERVIEW", "Khat is an evergreen shrub whose leaves are chewed for their stimulant effects.") + (
    "<sec><title>PRODUCT INFORMATION</title><boxed-text>"
    "<p><bold>REPRESENTATIVE STREET NAMES</bold></p>"
    "<p>Khat &#x02013; Abyssinian Tea, Chat, Gat, Kat, Miraa, Oat, Qat, Somali Tea</p>"
    "<p><bold>DRUG CLASS</bold></p><p>Agents of Abuse; Herbals and Dietary Supplements</p>"
    "<p><bold>SUMMARY INFORMATION</bold></p><p>Fact Sheet at National Center for Complementary and "
    "Integrative Health, NIH</p></boxed-text></sec>")


def test_bold_labels_in_the_body_font_are_no_sections(tmp_path: Path) -> None:
    """The product information's labels are bold paragraphs of the body font, not section titles: only the
    table's own headings (DRUG CLASS) are sections, as in the NXML; the headings set in their own font are."""
    want = sections(parse(nxml_of(tmp_path, "Khat", KHAT)))
    assert ("other", "SUMMARY INFORMATION") not in want
    assert sections(parse(chapter(tmp_path, "Khat", KHAT))) == want


MELPHALAN_TEXT = """Melphalan
Last Update: January 15, 2020.

OVERVIEW
Melphalan is an orally and parenterally administered nitrogen mustard-like alkylating agent.
Drug Class: Antineoplastic Agents, Alkylating Agents

CHEMICAL FORMULA AND STRUCTURE
DRUG

CAS REGISTRY NUMBER

MOLECULAR FORMULA

1

STRUCTURE

\fLiverTox

Melphalan

Melphalan

148-82-3

C13-H18-Cl2-N2-O2

ANNOTATED BIBLIOGRAPHY
References updated: 15 January 2020

2

\f"""


def test_running_title_is_dropped_once_a_page(tmp_path: Path) -> None:
    """A page opening with the chemical table's first row repeats the chapter title right below the running
    header ('LiverTox' / 'Melphalan'): the second 'Melphalan' is the drug, not a header."""
    txt = tmp_path / "melphalan.txt"
    txt.write_text(MELPHALAN_TEXT, encoding="utf-8")
    assert chemicals(parse(txt)) == [("Melphalan", "148-82-3", "C13H18Cl2N2O2",
                                      {"C": 13, "H": 18, "Cl": 2, "N": 2, "O": 2})]


def test_title_holding_a_number_is_the_title_of_a_pdftotext_copy(tmp_path: Path) -> None:
    """The running header repeats the title on every page; a title with a number in it ('Beta-2') is still
    the title on page 1, not a dated running header."""
    para = ("Beta-2 adrenergic agonists are used as bronchodilators in the therapy of asthma and chronic "
            "obstructive pulmonary disease, and have not been linked to clinically apparent liver injury. ") * 6
    body = sec("OVERVIEW", *([para] * 16), "Drug Class: Antiasthmatic Agents")
    txt = pdftotext(chapter(tmp_path, "Beta-2 Adrenergic Agonists", body))
    assert txt.read_text(encoding="utf-8").count("Beta-2 Adrenergic Agonists") >= 3  # title, two headers
    m = parse(txt)
    assert m.title == "Beta-2 Adrenergic Agonists"
    assert m.title == parse(nxml_of(tmp_path, "Beta-2 Adrenergic Agonists", body)).title


def lab_table(head: list[str], *rows: list[str]) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (f"<sec><title>Laboratory Values</title><table-wrap><table><thead><tr>{th}</tr></thead>"
            f"<tbody>{body}</tbody></table></table-wrap></sec>")


def test_lab_table_column_headers_copied_by_pdftotext_are_no_headings(tmp_path: Path) -> None:
    """pdftotext copies the lab table one cell per line: its column headers 'Comments' and 'HBV DNA
    (copies/mL)' stand alone like headings, but a cell, a blank line and a cell follow them."""
    case = sec(
        "Case 1. Acute hepatitis B flare after adefovir was stopped.",
        "A 45 year old man with chronic hepatitis B developed fatigue and jaundice 2 months after stopping "
        "adefovir dipivoxil, which he had taken for 3 years.",
        inner=key_points([("Medication:", "Adefovir dipivoxil (10 mg daily)"),
                          ("Pattern:", "Hepatocellular (R=25)"), ("Severity:", "3+ (jaundice, hospitalization)"),
                          ("Latency:", "2 months after stopping"), ("Recovery:", "3 months"),
                          ("Other medications:", "None")])
        + lab_table(["Time After<break/>Starting", "Time After<break/>Stopping", "ALT<break/>(U/L)",
                     "Bilirubin<break/>(mg/dL)", "HBV DNA<break/>(copies/mL)", "Comments"],
                    ["3 years", "0", "55", "0.7", "&lt;300", "Eosinophils=487"],
                    ["", "2 months", "1450", "8.4", "456,000,000", "Liver biopsy"])
        + sec("Comment", "The flare of hepatitis B arose as HBV DNA levels rose after adefovir was stopped; "
                         "therapy was restarted and the liver tests fell to normal within 3 months."))
    body = sec("OVERVIEW", "Adefovir dipivoxil is an acyclic nucleotide analog used for hepatitis B.") + \
        sec("CASE REPORT", inner=case)
    want = sections(parse(nxml_of(tmp_path, "Adefovir", body)))
    assert ("comment", "Comment") in want
    assert sections(parse(pdftotext(chapter(tmp_path, "Adefovir", body)))) == want


def test_key_points_header_row_repeated_on_the_next_page(tmp_path: Path) -> None:
    """A Key Points table whose first row is a header row (<thead>, as in Amiodarone's third case) and that
    breaks across pages prints that row again at the top of the next page; the pdftotext copy reads the Key
    Points once, as the NXML does, and so does the PDF, whose one running header (a two-page chapter) would
    otherwise stand between the table's two parts."""
    rows = [("Medication:", "Amiodarone"), ("Pattern:", "Hepatocellular (minimal elevations)"),
            ("Severity:", "4+ (cirrhosis and hepatic decompensation)"), ("Latency:", "6 months"),
            ("Recovery:", "Months"), ("Other medications:", "Multivitamins")]
    head = "<thead><tr><th>{}</th><th>{}</th></tr></thead>".format(*rows[0])
    cells = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows[1:])
    kp = f"<sec><title>Key Points</title><table-wrap><table>{head}<tbody>{cells}</tbody></table></table-wrap></sec>"
    filler = ("A 73 year old man who was treated with amiodarone for atrial fibrillation developed fatigue and "
              "was found to have liver disease and cirrhosis. ")
    for n in range(20, 60):  # move the table down until it breaks across the page
        body = sec("OVERVIEW", "Amiodarone is an antiarrhythmic agent.") + sec(
            "CASE REPORT", inner=sec("Case 1. Cirrhosis due to amiodarone.", filler * n, inner=kp))
        txt = pdftotext(chapter(tmp_path, "Amiodarone", body))
        if txt.read_text(encoding="utf-8").count("Medication:") == 2:
            break
    else:
        pytest.fail("the Key Points table never broke across a page")
    want = contract(parse(nxml_of(tmp_path, "Amiodarone", body)), with_tables=False, with_links=False)
    assert contract(parse(chapter(tmp_path, "Amiodarone", body)), with_tables=False, with_links=False) == want
    assert contract(parse(txt), with_tables=False, with_links=False) == want


def _kp(med: str, pattern: str) -> str:
    return (f"Medication:\n\n{med}\n\nPattern:\n\n{pattern}\n\nSeverity:\n\n3+ (jaundice, hospitalization)\n\n"
            "Latency:\n\n5 weeks\n\nRecovery:\n\nWithin 3 weeks\n\nOther medications:\n\nNone mentioned\n\n")


GEMCITABINE_TEXT = (
    "Gemcitabine\nLast Update: March 10, 2020.\n\nOVERVIEW\nGemcitabine is a pyrimidine analogue.\n\n1\n\n\f"
    "LiverTox\n\nGemcitabine\n\nCASE REPORTS\nCase 1. Cholestatic hepatitis due to gemcitabine.\n"
    "A 71 year old woman developed jaundice 5 weeks after starting gemcitabine.\nKey Points\n"
    + _kp("Gemcitabine (1300 mg intravenously once weekly)", "Cholestatic (R=0.6)").split("Latency:")[0]
    + "2\n\n\fLiverTox\n\nGemcitabine\n\nMedication:\n\nGemcitabine (1300 mg intravenously once weekly)\n\n"
    + "Latency:" + _kp("x", "y").split("Latency:")[1]
    + "Case 2. Acute hepatitis due to gemcitabine.\nA 62 year old man developed jaundice 5 months after "
    "starting gemcitabine.\nKey Points\n3\n\n\fLiverTox\n\nGemcitabine\n\n"
    + _kp("Gemcitabine (six 28 day cycles; dose not given)", "Hepatocellular (R=27)") + "4\n\n\f")


def test_table_row_on_top_of_two_pages_is_no_running_header(tmp_path: Path) -> None:
    """'Medication:' tops two of four pages (a Key Points header row repeated, then a Key Points table that
    opens a page): a running header tops most pages, so both are read as the table's rows."""
    txt = tmp_path / "gemcitabine.txt"
    txt.write_text(GEMCITABINE_TEXT, encoding="utf-8")
    m = parse(txt)
    meds = [c.key_points.medication.name if c.key_points and c.key_points.medication else None for c in m.cases]
    assert meds == ["Gemcitabine", "Gemcitabine"]
    assert [c.key_points.pattern.text for c in m.cases if c.key_points and c.key_points.pattern] == [
        "Cholestatic (R=0.6)", "Hepatocellular (R=27)"]


def test_structure_cell_before_a_page_break_copied_by_pdftotext() -> None:
    """LMW-Heparins copied by pdftotext: the STRUCTURE column's 'No Structure' ends page 1's part of the table;
    with the running header and the repeated header row dropped, the next page's first drug follows it with no
    blank line, and is no continuation of a drug name ('No Structure Enoxaparin')."""
    text = ("Low Molecular Weight Heparins\nLast Update: March 10, 2021.\n\nOVERVIEW\nThe low molecular weight "
            "heparins are anticoagulants used for the prevention and therapy of venous thrombosis.\n\n"
            "CHEMICAL FORMULAS AND STRUCTURES\nDRUG\n\nCAS REGISTRY NUMBER\n\nMOLECULAR FORMULA\n\nSTRUCTURE\n\n"
            "Dalteparin\n\n9005-49-6\n\nUnspecified\n\nNo Structure\n\n1\n\n\fLiverTox\n\n"
            "Low Molecular Weight Heparins\n\nDRUG\n\nCAS REGISTRY NUMBER\n\nMOLECULAR FORMULA\n\nSTRUCTURE\n\n"
            "Enoxaparin\n\n679809-58-6\n\nUnspecified\n\nNo Structure\n\nTinzaparin\n\n9005-49-6\n\nUnspecified\n\n"
            "No Structure\n\nOTHER REFERENCE LINKS\n• Recent References on Dalteparin: from PubMed.gov\n\n2\n\f")
    assert [(c.drug, c.cas) for c in parse_text(text).chemicals] == [
        ("Dalteparin", "9005-49-6"), ("Enoxaparin", "679809-58-6"), ("Tinzaparin", "9005-49-6")]


def scores(m: object) -> list[tuple[object, ...]]:
    return [(s.agent, s.score, s.qualifier) for s in m.likelihood_scores]  # type: ignore[attr-defined]


def test_agent_table_with_scores_copied_by_pdftotext_gives_each_agent_its_score() -> None:
    """Anticonvulsants copied by pdftotext: the class table prints one cell per block, the caption and the
    paragraph before it run into the first column's head, and a page break drops the running header with the
    blank lines around it ('Partial seizures' / 'Felbamate')."""
    text = ("Anticonvulsants\nLast Update: January 4, 2021.\n\nOVERVIEW\nOther agents active against seizures have "
            "been developed in recent years. These agents, their likelihood score, year of approval and major "
            "indications are given below.\nANTICONVULSANTS*\nGeneric Name\nBrand Name\n\nLikelihood Score\n\n"
            "Approval\n\nMajor Indications\n\nBrivaracetam\nBriviact\n\nE\n\n2016\n\nPartial seizures\n\n"
            "Cannabidiol\nEpidiolex\n\nE*\n\n2018\n\nSeizures associated with\nLennox-Gastaut or Dravet\nsyndrome\n\n"
            "Ezogabine\nPotiga\n\nE\n\n2011\n\nPartial seizures\n\n1\n\n\fLiverTox\n\nAnticonvulsants\n\n"
            "Felbamate\nFebatol\n\nB\n\n1993\n\nRefractory or severe epilepsy\n\n"
            "* The drugs listed are those approved for use in the United States.\n\nDrug Class: Anticonvulsants\n\n"
            "2\n\f")
    m = parse_text(text)
    assert scores(m) == [("Brivaracetam", "E", None), ("Cannabidiol", "E*", None), ("Ezogabine", "E", None),
                         ("Felbamate", "B", None)]
    assert m.agents == ["Brivaracetam", "Cannabidiol", "Ezogabine", "Felbamate"]


def test_agent_table_with_the_score_last_and_its_header_on_every_page() -> None:
    """MultipleSclerosisAge copied by pdftotext: the score is the last of six columns, a generic name wraps
    over two lines above its brand ('Dimethyl' / 'Fumarate' / 'Tecfidera'), and the next page prints the header
    again, its caption run into the last score of the page before ('C' / 'Disease Modifying Agents')."""
    head = ("Generic Name\nBrand Name\n\nType of Agent\n\nApproval for MS\n\nIndication\nType of MS\n\nRoute and\n"
            "Regimen\n\nLikelihood Score\n\n")
    text = ("Multiple Sclerosis Agents\nLast Update: April 10, 2020.\n\nOVERVIEW\nThe following agents are discussed "
            "individually in LiverTox:\nDisease Modifying Agents\n" + head +
            "Alemtuzumab\nCampath\n\nmAb to\nCD-52\n\n2001\n\nRRMS,\nSPMS\n\niv [3 or 5 days]\nevery 12 months\n\nD\n\n"
            "Daclizumab\nZinbryta\n\nmAb to\nIL2 Receptor\n\n2017\nWithdrawn\n\nRRMS\n\nsc once monthly\n\nC\n\n"
            "1\n\n\fLiverTox\n\nMultiple Sclerosis Agents\n\nDisease Modifying Agents\n" + head +
            "Dimethyl\nFumarate\nTecfidera\n\nNrf2\nActivator\n\n2013\n\nRRMS,\nSPMS, CIS\n\noral twice daily\n\nC\n\n"
            "Abbreviations: MS, multiple sclerosis; mAb, monoclonal antibody; CIS, clinically isolated syndrome; "
            "RRMS, relapsing, remitting multiple sclerosis.\n\n2\n\f")
    assert scores(parse_text(text)) == [("Alemtuzumab", "D", None), ("Daclizumab", "C", None),
                                        ("Dimethyl Fumarate", "C", None)]


def test_agent_table_header_printed_out_of_order_at_a_page_break() -> None:
    """MonoclonalAntibodies copied by pdftotext: the second table's header is split by a page break and printed
    out of order, its last head running into the first row's agent ('Type' / 'Antigenic Target' / 'Adalimumab');
    the rows still have the first table's columns. A row without a score ('Abciximab') gives none."""
    text = ("Monoclonal Antibodies\nLast Update: June 10, 2020.\n\nOVERVIEW\nMonoclonal antibodies available for "
            "clinical use in the United States are listed below.\nCANCER\nGeneric Name\nBrand Name\n\nType\n"
            "Antigenic Target\n\nApproval\n\nLikelihood\nScore†\n\nMajor Uses\n\n"
            "Alemtuzumab\nCampath\n\nHumanized\nCD52\n\n2001\n\nE\n\nChronic lymphocytic\nleukemia\n\n"
            "Trastuzumab\nHerceptin\n\nHumanized\nHER2\n\n1998\n\nC\n\nBreast and gastric\ncancer\n\n"
            "Approval\n\nLikelihood\nScore†\n\nMajor Uses\n\nAUTOIMMUNE DISEASES\nGeneric Name\nBrand Name\n\nType\n"
            "Antigenic Target\n\n1\n\n\fLiverTox\n\nMonoclonal Antibodies\n\nAdalimumab\nHumira\n\nHuman\nTNFα\n\n"
            "2002\n\nB\n\nInflammatory bowel\ndisease\n\n"
            "Alemtuzumab\nLemtrada\n\nHumanized\nCD52\n\n2014\n\nE\n\nMultiple sclerosis\n\n"
            "Abciximab\nReopro\n\nChimeric\nGpIIb/IIIa\n\n1993\n\nInhibition of platelet\naggregation\n\n"
            "Alirocumab\nPraluent\n\nHuman\nPCSK9\n\n2015\n\nE\n\nHypercholesterolemia\n\n"
            "† Likelihood score of hepatotoxicity as given in the individual LiverTox record.\n\n2\n\f")
    assert scores(parse_text(text)) == [("Alemtuzumab", "E", None), ("Trastuzumab", "C", None),
                                        ("Adalimumab", "B", None), ("Alemtuzumab", "E", None),
                                        ("Alirocumab", "E", None)]


def test_drug_cell_wrapped_after_its_hyphen_reads_whole_in_every_format(tmp_path: Path) -> None:
    """A combination's name wraps in its DRUG cell after its hyphen: the NXML keeps the break as a space
    ('Ticarcillin-<break/> Clavulanic Acid', 'Sulfamethoxazole- Trimethoprim'), pdftotext drops the hyphen
    ('SulfamethoxazoleTrimethoprim'). Every format gives the name as the title writes it."""
    body = sec("OVERVIEW", "Sulfamethoxazole-trimethoprim is a fixed combination of two antimicrobial agents.") \
        + chemical_table(("Sulfamethoxazole- Trimethoprim", "8064-90-2", "C14-H18-N4-O3. C10-H11-N3-O3-S"),
                         ("Ticarcillin-<break/> Clavulanic Acid", "86482-18-0", "C15-H16-N2-O6-S2. C8-H9-N-O5"))
    want = ["Sulfamethoxazole-Trimethoprim", "Ticarcillin-Clavulanic Acid"]
    assert [c.drug for c in parse(nxml_of(tmp_path, "Sulfamethoxazole-Trimethoprim", body)).chemicals] == want
    pdf = chapter(tmp_path, "Sulfamethoxazole-Trimethoprim", body)
    assert [c.drug for c in parse(pdf).chemicals] == want
    assert [c.drug for c in parse(pdftotext(pdf)).chemicals] == want
    copied = ("Sulfamethoxazole-Trimethoprim\nLast Update: December 5, 2017.\n\nOVERVIEW\nSulfamethoxazole-"
              "trimethoprim is a fixed combination of two antimicrobial agents.\n\nCHEMICAL FORMULA AND STRUCTURE\n"
              "DRUG\n\nCAS REGISTRY NO\n\nMOLECULAR FORMULA\n\nSulfamethoxazoleTrimethoprim\n\n8064-90-2\n\n"
              "C14-H18-N4-O3.\nC10-H11-N3-O3-S\n\nTicarcillinClavulanic Acid\n\n86482-18-0\n\nC15-H16-N2-O6-S2.\n"
              "C8-H9-N-O5\n\nOTHER REFERENCE LINKS\n• Recent References on Sulfamethoxazole: from PubMed.gov\n")
    m = parse_text(copied)
    assert [c.drug for c in m.chemicals] == want
    assert m.agents == want


def test_agent_table_rows_around_an_empty_cell_give_no_wrong_agent() -> None:
    """A class table printed and copied by pdftotext with an empty Approval cell (Flucytosine's): pdftotext
    prints that row's score and last cell before its name, and runs its name cell into the next row's
    ('Flucytosine' / 'Tracleer' / 'Gabapentin' / 'Tracleer'). Neither row is read; the rows around them are."""
    text = ("Various Agents\nLast Update: October 3, 2021.\n\nOVERVIEW\nThese agents are used for several conditions "
            "and are listed below with their likelihood scores.\nGeneric Name\nBrand Name\n\nApproval\n\n"
            "Likelihood Score\n\nMajor Indications\n\nDapsone\nAczone\n\n1953\n\nA[HD]\n\nHIV infection\n\n"
            "Efavirenz\nSustiva\n\n1954\n\nX\n\nPartial seizures and migraine\nheadaches prevention\n\nA\n\n"
            "HIV infection\n\nFlucytosine\nAncobon\nGabapentin\nNeurontin\n\n1956\n\nE*\n\nHIV infection\n\n"
            "Halothane\nFluothane\n\n1957\n\nB\n\nTuberculosis\n\nDrug Class: Various Agents\n")
    assert scores(parse_text(text)) == [("Dapsone", "A", "HD"), ("Efavirenz", "X", None), ("Halothane", "B", None)]


def test_overview_bullets_wrapped_by_pdftotext_list_every_agent() -> None:
    """AntiviralAgents, Antiinfective and Lipid-LoweringAgents copied by pdftotext: a long bullet wraps
    ('• Amprenavir, ..., Saquinavir,' / 'Tipranavir') and runs on; a bullet ending with a comma over a nested list
    names its group ('• Omega-3 Fatty Acids,' / '• Icosapent Ethyl'; the NXML's item holds the nested list after
    the comma) and is no agent, as in the NXML."""
    text = ("Antiviral Agents\nLast Update: June 21, 2018.\n\nOVERVIEW\nThe following drug records are discussed "
            "individually:\nDrugs for HIV Infection, in the Subclass Antiretroviral Agents\n• Protease Inhibitors (HIV)\n"
            "• Amprenavir, Atazanavir, Darunavir, Fosamprenavir, Indinavir, Lopinavir, Nelfinavir, Ritonavir, Saquinavir,\n"
            "Tipranavir\n• Omega-3 Fatty Acids,\n• Icosapent Ethyl\n• Omega-3 Acid Ethyl Esters\n\n"
            "ANNOTATED BIBLIOGRAPHY\nReferences updated: 21 June 2018\n")
    assert parse_text(text).agents == [
        "Amprenavir", "Atazanavir", "Darunavir", "Fosamprenavir", "Indinavir", "Lopinavir", "Nelfinavir", "Ritonavir",
        "Saquinavir", "Tipranavir", "Icosapent Ethyl", "Omega-3 Acid Ethyl Esters"]


def test_nested_list_prints_each_item_on_its_own_line(tmp_path: Path) -> None:
    """Antidiabetic's list of the drugs it discusses nests a list under each group, two deep in places: printed,
    each nested item is a bulleted line of its own (the printer ran a nested list into one line, '• Acarbose
    Miglitol', and the PDF and its copy lost the agents the NXML lists)."""
    def items(*names: str) -> str:
        return "".join(f"<list-item><p>{n}</p></list-item>" for n in names)
    body = sec("OVERVIEW", "The following drugs are discussed individually.",
               inner=f"<list list-type='bullet'><list-item><p>Alpha-Glucosidase Inhibitors</p>"
                     f"<list list-type='bullet'>{items('Acarbose', 'Miglitol')}</list></list-item>"
                     f"<list-item><p>Incretin-Based Drugs</p><list list-type='bullet'><list-item>"
                     f"<p>Dipeptidyl Peptidase-4 (DPP-4) Inhibitors</p><list list-type='bullet'>"
                     f"{items('Alogliptin', 'Linagliptin')}</list></list-item></list></list-item>"
                     f"{items('Metformin')}</list>")
    want = parse(nxml_of(tmp_path, "Antidiabetic Agents", body)).agents
    assert want == ["Acarbose", "Miglitol", "Alogliptin", "Linagliptin", "Metformin"]
    pdf = chapter(tmp_path, "Antidiabetic Agents", body)
    assert parse(pdf).agents == want
    assert parse(pdftotext(pdf)).agents == want
