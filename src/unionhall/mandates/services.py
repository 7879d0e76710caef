"""What the law asks of a statutory ballot, checked (check_*, statutory_blockers)
and done with an audit entry (do_*): the constituency in the notices, who may
be invited online, the register extract for the scrutineer, the returned
papers, the combined result, the mandate and the notice of action.

The ballot itself is the engine's: read and run through ``ballots.api`` only.
This module also holds the statutory rule profile the engine consults
(STATUTORY_PROFILE, registered in MandatesConfig.ready).

Times come in as ``today``/``now`` so tests can stand on either side of a date."""

import calendar
import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.ballots import api
from unionhall.mail import queue_email
from unionhall.mandates.models import Document, PaperNumber, PostalReturn, StatutoryBallot
from unionhall.mandates.rules import Resolution, rules_for
from unionhall.members.models import Grade, Member, Office, Role
from unionhall.refusals import Refused

POSTAL_CHANNELS = (StatutoryBallot.Channel.POSTAL, StatutoryBallot.Channel.HYBRID)
ONLINE_CHANNELS = (StatutoryBallot.Channel.ONLINE, StatutoryBallot.Channel.HYBRID)
QUESTIONS = (("strike", "Strike"), ("asos", "Action short of a strike"))


def statutory_for(ballot_id: int) -> StatutoryBallot | None:
    return StatutoryBallot.objects.select_related("profile", "employer").filter(ballot_id=ballot_id).first()


def ballot_of(sb: StatutoryBallot) -> api.BallotFacts:
    """The engine's ballot as it is now (read afresh: its status moves on)."""
    return api.ballot_facts(ballot_id=sb.ballot_id)


def paper(sb: StatutoryBallot) -> dict[str, api.QuestionFacts]:
    """The questions asked ("strike", "asos"), as they stand on the ballot paper."""
    on_paper = {q.id: q for q in api.ballot_questions(ballot_id=sb.ballot_id)}
    return {key: on_paper[qid] for key, _ in asked_questions(sb) if (qid := getattr(sb, f"{key}_question_id")) in on_paper}


def resolution(sb: StatutoryBallot) -> Resolution:
    return rules_for(sb.profile, sb.opens_on)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def statutory_save(*, sb: StatutoryBallot, changed: list[str], actor) -> StatutoryBallot:
    """Save a ballot's statutory details; only before it opens."""
    if ballot_of(sb).status != api.Status.DRAFT:
        raise Refused("The ballot has opened: its statutory details can no longer change.", status=409)
    sb.save()
    audit_record(actor=actor, action=Action.CHANGE, subject=sb, detail={"event": "statutory details saved", "fields": sorted(changed)})
    return sb


def drive_terms(*, ballot_id: int) -> api.DriveTerms | None:
    """What the turnout drive of a statutory ballot may show (the engine's
    hook, registered in MandatesConfig.ready); None for any other ballot."""
    sb = statutory_for(ballot_id)
    if sb is None or not sb.profile.statutory:
        return None
    return api.DriveTerms(statutory=True, threshold=resolution(sb).param("turnout-threshold", "percent"), work_domains=tuple(sb.work_domains))


# --- Who is concerned -----------------------------------------------------------------


def entitled_members(sb: StatutoryBallot):
    """Before opening, those the register says will be entitled; after, the frozen roll."""
    return api.entitled_members(ballot_id=sb.ballot_id)


@dataclass(frozen=True)
class Constituency:
    total: int
    categories: list[tuple[str, int]]
    workplaces: list[tuple[str, int]]


def constituency(sb: StatutoryBallot) -> Constituency:
    """The categories (grades) and workplaces of the members concerned, with numbers (s.226A(2))."""
    rows = list(entitled_members(sb).values_list("grade", "workplace__name"))
    grades = Counter(Grade(g).label if g in Grade.values else g for g, _ in rows)
    places = Counter(w or "No fixed workplace" for _, w in rows)
    return Constituency(len(rows), sorted(grades.items()), sorted(places.items()))


