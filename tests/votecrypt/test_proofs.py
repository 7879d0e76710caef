import pytest
from hypothesis import given, settings, strategies as st

from votecrypt.elgamal import encrypt
from votecrypt.group import L, mul_base
from votecrypt.proofs import (Proof, prove_dleq, prove_dlog, prove_range, verify_dleq, verify_dlog,
                              verify_range)
from votecrypt.rng import SeededRng

rng = SeededRng("proofs")
K = mul_base(rng.scalar())
CTX = (b"F" * 32, "alias-1", "q1", 0)


@pytest.mark.parametrize("m,lo,hi", [(0, 0, 1), (1, 0, 1), (2, 1, 3), (3, 3, 3)])
def test_range_proof_roundtrip(m, lo, hi):
    r = rng.scalar()
    ct = encrypt(m, r, K)
    p = prove_range(CTX, K, ct, m, r, lo, hi, rng)
    assert verify_range(CTX, K, ct, p, lo, hi)
    assert not verify_range(CTX, K, ct, p, lo + 1, hi + 1)


def test_cannot_prove_out_of_range():
    with pytest.raises(ValueError):
        prove_range(CTX, K, encrypt(2, 5, K), 2, 5, 0, 1, rng)


def test_forged_range_proof_for_two_fails():
    # prover lies: claims the m=1 branch for a ciphertext of 2
    r = rng.scalar()
    ct = encrypt(2, r, K)
    p = prove_range(CTX, K, ct, 1, r, 0, 1, rng)
    assert not verify_range(CTX, K, ct, p, 0, 1)


R0 = rng.scalar()
CT0 = encrypt(1, R0, K)
P0 = prove_range(CTX, K, CT0, 1, R0, 0, 1, rng)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 3), st.integers(1, L - 1))
def test_any_tampered_scalar_fails(i, delta):
    s = list(P0.scalars)
    s[i] = (s[i] + delta) % L
    assert not verify_range(CTX, K, CT0, Proof(tuple(s)), 0, 1)


@pytest.mark.parametrize("ctx", [
    (b"G" * 32, "alias-1", "q1", 0),   # another election
    (b"F" * 32, "alias-2", "q1", 0),   # another voter
    (b"F" * 32, "alias-1", "q2", 0),   # another question
    (b"F" * 32, "alias-1", "q1", 1),   # another option
])
def test_proof_is_bound_to_its_context(ctx):
    assert verify_range(CTX, K, CT0, P0, 0, 1)
    assert not verify_range(ctx, K, CT0, P0, 0, 1)


def test_proof_bound_to_key_and_ciphertext():
    other = mul_base(12345)
    assert not verify_range(CTX, other, CT0, P0, 0, 1)
    assert not verify_range(CTX, K, encrypt(1, R0 + 1, K), P0, 0, 1)


def test_dleq_and_schnorr():
    x, h = rng.scalar(), mul_base(rng.scalar())
    X, Y = mul_base(x), mul_base(0)
    from votecrypt.group import mul
    Y = mul(x, h)
    p = prove_dleq("d", CTX, x, h, X, Y, rng)
    assert verify_dleq("d", CTX, h, X, Y, p)
    assert not verify_dleq("d", CTX, h, X, mul(x + 1, h), p)
    assert not verify_dleq("e", CTX, h, X, Y, p)
    q = prove_dlog("s", CTX, x, X, rng)
    assert verify_dlog("s", CTX, X, q)
    assert not verify_dlog("s", CTX[:3], X, q)
    assert not verify_dlog("s", CTX, X, Proof((q.scalars[0], (q.scalars[1] + 1) % L)))
