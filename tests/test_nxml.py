"""NXML reader: line layout, tables, provenance into the .nxml file, and refusal of unsafe XML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livertox_parse.document import Document, Table
from livertox_parse.errors import LiverToxError
from livertox_parse.readers import nxml
from livertox_parse.readers.nxml import read_nxml, render

NXML = Path(__file__).resolve().parent.parent / "fixtures" / "nxml"

# chapter -> (title, ISO last update, "Last Update" line, headings that must appear as lines, in this order)
CHAPTERS = {
    "Metoprolol": ("Metoprolol", "2017-01-15", "Last Update: January 15, 2017.", [
        "OVERVIEW", "Introduction", "Background", "Hepatotoxicity", "Mechanism of Injury",
        "Outcome and Management", "CASE REPORT", "Case 1. Metoprolol induced acute liver injury.",
        "Key Points", "Laboratory Values", "Comment", "PRODUCT INFORMATION", "REPRESENTATIVE TRADE NAMES",
        "DRUG CLASS", "COMPLETE LABELING", "CHEMICAL FORMULA AND STRUCTURE", "OTHER REFERENCE LINKS"]),
    "Nabumetone": ("Nabumetone", "2025-08-10", "Last Update: August 10, 2025.", [
        "OVERVIEW", "Introduction", "Background", "Hepatotoxicity", "Mechanism of Injury",
        "Outcome and Management", "PRODUCT INFORMATION", "CHEMICAL FORMULA AND STRUCTURE",
        "ANNOTATED BIBLIOGRAPHY", "OTHER REFERENCE LINKS"]),
    "Venlafaxine": ("Venlafaxine, Desvenlafaxine", "2020-03-06", "Last Update: March 6, 2020.", [
        "OVERVIEW", "Introduction", "Hepatotoxicity", "Outcome and Management", "CASE REPORT",
        "Case 1. Acute hepatitis with jaundice due to venlafaxine.(1)", "Key Points", "Comment",
        "PRODUCT INFORMATION", "CHEMICAL FORMULA AND STRUCTURE", "CITED REFERENCE", "ANNOTATED BIBLIOGRAPHY",
        "OTHER REFERENCE LINKS"]),
    "Barbiturates": ("Barbiturates", "2021-10-03", "Last Update: October 3, 2021.", [
        "OVERVIEW", "Introduction", "Background", "Hepatotoxicity", "Mechanism of Injury",
        "PRODUCT INFORMATION", "CHEMICAL FORMULAS AND STRUCTURES", "ANNOTATED BIBLIOGRAPHY",
        "OTHER REFERENCE LINKS"]),
    "ARBs": ("Angiotensin II Receptor Antagonists", "2017-01-13", "Last Update: January 13, 2017.", [
        "OVERVIEW", "CHEMICAL FORMULAS AND STRUCTURES", "ANNOTATED BIBLIOGRAPHY", "OTHER REFERENCE LINKS"]),
}

_cache: dict[str, Document] = {}


def doc(name: str) -> Document:
    if name not in _cache:
        _cache[name] = read_nxml(NXML / f"{name}.nxml")
    return _cache[name]


def source(name: str) -> str:
    return (NXML / f"{name}.nxml").read_text(encoding="utf-8")


def tables(name: str, kind: str) -> list[Table]:
    return [t for t in doc(name).tables if t.kind == kind]


def rows_text(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def span_of(d: Document, needle: str) -> int:
    at = d.text.find(needle)
    assert at >= 0, needle
    return at


# -- layout ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_title_and_last_update_open_the_text(name: str) -> None:
    title, iso, update_line, _ = CHAPTERS[name]
    d = doc(name)
    lines = d.text.split("\n")
    assert lines[0] == title
    assert lines[1] == update_line
    assert d.extra["last_update"] == iso
    assert d.source.format == "nxml" and d.source.pages is None
    assert d.source.sha256 is not None and len(d.source.sha256) == 64


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_headings_are_lines_in_order(name: str) -> None:
    lines = doc(name).text.split("\n")
    position = -1
    for heading in CHAPTERS[name][3]:
        assert heading in lines[position + 1 :], heading
        position = lines.index(heading, position + 1)


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_sections_record_heading_spans_and_ids(name: str) -> None:
    d = doc(name)
    sections = d.extra["sections"]
    assert isinstance(sections, list) and sections
    for sec in sections:
        assert d.text[sec["start"] : sec["end"]] == sec["title"]
        assert d.text[sec["end"]] == "\n" and (sec["start"] == 0 or d.text[sec["start"] - 1] == "\n")
        assert str(sec["id"]).startswith(f"{name}.")
    assert sections[0]["id"] == f"{name}.OVERVIEW" and sections[0]["level"] == 1


def test_metoprolol_section_ids_levels_and_truncated_ids() -> None:
    by_id = {s["id"]: s for s in doc("Metoprolol").extra["sections"]}  # type: ignore[union-attr]
    assert by_id["Metoprolol.Hepatotoxicity"]["title"] == "Hepatotoxicity"
    assert by_id["Metoprolol.Hepatotoxicity"]["level"] == 2
    assert by_id["Metoprolol.Case_1._Metoprolol_induced_ac"]["title"] == (
        "Case 1. Metoprolol induced acute liver injury.")
    assert by_id["Metoprolol.Key_Points"]["level"] == 3
    assert by_id["Metoprolol.CHEMICAL_FORMULA_AND_STRUCTUR"]["title"] == "CHEMICAL FORMULA AND STRUCTURE"


def test_book_meta_front_matter_is_not_rendered() -> None:
    text = doc("Metoprolol").text
    assert "Disclaimer" not in text
    assert "easily accessed information" not in text
    assert "Contact Us" not in text


def test_paragraph_lines_and_class_lines() -> None:
    lines = doc("Metoprolol").text.split("\n")
    assert "Likelihood score: D (possible rare cause of clinically apparent liver injury)." in lines
    assert "Drug Class: Beta-Adrenergic Receptor Antagonists" in lines
    assert "Metoprolol – Generic, Lopressor®, Toprol®" in lines
    assert "• Recent References on Metoprolol: from PubMed.gov" in lines
    assert "• Trials on Metoprolol: from ClinicalTrials.gov" in lines
    # numeric character references are decoded
    assert "considered a “selective” beta-adrenergic" in doc("Metoprolol").text
    venla = doc("Venlafaxine").text.split("\n")
    assert any(line.startswith("Other Drugs in the Subclass, SNRIs/SSRIs: Citalopram, ") for line in venla)


def test_venlafaxine_two_likelihood_scores() -> None:
    lines = doc("Venlafaxine").text.split("\n")
    assert ("Likelihood score (venlafaxine): B (highly likely rare causes of clinically apparent liver "
            "injury).") in lines
    assert ("Likelihood score (desvenlafaxine): E* (suspected but unproven cause of clinically apparent "
            "liver injury).") in lines


def test_barbiturates_group_likelihood_and_subclass() -> None:
    lines = doc("Barbiturates").text.split("\n")
    assert ("Likelihood score for amobarbital, pentobarbital and secobarbital: E (unlikely causes of "
            "clinically apparent liver injury).") in lines
    assert "Drugs in the Subclass, Barbiturates: Amobarbital, Butabarbital, Phenobarbital, Secobarbital" in lines
    assert "Background\nBarbiturates are a family" in doc("Barbiturates").text


def test_element_citation_is_rendered_as_one_reference_line() -> None:
    lines = doc("Barbiturates").text.split("\n")
    ref = next(line for line in lines if line.startswith("Welton DG."))
    assert ref.startswith("Welton DG. Exfoliative dermatitis and hepatitis due to phenobarbital. "
                          "J Am Med Assoc. 1950;143(3):232-4. (25 year old pregnant woman")
    assert ref.endswith("ultimately recovered). 15415251")
    assert any(line.startswith("Pagliaro L, Campesi G, Aguglia F. Barbiturate jaundice.") for line in lines)
    cited = doc("Venlafaxine").text.split("\n")
    assert ("1. Stadlmann S, Portmann S, Tschopp S, Terracciano LM. Venlafaxine-induced cholestatic hepatitis: "
            "case report and review of literature. Am J Surg Pathol 2012;36:1724-8. 23073329") in cited


def test_mixed_citation_annotation_stays_on_the_reference_line() -> None:
    lines = doc("ARBs").text.split("\n")
    ref = next(line for line in lines if line.startswith("Goldberg AI, Dunlay MC, Sweet CS."))
    assert "Am J Cardiol 1995; 75: 793-5. (Summary of adverse events" in ref
    assert ref.endswith("similar in comparator arms). 18800461")
    assert not any(line.startswith("(Summary of adverse events") for line in lines)
    assert all(line == line.strip(" ") for line in lines)


def test_a_list_inside_a_list_items_paragraph_keeps_the_bullet_with_its_text() -> None:
    # Lipid-LoweringAgents (LiverTox 2021): the group's name and its drugs' list are one <p> of the item; the
    # bullet was written alone on a line, the name on the next
    nested = ('<list list-type="bullet"><list-item><p><related-object source-id="livertox" document-id="BileAcidResins">'
              'Bile Acid Resins/Sequestrants</related-object> <list list-type="bullet"><list-item><p>'
              '<related-object source-id="livertox" document-id="Cholestyramine">Cholestyramine</related-object></p>'
              '</list-item><list-item><p>Colestipol</p></list-item></list></p></list-item>'
              '<list-item><p>Fibrates</p></list-item></list>')
    src = source("Metoprolol")
    at = src.index("</p>", src.index("<body")) + len("</p>")
    d = read_nxml("Metoprolol.nxml", (src[:at] + nested + src[at:]).encode())
    lines = d.text.split("\n")
    i = lines.index("• Bile Acid Resins/Sequestrants")
    assert lines[i : i + 4] == ["• Bile Acid Resins/Sequestrants", "• Cholestyramine", "• Colestipol", "• Fibrates"]
    assert "•" not in lines


# -- tables ------------------------------------------------------------------------------------------

def test_metoprolol_key_points_table_and_lines() -> None:
    d = doc("Metoprolol")
    [kp] = tables("Metoprolol", "key_points")
    assert rows_text(kp) == [
        ["Medication:", "Metoprolol (200 mg daily)"],
        ["Pattern:", "Hepatocellular (R=19)"],
        ["Severity:", "1+ (enzyme elevations and symptoms without jaundice)"],
        ["Latency:", "3 weeks"],
        ["Recovery:", "3 weeks"],
        ["Other medications:", "Doxycycline, aspirin and cough suppressant 3 weeks previously"],
    ]
    lines = d.text.split("\n")
    assert "Medication: Metoprolol (200 mg daily)" in lines
    assert "Other medications: Doxycycline, aspirin and cough suppressant 3 weeks previously" in lines
    # the narrative says 50 mg: both are kept as written
    assert "starting metoprolol (50 mg daily)" in d.text
    assert d.text[kp.start : kp.end].split("\n")[0] == "Medication: Metoprolol (200 mg daily)"
    assert d.text.index("Key Points\n") < kp.start


def test_venlafaxine_key_points_with_row_header_cells() -> None:
    [kp] = tables("Venlafaxine", "key_points")
    assert rows_text(kp)[0] == ["Medication:", "Venlafaxine (300 mg daily)"]
    assert rows_text(kp)[3] == ["Latency:", "2.5 years, 2 months after dose increase"]
    assert "Recovery: Unclear" in doc("Venlafaxine").text.split("\n")


def test_metoprolol_laboratory_values_table() -> None:
    d = doc("Metoprolol")
    [lab] = tables("Metoprolol", "laboratory_values")
    rows = rows_text(lab)
    assert rows[0] == ["Time After Starting", "Weeks After Stopping", "ALT* (U/L)", "Alk P* (U/L)",
                       "GGT* (mg/dL)", "Other"]
    assert all(c.header for c in lab.rows[0]) and not any(c.header for c in lab.rows[1])
    assert rows[1] == ["Pre", "", "26", "72", "20", ""]
    empty = lab.rows[1][1]
    assert empty.start == empty.end and d.text[empty.start - 1] == "\t"
    event = lab.rows[2]
    assert len(event) == 1 and event[0].text == "Metoprolol (50 mg daily) given for 3 weeks"
    assert event[0].colspan == 6
    restarted = [r for r in lab.rows if r[0].text == "Metoprolol (50 mg daily) restarted for 5 days"]
    assert len(restarted) == 1 and restarted[0][0].colspan == 6
    normal = lab.rows[-1]
    assert [c.text for c in normal] == ["Normal Values", "<40", "<110", "<50", ""]
    assert normal[0].colspan == 2
    assert rows[3] == ["3 weeks", "0", "1140", "168", "244", "Bilirubin 0.7 mg/dL"]
    assert lab.notes == ("* Converted from \u03bcKat/L.",)  # the XML has Greek mu (&#x003bc;)
    lines = d.text.split("\n")
    assert "Time After Starting\tWeeks After Stopping\tALT* (U/L)\tAlk P* (U/L)\tGGT* (mg/dL)\tOther" in lines
    assert "Normal Values\t<40\t<110\t<50\t" in lines
    after = d.text[lab.end :].split("\n")
    assert after[1] == "* Converted from \u03bcKat/L."


@pytest.mark.parametrize(("name", "drugs", "header"), [
    ("ARBs", ["Azilsartan", "Candesartan", "Eprosartan", "Irbesartan", "Losartan", "Olmesartan",
              "Telmisartan", "Valsartan"], "CAS REGISTRY NO."),
    ("Barbiturates", ["Amobarbital", "Phenobarbital", "Secobarbital"], "CAS REGISTRY NUMBER"),
    ("Venlafaxine", ["Venlafaxine", "Desvenlafaxine"], "CAS REGISTRY NUMBER"),
    ("Nabumetone", ["Nabumetone"], "CAS REGISTRY NO"),
    ("Metoprolol", ["Metoprolol"], "CAS REGISTRY NUMBER"),
])
def test_chemical_tables(name: str, drugs: list[str], header: str) -> None:
    [chem] = tables(name, "chemical")
    rows = rows_text(chem)
    assert rows[0] == ["DRUG", header, "MOLECULAR FORMULA", "STRUCTURE"]
    assert all(c.header for c in chem.rows[0])
    assert [r[0] for r in rows[1:]] == drugs
    assert all(len(r) == 4 and r[3] == "" for r in rows[1:])  # structure is an image: empty cell


def test_chemical_cas_inside_links_and_formulas() -> None:
    rows = rows_text(tables("ARBs", "chemical")[0])
    assert rows[2] == ["Candesartan", "139481-59-7", "C24-H20-N6-O3", ""]
    assert rows[5] == ["Losartan", "124750-99-8", "C22-H23-Cl-N6-O.K", ""]
    venla = rows_text(tables("Venlafaxine", "chemical")[0])
    assert venla[1][:3] == ["Venlafaxine", "93413-69-5", "C17-H27-N-O2"]


def test_arbs_agent_list_becomes_agents_table() -> None:
    d = doc("ARBs")
    [agents] = tables("ARBs", "agents")
    assert [r[0].text for r in agents.rows] == ["Azilsartan", "Candesartan", "Eprosartan", "Irbesartan",
                                                "Losartan", "Olmesartan", "Telmisartan", "Valsartan"]
    assert "• Azilsartan" in d.text.split("\n")
    assert d.text[agents.start : agents.end].startswith("• Azilsartan\n• Candesartan")


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_every_cell_and_table_span_indexes_the_text(name: str) -> None:
    d = doc(name)
    assert d.tables
    for table in d.tables:
        assert 0 <= table.start < table.end <= len(d.text)
        for row in table.rows:
            for cell in row:
                assert d.text[cell.start : cell.end] == cell.text
                assert table.start <= cell.start <= cell.end <= table.end
                assert "\n" not in cell.text and "\t" not in cell.text


def test_table_kinds_per_chapter() -> None:
    kinds = {name: sorted(t.kind for t in doc(name).tables) for name in CHAPTERS}
    assert kinds == {
        "Metoprolol": ["chemical", "key_points", "laboratory_values"],
        "Nabumetone": ["chemical"],
        "Venlafaxine": ["chemical", "key_points"],
        "Barbiturates": ["chemical"],
        "ARBs": ["agents", "chemical"],
    }


# -- pmids and provenance ------------------------------------------------------------------------------

def test_pmids_of_links_and_references() -> None:
    d = doc("Metoprolol")
    [[start, end, pmid]] = d.extra["pmids"]  # type: ignore[misc]
    assert pmid == "3337519" and d.text[start:end] == "PubMed Citation"
    assert d.text[end] == "]"
    arbs = doc("ARBs")
    pmids = arbs.extra["pmids"]
    assert isinstance(pmids, list) and len(pmids) == 50
    for start, end, pmid in pmids:
        assert arbs.text[start:end] == pmid and pmid.isdigit()
        assert arbs.text[end] == "\n"
    assert pmids[0][2] == "18800461"
    barb = doc("Barbiturates").extra["pmids"]
    assert isinstance(barb, list) and len(barb) == 29 and barb[0][2] == "15415251"
    venla = doc("Venlafaxine").extra["pmids"]
    assert isinstance(venla, list) and len(venla) == 37 and venla[0][2] == "23073329"


@pytest.mark.parametrize(("name", "needle", "line", "column", "at_source"), [
    ("Metoprolol", "Likelihood score: D", 64, 14, "Likelihood score: D"),  # `          <p>Likelihood`
    ("Metoprolol", "Key Points\n", 84, 20, "Key Points</title>"),  # `            <title>Key Points`
    ("Metoprolol", "PubMed Citation", 81, 341, "PubMed Citation</ext-link>]"),
    ("Metoprolol", "1140\t", 145, 86, "1140</td>"),
    ("Venlafaxine", "\u201d ven la fax", 60, 33, "&#x0201d; ven la fax"),  # the `&` of the reference
])
def test_locate_points_into_the_nxml_file(name: str, needle: str, line: int, column: int, at_source: str) -> None:
    d = doc(name)
    loc = d.locate(span_of(d, needle))
    assert (loc.line, loc.column) == (line, column)
    assert source(name).split("\n")[line - 1][column - 1 :].startswith(at_source)


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_heading_characters_map_to_their_source_characters(name: str) -> None:
    d = doc(name)
    src = source(name)
    assert d.extra["provenance"] == "exact"
    for sec in d.extra["sections"]:  # type: ignore[union-attr]
        for i in range(sec["start"], sec["end"]):
            assert src[d.origin[i]] == d.text[i]  # type: ignore[index]


def test_most_characters_map_to_themselves() -> None:
    d = doc("Nabumetone")
    src = source("Nabumetone")
    same = sum(1 for i, c in enumerate(d.text) if src[d.origin[i]] == c)  # type: ignore[index]
    assert same / len(d.text) > 0.97


CHAPTER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE book-part-wrapper PUBLIC "-//NLM//DTD BITS Book Interchange DTD v2.0 20151225//EN" "BITS-book2.dtd">
<book-part-wrapper content-type="chapter" id="X"><book-meta><book-title-group><book-title>LiverTox</book-title>
</book-title-group></book-meta>
<book-part book-part-type="chapter"><book-part-meta><title-group><title>Xdrug</title></title-group>
</book-part-meta>
<body>
<sec id="X.OVERVIEW"><title>OVERVIEW</title>
<p>{body}</p>
</sec></body></book-part></book-part-wrapper>
"""


