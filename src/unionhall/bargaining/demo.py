"""The demo union's bargaining: fictional data that shows the app at work.

A national council the employers withdrew from; the Public Probation Service's
joint council, its constitution ratified by a quorate NEC decision; a pay and
grading agreement whose commitments are tracked, several of them overdue by
months or years; a dispute over caseloads that ran to the demo's statutory
ballot; job-evaluation reviews in priority groups, years late; and pay scales
with a settlement under which the demo's plain member checks their back pay,
which is the worked example of docs/backpay.md (£406.86)."""

import datetime as dt
import json
from pathlib import Path

from django.utils import timezone

import backpay
from unionhall.bargaining import bodies, commitments, disputes, meetings, pay, reviews
from unionhall.bargaining.models import Commitment, PayRecord, Settlement
from unionhall.conference import api as conference
from unionhall.mandates import api as mandates
from unionhall.members.models import Employer, Member, Office, Role

WORKED_EXAMPLE = Path(backpay.__file__).with_name("worked_example.json")
DEMO_MEMBER_EMAIL = "member@demo.unionhall.test"
DEMO_ROLE = "Approved premises residential worker"
STATUTORY_BALLOT_SLUG = "demo-statutory-ballot"

# (clause, text, commitment, who acts, delivered means, due, [(status, days after due (negative: before), note, evidence)])
AGREEMENT_2023 = [
    ("1", "Incremental pay progression is restored from 1 April 2023: one point a year on each member's anniversary.",
     "Restore incremental pay progression", "employer", "Every eligible member paid one point higher from their anniversary",
     dt.date(2023, 4, 1), [("in_progress", -20, "Payroll confirmed the anniversary dates.", ""),
                           ("delivered", 75, "Increments paid in the June payroll, back-dated.", "Payroll circular 2023/07; members' June payslips")]),
    ("2", "Probation services officers are regraded from band 3 to band 4, with back pay to 1 April 2023.",
     "Regrade PSOs to band 4 with back pay", "employer", "Band 4 on payslips and the back pay paid in full",
     dt.date(2023, 9, 30), [("in_progress", 30, "New band on payslips from November; back pay not yet paid.", "November payslips")]),
    ("3", "Pay band 2 is abolished and its holders assimilated to band 3.",
     "Abolish pay band 2", "employer", "No member paid on band 2", dt.date(2024, 3, 31), []),
    ("4", "A pay manual setting out every scale, allowance and progression rule is published to staff.",
     "Publish a pay manual", "employer", "The manual published on the staff intranet", dt.date(2023, 12, 31),
     [("in_progress", -60, "A draft was shared with the union side.", "Draft v0.3"),
      ("broken", 300, "The employer told the council it will not publish a manual this year.", "Council minutes, item 6")]),
    ("5", "Roles changed by the restructuring are job-evaluated within six months of implementation, in priority groups.",
     "Job-evaluate restructured roles", "employer", "Every role in the queue evaluated and the outcome told to its holders",
     dt.date(2021, 4, 1), [("in_progress", 400, "Group 1 started.", "")]),
    ("6", "The union side circulates a summary of every council meeting to members within ten days.",
     "Publish a summary of each council meeting", "union", "A bulletin within ten days of each meeting", dt.date(2027, 6, 30), []),
]

ROLES = [  # (role, priority group, months after 1 October 2020 the review was promised, completed?)
    (DEMO_ROLE, 2, 6, False), ("Probation services officer (courts)", 1, 6, True), ("Senior probation officer", 1, 6, False),
    ("Victim liaison officer", 1, 6, False), ("Receptionist", 2, 6, False), ("Case administrator", 2, 12, False),
    ("Programmes facilitator", 3, 12, False), ("Unpaid work supervisor", 3, 18, False), ("Resettlement worker", 3, 18, False),
]


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, min(day.day, 28))


def _holder(role: Role, **scope):
    office = Office.objects.current().filter(role=role, **scope).select_related("member__user").order_by("pk").first()
    return office


