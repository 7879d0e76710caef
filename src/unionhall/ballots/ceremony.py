"""The trustees' key generation (a Pedersen-style DKG with no dealer).

Each trustee runs ``unionhall-trustee`` on their own computer; this server
only relays. Round 1: each posts only digests: of their commitments, and of a
secret value for the tie-lot seed. Round 2, once every digest is in: each
shows their commitments (with proofs) and a box key, which must match their
digest; so nobody, the last trustee included, can choose commitments after
seeing another's and bias the joint key (Gennaro et al.). Round 3: each posts
one share for every other trustee, sealed to that trustee's box key, so the
server cannot read any. Round 4: each opens the shares addressed to them,
checks each against its sender's commitments, keeps their key share, and posts
the joint key they computed. When every trustee has confirmed the same joint
key, the one the server computes from the commitments, the ballot has its key.
"""

from django.db import transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.ballots.models import Ballot, Trustee
from unionhall.ballots.setup import ballot_manifest, ballot_set_keys
from unionhall.mail import queue_email
from unionhall.refusals import Refused
from votecrypt import api
from votecrypt.ceremony_record import ceremony_section, commitment_digest, is_hex32, seed_commitment


ROUNDS = 4


def ceremony_round(ballot: Ballot) -> int:
    """1 to 4: the round the trustees are in; 5 when the key is set."""
    if ballot.joint_key:
        return ROUNDS + 1
    trustees = list(ballot.trustees.all())
    if not all(t.dkg_commitment_digest for t in trustees):
        return 1
    if not all(t.dkg_public for t in trustees):
        return 2
    if not all(t.sealed_shares for t in trustees):
        return 3
    return 4


def round_done(trustee: Trustee, stage: int) -> bool:
    """Has this trustee done round ``stage``?"""
    return bool({1: trustee.dkg_commitment_digest, 2: trustee.dkg_public, 3: trustee.sealed_shares, 4: trustee.confirmed_key}.get(stage))


@transaction.atomic
def ceremony_start(*, ballot: Ballot, actor) -> None:
    """Fix the manifest (questions, trustees, threshold) that the key will be bound to."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if ballot.status != Ballot.Status.DRAFT or ballot.manifest:
        raise Refused("The key ceremony has already started.")
    ballot.manifest = ballot_manifest(ballot)
    ballot.save(update_fields=["manifest"])
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot, detail={"event": "key ceremony started", "fingerprint": api.fingerprint(ballot.manifest)})


def _in_progress(ballot: Ballot) -> None:
    if ballot.status != Ballot.Status.DRAFT or not ballot.manifest or ballot.joint_key:
        raise Refused("Only a key ceremony in progress can be restarted.")


@transaction.atomic
def ceremony_restart_request(*, ballot: Ballot, actor, reason: str) -> None:
    """The first of the two HQ officers a restart needs asks for it, with the
    reason. Nothing changes in the ceremony until a different HQ officer
    confirms (:func:`ceremony_restart`); the request can be withdrawn."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    _in_progress(ballot)
    reason = reason.strip()
    if not reason:
        raise Refused("Give the reason for restarting the key ceremony: it is recorded in the audit log.")
    if len(reason) > 300:
        raise Refused("Keep the reason to 300 characters.")
    if ballot.ceremony_restart_requested_by_id:
        raise Refused("A restart has already been asked for: another HQ officer confirms it, or it is withdrawn first.")
    ballot.ceremony_restart_requested_by, ballot.ceremony_restart_requested_at, ballot.ceremony_restart_reason = actor, timezone.now(), reason
    ballot.save(update_fields=["ceremony_restart_requested_by", "ceremony_restart_requested_at", "ceremony_restart_reason"])
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot,
                 detail={"event": "key ceremony restart requested", "attempt": ballot.ceremony_attempt, "reason": reason})  # fmt: skip


