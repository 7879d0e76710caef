"""Motions and amendments from submission to the published agenda, each step
validated (check_*) and then done atomically with its audit entry (do_*).

The do_* functions take the conference's row lock and run their check again
under it, so a deadline or a number cannot be raced past."""

import datetime as dt
import string
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.conference.models import Amendment, Conference, Motion, Proposer, Responsible, SocMember
from unionhall.conference.standing import branches_spoken_for, require_clerk, require_soc, speaks_for_nec
from unionhall.members.models import Branch, Member
from unionhall.refusals import Refused

OPEN_TO_RULING = (Motion.Status.SUBMITTED, Motion.Status.ACCEPTED)


@dataclass(frozen=True)
class MotionDraft:
    title: str
    text: str
    proposer: str  # Proposer.BRANCH or Proposer.NEC
    branch: Branch | None = None
    instructs: str = Responsible.OFFICERS
    instructs_role: str = ""


def _when(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y at %H:%M}"


def _lock(conference: Conference) -> Conference:
    return Conference.objects.select_for_update().get(pk=conference.pk)


def check_proposer(*, user, proposer: str, branch: Branch | None) -> None:
    """The user speaks for the proposer: a branch's secretary or chair, or an NEC member."""
    if proposer == Proposer.BRANCH:
        if branch is None:
            raise Refused("Say which branch is putting this forward.")
        if branch.pk not in branches_spoken_for(user):
            raise Refused(f"Only the secretary or chair of {branch} branch can submit for it.", status=403)
    elif proposer == Proposer.NEC:
        if not speaks_for_nec(user):
            raise Refused("Only members of the NEC can submit for the NEC.", status=403)
    else:
        raise Refused("Motions come from a branch or from the NEC.")


# --- Motions ----------------------------------------------------------------------


