"""Pay scales, members' pay histories and back pay, with the arithmetic done
by the pure ``backpay`` package (the same code as ``unionhall-backpay``).

Scales are imported from CSV whole or not at all, with backpay's checks (gaps
and overlaps in dates, negative or non-numeric amounts). A member checks only
their own back pay and raises queries by their own employee number; asking
about anyone else's is refused (and the view audits the refusal)."""

import csv
import datetime as dt
import io
from decimal import Decimal

from django.db import DataError, IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

import backpay
from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bargaining.models import BackPayQuery, PayPeriod, PayRate, PayRecord, PayScale, Settlement
from unionhall.bargaining.roles import may_answer_query, query_answerers, require_hq
from unionhall.members.models import Employer, Member
from unionhall.refusals import Refused

CSV_COLUMNS = ("band", "point", "annual", "effective_from", "effective_to")
MAX_CSV_BYTES = 1_000_000


def _problems(error: backpay.BackpayError, limit: int = 20) -> str:
    shown = error.problems[:limit]
    more = len(error.problems) - len(shown)
    return "Nothing was imported. " + " ".join(f"{p}." for p in shown) + (f" And {more} more." if more > 0 else "")


def _row(raw: dict, number: int) -> dict[str, str]:
    """A CSV line as {column: value}; Refused if it has more fields than the header."""
    if None in raw:  # csv.DictReader puts a line's extra fields under None
        raise Refused(f"Nothing was imported. Line {number} has more fields than the header: check for a stray comma.")
    return {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}


def parse_scale_csv(text: str, *, employer_code: str, name: str) -> list[dict]:
    """Rows of a scale CSV (header: band, point, annual, effective_from[, effective_to][, employer])
    checked whole by backpay; Refused listing the problems."""
    if len(text.encode()) > MAX_CSV_BYTES:
        raise Refused("That file is too large for a pay scale (over 1 MB).", status=413)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS[:4] if c not in header]
    if missing:
        raise Refused(f"Nothing was imported. The header must name the columns {', '.join(CSV_COLUMNS[:4])} (missing {', '.join(missing)}).")
    rows, wrong_employer = [], []
    for number, raw in enumerate(reader, start=2):
        row = _row(raw, number)
        if row.get("employer") and row["employer"] != employer_code:
            wrong_employer.append(str(number))
        rows.append({"employer": employer_code, **{c: row.get(c, "") for c in CSV_COLUMNS}})
    if wrong_employer:
        raise Refused(f"Nothing was imported. Lines {', '.join(wrong_employer)} are for another employer than {employer_code}.")
    try:
        backpay.Scale.from_rows(rows, name=name)
    except backpay.BackpayError as error:
        raise Refused(_problems(error)) from None
    return rows


@transaction.atomic
def scale_import(*, employer: Employer, name: str, csv_text: str, actor, now: dt.datetime | None = None) -> PayScale:
    """Create the scale, or replace every rate of the scale of that name, from
    CSV: all rows or none."""
    require_hq(actor)
    name = name.strip()
    if not name:
        raise Refused("Name the scale, e.g. \"2024 scale as settled\".")
    rows = parse_scale_csv(csv_text, employer_code=employer.code, name=name)
    scale, created = PayScale.objects.select_for_update().get_or_create(
        employer=employer, name=name, defaults={"imported_by": actor, "imported_at": now or timezone.now()}
    )
    if not created:
        scale.rates.all().delete()
        scale.imported_by, scale.imported_at = actor, now or timezone.now()
        scale.save(update_fields=["imported_by", "imported_at"])
    checked = backpay.Scale.from_rows(rows, name=name)
    PayRate.objects.bulk_create([
        PayRate(scale=scale, band=r.band, point=r.point, annual=r.annual, effective_from=r.effective_from, effective_to=r.effective_to)
        for r in checked.rates
    ])  # fmt: skip
    audit_record(actor=actor, action=Action.IMPORT, subject=scale, detail={"event": "pay scale imported", "rates": len(rows), "replaced": not created})
    return scale


def scale_for_backpay(scale: PayScale) -> backpay.Scale:
    return backpay.Scale(
        [backpay.Rate(scale.employer.code, r.band, r.point, r.annual, r.effective_from, r.effective_to) for r in scale.rates.all()],
        name=scale.name,
    )


