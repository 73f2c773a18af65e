"""Laboratory Values tables: which columns tell when a value was taken."""

from __future__ import annotations

from livertox_parse.document import Cell, Table
from livertox_parse.stages.cases import table_labs


def _table(header: list[str], rows: list[list[str]]) -> Table:
    """A table from cell texts; 'text{n}' spans n columns."""
    pos = 0
    out = []
    for k, texts in enumerate([header, *rows]):
        cells = []
        for text in texts:
            span = 1
            if text.endswith("}"):
                text, _, n = text[:-1].rpartition("{")
                span = int(n)
            cells.append(Cell(text, pos, pos + len(text), colspan=span, header=k == 0))
            pos += len(text) + 1
        out.append(tuple(cells))
    return Table("laboratory_values", tuple(out), 0, pos)


TIMES = ["Time After Starting", "Time After Stopping"]


def _ulns(header: list[str], normal: list[str]) -> dict[str, float]:
    width = sum(int(t[:-1].rpartition("{")[2]) if t.endswith("}") else 1 for t in header)
    return table_labs(_table(header, [["2 weeks", "0", *["1"] * (width - 3), ""], normal]))[1]


def test_time_columns_give_the_timepoint_and_protime_is_no_time_column() -> None:
    # the header row of Chaparral's table (LiverTox 2021); 'Protime' holds 'time' inside a word
    table = _table(["Time After Starting", "Time After Stopping", "ALT (U/L)", "Alk P (U/L)", "Bilirubin (mg/dL)",
                    "Protime (seconds)"],
                   [["4 months", "1 week", "1,430", "260", "11.0", "19"],
                    ["", "Postoperative Days", "", "", "", ""]])
    labs, _ = table_labs(table)
    assert [(lab.test, lab.value, lab.timepoint) for lab in labs] == [
        ("ALT", 1430.0, "Time After Starting: 4 months; Time After Stopping: 1 week"),
        ("ALP", 260.0, "Time After Starting: 4 months; Time After Stopping: 1 week"),
        ("bilirubin", 11.0, "Time After Starting: 4 months; Time After Stopping: 1 week"),
    ]


def test_days_weeks_and_dates_are_time_columns() -> None:
    for header in ("Days After Stopping", "Postoperative Days", "Date", "Day of Hospitalization", "Weeks",
                   "Tme After Starting"):
        labs, _ = table_labs(_table([header, "ALT (U/L)"], [["3", "250"]]))
        assert [lab.timepoint for lab in labs] == [f"{header}: 3"], header


# header and 'Normal Values' rows as the dev chapters print them (LiverTox 2021)
def test_normal_values_by_position_when_the_markup_keeps_the_spans() -> None:
    alt_alp_bili = [*TIMES, "ALT (U/L)", "Alk P (U/L)", "Bilirubin (mg/dL)", "Other"]
    assert _ulns(alt_alp_bili, ["Normal Values{2}", "<42", "<115", "<1.2", ""]) == {"ALT": 42, "ALP": 115,
                                                                                      "bilirubin": 1.2}
    # an empty cell keeps its column (Gold Preparations): the bilirubin limit is not the ALP's
    assert _ulns(alt_alp_bili, ["Normal Values{2}", "<40", "", "<1.2", ""]) == {"ALT": 40, "bilirubin": 1.2}
    # ranges give their upper end; the label may be followed by its span's empty cell (Ketamine)
    assert _ulns(alt_alp_bili, ["Normal Values", "", "1-17", "10–40", "<1.2", ""]) == {"ALT": 17, "ALP": 40,
                                                                                       "bilirubin": 1.2}
    # a column that is no test keeps its limit to itself (Amiodarone's LDH, Pyrazinamide's Protime)
    ldh = [*TIMES, "ALT (U/L)", "LDH (U/L)", "Bilirubin (mg/dL)", "Other"]
    assert _ulns(ldh, ["Normal Values{2}", "<46", "<225", "<1.2", ""]) == {"ALT": 46, "bilirubin": 1.2}
    # one cell over three columns (Caffeine); a lower limit is none (Vancomycin's albumin)
    four = [*TIMES, "ALT (U/L)", "AST (U/L)", "Alk P (U/L)", "Bilirubin (mg/dL)", "Other"]
    assert _ulns(four, ["Normal Values{2}", "Not given{3}", "<1.2", ""]) == {"bilirubin": 1.2}
    albumin = [*TIMES, "ALT (U/L)", "Albumin (g/dL)", "INR", "Comments"]
    assert _ulns(albumin, ["Normal Values{2}", "<35", ">3.8", "<1.2", ""]) == {"ALT": 35, "INR": 1.2}


