"""A member who needs help to write their letter asks their rep or HQ,
instead of being blocked by the checks (WriteToThem's users ask this for
disabled people). The request is listed, oldest first, on the campaign's
report to officers whose remit covers the member (each read audited); an
officer marks it done once they have been in touch. Nothing is emailed to
officers: the report is where held letters and requests wait."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.campaigns.models import Campaign, HelpRequest
from unionhall.members.models import Member
from unionhall.members.remit import Remit
from unionhall.refusals import Refused

HOW = ("phone", "email", "meet")
NOTE_MAX = 500


def open_request(member: Member, campaign: Campaign) -> HelpRequest | None:
    return HelpRequest.objects.filter(campaign=campaign, member=member, done_at__isnull=True).first()


@transaction.atomic
def help_ask(*, member: Member, campaign: Campaign, how: str, note: str = "") -> HelpRequest:
    """Record the member's request for help with their letter in ``campaign``."""
    from unionhall.campaigns.services import campaign_for  # the audience and dates, as letters

    campaign_for(member, campaign.slug)
    if campaign.kind != Campaign.Kind.LETTER:
        raise Refused("This campaign collects evidence, not letters.", status=409)
    if how not in HOW:
        raise Refused("Say how we should get in touch: phone, email or at work.")
    if how == "phone" and not member.phone:
        raise Refused("We have no phone number for you. Choose email or meeting at work, or add your number first.")
    if len(note) > NOTE_MAX:
        raise Refused(f"Keep the note under {NOTE_MAX} characters.")
    try:
        with transaction.atomic():
            request = HelpRequest.objects.create(campaign=campaign, member=member, how=how, note=note.strip(), asked_at=timezone.now())
    except IntegrityError:
        raise Refused("You have asked for help with this letter already; someone will be in touch.", status=409) from None
    audit_record(actor=member.user, action=Action.CHANGE, subject=request, detail={"help": "asked", "campaign": campaign.pk})
    return request


def help_open(*, remit: Remit, campaign: Campaign):
    """Requests not yet done, of members within the officer's remit, oldest first."""
    return (
        HelpRequest.objects.filter(remit.members_q("member__"), campaign=campaign, done_at__isnull=True)
        .select_related("member", "member__workplace").order_by("asked_at", "pk")
    )  # fmt: skip


@transaction.atomic
def help_done(*, user, remit: Remit, request_id: int) -> HelpRequest:
    """An officer marks a request done (they have been in touch)."""
    from unionhall.campaigns.services import runs

    request = HelpRequest.objects.select_for_update().select_related("campaign", "member").filter(pk=request_id).first()
    if request is None or not remit.covers(request.member) or not runs(remit, request.campaign):
        raise Refused("No such request.", status=404)
    if request.done_at:
        raise Refused("This request is marked done already.", status=409)
    request.done_at, request.done_by = timezone.now(), user
    request.save(update_fields=["done_at", "done_by"])
    audit_record(actor=user, action=Action.CHANGE, subject=request, detail={"help": "done"})
    return request


def help_erase(*, member_id: int) -> int:
    """Erasure: delete the member's requests for help. Returns how many."""
    deleted, _ = HelpRequest.objects.filter(member_id=member_id).delete()
    return deleted


# The retention schedule's rule (campaign_letter, as the letter it helped
# with): a request is deleted HQ's period after it was marked done. One still
# waiting is kept until an officer has been in touch.


def help_done_due(before, after_id: int, limit: int) -> list[int]:
    """Ids above ``after_id``, in order, of at most ``limit`` requests marked
    done before the day ``before``."""
    import datetime as dt

    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    rows = HelpRequest.objects.filter(done_at__lt=cutoff, pk__gt=after_id)
    return list(rows.order_by("pk").values_list("pk", flat=True)[:limit])


def help_done_delete(ids) -> int:
    deleted, _ = HelpRequest.objects.filter(pk__in=list(ids), done_at__isnull=False).delete()
    return deleted