def write(tmp_path: Path, text: str, name: str = "x.nxml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_cdata_entities_and_crlf_keep_exact_columns(tmp_path: Path) -> None:
    body = "A &#x0201c;b&#x0201d; &amp; <![CDATA[x<y]]>\r\n   tail"
    path = write(tmp_path, CHAPTER.replace("{body}", body).replace("\n", "\r\n"))
    d = read_nxml(path)
    assert "A “b” & x<y tail" in d.text.split("\n")
    assert "Last Update" not in d.text  # no pub-history: no line invented
    p_line = 9
    at = d.text.index("x<y")
    assert (d.locate(at).line, d.locate(at).column) == (p_line, 4 + len("A &#x0201c;b&#x0201d; &amp; <![CDATA["))
    assert d.locate(d.text.index("tail")).line == p_line + 1


def test_fallback_provenance_uses_element_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: object, root: object) -> None:
        raise render.Misaligned

    monkeypatch.setattr(render.ChapterRenderer, "_align", refuse)
    monkeypatch.setattr(nxml, "token_tree", lambda *a: None)  # lines are lxml's: the tree-free route has none
    d = read_nxml(NXML / "Metoprolol.nxml")
    assert d.extra["provenance"] == "line"
    assert d.text.split("\n")[:2] == ["Metoprolol", "Last Update: January 15, 2017."]
    assert d.locate(span_of(d, "Likelihood score: D")).line == 64
    assert rows_text(tables("Metoprolol", "key_points")[0])[0] == ["Medication:", "Metoprolol (200 mg daily)"]


