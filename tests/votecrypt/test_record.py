import copy
import json

from hypothesis import HealthCheck, given, settings, strategies as st

from votecrypt import api
from votecrypt.cli import main
from votecrypt.demo import make_election
from conftest import QUESTIONS


def plain_counts(d, area=None):
    """Per-option totals of the plaintext choices, flattened in manifest order."""
    flat = [[x for q in c for x in q] for c, a in zip(d["choices"], d["areas"]) if area in (None, a)]
    return [sum(col) for col in zip(*flat)]


def option_counts(d, tally):
    per_q = api.option_counts(d["manifest"], tally["counts"], tally["ballots"])
    return [x for q in per_q for x in q]


def test_valid_record_verifies_and_counts_are_plain_sums(small_record):
    rep = api.verify_record(small_record["record"])
    assert rep.ok, (rep.failed, rep.detail)
    assert rep.ballots == 4  # the counted ones; the replaced one is listed by tracker only
    tallies = small_record["record"]["tallies"]
    assert [t["area"] for t in tallies] == ["", "North", "South"]
    assert option_counts(small_record, tallies[0]) == plain_counts(small_record)
    assert option_counts(small_record, tallies[1]) == plain_counts(small_record, "North")
    assert len(tallies[0]["counts"]) == 1 + 3 + 2  # the yes/no question has one slot


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 6))
def test_decrypted_tally_of_random_ballots_is_plain_sum(seed, n):
    d = make_election(n, seed=seed, questions=QUESTIONS)
    assert option_counts(d, d["record"]["tallies"][0]) == plain_counts(d)
    assert api.verify_record(d["record"]).ok


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_changed_byte_in_serialised_record_fails(small_record, data):
    text = json.dumps(small_record["record"], separators=(",", ":"))
    i = data.draw(st.integers(0, len(text) - 1), label="position")
    c = data.draw(st.sampled_from("0123456789abcdefz\"{}[],:AF "), label="new char")
    if text[i] == c:
        return
    try:
        rec = json.loads(text[:i] + c + text[i + 1:])
    except ValueError:
        return  # not even JSON
    rep = api.verify_record(rec)
    assert not rep.ok and rep.failed


def _fail(rec):
    rep = api.verify_record(rec)
    assert not rep.ok
    return rep.failed


def test_structural_tampering_named(small_record):
    good = small_record["record"]
    r = copy.deepcopy(good); del r["board"][1]
    assert _fail(r).startswith("tallies")
    r = copy.deepcopy(good); r["board"].append(copy.deepcopy(r["board"][2]))
    assert _fail(r) == "board[4].alias"  # two counted ballots for one alias
    r = copy.deepcopy(good); r["not_counted"].append(api.not_counted_entry(small_record["manifest"], good["joint_key"], good["board"][0]["ballot"], "replaced"))
    assert _fail(r) == "not_counted[1]"  # a counted ballot cannot also be not counted
    r = copy.deepcopy(good); r["not_counted"][0]["tracker"] = good["board"][0]["tracker"]
    assert _fail(r) == "not_counted[0].tracker"  # a tracker must come from its fingerprint
    r = copy.deepcopy(good); r["not_counted"][0]["why"] = "lost"
    assert _fail(r) == "not_counted[0]"
    r = copy.deepcopy(good); r["not_counted"][0]["why"] = "withdrawn"
    assert _fail(r) == "not_counted"  # withdrawn, though nobody was removed from the roll
    r = copy.deepcopy(good); r["audited"][0]["alias"] = good["board"][0]["ballot"]["alias"]
    assert _fail(r) == "audited[0]"  # no alias: it would tie the checked choice to a voter
    r = copy.deepcopy(good); r["audited"][0]["choices"][0] = [1 - r["audited"][0]["choices"][0][0], *r["audited"][0]["choices"][0][1:]]
    assert _fail(r).startswith("audited[0].")  # the revealed choice does not re-encrypt
    r = copy.deepcopy(good); r["audited"][0]["ct"] = [q["ct"] for q in good["board"][1]["ballot"]["questions"]]
    assert _fail(r) == "audited[0].code"
    r = copy.deepcopy(good); r["audited"][0]["ct"] = [q["ct"] for q in good["board"][1]["ballot"]["questions"]]
    r["audited"][0]["code"] = api.audit_code(good["manifest"], good["joint_key"], r["audited"][0]["ct"])
    assert _fail(r) == "audited[0].replay"  # a counted ballot passed off as audited
    r = copy.deepcopy(good); r["roll_changes"] = [{"alias": good["roll"]["voters"][0][0], "change": "removed", "reason": "Left"}]
    assert _fail(r) == "roll_changes[0]"  # a removed voter cannot be on the roll
    r = copy.deepcopy(good); r["roll_changes"] = [{"alias": good["roll"]["voters"][0][0], "change": "added", "reason": " "}]
    assert _fail(r) == "roll_changes[0]"  # a change needs its reason
    r = copy.deepcopy(good); r["board"][2]["area"] = "South" if r["board"][2]["area"] == "North" else "North"
    assert _fail(r) == "board[2].alias"
    r = copy.deepcopy(good); r["roll"]["voters"].append(["zz-extra", "North"]); r["roll"]["size"] += 1
    assert _fail(r) == "roll.commitment"
    r = copy.deepcopy(good); r["tallies"][0]["shares"].pop()
    assert _fail(r) == "tallies[*].shares"
    r = copy.deepcopy(good); r["tallies"][0]["counts"][0] += 1
    assert _fail(r) == "tallies[*].counts[0]"
    r = copy.deepcopy(good); r["board"][3]["tracker"] = "AAAA-AAAA-AAAA-AAAA"
    assert _fail(r) == "board[3].tracker"
    r = copy.deepcopy(good); r["manifest"]["title"] = "Other"
    assert _fail(r) == "manifest.fingerprint"
    r = copy.deepcopy(good); r["trustees"][1]["proofs"][0] = r["trustees"][0]["proofs"][0]
    assert _fail(r) == "trustees"


