"""ristretto255 (RFC 9496), via the system libsodium only (spec §2).

Spec symbols (docs/election-record.md §2): ``G`` generator, ``L`` group order,
points are 32-byte canonical ristretto255 encodings, scalars are 32-byte
little-endian integers in ``[0, L)``.

libsodium is loaded with :mod:`ctypes` and only the five ristretto255
functions below are declared; no curve or field arithmetic is written here,
only scalars (ints mod L).  ristretto255 has prime order, so every decodable
encoding is a usable group element and equal elements have equal encodings
(byte comparison is group equality).

The identity ``IDENTITY`` (32 zero bytes) is a valid ristretto255 encoding.
libsodium's scalar multiplication refuses a zero scalar, an identity input
and an identity result, so :func:`mul` and :func:`mul_base` handle those
cases themselves; exponential ElGamal needs ``0·G`` (an encrypted 0 before it
is blinded, a decrypted total of 0).  The identity may appear in memory and
in derived, recomputed fields (tallies, decryption shares), but
:func:`decode_point` refuses it unless the caller passes ``allow_identity``.
"""
from __future__ import annotations

import ctypes
import ctypes.util

L = 2**252 + 27742317777372353535851937790883648493
_P = 2**255 - 19
IDENTITY = bytes(32)


def _load() -> ctypes.CDLL:
    name = ctypes.util.find_library("sodium")
    if not name:
        raise ImportError("votecrypt needs the system libsodium >= 1.0.18 (Debian: libsodium23)")
    lib = ctypes.CDLL(name)
    if lib.sodium_init() < 0:
        raise ImportError("sodium_init failed")
    out, inp = ctypes.c_char_p, ctypes.c_char_p  # 32-byte buffers; lengths checked below
    for fn, args in [("crypto_scalarmult_ristretto255", (out, inp, inp)),
                     ("crypto_scalarmult_ristretto255_base", (out, inp)),
                     ("crypto_core_ristretto255_add", (out, inp, inp)),
                     ("crypto_core_ristretto255_sub", (out, inp, inp)),
                     ("crypto_core_ristretto255_is_valid_point", (inp,))]:
        f = getattr(lib, fn)
        f.argtypes, f.restype = args, ctypes.c_int
    return lib


_lib = _load()
_smul, _smul_base = _lib.crypto_scalarmult_ristretto255, _lib.crypto_scalarmult_ristretto255_base
_add, _sub = _lib.crypto_core_ristretto255_add, _lib.crypto_core_ristretto255_sub
_is_valid = _lib.crypto_core_ristretto255_is_valid_point


class GroupError(ValueError):
    """A point or scalar failed strict decoding. ``reason`` is a stable code."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def _sc(k: int) -> bytes:
    return (k % L).to_bytes(32, "little")


def _check32(*points: bytes) -> None:
    for p in points:
        if len(p) != 32:  # C reads exactly 32 bytes
            raise GroupError("malformed-point", "expected 32 bytes")


def _out(ok: int, buf) -> bytes:
    if ok != 0:  # zero scalars and identity results are handled by the callers
        raise GroupError("malformed-point", "libsodium refused the point")
    return buf.raw


_Buf = ctypes.c_char * 32


def mul_base(k: int) -> bytes:
    """k·G (identity when k ≡ 0)."""
    k %= L
    if k == 0:
        return IDENTITY
    buf = _Buf()
    return _out(_smul_base(buf, k.to_bytes(32, "little")), buf)


def mul(k: int, p: bytes) -> bytes:
    """k·P (identity when k ≡ 0 or P is the identity; otherwise never, as L is prime)."""
    k %= L
    if k == 0 or p == IDENTITY:
        return IDENTITY
    _check32(p)
    buf = _Buf()
    return _out(_smul(buf, k.to_bytes(32, "little"), p), buf)


def add(p: bytes, q: bytes) -> bytes:
    if p == IDENTITY:
        return q
    if q == IDENTITY:
        return p
    _check32(p, q)
    buf = _Buf()
    return _out(_add(buf, p, q), buf)


def sub(p: bytes, q: bytes) -> bytes:
    if q == IDENTITY:
        return p
    _check32(p, q)
    buf = _Buf()
    return _out(_sub(buf, p, q), buf)


def neg(p: bytes) -> bytes:
    return sub(IDENTITY, p)


G = mul_base(1)


def decode_point(data: str | bytes, *, allow_identity: bool = False) -> bytes:
    """Strictly decode a point: 32 bytes, the canonical ristretto255 encoding of
    a group element, and not the identity unless ``allow_identity`` (only for
    recomputed derived values: tallies, decryption shares)."""
    b = _bytes(data, "malformed-point")
    if len(b) != 32:
        raise GroupError("malformed-point", f"{len(b)} bytes, expected 32")
    s = int.from_bytes(b, "little")
    if s >= _P or s & 1:  # integer checks only, so the reason can be precise
        raise GroupError("non-canonical", "s not reduced mod p, or negative (odd)")
    if b == IDENTITY:
        if allow_identity:
            return b
        raise GroupError("identity-point", "the identity is not allowed here")
    if not _is_valid(b):
        raise GroupError("malformed-point", "not a ristretto255 encoding")
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
    try:
        b = bytes.fromhex(data)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        b = None
    if b is None or b.hex() != data:  # exactly lower-case hex: no upper case, no whitespace
        raise GroupError(reason, "expected lower-case hex")
    return b


__all__ = ["L", "G", "IDENTITY", "GroupError", "mul", "mul_base", "add", "sub", "neg",
           "decode_point", "decode_scalar", "encode_scalar"]
