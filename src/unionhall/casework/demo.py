"""The demo union's casework: fictional cases of several kinds in the first
branch (the demo secretary's), built through the services so they are sealed
and audited like real use. The demo member has a disciplinary case with the
demo rep; one case is handed over, one referred to a national representative;
deadlines fall 3, 7 and 14 days ahead so reminders are queued (the worker
sends them to the SMTP sink); one idle case is flagged; an officer of another
branch tries to read a case and is refused, and the refusal is audited.

Behind them, a year of closed cases in a branch of each of the two largest
employers (the demo member's own earlier grievance among them), so the anonymous
statistics page has figures to show and small groups it hides."""

import datetime as dt
import random
from collections import Counter

from deadlines import deadline
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.casework import services
from unionhall.casework.models import Case
from unionhall.casework.reminders import flag_idle_deadlines, send_deadline_reminders
from unionhall.members.demo.builder import DEMO_DOMAIN
from unionhall.members.models import Member, Office, Role
from unionhall.members.remit import remit_for
from unionhall.refusals import Refused

PROFILE_RULES = [
    {"code": "appeal", "title": "Appeal within 5 working days of the outcome letter", "count": 5, "unit": "working-days", "from": "outcome",
     "case_types": ["disciplinary", "grievance", "attendance", "capability"], "source": "Demo employer disciplinary and grievance policy, para 12"},
    {"code": "vetting-appeal", "title": "Vetting appeal within 10 working days of the decision", "count": 10, "unit": "working-days",
     "from": "outcome", "case_types": ["vetting"], "source": "Demo employer vetting procedure, para 6.2"},
    {"code": "statement", "title": "Written statement to the employer 2 working days before the meeting", "count": 2, "unit": "working-days",
     "direction": "before", "from": "meeting", "case_types": ["disciplinary"], "source": "Demo employer disciplinary policy, para 8"},
    {"code": "bundle", "title": "Evidence bundle to the employer 7 days before the meeting", "count": 7, "unit": "calendar-days",
     "direction": "before", "from": "meeting", "case_types": ["capability"], "source": "Demo employer capability procedure, para 4.3"},
]  # fmt: skip

# A year's closed cases per employer, by kind (weights) and how they ended. Invented.
CLOSED_PER_EMPLOYER = (80, 40)  # the two largest employers, by members
CLOSED_KINDS = (("disciplinary", 34), ("grievance", 28), ("attendance", 24), ("capability", 6), ("vetting", 4), ("regrading", 4))
ENDINGS = (("upheld", "resolved", 30), ("partly", "resolved", 20), ("not_upheld", "resolved", 20), ("settled", "resolved", 15),
           ("withdrawn", "member_withdrew", 10), ("not_upheld", "no_merit", 5))  # fmt: skip
CLOSED_STORIES = {  # invented, like every story here
    "disciplinary": "I was called to an investigation meeting about a missed home visit while I was covering two caseloads.",
    "grievance": "My requests to work compressed hours have been turned down twice without a reason in writing.",
    "attendance": "I have been told my absences after a bereavement count towards the attendance trigger.",
    "capability": "My manager says my report-writing is below standard but has not said what good looks like.",
    "vetting": "My clearance renewal has been pending for four months and I have been moved off my cases meanwhile.",
    "regrading": "I took on the duty manager rota a year ago and my grade has not changed.",
}

# (kind, what happened, health details). Invented; no real people or events.
STORIES = [
    ("disciplinary", "I have been invited to a disciplinary hearing about a late report on a case I took over when a colleague left.", ""),
    ("grievance", "My line manager moved my cases to the evening rota without asking, twice this month, after I raised workload.", ""),
    ("attendance", "I have had three absences this year and been invited to a stage 2 attendance review.", "Recovering from knee surgery; physiotherapy twice a week."),
    ("vetting", "My vetting for the offender records system was refused. I have not been told why and I want to appeal.", ""),
    ("regrading", "I have been doing the senior role's work since the restructure and want my job evaluated again.", ""),
    ("tribunal", "I was dismissed after a restructure and believe the selection was unfair.", ""),
    ("capability", "My manager has started a capability procedure over my caseload targets.", ""),
]