def is_work_address(email: str, domains: list[str]) -> bool:
    """An address at one of the employer's domains, or a subdomain of one."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    return any(domain == d or domain.endswith("." + d) for d in domains)


def online_invitees(sb: StatutoryBallot) -> list[Member]:
    """Members who may be invited to vote online: those with a personal email
    address (never a work one). Empty unless the channel is online or hybrid."""
    if sb.channel not in ONLINE_CHANNELS:
        return []
    domains = sb.work_domains
    return [m for m in entitled_members(sb).exclude(email="") if not is_work_address(m.email, domains)]


# --- The checks that block opening ------------------------------------------------------


def _questions_problem(sb: StatutoryBallot) -> str | None:
    asked = [q for q in (sb.strike_question_id, sb.asos_question_id) if q is not None]
    if not asked:
        return "Ask at least one question: whether the member will take part in a strike, or in action short of a strike."
    if sb.strike_question_id and sb.strike_question_id == sb.asos_question_id:
        return "Strike and action short of a strike must be two separate questions, not one combined question."
    on_paper = {q.id: q for q in api.ballot_questions(ballot_id=sb.ballot_id)}
    if any(q not in on_paper or on_paper[q].kind != api.QuestionKind.YES_NO for q in asked):
        return "Each question must be a Yes or No question on this ballot."
    if set(on_paper) - set(asked):
        return "Every question on the paper must be either the strike question or the action-short-of-a-strike question; a combined or other question is not allowed."
    return None


def _check(code: str, res: Resolution, problem: str | None) -> list[str]:
    if problem is None or code not in res:
        return []
    rule = res.applies[code].rule
    return [f"{problem} ({rule.title}: {rule.source})"]


def _late(sent_on: dt.date | None, opens_on: dt.date, days: int, what: str) -> str | None:
    latest = opens_on - dt.timedelta(days=days)
    if sent_on is None:
        return f"The {what} has not been sent: it must reach the employer by {latest:%-d %B %Y}, {days} days before the ballot opens."
    if sent_on > latest:
        return f"The {what} was sent on {sent_on:%-d %B %Y}: too late, it had to be sent by {latest:%-d %B %Y}, {days} days before the ballot opens on {opens_on:%-d %B %Y}."
    return None


def _channel_problems(sb: StatutoryBallot, res: Resolution) -> list[str]:
    problems = []
    if sb.channel in ONLINE_CHANNELS:
        if "electronic-voting" not in res:
            rule = next((a.rule for a in res.not_applying if a.rule.code == "electronic-voting"), None)
            source = f" ({rule.source})" if rule else ""
            problems.append(f"Online voting is not allowed in a statutory ballot opening on {res.opens_on:%-d %B %Y}: "
                            f"the Permissible Means of Voting Order is not in force for it{source}. Choose postal voting.")  # fmt: skip
        elif not sb.work_domains:
            problems.append("Record the employer's email domains, so that invitations never go to a work address.")
        elif sb.channel == StatutoryBallot.Channel.ONLINE:
            members = list(entitled_members(sb).values_list("email", flat=True))
            work = sum(1 for e in members if e and is_work_address(e, sb.work_domains))
            none = sum(1 for e in members if not e)
            if work or none:
                problems.append(f"{work} member(s) have only a work email address and {none} have none: invitations go only to a personal "
                                "email address, never a work one. Ask them for a personal address, or run the ballot as hybrid.")  # fmt: skip
    if sb.channel in POSTAL_CHANNELS and "postal-voting" in res:
        missing = entitled_members(sb).filter(address_line1="").count() + entitled_members(sb).exclude(address_line1="").filter(postcode="").count()
        if missing:
            problems.append(f"{missing} member(s) have no home address with a postcode on the register: their voting papers cannot be posted "
                            f"({res.applies['postal-voting'].rule.source}).")  # fmt: skip
    return problems


def paper_problems(sb: StatutoryBallot, res: Resolution) -> list[str]:
    """What the voting paper still lacks, each naming its rule and source."""
    problems = _check("separate-questions", res, _questions_problem(sb))
    problems += _check("scrutineer", res, None if sb.scrutineer_name.strip() and sb.scrutineer_firm.strip()
                       else "Name the independent scrutineer and their firm.")  # fmt: skip
    problems += _check("voting-paper-particulars", res, None if sb.authorised_to_call.strip() else "Say who may call the action if the vote is in favour.")
    if sb.channel in POSTAL_CHANNELS:
        problems += _check("voting-paper-particulars", res, None if sb.return_address.strip() else "Give the scrutineer's address for returning papers.")
    summary = [] if sb.dispute.strip() and sb.action_period.strip() else ["the matters in issue and when the action is expected"]
    if sb.asos_question_id and not sb.asos_types.strip():
        summary.append("the types of action short of a strike")
    return problems + _check("voting-paper-summary", res, f"The voting paper must state {' and '.join(summary)}." if summary else None)


def statutory_checks(sb: StatutoryBallot) -> list[str]:
    """Every failed check for this statutory ballot, each naming its rule and source."""
    if not sb.profile.statutory:
        return []
    res = resolution(sb)
    problems = paper_problems(sb, res)
    problems += _check("ballot-notice", res, _late(sb.ballot_notice_sent_on, sb.opens_on, res.param("ballot-notice", "days_before_opening", 7), "notice of ballot"))
    problems += _check("sample-paper", res, _late(sb.sample_paper_sent_on, sb.opens_on, res.param("sample-paper", "days_before_opening", 3), "sample voting paper"))
    return problems + _channel_problems(sb, res)


def statutory_blockers(*, ballot_id: int) -> list[str]:
    """Why this ballot may not open, as messages; empty if nothing blocks it
    (including every ballot that is not statutory). The engine's hook, asked
    by its ballot_open."""
    sb = statutory_for(ballot_id)
    return statutory_checks(sb) if sb else []


def postal_record(*, ballot_id: int) -> dict | None:
    """The postal channel of a hybrid or postal ballot, for the election record
    (docs/election-record.md §6.6): the scrutineer's count, per question in
    manifest order of options (Yes, No). None when there is no postal count."""
    sb = statutory_for(ballot_id)
    returned = PostalReturn.objects.filter(statutory=sb).first() if sb else None
    if returned is None:
        return None
    questions = {}
    for key, question in paper(sb).items():
        count = returned.counts.get(key)
        if count:
            questions[question.key] = {"options": [count["yes"], count["no"]], "spoiled": count["spoiled"]}
    return {
        "statement": "The independent scrutineer's count of returned postal papers; no proof covers it.",
        "scrutineer": ", ".join(filter(None, (sb.scrutineer_name, sb.scrutineer_firm))),
        "papers_issued": returned.papers_issued, "papers_returned": returned.papers_returned, "questions": questions,
    }  # fmt: skip


def record_extras(*, ballot_id: int) -> dict:
    """The engine's hook for the election record: the postal count, if there is one."""
    postal = postal_record(ballot_id=ballot_id)
    return {} if postal is None else {"postal": postal}