def test_normal_values_in_text_copies_that_lost_the_label_span() -> None:
    alt_alp_bili = [*TIMES, "ALT (U/L)", "Alk P (U/L)", "Bilirubin (mg/dL)", "Other"]
    expected = {"ALT": 42, "ALP": 115, "bilirubin": 1.2}
    assert _ulns(alt_alp_bili, ["Normal Values", "<42", "<115", "<1.2", ""]) == expected  # up to 'Other'
    assert _ulns(alt_alp_bili, ["Normal Values", "<42", "<115", "<1.2"]) == expected  # cut short (Cimetidine)
    weight = ["Months After Starting", "Body Weight (kg)", "ALT (U/L)", "Alk P (U/L)", "Albumin (g/dL)", "Other"]
    assert _ulns(weight, ["Normal Values", "<40", "<85", "<3.5", ""]) == {"ALT": 40, "ALP": 85, "albumin": 3.5}


def test_a_row_that_does_not_line_up_falls_back_to_the_order_of_the_tests() -> None:
    # Phenotypes_bland: the header has an empty column the rows do not; by position '<40' would fall under a
    # time column, so the limits go to the test columns in order
    header = ["Time After Stopping", "", "Time After Stopping", "AST* (U/L)", "Alk P* (U/L)", "Bilirubin* (mg/dL)",
              "Other"]
    assert _ulns(header, ["Normal Values{2}", "<40", "<115", "<1.2", "", ""]) == {"AST": 40, "ALP": 115,
                                                                                  "bilirubin": 1.2}


def test_a_footnote_mark_after_the_unit_keeps_the_column() -> None:
    # Celandine: 'ALT (U/L)*'; the values were dropped when the mark hid the unit
    table = _table([*TIMES, "ALT (U/L)*", "Alk P (U/L)", "Bilirubin (mg/dL)**", "Other"],
                   [["9 weeks", "4 weeks", "1490", "265", "11.7", ""], ["Normal Values{2}", "<30", "<120", "<1.2", ""]])
    labs, _ = table_labs(table)
    assert [(lab.test, lab.value, lab.unit, lab.uln) for lab in labs] == [
        ("ALT", 1490, "U/L", 30), ("ALP", 265, "U/L", 120), ("bilirubin", 11.7, "mg/dL", 1.2)]


def test_a_cell_over_two_time_columns_and_its_text_copy() -> None:
    # Ezetimibe: 'Post-op day 1' spans both time columns; its text copy keeps the empty 'Other' cell, not the span
    header = [*TIMES, "ALT (U/L)", "Alk P (U/L)", "Bilirubin (mg/dL)", "Other"]
    for row in (["Post-op day 1{2}", "209", "83", "8.4", ""], ["Post-op day 1", "209", "83", "8.4", ""]):
        labs, _ = table_labs(_table(header, [row]))
        assert [(lab.test, lab.value, lab.timepoint) for lab in labs] == [
            ("ALT", 209, "Time After Starting: Post-op day 1"), ("ALP", 83, "Time After Starting: Post-op day 1"),
            ("bilirubin", 8.4, "Time After Starting: Post-op day 1")], row


def test_a_column_in_multiples_of_the_uln() -> None:
    # Crizotinib (LiverTox 2021): 'ALT (x ULN)' holds multiples of the upper limit, and its Normal Values cell
    # '<1' is no limit in U/L (it had become the ULN of the case's narrative ALT 159 U/L)
    table = _table([*TIMES, "ALT (x ULN)", "Alk P", "Bilirubin (mg/dL)", "Other"],
                   [["8 weeks", "0", "4.8", "", "0.8", ""], ["Normal Values{2}", "<1", "", "", ""]])
    labs, ulns = table_labs(table)
    assert [(lab.test, lab.value, lab.unit, lab.uln, lab.times_uln) for lab in labs] == [
        ("ALT", 4.8, "x ULN", None, 4.8), ("bilirubin", 0.8, "mg/dL", None, None)]
    assert "ALT" not in ulns