# -- errors and unsafe XML -------------------------------------------------------------------------------

def test_xxe_is_refused_without_leaking(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE book-part-wrapper [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
            + CHAPTER.split("\n", 2)[2].replace("{body}", "leak: &xxe;"))
    with pytest.raises(LiverToxError) as info:
        read_nxml(write(tmp_path, text))
    assert info.value.code == "LTX021"
    assert "TOP-SECRET" not in str(info.value)
    assert info.value.line == 2


def test_external_dtd_is_not_loaded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY xxe SYSTEM "file://{secret}">')
    text = CHAPTER.replace('"BITS-book2.dtd"', f'"file://{dtd}"').replace("{body}", "leak: &xxe;")
    try:
        d = read_nxml(write(tmp_path, text))
    except LiverToxError as exc:
        assert "TOP-SECRET" not in str(exc)
    else:
        assert "TOP-SECRET" not in d.text
        assert "leak: &xxe;" in d.text


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    text = f'<?xml version="1.0"?>\n<!DOCTYPE lolz [{entities}]>\n<lolz>&lol9;</lolz>'
    with pytest.raises(LiverToxError) as info:
        read_nxml(write(tmp_path, text))
    assert info.value.code == "LTX021"


def test_entity_declaration_outside_doctype_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LiverToxError) as info:
        read_nxml(write(tmp_path, CHAPTER.replace("{body}", '<!ENTITY x "y">')))
    assert info.value.code == "LTX021"


