"""Erasure (UK GDPR Art. 17) for a member who has left: what goes now, what
must be kept and until when, read from the declarations; HQ confirms, and
each app's own ``erase`` does the work."""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from unionhall import personal_data
from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.datarights.export import retention_words
from unionhall.datarights.models import ErasureRequest
from unionhall.members.models import Member
from unionhall.refusals import Refused

LEFT = (Member.Status.LAPSED, Member.Status.RESIGNED)
# The register row goes last: anonymising it unlinks the account that other rows are found through.
LAST = "members.Member"


@dataclass(frozen=True)
class PlanItem:
    model: str
    label: str
    purpose: str
    count: int
    action: str  # delete, anonymise, keep
    why_kept: str
    kept_for: str


def erasure_plan(member: Member) -> list[PlanItem]:
    """For each kind of data held on ``member``: how many rows, and whether
    erasure deletes, anonymises or keeps them (with why and for how long).
    One count per declaration; nothing written."""
    words = retention_words()
    plan = []
    for item in personal_data.declarations():
        count = personal_data.member_rows(item, member.pk).count()
        if not count:
            continue
        label = item.label or str(apps.get_model(item.model)._meta.verbose_name_plural).capitalize()
        plan.append(PlanItem(item.name, label, item.purpose, count, item.erasure, item.keep_reason,
                             words[item.retention] if item.erasure == personal_data.KEEP else ""))  # fmt: skip
    return plan


def check_erasure_request(member: Member) -> None:
    if member.status not in LEFT:
        raise Refused("While you are a member the union needs your details to represent you. "
                      "Once you have left, you can ask here for your data to be erased.")  # fmt: skip
    if member.membership_number.startswith("anon-"):
        raise Refused("Your data has already been erased.")


def erasure_request(*, member: Member, actor) -> ErasureRequest:
    """The member asks to be erased; HQ confirms. One request waits at a time."""
    check_erasure_request(member)
    try:
        with transaction.atomic():
            request = ErasureRequest.objects.create(member=member, requested_at=timezone.now())
            audit_record(actor=actor, action=Action.CHANGE, subject=member, detail={"event": "erasure requested", "request": request.pk})
    except IntegrityError:
        raise Refused("You have already asked: HQ will confirm it.", status=409) from None
    return request


@transaction.atomic
def erasure_confirm(*, request: ErasureRequest, actor, now: dt.datetime | None = None) -> ErasureRequest:
    """Carry out a waiting request: delete or anonymise what the declarations
    allow, keep the rest, and record the counts (never the data)."""
    request = ErasureRequest.objects.select_for_update().select_related("member").get(pk=request.pk)
    if request.status != ErasureRequest.Status.PENDING:
        raise Refused("This request has already been dealt with.", status=409)
    member = request.member
    check_erasure_request(member)
    outcome = {}
    items = sorted(personal_data.declarations(), key=lambda d: d.model == LAST)
    for item in items:
        if item.erasure == personal_data.KEEP:
            kept = personal_data.member_rows(item, member.pk).count()
            if kept:
                outcome[item.name] = {"action": "kept", "count": kept}
            continue
        if item.erase is not None:
            changed = item.erase(member.pk)
        else:
            rows = personal_data.member_rows(item, member.pk)
            changed = apps.get_model(item.model)._default_manager.filter(pk__in=list(rows.values_list("pk", flat=True))).delete()[0]
        if changed:
            outcome[item.name] = {"action": item.erasure, "count": changed}
    request.status, request.decided_by, request.decided_at, request.outcome = ErasureRequest.Status.DONE, actor, now or timezone.now(), outcome
    request.save()
    audit_record(actor=actor, action=Action.CHANGE, subject=member, detail={"event": "erased", "request": request.pk, "outcome": outcome})
    return request


def erasures_pending():
    return ErasureRequest.objects.filter(status=ErasureRequest.Status.PENDING).select_related("member")