def test_r_is_recomputed_from_a_row_taken_after_the_drug_was_started() -> None:
    # Gemcitabine (LiverTox 2021): the pre-treatment row has the highest ALT of the rows with an ALP (222, 202),
    # but shows no injury; R comes from the rows after starting
    from livertox_parse import parse_text

    text = ("Drugx\n\nCASE REPORT\n\nCase 1. Cholestatic hepatitis due to drugx.\n\nA 60 year old man had jaundice.\n\n"
            "Key Points\n\nMedication:\tDrugx\nPattern:\tCholestatic (R=0.6)\nSeverity:\t3+ (jaundice)\n"
            "Latency:\t4 weeks\nRecovery:\t2 months\nOther medications:\tNone\n\nLaboratory Values\n\n"
            "Time After Starting\tTime After Stopping\tALT (U/L)\tAlk P (U/L)\tBilirubin (mg/dL)\tOther\n"
            "Pre\tPre\t222\t202\t0.8\tBaseline\n4 weeks\t0\t158\t257\t6.0\tJaundice\n"
            "6 weeks\t2 weeks\t90\t240\t4.0\t\nNormal Values\t\t<42\t<128\t<1.2\t\n\nComment\n\nA comment.\n")
    computed = parse_text(text).cases[0].computed
    assert (computed.alt, computed.alp, computed.r_ratio) == (158.0, 257.0, 1.9)
    assert parse_text(text.replace("Pre\tPre\t222", "1 week\tPre\t222")).cases[0].computed.alt == 222.0


def test_which_rows_were_taken_before_the_drug() -> None:
    from livertox_parse.stages.cases import before_treatment

    assert before_treatment("Time After Starting: Pre; Time After Stopping: Pre")  # Gemcitabine
    assert before_treatment("Time After Starting*: 0; Time After Stopping: Pre")  # Crizotinib: day 0, baseline
    assert not before_treatment("Time After Starting: 7 weeks; Time After Starting: 0")  # Tranylcypromine's typo
    assert not before_treatment("Time After Stopping: 0")  # Buprenorphine: the day it was stopped
    assert not before_treatment(None)


def test_a_cell_spanning_from_a_header_already_taken_to_the_next() -> None:
    # AndrogenicSteroids: 'Alk P (U/L)' heads two columns; each row's ALP sits in the first and its bilirubin
    # spans the second and the bilirubin column (the markup names both headers for it); its text copy has no spans
    header = ["Time After Stopping", "ALT (U/L)", "Alk P (U/L){2}", "Bilirubin (mg/L)", "Comments"]
    rows = [["6 weeks", "237", "129", "21{2}", ""], ["Normal Values", "<56", "<139", "<1.2{2}", ""]]
    copied = [[cell.replace("{2}", "") for cell in row] for row in [header, *rows]]
    for head, *body in ([header, *rows], copied):
        labs, ulns = table_labs(_table(head, body))
        assert [(lab.test, lab.value, lab.unit) for lab in labs] == [
            ("ALT", 237, "U/L"), ("ALP", 129, "U/L"), ("bilirubin", 21, "mg/L")], head
        assert ulns == {"ALT": 56, "ALP": 139, "bilirubin": 1.2}
    # a value spanning the two columns of its own header, with nothing before it under that header, stays there
    labs, _ = table_labs(_table(header, [["6 weeks", "237", "129{2}", "2.1", ""]]))
    assert [(lab.test, lab.value) for lab in labs] == [("ALT", 237), ("ALP", 129), ("bilirubin", 2.1)]


def test_a_text_copys_row_whose_label_lost_its_span_over_the_time_columns() -> None:
    # Itraconazole: 'After transplantation' spans both time columns in the NXML; its text copy keeps the 'Other'
    # remark, so the row is one cell short with a last cell that is not empty
    header = [*TIMES, "ALT (U/L)", "Alk P (U/L)", "Bilirubin (mg/dL)", "Other"]
    for label in ("After transplantation{2}", "After transplantation"):
        labs, _ = table_labs(_table(header, [[label, "59", "234", "1.2", "INR=1.2"]]))
        assert [(lab.test, lab.value, lab.timepoint) for lab in labs] == [
            ("ALT", 59, "Time After Starting: After transplantation"),
            ("ALP", 234, "Time After Starting: After transplantation"),
            ("bilirubin", 1.2, "Time After Starting: After transplantation")], label
    # Lamotrigine: a remark over the test columns is no value; moved, the time after stopping would be a bilirubin
    labs, _ = table_labs(_table(header, [["2 weeks", "0", "Lamotrigine increased to 100 mg"]]))
    assert labs == []
