"""The ``unionhall-deadline`` command line."""

import json
import shutil
import subprocess
import sys

import pytest

from deadlines.cli import main


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_tribunal_prints_the_date_and_the_steps(capsys):
    status, out, err = run(capsys, "tribunal", "--act", "2026-03-10", "--acas-from", "2026-05-01", "--acas-cert", "2026-05-20", "--nation", "scotland")
    assert status == 0 and err == ""
    assert out.startswith("Deadline: Sunday 28 June 2026")
    assert "How it was worked out:" in out and "s207B(3)" in out and "not legal advice" in out


def test_tribunal_json_parses(capsys):
    status, out, _ = run(capsys, "tribunal", "--act", "2026-03-10", "--era2025-commenced", "2026-01-01", "--json")
    data = json.loads(out)
    assert status == 0
    assert data["date"] == "2026-09-09" and data["law"] == ["tribunal-limit/six-months"]
    assert data["figures"]["primary"] == "2026-09-09"


def test_working_days(capsys):
    status, out, _ = run(capsys, "working-days", "--from", "2026-05-22", "--add", "3", "--nation", "scotland", "--json")
    data = json.loads(out)
    assert status == 0 and data["date"] == "2026-05-28" and data["nation"] == "scotland"
    status, out, _ = run(capsys, "working-days", "--from", "2026-05-22", "--add", "3", "--closure", "2026-05-26")
    assert status == 0 and out.startswith("Date: Friday 29 May 2026")


@pytest.mark.parametrize(
    ("argv", "date"),
    [
        (["companion", "--proposed", "2026-12-23"], "2027-01-04"),
        (["sar", "--received", "2026-01-31"], "2026-03-02"),
        (["sar", "--received", "2026-01-31", "--extended"], "2026-04-28"),
        (["consultation", "--first-dismissal", "2026-06-30", "--employees", "150"], "2026-05-16"),
        (["appeal", "--outcome", "2026-03-02", "--within", "5"], "2026-03-09"),
        (["appeal", "--outcome", "2026-03-02"], None),
    ],
)
def test_each_command_as_json(capsys, argv, date):
    status, out, _ = run(capsys, *argv, "--json")
    assert status == 0 and json.loads(out)["date"] == date


def test_a_policy_file(capsys, tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"code": "grievance-appeal", "title": "Grievance appeal within 10 days", "count": 10,
                                  "unit": "calendar-days", "roll": "next-working-day"}), encoding="utf-8")  # fmt: skip
    status, out, _ = run(capsys, "policy", "--file", str(policy), "--from", "2026-03-04", "--json")
    assert status == 0 and json.loads(out)["date"] == "2026-03-16"
    status, out, _ = run(capsys, "appeal", "--outcome", "2026-03-04", "--policy", str(policy), "--json")
    assert status == 0 and json.loads(out)["date"] == "2026-03-16"


def test_list_names_every_rule_with_its_sources(capsys):
    status, out, _ = run(capsys, "list")
    assert status == 0
    for text in ("tribunal:", "s207B", "Haque", "not yet in force", "s10(4)", "Art. 12(3)", "s188", "ACAS Code"):
        assert text in out
    status, out, _ = run(capsys, "list", "--json")
    data = json.loads(out)
    assert {r["rule"] for r in data["rules"]} == {"tribunal", "companion", "appeal", "sar", "consultation"}
    assert all(row["source_url"].startswith("https://") for r in data["rules"] for row in r["law"])


def test_holidays(capsys):
    status, out, _ = run(capsys, "holidays", "--year", "2026", "--nation", "scotland", "--json")
    data = json.loads(out)
    assert status == 0 and "2026-06-15" in {row["date"] for row in data["bank_holidays"]}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tribunal", "--act", "2026-02-30"], "not a date"),
        (["tribunal", "--act", "2026-03-10", "--acas-from", "2026-05-01"], "give both"),
        (["tribunal", "--act", "2026-03-10", "--acas-from", "2026-05-20", "--acas-cert", "2026-05-01"], "cannot come before"),
        (["tribunal", "--act", "2026-03-10", "--nation", "ireland"], "unknown nation"),
        (["tribunal"], "required"),
        (["working-days", "--from", "2026-01-01", "--add", "lots"], "invalid int"),
        (["working-days", "--from", "2026-01-01", "--add", "20000"], "more than this tool counts"),
        (["consultation", "--first-dismissal", "2026-06-30", "--employees", "-4"], "whole number"),
        (["appeal", "--outcome", "2026-03-02", "--within", "5", "--policy", "x.json"], "not both"),
        (["policy", "--file", "/nonexistent/policy.json", "--from", "2026-03-02"], "cannot read"),
        (["holidays", "--year", "3000"], "outside the years"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_input_gives_a_clear_message_and_status_2(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert message in err and out == ""


def test_a_policy_file_that_is_not_json(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    status, _, err = run(capsys, "policy", "--file", str(bad), "--from", "2026-03-02")
    assert status == 2 and "not valid JSON" in err


def test_help_exits_0(capsys):
    assert main(["--help"]) == 0
    assert "unionhall-deadline" in capsys.readouterr().out


def test_the_installed_script_runs():
    script = shutil.which("unionhall-deadline") or str(__import__("pathlib").Path(sys.executable).with_name("unionhall-deadline"))
    done = subprocess.run([script, "sar", "--received", "2026-09-03", "--json"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["date"] == "2026-10-05"
    done = subprocess.run([script, "sar", "--received", "2026-13-03"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "not a date" in done.stderr
