"""The verifier's credential checks (spec §10.4) and the roll commitment a
voter was given (§10.5).

:func:`check_credentials` is called first by :func:`votecrypt.verify._verify`;
it checks the record's ``credentials`` section against the board and the roll
and hands back the record without it, so the rest of the verifier sees the
§6 record it knows. Every check has its own name, so a test can show that
each one alone refuses a record (tests/votecrypt/test_credentials_verify.py).
The failure class is passed in, so this module does not import the verifier.
"""
from __future__ import annotations

import multiprocessing as mp
from typing import Any, Callable, Sequence

from . import credentials as cr
from .ballot import BallotError, Election, ballot_fingerprint, parse_ballot
from .group import GroupError, decode_point
from .manifest import Manifest, ManifestError

FIELDS = {"authority", "roll_commitment", "roll_size", "list", "signature", "revocations", "ballots"}
NO_CREDENTIALS = ("credentials: NONE — this record has no voter credentials, so nothing in it shows that "
                  "the server did not add ballots for members who did not vote")


class _Fail(Exception):
    def __init__(self, check: str, detail: str):
        super().__init__(check, detail)
        self.check, self.detail = check, detail


def _need(cond: bool, check: str, detail: str = "") -> None:
    if not cond:
        raise _Fail(check, detail)


def check_credentials(rec: Any, workers: int, report: Any, failure: Callable[[str, str], Exception]) -> Any:
    """Check ``rec["credentials"]`` (if any); return the record without it.
    ``report.checks`` gets one line; a failure raises ``failure(check, detail)``."""
    if not isinstance(rec, dict):
        return rec
    if "credentials" not in rec:
        report.checks.append(NO_CREDENTIALS)
        return rec
    rest = {k: v for k, v in rec.items() if k != "credentials"}
    try:
        summary = _check(rec, rec["credentials"], workers)
    except _Fail as e:
        raise failure(e.check, e.detail) from None
    except (TypeError, KeyError, ValueError, AttributeError, IndexError) as e:
        raise failure("credentials", f"malformed: {e!r}") from None
    report.checks.append(summary)
    return rest


def _point(x: Any, check: str) -> bytes:
    try:
        return decode_point(x)
    except GroupError as e:
        raise _Fail(check, f"not a valid public credential: {e.reason}") from None


def _check(rec: dict[str, Any], c: Any, workers: int) -> str:
    try:
        m = Manifest.from_json(rec["manifest"])
    except ManifestError as e:
        raise _Fail("manifest", str(e)) from None
    F = m.fingerprint
    _need(isinstance(c, dict) and set(c) == FIELDS, "credentials", "malformed: unknown or missing fields")
    auth = c["authority"]
    _need(isinstance(auth, dict) and set(auth) == {"name", "key"} and isinstance(auth["name"], str)
          and type(c["roll_size"]) is int and isinstance(c["roll_commitment"], str)
          and isinstance(c["list"], list) and isinstance(c["revocations"], list)
          and isinstance(c["ballots"], list), "credentials", "malformed")
    A = _point(auth["key"], "credentials.authority")

    # 2. the list: valid points, sorted, no duplicates
    points = [_point(p, f"credentials.list[{i}]") for i, p in enumerate(c["list"])]
    _need(len(set(points)) == len(points), "credentials.list.duplicates", "a public credential is listed twice")
    _need(points == sorted(points), "credentials.list.sorted", "the list is not sorted")

    # 3. no longer than the frozen roll, and that roll is the record's
    roll, changes = rec["roll"], rec["roll_changes"]
    _need(len(points) <= c["roll_size"], "credentials.size",
          f"{len(points)} credentials for a roll of {c['roll_size']}")
    # The record's roll is the frozen roll with its changes; its areas may differ (areas with few
    # ballots are merged at the close), so its commitment may too: the sizes must agree.
    added = sum(1 for x in changes if x["change"] == "added")
    removed = sum(1 for x in changes if x["change"] == "removed")
    # (at most: a voter added after the freeze and then removed is listed once, as removed)
    _need(c["roll_size"] <= roll["size"] - added + removed, "credentials.roll",
          "the frozen roll's size does not match the roll and its changes")

    # 4. the authority signed exactly this list for this roll
    rc = bytes.fromhex(c["roll_commitment"])
    _need(cr.verify_list(F, rc, c["roll_size"], points, A, c["signature"]), "credentials.signature",
          "the credential authority did not sign this list")

    # 5. revocations, in the order issued
    published, revoked, issued = set(points), set(), 0
    for i, r in enumerate(c["revocations"]):
        name = f"credentials.revocations[{i}]"
        _need(isinstance(r, dict) and set(r) == {"credential", "replacement", "reason", "signature"}
              and isinstance(r["reason"], str) and r["reason"].strip() != "", name, "malformed revocation")
        old = None if r["credential"] is None else _point(r["credential"], name)
        new = None if r["replacement"] is None else _point(r["replacement"], f"{name}.replacement")
        _need(old is not None or new is not None, name, "revokes nothing and issues nothing")
        if old is None:  # a credential issued for a voter added after the freeze
            issued += 1
            _need(issued <= added, f"{name}.credential", "more credentials issued than voters added to the roll")
        else:
            _need(old in published and old not in revoked, f"{name}.credential",
                  "not a published credential, or already revoked")
        _need(new is None or new not in published, f"{name}.replacement", "the replacement was already published")
        _need(cr.verify_revocation(F, old, new, r["reason"], A, r["signature"]), f"{name}.signature",
              "not signed by the credential authority")
        if old is not None:
            revoked.add(old)
        if new is not None:
            published.add(new)

    # 6. every counted ballot signed by a published, unrevoked credential, each credential once
    board, sigs = rec["board"], c["ballots"]
    _need(isinstance(board, list) and len(sigs) == len(board), "credentials.ballots",
          "not one signature per counted ballot")
    used: set[bytes] = set()
    creds = []
    for i, (e, s) in enumerate(zip(board, sigs)):
        name = f"credentials.ballots[{i}]"
        _need(isinstance(s, dict) and set(s) == {"tracker", "credential", "signature"}, name, "malformed entry")
        _need(s["tracker"] == e["tracker"], f"{name}.tracker", "not board[i]'s tracker")
        P = _point(s["credential"], f"{name}.credential")
        _need(P in published, f"{name}.credential", "not on the authority's list")
        _need(P not in revoked, f"{name}.revoked", "signed with a revoked credential")
        _need(P not in used, f"{name}.twice", "a second counted ballot with one credential")
        used.add(P)
        creds.append(P)
    election = Election(m, decode_point(rec["joint_key"]))
    bad = _signatures(election, [e["ballot"] for e in board], creds, [s["signature"] for s in sigs], workers)
    if bad is not None:
        _need(False, *bad)
    return (f"credentials: {len(sigs)} counted ballots signed by {len(used)} credentials from the list of "
            f"{len(points)} signed by the credential authority {auth['name']!r} (key {auth['key']}); "
            f"{len(revoked)} revoked")