def test_malformed_xml(tmp_path: Path) -> None:
    with pytest.raises(LiverToxError) as info:
        read_nxml(write(tmp_path, CHAPTER.replace("{body}", "unclosed <bold>tag")))
    assert info.value.code == "LTX020"
    assert info.value.line is not None and info.value.line >= 9
    assert str(info.value).startswith(f"{tmp_path / 'x.nxml'}:")


@pytest.mark.parametrize(("text", "code"), [
    ("", "LTX003"),
    ("   \n", "LTX003"),
    ('<?xml version="1.0"?><html><body/></html>', "LTX005"),
    ('<book-part-wrapper><book-meta/><book-part><book-part-meta/></book-part></book-part-wrapper>', "LTX005"),
    ('<?xml version="1.0" encoding="UTF-8"?><a>\xff</a>', "LTX020"),
])
def test_input_errors(tmp_path: Path, text: str, code: str) -> None:
    path = tmp_path / "x.nxml"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(LiverToxError) as info:
        read_nxml(path)
    assert info.value.code == code


def test_missing_file() -> None:
    with pytest.raises(LiverToxError) as info:
        read_nxml("/nonexistent/x.nxml")
    assert info.value.code == "LTX001"


def test_data_argument_wins_over_path() -> None:
    data = (NXML / "Nabumetone.nxml").read_bytes()
    d = read_nxml("member/in/archive.nxml", data)
    assert d.source.path == "member/in/archive.nxml"
    assert d.text.startswith("Nabumetone\n")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_our_errors(data: bytes) -> None:
    try:
        read_nxml("fuzz.nxml", data)
    except LiverToxError:
        pass


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.one_of(
    st.characters(blacklist_categories=("Cs", "Cc", "Cn"), blacklist_characters="<&>"),
    st.sampled_from(" \t\r\n")), max_size=80))