def hq_links(*, ballot_id: int) -> list[tuple[str, str]]:
    """The statutory ballot's own page, linked from the ballot's page for HQ."""
    sb = statutory_for(ballot_id)
    if sb is None:
        return []
    return [("Statutory ballot: its checks, notices, result and mandate", reverse("mandates:statutory", kwargs={"slug": ballot_of(sb).slug}))]


STATUTORY_PROFILE = api.RuleProfile(name="mandates.statutory", blockers=statutory_blockers, record_extras=record_extras, drive_terms=drive_terms,
                                    hq_links=hq_links)  # fmt: skip


# --- Register extract and returned papers (postal and hybrid) ------------------------------

EXTRACT_FIELDS = ("membership_number", "first_name", "last_name", "address_line1", "address_line2", "town", "postcode")


@transaction.atomic
def do_register_extract(*, sb: StatutoryBallot, actor) -> list[list]:
    """Rows for the scrutineer: each member's consecutive paper number, name and
    home address. Numbers are fixed at the first extract; a member added later
    gets the next number. Audited as an export."""
    if sb.channel not in POSTAL_CHANNELS:
        raise Refused("Only a postal or hybrid ballot has voting papers to post.")
    sb = StatutoryBallot.objects.select_for_update().get(pk=sb.pk)
    numbered = set(PaperNumber.objects.filter(statutory=sb).values_list("member_id", flat=True))
    new = entitled_members(sb).exclude(pk__in=numbered).order_by("last_name", "first_name", "membership_number")
    start = PaperNumber.objects.filter(statutory=sb).count()
    PaperNumber.objects.bulk_create([PaperNumber(statutory=sb, member=m, number=start + i) for i, m in enumerate(new, start=1)])
    papers = PaperNumber.objects.filter(statutory=sb).order_by("number").values_list("number", *(f"member__{f}" for f in EXTRACT_FIELDS))
    rows = [list(p) for p in papers]
    audit_record(actor=actor, action=Action.EXPORT, subject=sb, detail={"event": "register extract for the scrutineer", "papers": len(rows)})
    return rows


