"""Reading and writing BLT files, including common variants and bad files."""

import pytest

from stvcount import BltError, Election, format_blt, parse_blt

PLAIN = """3 2
4 1 2 0
2 2 3 0
1 3 0
0
"Ann"
"Bob"
"Cat"
"Title"
"""


def test_plain_file():
    e = parse_blt(PLAIN)
    assert e.candidates == ("Ann", "Bob", "Cat")
    assert e.seats == 2
    assert e.title == "Title"
    assert e.rankings == ((0, 1), (1, 2), (2,))
    assert e.weights == (4, 2, 1)
    assert e.valid_poll == 7


def test_variants_comments_blank_lines_commas_unquoted_names():
    text = """# a comment
3 1

4 1 2 0,
# another
4 1 2 0   # same ranking again, grouped
1 3 0
0
Ann Smith,
"Bob, Jr"
Cat
"""
    e = parse_blt(text)
    assert e.candidates == ("Ann Smith", "Bob, Jr", "Cat")
    assert e.rankings == ((0, 1), (2,))
    assert e.weights == (8, 1)
    assert e.title == ""


def test_withdrawn_candidates_are_removed_from_rankings():
    e = parse_blt("3 1\n-2\n3 2 1 0\n2 2 0\n1 3 2 0\n0\nA\nB\nC\n")
    assert e.withdrawn == frozenset({1})
    assert e.rankings == ((0,), (2,))  # the paper naming only B is no longer valid
    assert e.weights == (3, 1)
    assert e.standing == [0, 2]


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("3 1\n1 2=3 0\n0\nA\nB\nC\n", 2, "equal rankings"),
        ("3 1\n1 1 2 0\n1 4 0\n0\nA\nB\nC\n", 3, "candidate 4 which does not exist"),
        ("3 1\n1 1 2 1 0\n0\nA\nB\nC\n", 2, "more than once"),
        ("3 1\n1 1 0 2 0\n0\nA\nB\nC\n", 2, "0 inside a ballot"),
        ("3 1\n1 1 2\n0\nA\nB\nC\n", 2, "must end with 0"),
        ("3 4\n1 1 0\n0\nA\nB\nC\n", 1, "more seats (4) than standing candidates (3)"),
        ("3 1\n1 1 0\n1 2 0\n", 3, "missing the '0' line"),
        ("3 1\n1 1 0\n0\nA\nB\n", 0, "name of candidate 3"),
        ("3\n1 1 0\n0\nA\nB\nC\n", 1, "header"),
        ("3 1\n1.5 1 0\n0\nA\nB\nC\n", 2, "whole numbers"),
        ("3 1\n-4\n1 1 0\n0\nA\nB\nC\n", 2, "withdrawn candidate 4 does not exist"),
        ("3 1\n1 1 0\n-2\n0\nA\nB\nC\n", 3, "line after the header"),
        ("3 1\n1 1 0\n0\nA\nB\nC\nTitle\nextra\n", 8, "unexpected line"),
    ],
)
def test_bad_files_report_line_and_reason(text, line, words):
    with pytest.raises(BltError) as caught:
        parse_blt(text)
    assert caught.value.line == line
    assert words in caught.value.message


def test_format_then_parse_gives_same_election():
    e = Election.of(["A", "B b", "C"], 2, [(3, (0, 1)), (1, (2,)), (2, (0, 1))], withdrawn=[1], title="T")
    assert parse_blt(format_blt(e)) == e