@transaction.atomic
def pay_record_set(*, member: Member, employee_number: str, anniversary: dt.date | None, periods: list[dict], actor) -> PayRecord:
    """Set the member's pay history (periods of from, to, band, point, hours,
    full_time_hours), checked whole by backpay: no overlaps, hours within full time."""
    require_hq(actor)
    employee_number = employee_number.strip()
    if not employee_number:
        raise Refused("Give the employee number the employer uses.")
    try:
        backpay.History.from_dict({"employee_number": employee_number, "employer": member.employer.code, "periods": periods,
                                   "anniversary": anniversary.isoformat() if anniversary else None})  # fmt: skip
    except backpay.BackpayError as error:
        raise Refused("Nothing was saved. " + " ".join(f"{p}." for p in error.problems)) from None
    if PayRecord.objects.filter(employer=member.employer, employee_number=employee_number).exclude(member=member).exists():
        raise Refused(f"Employee number {employee_number} belongs to another member's record.", status=409)
    record, _ = PayRecord.objects.update_or_create(member=member, defaults={"employer": member.employer, "employee_number": employee_number,
                                                                            "anniversary": anniversary})  # fmt: skip
    record.periods.all().delete()
    PayPeriod.objects.bulk_create([
        PayPeriod(record=record, starts_on=dt.date.fromisoformat(str(p["from"])), ends_on=dt.date.fromisoformat(str(p["to"])), band=str(p["band"]),
                  point=int(p["point"]), hours=Decimal(str(p["hours"])), full_time_hours=Decimal(str(p["full_time_hours"])))
        for p in periods
    ])  # fmt: skip
    audit_record(actor=actor, action=Action.CHANGE, subject=member, detail={"event": "pay history set", "periods": len(periods)})
    return record


def history_for_backpay(record: PayRecord) -> backpay.History:
    periods = tuple(backpay.Period(p.starts_on, p.ends_on, p.band, p.point, p.hours, p.full_time_hours) for p in record.periods.all())
    return backpay.History(record.employee_number, record.employer.code, periods, record.anniversary)


def own_record(member: Member) -> PayRecord | None:
    return PayRecord.objects.select_related("employer").filter(member=member).first()


def own_record_read(member: Member) -> PayRecord | None:
    """The member's pay record, for them to read; the read is audited (their
    "Who has looked" shows it), whether or not back pay is worked out from it."""
    record = own_record(member)
    if record is not None:
        audit_record(actor=member.user, action=Action.VIEW, subject=member, detail={"event": "own pay history read", "record": record.pk})
    return record


def settlements_for(member: Member):
    return Settlement.objects.filter(employer_id=member.employer_id).select_related("old_scale", "new_scale")


def backpay_check(*, member: Member, settlement: Settlement, employee_number: str | None = None) -> backpay.BackPay:
    """The member's own back pay under the settlement, every step shown. Asking
    by an employee number that is not the member's own is refused (403) having
    shown nothing; the caller audits the refusal. Reading it is audited."""
    record = own_record(member)
    if employee_number is not None and (record is None or employee_number.strip() != record.employee_number):
        raise Refused("You can check only your own back pay.", status=403)
    if settlement.employer_id != member.employer_id:
        raise Refused("Not found.", status=404)
    if record is None:
        raise Refused("The union holds no pay history for you yet. Raise a query with your employee number and we will add it.")
    try:
        result = backpay.calculate(old=scale_for_backpay(settlement.old_scale), new=scale_for_backpay(settlement.new_scale),
                                   history=history_for_backpay(record), start=settlement.starts_on, end=settlement.ends_on,
                                   convention=settlement.convention)  # fmt: skip
    except backpay.BackpayError as error:
        raise Refused("Your back pay cannot be worked out from the scales held: " + "; ".join(error.problems) + ". Raise a query.") from None
    audit_record(actor=member.user, action=Action.VIEW, subject=member, detail={"event": "own back pay checked", "settlement": settlement.pk})
    return result


@transaction.atomic
def query_raise(*, member: Member, settlement: Settlement, employee_number: str, question: str, now: dt.datetime | None = None) -> BackPayQuery:
    """A member's query about their back pay, by their own employee number; due
    back within the settlement's query days."""
    now = now or timezone.now()
    record = own_record(member)
    if settlement.employer_id != member.employer_id:
        raise Refused("Not found.", status=404)
    number = employee_number.strip()
    if not number:
        raise Refused("Give your employee number: it is on your payslip.")
    if record is not None and number != record.employee_number:
        raise Refused("That is not your employee number: you can raise a query only about your own pay.", status=403)
    # A member the union holds no pay record for may give any number: refusing
    # one that is on someone else's record would tell them it is. The queue
    # shows the officer such a clash instead (queries_read).
    question = question.strip()
    if not question or len(question) > 3000:
        raise Refused("Write your question (at most 3,000 characters).")
    query = BackPayQuery.objects.create(settlement=settlement, member=member, employee_number=number, question=question, raised_at=now,
                                        due_on=timezone.localdate(now) + dt.timedelta(days=settlement.query_days))  # fmt: skip
    audit_record(actor=member.user, action=Action.CHANGE, subject=query, detail={"event": "back pay query raised"})
    return query


def queries_for(actor):
    """The open queries an officer may answer: HQ all, a link officer their employer's."""
    everyone, employers = query_answerers(actor)
    rows = BackPayQuery.objects.select_related("member", "settlement").filter(status=BackPayQuery.Status.OPEN)
    return rows if everyone else rows.filter(settlement__employer_id__in=employers)


QUEUE_SHOWN = 200


