"""Subject access requests that arrive by letter or email (UK GDPR Art. 15):
HQ records one, checks identity, sees the deadline the ``deadlines`` package
works out (one month from receipt, extendable by two), sends the export with
other people's data redacted, and records when it went."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from deadlines import DeadlineError, deadline
from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.datarights.models import SubjectAccessRequest
from unionhall.members.models import Member
from unionhall.refusals import Refused


def sar_due(received_on: dt.date, *, extended: bool = False):
    """The ``deadlines`` package's answer for a request received on ``received_on``: its date and working."""
    try:
        return deadline("sar", start=received_on, extra={"extended": extended})
    except DeadlineError as exc:
        raise Refused(f"The deadline cannot be worked out: {exc}") from None


def check_sar_record(*, membership_number: str, received_on: dt.date, today: dt.date) -> Member:
    member = Member.objects.filter(membership_number=membership_number.strip()).first()
    if member is None:
        raise Refused("No member has that membership number.")
    if received_on > today:
        raise Refused("A request cannot be received in the future: check the date.")
    if received_on < today - dt.timedelta(days=366):
        raise Refused("That date is more than a year ago: check it.")
    return member


@transaction.atomic
def sar_record(*, membership_number: str, channel: str, received_on: dt.date, actor, today: dt.date | None = None) -> SubjectAccessRequest:
    """Record a request received on ``received_on``, due when the ``sar`` rule says."""
    today = today or timezone.localdate()
    member = check_sar_record(membership_number=membership_number, received_on=received_on, today=today)
    if channel not in SubjectAccessRequest.Channel.values:
        raise Refused("Say how the request arrived.")
    sar = SubjectAccessRequest.objects.create(
        member=member, channel=channel, received_on=received_on, due_on=sar_due(received_on).date,
        recorded_by=actor, recorded_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action=Action.CHANGE, subject=member, detail={"event": "subject access request recorded", "request": sar.pk})
    return sar


@transaction.atomic
def sar_identity_checked(*, sar: SubjectAccessRequest, note: str, on: dt.date, actor) -> SubjectAccessRequest:
    """Record that identity was checked (how, never a copy of the document).
    The month runs from receipt or, where HQ waited for proof of identity, from
    the day it came (the "relevant time"): the later of the two."""
    sar = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
    note = note.strip()
    if not note:
        raise Refused("Say how identity was checked.")
    if on < sar.received_on or on > timezone.localdate():
        raise Refused("The check must be on or after the day the request came, and not in the future.")
    sar.identity_checked_on, sar.identity_note = on, note[:300]
    sar.due_on = max(sar_due(sar.received_on, extended=sar.extended).date, sar_due(on, extended=sar.extended).date)
    sar.save(update_fields=["identity_checked_on", "identity_note", "due_on"])
    audit_record(actor=actor, action=Action.CHANGE, subject=sar.member, detail={"event": "identity checked", "request": sar.pk})
    return sar


@transaction.atomic
def sar_extend(*, sar: SubjectAccessRequest, reason: str, actor) -> SubjectAccessRequest:
    """Extend by two months for a complex or numerous request (Art. 12(3)); the reason is required."""
    sar = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
    if sar.extended:
        raise Refused("This request has already been extended.")
    if sar.sent_on:
        raise Refused("This request has been answered.")
    if not reason.strip():
        raise Refused("Say why the request is complex or numerous: the member must be told within the first month.")
    start = max(sar.received_on, sar.identity_checked_on or sar.received_on)
    sar.extended, sar.extension_reason, sar.due_on = True, reason.strip()[:300], sar_due(start, extended=True).date
    sar.save(update_fields=["extended", "extension_reason", "due_on"])
    audit_record(actor=actor, action=Action.CHANGE, subject=sar.member, detail={"event": "subject access request extended", "request": sar.pk})
    return sar


@transaction.atomic
def sar_sent(*, sar: SubjectAccessRequest, on: dt.date, actor) -> SubjectAccessRequest:
    """Record that the answer went, on ``on``. Identity must have been checked first."""
    sar = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
    if sar.sent_on:
        raise Refused("This request was already answered.")
    if sar.identity_checked_on is None:
        raise Refused("Check the requester's identity before sending them a member's data.")
    if on < sar.received_on or on > timezone.localdate():
        raise Refused("The answer cannot be sent before the request came, or in the future.")
    sar.sent_on, sar.sent_by = on, actor
    sar.save(update_fields=["sent_on", "sent_by"])
    audit_record(actor=actor, action=Action.CHANGE, subject=sar.member,
                 detail={"event": "subject access request answered", "request": sar.pk, "late": on > sar.due_on})  # fmt: skip
    return sar


def sars_open():
    """Requests not yet answered, soonest due first (the partial index datarights_sar_open)."""
    return SubjectAccessRequest.objects.filter(sent_on__isnull=True).select_related("member").order_by("due_on", "pk")


def sars_overdue(today: dt.date | None = None) -> list[SubjectAccessRequest]:
    """For HQ's home page: the unanswered requests past their deadline, oldest first."""
    today = today or timezone.localdate()
    return list(sars_open().filter(due_on__lt=today))
