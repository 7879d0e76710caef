"""Voter credentials (spec §10): codes, keys, ballot signatures, the authority's
signatures. Property tests with hypothesis."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from votecrypt import api, credentials as cr
from votecrypt.group import decode_scalar, mul_base
from votecrypt.rng import SeededRng

VECTORS = json.loads((Path(__file__).resolve().parents[2] / "booth/test/credential-vectors.json").read_text())
F = bytes(range(32))
codes = st.builds(lambda _: cr.new_code(), st.integers())


def _flip(b: bytes, bit: int) -> bytes:
    out = bytearray(b)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


@settings(max_examples=40, deadline=None)
@given(code=codes, fp=st.binary(min_size=32, max_size=32))
def test_sign_verify_round_trip(code, fp):
    x = cr.derive_secret(F, code)
    sig = cr.sign_ballot(F, fp, x)
    assert cr.verify_ballot_signature(F, fp, cr.public_credential(F, code), sig)


@settings(max_examples=60, deadline=None)
@given(code=codes, fp=st.binary(min_size=32, max_size=32), bit=st.integers(0, 255), part=st.sampled_from(["fp", "c", "v", "F"]))
def test_any_bit_flip_refused(code, fp, bit, part):
    x = cr.derive_secret(F, code)
    c, v = cr.sign_ballot(F, fp, x)
    P, f, e = cr.public_credential(F, code), fp, F
    if part == "fp":
        f = _flip(fp, bit)
    elif part == "F":
        e = _flip(F, bit)
    elif part == "c":
        c = _flip(bytes.fromhex(c), bit).hex()
    else:
        v = _flip(bytes.fromhex(v), bit).hex()
    assert not cr.verify_ballot_signature(e, f, P, [c, v])


@settings(max_examples=30, deadline=None)
@given(a=codes, b=codes, fp=st.binary(min_size=32, max_size=32))
def test_another_credential_refused(a, b, fp):
    if cr.normalise_code(a) == cr.normalise_code(b):
        return
    sig = cr.sign_ballot(F, fp, cr.derive_secret(F, a))
    assert not cr.verify_ballot_signature(F, fp, cr.public_credential(F, b), sig)


@settings(max_examples=40, deadline=None)
@given(code=codes, pos=st.integers(0, 14), shift=st.integers(1, 31))
def test_a_mistyped_character_is_caught_by_the_check_or_changes_the_key(code, pos, shift):
    raw = cr.normalise_code(code)
    typo = raw[:pos] + cr.ALPHABET[(cr.ALPHABET.index(raw[pos]) + shift) % 32] + raw[pos + 1:]
    try:
        got = cr.public_credential(F, typo)
    except cr.CredentialError as e:
        assert e.reason == "bad-code"
    else:  # 1 in 32 typos pass the check character; they still give another key
        assert got != cr.public_credential(F, code)


def test_codes_shape_and_read_as():
    code = cr.new_code()
    assert len(code) == 17 and code.count("-") == 2
    assert cr.normalise_code(VECTORS["read_as"]["typed"]) == VECTORS["read_as"]["code"]
    for bad in VECTORS["bad_codes"]:
        with pytest.raises(cr.CredentialError) as ei:
            cr.normalise_code(bad)
        assert ei.value.reason == "bad-code"
    # a code belongs to one election
    assert cr.public_credential(F, code) != cr.public_credential(_flip(F, 0), code)


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["name"])
def test_vectors(case):
    m, k, b = case["manifest"], case["joint_key"], case["ballot"]
    Fv = bytes.fromhex(api.fingerprint(m))
    assert cr.derive_secret(Fv, case["code"]) == decode_scalar(case["secret"])
    assert cr.public_from_code(m, case["typed"]) == case["credential"]
    assert mul_base(decode_scalar(case["secret"])).hex() == case["credential"]
    assert api.ballot_fingerprint(m, k, b) == case["ballot_fingerprint"]
    fp = bytes.fromhex(case["ballot_fingerprint"])
    assert cr.sign_ballot(Fv, fp, decode_scalar(case["secret"]), nonce=decode_scalar(case["nonce"])) == case["signature"]
    cr.check_ballot_signature_json(m, k, b, case["credential"], case["signature"])
    with pytest.raises(cr.CredentialError) as ei:
        cr.check_ballot_signature_json(m, k, b, case["other_credential"], case["signature"])
    assert ei.value.reason == "bad-signature"
    signed = cr.sign_ballot_json(m, k, b, case["code"], SeededRng("x"))
    assert signed["credential"] == case["credential"]
    cr.check_ballot_signature_json(m, k, b, signed["credential"], signed["signature"])


def test_authority_list_and_revocation_signatures():
    key = SeededRng("authority").scalar()
    A = mul_base(key)
    creds = sorted(cr.public_credential(F, cr.new_code()) for _ in range(5))
    roll = bytes(32)
    sig = cr.sign_list(F, roll, 7, creds, key)
    assert cr.verify_list(F, roll, 7, creds, A, sig)
    assert cr.verify_list(F, roll, 7, list(reversed(creds)), A, sig)  # the list is signed sorted
    assert not cr.verify_list(F, roll, 7, creds[:-1], A, sig)
    assert not cr.verify_list(F, roll, 8, creds, A, sig)
    assert not cr.verify_list(F, roll, 7, creds, creds[0], sig)
    rsig = cr.sign_revocation(F, creds[0], creds[1], "lost the letter", key)
    assert cr.verify_revocation(F, creds[0], creds[1], "lost the letter", A, rsig)
    assert not cr.verify_revocation(F, creds[0], creds[1], "lost the letters", A, rsig)
    assert not cr.verify_revocation(F, creds[0], None, "lost the letter", A, rsig)
    assert not cr.verify_revocation(F, creds[0], creds[1], "lost the letter", A, ["00" * 32, "00" * 32])
    assert not cr.verify_revocation(F, creds[0], creds[1], "lost the letter", A, "junk")
