"""Voter credentials (spec §10): ballots the server cannot add.

A *credential* is a private scalar ``x`` derived from a short *code* a person
can type; the *public credential* is ``P = x·G``.  A credential authority
independent of the server (the scrutineer) makes one code per member of the
frozen roll, keeps the codes from the server, and publishes only the sorted
list of public credentials, signed with its own authority key.  Every ballot
is signed with the voter's credential: a Schnorr signature over the ballot's
fingerprint (which covers the election, the alias, every ciphertext and every
proof).  The server checks the signature before storing the ballot; the
verifier checks every counted ballot against the published list.

Codes: 15 characters of the RFC 4648 base32 alphabet ``A–Z 2–7`` — 14 random
characters (70 bits) and one check character, shown as three groups of five
(``ABCDE-FGHIJ-KLMN7``).  On input, case, spaces and hyphens are ignored and
``0``/``1``/``8`` read as ``O``/``I``/``B``.  ``x = Hc("credential", F, code)``
with ``F`` the manifest fingerprint, so a code is useless in another election.

Signatures are compact Schnorr pairs ``[c, v]``:
``c = Hc(domain, ctx…, P, v·G − c·P)``.  Domains: ``"ballot-signature"``
(ctx ``F, ballot fingerprint``), and for the authority's key
``"credential-list"`` and ``"credential-revocation"`` (see
:func:`list_message` and :func:`revocation_message`).
"""
from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any, Sequence

from .group import L, GroupError, decode_point, decode_scalar, encode_scalar, mul, mul_base, sub
from .hash import challenge
from .rng import Rng, default_rng

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
CODE_DATA = 14
CODE_LENGTH = CODE_DATA + 1
_READ_AS = {"0": "O", "1": "I", "8": "B"}