@transaction.atomic
def queries_read(actor, *, limit: int = QUEUE_SHOWN) -> list[BackPayQuery]:
    """The queue an officer reads: the open queries they may answer, the one
    due soonest first, at most ``limit``. Each names a member, their employee
    number and a question about their pay, so each is a look at that member,
    audited as such (their "Who has looked" shows it)."""
    others = PayRecord.objects.filter(employer_id=OuterRef("settlement__employer_id"), employee_number=OuterRef("employee_number")).exclude(
        member_id=OuterRef("member_id"))
    rows = list(queries_for(actor).annotate(number_clash=Exists(others)).order_by("due_on", "pk")[:limit])
    for query in rows:
        audit_record(actor=actor, action=Action.VIEW, subject=query.member, detail={"page": "back-pay queries", "query": query.pk})
    return rows


@transaction.atomic
def query_answer(*, query: BackPayQuery, answer: str, actor, now: dt.datetime | None = None) -> BackPayQuery:
    query = BackPayQuery.objects.select_for_update().select_related("settlement").get(pk=query.pk)
    if not may_answer_query(actor, query.settlement.employer_id):
        raise Refused("Only HQ or the employer's link officer can answer this query.", status=403)
    if query.status == BackPayQuery.Status.ANSWERED:
        raise Refused("This query has been answered.", status=409)
    if not answer.strip():
        raise Refused("Write the answer.")
    query.status, query.answer, query.answered_at = BackPayQuery.Status.ANSWERED, answer.strip(), now or timezone.now()
    query.save(update_fields=["status", "answer", "answered_at"])
    audit_record(actor=actor, action=Action.CHANGE, subject=query.member, detail={"event": "back pay query answered", "query": query.pk})
    return query


HISTORY_COLUMNS = ("membership_number", "employee_number", "from", "to", "band", "point", "hours", "full_time_hours")


@transaction.atomic
def histories_import(*, employer: Employer, csv_text: str, actor) -> int:
    """Members' pay histories from CSV (membership_number, employee_number, from,
    to, band, point, hours, full_time_hours[, anniversary]), one line a period:
    every member's history is checked by backpay (no overlapping periods, hours
    within full time) and all are saved or none. A member's history is replaced
    whole. Returns how many members' histories were saved."""
    require_hq(actor)
    if len(csv_text.encode()) > MAX_CSV_BYTES:
        raise Refused("That file is too large (over 1 MB).", status=413)
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in HISTORY_COLUMNS if c not in header]
    if missing:
        raise Refused(f"Nothing was imported. The header must name the columns {', '.join(HISTORY_COLUMNS)} (missing {', '.join(missing)}).")
    by_member: dict[str, dict] = {}
    problems = []
    for number, raw in enumerate(reader, start=2):
        row = _row(raw, number)
        entry = by_member.setdefault(row["membership_number"], {"employee_number": row["employee_number"], "anniversary": row.get("anniversary", ""),
                                                                "periods": [], "lines": []})  # fmt: skip
        if entry["employee_number"] != row["employee_number"]:
            problems.append(f"line {number}: member {row['membership_number']} has two employee numbers")
        entry["periods"].append({k: row[k] for k in ("from", "to", "band", "point", "hours", "full_time_hours")})
        entry["lines"].append(number)
    members = {m.membership_number: m for m in Member.objects.filter(membership_number__in=list(by_member), employer=employer)}
    for membership_number, entry in by_member.items():
        if membership_number not in members:
            problems.append(f"line {entry['lines'][0]}: no member {membership_number!r} works for {employer}")
            continue
        try:
            backpay.History.from_dict({"employee_number": entry["employee_number"], "employer": employer.code, "periods": entry["periods"],
                                       "anniversary": entry["anniversary"] or None})  # fmt: skip
        except backpay.BackpayError as error:
            problems += [f"member {membership_number} (lines {entry['lines'][0]}-{entry['lines'][-1]}): {p}" for p in error.problems]
    if problems:
        raise Refused("Nothing was imported. " + " ".join(f"{p}." for p in problems[:20]) + (f" And {len(problems) - 20} more." if len(problems) > 20 else ""))
    for membership_number, entry in by_member.items():
        try:
            pay_record_set(member=members[membership_number], employee_number=entry["employee_number"], periods=entry["periods"], actor=actor,
                           anniversary=dt.date.fromisoformat(entry["anniversary"]) if entry["anniversary"] else None)  # fmt: skip
        except (IntegrityError, DataError, ValueError):  # a value the database cannot hold (a negative point): the whole import is undone
            first, last = entry["lines"][0], entry["lines"][-1]
            raise Refused(f"Nothing was imported. Member {membership_number} ({f'line {first}' if first == last else f'lines {first}-{last}'}) "
                          "has a value the register cannot hold: check the point, hours and dates.") from None
    audit_record(actor=actor, action=Action.IMPORT, subject=None, detail={"event": "pay histories imported", "members": len(by_member), "employer": employer.pk})
    return len(by_member)