def check_submit_motion(*, conference: Conference, user, draft: MotionDraft, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    if now > conference.motions_deadline:
        raise Refused(f"The deadline for motions was {_when(conference.motions_deadline)}. Motions can no longer be submitted.", status=409)
    check_proposer(user=user, proposer=draft.proposer, branch=draft.branch)
    if not draft.title.strip() or not draft.text.strip():
        raise Refused("A motion needs a title and its text.")
    if (draft.instructs == Responsible.OFFICE_HOLDER) != bool(draft.instructs_role):
        raise Refused("Name the office holder the motion instructs (and only then).")


@transaction.atomic
def do_submit_motion(*, conference: Conference, user, draft: MotionDraft, now: dt.datetime | None = None) -> Motion:
    now = now or timezone.now()
    conference = _lock(conference)
    check_submit_motion(conference=conference, user=user, draft=draft, now=now)
    motion = Motion.objects.create(
        conference=conference, number=_next_number(conference), title=draft.title.strip(), text=draft.text.strip(),
        proposer=draft.proposer, branch=draft.branch if draft.proposer == Proposer.BRANCH else None,
        instructs=draft.instructs, instructs_role=draft.instructs_role, submitted_by=user, submitted_at=now,
    )  # fmt: skip
    audit_record(actor=user, action=Action.CHANGE, subject=motion, detail={"event": "motion submitted", "number": motion.number})
    return motion


def _next_number(conference: Conference) -> int:
    """Call while holding the conference's row lock."""
    return (conference.motions.aggregate(n=Max("number"))["n"] or 0) + 1


# --- Amendments -------------------------------------------------------------------


def check_submit_amendment(*, motion: Motion, user, proposer: str, branch: Branch | None, text: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    deadline = motion.conference.amendments_deadline
    if now > deadline:
        raise Refused(f"The deadline for amendments was {_when(deadline)}. Amendments can no longer be submitted.", status=409)
    if motion.status not in OPEN_TO_RULING:
        raise Refused("This motion is not going to conference, so it cannot be amended.", status=409)
    check_proposer(user=user, proposer=proposer, branch=branch)
    if not text.strip():
        raise Refused("An amendment needs its text.")


@transaction.atomic
def do_submit_amendment(*, motion: Motion, user, proposer: str, branch: Branch | None, text: str, now: dt.datetime | None = None) -> Amendment:
    now = now or timezone.now()
    _lock(motion.conference)
    motion = Motion.objects.select_related("conference").get(pk=motion.pk)
    check_submit_amendment(motion=motion, user=user, proposer=proposer, branch=branch, text=text, now=now)
    letter = string.ascii_uppercase[motion.amendments.count() % 26]
    amendment = Amendment.objects.create(
        motion=motion, letter=letter, text=text.strip(), proposer=proposer,
        branch=branch if proposer == Proposer.BRANCH else None, submitted_by=user, submitted_at=now,
    )  # fmt: skip
    audit_record(actor=user, action=Action.CHANGE, subject=amendment, detail={"event": "amendment submitted", "motion": motion.number, "letter": letter})
    return amendment


# --- The standing orders committee ------------------------------------------------


def check_soc_appoint(*, conference: Conference, member: Member | None, actor) -> None:
    require_clerk(actor)
    if member is None or member.status != Member.Status.ACTIVE:
        raise Refused("The standing orders committee is made of active members: check the membership number.")
    if conference.agenda_published_at:
        raise Refused("The agenda is published; the committee's work for this conference is done.", status=409)
    if SocMember.objects.filter(conference=conference, member=member).exists():
        raise Refused(f"{member.full_name} is already on the standing orders committee.", status=409)


@transaction.atomic
def soc_appoint(*, conference: Conference, member: Member | None, actor, now: dt.datetime | None = None) -> SocMember:
    """HQ names a member of the conference's standing orders committee."""
    conference = _lock(conference)
    check_soc_appoint(conference=conference, member=member, actor=actor)
    seat = SocMember.objects.create(conference=conference, member=member, appointed_by=actor, appointed_at=now or timezone.now())
    audit_record(actor=actor, action=Action.CHANGE, subject=conference, detail={"event": "SOC member appointed", "member": member.membership_number})
    return seat


def _conference_of(item: Motion | Amendment) -> Conference:
    return item.conference if isinstance(item, Motion) else item.motion.conference


def _check_rulable(item: Motion | Amendment, conference: Conference) -> None:
    if conference.agenda_published_at:
        raise Refused("The agenda is published; the committee's rulings are final.", status=409)
    if item.status not in OPEN_TO_RULING:
        raise Refused(f"{item} has already been {item.get_status_display().lower()}.", status=409)


@transaction.atomic
def soc_accept(*, item: Motion | Amendment, actor) -> None:
    """Put a motion or amendment on the agenda."""
    require_soc(actor, _conference_of(item))
    conference = _lock(_conference_of(item))
    item.refresh_from_db()
    _check_rulable(item, conference)
    item.status, item.ruling_reason = Motion.Status.ACCEPTED, ""
    item.save(update_fields=["status", "ruling_reason"])
    audit_record(actor=actor, action=Action.CHANGE, subject=item, detail={"event": "accepted for the agenda"})


@transaction.atomic
def soc_rule_out(*, item: Motion | Amendment, reason: str, actor) -> None:
    """Rule a motion or amendment out of order; the reason is published with the agenda."""
    require_soc(actor, _conference_of(item))
    if not reason.strip():
        raise Refused("Give the reason for ruling this out of order; it is published with the agenda.")
    conference = _lock(_conference_of(item))
    item.refresh_from_db()
    _check_rulable(item, conference)
    item.status, item.ruling_reason = Motion.Status.RULED_OUT, reason.strip()
    item.save(update_fields=["status", "ruling_reason"])
    audit_record(actor=actor, action=Action.CHANGE, subject=item, detail={"event": "ruled out of order"})


@transaction.atomic
def soc_composite(*, conference: Conference, sources: list[Motion], title: str, text: str, actor,
                  instructs: str = Responsible.OFFICERS, instructs_role: str = "", now: dt.datetime | None = None) -> Motion:  # fmt: skip
    """Merge two or more motions into one composite that replaces them on the agenda."""
    require_soc(actor, conference)
    conference = _lock(conference)
    sources = list(Motion.objects.filter(pk__in=[m.pk for m in sources], conference=conference))
    if len(sources) < 2:
        raise Refused("A composite merges at least two motions of this conference.")
    if not title.strip() or not text.strip():
        raise Refused("A composite needs a title and its text.")
    for source in sources:
        _check_rulable(source, conference)
        if source.is_composite:
            raise Refused(f"{source} is itself a composite.")
    composite = Motion.objects.create(
        conference=conference, number=_next_number(conference), title=title.strip(), text=text.strip(),
        proposer=Proposer.SOC, status=Motion.Status.ACCEPTED, instructs=instructs, instructs_role=instructs_role,
        submitted_by=actor, submitted_at=now or timezone.now(),
    )  # fmt: skip
    Motion.objects.filter(pk__in=[m.pk for m in sources]).update(status=Motion.Status.COMPOSITED, composite=composite)
    numbers = sorted(m.number for m in sources)
    audit_record(actor=actor, action=Action.CHANGE, subject=composite, detail={"event": "composite made", "sources": numbers})
    return composite


@transaction.atomic
def agenda_publish(*, conference: Conference, actor, now: dt.datetime | None = None) -> None:
    """Publish the final agenda once every motion and amendment has a ruling."""
    require_soc(actor, conference)
    conference = _lock(conference)
    if conference.agenda_published_at:
        raise Refused("The agenda is already published.", status=409)
    waiting = conference.motions.filter(status=Motion.Status.SUBMITTED).count()
    waiting += Amendment.objects.filter(motion__conference=conference, status=Amendment.Status.SUBMITTED).count()
    if waiting:
        raise Refused(f"{waiting} motion(s) or amendment(s) still await the committee's ruling.", status=409)
    conference.agenda_published_at = now or timezone.now()
    conference.save(update_fields=["agenda_published_at"])
    audit_record(actor=actor, action=Action.CHANGE, subject=conference, detail={"event": "agenda published"})


def agenda(conference: Conference) -> dict:
    """What the agenda page shows: the motions going to conference, with their
    accepted amendments and a composite's sources, and what was ruled out and why."""
    motions = conference.motions.select_related("branch").prefetch_related("amendments__branch", "sources__branch")
    return {
        "items": [m for m in motions if m.status == Motion.Status.ACCEPTED],
        "ruled_out": [m for m in motions if m.status == Motion.Status.RULED_OUT],
        "ruled_out_amendments": Amendment.objects.filter(motion__conference=conference, status=Amendment.Status.RULED_OUT).select_related("motion"),
    }
