"""CSV downloads must not carry a live spreadsheet formula, whichever list
separator the spreadsheet splits on and however the formula is written."""

import csv
import io
import unicodedata

import pytest

from unionhall.csvexport import csv_download, spreadsheet_safe

HOSTILE = [
    "=1+1",
    "+44 7700 900123",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    ";=1+1",
    "x;=HYPERLINK(\"http://example.test\")",
    "a,=1+1",
    "\uff1d1+1",  # full-width equals sign: NFKC folds it to "="
    "\uff0bcmd",
    "  =1+1",
    "line\n=1+1",
    "tab\t@A1",
]


def read_back(response, delimiter: str) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def live(cell: str) -> bool:
    folded = unicodedata.normalize("NFKC", cell).lstrip()
    return bool(folded) and folded[0] in "=+-@"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_no_cell_is_a_formula_whatever_the_separator(delimiter):
    response = csv_download("x.csv", ["value"], [[value] for value in HOSTILE])
    rows = read_back(response, delimiter)
    cells = [cell for row in rows[1:] for cell in row]
    assert cells, "nothing was read back"
    assert [c for c in cells if live(c)] == []


def test_every_hostile_value_reads_back_whole_behind_one_apostrophe():
    response = csv_download("x.csv", ["value"], [[value] for value in HOSTILE])
    rows = read_back(response, ",")
    assert [row[0] for row in rows[1:]] == ["'" + value for value in HOSTILE]


def test_ordinary_text_and_numbers_are_left_as_they_are():
    assert spreadsheet_safe("Jane Smith") == "Jane Smith"
    assert spreadsheet_safe("AB12 3CD") == "AB12 3CD"
    assert spreadsheet_safe(42) == 42
    assert spreadsheet_safe("") == ""
