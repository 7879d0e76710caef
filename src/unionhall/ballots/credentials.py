"""Voter credentials (docs/ballot-credentials.md): a ballot run "with voter
credentials" names a credential authority who is not an HQ officer. When the
roll is frozen, the authority downloads its aliases and uploads the signed list
of public credentials (made with ``unionhall-credentials``); the ballot cannot
open without it. Each ballot cast is then signed with a member's credential;
:func:`check_signature` is the one extra query casting makes. The record
carries the list, the authority's revocations, and each counted ballot's
credential and signature (:func:`record_section`).

The cryptography is ``votecrypt.credentials``; this module decides who may do
what, and when. Each step is checked (raising Refused with a plain message,
changing nothing) and then done with its audit entry."""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.ballots.models import Ballot, Cast, Credential, RollEntry
from unionhall.ballots.roll import freeze_roll_now
from unionhall.members.remit import remit_for
from unionhall.refusals import Refused
from votecrypt import credentials as vcc
from votecrypt.credential_cli import PUBLIC_VERSION, REVOCATION_VERSION

MAX_LIST_BYTES = 80 * 1024 * 1024  # 1,000,000 credentials are 68 MB of JSON


def uses_credentials(ballot: Ballot) -> bool:
    return ballot.credential_authority_id is not None


def is_authority(ballot: Ballot, user) -> bool:
    return uses_credentials(ballot) and user.is_authenticated and user.pk == ballot.credential_authority_id


@transaction.atomic
def credentials_require(*, ballot: Ballot, authority, name: str, actor) -> None:
    """HQ: run this draft ballot with voter credentials from ``authority`` (a
    user who is not an HQ officer), named on the ballot's page as ``name``."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if ballot.status != Ballot.Status.DRAFT or ballot.roll_frozen_at is not None:
        raise Refused("Voter credentials can be required only before the roll is frozen.")
    if authority is None:
        raise Refused("Nobody signs in with that email address: the credential authority needs an account first.")
    if remit_for(authority).everyone:
        raise Refused("The credential authority cannot be an HQ officer: credentials are there so that nobody who runs "
                      "this server can add ballots.")
    if not name.strip():
        raise Refused("Give the credential authority's name as members will see it, for example the scrutineer's firm.")
    ballot.credential_authority, ballot.credential_authority_name = authority, name.strip()[:200]
    ballot.credential_authority_key = ""
    ballot.save(update_fields=["credential_authority", "credential_authority_name", "credential_authority_key"])
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot,
                 detail={"event": "voter credentials required", "authority": authority.pk, "name": ballot.credential_authority_name})


def _authority(ballot: Ballot, user) -> None:
    if not is_authority(ballot, user):
        raise Refused("Only the ballot's credential authority can do this.", status=403)


@transaction.atomic
def authority_set_key(*, ballot: Ballot, user, key: str) -> None:
    """The authority records its public signing key (from ``unionhall-credentials keygen``)."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    _authority(ballot, user)
    if ballot.credential_list_uploaded_at is not None:
        raise Refused("The credential list is uploaded: the authority key can no longer change.")
    key = "".join(key.split()).lower()
    try:
        vcc.decode_credential(key)
    except vcc.CredentialError:
        raise Refused("That is not an authority public key: paste the 64 characters unionhall-credentials keygen printed.") from None
    ballot.credential_authority_key = key
    ballot.save(update_fields=["credential_authority_key"])
    audit_record(actor=user, action=Action.CHANGE, subject=ballot, detail={"event": "credential authority key set", "key": key})