def _on_with_companion_deadline(target: dt.date, nation: str) -> dt.date:
    """A meeting date whose s10 postponement deadline falls on ``target``."""
    for back in range(1, 15):
        day = target - dt.timedelta(days=back)
        if deadline("companion", start=day, nation=nation).date == target:
            return day
    return target - dt.timedelta(days=7)


def build_demo(seed: int) -> list[str]:
    """Build this app's part of the demo union (members, offices and ballots
    exist already); return the lines the demo command prints about it."""
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    member = Member.objects.get(user__email=f"member@{DEMO_DOMAIN}")
    rep = Member.objects.get(user__email=f"rep@{DEMO_DOMAIN}")
    secretary = Member.objects.get(user__email=f"secretary@{DEMO_DOMAIN}")
    admin = Member.objects.get(user__email=f"admin@{DEMO_DOMAIN}")
    branch = secretary.branch
    offices = Office.objects.current().select_related("member")
    other_reps = [o.member for o in offices.filter(role=Role.WORKPLACE_REP, workplace__branch=branch).exclude(member=rep).order_by("member__membership_number")]
    national = offices.filter(role=Role.NATIONAL_REP).order_by("member__membership_number").first().member
    outsider = offices.filter(role=Role.BRANCH_SECRETARY).exclude(branch=branch).order_by("branch__code").first().member
    holders = set(Office.objects.values_list("member_id", flat=True))
    plain = [m for m in Member.objects.filter(branch=branch, status=Member.Status.ACTIVE, user__isnull=False).order_by("membership_number")
             if m.pk not in holders and m.pk != member.pk]  # fmt: skip
    rng.shuffle(plain)
    # A small demo branch has few members without an office: officers can be members with cases too.
    busy = {rep.pk, secretary.pk, member.pk, *(m.pk for m in other_reps[:1])}
    plain += [m for m in Member.objects.filter(branch=branch, status=Member.Status.ACTIVE, pk__in=holders).order_by("membership_number") if m.pk not in busy]
    plain = [plain[i % len(plain)] for i in range(6)]

    services.profile_save(user=admin.user, code=f"{branch.employer.code}-procedures", title=f"{branch.employer.name} procedures",
                          rules=PROFILE_RULES, employer=branch.employer)  # fmt: skip
    sec_remit = remit_for(secretary.user)

    def opened(who, story, *, days_ago, **kw):
        kind, text, health = story
        return services.case_request(member=who, kind=kind, what_happened=text, health_details=health,
                                     now=now - dt.timedelta(days=days_ago), **kw)  # fmt: skip

    def give(case, to, days_ago):
        at = now - dt.timedelta(days=days_ago)
        case = services.case_assign(actor=secretary, remit=sec_remit, case=case, rep=to, now=at)
        return services.case_accept(actor=to, case=case, now=at)

    cases = []
    # The demo member's own case: a hearing whose postponement deadline is 7 days off.
    mine = give(opened(member, STORIES[0], days_ago=6), rep, 5)
    hearing = _on_with_companion_deadline(today + dt.timedelta(days=7), mine.nation)
    services.meeting_record(actor=rep, remit=remit_for(rep.user), case=mine, kind="disciplinary", on=hearing, companion_unavailable=True,
                            note="Asked the member for the investigation report and the case allocation emails.", now=now - dt.timedelta(days=4))  # fmt: skip
    services.entry_add(actor=rep, remit=remit_for(rep.user), case=mine, kind="message", body="I can't make the hearing date. I will ask them to move it.",
                       now=now - dt.timedelta(days=4))  # fmt: skip
    services.entry_add(actor=rep, remit=remit_for(rep.user), case=mine, kind="note", body="Reallocation was never recorded in writing; ask for the rota.",
                       now=now - dt.timedelta(days=4))  # fmt: skip
    # An action for the member to do (they see it and can mark it done), and one of the rep's, done.
    services.entry_add(actor=rep, remit=remit_for(rep.user), case=mine, kind="action", body="Send your rep the hearing invitation letter.",
                       due_on=today + dt.timedelta(days=2), for_member=True, now=now - dt.timedelta(days=4))  # fmt: skip
    asked = services.entry_add(actor=rep, remit=remit_for(rep.user), case=mine, kind="action", body="Ask the employer for the investigation report.",
                               due_on=today + dt.timedelta(days=1), now=now - dt.timedelta(days=4))  # fmt: skip
    services.action_done(actor=rep, remit=remit_for(rep.user), case=mine, entry_id=asked.pk, now=now - dt.timedelta(days=3))
    cases.append(mine)
    # A grievance waiting for a rep.
    cases.append(opened(plain[0], STORIES[1], days_ago=1))
    # Sickness absence with health details, handed over from the demo rep to a colleague.
    absence = give(opened(plain[1], STORIES[2], days_ago=20, meeting_on=today + dt.timedelta(days=9), meeting_kind="attendance"), rep, 19)
    if other_reps:
        absence = services.case_handover(actor=secretary, remit=sec_remit, case=absence, to=other_reps[0],
                                         note="Rep going on leave; member prefers an afternoon meeting.", now=now - dt.timedelta(days=3))  # fmt: skip
        absence = services.case_accept(actor=other_reps[0], case=absence, now=now - dt.timedelta(days=3))
    cases.append(absence)
    # A vetting failure: appeal deadline 3 days off under the employer's profile; idle, so flagged.
    vetting = give(opened(plain[2], STORIES[3], days_ago=30), rep, 29)
    outcome = today - dt.timedelta(days=1)
    while _tenth(outcome, vetting.nation) > today + dt.timedelta(days=3):
        outcome -= dt.timedelta(days=1)
    services.case_dates_set(actor=rep, remit=remit_for(rep.user), case=vetting, outcome_on=outcome, now=now - dt.timedelta(days=10))
    cases.append(vetting)
    # A tribunal claim with early conciliation, referred to a national representative.
    tribunal = give(opened(plain[3], STORIES[5], days_ago=40), rep, 39)
    services.case_dates_set(actor=rep, remit=remit_for(rep.user), case=tribunal, incident_on=today - dt.timedelta(days=75),
                            acas_from=today - dt.timedelta(days=60), acas_cert=today - dt.timedelta(days=20), now=now - dt.timedelta(days=2))  # fmt: skip
    services.case_refer(actor=rep, remit=remit_for(rep.user), case=tribunal, to=national,
                        note="Possible unfair selection; the early conciliation certificate has arrived.", now=now - dt.timedelta(days=2))  # fmt: skip
    cases.append(tribunal)
    # A regrading claim, taken by a colleague whose term as rep ended yesterday:
    # they can no longer open it, and the branch page says to hand it over.
    lapsed = next((m for m in other_reps[1:] if m.pk != plain[4].pk), None)  # not the member whose case it is
    cases.append(give(opened(plain[4], STORIES[4], days_ago=50), lapsed or rep, 49))
    if lapsed:
        Office.objects.current().filter(member=lapsed, role=Role.WORKPLACE_REP).update(ends_on=today - dt.timedelta(days=1))
    # A capability case, open with the demo rep.
    capability = give(opened(plain[5], STORIES[6], days_ago=12), rep, 11)
    services.meeting_record(actor=rep, remit=remit_for(rep.user), case=capability, kind="capability", on=today + dt.timedelta(days=14), now=now - dt.timedelta(days=2))
    cases.append(capability)
    Case.objects.filter(pk=vetting.pk).update(last_activity_at=now - dt.timedelta(days=10))

    closed = _closed_history(rng, member=member, rep=rep, busy=busy | {m.pk for m in plain}, now=now, today=today)

    reminders = send_deadline_reminders(today=today)
    flagged = flag_idle_deadlines(today=today, now=now)
    # An officer of another branch tries to read the demo member's case: refused and audited.
    try:
        services.case_read(actor=outsider, user=outsider.user, remit=remit_for(outsider.user), case=mine)
    except Refused as exc:
        audit_record(actor=outsider.user, action=Action.DENIED, subject=mine, detail={"reason": str(exc), "path": f"/casework/{mine.ref}/"})
    kinds = sorted({c.get_kind_display().lower() for c in cases})
    return [
        f"Casework: {len(cases)} cases in {branch} branch ({', '.join(kinds)}), one handed over, one referred to a national representative, "
        f"{reminders} deadline reminders and {flagged} no-action flag queued; an officer of {outsider.branch} branch was refused a case (audited); "
        f"{'a rep whose term ended yesterday still has one (the branch page says to hand it over); ' if lapsed else ''}"
        f"{closed} cases closed over the past year, counted without names at /casework/statistics/",
        f"  member@{DEMO_DOMAIN} sees their case at /casework/; rep@ and secretary@ see /casework/ and /casework/branch/; "
        f"admin@ edits rule profiles at /casework/profiles/",
    ]


