"""Dealerless threshold keys (Pedersen DKG with Feldman commitments) and
k-of-n decryption (spec §7).

Trustee ``i`` (1-based) picks a random polynomial ``f_i`` of degree ``k-1``,
publishes ``C_i,t = a_i,t·G`` for each coefficient with a Schnorr proof of
knowledge, and privately sends ``f_i(j)`` to trustee ``j`` (transport
encryption is the app's job).  Trustee ``j`` checks each received share
against the sender's commitments (``f_i(j)·G == Σ_t j^t·C_i,t``), and keeps
``s_j = Σ_i f_i(j)``.  The joint key is ``K = Σ_i C_i,0``; trustee j's public
share key is ``S_j = s_j·G = Σ_t j^t·(Σ_i C_i,t)``, computable by anyone.

Decryption of ``(alpha, beta)``: trustee ``j`` publishes ``M_j = s_j·alpha``
with a Chaum-Pedersen proof that ``log_G S_j == log_alpha M_j``; any ``k``
shares give ``m·G = beta - Σ λ_j·M_j`` with Lagrange coefficients at 0.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from .elgamal import Ciphertext
from .group import IDENTITY, L, GroupError, add, decode_point, mul, mul_base, sub
from .hash import VERSION, digest
from .manifest import Manifest
from .proofs import Proof, prove_dleq, prove_dlog, verify_dleq, verify_dlog
from .rng import Rng


class TrusteeError(ValueError):
    pass


@dataclass(frozen=True)
class TrusteeSecret:
    index: int
    coefficients: tuple[int, ...]


@dataclass(frozen=True)
class TrusteePublic:
    index: int
    commitments: tuple[bytes, ...]
    proofs: tuple[Proof, ...]

    def to_json(self) -> dict[str, Any]:
        return {"version": VERSION, "index": self.index,
                "commitments": [c.hex() for c in self.commitments],
                "proofs": [p.to_json() for p in self.proofs]}

    @classmethod
    def from_json(cls, d: Any, threshold: int) -> "TrusteePublic":
        try:
            if set(d) != {"version", "index", "commitments", "proofs"} or d["version"] != VERSION \
                    or len(d["commitments"]) != threshold or len(d["proofs"]) != threshold or type(d["index"]) is not int:
                raise TrusteeError("malformed trustee public data")
            return cls(d["index"], tuple(decode_point(c) for c in d["commitments"]),
                       tuple(Proof.from_json(p, 1) for p in d["proofs"]))
        except (KeyError, TypeError, GroupError) as e:
            raise TrusteeError(f"malformed trustee public data: {e}") from None


@dataclass(frozen=True)
class TrusteeKey:
    index: int
    share: int  # s_j


def _ctx(m: Manifest, index: int, t: int) -> tuple:
    return (m.fingerprint, index, t)


def dkg_commit(m: Manifest, index: int, rng: Rng) -> tuple[TrusteeSecret, TrusteePublic]:
    """Round 1 for trustee ``index``: polynomial, commitments and proofs."""
    if not 1 <= index <= m.trustees:
        raise TrusteeError("trustee index out of range")
    coeffs = tuple(rng.scalar() for _ in range(m.threshold))
    comms = tuple(mul_base(a) for a in coeffs)
    proofs = tuple(prove_dlog("coefficient", _ctx(m, index, t), a, c, rng)
                   for t, (a, c) in enumerate(zip(coeffs, comms)))
    return TrusteeSecret(index, coeffs), TrusteePublic(index, comms, proofs)


def verify_trustee(m: Manifest, pub: TrusteePublic) -> None:
    if not 1 <= pub.index <= m.trustees or len(pub.commitments) != m.threshold:
        raise TrusteeError(f"trustee {pub.index}: wrong index or commitment count")
    for t, (c, p) in enumerate(zip(pub.commitments, pub.proofs)):
        if not verify_dlog("coefficient", _ctx(m, pub.index, t), c, p):
            raise TrusteeError(f"trustee {pub.index}: bad proof for coefficient {t}")


def dkg_share(secret: TrusteeSecret, recipient: int) -> int:
    """Round 2: ``f_i(recipient)``, to be sent privately to ``recipient``."""
    return sum(a * pow(recipient, t, L) for t, a in enumerate(secret.coefficients)) % L


def _eval_commitments(comms: Sequence[bytes], x: int) -> bytes:
    acc = IDENTITY
    for t, c in enumerate(comms):
        acc = add(acc, mul(pow(x, t, L), c))
    return acc


def verify_share(sender: TrusteePublic, recipient: int, share: int) -> bool:
    return 0 < share < L and mul_base(share) == _eval_commitments(sender.commitments, recipient)


def dkg_finish(m: Manifest, index: int, received: Mapping[int, int],
               publics: Sequence[TrusteePublic]) -> TrusteeKey:
    """Round 3: check every received share; raises naming the first bad sender
    (the basis of a complaint) and otherwise returns ``s_index``."""
    by = {p.index: p for p in publics}
    if sorted(by) != list(range(1, m.trustees + 1)) or sorted(received) != sorted(by):
        raise TrusteeError("need public data and a share from every trustee")
    for i in sorted(by):
        verify_trustee(m, by[i])
        if not verify_share(by[i], index, received[i]):
            raise TrusteeError(f"share from trustee {i} does not match its commitments")
    return TrusteeKey(index, sum(received.values()) % L)


def joint_key(publics: Iterable[TrusteePublic]) -> bytes:
    acc = IDENTITY
    for p in publics:
        acc = add(acc, p.commitments[0])
    return acc


def share_keys(publics: Sequence[TrusteePublic]) -> dict[int, bytes]:
    """``S_j`` for every trustee j."""
    k = len(publics[0].commitments)
    summed = []
    for t in range(k):
        acc = IDENTITY
        for p in publics:
            acc = add(acc, p.commitments[t])
        summed.append(acc)
    return {p.index: _eval_commitments(summed, p.index) for p in publics}


# --- decryption -----------------------------------------------------------

@dataclass(frozen=True)
class DecryptionShare:
    index: int
    points: tuple[bytes, ...]  # M_j per slot
    proofs: tuple[Proof, ...]

    def to_json(self) -> dict[str, Any]:
        return {"version": VERSION, "index": self.index, "m": [p.hex() for p in self.points],
                "proofs": [p.to_json() for p in self.proofs]}

    @classmethod
    def from_json(cls, d: Any, slots: int) -> "DecryptionShare":
        try:
            if d["version"] != VERSION or len(d["m"]) != slots or len(d["proofs"]) != slots \
                    or type(d["index"]) is not int:
                raise TrusteeError("malformed decryption share")
            return cls(d["index"], tuple(decode_point(p, allow_identity=True) for p in d["m"]),
                       tuple(Proof.from_json(p, 1) for p in d["proofs"]))
        except (KeyError, TypeError, GroupError) as e:
            raise TrusteeError(f"malformed decryption share: {e}") from None


def _dctx(F: bytes, K: bytes, index: int, area: str, slot: int) -> tuple:
    return (F, K, index, area, slot)


def decryption_share(F: bytes, K: bytes, key: TrusteeKey, area: str,
                     cts: Sequence[Ciphertext], rng: Rng) -> DecryptionShare:
    """``area`` is "" for the headline tally."""
    S = mul_base(key.share)
    pts, proofs = [], []
    for slot, c in enumerate(cts):
        M = mul(key.share, c.alpha)
        pts.append(M)
        proofs.append(prove_dleq("decrypt", _dctx(F, K, key.index, area, slot),
                                 key.share, c.alpha, S, M, rng))
    return DecryptionShare(key.index, tuple(pts), tuple(proofs))


def verify_decryption_share(F: bytes, K: bytes, S: bytes, area: str,
                            cts: Sequence[Ciphertext], share: DecryptionShare) -> int | None:
    """The first slot whose proof fails, or None if all pass."""
    if len(share.points) != len(cts):
        return 0
    for slot, (c, M, p) in enumerate(zip(cts, share.points, share.proofs)):
        if not verify_dleq("decrypt", _dctx(F, K, share.index, area, slot), c.alpha, S, M, p):
            return slot
    return None


def lagrange_at_zero(indices: Sequence[int]) -> dict[int, int]:
    out = {}
    for i in indices:
        num = den = 1
        for j in indices:
            if j != i:
                num, den = num * j % L, den * (j - i) % L
        out[i] = num * pow(den, -1, L) % L
    return out


def combine(cts: Sequence[Ciphertext], shares: Sequence[DecryptionShare], threshold: int) -> list[bytes]:
    """``m·G`` per slot from at least ``threshold`` shares (the first ``threshold``
    distinct indices are used).  Shares must already be verified."""
    chosen = {s.index: s for s in shares}
    if len(chosen) < threshold:
        raise TrusteeError(f"need {threshold} decryption shares, have {len(chosen)}")
    idx = sorted(chosen)[:threshold]
    lam = lagrange_at_zero(idx)
    out = []
    for slot, c in enumerate(cts):
        M = IDENTITY
        for i in idx:
            M = add(M, mul(lam[i], chosen[i].points[slot]))
        out.append(sub(c.beta, M))
    return out


# --- commit before reveal, and the tie-lot seed (spec §6.8) -----------------

def commitment_digest(F: bytes, pub: TrusteePublic) -> bytes:
    """What a trustee posts before anyone's commitments are shown:
    ``Hd("dkg-commitments", F, i, C_i0, ..., C_i(k-1))``."""
    return digest("dkg-commitments", F, pub.index, *pub.commitments)


def seed_commitment(F: bytes, index: int, value: bytes) -> bytes:
    """``Hd("lot-seed", F, i, v_i)`` for trustee i's secret 32-byte value."""
    if len(value) != 32:
        raise TrusteeError("a seed value is 32 bytes")
    return digest("lot-seed", F, index, value)


def lot_seed(F: bytes, reveals: Mapping[int, bytes]) -> bytes:
    """``Hd("lot", F, i_1, v_i1, i_2, v_i2, ...)`` over the revealed values in trustee order."""
    items: list[Any] = [F]
    for i in sorted(reveals):
        items += [i, reveals[i]]
    return digest("lot", *items)