class CredentialError(ValueError):
    """``reason``: bad-code, malformed-signature, bad-signature, malformed-point, ..."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


# --- codes --------------------------------------------------------------------

def _check_char(data: str) -> str:
    """First 5 bits of SHA-256("unionhall/credential-code/1" ‖ data)."""
    h = hashlib.sha256(b"unionhall/credential-code/1" + data.encode("ascii")).digest()
    return ALPHABET[h[0] >> 3]


def new_code() -> str:
    """A fresh random code (70 bits from the system CSPRNG), formatted."""
    data = base64.b32encode(secrets.token_bytes(10)).decode()[:CODE_DATA]  # 14 of 16 characters: 70 bits
    data += _check_char(data)
    return "-".join(data[i:i + 5] for i in range(0, CODE_LENGTH, 5))


def format_code(code: str) -> str:
    c = normalise_code(code)
    return "-".join(c[i:i + 5] for i in range(0, CODE_LENGTH, 5))


def normalise_code(code: str) -> str:
    """The 15 canonical characters of a typed code; raises ``bad-code`` if it
    has the wrong length, a character outside the alphabet, or a wrong check."""
    if not isinstance(code, str):
        raise CredentialError("bad-code", "not text")
    c = "".join(_READ_AS.get(ch, ch) for ch in code.upper() if ch not in " -\t\n")
    if len(c) != CODE_LENGTH or any(ch not in ALPHABET for ch in c):
        raise CredentialError("bad-code", f"a code has {CODE_LENGTH} letters and digits")
    if _check_char(c[:CODE_DATA]) != c[CODE_DATA]:
        raise CredentialError("bad-code", "the check character does not match: a character was mistyped")
    return c


def derive_secret(F: bytes, code: str) -> int:
    """x = Hc("credential", F, code) (code normalised); never 0 in practice."""
    x = challenge("credential", F, normalise_code(code))
    if x == 0:  # probability 2^-252
        raise CredentialError("bad-code", "degenerate code")
    return x


def public_credential(F: bytes, code: str) -> bytes:
    return mul_base(derive_secret(F, code))


# --- Schnorr signatures -------------------------------------------------------

def schnorr_sign(domain: str, ctx: Sequence[Any], x: int, rng: Rng | None = None,
                 nonce: int | None = None) -> tuple[int, int]:
    """``nonce`` only for test vectors; otherwise drawn from ``rng``."""
    P = mul_base(x)
    while True:
        w = nonce if nonce is not None else default_rng(rng).scalar()
        c = challenge(domain, *ctx, P, mul_base(w))
        v = (w + c * x) % L
        if c and v:
            return c, v
        if nonce is not None:
            raise ValueError("degenerate nonce")


def schnorr_verify(domain: str, ctx: Sequence[Any], P: bytes, sig: tuple[int, int]) -> bool:
    c, v = sig
    if not c or not v:
        return False
    return challenge(domain, *ctx, P, sub(mul_base(v), mul(c, P))) == c


def encode_signature(sig: tuple[int, int]) -> list[str]:
    return [encode_scalar(sig[0]), encode_scalar(sig[1])]


def decode_signature(data: Any) -> tuple[int, int]:
    if not isinstance(data, list) or len(data) != 2:
        raise CredentialError("malformed-signature", "expected [c, v]")
    try:
        return decode_scalar(data[0]), decode_scalar(data[1])
    except GroupError as e:
        raise CredentialError("malformed-signature", str(e)) from None


def decode_credential(data: Any) -> bytes:
    try:
        return decode_point(data)
    except GroupError as e:
        raise CredentialError(e.reason, "public credential: " + str(e)) from None


# --- ballots --------------------------------------------------------------------

def sign_ballot(F: bytes, fingerprint: bytes, x: int, rng: Rng | None = None,
                nonce: int | None = None) -> list[str]:
    """Signature ``[c, v]`` of a ballot with fingerprint ``fingerprint`` (§6.4)."""
    return encode_signature(schnorr_sign("ballot-signature", (F, fingerprint), x, rng, nonce))


def verify_ballot_signature(F: bytes, fingerprint: bytes, public: bytes, signature: Any) -> bool:
    try:
        sig = decode_signature(signature)
    except CredentialError:
        return False
    return schnorr_verify("ballot-signature", (F, fingerprint), public, sig)


# --- the authority's signatures ---------------------------------------------------

def list_message(F: bytes, roll_commitment: bytes, roll_size: int, credentials: Sequence[bytes]) -> tuple:
    """ctx of the list signature: F, the frozen roll's commitment and size, the
    number of credentials, then each public credential in sorted order."""
    return (F, roll_commitment, roll_size, len(credentials), *sorted(credentials))


def revocation_message(F: bytes, credential: bytes | None, replacement: bytes | None, reason: str) -> tuple:
    """ctx of a revocation: F, the revoked credential, its replacement and the
    reason (UTF-8); an absent credential or replacement is 32 zero bytes. No
    revoked credential and a replacement: a credential *issued* for a voter
    added to the roll after it froze."""
    zero = bytes(32)
    return (F, credential if credential is not None else zero, replacement if replacement is not None else zero, reason)


def sign_list(F: bytes, roll_commitment: bytes, roll_size: int, credentials: Sequence[bytes], key: int,
              rng: Rng | None = None) -> list[str]:
    return encode_signature(schnorr_sign("credential-list", list_message(F, roll_commitment, roll_size, credentials),
                                         key, rng))


def verify_list(F: bytes, roll_commitment: bytes, roll_size: int, credentials: Sequence[bytes], authority: bytes,
                signature: Any) -> bool:
    try:
        sig = decode_signature(signature)
    except CredentialError:
        return False
    return schnorr_verify("credential-list", list_message(F, roll_commitment, roll_size, credentials),
                          authority, sig)


def sign_revocation(F: bytes, credential: bytes | None, replacement: bytes | None, reason: str, key: int,
                    rng: Rng | None = None) -> list[str]:
    return encode_signature(schnorr_sign("credential-revocation",
                                         revocation_message(F, credential, replacement, reason), key, rng))


def verify_revocation(F: bytes, credential: bytes | None, replacement: bytes | None, reason: str, authority: bytes,
                      signature: Any) -> bool:
    try:
        sig = decode_signature(signature)
    except CredentialError:
        return False
    return schnorr_verify("credential-revocation", revocation_message(F, credential, replacement, reason),
                          authority, sig)


# --- JSON in, JSON out (for the web app and the tools) -------------------------------

def ballot_fingerprint_json(manifest: dict[str, Any], joint_key: str, ballot: dict[str, Any]) -> tuple[bytes, bytes]:
    """(F, fingerprint) of a ballot, strictly decoded (raises ``BallotError``)."""
    from . import ballot as _b
    from .manifest import Manifest
    e = _b.Election(Manifest.from_json(manifest), decode_point(joint_key))
    return e.fingerprint, _b.ballot_fingerprint(_b.parse_ballot(e, ballot))


def public_from_code(manifest: dict[str, Any], code: str) -> str:
    from .manifest import Manifest
    return public_credential(Manifest.from_json(manifest).fingerprint, code).hex()


def sign_ballot_json(manifest: dict[str, Any], joint_key: str, ballot: dict[str, Any], code: str,
                     rng: Rng | None = None) -> dict[str, Any]:
    """``{"credential": P hex, "signature": [c, v]}`` for a ballot, from the voter's code."""
    F, fp = ballot_fingerprint_json(manifest, joint_key, ballot)
    x = derive_secret(F, code)
    return {"credential": mul_base(x).hex(), "signature": sign_ballot(F, fp, x, rng)}


def check_ballot_signature_json(manifest: dict[str, Any], joint_key: str, ballot: dict[str, Any],
                                credential: str, signature: Any) -> None:
    """Raises :class:`CredentialError` unless ``signature`` is a valid signature
    of this ballot by the public credential ``credential``."""
    F, fp = ballot_fingerprint_json(manifest, joint_key, ballot)
    if not verify_ballot_signature(F, fp, decode_credential(credential), signature):
        raise CredentialError("bad-signature", "the ballot is not signed by this credential")


__all__ = ["ballot_fingerprint_json", "public_from_code", "sign_ballot_json", "check_ballot_signature_json",
           "CredentialError", "new_code", "format_code", "normalise_code", "derive_secret",
           "public_credential", "sign_ballot", "verify_ballot_signature", "sign_list", "verify_list",
           "sign_revocation", "verify_revocation", "encode_signature", "decode_signature",
           "decode_credential", "schnorr_sign", "schnorr_verify"]
