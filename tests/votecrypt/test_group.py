import pytest
from hypothesis import given, strategies as st

from votecrypt import api
from votecrypt.ballot import BallotError
from votecrypt.elgamal import Ciphertext
from votecrypt.group import (G, IDENTITY, L, GroupError, add, decode_point, decode_scalar, mul,
                             mul_base, neg, sub)
from votecrypt.rng import SeededRng
from votecrypt.threshold import TrusteeError, TrusteePublic

P = 2**255 - 19

# RFC 9496 appendix A.1: multiples of the generator.
MULTIPLES = {
    0: "00" * 32,
    1: "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
    2: "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
    15: "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
}

# RFC 9496 appendix A.2 (a selection): encodings every implementation must reject.
NON_CANONICAL = [
    "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  # s >= 2^255
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # s >= p
    "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # s = p (identity + p)
    "0100000000000000000000000000000000000000000000000000000000000000",  # negative (odd) s
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
]
INVALID = [
    "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",  # non-square x^2
    "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
    "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",  # negative xy
    "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # s = -1
]


def test_generator_and_multiples_match_rfc9496():
    assert G.hex() == MULTIPLES[1]
    for k, enc in MULTIPLES.items():
        assert mul_base(k).hex() == enc
        assert mul(k, G).hex() == enc


@given(st.integers(0, L - 1), st.integers(0, L - 1))
def test_scalar_arithmetic_is_consistent(a, b):
    assert add(mul_base(a), mul_base(b)) == mul_base(a + b)
    assert mul(a, mul_base(b)) == mul_base(a * b)
    assert sub(mul_base(a), mul_base(b)) == mul_base(a - b)


def test_identity_is_total_but_never_decoded_by_default():
    assert IDENTITY == bytes(32)
    assert mul_base(0) == mul_base(L) == IDENTITY == mul(5, IDENTITY) == mul(0, G) == add(G, neg(G))
    assert add(IDENTITY, G) == G == sub(G, IDENTITY) and sub(G, G) == IDENTITY
    assert decode_point(IDENTITY, allow_identity=True) == IDENTITY
    with pytest.raises(GroupError) as e:
        decode_point(IDENTITY.hex())
    assert e.value.reason == "identity-point"


@pytest.mark.parametrize("bad", NON_CANONICAL)
def test_non_canonical_encodings_rejected(bad):
    for allow in (False, True):
        with pytest.raises(GroupError) as e:
            decode_point(bad, allow_identity=allow)
        assert e.value.reason == "non-canonical"


@pytest.mark.parametrize("bad", INVALID)
def test_invalid_encodings_rejected(bad):
    with pytest.raises(GroupError) as e:
        decode_point(bad, allow_identity=True)
    assert e.value.reason == "malformed-point"


def test_valid_encoding_with_top_bit_set_rejected():
    for k in (1, 2, 15):
        enc = int.from_bytes(mul_base(k), "little") | (1 << 255)
        with pytest.raises(GroupError) as e:
            decode_point(enc.to_bytes(32, "little"))
        assert e.value.reason == "non-canonical"


def test_wrong_length_and_unvalidated_points_refused_by_arithmetic():
    for bad in (G[:31], G + b"\0"):
        with pytest.raises(GroupError):
            decode_point(bad)
        with pytest.raises(GroupError):
            mul(3, bad)
        with pytest.raises(GroupError):
            add(G, bad)
    with pytest.raises(GroupError):
        mul(3, bytes.fromhex(INVALID[0]))  # libsodium re-validates on every operation


def test_hex_must_be_lowercase_without_whitespace_and_scalars_in_range():
    for bad in (mul_base(7).hex().upper(), " " + mul_base(7).hex()[1:], mul_base(7).hex()[:62] + " 0"):
        with pytest.raises(GroupError):
            decode_point(bad)
    assert decode_scalar((L - 1).to_bytes(32, "little").hex()) == L - 1
    with pytest.raises(GroupError) as e:
        decode_scalar(L.to_bytes(32, "little").hex())
    assert e.value.reason == "scalar-range"
    with pytest.raises(GroupError):
        decode_scalar("00" * 31)


def test_identity_refused_where_unsafe(election):
    m, key = election["manifest"], election["key"]
    b, _ = api.encrypt_ballot(m, key, "v", [[1, 0], [0, 1, 0], [0, 0]], SeededRng("id"))
    for q, i, j in ((0, 0, 0), (0, 0, 1), (1, 2, 0)):  # alpha (unblinded) or beta of a voter
        bad = {**b, "questions": [dict(x) for x in b["questions"]]}
        cts = [list(c) for c in bad["questions"][q]["ct"]]
        cts[i][j] = "00" * 32
        bad["questions"][q]["ct"] = cts
        with pytest.raises(BallotError) as e:
            api.verify_ballot(m, key, bad)
        assert e.value.reason == "identity-point"
    with pytest.raises(GroupError):  # joint key
        api.verify_ballot(m, "00" * 32, b)
    pub = dict(election["publics"][0])
    pub["commitments"] = ["00" * 32] + pub["commitments"][1:]
    with pytest.raises(TrusteeError, match="identity-point"):  # trustee commitment
        TrusteePublic.from_json(pub, 2)
    # derived fields (tally sums, decryption shares) may be the identity
    assert Ciphertext.from_json(["00" * 32] * 2, allow_identity=True).alpha == IDENTITY
