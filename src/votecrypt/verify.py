"""Independent verification of a whole election record (spec §8).

Checks run in the documented order and stop at the first failure, which is
reported by name.  Ballot proofs and tally sums, the expensive part, run in
``workers`` processes over contiguous chunks, so the first failing ballot is
still the first in board order.
"""
from __future__ import annotations

import multiprocessing as mp
import os
from dataclasses import dataclass, field
from typing import Any, Sequence

from . import ceremony_record, strictjson
from .ballot import BallotError, Election, audit_ciphertexts, audit_code, check_proofs, parse_ballot, tracker, tracker_of
from .elgamal import Ciphertext
from .group import GroupError, decode_point, mul_base
from .manifest import Manifest, ManifestError
from .record import NOT_COUNTED_WHY, RECORD_VERSION, ROLL_CHANGES, roll_commitment, tally_ciphertexts
from .tally import Accumulator
from .threshold import (DecryptionShare, TrusteeError, TrusteePublic, combine, commitment_digest, joint_key,
                        lot_seed, seed_commitment, share_keys, verify_decryption_share, verify_trustee)
from .verify_credentials import check_credentials


class CheckFailed(Exception):
    def __init__(self, check: str, detail: str = ""):
        super().__init__(f"{check}: {detail}" if detail else check)
        self.check, self.detail = check, detail


@dataclass
class Report:
    ok: bool = False
    checks: list[str] = field(default_factory=list)
    ballots: int = 0
    failed: str | None = None
    detail: str = ""
    results: list[dict[str, Any]] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)  # what a passing record did not let us check

    def lines(self, manifest: dict[str, Any] | None = None) -> list[str]:
        out = [f"ok   {c}" for c in self.checks]
        out += [f"NOT CHECKED {n}" for n in self.not_checked]
        if self.failed:
            out.append(f"FAIL {self.failed}: {self.detail}")
        for r in self.results:
            out.append(f"result {r['area'] or '(all areas)'} — {r['ballots']} ballots: {r['summary']}")
        out.append(f"{'PASSED' if self.ok else 'FAILED'}: checked {self.ballots} ballots")
        out.append(f"{self.ballots} ballots")
        return out


# --- ballot chunks (run in worker processes) -------------------------------

_ELECTION: Election | None = None


def _init(manifest: dict[str, Any], key: str) -> None:
    global _ELECTION
    _ELECTION = Election(Manifest.from_json(manifest), bytes.fromhex(key))


def _check_chunk(args: tuple[int, Sequence[dict[str, Any]]]):
    start, entries = args
    e = _ELECTION
    assert e is not None
    acc = Accumulator(len(e.manifest.slots))
    for i, entry in enumerate(entries, start):
        try:
            b = parse_ballot(e, entry["ballot"])
            check_proofs(e, b)
        except BallotError as err:
            return i - start, (f"board[{i}].{err.where}", err.reason), None
        if tracker(b) != entry["tracker"]:
            return i - start, (f"board[{i}].tracker", "tracker does not match the ballot"), None
        acc.add(b, entry["area"])
    return len(entries), None, {a: ([c.to_json() for c in cts], acc.counts[a]) for a, cts in acc.sums.items()}


