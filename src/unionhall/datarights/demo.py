"""The demo union's data rights: fictional data that shows the app at work.
The demo member has officers' looks at their record (and was in a branch list
their branch secretary exported); HQ has a postal subject
access request in hand and one overdue; a member who left asks to be erased;
members who left years ago are shown by a dry run and then anonymised by a
retention run."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.datarights import erasure, notices, requests, retention
from unionhall.datarights.register_exports import register_export_record
from unionhall.members.demo.builder import DEMO_DOMAIN
from unionhall.members.models import Member, Office, User

NOTICE = """# How the union uses your data

The union holds your register details (name, contact details, employer, branch, workplace and grade)
so that it can represent you, run its ballots and elections, and send you what you asked for.
Membership of a trade union is special-category data: we hold it as a union about our own members,
and never give it to your employer or anyone outside the union without your consent.

**What we hold, why, and for how long** is listed, kind by kind, on your *My data* page, from the same
declarations the software itself uses. Every time an officer reads your record it is logged, and you
can see who, when and why under *Who has looked at my record*.

**Your rights**: to see and download everything we hold; to have it corrected; to have it erased once
you have left, except what the law requires us to keep (for example a statutory ballot's records);
and to complain to the Information Commissioner's Office.
"""


def _user(local: str) -> User | None:
    return User.objects.filter(email=f"{local}@{DEMO_DOMAIN}").select_related("member").first()


@transaction.atomic
def build_demo(seed: int) -> list[str]:
    """Build this app's part of the demo union (every other app's part exists already); return the lines the demo command prints about it."""
    rng = random.Random(seed * 17 + 1)
    member_user, secretary, admin, rep = _user("member"), _user("secretary"), _user("admin"), _user("rep")
    if not (member_user and secretary and admin):
        return []
    member = member_user.member
    today = timezone.localdate()

    notices.notice_publish(body=NOTICE, actor=admin)
    # Officers looked at the demo member's record: the branch secretary (a
    # grievance was raised), HQ (an address correction), the rep in a search.
    audit_record(actor=secretary, action=Action.VIEW, subject=member, detail={"page": "member detail", "reason": "preparing for a grievance meeting"})
    audit_record(actor=admin, action=Action.CHANGE, subject=member, detail={"fields": ["address_line1"], "by": "HQ", "reason": "returned post"})
    if rep is not None:
        audit_record(actor=rep, action=Action.VIEW, subject=("members.register", "search"),
                     detail={"filters": {"workplace": member.workplace_id}, "shown": [member.membership_number]})  # fmt: skip
    audit_record(actor=member_user, action=Action.VIEW, subject=member, detail={"page": "my data"})
    # The branch secretary exported the branch's list (a mail-out by post): the
    # demo member's "Who has looked" says their record was in it.
    exported, listed = register_export_record(actor=secretary, members=Member.objects.filter(branch=member.branch_id, status=Member.Status.ACTIVE))
    audit_record(actor=secretary, action=Action.EXPORT, subject=("members.register", "export"),
                 detail={"filters": {"branch": member.branch_id, "status": "active"}, **listed})  # fmt: skip

    # Subject access requests: one by letter ten days ago, identity checked;
    # one by email six weeks ago that nobody answered (HQ's home page lists it).
    others = list(Member.objects.filter(status=Member.Status.ACTIVE).exclude(pk=member.pk).exclude(
        pk__in=Office.objects.values("member")).order_by("membership_number").values_list("membership_number", flat=True)[:200])  # fmt: skip
    postal_number, late_number = rng.sample(others, 2)
    postal = requests.sar_record(membership_number=postal_number, channel="letter", received_on=today - dt.timedelta(days=10), actor=admin)
    requests.sar_identity_checked(sar=postal, note="Signed letter; address matches the register", on=today - dt.timedelta(days=8), actor=admin)
    requests.sar_record(membership_number=late_number, channel="email", received_on=today - dt.timedelta(days=42), actor=admin)

    # Members who left years ago (the demo's own leavers all left this spring):
    # past the six years the schedule keeps a lapsed member's details.
    leavers = list(Member.objects.filter(status__in=erasure.LEFT).order_by("membership_number").values_list("pk", flat=True))
    long_gone = rng.sample(leavers, min(6, len(leavers)))
    for pk in long_gone:
        Member.objects.filter(pk=pk).update(lapsed_on=dt.date(rng.randint(2015, 2019), rng.randint(1, 12), 1))
    asking = next((pk for pk in leavers if pk not in long_gone), None)
    if asking is not None:
        leaver = Member.objects.get(pk=asking)
        erasure.erasure_request(member=leaver, actor=leaver.user)

    due = retention.retention_dry_run(today=today)
    would = sum(d.count for d in due if d.key == "lapsed_member")
    run = retention.retention_run(today=today)
    done = run.counts.get("lapsed_member:members.Member", 0)
    return [
        f"Data rights: sign in as member@{DEMO_DOMAIN} for My data and who has looked at /my-data/ (download, erasure, privacy notice v1)",
        f"  HQ: subject access requests (one by letter due {postal.due_on:%-d %B %Y}, one overdue) at /my-data/hq/requests/;",
        f"  retention at /my-data/hq/retention/: the dry run found {would} long-lapsed members, the run anonymised {done};",
        "  an erasure request waits at /my-data/hq/erasures/; the record of processing at /my-data/hq/processing/",
    ]