@transaction.atomic
def ceremony_restart_withdraw(*, ballot: Ballot, actor) -> None:
    """Withdraw a pending restart request (any HQ officer may: it only takes power away)."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if not ballot.ceremony_restart_requested_by_id:
        raise Refused("There is no restart request to withdraw.")
    detail = {"event": "key ceremony restart request withdrawn", "requested_by": ballot.ceremony_restart_requested_by_id,
              "reason": ballot.ceremony_restart_reason}  # fmt: skip
    _clear_request(ballot)
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot, detail=detail)


def _clear_request(ballot: Ballot) -> None:
    ballot.ceremony_restart_requested_by, ballot.ceremony_restart_requested_at, ballot.ceremony_restart_reason = None, None, ""
    ballot.save(update_fields=["ceremony_restart_requested_by", "ceremony_restart_requested_at", "ceremony_restart_reason"])


@transaction.atomic
def ceremony_restart(*, ballot: Ballot, actor, replace: dict | None = None) -> None:
    """A second HQ officer confirms a pending restart request: start the key
    ceremony again (a trustee never came back, or a trustee's share did not
    match their commitments, and the other trustees' tool named them).
    ``replace`` maps a trustee's index to the user who takes their place; the
    confirming officer names them, and every trustee, old and new, and the
    officer who asked are told. Everyone starts from round 1 with a new
    manifest, so no polynomial, share or state file from the earlier attempt
    can be used again; in particular a replaced trustee learns nothing about
    the new key."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    _in_progress(ballot)
    if not ballot.ceremony_restart_requested_by_id:
        raise Refused("A restart needs two HQ officers: one asks for it, with the reason, and another confirms it.")
    if ballot.ceremony_restart_requested_by_id == getattr(actor, "pk", None):
        raise Refused("You asked for this restart: a different HQ officer must confirm it.")
    reason, asked_by = ballot.ceremony_restart_reason, ballot.ceremony_restart_requested_by
    trustees = {t.index: t for t in ballot.trustees.select_for_update()}
    replaced = {}
    told = {t.user.email for t in trustees.values()} | {asked_by.email}
    for index, user in (replace or {}).items():
        if index not in trustees:
            raise Refused(f"There is no trustee {index}.")
        if user.pk in (getattr(actor, "pk", None), asked_by.pk):
            raise Refused("Neither officer who restarts the ceremony can make themselves a trustee by it: name someone else.")
        if any(t.user_id == user.pk for i, t in trustees.items() if i != index):
            raise Refused(f"{user.email} is already a trustee of this ballot: each trustee must be a different person.")
        replaced[index] = (trustees[index].user.email, user.email)
        trustees[index].user = user
    for t in trustees.values():
        t.dkg_public, t.box_public, t.sealed_shares, t.confirmed_key = None, "", {}, ""
        t.dkg_commitment_digest, t.seed_commitment, t.seed_reveal = "", "", ""
        t.save(update_fields=["user", "dkg_public", "box_public", "sealed_shares", "confirmed_key",
                              "dkg_commitment_digest", "seed_commitment", "seed_reveal"])  # fmt: skip
    ballot.ceremony_attempt += 1
    ballot.manifest = ballot_manifest(ballot)
    ballot.save(update_fields=["ceremony_attempt", "manifest"])
    _clear_request(ballot)
    told |= {t.user.email for t in trustees.values()}
    fingerprint = api.fingerprint(ballot.manifest)
    queue_email(
        subject=f"The key ceremony for “{ballot.title}” has restarted",
        body=(
            f"The key ceremony for the ballot “{ballot.title}” was restarted: {asked_by.email} asked, and "
            f"{getattr(actor, 'email', 'HQ')} confirmed.\n\nReason: {reason}\n"
            + "".join(f"Trustee {i} is now {b} (was {a}).\n" for i, (a, b) in replaced.items())
            + f"\nEvery trustee starts again from round 1; files from the earlier attempt no longer fit. The ballot's new "
            f"fingerprint begins {fingerprint[:16]}. If you did not expect this, tell the other trustees before going on.\n"
        ),
        to=sorted(told), topic="key_ceremony", key=f"ceremony-restart:{ballot.pk}:{ballot.ceremony_attempt}",
    )  # fmt: skip
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot,
                 detail={"event": "key ceremony restarted", "attempt": ballot.ceremony_attempt, "reason": reason,
                         "requested_by": asked_by.pk, "confirmed_by": getattr(actor, "pk", None),
                         "replaced": {str(i): {"from": a, "to": b} for i, (a, b) in replaced.items()},
                         "fingerprint": fingerprint})  # fmt: skip


def ceremony_download(ballot: Ballot, trustee: Trustee) -> dict:
    """What the trustee's tool needs for the current round."""
    if not ballot.manifest:
        raise Refused("The key ceremony has not started.")
    data = {"manifest": ballot.manifest, "index": trustee.index}
    others = list(ballot.trustees.all())
    stage = ceremony_round(ballot)
    if stage >= 2:
        data["digests"] = [{"index": t.index, "commitment_digest": t.dkg_commitment_digest, "seed_commitment": t.seed_commitment} for t in others]
    if stage >= 3:
        data["trustees"] = [{"index": t.index, "public": t.dkg_public, "box_public": t.box_public,
                             "commitment_digest": t.dkg_commitment_digest, "seed_commitment": t.seed_commitment} for t in others]  # fmt: skip
    if stage >= 4:
        data["shares_for_me"] = {str(t.index): t.sealed_shares[str(trustee.index)] for t in others if t.index != trustee.index}
    return data


