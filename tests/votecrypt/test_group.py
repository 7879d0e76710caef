import pytest
from hypothesis import given, strategies as st

from votecrypt.group import (G, IDENTITY, L, GroupError, add, decode_point, decode_scalar, mul,
                             mul_base, neg, sub)

ORDER8 = bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
P = 2**255 - 19


def test_generator_is_standard_ed25519_base():
    assert G.hex() == "58" + "66" * 31


@given(st.integers(0, L - 1), st.integers(0, L - 1))
def test_scalar_arithmetic_is_consistent(a, b):
    assert add(mul_base(a), mul_base(b)) == mul_base(a + b)
    assert mul(a, mul_base(b)) == mul_base(a * b)
    assert sub(mul_base(a), mul_base(b)) == mul_base(a - b)


def test_identity_is_total_but_never_decoded():
    assert mul_base(0) == IDENTITY == mul(5, IDENTITY) == add(G, neg(G))
    assert decode_point(IDENTITY, allow_identity=True) == IDENTITY
    with pytest.raises(GroupError, match="malformed-point"):
        decode_point(IDENTITY)


@pytest.mark.parametrize("bad,reason", [
    (ORDER8, "malformed-point"),                                  # small order
    (add(G, ORDER8), "malformed-point"),                          # not in the prime-order subgroup
    ((P - 1).to_bytes(32, "little"), "malformed-point"),          # order 2 point (y = -1)
    ((P + 3).to_bytes(32, "little"), "non-canonical"),            # y >= p
    (bytes([2]) + bytes(31), "malformed-point"),                  # y = 2 is not on the curve
    (G[:31], "malformed-point"),
    (G + b"\0", "malformed-point"),
])
def test_strict_point_decoding(bad, reason):
    with pytest.raises(GroupError) as e:
        decode_point(bad.hex())
    assert e.value.reason == reason


def test_non_canonical_encoding_of_valid_point_rejected():
    # y + p for a small y that is valid: find one with y + p < 2^255
    for y in range(19):
        enc = (y + P).to_bytes(32, "little")
        with pytest.raises(GroupError):
            decode_point(enc)


def test_hex_must_be_lowercase_and_scalars_in_range():
    with pytest.raises(GroupError):
        decode_point(mul_base(7).hex().upper())
    assert mul_base(7).hex() != mul_base(7).hex().upper()
    assert decode_scalar((L - 1).to_bytes(32, "little").hex()) == L - 1
    with pytest.raises(GroupError) as e:
        decode_scalar(L.to_bytes(32, "little").hex())
    assert e.value.reason == "scalar-range"
    with pytest.raises(GroupError):
        decode_scalar("00" * 31)
