"""Prime-order Ed25519 subgroup, via libsodium only (PyNaCl ``nacl.bindings``).

Spec symbols (docs/election-record.md §2): ``G`` generator, ``L`` group order,
points are 32-byte compressed Ed25519 encodings, scalars are 32-byte
little-endian integers in ``[0, L)``.

Why the wrappers: libsodium's scalar multiplication refuses a zero scalar and
an identity result, and ``crypto_core_ed25519_is_valid_point`` rejects the
identity (it has small order).  Exponential ElGamal needs ``0·G`` (an
encrypted 0 before it is blinded, or a decrypted total of 0), so the wrappers
below make the group total: the identity is a *value* (``IDENTITY``) that may
appear in memory and in derived, recomputed fields (tallies, decryption
shares), but :func:`decode_point` never accepts it from a voter or trustee.
No curve or field arithmetic is written here; only scalars (ints mod L).
"""
from __future__ import annotations

from nacl import bindings as _s

L = 2**252 + 27742317777372353535851937790883648493
_P = 2**255 - 19
IDENTITY = bytes([1]) + bytes(31)


class GroupError(ValueError):
    """A point or scalar failed strict decoding. ``reason`` is a stable code."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def _sc(k: int) -> bytes:
    return (k % L).to_bytes(32, "little")


def mul_base(k: int) -> bytes:
    """k·G (identity when k ≡ 0)."""
    k %= L
    return IDENTITY if k == 0 else _s.crypto_scalarmult_ed25519_base_noclamp(_sc(k))


def mul(k: int, p: bytes) -> bytes:
    """k·P for P in the prime-order subgroup or the identity.

    libsodium re-checks P's subgroup membership here, so a point that slipped
    past decoding still cannot be multiplied."""
    k %= L
    if k == 0 or p == IDENTITY:
        return IDENTITY
    return _s.crypto_scalarmult_ed25519_noclamp(_sc(k), p)


def add(p: bytes, q: bytes) -> bytes:
    if p == IDENTITY:
        return q
    if q == IDENTITY:
        return p
    return _s.crypto_core_ed25519_add(p, q)


def sub(p: bytes, q: bytes) -> bytes:
    if q == IDENTITY:
        return p
    return _s.crypto_core_ed25519_sub(p, q)


def neg(p: bytes) -> bytes:
    return sub(IDENTITY, p)


G = mul_base(1)


def decode_point(data: str | bytes, *, allow_identity: bool = False) -> bytes:
    """Strictly decode a point: 32 bytes, canonical, prime-order subgroup, not
    the identity (unless ``allow_identity`` for recomputed derived values)."""
    b = _bytes(data, "malformed-point")
    if len(b) != 32:
        raise GroupError("malformed-point", f"{len(b)} bytes, expected 32")
    if int.from_bytes(b, "little") & ((1 << 255) - 1) >= _P:
        raise GroupError("non-canonical", "y coordinate not reduced mod p")
    if b == IDENTITY and allow_identity:
        return b
    if not _s.crypto_core_ed25519_is_valid_point(b):
        raise GroupError("malformed-point", "not a point of the prime-order subgroup")
    return b


def decode_scalar(data: str | bytes) -> int:
    b = _bytes(data, "malformed-scalar")
    if len(b) != 32:
        raise GroupError("malformed-scalar", f"{len(b)} bytes, expected 32")
    k = int.from_bytes(b, "little")
    if k >= L:
        raise GroupError("scalar-range", "scalar not below the group order")
    return k


def encode_scalar(k: int) -> str:
    return _sc(k).hex()


def _bytes(data: str | bytes, reason: str) -> bytes:
    if isinstance(data, bytes):
        return data
    if not isinstance(data, str) or data != data.lower():
        raise GroupError(reason, "expected lower-case hex")
    try:
        return bytes.fromhex(data)
    except ValueError:
        raise GroupError(reason, "not hex") from None


__all__ = ["L", "G", "IDENTITY", "GroupError", "mul", "mul_base", "add", "sub", "neg",
           "decode_point", "decode_scalar", "encode_scalar"]