@transaction.atomic
def ceremony_upload(*, ballot: Ballot, trustee: Trustee, data) -> str:
    """Accept one trustee's output for the current round. Returns what was recorded."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    trustee = Trustee.objects.select_for_update().get(pk=trustee.pk)
    stage = ceremony_round(ballot)
    if not ballot.manifest or stage > ROUNDS:
        raise Refused("There is no key ceremony in progress for this ballot.")
    if not isinstance(data, dict):
        raise Refused("That is not a file from unionhall-trustee.")
    if stage == 1 and "commitment_digest" in data:
        if trustee.dkg_commitment_digest:
            raise Refused("You have already posted round 1.")
        if set(data) != {"commitment_digest", "seed_commitment"} or not all(is_hex32(data[k]) for k in data):
            raise Refused("Round 1 refused: it needs the digest of your commitments and of your tie-lot value, each 64 hex characters.")
        trustee.dkg_commitment_digest, trustee.seed_commitment = data["commitment_digest"], data["seed_commitment"]
        trustee.save(update_fields=["dkg_commitment_digest", "seed_commitment"])
        done = "round 1: digests"
    elif stage == 2 and "public" in data:
        if trustee.dkg_public:
            raise Refused("You have already posted round 2.")
        try:
            public = data["public"]
            if public.get("index") != trustee.index:
                raise ValueError("it was made for another trustee")
            api.dkg_check_public(ballot.manifest, public)
            if len(bytes.fromhex(data["box_public"])) != 32:
                raise ValueError("bad box key")
            if commitment_digest(ballot.manifest, public) != trustee.dkg_commitment_digest:
                raise ValueError("these commitments do not match the digest you posted in round 1")
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise Refused(f"Round 2 data refused: {exc}") from None
        trustee.dkg_public, trustee.box_public = public, data["box_public"]
        trustee.save(update_fields=["dkg_public", "box_public"])
        done = "round 2: commitments"
    elif stage == 3 and "shares" in data:
        expected = {str(t.index) for t in ballot.trustees.exclude(pk=trustee.pk)}
        shares = data["shares"]
        if not isinstance(shares, dict) or set(shares) != expected or not all(isinstance(v, str) and len(v) < 400 for v in shares.values()):
            raise Refused("Round 3 refused: it needs one sealed share for each other trustee.")
        trustee.sealed_shares = shares
        trustee.save(update_fields=["sealed_shares"])
        done = "round 3: sealed shares"
    elif stage == 4 and "joint_key" in data:
        expected = api.joint_key(ballot.manifest, [t.dkg_public for t in ballot.trustees.all()])
        if data["joint_key"] != expected:
            raise Refused("Your tool computed a different key from the one the commitments give. Tell the ballot's officers; do not continue.")
        trustee.confirmed_key = expected
        trustee.save(update_fields=["confirmed_key"])
        done = "round 4: key confirmed"
        if all(t.confirmed_key == expected for t in ballot.trustees.all()):
            ballot_set_keys(ballot=ballot, manifest=ballot.manifest, joint_key=expected,
                            publics=[t.dkg_public for t in ballot.trustees.all()], actor=trustee.user)  # fmt: skip
    else:
        raise Refused(f"The ceremony is in round {stage}: upload the file from that round's step.")
    audit_record(actor=trustee.user, action=Action.CHANGE, subject=ballot, detail={"event": f"key ceremony {done}", "trustee": trustee.index})
    return done


def ceremony_record_section(ballot: Ballot) -> dict | None:
    """The election record's ``ceremony`` (docs/election-record.md §6.8): each
    trustee's round-1 digests, the tie-lot values revealed with the shares that
    decrypted the overall result, and the lot seed. None for a ballot whose key
    was not made in this four-round ceremony (the demo's, made in one place)."""
    trustees = list(ballot.trustees.all())
    if not ballot.joint_key or not all(t.dkg_commitment_digest and t.seed_commitment for t in trustees):
        return None
    rows = [{"index": t.index, "commitment_digest": t.dkg_commitment_digest, "seed_commitment": t.seed_commitment,
             "seed_reveal": t.seed_reveal or None} for t in trustees]  # fmt: skip
    return ceremony_section(ballot.manifest, rows, headline_decrypted="" in ballot.counts)


def demo_tie_lot_values(ballot: Ballot, keys: list[dict], *, label: str) -> list[dict]:
    """For the demo, whose keys are made in one place: record the round-1
    digests each trustee would have posted, and put a tie-lot value (seeded
    by ``label``, so the demo is repeatable) in each trustee's key, so the
    demo's records carry their ceremony section and, once counted, a lot seed."""
    import hashlib

    ballot.refresh_from_db()
    publics = {p["index"]: p for p in ballot.trustee_publics}
    out = []
    for t in ballot.trustees.all():
        seed = hashlib.sha256(f"{label}/tie-lot/{t.index}".encode()).hexdigest()
        t.dkg_commitment_digest = commitment_digest(ballot.manifest, publics[t.index])
        t.seed_commitment = seed_commitment(ballot.manifest, t.index, seed)
        t.save(update_fields=["dkg_commitment_digest", "seed_commitment"])
        out.append({**keys[t.index - 1], "seed": seed})
    return out
