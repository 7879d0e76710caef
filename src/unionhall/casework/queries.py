"""Reading cases for pages: a few bounded queries each, whatever the caseload."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from unionhall.casework.access import REFERRAL_ROLES, REP_ROLES, holds_role, oversight_q
from unionhall.casework.models import Case, CaseDeadline, CaseType, Entry, Referral
from unionhall.members.models import Employer, Member, Office
from unionhall.members.remit import Remit

OPEN = (Case.Status.REQUESTED, Case.Status.OFFERED, Case.Status.OPEN)
PAGE = 100


def my_cases(member: Member) -> list[Case]:
    """The member's own cases, newest first, each with its next date (the
    earliest meeting or open deadline from today) as ``next_date``."""
    today = dt.date.today()
    cases = list(Case.objects.filter(member=member).select_related("rep").prefetch_related("meetings", "deadlines").order_by("-opened_at")[:50])
    for case in cases:
        case.next_date = next_date(case, today)
    return cases


def next_date(case: Case, today: dt.date) -> tuple[dt.date, str] | None:
    dates = [(m.on, m.get_kind_display()) for m in case.meetings.all() if m.on >= today]
    dates += [(d.due_on, d.title) for d in case.deadlines.all() if d.due_on and d.due_on >= today and not d.met_at]
    return min(dates, default=None)


def cases_for_rep(member: Member) -> list[Case]:
    """Open cases the member represents or has been referred, while they hold
    the office that lets them (access.case_level asks the same)."""
    mine = Q(pk__in=[])
    if holds_role(member, REP_ROLES):
        mine |= Q(rep=member)
    if holds_role(member, REFERRAL_ROLES):
        mine |= Q(pk__in=Referral.objects.filter(to=member, ended_at__isnull=True).values("case_id"))
    return list(Case.objects.filter(mine, status__in=OPEN).select_related("branch").order_by("-last_activity_at")[:200])


def request_queue(remit: Remit) -> list[Case]:
    return list(Case.objects.filter(oversight_q(remit), status__in=(Case.Status.REQUESTED, Case.Status.OFFERED))
                .select_related("member", "rep", "branch").order_by("opened_at")[:PAGE])  # fmt: skip


def dashboard(remit: Remit, today: dt.date) -> dict:
    """Caseload per rep (flagging reps whose office has ended), open cases
    by type and employer, and the week's deadlines across the remit: six queries."""
    cases = Case.objects.filter(oversight_q(remit), status__in=OPEN)
    # Both counts group by ids, not names: with no join, grouping 20,000 open
    # cases costs a third of grouping them by rep's and employer's names. The
    # names of the few groups come after, in one small query each.
    caseload = list(cases.filter(rep__isnull=False).values("rep_id").annotate(n=Count("pk")).order_by("-n", "rep_id")[:PAGE])
    names = {m["pk"]: m for m in Member.objects.filter(pk__in=[r["rep_id"] for r in caseload]).values("pk", "first_name", "last_name")}
    for row in caseload:
        person = names.get(row["rep_id"], {})
        row["rep__first_name"], row["rep__last_name"] = person.get("first_name", ""), person.get("last_name", "")
    caseload.sort(key=lambda r: (-r["n"], r["rep__last_name"]))
    # A rep whose office has ended can no longer open their cases: say so, so the branch hands them over.
    holding = set(Office.objects.current().filter(member_id__in=list(names), role__in=REP_ROLES).values_list("member_id", flat=True))
    for row in caseload:
        row["lapsed"] = row["rep_id"] not in holding
    by_type = list(cases.values("kind", "employer_id").annotate(n=Count("pk")))
    employers = dict(Employer.objects.filter(pk__in={r["employer_id"] for r in by_type}).values_list("pk", "name"))
    labels = dict(Case._meta.get_field("kind").choices)
    for row in by_type:
        row["employer__name"] = employers.get(row["employer_id"], "")
        row["kind_label"] = labels.get(row["kind"], row["kind"])
    by_type.sort(key=lambda r: (r["employer__name"], r["kind"]))
    return {
        "caseload": caseload,
        "by_type": by_type,
        "deadlines": deadlines_within(remit, today, days=7),
        "open_count": sum(r["n"] for r in by_type),
    }


@dataclass(frozen=True)
class DeadlineRow:
    """One line of a deadlines list: plain values, so a page of them renders fast."""

    due_on: dt.date
    title: str
    flagged_on: dt.date | None
    branch: str
    kind: str
    link: str
    rep: str

    @property
    def due_label(self) -> str:
        # Formatted here rather than by the template's date filter, which
        # costs more than the rest of a row (English day and month names).
        return f"{self.due_on:%a} {self.due_on.day} {self.due_on:%b}"

    @property
    def html(self) -> str:
        """The row's table cells, escaped. One format_html per row instead of
        the template's six lookups and escapes: a page of a hundred rows
        rendered this way costs a third of the template loop."""
        flag = mark_safe(' <span class="tag">no action</span>') if self.flagged_on else ""
        return format_html('<td>{}{}</td><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td>',
                           self.due_label, flag, self.title, self.link, self.kind, self.branch, self.rep or "none")  # fmt: skip


def deadlines_within(remit: Remit, today: dt.date, *, days: int) -> list[DeadlineRow]:
    """Open deadlines from today to ``days`` ahead in the remit, soonest first
    (at most PAGE), with their case's kind, branch and rep: one query. A closed
    case's deadlines are all met when it closes, so "not met" is "open"."""
    rows = (
        CaseDeadline.objects.filter(oversight_q(remit), met_at__isnull=True, due_on__gte=today, due_on__lte=today + dt.timedelta(days=days))
        .order_by("due_on", "pk")
        .values_list("due_on", "title", "flagged_on", "branch__name", "case__kind", "case__ref", "case__rep__first_name", "case__rep__last_name")[:PAGE]
    )
    kinds = dict(CaseType.choices)
    # One reverse() for the page: a link is the same path with another ref.
    sample = uuid.UUID(int=0)
    pattern = reverse("casework_case", args=[sample]).replace(str(sample), "{}")
    return [DeadlineRow(due, title, flagged, branch, kinds.get(kind, kind), pattern.format(ref), f"{first} {last}" if first else "")
            for due, title, flagged, branch, kind, ref, first, last in rows]  # fmt: skip


def case_page(case: Case):
    """The case's meetings, deadlines, entries and referrals, in four queries."""
    return {
        "meetings": list(case.meetings.all()),
        "deadlines": list(case.deadlines.all().order_by("due_on", "pk")),
        "entries": list(Entry.objects.filter(case=case).select_related("author")),
        "referrals": list(Referral.objects.filter(case=case).select_related("to", "by")),
    }