def build_demo(seed: int) -> list[str]:
    """Build this app's part of the demo union (members, offices, ballots and
    conference exist already); return the lines the demo command prints."""
    today = timezone.localdate()
    hq = _holder(Role.HQ_ADMIN).member.user
    pps = Employer.objects.get(code="pps")

    national = bodies.body_create(name="National Negotiating Council", employer=None, actor=hq, on=dt.date(2010, 4, 1),
                                  parties="Employers' side: the national probation employers\nUnion side: the recognised unions",
                                  constitution="Pay and conditions for all probation staff in England and Wales.")  # fmt: skip
    bodies.body_set_status(body=national, status="withdrawn", on=dt.date(2021, 6, 30), actor=hq,
                           note="The employers withdrew from national bargaining.")  # fmt: skip

    council = bodies.body_create(name="PPS Joint Negotiating Council", employer=pps, actor=hq, on=dt.date(2021, 9, 1),
                                 parties="Public Probation Service management\nThe union and the other recognised unions",
                                 constitution="Pay, grading, job evaluation and national conditions for staff of the Public Probation Service.")  # fmt: skip
    union_side = [o for o in (_holder(Role.GENERAL_SECRETARY), _holder(Role.LINK_OFFICER, employer=pps)) if o]
    bodies.body_set_union_side(body=council, offices=union_side, actor=hq)
    held_on = today - dt.timedelta(days=200)
    nec = conference.body_member_ids(body_slug="nec", on=held_on)
    quorum = len(nec) // 2 + 1
    meeting = conference.meeting_hold(body_slug="nec", held_on=held_on, title="NEC meeting: negotiating machinery", attendee_ids=nec[: quorum + 1], actor=hq)
    decision = conference.decision_minute(meeting_id=meeting, minute="Minute 12", actor=hq, now=timezone.make_aware(dt.datetime.combine(held_on, dt.time(15))),
                                          text="To ratify the constitution of the PPS Joint Negotiating Council.")  # fmt: skip
    bodies.body_ratify(body=council, decision_id=decision, actor=hq)

    meeting = meetings.meeting_record(body=council, held_on=dt.date(2023, 3, 15), actor=hq,
                                      agenda="1. The 2022 pay claim\n2. Regrading of PSOs\n3. Job evaluation after the restructuring",
                                      minutes="The pay and grading agreement 2023 was agreed and signed. The employer side will report on job evaluation at each meeting.")  # fmt: skip
    meetings.action_add(meeting=meeting, text="Circulate the signed agreement to all staff", owner="Employer side", due_on=dt.date(2023, 3, 31), actor=hq)
    meetings.action_add(meeting=meeting, text="Publish the job-evaluation timetable by priority group", owner="Employer side",
                        due_on=dt.date(2023, 6, 30), actor=hq)  # fmt: skip
    meetings.action_done(action=meeting.actions.order_by("due_on").first(), on=dt.date(2023, 3, 29), actor=hq)

    agreement = commitments.agreement_create(
        body=council, title="Pay and grading agreement 2023", agreed_on=dt.date(2023, 3, 15), actor=hq,
        signatories="Director of HR, Public Probation Service\nGeneral Secretary",
        text="Agreed in the PPS Joint Negotiating Council after the 2022 pay claim.",
        clauses=[commitments.ClauseSpec(number, text) for number, text, *_ in AGREEMENT_2023],
    )  # fmt: skip
    clauses = {c.number: c for c in agreement.clauses.all()}
    member = Member.objects.get(email=DEMO_MEMBER_EMAIL)
    pay_resolution = conference.resolution_find(title_contains="pay")
    tracked = []
    for number, _, title, who, means, due, updates in AGREEMENT_2023:
        c = commitments.commitment_create(agreement=agreement, clause=clauses[number], title=title, who_acts=who, delivered_means=means,
                                          due_on=due, actor=hq, today=dt.date(2023, 3, 15),
                                          resolution_id=pay_resolution[0] if pay_resolution and number == "1" else None)  # fmt: skip
        for status, days, note, evidence in updates:
            commitments.commitment_update(commitment=c, status=status, on=min(due + dt.timedelta(days=days), today), note=note, evidence=evidence, actor=hq)
        tracked.append(c)
    for c in tracked[1:3]:
        commitments.commitment_follow(commitment=c, member=member)

    dispute = disputes.dispute_open(employer=pps, title="Caseload limits", opened_on=today - dt.timedelta(days=150), actor=hq,
                                    issue="The employer will not agree a limit on caseloads.")  # fmt: skip
    ballot = mandates.statutory_ballot_find(ballot_slug=STATUTORY_BALLOT_SLUG)
    stages = [("failure_to_agree", today - dt.timedelta(days=120), "Recorded at the joint council."),
              ("acas", today - dt.timedelta(days=90), "Two conciliation meetings; no offer.")]  # fmt: skip
    if ballot:
        disputes.dispute_link_ballot(dispute=dispute, statutory_ballot_id=ballot.id, actor=hq)
        stages.append(("ballot", ballot.opens_on, "Statutory ballot on industrial action."))
        if ballot.closes_on + dt.timedelta(days=14) <= today:
            stages.append(("action", ballot.closes_on + dt.timedelta(days=14), "Action short of a strike: working to the caseload weighting."))
    for stage, on, note in stages:
        disputes.dispute_stage_add(dispute=dispute, stage=stage, on=on, note=note, actor=hq)

    implemented = dt.date(2020, 10, 1)
    for role, group, months, done in ROLES:
        review = reviews.review_add(employer=pps, role_title=role, priority_group=group, promised_on=_add_months(implemented, months),
                                    actor=hq, created_on=implemented)  # fmt: skip
        if done:
            reviews.review_set_status(review=review, status="completed", on=dt.date(2023, 5, 1), actor=hq)
    Member.objects.filter(pk=member.pk).update(job_role=DEMO_ROLE)

    case = json.loads(WORKED_EXAMPLE.read_text(encoding="utf-8"))
    scales = {}
    for key in ("old_scale", "new_scale"):
        rows = case[key]["rates"]
        text = "band,point,annual,effective_from\n" + "".join(f"{r['band']},{r['point']},{r['annual']},{r['effective_from']}\n" for r in rows)
        scales[key] = pay.scale_import(employer=pps, name=case[key]["name"], csv_text=text, actor=hq)
    history = case["member"]
    pay.pay_record_set(member=member, employee_number=history["employee_number"], anniversary=dt.date.fromisoformat(history["anniversary"]), actor=hq,
                       periods=[{**p, "full_time_hours": history["full_time_hours"]} for p in history["periods"]])  # fmt: skip
    settlement = Settlement.objects.create(employer=pps, title="2023 pay settlement: back pay", old_scale=scales["old_scale"], new_scale=scales["new_scale"],
                                           starts_on=dt.date.fromisoformat(case["from"]), ends_on=dt.date.fromisoformat(case["to"]), convention=case["convention"])  # fmt: skip
    owed = backpay.calculate(old=pay.scale_for_backpay(settlement.old_scale), new=pay.scale_for_backpay(settlement.new_scale),
                             history=pay.history_for_backpay(pay.own_record(member)), start=settlement.starts_on, end=settlement.ends_on,
                             convention=settlement.convention).total  # fmt: skip
    # Two open queries for HQ's queue: the demo member's own, and one from a
    # colleague with no pay record who gave the demo member's number by mistake,
    # which the queue marks as on another member's record.
    pay.query_raise(member=member, settlement=settlement, employee_number=history["employee_number"],
                    question="My increment in June 2023 does not seem to be in the back pay. Was it counted from the right date?")  # fmt: skip
    colleague = (Member.objects.filter(employer=pps, status=Member.Status.ACTIVE).exclude(pk=member.pk)
                 .exclude(pk__in=PayRecord.objects.values("member_id")).order_by("pk").first())
    if colleague is not None:
        pay.query_raise(member=colleague, settlement=settlement, employee_number=history["employee_number"],
                        question="I worked extra hours in 2023 and cannot see them in my back pay.")  # fmt: skip
    overdue = Commitment.objects.filter(agreement=agreement, status__in=Commitment.OPEN, due_on__lt=today).count()
    return [
        f"Bargaining: a withdrawn national council, the PPS council ratified by a quorate NEC; {len(tracked)} commitments tracked,",
        f"  {overdue} overdue, at /bargaining/commitments/; a dispute that ran to the statutory ballot; job-evaluation reviews at /bargaining/reviews/",
        f"  {DEMO_MEMBER_EMAIL} checks their back pay (employee {history['employee_number']}): £{owed}, the worked example of docs/backpay.md, at /bargaining/pay/;",
        "  admin@ answers back-pay queries at /bargaining/pay/queries/ (one gives another member's employee number: the queue says so)",
    ]
