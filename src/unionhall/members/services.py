"""Changes to the register. Each validates, changes and audits in one transaction."""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.members.models import Member, Office, User


@transaction.atomic
def member_update_contact(*, member: Member, actor, changed: dict) -> list[str]:
    """Apply a member's own corrections (``changed``: field -> new value).
    The audit entry names the fields, not their values."""
    fields = sorted(name for name, value in changed.items() if getattr(member, name) != value)
    if not fields:
        return []
    for name in fields:
        setattr(member, name, changed[name])
    member.full_clean()
    member.save()
    if "email" in fields:
        if member.user_id:
            User.objects.filter(pk=member.user_id).update(email=member.email)
        else:
            member.user = User.objects.create_user(member.email)
            member.save(update_fields=["user"])
    audit_record(actor=actor, action=Action.CHANGE, subject=member, detail={"fields": fields, "by": "member"})
    return fields


@transaction.atomic
def office_create(*, office: Office, actor) -> Office:
    office.full_clean()
    office.save()
    audit_record(
        actor=actor,
        action=Action.OFFICE,
        subject=office,
        detail={
            "event": "appointed",
            "role": office.role,
            "member": office.member.membership_number,
            "starts_on": office.starts_on.isoformat(),
            "ends_on": office.ends_on.isoformat() if office.ends_on else None,
        },
    )
    return office


@transaction.atomic
def office_end(*, office: Office, actor, on: dt.date) -> Office:
    office = Office.objects.select_for_update().get(pk=office.pk)
    office.ends_on = on
    office.full_clean()
    office.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        action=Action.OFFICE,
        subject=office,
        detail={"event": "ended", "role": office.role, "member": office.member.membership_number, "ends_on": on.isoformat()},
    )
    return office


def offices_ending(*, within_days: int | None = None, today: dt.date | None = None):
    """Current terms ending within the warning window, soonest first."""
    today = today or timezone.localdate()
    days = settings.UNIONHALL_TERM_WARNING_DAYS if within_days is None else within_days
    return (
        Office.objects.current(today)
        .filter(ends_on__isnull=False, ends_on__lte=today + dt.timedelta(days=days))
        .select_related("member", "branch", "workplace", "employer")
        .order_by("ends_on")
    )


def offices_warn_ending(*, today: dt.date | None = None) -> int:
    """Email each holder whose term ends within the window, once per term."""
    today = today or timezone.localdate()
    sent = 0
    for office in offices_ending(today=today).filter(warned_on__isnull=True):
        to = office.member.email
        if to:
            days = (office.ends_on - today).days
            send_mail(
                subject=f"Your term as {office.get_role_display()} ends on {office.ends_on:%-d %B %Y}",
                message=(
                    f"Dear {office.member.first_name},\n\n"
                    f"Your term as {office.get_role_display()}"
                    f"{' (' + office.scope_label + ')' if office.scope_label else ''} ends in {days} days, "
                    f"on {office.ends_on:%-d %B %Y}.\n\n"
                    "If the office is to be filled by election, the nomination timetable should start now.\n"
                ),
                from_email=None,
                recipient_list=[to],
            )
            sent += 1
        Office.objects.filter(pk=office.pk).update(warned_on=today)
    return sent