def _closed_history(rng: random.Random, *, member: Member, rep: Member, busy: set[int], now: dt.datetime, today: dt.date) -> int:
    """Cases opened, taken and closed over the past year in the first branch
    of the two largest employers, through the services (sealed and audited like real
    use), the demo member's earlier grievance with the demo rep first.
    Closings fall in this year (in its first fortnight, in the year before),
    so the statistics page opens on them. Returns how many were closed."""
    day_of_year = today.timetuple().tm_yday
    days_back = (1, day_of_year - 1) if day_of_year > 15 else (day_of_year, day_of_year + 300)
    kinds, kind_weights = zip(*CLOSED_KINDS)
    offices = Office.objects.current()
    plan = []  # (member, rep, secretary, kind)
    first = offices.get(role=Role.BRANCH_SECRETARY, branch=member.branch).member
    plan.append((member, rep, first, "grievance"))
    size = Counter(Member.objects.filter(status=Member.Status.ACTIVE).values_list("employer_id", flat=True))
    employers = sorted({o.branch.employer for o in offices.filter(role=Role.BRANCH_SECRETARY).select_related("branch__employer")},
                       key=lambda e: (-size[e.pk], e.code))  # fmt: skip
    holders = set(Office.objects.values_list("member_id", flat=True))
    for employer, count in zip(employers, CLOSED_PER_EMPLOYER):
        sec_office = offices.filter(role=Role.BRANCH_SECRETARY, branch__employer=employer).select_related("branch").order_by("branch__code").first()
        reps = [o.member for o in offices.filter(role=Role.WORKPLACE_REP, workplace__branch=sec_office.branch).order_by("member__membership_number")]
        people = [m for m in Member.objects.filter(branch=sec_office.branch, status=Member.Status.ACTIVE, user__isnull=False).order_by("membership_number")
                  if m.pk not in holders and m.pk not in busy][:150]  # fmt: skip
        if not reps or not people:
            continue
        for n in range(count):
            plan.append((people[n % len(people)], reps[n % len(reps)], sec_office.member, rng.choices(kinds, kind_weights)[0]))
    endings = [(o, c) for o, c, _ in ENDINGS]
    ending_weights = [w for _, _, w in ENDINGS]
    remits = {}  # a remit per officer, read once: a handful of officers act on all the cases

    def remit_of(officer: Member):
        if officer.pk not in remits:
            remits[officer.pk] = remit_for(officer.user)
        return remits[officer.pk]

    for index, (who, by, secretary, kind) in enumerate(plan):
        # The demo member's grievance closed some months ago, before their current case.
        closed_at = now - dt.timedelta(days=rng.randint(*days_back) if index else 100, hours=rng.randint(0, 8))
        opened_at = closed_at - dt.timedelta(days=rng.randint(14, 80))
        case = services.case_request(member=who, kind=kind, what_happened=CLOSED_STORIES[kind], now=opened_at)
        case = services.case_assign(actor=secretary, remit=remit_of(secretary), case=case, rep=by, now=opened_at + dt.timedelta(hours=20))
        case = services.case_accept(actor=by, case=case, now=opened_at + dt.timedelta(days=1))
        outcome, closure = rng.choices(endings, ending_weights)[0]
        services.case_close(actor=by, remit=remit_of(by), case=case, outcome=outcome, closure=closure, now=closed_at)
    return len(plan)


def _tenth(outcome: dt.date, nation: str) -> dt.date:
    from deadlines import working_days

    return working_days(outcome, 10, nation=nation).date
