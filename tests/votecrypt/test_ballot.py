import copy
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from votecrypt import api
from votecrypt.api import BallotError
from votecrypt.group import L
from votecrypt.rng import SeededRng

CHOICES = [[1, 0], [0, 1, 1], [0, 0]]


@pytest.fixture(scope="module")
def cast(election):
    b, secrets = api.encrypt_ballot(election["manifest"], election["key"], "alias-7", CHOICES, SeededRng("b"))
    return b, secrets


def reason(election, ballot, alias=None):
    with pytest.raises(BallotError) as e:
        api.verify_ballot(election["manifest"], election["key"], ballot, alias)
    return e.value.reason


def test_valid_ballot(election, cast):
    api.verify_ballot(election["manifest"], election["key"], cast[0], "alias-7")
    assert cast[0]["version"] == "votecrypt/2"
    assert cast[0]["questions"][2]["sum"] is None  # 0..2 of 2 options: implied by 0/1 proofs


def test_invalid_choices_refused(election):
    for bad in ([[1, 1], [0, 1, 1], [0, 0]], [[0, 0], [0, 1, 1], [0, 0]], [[1, 0], [1, 1, 1], [0, 0]],
                [[2, 0], [0, 1, 0], [0, 0]]):
        with pytest.raises(ValueError):
            api.encrypt_ballot(election["manifest"], election["key"], "a", bad, SeededRng(1))


def test_wrong_voter_and_election(election, cast):
    assert reason(election, cast[0], "alias-8") == "wrong-voter"
    other = api.make_manifest("other-election", "Test ballot", election["manifest"]["questions"], 3, 2)
    with pytest.raises(BallotError) as e:
        api.verify_ballot(other, election["key"], cast[0])
    assert e.value.reason == "wrong-election"


def test_proof_moved_to_another_voter_or_election_fails(election, cast):
    b = copy.deepcopy(cast[0])
    b["alias"] = "alias-8"  # same ciphertexts and proofs, relabelled
    assert reason(election, b) == "bad-proof"
    other = api.make_manifest("other-election", "Test ballot", election["manifest"]["questions"], 3, 2)
    b = copy.deepcopy(cast[0])
    b["election"] = api.fingerprint(other)
    with pytest.raises(BallotError) as e:
        api.verify_ballot(other, election["key"], b)
    assert e.value.reason == "bad-proof"


def test_proof_moved_to_another_ballot_fails(election, cast):
    b2, _ = api.encrypt_ballot(election["manifest"], election["key"], "alias-7", CHOICES, SeededRng("b2"))
    b = copy.deepcopy(cast[0])
    b["questions"][0]["proofs"][0] = b2["questions"][0]["proofs"][0]
    assert reason(election, b) == "bad-proof"
    b = copy.deepcopy(cast[0])  # swap option order within a question
    q = b["questions"][1]
    q["ct"].reverse(), q["proofs"].reverse()
    assert reason(election, b) == "bad-proof"


@pytest.mark.parametrize("mutate,expected", [
    (lambda b: b["questions"][0]["ct"][0].__setitem__(0, "00" * 32), "identity-point"),
    (lambda b: b["questions"][1]["ct"][2].__setitem__(1, "00" * 32), "identity-point"),
    (lambda b: b["questions"][0]["ct"][0].__setitem__(0, "01" + "00" * 31), "non-canonical"),
    (lambda b: b["questions"][0]["ct"][0].__setitem__(1, "ed" + "ff" * 30 + "7f"), "non-canonical"),
    (lambda b: b["questions"][0]["ct"][0].__setitem__(
        1, "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371"), "malformed-point"),
    (lambda b: b["questions"][0]["ct"].append(b["questions"][1]["ct"][0]), "malformed"),
    (lambda b: b["questions"][0]["ct"][0].__setitem__(0, "ff" * 31 + "7f"), "non-canonical"),
    (lambda b: b["questions"][0]["ct"][0].__setitem__(1, "ab" * 16), "malformed-point"),
    (lambda b: b["questions"][0]["proofs"][0].__setitem__(1, L.to_bytes(32, "little").hex()), "scalar-range"),
    (lambda b: b["questions"][0]["proofs"][0].pop(), "malformed-proof"),
    (lambda b: b["questions"][1].__setitem__("sum", None), "malformed-proof"),
    (lambda b: b["questions"].pop(), "malformed"),
    (lambda b: b.__setitem__("extra", 1), "malformed"),
    (lambda b: b.__setitem__("version", "votecrypt/0"), "malformed"),
])
def test_malformed_ballots_named(election, cast, mutate, expected):
    b = copy.deepcopy(cast[0])
    mutate(b)
    assert reason(election, b) == expected


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_changed_byte_fails(election, cast, data):
    text = json.dumps(cast[0], separators=(",", ":"))
    i = data.draw(st.integers(0, len(text) - 1))
    c = data.draw(st.sampled_from("0123456789abcdef\"{}[],:xAF"))
    if text[i] == c:
        return
    bad = text[:i] + c + text[i + 1:]
    try:
        b = json.loads(bad)
    except ValueError:
        return
    with pytest.raises(BallotError):
        api.verify_ballot(election["manifest"], election["key"], b, "alias-7")


def test_benaloh_audit(election, cast):
    m, k = election["manifest"], election["key"]
    b, secrets = cast
    api.audit_ballot(m, k, b, secrets)
    json.dumps(secrets)
    lie = copy.deepcopy(secrets)
    lie["choices"][0] = [0, 1]
    with pytest.raises(BallotError, match="audit-mismatch"):
        api.audit_ballot(m, k, b, lie)
    lie = copy.deepcopy(secrets)
    lie["nonces"][1][2] = lie["nonces"][1][1]
    with pytest.raises(BallotError, match="audit-mismatch"):
        api.audit_ballot(m, k, b, lie)


def test_weeding_and_tracker(election, cast):
    m, k = election["manifest"], election["key"]
    b = cast[0]
    fp = api.ballot_fingerprint(m, k, b)
    assert fp == api.ballot_fingerprint(m, k, copy.deepcopy(b))
    b2, _ = api.encrypt_ballot(m, k, "alias-7", CHOICES, SeededRng("b2"))
    assert api.ballot_fingerprint(m, k, b2) != fp
    keys = api.replay_keys(m, k, b)
    assert len(keys) == 6 and not keys & api.replay_keys(m, k, b2)
    t = api.tracker(m, k, b)
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", t)
    assert t != api.tracker(m, k, b2)
