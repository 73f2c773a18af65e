"""Laboratory Values tables: which columns tell when a value was taken."""

from __future__ import annotations

from livertox_parse.document import Cell, Table
from livertox_parse.stages.cases import table_labs


def _table(header: list[str], rows: list[list[str]]) -> Table:
    pos = 0
    out = []
    for k, texts in enumerate([header, *rows]):
        cells = []
        for text in texts:
            cells.append(Cell(text, pos, pos + len(text), header=k == 0))
            pos += len(text) + 1
        out.append(tuple(cells))
    return Table("laboratory_values", tuple(out), 0, pos)


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