SET_ASIDE_EVENT = "papers to set aside for the scrutineer"


def do_set_aside_list(*, sb: StatutoryBallot, actor) -> list[int]:
    """In a hybrid ballot, the paper numbers of members who voted online, for
    the scrutineer to set aside unopened: each member's vote counts once. It
    tells the scrutineer who voted online (never how); only after voting
    closes, so it is complete. Audited as an export."""
    if sb.channel != StatutoryBallot.Channel.HYBRID:
        raise Refused("Only a hybrid ballot has online votes whose postal papers must be set aside.")
    if ballot_of(sb).closed_at is None:
        raise Refused("The list is complete only when voting has closed.", status=409)
    voted = api.voted_members(ballot_id=sb.ballot_id)
    numbers = list(PaperNumber.objects.filter(statutory=sb, member_id__in=voted).order_by("number").values_list("number", flat=True))
    StatutoryBallot.objects.filter(pk=sb.pk).update(set_aside_sent_at=timezone.now())
    audit_record(actor=actor, action=Action.EXPORT, subject=sb, detail={"event": SET_ASIDE_EVENT, "papers": len(numbers)})
    return numbers


IMPORT_HEADER = ["question", "papers_issued", "papers_returned", "yes", "no", "spoiled"]
MAX_IMPORT_BYTES = 100_000


@dataclass
class PostalCounts:
    papers_issued: int = 0
    papers_returned: int = 0
    counts: dict = field(default_factory=dict)


def asked_questions(sb: StatutoryBallot) -> list[tuple[str, str]]:
    return [(key, label) for key, label in QUESTIONS if getattr(sb, f"{key}_question_id")]


def _hybrid_problems(sb: StatutoryBallot, counts: PostalCounts) -> list[str]:
    """A hybrid count is taken after voting closes, with the papers of members
    who voted online set aside, so nobody is counted twice."""
    if ballot_of(sb).closed_at is None:
        return ["Voting online has not closed: import the count after the close, once the scrutineer has set aside the papers of members who voted online."]
    if sb.set_aside_sent_at is None:
        return ["Send the scrutineer the papers to set aside (members who voted online) before importing the count."]
    roll = api.roll_counts(ballot_id=sb.ballot_id)
    online, entitled = roll.voted, roll.entitled
    if online + counts.papers_returned > entitled:
        return [f"{online:,} voted online and {counts.papers_returned:,} papers came back, more than the {entitled:,} entitled to vote: "
                "were the online voters' papers set aside?"]  # fmt: skip
    return []


def check_postal_import(*, sb: StatutoryBallot, data: bytes) -> PostalCounts:
    """Parse and check the scrutineer's CSV. Raises Refused naming every error."""
    if sb.channel not in POSTAL_CHANNELS:
        raise Refused("Only a postal or hybrid ballot has returned papers.")
    if not data or len(data) > MAX_IMPORT_BYTES:
        raise Refused("Choose the scrutineer's CSV file (at most 100 KB).")
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error):
        raise Refused("The file is not a UTF-8 CSV file.") from None
    if not rows or [c.strip().lower() for c in rows[0]] != IMPORT_HEADER:
        raise Refused(f"The first line must be the columns: {','.join(IMPORT_HEADER)}.")
    asked, issued = dict(asked_questions(sb)), PaperNumber.objects.filter(statutory=sb).count()
    errors, result = [], PostalCounts()
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        key = row[0].strip().lower() if row else ""
        values = [c.strip() for c in row[1:]]
        if key not in asked:
            errors.append(f"line {line}: '{key}' is not a question in this ballot (expected {' or '.join(asked)}).")
        elif key in result.counts:
            errors.append(f"line {line}: {key} appears twice.")
        elif len(values) != 5 or not all(v.isdigit() for v in values):
            errors.append(f"line {line}: every count must be a whole number, five of them.")
        else:
            n_issued, n_returned, yes, no, spoiled = map(int, values)
            if result.counts and (n_issued, n_returned) != (result.papers_issued, result.papers_returned):
                errors.append(f"line {line}: papers issued and returned differ from the line before.")
            if yes + no + spoiled != n_returned:
                errors.append(f"line {line}: yes + no + spoiled is {yes + no + spoiled}, not the {n_returned} papers returned.")
            if n_returned > n_issued:
                errors.append(f"line {line}: {n_returned} papers returned but only {n_issued} issued.")
            if n_issued != issued:
                errors.append(f"line {line}: {n_issued} papers issued, but the register extract numbered {issued} papers.")
            result.papers_issued, result.papers_returned = n_issued, n_returned
            result.counts[key] = {"yes": yes, "no": no, "spoiled": spoiled}
    missing = [k for k in asked if k not in result.counts]
    if missing and not errors:
        errors.append(f"No line for: {', '.join(missing)}.")
    if sb.channel == StatutoryBallot.Channel.HYBRID and not errors:
        errors += _hybrid_problems(sb, result)
    if errors:
        raise Refused("Nothing was stored. " + " ".join(errors))
    return result


