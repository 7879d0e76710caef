"""The CLI reproduces docs/backpay.md's hand-worked example to the penny."""

import json
import pathlib
import subprocess
import sys
from decimal import Decimal

from backpay import case_from_json
from backpay.cli import main

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "src" / "backpay" / "worked_example.json"
DOC = REPO / "docs" / "backpay.md"
# Worked by hand in docs/backpay.md.
BY_HAND = {"2024-04": "62.50", "2024-05": "86.69", "2024-06": "127.67", "2024-07": "130.00"}


def test_the_json_output_matches_the_hand_worked_months_and_total(capsys):
    assert main([str(EXAMPLE), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {p["period"]: p["owed"] for p in out["periods"]} == BY_HAND
    assert out["total"] == "406.86" == str(sum(Decimal(v) for v in BY_HAND.values()))


def test_the_text_output_shows_each_step_and_the_total(capsys):
    assert main([str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "1/12 × 19/31 × 18.5/37 h = 38.3065" in out
    assert "band 4 point 2" in out  # the anniversary on 15 June moved the member up a point
    assert out.rstrip().endswith("Total owed: 406.86")


def test_the_docs_state_the_same_figures():
    text = DOC.read_text(encoding="utf-8")
    for owed in [*BY_HAND.values(), "406.86"]:
        assert owed in text


def test_the_installed_command_runs_as_a_script():
    done = subprocess.run([sys.executable, "-m", "backpay.cli", str(EXAMPLE)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "Total owed: 406.86" in done.stdout


def test_the_daily_convention_gives_its_own_total():
    data = json.loads(EXAMPLE.read_text(), )
    data["convention"] = "daily"
    result = case_from_json(json.dumps(data)).calculate()
    # April at half time: 1,500 × 30/365 × 1/2 = 61.643835... -> 61.64
    assert result.periods[0].owed == Decimal("61.64")
    assert result.total == Decimal("408.41")


def test_bad_input_lists_every_problem_and_exits_2(tmp_path, capsys):
    data = json.loads(EXAMPLE.read_text())
    data["new_scale"]["rates"][0]["annual"] = "lots"
    data["member"]["periods"][1]["hours"] = "40"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "'lots' is not a number" in err
    assert "40 hours a week, above the full-time 37" in err


def test_a_file_that_is_not_json_is_refused(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    assert main([str(path)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
