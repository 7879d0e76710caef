from hypothesis import given, settings, strategies as st

from votecrypt.elgamal import ZERO, decrypt_to_point, dlog, encrypt
from votecrypt.group import L, mul_base


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000_000 - 1), st.integers(1, L - 1), st.integers(1, L - 1))
def test_decrypt_encrypt(m, r, s):
    assert dlog(decrypt_to_point(encrypt(m, r, mul_base(s)), s)) == m


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1000), st.integers(1, L - 1)), min_size=1, max_size=8),
       st.integers(1, L - 1))
def test_homomorphic_sum(msgs, s):
    K = mul_base(s)
    total = ZERO
    for m, r in msgs:
        total = total + encrypt(m, r, K)
    assert dlog(decrypt_to_point(total, s)) == sum(m for m, _ in msgs)


def test_dlog_bounds():
    assert dlog(mul_base(0)) == 0
    assert dlog(mul_base(9_999_999)) == 9_999_999
    assert dlog(mul_base(10_000_000)) is None
    assert dlog(mul_base(5), bound=5) is None