def test_paragraph_text_round_trips_with_spans(body: str) -> None:
    d = read_nxml("gen.nxml", CHAPTER.replace("{body}", body).encode("utf-8"))
    expected = " ".join(re.split(r"[ \t\r\n]+", body.strip(" \t\r\n")))
    lines = d.text.split("\n")
    assert lines[:2] == ["Xdrug", "OVERVIEW"]
    assert (lines[2] if expected else "") == expected
    for sec in d.extra["sections"]:  # type: ignore[union-attr]
        assert d.text[sec["start"] : sec["end"]] == sec["title"]


@pytest.mark.parametrize(("ymd", "line"), [
    (("2019", "6", "5"), "Last Update: June 5, 2019."),
    (("2019", "13", "5"), None),
    (("2019", "2", "30"), None),
    (("", "2", "3"), None),
])
def test_last_update_only_for_real_dates(ymd: tuple[str, str, str], line: str | None) -> None:
    history = ("<pub-history><date date-type=\"updated\"><day>{2}</day><month>{1}</month><year>{0}</year>"
               "</date></pub-history>").format(*ymd)
    text = CHAPTER.replace("</title-group>\n</book-part-meta>", f"</title-group>{history}</book-part-meta>")
    assert history in text
    d = read_nxml("d.nxml", text.replace("{body}", "b").encode())
    assert d.text.split("\n")[1] == (line or "OVERVIEW")
    assert ("last_update" in d.extra) == (line is not None)