# --- signatures, in worker processes --------------------------------------------------

_E: Election | None = None


def _init(manifest: dict[str, Any], key: str) -> None:
    global _E
    _E = Election(Manifest.from_json(manifest), bytes.fromhex(key))


def _chunk(args: tuple[int, Sequence[Any], Sequence[bytes], Sequence[Any]]) -> tuple[str, str] | None:
    start, ballots, creds, sigs = args
    e = _E
    assert e is not None
    for i, (b, P, s) in enumerate(zip(ballots, creds, sigs), start):
        try:
            fp = ballot_fingerprint(parse_ballot(e, b))
        except BallotError as err:
            return f"board[{i}].{err.where}", err.reason
        if not cr.verify_ballot_signature(e.fingerprint, fp, P, s):
            return f"credentials.ballots[{i}].signature", "not signed by its credential"
    return None


def _signatures(election: Election, ballots: list, creds: list, sigs: list, workers: int) -> tuple[str, str] | None:
    n = len(ballots)
    size = max(1, min(4000, n // (4 * max(1, workers)) + 1))
    jobs = [(s, ballots[s:s + size], creds[s:s + size], sigs[s:s + size]) for s in range(0, n, size)]
    args = (election.manifest.to_json(), election.key.hex())
    if workers > 1 and len(jobs) > 1:
        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        with ctx.Pool(workers, _init, args) as pool:
            for bad in pool.imap(_chunk, jobs):  # in board order: the first failure is reported
                if bad is not None:
                    return bad
        return None
    _init(*args)
    for job in jobs:
        if (bad := _chunk(job)) is not None:
            return bad
    return None


# --- the roll commitment a voter was given (§10.5) -------------------------------------

def frozen_roll_commitment(rec: Any) -> str | None:
    """The commitment of the roll as it froze, as far as the record shows it:
    the authority-signed one when there are credentials, else the record's
    roll when nothing changed after the freeze (if areas were merged at the
    close, that differs from the frozen one, and the check fails)."""
    if isinstance(rec.get("credentials"), dict):
        return rec["credentials"].get("roll_commitment")
    if not rec.get("roll_changes"):
        return rec.get("roll", {}).get("commitment")
    return None


def check_roll_commitment(rec: Any, expected: str) -> str | None:
    """None if the record's frozen roll has commitment ``expected`` (hex, any
    case, spaces and hyphens ignored), else why not."""
    want = "".join(ch for ch in expected.lower() if ch not in " -:")
    try:
        got = frozen_roll_commitment(rec)
    except (AttributeError, TypeError):
        got = None
    if got is None:
        return "the roll changed after it froze and the record has no signed frozen-roll commitment"
    if got != want:
        return f"differs from the commitment you were given: the record's frozen roll is {got}"
    return None


__all__ = ["check_credentials", "check_roll_commitment", "frozen_roll_commitment", "NO_CREDENTIALS"]
