"""The ``unionhall-disclose`` command line."""

import json

from disclosure.cli import main

WIDE = """branch/grade,PO,PSO,SPO
North,40,12,3
South,25,8,11
East,30,20,15
West,2,14,9
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_protect_prints_the_safe_table_the_notes_and_the_audit(tmp_path, capsys):
    f = write(tmp_path, "grades.csv", WIDE)
    assert main(["protect", f]) == 0
    out = capsys.readouterr().out
    table, notes = out.split("For the publisher only", 1)
    assert "branch / grade" in table and "[c]" in table
    assert "North" in table and "189" in table
    assert "3" not in table.split("\n")[2].split()[1:]  # North x SPO's 3 is not shown
    assert "suppressed-primary" not in table  # statuses are only in the publisher's notes
    assert "North × SPO: suppressed-primary: fewer than 10 people" in notes
    assert "every one protected" in notes


def test_protect_json_keeps_the_publication_apart(tmp_path, capsys):
    f = write(tmp_path, "grades.csv", WIDE)
    assert main(["protect", f, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    cells = {tuple(c["cell"]): c["value"] for c in data["publication"]["tables"][0]["cells"]}
    assert cells[("North", "SPO")] == "[c]" and cells[("East", "PO")] == 30
    assert "status" not in json.dumps(data["publication"])
    assert data["audit"]["passed"] is True
    assert {h["status"] for h in data["publisher_only"]["hidden"]} == {"suppressed-primary", "suppressed-secondary"}


def test_protect_reads_the_long_format_and_checks_given_totals(tmp_path, capsys):
    f = write(tmp_path, "long.csv", "branch,grade,count\nNorth,PO,40\nNorth,PSO,3\nSouth,PO,25\nSouth,PSO,30\n")
    assert main(["protect", f, "--threshold", "5"]) == 0
    assert "[c]" in capsys.readouterr().out
    bad = write(tmp_path, "bad.csv", "branch,count\nNorth,40\nSouth,25\nTotal,66\n")
    assert main(["protect", bad]) == 2
    assert capsys.readouterr().err.strip() == f"{bad}:4: Total is given as 66 but its cells add up to 65"


def test_protect_links_tables_given_together(tmp_path, capsys):
    a = write(tmp_path, "grade.csv", "branch/grade,PO,PSO\nNorth,3,4\nSouth,30,15\nEast,12,40\n")
    b = write(tmp_path, "employer.csv", "branch/employer,E1,E2\nNorth,7,0\nSouth,10,35\nEast,40,12\n")
    assert main(["protect", a, b, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["audit"]["passed"]
    assert [t["name"] for t in data["publication"]["tables"]] == ["grade", "employer"]


def test_protect_microdata_as_a_magnitude_table(tmp_path, capsys):
    rows = ["branch,value"] + [f"North,{40 + i}" for i in range(12)] + ["South,30", "South,35"]
    f = write(tmp_path, "caseload.csv", "\n".join(rows) + "\n")
    assert main(["protect", f, "--measure", "caseload"]) == 0
    out = capsys.readouterr().out
    assert "sum of caseload" in out and "mean caseload" in out
    assert "fewer than 10 contributors" in out


def test_a_threshold_below_five_is_refused(tmp_path, capsys):
    f = write(tmp_path, "grades.csv", WIDE)
    assert main(["protect", f, "--threshold", "3"]) == 2
    assert "below 5" in capsys.readouterr().err


def test_bad_input_names_the_line(tmp_path, capsys):
    f = write(tmp_path, "bad.csv", "branch/grade,PO,PSO\nNorth,40,12\nSouth,25,lots\n")
    assert main(["protect", f]) == 2
    assert capsys.readouterr().err.strip() == f"{f}:3: 'lots' is not a count (a whole number)"
    f = write(tmp_path, "short.csv", "branch/grade,PO,PSO\nNorth,40\n")
    assert main(["protect", f]) == 2
    assert capsys.readouterr().err.strip() == f"{f}:2: 2 fields where the heading has 3"
    assert main(["protect", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv:0:" in capsys.readouterr().err


PUBLISHED_NAIVE = """branch/grade,PO,PSO,SPO,Total
North,40,12,[c],55
South,25,[c],11,44
East,30,20,15,65
West,[c],14,[c],25
Total,97,54,38,189
"""


def test_audit_fails_a_table_with_only_its_small_cells_hidden(tmp_path, capsys):
    f = write(tmp_path, "published.csv", PUBLISHED_NAIVE)
    assert main(["audit", f]) == 1
    out = capsys.readouterr().out
    assert "FAIL exact: published: North × SPO: can be worked out exactly: it is 3" in out


def test_audit_passes_what_protect_published(tmp_path, capsys):
    f = write(tmp_path, "grades.csv", WIDE)
    main(["protect", f, "--json"])
    data = json.loads(capsys.readouterr().out)
    cells = {tuple(c["cell"]): c["value"] for c in data["publication"]["tables"][0]["cells"]}
    rows = ["branch/grade,PO,PSO,SPO,Total"]
    for b in ("North", "South", "East", "West", "Total"):
        rows.append(",".join([b] + [str(cells[(b, g)]) for g in ("PO", "PSO", "SPO", "Total")]))
    p = write(tmp_path, "published.csv", "\n".join(rows) + "\n")
    assert main(["audit", p, "--json", "--verbose"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["passed"] and all(f["severity"] != "fail" for f in result["findings"])
    assert {f["check"] for f in result["findings"]} <= {"protection", "not-empty"}


def test_audit_flags_a_small_published_count_and_figures_that_do_not_add_up(tmp_path, capsys):
    f = write(tmp_path, "small.csv", "group,count\nA,120\nB,4\nTotal,124\n")
    assert main(["audit", f]) == 1
    assert "shows 4, under the threshold of 10" in capsys.readouterr().out
    f = write(tmp_path, "sums.csv", "group,count\nA,120\nB,[c]\nTotal,100\n")
    assert main(["audit", f]) == 1
    assert "inconsistent" in capsys.readouterr().out


def test_audit_needs_every_margin(tmp_path, capsys):
    f = write(tmp_path, "nomargins.csv", "branch/grade,PO,PSO\nNorth,40,[c]\nSouth,25,12\n")
    assert main(["audit", f]) == 2
    assert "no figure for North × Total" in capsys.readouterr().err


OUTCOMES = """ethnicity,vetted,failed
White,4200,60
Black,600,21
Asian,900,18
Mixed,150,4
Other ethnic group,200,8
"""


def test_equality_merges_small_groups_and_compares_rates(tmp_path, capsys):
    f = write(tmp_path, "vetting.csv", OUTCOMES)
    assert main(["equality", f]) == 0
    out = capsys.readouterr().out
    assert "ethnicity" in out and "impact ratio" in out and "reference" in out
    assert "Other = Mixed, Other ethnic group: too few to show one by one." in out
    assert "\nMixed " not in out
    assert main(["equality", f, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["reference"] == "White"
    assert [g["group"] for g in data["groups"]] == ["White", "Black", "Asian", "Other"]


def test_equality_bad_line(tmp_path, capsys):
    f = write(tmp_path, "vetting.csv", "ethnicity,vetted,failed\nWhite,4200,60\nBlack,20,21\n")
    assert main(["equality", f]) == 2
    assert capsys.readouterr().err.strip() == f"{f}:3: 21 with the outcome out of only 20"


def test_answer_dimension_warns_of_a_whole_group_giving_one_answer(tmp_path, capsys):
    f = write(tmp_path, "leaving.csv", "office/answer,yes,no\nLeeds,12,0\nYork,20,15\n")
    assert main(["protect", f, "--answer", "answer"]) == 0
    out = capsys.readouterr().out
    assert "WARNING group-disclosure: leaving: Leeds × yes: all 12 in office=Leeds gave the answer 'yes'" in out