def test_comments_pis_and_empty_elements_keep_exact_provenance() -> None:
    xml = ('<book-part-wrapper><book-part><body><sec id="s"><title>T<!-- c -->x<?pi q?>y</title>\n'
           '<p>a<!--z-->b<break/>c &#x41; <bold/>d</p></sec></body></book-part></book-part-wrapper>')
    d = read_nxml("t.nxml", xml.encode())
    assert d.text == "Txy\nab c A d\n"  # <break/> is a space
    assert d.extra["provenance"] == "exact"
    second = xml.split("\n")[1]
    for needle, col in [("c A", second.index("c &#x41;") + 1), ("A d", second.index("&#x41;") + 1),
                        ("d\n", second.index("d</p>") + 1)]:
        loc = d.locate(d.text.index(needle))
        assert (loc.line, loc.column) == (2, col), needle
    assert d.locate(d.text.index("y")).column == xml.index("y</title>") + 1


def test_a_lab_table_under_a_second_key_points_title_is_a_lab_table(tmp_path: Path) -> None:
    # Elotuzumab (LiverTox 2021) titles its Laboratory Values section 'Key Points' a second time: the table's
    # header (ALT, Alk P, Bilirubin) says what it is, and its values are the case's labs as under the right title
    from livertox_parse import parse_document

    src = source("Metoprolol").replace("<title>Laboratory Values</title>", "<title>Key Points</title>")
    src = src.replace(">26</td>", ">26.</td>", 1)  # and a value with a stray full stop ('8.1.' there)
    misnamed = read_nxml(write(tmp_path, src, "Metoprolol.nxml"))
    assert [t.kind for t in misnamed.tables] == [t.kind for t in doc("Metoprolol").tables]
    labs = [[(lab.test, lab.value, lab.uln, lab.timepoint) for lab in parse_document(d).cases[0].labs]
            for d in (misnamed, doc("Metoprolol"))]
    assert labs[0] == labs[1] and len(labs[0]) > 10