@transaction.atomic
def credentials_freeze_roll(*, ballot: Ballot, actor, now: dt.datetime | None = None) -> int:
    """HQ: freeze the roll before opening, so the authority can make credentials for it."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if not uses_credentials(ballot):
        raise Refused("This ballot does not use voter credentials: its roll is frozen when it opens.")
    if ballot.status != Ballot.Status.DRAFT or ballot.roll_frozen_at is not None:
        raise Refused("The roll is already frozen.")
    if not ballot.manifest or not ballot.joint_key:
        raise Refused("The trustees have not yet generated the ballot's key: credentials are bound to it.")
    size = freeze_roll_now(ballot, now=now)
    audit_record(actor=actor, action=Action.CHANGE, subject=ballot, detail={"event": "roll frozen for credentials", "roll": size, "commitment": ballot.roll_commitment})
    return size


def roll_download(ballot: Ballot, user) -> dict:
    """What the authority's tool reads: the frozen aliases with their areas and the commitment."""
    _authority(ballot, user)
    if ballot.roll_frozen_at is None:
        raise Refused("The roll is not frozen yet.", status=409)
    voters = sorted(RollEntry.objects.filter(ballot=ballot, added_reason="").values_list("alias", "area"))
    # Aliases and areas only, never names; still, who took the roll is on the record.
    audit_record(actor=user, action=Action.EXPORT, subject=ballot, detail={"event": "frozen roll downloaded by the credential authority", "roll": len(voters)})
    return {"ballot": ballot.title, "manifest": ballot.manifest, "authority": ballot.credential_authority_key,
            "roll_commitment": ballot.roll_commitment, "roll_size": len(voters), "voters": [list(v) for v in voters]}


def _frozen_size(ballot: Ballot) -> int:
    return RollEntry.objects.filter(ballot=ballot, added_reason="").count()


