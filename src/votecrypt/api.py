"""The small, safe API for the web app: JSON in, JSON out (cf. ``fernet`` vs
``hazmat``).  Everything here takes and returns JSON-serialisable values;
points and scalars are lower-case hex.  Errors are :class:`BallotError`,
:class:`TrusteeError`, :class:`ManifestError` (all ``ValueError``).

``rng`` defaults to the system CSPRNG; pass ``SeededRng`` only in tests.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from . import ballot as _b
from . import ceremony_record as _cr
from . import record as _r
from . import threshold as _t
from .ballot import BallotError, Election
from .elgamal import Ciphertext
from .group import decode_point, decode_scalar, encode_scalar
from .manifest import Manifest, ManifestError, Question
from .rng import Rng, SeededRng, SystemRng, default_rng
from .threshold import TrusteeError
from .verify import Report, verify_record as _verify_record

Json = dict[str, Any]

__all__ = ["make_manifest", "fingerprint", "dkg_commit", "dkg_share", "dkg_check_share", "dkg_finish",
           "run_dkg", "dkg_check_public", "joint_key", "encrypt_ballot", "verify_ballot", "audit_ballot", "ballot_fingerprint",
           "replay_keys", "tracker", "tally", "decryption_share", "verify_decryption_share",
           "combine_shares", "option_counts", "build_record", "verify_record", "audited_entry", "audit_code", "not_counted_entry", "BallotError", "TrusteeError",
           "ManifestError", "SeededRng", "SystemRng", "Report"]


def make_manifest(election_id: str, title: str, questions: Sequence[Mapping[str, Any]],
                  trustees: int, threshold: int) -> Json:
    """``questions``: [{"id", "title", "options": [...], "min_selections", "max_selections"}]."""
    qs = tuple(Question(q["id"], q.get("title", ""), tuple(q["options"]),
                        q.get("min_selections", 1), q.get("max_selections", 1)) for q in questions)
    return Manifest(election_id, title, qs, trustees, threshold).to_json()


def fingerprint(manifest: Json) -> str:
    return Manifest.from_json(manifest).fingerprint.hex()


def _election(manifest: Json, joint_key: str) -> Election:
    return Election(Manifest.from_json(manifest), decode_point(joint_key))


# --- distributed key generation: one pure function per trustee step -------

def dkg_commit(manifest: Json, index: int, rng: Rng | None = None) -> tuple[Json, Json]:
    """Round 1 for trustee ``index``: returns (secret — keep private, public — publish)."""
    sec, pub = _t.dkg_commit(Manifest.from_json(manifest), index, default_rng(rng))
    return {"index": sec.index, "coefficients": [encode_scalar(a) for a in sec.coefficients]}, pub.to_json()


def dkg_share(secret: Json, recipient: int) -> str:
    """Round 2: the share for ``recipient``; send it confidentially."""
    sec = _t.TrusteeSecret(secret["index"], tuple(decode_scalar(a) for a in secret["coefficients"]))
    return encode_scalar(_t.dkg_share(sec, recipient))


def dkg_check_share(manifest: Json, sender_public: Json, recipient: int, share: str) -> bool:
    m = Manifest.from_json(manifest)
    pub = _t.TrusteePublic.from_json(sender_public, m.threshold)
    _t.verify_trustee(m, pub)
    return _t.verify_share(pub, recipient, decode_scalar(share))


def dkg_finish(manifest: Json, index: int, received: Mapping[int, str],
               publics: Sequence[Json]) -> tuple[Json, str]:
    """Round 3: returns (trustee key — keep private, joint public key hex)."""
    m = Manifest.from_json(manifest)
    pubs = [_t.TrusteePublic.from_json(p, m.threshold) for p in publics]
    key = _t.dkg_finish(m, index, {int(i): decode_scalar(s) for i, s in received.items()}, pubs)
    return {"index": key.index, "share": encode_scalar(key.share)}, _t.joint_key(pubs).hex()


def dkg_check_public(manifest: Json, public: Json) -> None:
    """Raises :class:`TrusteeError` unless a trustee's round-1 data is well formed
    and every commitment's proof of knowledge verifies."""
    m = Manifest.from_json(manifest)
    _t.verify_trustee(m, _t.TrusteePublic.from_json(public, m.threshold))