@transaction.atomic
def do_postal_import(*, sb: StatutoryBallot, counts: PostalCounts, actor, now: dt.datetime | None = None) -> PostalReturn:
    sb = StatutoryBallot.objects.select_for_update().get(pk=sb.pk)
    if Document.objects.filter(statutory=sb, kind=Document.Kind.RESULT_NOTICE).exists():
        raise Refused("The result notice has been issued: the postal count can no longer change.", status=409)
    returned, _ = PostalReturn.objects.update_or_create(
        statutory=sb,
        defaults={"papers_issued": counts.papers_issued, "papers_returned": counts.papers_returned, "counts": counts.counts,
                  "imported_at": now or timezone.now(), "imported_by": actor if getattr(actor, "is_authenticated", False) else None},
    )  # fmt: skip
    audit_record(actor=actor, action=Action.IMPORT, subject=sb,
                 detail={"event": "scrutineer's postal count", "issued": counts.papers_issued, "returned": counts.papers_returned})  # fmt: skip
    return returned


# --- The result ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    yes: int
    no: int
    spoiled: int


@dataclass(frozen=True)
class QuestionFigures:
    key: str
    label: str
    text: str
    online: Count
    postal: Count
    combined: Count
    majority: bool
    support_percent: float  # Yes as a share of all entitled
    support_met: bool | None  # the 40% rule, where it applies


@dataclass(frozen=True)
class ResultFigures:
    entitled: int
    cast_online: int
    cast_postal: int
    cast: int
    turnout_percent: float
    turnout_required: int | None
    turnout_met: bool | None
    support_required: int | None
    questions: list[QuestionFigures]

    @property
    def mandate_for(self) -> list[QuestionFigures]:
        return [q for q in self.questions if q.majority and self.turnout_met is not False and q.support_met is not False]


def result_problem(sb: StatutoryBallot) -> str | None:
    """Why the combined result is not yet known, or None."""
    if sb.channel in ONLINE_CHANNELS and ballot_of(sb).status != api.Status.RESULT:
        return "The online result has not been declared by the trustees yet."
    if sb.channel in POSTAL_CHANNELS and not PostalReturn.objects.filter(statutory=sb).exists():
        return "The scrutineer's count of the returned papers has not been imported yet."
    return None


def _online_counts(sb: StatutoryBallot) -> tuple[int, dict[str, Count]]:
    if sb.channel not in ONLINE_CHANNELS:
        return 0, {}
    headline = api.ballot_results(ballot_id=sb.ballot_id).headline
    by_key = {q.key: q for q in headline.questions}
    counts = {}
    for key, question in paper(sb).items():
        result = by_key[question.key]
        counts[key] = Count(result.votes_for(api.YES), result.votes_for(api.NO), 0)  # the booth admits no spoiled ballot
    return headline.ballots, counts