def _ballots(election: Election, manifest_json: dict, board: list, workers: int, report: Report) -> Accumulator:
    chunk = max(1, min(2000, len(board) // (4 * workers) + 1))
    jobs = [(s, board[s:s + chunk]) for s in range(0, len(board), chunk)]
    acc = Accumulator(len(election.manifest.slots))
    if workers > 1 and len(jobs) > 1:
        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        with ctx.Pool(workers, _init, (manifest_json, election.key.hex())) as pool:
            results = pool.imap(_check_chunk, jobs)
            _merge(results, acc, report)
    else:
        _init(manifest_json, election.key.hex())
        _merge(map(_check_chunk, jobs), acc, report)
    return acc


def _merge(results, acc: Accumulator, report: Report) -> None:
    from .elgamal import Ciphertext
    for n, err, sums in results:
        report.ballots += n
        if err:
            raise CheckFailed(*err)
        part = Accumulator(acc.slots)
        for area, (cts, count) in sums.items():
            part.sums[area] = [Ciphertext.from_json(c, allow_identity=True) for c in cts]
            part.counts[area] = count
        acc.merge(part)


# --- the whole record -----------------------------------------------------

def verify_record(rec: Any, workers: int = 1) -> Report:
    """A record already parsed (by :func:`votecrypt.strictjson.loads`, or built
    in Python): a float anywhere is refused, as the strict reader would."""
    report = Report()
    try:
        where = strictjson.find_float(rec)
        _need(where is None, "record.json", f"float: the number at {where} is written as a float; integers only")
        _verify(rec, workers, report)
        report.ok = True
    except CheckFailed as e:
        report.failed, report.detail = e.check, e.detail
    return report


def verify_record_text(text: str | bytes, workers: int = 1) -> Report:
    """A record as published: strictly parsed (no repeated key, no float), then verified."""
    try:
        rec = strictjson.loads(text)
    except strictjson.StrictJSONError as e:
        return Report(failed="record.json", detail=str(e))
    report = Report()
    try:
        _verify(rec, workers, report)
        report.ok = True
    except CheckFailed as e:
        report.failed, report.detail = e.check, e.detail
    return report


def _need(cond: bool, check: str, detail: str = "") -> None:
    if not cond:
        raise CheckFailed(check, detail)


def _verify(rec: Any, workers: int, report: Report) -> None:
    ok = report.checks.append
    rec = check_credentials(rec, workers, report, CheckFailed)  # §10.4: voter credentials (verify_credentials.py)
    keys = {"version", "manifest", "fingerprint", "joint_key", "trustees", "roll", "roll_changes",
            "board", "not_counted", "audited", "tallies", "postal"} | ceremony_record.KEYS
    _need(isinstance(rec, dict) and rec.get("version") == RECORD_VERSION and set(rec) == keys,
          "record.version", f"not a {RECORD_VERSION} record or unknown fields")
    try:
        m = Manifest.from_json(rec["manifest"])
    except ManifestError as e:
        raise CheckFailed("manifest", str(e)) from None
    _need(rec["fingerprint"] == m.fingerprint.hex(), "manifest.fingerprint")
    ok(f"manifest {m.election_id!r}: {len(m.questions)} questions, fingerprint {m.fingerprint.hex()[:16]}…")

    try:
        pubs = [TrusteePublic.from_json(t, m.threshold) for t in rec["trustees"]]
        _need([p.index for p in pubs] == list(range(1, m.trustees + 1)), "trustees", "indices must be 1..n")
        for p in pubs:
            verify_trustee(m, p)
        K = decode_point(rec["joint_key"])
    except (TrusteeError, GroupError, TypeError) as e:
        raise CheckFailed("trustees", str(e)) from None
    _need(joint_key(pubs) == K, "joint_key", "not the sum of the trustees' constant commitments")
    ok(f"trustees: {m.trustees} commitments and proofs of knowledge; joint key, threshold {m.threshold}")
    election = Election(m, K)

    roll = rec["roll"]
    try:
        voters = [tuple(v) for v in roll["voters"]]
        aliases = [v[0] for v in voters]
        _need(all(len(v) == 2 and all(isinstance(x, str) for x in v) for v in voters)
              and aliases == sorted(set(aliases)) and type(roll["size"]) is int and roll["size"] == len(voters)
              and set(roll) == {"size", "commitment", "voters"}, "roll", "malformed roll")
    except (TypeError, KeyError) as e:
        raise CheckFailed("roll", repr(e)) from None
    _need(roll["commitment"] == roll_commitment(voters).hex(), "roll.commitment")
    ok(f"roll: {len(voters)} voters, commitment matches")

    _check_roll_changes(rec["roll_changes"], {v[0] for v in voters})

    area_of = dict(voters)
    board = rec["board"]
    _need(isinstance(board, list), "board", "not a list")
    cast: set[str] = set()
    seen_alpha: set[str] = set()
    for i, e in enumerate(board):
        try:
            _need(isinstance(e, dict) and set(e) == {"ballot", "area", "tracker"}, f"board[{i}]", "malformed entry")
            alias = e["ballot"]["alias"]
            _need(area_of.get(alias) == e["area"], f"board[{i}].alias", "not on the roll or wrong area")
            _need(alias not in cast, f"board[{i}].alias", "two counted ballots for one alias")
            cast.add(alias)
            _no_replay(e["ballot"], seen_alpha, f"board[{i}].replay")
        except (TypeError, KeyError, IndexError) as err:
            raise CheckFailed(f"board[{i}]", f"malformed: {err!r}") from None
    ok(f"board: {len(board)} counted ballots, one per alias, all on the roll, no replayed ciphertext")

    trackers = {e["tracker"] for e in board}
    _check_not_counted(rec["not_counted"], trackers)
    removed = sum(1 for c in rec["roll_changes"] if c["change"] == "removed")
    _need(sum(1 for n in rec["not_counted"] if n["why"] == "withdrawn") <= removed, "not_counted",
          "more ballots withdrawn than voters removed from the roll")
    ok(f"not counted: {len(rec['not_counted'])} replaced or withdrawn ballots, by tracker only")
    _check_audited(election, rec["audited"], seen_alpha)
    ok(f"audited: {len(rec['audited'])} opened ballots re-encrypt from their choices and nonces")

    acc = _ballots(election, rec["manifest"], board, workers, report)
    ok(f"ballots: {report.ballots} ballots' proofs and trackers verify, in tracker order")
    for i in range(1, len(board)):  # spec §6.4: the board's order, checked once every tracker is known to be right
        _need(board[i - 1]["tracker"] < board[i]["tracker"], f"board[{i}].order",
              "the board is not in strictly increasing tracker order")

    expected = acc.tallies()
    tallies = rec["tallies"]
    _need(isinstance(tallies, list) and len(tallies) == len(expected), "tallies", "wrong set of tallies")
    S = share_keys(pubs)
    for t, (area, n, cts) in zip(tallies, expected):
        name = f"tallies[{area or '*'}]"
        try:
            _need(set(t) == {"area", "ballots", "ct", "shares", "counts"}, name, "malformed tally")
            _need(t["area"] == area and type(t["ballots"]) is int and t["ballots"] == n, name, "area or ballot count")
            _need(tally_ciphertexts(t) == cts, f"{name}.ct", "not the sum of the cast ballots")
            shares = [DecryptionShare.from_json(s, len(cts)) for s in t["shares"]]
        except (TrusteeError, GroupError, TypeError, KeyError) as e:
            raise CheckFailed(name, str(e)) from None
        if not shares and t["counts"] is None:  # sealed: the sum checks, nothing is decrypted
            report.results.append({"area": area, "ballots": n, "counts": None, "summary": "sealed"})
            continue
        idx = [s.index for s in shares]
        _need(len(set(idx)) == len(idx) and set(idx) <= set(S) and len(idx) >= m.threshold,
              f"{name}.shares", f"need {m.threshold} distinct trustees")
        for s in shares:
            bad = verify_decryption_share(m.fingerprint, K, S[s.index], area, cts, s)
            _need(bad is None, f"{name}.shares[trustee {s.index}]", f"bad proof at slot {bad}")
        counts = t["counts"]
        _need(isinstance(counts, list) and len(counts) == len(cts)
              and all(type(c) is int and 0 <= c <= n for c in counts), f"{name}.counts", "malformed")
        pts = combine(cts, shares, m.threshold)
        for slot, (p, c) in enumerate(zip(pts, counts)):
            _need(p == mul_base(c), f"{name}.counts[{slot}]", "does not match the decryption")
        report.results.append({"area": area, "ballots": n, "counts": counts,
                               "summary": _summary(m, counts, n)})
    ok(f"tallies: {len(tallies)} tallies recomputed, decryption shares and counts verify")
    _check_headline(rec["headline"], report)
    _check_ceremony(m, pubs, rec["ceremony"], report)
    if rec["postal"] is not None:
        _check_postal(m, rec["postal"])
        ok("postal: the scrutineer's count is well formed (it is their statement: no proof covers it)")
        report.results.append({"area": "postal papers", "ballots": rec["postal"]["papers_returned"], "counts": None,
                               "summary": _postal_summary(m, rec["postal"])})  # fmt: skip


def _no_replay(ballot: dict[str, Any], seen_alpha: set[str], check: str) -> None:
    for q in ballot["questions"]:
        for ct in q["ct"]:
            _need(ct[0] not in seen_alpha, check, "ciphertext already on the board")
            seen_alpha.add(ct[0])


def _check_roll_changes(changes: Any, roll: set[str]) -> None:
    _need(isinstance(changes, list), "roll_changes", "not a list")
    seen: set[str] = set()
    for i, c in enumerate(changes):
        name = f"roll_changes[{i}]"
        _need(isinstance(c, dict) and set(c) == {"alias", "change", "reason"}
              and all(isinstance(c[k], str) for k in c) and c["change"] in ROLL_CHANGES
              and c["reason"].strip() != "", name, "malformed change")
        _need(c["alias"] not in seen, name, "alias changed twice")
        seen.add(c["alias"])
        _need((c["alias"] in roll) == (c["change"] == "added"), name,
              "an added voter must be on the roll, a removed one must not")
    _need([c["alias"] for c in changes] == sorted(seen), "roll_changes", "not sorted by alias")


def _check_not_counted(entries: Any, counted: set[str]) -> None:
    _need(isinstance(entries, list), "not_counted", "not a list")
    for i, n in enumerate(entries):
        _need(isinstance(n, dict) and set(n) == {"tracker", "fingerprint", "why"} and n["why"] in NOT_COUNTED_WHY
              and isinstance(n["tracker"], str), f"not_counted[{i}]", "malformed entry")
        try:
            fingerprint = bytes.fromhex(n["fingerprint"])
        except (TypeError, ValueError):
            fingerprint = b""
        _need(len(fingerprint) == 32 and fingerprint.hex() == n["fingerprint"] and tracker_of(fingerprint) == n["tracker"],
              f"not_counted[{i}].tracker", "does not match its fingerprint")
        _need(n["tracker"] not in counted, f"not_counted[{i}]", "the tracker is on the board as counted")
    trackers = [n["tracker"] for n in entries]
    _need(trackers == sorted(set(trackers)), "not_counted", "not sorted or a tracker twice")


def _check_audited(election: Election, entries: Any, seen_alpha: set[str]) -> None:
    _need(isinstance(entries, list), "audited", "not a list")
    widths = [q.width for q in election.manifest.questions]
    for i, a in enumerate(entries):
        name = f"audited[{i}]"
        try:
            _need(isinstance(a, dict) and set(a) == {"code", "ct", "choices", "nonces"}
                  and [len(q) for q in a["ct"]] == widths, name, "malformed entry")
            cts = [[Ciphertext.from_json(c) for c in q] for q in a["ct"]]
            _need(a["code"] == audit_code(election, cts), f"{name}.code", "does not match the ciphertexts")
            _no_replay({"questions": [{"ct": q} for q in a["ct"]]}, seen_alpha, f"{name}.replay")
            _check_choices(election.manifest, a["choices"], name)
            audit_ciphertexts(election, cts, a["choices"], a["nonces"])
        except BallotError as err:
            raise CheckFailed(f"{name}.{err.where}", err.reason) from None
        except (TypeError, KeyError, IndexError, AttributeError, ValueError, GroupError) as err:
            raise CheckFailed(name, f"malformed: {err!r}") from None
    codes = [a["code"] for a in entries]
    _need(codes == sorted(set(codes)), "audited", "not sorted or a code twice")


def _check_choices(m: Manifest, choices: Any, name: str) -> None:
    """An audited ballot's revealed choices (spec §6.4): per question, exactly
    one 0 or 1 per option (a binary question too: both options), and a valid
    selection, between the question's min and max selections."""
    _need(isinstance(choices, list) and len(choices) == len(m.questions), f"{name}.choices",
          "one list of choices per question")
    for q, sel in zip(m.questions, choices):
        _need(isinstance(sel, list) and len(sel) == len(q.options) and all(type(x) is int and x in (0, 1) for x in sel),
              f"{name}.choices", f"question {q.id}: exactly one 0 or 1 per option")
        _need(q.min_selections <= sum(sel) <= q.max_selections, f"{name}.selection",
              f"question {q.id}: {sum(sel)} chosen, outside {q.min_selections} to {q.max_selections}")


def _check_ceremony(m: Manifest, pubs: Sequence[TrusteePublic], cer: Any, report: Report) -> None:
    """Spec §6.8: every trustee's commitments match the digest they posted
    before any were shown; every revealed seed value matches its commitment;
    the lot seed is the hash of exactly k revealed values once the headline is
    decrypted."""
    if cer is None:
        report.not_checked.append("ceremony: the record carries no commit-before-reveal digests and no tie-lot seed")
        return
    _need(isinstance(cer, dict) and set(cer) == {"trustees", "lot_seed"} and isinstance(cer["trustees"], list)
          and [t.get("index") if isinstance(t, dict) else None for t in cer["trustees"]] == list(range(1, m.trustees + 1)),
          "ceremony", "malformed, or not one entry per trustee in index order")
    reveals = {}
    for t, pub in zip(cer["trustees"], pubs):
        name = f"ceremony.trustees[{t['index']}]"
        _need(set(t) == {"index", "commitment_digest", "seed_commitment", "seed_reveal"}
              and ceremony_record.is_hex32(t["commitment_digest"]) and ceremony_record.is_hex32(t["seed_commitment"])
              and (t["seed_reveal"] is None or ceremony_record.is_hex32(t["seed_reveal"])), name, "malformed entry")
        _need(commitment_digest(m.fingerprint, pub).hex() == t["commitment_digest"], f"{name}.commitment_digest",
              "the trustee's commitments do not match the digest they posted first")
        if t["seed_reveal"] is not None:
            value = bytes.fromhex(t["seed_reveal"])
            _need(seed_commitment(m.fingerprint, pub.index, value).hex() == t["seed_commitment"], f"{name}.seed_reveal",
                  "the revealed value does not match its commitment")
            reveals[pub.index] = value
    decrypted = report.results[0]["counts"] is not None if report.results and report.results[0]["area"] == "" else False
    if decrypted:
        _need(len(reveals) == m.threshold, "ceremony.lot_seed",
              f"the count needs exactly {m.threshold} revealed seed values, those sent with the shares that decrypted the headline; "
              f"the record has {len(reveals)}")
        _need(cer["lot_seed"] == lot_seed(m.fingerprint, reveals).hex(), "ceremony.lot_seed",
              "not the hash of the revealed values")
        report.checks.append(f"ceremony: {m.trustees} commitment digests match; lot seed {cer['lot_seed'][:16]}… "
                             f"from trustees {', '.join(map(str, sorted(reveals)))}")
    else:
        _need(cer["lot_seed"] is None, "ceremony.lot_seed", "there is no lot seed before the headline is decrypted")
        report.checks.append(f"ceremony: {m.trustees} commitment digests match; no lot seed yet")


def _check_headline(headline: Any, report: Report) -> None:
    """A record passes with its headline tally sealed only if it says so
    (``"headline": "sealed"``, spec §6.7), and the verifier then says that the
    result was not checked."""
    head = report.results[0] if report.results and report.results[0]["area"] == "" else None
    sealed = head is None or head["counts"] is None
    _need(headline in ceremony_record.HEADLINE, "headline", "must be \"decrypted\" or \"sealed\"")
    _need(headline == ("sealed" if sealed else "decrypted"), "headline",
          "the headline tally is sealed but the record does not say so" if sealed
          else "the record says the headline tally is sealed but it is decrypted")
    if sealed:
        report.not_checked.append("headline: the record says its headline tally is sealed (not yet decrypted); "
                                  "no result was checked, only that the sealed sums match the board")


def _check_postal(m: Manifest, postal: Any) -> None:
    """Shape and arithmetic only: the figures are the independent scrutineer's."""
    try:
        _need(set(postal) == {"statement", "scrutineer", "papers_issued", "papers_returned", "questions"}
              and all(isinstance(postal[k], str) for k in ("statement", "scrutineer")), "postal", "malformed")
        issued, returned = postal["papers_issued"], postal["papers_returned"]
        _need(type(issued) is int and type(returned) is int and 0 <= returned <= issued, "postal.papers",
              "papers returned must be a count no greater than papers issued")
        options = {q.id: len(q.options) for q in m.questions}
        _need(isinstance(postal["questions"], dict) and set(postal["questions"]) <= set(options), "postal.questions",
              "a question that is not in the manifest")
        for qid, q in postal["questions"].items():
            counts = q["options"] + [q["spoiled"]]
            _need(set(q) == {"options", "spoiled"} and len(q["options"]) == options[qid]
                  and all(type(c) is int and c >= 0 for c in counts) and sum(counts) <= returned,
                  f"postal.questions[{qid}]", "malformed, or more answers than papers returned")
    except (TypeError, KeyError, AttributeError) as err:
        raise CheckFailed("postal", f"malformed: {err!r}") from None


def _postal_summary(m: Manifest, postal: dict[str, Any]) -> str:
    return "; ".join(f"{q.id}: " + ", ".join(f"{o} {c}" for o, c in zip(q.options, postal["questions"][q.id]["options"]))
                     + f", spoiled {postal['questions'][q.id]['spoiled']}" for q in m.questions if q.id in postal["questions"])


def _summary(m: Manifest, counts: list[int], ballots: int) -> str:
    per_q = m.option_counts(counts, ballots)
    return "; ".join(f"{q.id}: " + ", ".join(f"{o} {c}" for o, c in zip(q.options, qc))
                     for q, qc in zip(m.questions, per_q))


def default_workers() -> int:
    return min(2, os.cpu_count() or 1)