def joint_key(manifest: Json, publics: Sequence[Json]) -> str:
    """The election public key from all trustees' round-1 data."""
    m = Manifest.from_json(manifest)
    return _t.joint_key([_t.TrusteePublic.from_json(p, m.threshold) for p in publics]).hex()


def run_dkg(manifest: Json, rng: Rng | None = None) -> tuple[str, list[Json], list[Json]]:
    """All trustees in one process (tests, demo): (joint key, trustee keys, publics)."""
    n = manifest["trustees"]
    rounds = [dkg_commit(manifest, i, rng) for i in range(1, n + 1)]
    publics = [p for _, p in rounds]
    keys = []
    for j in range(1, n + 1):
        got = {sec["index"]: dkg_share(sec, j) for sec, _ in rounds}
        key, joint = dkg_finish(manifest, j, got, publics)
        keys.append(key)
    return joint, keys, publics


# --- ballots ----------------------------------------------------------------

def encrypt_ballot(manifest: Json, joint_key: str, alias: str, choices: Sequence[Sequence[int]],
                   rng: Rng | None = None) -> tuple[Json, Json]:
    """Reference booth.  Returns (ballot, audit secrets).  Show the tracker; if
    the voter audits, publish the secrets and discard the ballot."""
    b, nonces = _b.encrypt_ballot(_election(manifest, joint_key), alias, choices, default_rng(rng))
    return b.to_json(), {"choices": [list(c) for c in choices], "nonces": _b.encode_nonces(nonces)}


def verify_ballot(manifest: Json, joint_key: str, ballot: Json, alias: str | None = None) -> None:
    """Raises :class:`BallotError` (``.reason``, ``.where``) if the ballot is not acceptable."""
    _b.verify_ballot(_election(manifest, joint_key), ballot, alias)


def audit_ballot(manifest: Json, joint_key: str, ballot: Json, secrets: Json) -> None:
    """Benaloh audit: raises :class:`BallotError` unless the revealed choices and
    nonces re-encrypt to exactly this ballot's ciphertexts."""
    _b.audit_ballot(_election(manifest, joint_key), ballot, secrets["choices"], secrets["nonces"])


def _parsed(manifest: Json, joint_key: str, ballot: Json) -> _b.EncryptedBallot:
    return _b.parse_ballot(_election(manifest, joint_key), ballot)


def ballot_fingerprint(manifest: Json, joint_key: str, ballot: Json) -> str:
    return _b.ballot_fingerprint(_parsed(manifest, joint_key, ballot)).hex()


def not_counted_entry(manifest: Json, joint_key: str, ballot: Json, why: str) -> Json:
    """A replaced or withdrawn ballot as the record lists it: its tracker and
    the fingerprint the tracker is computed from (which shows neither the
    alias nor the content), and why it does not count."""
    fp = _b.ballot_fingerprint(_parsed(manifest, joint_key, ballot))
    return {"tracker": _b.tracker_of(fp), "fingerprint": fp.hex(), "why": why}


def replay_keys(manifest: Json, joint_key: str, ballot: Json) -> set[str]:
    """Reject the ballot if any of these is already on the board."""
    return {a.hex() for a in _b.replay_keys(_parsed(manifest, joint_key, ballot))}


def tracker(manifest: Json, joint_key: str, ballot: Json) -> str:
    return _b.tracker(_parsed(manifest, joint_key, ballot))


def board_entry(manifest: Json, joint_key: str, ballot: Json, area: str) -> Json:
    return _r.board_entry(ballot, _parsed(manifest, joint_key, ballot), area)