@transaction.atomic
def credentials_upload(*, ballot: Ballot, user, data) -> int:
    """The authority uploads the public credential list. Refused, with the
    reason and nothing stored: anyone but the authority, after opening, a list
    for another ballot or roll, a malformed point, duplicates, more entries
    than the roll, a signature that is not the authority's."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    _authority(ballot, user)
    if ballot.status != Ballot.Status.DRAFT:
        raise Refused("The ballot is open: the credential list can no longer change. Lost codes are replaced one by one.", status=409)
    if ballot.roll_frozen_at is None:
        raise Refused("The roll is not frozen yet.", status=409)
    if not ballot.credential_authority_key:
        raise Refused("Record the authority's public key first.")
    if not isinstance(data, dict) or data.get("version") != PUBLIC_VERSION or not isinstance(data.get("list"), list):
        raise Refused("This is not a public credential list from unionhall-credentials.")
    F = bytes.fromhex(_fingerprint(ballot))
    if data.get("fingerprint") != F.hex():
        raise Refused("This credential list was made for another ballot.")
    size = _frozen_size(ballot)
    if data.get("roll_commitment") != ballot.roll_commitment or data.get("roll_size") != size:
        raise Refused("This credential list was made for another roll: download the frozen roll again.")
    if data.get("authority") != ballot.credential_authority_key:
        raise Refused("This credential list is signed with another authority key.")
    points = []
    for i, p in enumerate(data["list"]):
        try:
            points.append(vcc.decode_credential(p))
        except vcc.CredentialError as e:
            raise Refused(f"Entry {i + 1} of the list is not a valid public credential ({e.reason}).") from None
    if len(set(points)) != len(points):
        raise Refused("The list has a credential twice: make the list again.")
    if len(points) > size:
        raise Refused(f"The list has {len(points)} credentials for a roll of {size}: it cannot have more than the roll.")
    if not vcc.verify_list(F, bytes.fromhex(ballot.roll_commitment), size, points,
                           bytes.fromhex(ballot.credential_authority_key), data.get("signature")):
        raise Refused("The list's signature is not the credential authority's: nothing was stored.")
    Credential.objects.filter(ballot=ballot).delete()
    Credential.objects.bulk_create([Credential(ballot=ballot, public=p.hex()) for p in points], batch_size=5000)
    ballot.credential_list_signature = data["signature"]
    ballot.credential_list_uploaded_at = timezone.now()
    ballot.save(update_fields=["credential_list_signature", "credential_list_uploaded_at"])
    audit_record(actor=user, action=Action.CHANGE, subject=ballot, detail={"event": "credential list uploaded", "credentials": len(points)})
    return len(points)


@transaction.atomic
def credential_revoke(*, ballot: Ballot, user, data) -> Credential:
    """The authority revokes a lost credential (signed), usually with its
    replacement. A ballot already cast with it stops counting ("revoked")."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    _authority(ballot, user)
    if ballot.status not in (Ballot.Status.DRAFT, Ballot.Status.OPEN) or ballot.credential_list_uploaded_at is None:
        raise Refused("Credentials can be revoked only after the list is uploaded and before the ballot closes.", status=409)
    if not isinstance(data, dict) or data.get("version") != REVOCATION_VERSION:
        raise Refused("This is not a revocation from unionhall-credentials.")
    F = bytes.fromhex(_fingerprint(ballot))
    if data.get("fingerprint") != F.hex():
        raise Refused("This revocation was made for another ballot.")
    try:
        old = None if data.get("credential") is None else vcc.decode_credential(data["credential"])
        new = None if data.get("replacement") is None else vcc.decode_credential(data["replacement"])
    except vcc.CredentialError as e:
        raise Refused(f"The revocation names a malformed credential ({e.reason}).") from None
    if old is None and new is None:
        raise Refused("The file revokes nothing and issues nothing.")
    reason = data.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise Refused("The revocation gives no reason.")
    if not vcc.verify_revocation(F, old, new, reason, bytes.fromhex(ballot.credential_authority_key), data.get("signature")):
        raise Refused("The revocation's signature is not the credential authority's: nothing was changed.")
    if new is not None and Credential.objects.filter(ballot=ballot, public=new.hex()).exists():
        raise Refused("The new credential is already published.")
    if old is None:
        return _issue(ballot, user, new, reason, data["signature"])
    cred = Credential.objects.select_for_update().filter(ballot=ballot, public=old.hex()).first()
    if cred is None or cred.revoked_at is not None:
        raise Refused("That credential is not published, or is already revoked.")
    cred.revoked_at, cred.revoked_reason = timezone.now(), reason[:300]
    cred.replacement, cred.revocation_signature = new.hex() if new else "", data["signature"]
    cred.save(update_fields=["revoked_at", "revoked_reason", "replacement", "revocation_signature"])
    if new is not None:
        Credential.objects.create(ballot=ballot, public=new.hex(), listed=False)
    counted = Cast.objects.filter(credential=cred, superseded=False)
    entries = list(counted.values_list("roll_entry_id", flat=True))
    counted.update(superseded=True)
    RollEntry.objects.filter(pk__in=entries).update(voted_at=None)  # their ballot no longer counts: they vote again
    audit_record(actor=user, action=Action.CHANGE, subject=ballot,
                 detail={"event": "credential revoked", "credential": old.hex(), "replacement": new.hex() if new else None,
                         "reason": reason, "ballot_withdrawn": bool(entries)})  # fmt: skip
    return cred


def _issue(ballot: Ballot, user, new: bytes, reason: str, signature) -> Credential:
    """A credential for a member added to the roll after it froze: no more
    than the members added (and still on the roll)."""
    added = RollEntry.objects.filter(ballot=ballot, removed_at__isnull=True).exclude(added_reason="").count()
    if Credential.objects.filter(ballot=ballot, issued_at__isnull=False).count() >= added:
        raise Refused("Every member added to the roll since it froze already has a credential.")
    cred = Credential.objects.create(ballot=ballot, public=new.hex(), listed=False, issued_at=timezone.now(),
                                     issued_reason=reason[:300], issue_signature=signature)
    audit_record(actor=user, action=Action.CHANGE, subject=ballot, detail={"event": "credential issued", "credential": new.hex(), "reason": reason})
    return cred


