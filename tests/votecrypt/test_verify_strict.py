"""Mutation tests for the checks the record specification added after the
independent review (docs/election-record.md §1, §6.4, §6.7, §7): for each, a
record that only that check refuses, with its check name and reason asserted,
so that removing the check fails a test."""
import copy
import json

import pytest

from votecrypt import api, ceremony_record
from votecrypt.ballot import Election, audit_code
from votecrypt.cli import main
from votecrypt.elgamal import encrypt
from votecrypt.group import encode_scalar
from votecrypt.manifest import Manifest
from votecrypt.rng import SeededRng
from votecrypt.strictjson import StrictJSONError, loads
from votecrypt.verify import verify_record, verify_record_text


def _audited(d, choices, seed="strict-audit"):
    """An audited entry whose ciphertexts really encrypt ``choices`` (first
    option only for a binary question) under the nonces it reveals."""
    e = Election(Manifest.from_json(d["manifest"]), bytes.fromhex(d["key"]))
    rng = SeededRng(seed)
    cts, nonces = [], []
    for q, sel in zip(e.manifest.questions, choices):
        enc = sel[: q.width]
        rs = [rng.scalar() for _ in enc]
        cts.append([encrypt(x, r, e.key) for x, r in zip(enc, rs)])
        nonces.append([encode_scalar(r) for r in rs])
    return {"code": audit_code(e, cts), "ct": [[c.to_json() for c in q] for q in cts], "choices": choices, "nonces": nonces}


def _with_audited(d, entry):
    rec = copy.deepcopy(d["record"])
    rec["audited"] = [entry]
    return rec


def test_the_fixture_and_a_valid_audited_ballot_pass(small_record):
    rep = verify_record(_with_audited(small_record, _audited(small_record, [[1, 0], [1, 1, 0], [0, 0]])))
    assert rep.ok, (rep.failed, rep.detail)
    assert rep.not_checked == ["ceremony: the record carries no commit-before-reveal digests and no tie-lot seed"]


def test_audited_choices_need_one_entry_per_option(small_record):
    # the yes/no question's ciphertext encrypts "yes"; its choices give only one entry, not one per option
    entry = _audited(small_record, [[1, 0], [1, 0, 0], [0, 0]])
    entry["choices"][0] = [1]
    rep = verify_record(_with_audited(small_record, entry))
    assert (rep.failed, rep.detail) == ("audited[0].choices", "question strike: exactly one 0 or 1 per option")
    entry["choices"][0] = [1, True]  # a boolean is not a 0 or 1
    assert verify_record(_with_audited(small_record, entry)).failed == "audited[0].choices"


def test_audited_choices_must_be_a_valid_selection(small_record):
    # every ciphertext re-encrypts from its choice: only the selection is wrong
    for choices, detail in (([[1, 1], [1, 0, 0], [0, 0]], "question strike: 2 chosen, outside 1 to 1"),
                            ([[1, 0], [1, 1, 1], [0, 0]], "question exec: 3 chosen, outside 1 to 2"),
                            ([[1, 0], [0, 0, 0], [0, 0]], "question exec: 0 chosen, outside 1 to 2")):
        rep = verify_record(_with_audited(small_record, _audited(small_record, choices)))
        assert (rep.failed, rep.detail) == ("audited[0].selection", detail)


def test_board_must_be_in_strictly_increasing_tracker_order(small_record):
    rec = copy.deepcopy(small_record["record"])
    assert [e["tracker"] for e in rec["board"]] == sorted(e["tracker"] for e in rec["board"])
    rec["board"][1], rec["board"][2] = rec["board"][2], rec["board"][1]  # same ballots, same sums
    rep = verify_record(rec)
    assert (rep.failed, rep.detail) == ("board[2].order", "the board is not in strictly increasing tracker order")


@pytest.fixture(scope="module")
def sealed_record(small_record):
    d = small_record
    tallies = api.tally(d["manifest"], d["key"], d["record"]["board"])
    return api.build_record(d["manifest"], d["key"], d["publics"], dict(map(tuple, d["record"]["roll"]["voters"])),
                            d["record"]["board"], tallies, {})


def test_a_sealed_headline_passes_only_when_the_record_says_so_and_is_reported(sealed_record, tmp_path, capsys):
    assert sealed_record["headline"] == "sealed"
    rep = verify_record(sealed_record)
    assert rep.ok and rep.not_checked and rep.not_checked[0].startswith("headline: the record says its headline tally is sealed")
    p = tmp_path / "sealed.json"
    p.write_text(json.dumps(sealed_record))
    assert main([str(p)]) == 0
    assert any(line.startswith("NOT CHECKED headline:") for line in capsys.readouterr().out.splitlines())
    rec = copy.deepcopy(sealed_record)
    rec["headline"] = "decrypted"
    rep = verify_record(rec)
    assert (rep.failed, rep.detail) == ("headline", "the headline tally is sealed but the record does not say so")


def test_a_decrypted_headline_cannot_claim_to_be_sealed(small_record):
    rec = copy.deepcopy(small_record["record"])
    rec["headline"] = "sealed"
    rep = verify_record(rec)
    assert (rep.failed, rep.detail) == ("headline", "the record says the headline tally is sealed but it is decrypted")


def _text(rec):
    return json.dumps(rec, separators=(",", ":"))


