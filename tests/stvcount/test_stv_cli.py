"""The ``stvcount`` command line."""

import json

from stvcount.cli import main

WARD = """4 2
5 1 2 0
4 2 1 0
3 3 4 0
1 4 3 0
0
"Ann"
"<Bob & co>"
"Cat"
"Dan"
"Test ward"
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_json_one_object_per_file(tmp_path, capsys):
    a = write(tmp_path, "a.blt", WARD)
    b = write(tmp_path, "b.blt", WARD.replace("4 2\n", "4 1\n", 1))
    assert main([a, b, "--rule", "scottish", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    first, second = map(json.loads, lines)
    assert first["file"] == a and second["file"] == b
    assert first["seats"] == 2 and second["seats"] == 1
    assert first["valid"] == 13
    assert first["quota"] == "5.00000"  # floor(13 / 3) + 1
    assert sorted(first["elected"]) == [1, 2]
    assert first["stages"][0]["totals"] == {"1": "5.00000", "2": "4.00000", "3": "3.00000", "4": "1.00000"}
    # stage 2: B and C both have 4; C had fewer at stage 1, so C is excluded
    assert first["ties"] == [
        {"stage": 2, "purpose": "exclude", "candidates": [2, 3], "chosen": 3, "method": "stage 1"}
    ]


def test_text_output_and_every_rule(tmp_path, capsys):
    a = write(tmp_path, "a.blt", WARD)
    for rule in ("scottish", "ers97", "meek", "fptp"):
        assert main([a, "--rule", rule]) == 0
        out = capsys.readouterr().out
        assert "Stage 1" in out and "Elected:" in out and "Ann" in out


def test_bad_file_prints_file_line_message_and_exits_2(tmp_path, capsys):
    good = write(tmp_path, "good.blt", WARD)
    bad = write(tmp_path, "bad.blt", "3 1\n1 1 2 0\n2 1 9 0\n0\nA\nB\nC\n")
    assert main([bad, good, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == f"{bad}:3: ballot names candidate 9 which does not exist (there are 3 candidates)"
    assert json.loads(captured.out)["file"] == good  # the good file is still counted


def test_missing_file_exits_2(tmp_path, capsys):
    assert main([str(tmp_path / "nope.blt")]) == 2
    assert "nope.blt" in capsys.readouterr().err


def test_html_page_escapes_names(tmp_path, capsys):
    a = write(tmp_path, "a.blt", WARD)
    out = tmp_path / "page.html"
    assert main([a, "--html", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page and "</svg>" in page
    assert "&lt;Bob &amp; co&gt;" in page
    assert "<Bob" not in page


def test_html_for_several_files_goes_to_a_directory(tmp_path, capsys):
    a = write(tmp_path, "a.blt", WARD)
    b = write(tmp_path, "b.blt", WARD)
    assert main([a, b, "--html", str(tmp_path / "pages")]) == 0
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == ["a.html", "b.html"]