def added_aliases(ballot: Ballot) -> list[str]:
    """Members added to the roll after it froze, by alias: the authority issues them codes."""
    return list(RollEntry.objects.filter(ballot=ballot, removed_at__isnull=True).exclude(added_reason="").order_by("alias").values_list("alias", flat=True))


def _fingerprint(ballot: Ballot) -> str:
    from votecrypt import api

    return api.fingerprint(ballot.manifest)


# --- casting ------------------------------------------------------------------------------

def check_signature(*, ballot: Ballot, entry: RollEntry, content: dict, signed) -> Credential:
    """A credential ballot's signature, before it is stored: by a published,
    unrevoked credential that no other alias has used, and that this alias has
    not swapped for another. One query. Raises Refused; nothing is stored."""
    if not isinstance(signed, dict) or not isinstance(signed.get("credential"), str):
        raise Refused("This ballot needs your credential code: type the code from the letter from "
                      f"{ballot.credential_authority_name}.")
    try:
        vcc.check_ballot_signature_json(ballot.manifest, ballot.joint_key, content, signed["credential"], signed.get("signature"))
    except vcc.CredentialError:
        raise Refused("The ballot's signature does not match: check the code you typed and try again. Nothing was stored.") from None
    others = Cast.objects.filter(credential=OuterRef("pk")).exclude(roll_entry=entry)
    swapped = Cast.objects.filter(roll_entry=entry, credential__isnull=False, credential__revoked_at__isnull=True).exclude(credential=OuterRef("pk"))
    cred = (Credential.objects.filter(ballot=ballot, public=signed["credential"])
            .annotate(used_by_other=Exists(others), swapped=Exists(swapped)).first())  # fmt: skip
    if cred is None:
        raise Refused(f"That code is not one {ballot.credential_authority_name} issued for this ballot. Check it and try again.")
    if cred.revoked_at is not None:
        raise Refused(f"That code was cancelled by {ballot.credential_authority_name}: use the new code they sent you.")
    if cred.used_by_other:
        raise Refused(f"That code has already been used by another member. If it is the code from your letter, "
                      f"ask {ballot.credential_authority_name} for a new one. Nothing was stored.")  # fmt: skip
    if cred.swapped:
        raise Refused("You voted before with a different code. Vote again with the code you used then.")
    return cred


# --- the record -------------------------------------------------------------------------

def record_section(ballot: Ballot) -> dict | None:
    """The keyword arguments of ``votecrypt.record.credentials_json`` (spec §10.3), or None."""
    if not uses_credentials(ballot) or ballot.credential_list_uploaded_at is None:
        return None
    creds = Credential.objects.filter(ballot=ballot)
    listed = list(creds.filter(listed=True).values_list("public", flat=True))
    events = [(c.revoked_at, 1, c.pk, {"credential": c.public, "replacement": c.replacement or None,
                                        "reason": c.revoked_reason, "signature": c.revocation_signature})
              for c in creds.filter(revoked_at__isnull=False)]
    events += [(c.issued_at, 0, c.pk, {"credential": None, "replacement": c.public, "reason": c.issued_reason,
                                       "signature": c.issue_signature})
               for c in creds.filter(issued_at__isnull=False)]
    revocations = [e for *_, e in sorted(events, key=lambda e: e[:3])]  # in the order issued
    counted = Cast.objects.filter(ballot=ballot, superseded=False, roll_entry__removed_at__isnull=True).filter(
        ~Q(credential=None)).values_list("tracker", "credential__public", "signature")
    return {"authority_name": ballot.credential_authority_name, "authority_key": ballot.credential_authority_key,
            "roll_commitment": ballot.roll_commitment, "roll_size": _frozen_size(ballot), "list": listed,
            "signature": ballot.credential_list_signature, "revocations": revocations,
            "signed": {t: {"credential": p, "signature": s} for t, p, s in counted}}
