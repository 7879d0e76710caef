"""Changes to the register. Each validates, changes and audits in one transaction."""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.mail import queue_email
from unionhall.members.models import Member, Office, User
from unionhall.outbox.models import Topic
from unionhall.refusals import Refused


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
    """End a current term on ``on``: not before it started, and never later
    than it was due to end (extending a term is a new appointment)."""
    office = Office.objects.select_for_update().get(pk=office.pk)
    previous = office.ends_on
    if previous is not None and on > previous:
        raise ValidationError({"ends_on": f"This term already ends on {previous:%-d %B %Y}; it cannot be extended here."})
    office.ends_on = on
    office.full_clean()
    office.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        action=Action.OFFICE,
        subject=office,
        detail={
            "event": "ended",
            "role": office.role,
            "member": office.member.membership_number,
            "ends_on": on.isoformat(),
            "was_due_to_end": previous.isoformat() if previous else None,
        },
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
    """Email each holder whose term ends within the window, once per term:
    the warning and the note that it was given are written together."""
    today = today or timezone.localdate()
    sent = 0
    for office in offices_ending(today=today).filter(warned_on__isnull=True):
        to = office.member.email
        with transaction.atomic():
            if to:
                days = (office.ends_on - today).days
                queue_email(
                    subject=f"Your term as {office.get_role_display()} ends on {office.ends_on:%-d %B %Y}",
                    body=(
                        f"Dear {office.member.first_name},\n\n"
                        f"Your term as {office.get_role_display()}"
                        f"{' (' + office.scope_label + ')' if office.scope_label else ''} ends in {days} days, "
                        f"on {office.ends_on:%-d %B %Y}.\n\n"
                        "If the office is to be filled by election, the nomination timetable should start now.\n"
                    ),
                    to=[to], topic=Topic.TERM_WARNING, key=f"term-warning:{office.pk}:{office.ends_on.isoformat()}",
                    member_id=office.member_id, about=office,
                )  # fmt: skip
                sent += 1
            Office.objects.filter(pk=office.pk).update(warned_on=today)
    return sent


# --- Changing the sign-in address: confirmed from the new inbox ----------------------

EMAIL_CHANGE_SALT = "unionhall.members.email-change"
EMAIL_CHANGE_MAX_AGE = 60 * 60 * 24


def member_request_email_change(*, member: Member, new_email: str, confirm_url_for) -> None:
    """Send a confirmation link to ``new_email`` and a notice to the old
    address. Says nothing about whether the new address is taken: the reply
    is the same either way, so nobody learns who is a member."""
    token = signing.dumps({"member": member.pk, "email": new_email}, salt=EMAIL_CHANGE_SALT)
    queue_email(
        subject="Confirm your new email address for unionhall",
        body=(
            f"Dear {member.first_name},\n\nOpen this link while signed in to make {new_email} your address "
            f"with the union (and the one you sign in with):\n{confirm_url_for(token)}\n\n"
            "It works for 24 hours. If you did not ask for this, ignore this email.\n"
        ),
        to=[new_email], topic=Topic.EMAIL_CHANGE, member_id=member.pk,
    )  # fmt: skip
    if member.email:
        queue_email(
            subject="A change of your email address was requested",
            body=(
                f"Dear {member.first_name},\n\nSomeone signed in as you asked to change your email address with the union. "
                "Nothing changes unless the link sent to the new address is opened. If this was not you, contact your "
                "branch or the union office at once.\n"
            ),
            to=[member.email], topic=Topic.EMAIL_CHANGE, member_id=member.pk,
        )  # fmt: skip


def member_confirm_email_change(*, token: str, user) -> Member:
    """Apply a confirmed change. The link must be opened by the member who asked."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.SignatureExpired:
        raise Refused("This link has expired. Ask for a new one from My details.") from None
    except signing.BadSignature:
        raise Refused("This link is not valid.") from None
    member = Member.objects.filter(pk=data["member"], user=user).first()
    if member is None:
        raise Refused("This link belongs to another account. Sign in as the member who asked for it.")
    if User.objects.filter(email=data["email"]).exclude(pk=user.pk).exists():
        raise Refused("That address cannot be used for your account. Contact your branch or the union office.")
    member_update_contact(member=member, actor=user, changed={"email": data["email"]})
    return member
