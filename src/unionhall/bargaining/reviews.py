"""Job-evaluation reviews: the queue by priority group, its lateness, and a
member's own role in it."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bargaining.models import JobReview, JobReviewInterest
from unionhall.bargaining.roles import require_negotiator
from unionhall.members.models import Employer, Member
from unionhall.refusals import Refused


@transaction.atomic
def review_add(*, employer: Employer, role_title: str, priority_group: int, promised_on: dt.date | None, actor,
               created_on: dt.date | None = None) -> JobReview:  # fmt: skip
    require_negotiator(actor, employer.pk)
    if not role_title.strip() or promised_on is None or priority_group < 1:
        raise Refused("A review needs the role, a priority group (1 first) and the date it was promised.")
    if JobReview.objects.filter(employer=employer, role_title__iexact=role_title.strip()).exists():
        raise Refused(f"{role_title.strip()} is already in the queue.", status=409)
    review = JobReview.objects.create(employer=employer, role_title=role_title.strip(), priority_group=priority_group, promised_on=promised_on,
                                      created_on=created_on or timezone.localdate())  # fmt: skip
    audit_record(actor=actor, action=Action.CHANGE, subject=review, detail={"event": "review queued"})
    return review


@transaction.atomic
def review_set_status(*, review: JobReview, status: str, on: dt.date | None = None, actor) -> JobReview:
    require_negotiator(actor, review.employer_id)
    if status not in JobReview.Status.values:
        raise Refused("Choose waiting, being evaluated or completed.")
    review.status = status
    review.completed_on = (on or timezone.localdate()) if status == JobReview.Status.COMPLETED else None
    review.save(update_fields=["status", "completed_on"])
    audit_record(actor=actor, action=Action.CHANGE, subject=review, detail={"event": "review status", "status": status})
    return review


def review_for_member(member: Member) -> JobReview | None:
    """The review of the member's own role (by their job role in the register), if queued."""
    if not member.job_role:
        return None
    return JobReview.objects.filter(employer_id=member.employer_id, role_title__iexact=member.job_role.strip()).first()


@transaction.atomic
def review_register_interest(*, review: JobReview, member: Member, evidence: str = "") -> JobReviewInterest:
    """A member in the role registers interest, optionally with evidence (what the
    job now involves). Only for the member's own role: it is their job, not anyone's."""
    own = review_for_member(member)
    if own is None or own.pk != review.pk:
        raise Refused("You can register interest only in the review of your own role.", status=403)
    if len(evidence) > 5000:
        raise Refused("Keep the evidence under 5,000 characters; send documents to your rep.")
    try:
        with transaction.atomic():
            interest = JobReviewInterest.objects.create(review=review, member=member, evidence=evidence.strip())
    except IntegrityError:
        raise Refused("You have already registered interest in this review.", status=409) from None
    audit_record(actor=member.user, action=Action.CHANGE, subject=interest, detail={"event": "interest registered", "evidence": bool(evidence.strip())})
    return interest


@dataclass(frozen=True)
class GroupBacklog:
    priority_group: int
    waiting: int
    in_review: int
    completed: int
    late: int
    oldest_days_late: int
    mean_days_late: int


def backlog(*, employer_id: int | None = None, today: dt.date | None = None) -> list[GroupBacklog]:
    """Per priority group: how many roles wait, how many are late and by how long (one query)."""
    today = today or timezone.localdate()
    rows = JobReview.objects.all() if employer_id is None else JobReview.objects.filter(employer_id=employer_id)
    groups: dict[int, dict] = {}
    for group, status, promised, completed in rows.values_list("priority_group", "status", "promised_on", "completed_on"):
        g = groups.setdefault(group, {"waiting": 0, "in_review": 0, "completed": 0, "late": []})
        g[status] += 1
        if status != JobReview.Status.COMPLETED and promised < today:
            g["late"].append((today - promised).days)
    return [GroupBacklog(k, v["waiting"], v["in_review"], v["completed"], len(v["late"]), max(v["late"], default=0),
                         sum(v["late"]) // len(v["late"]) if v["late"] else 0) for k, v in sorted(groups.items())]  # fmt: skip


def backlog_over_time(*, employer_id: int | None = None, today: dt.date | None = None, years: int = 6) -> list[tuple[dt.date, int, int]]:
    """At each 1 April of the last ``years`` years: (day, roles awaiting review, of them past their promised date)."""
    today = today or timezone.localdate()
    rows = list((JobReview.objects.all() if employer_id is None else JobReview.objects.filter(employer_id=employer_id))
                .values_list("created_on", "promised_on", "completed_on"))  # fmt: skip
    out = []
    for year in range(today.year - years + 1, today.year + 1):
        day = dt.date(year, 4, 1)
        if day > today:
            continue
        waiting = [p for c, p, done in rows if c <= day and (done is None or done > day)]
        out.append((day, len(waiting), sum(1 for p in waiting if p < day)))
    return out