def test_verify_in_two_processes_matches(small_record):
    d = make_election(30, seed=3, workers=2)
    rep = api.verify_record(d["record"], workers=2)
    assert rep.ok and rep.ballots == 30
    bad = copy.deepcopy(d["record"])
    bad["board"][17]["ballot"]["questions"][0]["proofs"][0][0] = "00" * 32
    rep = api.verify_record(bad, workers=2)
    assert rep.failed == "board[17].strike.option[0].proof" and rep.ballots == 17


def test_cli(tmp_path, capsys, small_record):
    p = tmp_path / "rec.json"
    p.write_text(json.dumps(small_record["record"]))
    assert main([str(p)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "4 ballots" and any("PASSED" in line for line in out)
    assert main([str(p), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["ok"] and rep["ballots"] == 4
    bad = copy.deepcopy(small_record["record"])
    bad["tallies"][1]["counts"][1] += 1
    p.write_text(json.dumps(bad))
    assert main([str(p)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "4 ballots" and any(line.startswith("FAIL tallies[North].counts[1]") for line in out)
    p.write_text("{not json")
    assert main([str(p)]) == 2


def test_sealed_area_tallies_verify_without_being_decrypted(small_record):
    d = small_record
    rec = d["record"]
    headline = rec["tallies"][0]
    shares = {"": headline["shares"]}
    sealed = api.build_record(d["manifest"], d["key"], d["publics"], {a: r for a, r in rec["roll"]["voters"]},
                              rec["board"], [{k: t[k] for k in ("area", "ballots", "ct")} for t in rec["tallies"]], shares)
    assert [t["counts"] is None for t in sealed["tallies"]] == [False, True, True]
    rep = api.verify_record(sealed)
    assert rep.ok, (rep.failed, rep.detail)
    assert [r["summary"] for r in rep.results][1:] == ["sealed", "sealed"]
    # A sealed tally whose sum was altered still fails.
    bad = copy.deepcopy(sealed)
    bad["tallies"][1]["ct"] = bad["tallies"][2]["ct"]
    assert not api.verify_record(bad).ok
    # Counts without shares are not a sealed tally: refused.
    bad = copy.deepcopy(sealed)
    bad["tallies"][1]["counts"] = [0] * len(bad["tallies"][1]["ct"])
    assert not api.verify_record(bad).ok


def test_roll_changes_with_reasons_verify(small_record):
    d = small_record
    voters = d["record"]["roll"]["voters"]
    changes = [{"alias": voters[1][0], "change": "added", "reason": "Joined before the cut-off; the register was late"},
               {"alias": "zz-gone", "change": "removed", "reason": "Not employed in the bargaining unit"}]
    tallies = [{k: t[k] for k in ("area", "ballots", "ct")} for t in d["record"]["tallies"]]
    shares = {t["area"]: t["shares"] for t in d["record"]["tallies"]}
    rec = api.build_record(d["manifest"], d["key"], d["publics"], dict(voters), d["record"]["board"], tallies, shares,
                           not_counted=d["record"]["not_counted"], audited=d["record"]["audited"], roll_changes=changes)
    rep = api.verify_record(rec)
    assert rep.ok, (rep.failed, rep.detail)
    assert [c["alias"] for c in rec["roll_changes"]] == sorted(c["alias"] for c in changes)


def test_a_postal_count_travels_in_the_record_and_bad_arithmetic_fails(small_record):
    d = small_record
    tallies = [{k: t[k] for k in ("area", "ballots", "ct")} for t in d["record"]["tallies"]]
    shares = {t["area"]: t["shares"] for t in d["record"]["tallies"]}
    postal = {"statement": "The scrutineer's count.", "scrutineer": "A. Scrutineer, Example Ballots",
              "papers_issued": 40, "papers_returned": 20, "questions": {"strike": {"options": [12, 6], "spoiled": 2}}}
    rec = api.build_record(d["manifest"], d["key"], d["publics"], dict(d["record"]["roll"]["voters"]), d["record"]["board"],
                           tallies, shares, not_counted=d["record"]["not_counted"], audited=d["record"]["audited"], postal=postal)
    rep = api.verify_record(rec)
    assert rep.ok, (rep.failed, rep.detail)
    assert any(r["area"] == "postal papers" and r["summary"] == "strike: Yes 12, No 6, spoiled 2" for r in rep.results)
    for change, check in ((("papers_returned", 41), "postal.papers"),
                          (("questions", {"strike": {"options": [15, 6], "spoiled": 2}}), "postal.questions[strike]"),
                          (("questions", {"nope": {"options": [1, 1], "spoiled": 0}}), "postal.questions")):
        bad = copy.deepcopy(rec)
        bad["postal"][change[0]] = change[1]
        assert _fail(bad) == check