def test_integers_written_as_floats_are_refused_in_text_and_in_objects(small_record):
    text = _text(small_record["record"])
    assert verify_record_text(text).ok
    assert '"size":4,' in text
    for bad in ("4.0", "4e0", "40E-1"):
        rep = verify_record_text(text.replace('"size":4,', f'"size":{bad},'))
        assert rep.failed == "record.json" and rep.detail == f"float: the number {bad} is written as a float; integers only"
    rec = copy.deepcopy(small_record["record"])
    rec["tallies"][1]["ballots"] = float(rec["tallies"][1]["ballots"])  # equal as a number, so only the float check sees it
    rep = verify_record(rec)
    assert (rep.failed, rep.detail) == ("record.json", "float: the number at record.tallies[1].ballots is written as a float; integers only")
    with pytest.raises(StrictJSONError, match="NaN is not a JSON number"):
        loads('{"a": NaN}')


def test_duplicate_keys_are_refused_anywhere(small_record):
    text = _text(small_record["record"])
    # a plain JSON reader keeps the last value, so this record would read as valid
    assert json.loads('{"headline":"sealed",' + text[1:]) == small_record["record"]
    rep = verify_record_text('{"headline":"sealed",' + text[1:])
    assert (rep.failed, rep.detail) == ("record.json", "duplicate-key: the key 'headline' appears twice in one object")
    inner = text.replace('"size":4,', '"size":5,"size":4,')
    assert verify_record_text(inner).detail == "duplicate-key: the key 'size' appears twice in one object"


def test_cli_refuses_a_duplicate_key_as_a_failed_check(small_record, tmp_path, capsys):
    p = tmp_path / "dup.json"
    p.write_text('{"postal":null,' + _text(small_record["record"])[1:])
    assert main([str(p)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "0 ballots" and any(line.startswith("FAIL record.json: duplicate-key") for line in out)


# --- the key ceremony's digests and the tie-lot seed (spec §6.8) -----------------------------

SEEDS = {1: "11" * 32, 2: "22" * 32, 3: "33" * 32}


def _ceremony(d, revealed=(1, 2), decrypted=True):
    rows = [{"index": p["index"], "commitment_digest": ceremony_record.commitment_digest(d["manifest"], p),
             "seed_commitment": ceremony_record.seed_commitment(d["manifest"], p["index"], SEEDS[p["index"]]),
             "seed_reveal": SEEDS[p["index"]] if p["index"] in revealed else None} for p in d["publics"]]
    return ceremony_record.ceremony_section(d["manifest"], rows, headline_decrypted=decrypted)


@pytest.fixture(scope="module")
def with_ceremony(small_record):
    rec = copy.deepcopy(small_record["record"])
    rec["ceremony"] = _ceremony(small_record)
    return rec


def test_a_record_with_its_ceremony_verifies_and_names_the_lot_seed(with_ceremony, small_record):
    rep = verify_record(with_ceremony)
    assert rep.ok and rep.not_checked == [], (rep.failed, rep.detail, rep.not_checked)
    seed = ceremony_record.lot_seed(small_record["manifest"], {1: SEEDS[1], 2: SEEDS[2]})
    assert with_ceremony["ceremony"]["lot_seed"] == seed
    assert any(c.startswith(f"ceremony: 3 commitment digests match; lot seed {seed[:16]}") for c in rep.checks)


def test_commitments_that_do_not_match_the_digest_posted_first_are_refused(with_ceremony, small_record):
    rec = copy.deepcopy(with_ceremony)
    _, other = api.dkg_commit(small_record["manifest"], 2)  # what a trustee choosing after seeing the others would post
    rec["ceremony"]["trustees"][1]["commitment_digest"] = ceremony_record.commitment_digest(small_record["manifest"], other)
    rep = verify_record(rec)
    assert (rep.failed, rep.detail) == ("ceremony.trustees[2].commitment_digest", "the trustee's commitments do not match the digest they posted first")


def test_a_revealed_value_must_match_its_commitment(with_ceremony):
    rec = copy.deepcopy(with_ceremony)
    rec["ceremony"]["trustees"][0]["seed_reveal"] = "44" * 32
    rep = verify_record(rec)
    assert (rep.failed, rep.detail) == ("ceremony.trustees[1].seed_reveal", "the revealed value does not match its commitment")


def test_the_lot_seed_is_the_hash_of_exactly_k_revealed_values(with_ceremony, small_record):
    rec = copy.deepcopy(with_ceremony)
    rec["ceremony"]["lot_seed"] = ceremony_record.lot_seed(small_record["manifest"], {1: SEEDS[1]})  # a value left out
    rep = verify_record(rec)
    assert (rep.failed, rep.detail) == ("ceremony.lot_seed", "not the hash of the revealed values")
    rec["ceremony"] = _ceremony(small_record, revealed=(1, 2, 3))  # a third value, which the count did not need
    rep = verify_record(rec)
    assert rep.failed == "ceremony.lot_seed" and rep.detail.startswith("the count needs exactly 2 revealed seed values")


def test_a_sealed_record_has_no_lot_seed_yet(sealed_record, small_record):
    rec = copy.deepcopy(sealed_record)
    rec["ceremony"] = _ceremony(small_record, revealed=(1,), decrypted=False)
    assert rec["ceremony"]["lot_seed"] is None and verify_record(rec).ok
    rec["ceremony"]["lot_seed"] = ceremony_record.lot_seed(small_record["manifest"], {1: SEEDS[1]})
    rep = verify_record(rec)
    assert (rep.failed, rep.detail) == ("ceremony.lot_seed", "there is no lot seed before the headline is decrypted")