def audit_code(manifest: Json, joint_key: str, ct: Sequence[Sequence[Any]]) -> str:
    """The check code of an audited ballot from its ciphertexts (per question)."""
    return _b.audit_code(_election(manifest, joint_key), [[Ciphertext.from_json(c) for c in q] for q in ct])


def audited_entry(manifest: Json, joint_key: str, ballot: Json, secrets: Json) -> Json:
    """An audited ballot as the record publishes it: check code, ciphertexts, secrets."""
    return _r.audited_entry(_election(manifest, joint_key), _parsed(manifest, joint_key, ballot), secrets)


# --- tally and decryption ---------------------------------------------------

def tally(manifest: Json, joint_key: str, board: Iterable[Json]) -> list[Json]:
    """Encrypted tallies (headline first, then per area) of the board's cast ballots."""
    return _r.tallies_json(_r.accumulate(_election(manifest, joint_key), list(board)))


def decryption_share(manifest: Json, joint_key: str, trustee_key: Json, tally: Json,
                     rng: Rng | None = None) -> Json:
    e = _election(manifest, joint_key)
    key = _t.TrusteeKey(trustee_key["index"], decode_scalar(trustee_key["share"]))
    return _t.decryption_share(e.fingerprint, e.key, key, tally["area"], _r.tally_ciphertexts(tally),
                               default_rng(rng)).to_json()


def verify_decryption_share(manifest: Json, joint_key: str, publics: Sequence[Json], tally: Json,
                            share: Json) -> bool:
    e = _election(manifest, joint_key)
    m = e.manifest
    S = _t.share_keys([_t.TrusteePublic.from_json(p, m.threshold) for p in publics])
    cts = _r.tally_ciphertexts(tally)
    s = _t.DecryptionShare.from_json(share, len(cts))
    return s.index in S and _t.verify_decryption_share(e.fingerprint, e.key, S[s.index],
                                                       tally["area"], cts, s) is None


def combine_shares(manifest: Json, tally: Json, shares: Sequence[Json]) -> list[int]:
    """Counts per slot (one per ciphertext, manifest order; a binary question's
    one slot counts its first option) from >= threshold verified shares.
    :func:`option_counts` turns them into per-option totals."""
    m = Manifest.from_json(manifest)
    n = len(m.slots)
    return _r.decode_counts(m, tally, [_t.DecryptionShare.from_json(s, n) for s in shares])


def option_counts(manifest: Json, counts: Sequence[int], ballots: int) -> list[list[int]]:
    """Per question, per option totals from a tally's slot counts and ballot count."""
    return Manifest.from_json(manifest).option_counts(counts, ballots)


def build_record(manifest: Json, joint_key: str, publics: Sequence[Json], roll: Mapping[str, str],
                 board: Sequence[Json], tallies: Sequence[Json],
                 shares: Mapping[str, Sequence[Json]], **extra: Any) -> Json:
    """``roll``: alias -> area; ``shares``: area ("" headline) -> decryption
    shares; ``extra``: ``not_counted``, ``audited``, ``roll_changes``,
    ``postal``, ``credentials`` (see :func:`votecrypt.record.build_record`)."""
    e = _election(manifest, joint_key)
    m = e.manifest
    pubs = [_t.TrusteePublic.from_json(p, m.threshold) for p in publics]
    sh = {a: [_t.DecryptionShare.from_json(s, len(m.slots)) for s in v] for a, v in shares.items()}
    return _cr.finish(_r.build_record(e, pubs, roll, board, tallies, sh, **{k: v for k, v in extra.items() if k != "ceremony"}), extra.get("ceremony"))  # ceremony_record: issue 15 (B)


def verify_record(record: Json, workers: int = 1) -> Report:
    """Never raises on bad input: returns a :class:`Report` (``ok``, ``failed``, ``ballots``)."""
    return _verify_record(record, workers)