def result_figures(sb: StatutoryBallot) -> ResultFigures:
    """Online and postal counts, each shown and combined, against each threshold that applies."""
    if problem := result_problem(sb):
        raise Refused(problem, status=409)
    res = resolution(sb)
    entitled = entitled_members(sb).count()
    cast_online, online = _online_counts(sb)
    postal_return = PostalReturn.objects.filter(statutory=sb).first()
    cast_postal = postal_return.papers_returned if postal_return else 0
    cast = cast_online + cast_postal
    turnout_pct = res.param("turnout-threshold", "percent")
    support_pct = res.param("important-public-services-support", "percent") if sb.important_public_service else None
    questions, on_paper = [], paper(sb)
    for key, label in asked_questions(sb):
        o = online.get(key, Count(0, 0, 0))
        p = Count(**postal_return.counts[key]) if postal_return else Count(0, 0, 0)
        c = Count(o.yes + p.yes, o.no + p.no, o.spoiled + p.spoiled)
        support = 100 * c.yes / entitled if entitled else 0.0
        text = on_paper[key].text
        questions.append(QuestionFigures(key, label, text, o, p, c, c.yes > c.no, support,
                                         None if support_pct is None else c.yes * 100 >= support_pct * entitled))  # fmt: skip
    return ResultFigures(
        entitled, cast_online, cast_postal, cast, 100 * cast / entitled if entitled else 0.0,
        turnout_pct, None if turnout_pct is None else cast * 100 >= turnout_pct * entitled, support_pct, questions,
    )  # fmt: skip


# --- Mandate and notice of action -----------------------------------------------------------


@dataclass(frozen=True)
class Mandate:
    ballot_date: dt.date
    months: int
    expires_on: dt.date  # the last day the ballot supports action
    source: str


def mandate(sb: StatutoryBallot) -> Mandate:
    """How long the ballot supports action: from the date of the ballot (its last
    day of voting, s.246), for the months in the rule applying to its opening."""
    res = resolution(sb)
    if "mandate-period" not in res:
        raise Refused("No mandate rule applies to this ballot's opening date.", status=409)
    rule = res.applies["mandate-period"].rule
    months = rule.params["months"]
    if sb.mandate_extension_agreed and rule.params.get("extendable_to_months"):
        months = rule.params["extendable_to_months"]
    return Mandate(sb.closes_on, months, add_months(sb.closes_on, months) - dt.timedelta(days=1), rule.source)


def earliest_action_start(sb: StatutoryBallot, notice_on: dt.date) -> tuple[dt.date, int, str]:
    """The first day action may start after notice received on ``notice_on``:
    the notice must be received at least N days before (s.234A(4)(b))."""
    res = resolution(sb)
    if "action-notice" not in res:
        raise Refused("No notice-of-action rule applies to this ballot's opening date.", status=409)
    rule = res.applies["action-notice"].rule
    days = rule.params["days"]
    return notice_on + dt.timedelta(days=days), days, rule.source


def hq_emails() -> list[str]:
    offices = Office.objects.current().filter(role=Role.HQ_ADMIN).select_related("member")
    return sorted({o.contact_email or o.member.email for o in offices if o.contact_email or o.member.email})


def mandates_warn_lapsing(*, days: int | None = None, today: dt.date | None = None) -> int:
    """Email HQ about each issued mandate that lapses within ``days``, once per mandate."""
    today = today or timezone.localdate()
    days = days if days is not None else getattr(settings, "UNIONHALL_MANDATE_WARNING_DAYS", 28)
    to, sent = hq_emails(), 0
    issued = StatutoryBallot.objects.filter(documents__kind=Document.Kind.MANDATE, mandate_warned_on__isnull=True).distinct()
    for sb in issued.select_related("profile"):
        m = mandate(sb)
        if not today <= m.expires_on <= today + dt.timedelta(days=days):
            continue
        # The warning and the mark that it was given commit together, so a crash
        # between them neither loses the warning nor sends it twice.
        with transaction.atomic():
            if to:
                _warn_lapsing(sb, m, today, to)
                sent += 1
            StatutoryBallot.objects.filter(pk=sb.pk).update(mandate_warned_on=today)
    return sent


def _warn_lapsing(sb: StatutoryBallot, m, today: dt.date, to: list[str]) -> None:
    title = ballot_of(sb).title
    queue_email(
        subject=f"The mandate from “{title}” lapses on {m.expires_on:%-d %B %Y}",
        body=(f"The industrial action mandate from the ballot “{title}” (closed {m.ballot_date:%-d %B %Y}) "
              f"supports action only until {m.expires_on:%-d %B %Y}, {(m.expires_on - today).days} days from now "
              f"({m.months} months, {m.source}).\n\nAction after that date needs a new ballot.\n"),
        to=to, topic="mandate_warning", key=f"mandate-warning:{sb.pk}",
    )  # fmt: skip
