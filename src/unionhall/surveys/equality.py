"""Equality monitoring: members' protected characteristics, given with
consent and read only in aggregate, and outcome monitoring by group.

Outcomes reach the union in one of two shapes, and either way only counts
per group are stored:

- counts per group (``group,total,outcome``), as an employer would supply
  them;
- one row per member (``membership_number,outcome``): joined, inside
  ``outcomes_import``, with the characteristics of members who consented,
  counted per group, and dropped. Members without an answer count as "Not
  recorded". The file itself is never stored.

The statistics: rates and suppression from ``disclosure.equality`` (groups
too small to show are merged into "Other"); beside each group's rate, the
relative rate against the reference group with its 95% confidence interval
(Katz's log method) and Fisher's exact test, both from scipy
(``scipy.stats.contingency.relative_risk``, ``scipy.stats.fisher_exact``), a
maintained library whose results the tests check against the package's own
exact Fisher test.
"""

import csv
import io
import math
from dataclasses import astuple, dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from scipy.stats import fisher_exact
from scipy.stats.contingency import relative_risk

from disclosure import GroupOutcome, TableError, equality

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.members.models import Member
from unionhall.refusals import Refused
from unionhall.surveys.models import CHARACTERISTICS, MINIMUM_THRESHOLD, PREFER_NOT, Characteristics, OutcomeCount, OutcomeSet

NOT_RECORDED = "Not recorded"
MAX_ROWS = 200_000
YES = {"1", "yes", "y", "true", "failed", "fail"}
NO = {"0", "no", "n", "false", "passed", "pass"}


# --- Members' own answers ------------------------------------------------------------


@transaction.atomic
def characteristics_save(*, member: Member, answers: dict, consent: bool) -> Characteristics:
    """Store the member's answers, with consent; refused without it. Every
    answer must be one of the listed options or "Prefer not to say"."""
    if not consent:
        raise Refused("We keep these answers only with your explicit consent: tick the box, or leave this page.")
    values = {}
    for field, (label, options) in CHARACTERISTICS.items():
        value = answers.get(field, "") or ""
        if value and value not in options and value != PREFER_NOT:
            raise Refused(f"{label}: choose one of the options.")
        values[field] = value
    row, _ = Characteristics.objects.update_or_create(member=member, defaults={"consented_at": timezone.now(), **values})
    audit_record(actor=member.user, action=Action.CHANGE, subject=("surveys.characteristics", member.pk), detail={"equality monitoring": "given"})
    return row


@transaction.atomic
def characteristics_withdraw(*, member: Member) -> bool:
    """Withdraw consent: the answers are deleted, not kept."""
    deleted, _ = Characteristics.objects.filter(member=member).delete()
    if deleted:
        audit_record(actor=member.user, action=Action.CHANGE, subject=("surveys.characteristics", member.pk), detail={"equality monitoring": "withdrawn"})
    return bool(deleted)


# --- Outcomes ------------------------------------------------------------------------


def _rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused("The file is not UTF-8 text; save it as CSV (UTF-8).") from None
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise Refused("The file has no rows under its headings.")
    if len(rows) > MAX_ROWS:
        raise Refused(f"The file has more than {MAX_ROWS:,} rows.", status=413)
    return rows


def parse_group_counts(rows: list[list[str]]) -> list[GroupOutcome]:
    """``group,total,outcome`` rows; refuses a missing or non-numeric value, naming its line."""
    out, seen = [], set()
    for line, row in enumerate(rows[1:], start=2):
        if len(row) < 3 or not all(c.strip() for c in row[:3]):
            raise Refused(f"Line {line}: every row needs a group, a total and an outcome count.")
        group, total, outcome = (c.strip() for c in row[:3])
        if not (total.isdigit() and outcome.isdigit()):
            raise Refused(f"Line {line}: “{total}” and “{outcome}” must be whole numbers.")
        if int(outcome) > int(total):
            raise Refused(f"Line {line}: {outcome} had the outcome out of only {total}.")
        if group in seen:
            raise Refused(f"Line {line}: group “{group}” is listed twice.")
        seen.add(group)
        out.append(GroupOutcome(group[:80], int(total), int(outcome)))
    return out


def count_member_outcomes(rows: list[list[str]], characteristic: str) -> tuple[list[GroupOutcome], list[str]]:
    """Join ``membership_number,outcome`` rows with consenting members'
    answers and count per group, in memory; only the counts leave, with the
    list's roster (``roster_of``). Every number must be a member's: a list
    padded with made-up numbers would count them "Not recorded" and leave
    one real member alone in their group."""
    outcomes: dict[str, bool] = {}
    lines: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise Refused(f"Line {line}: every row needs a membership number and an outcome.")
        value = row[1].strip().lower()
        if value not in YES | NO:
            raise Refused(f"Line {line}: the outcome “{row[1].strip()}” must be yes or no.")
        number = row[0].strip()
        if number in outcomes:
            raise Refused(f"Line {line}: membership number {number} is listed twice (first on line {lines[number]}).")
        outcomes[number], lines[number] = value in YES, line
    members = dict(Member.objects.filter(membership_number__in=list(outcomes)).values_list("membership_number", "pk"))
    unknown = [n for n in outcomes if n not in members]
    if unknown:
        shown = ", ".join(f"line {lines[n]} ({n})" for n in unknown[:10])
        raise Refused(f"Nothing was imported: {len(unknown)} membership number{'s are' if len(unknown) != 1 else ' is'} not on the register: {shown}"
                      f"{' and more' if len(unknown) > 10 else ''}.")  # fmt: skip
    known = dict(Characteristics.objects.filter(member_id__in=list(members.values())).values_list("member__membership_number", characteristic))
    totals: dict[str, list[int]] = {}
    for number, had in outcomes.items():
        group = known.get(number) or NOT_RECORDED
        t = totals.setdefault(group, [0, 0])
        t[0] += 1
        t[1] += had
    return [GroupOutcome(g, t, k) for g, (t, k) in totals.items()], roster_of(members.values())


def roster_of(member_ids) -> list[str]:
    """Keyed fingerprints of members (HMAC with the site's secret key): the
    same member gives the same fingerprint in every list, and nobody without
    the key can tell whose it is. Not their outcomes: those would say, to
    anyone with the key, who failed vetting."""
    return sorted(salted_hmac("unionhall.surveys.outcome-roster", str(pk)).hexdigest()[:16] for pk in member_ids)


def _refuse_near_copies(roster: list[str], threshold: int, characteristic: str) -> None:
    """Refuse a member-keyed list that differs from an earlier one by fewer
    members than either's threshold (but by some): side by side, the two
    reports would give those few members' groups away by subtraction. The
    same people again, for the same characteristic, are refused too: with one
    member's outcome changed, or after a member withdrew their answers, the
    group that moved by one would be theirs.

    What pairs cannot catch (docs/surveys.md): lists far enough apart, with
    outcomes the importer chose, combined (S3 - S1 - S2 + S4, or ten decoys
    beside one changed outcome). The imports are HQ's alone, and audited."""
    new = set(roster)
    earlier = OutcomeSet.objects.filter(member_keyed=True)
    list(earlier.select_for_update().values_list("pk", flat=True))  # imports wait for one another, then see each other's lists
    for other in earlier.only("title", "imported_at", "threshold", "roster", "characteristic"):
        differ, needed = len(new ^ set(other.roster)), max(threshold, other.threshold)
        if differ == 0 and other.characteristic == characteristic:
            raise Refused(f"Nothing was imported: this lists the same members as “{other.title}” (imported {other.imported_at:%-d %B %Y}) "
                          "for the same characteristic. Counted again, with one outcome changed or after a member withdrew their answers, "
                          "the difference would show that member's group.")  # fmt: skip
        if 0 < differ < needed:
            raise Refused(f"Nothing was imported: this list differs from “{other.title}” (imported {other.imported_at:%-d %B %Y}) by only "
                          f"{differ} member{'s' if differ != 1 else ''}. Published side by side, "
                          f"the two would show those members' groups. Import a list that differs from it by at least {needed} members.")  # fmt: skip


def outcomes_import(*, by, title: str, characteristic: str, outcome_label: str, adverse: bool, threshold: int, source: str,
                    data: bytes) -> OutcomeSet:  # fmt: skip
    """Import outcomes from a CSV in either shape (see the module's
    docstring); refuses a bad file, writing nothing."""
    if characteristic not in CHARACTERISTICS:
        raise Refused("Choose a characteristic from the list.")
    if threshold < MINIMUM_THRESHOLD:
        raise Refused(f"The threshold can be no lower than {MINIMUM_THRESHOLD}.")
    rows = _rows(data)
    heading = [c.strip().lower() for c in rows[0]]
    roster = []
    if heading[:1] == ["membership_number"]:
        groups, roster = count_member_outcomes(rows, characteristic)
    else:
        groups = parse_group_counts(rows)
    if not groups:
        raise Refused("The file has no groups.")
    with transaction.atomic():
        if roster:
            _refuse_near_copies(roster, threshold, characteristic)
        outcome_set = OutcomeSet.objects.create(
            title=title[:200], characteristic=characteristic, outcome_label=outcome_label[:60], adverse=adverse,
            threshold=threshold, source=source[:200], imported_by=by, imported_at=timezone.now(), member_keyed=bool(roster), roster=roster,
        )  # fmt: skip
        OutcomeCount.objects.bulk_create(OutcomeCount(outcome_set=outcome_set, group=g.group, total=g.total, outcome=g.outcome) for g in groups)
        audit_record(actor=by, action=Action.IMPORT, subject=outcome_set, detail={"outcomes": "imported", "groups": len(groups)})
    return outcome_set


@dataclass(frozen=True)
class Row:
    group: str
    members: tuple[str, ...]
    total: int
    outcome: int
    rate: float  # per cent
    relative_rate: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    flagged: bool


@dataclass(frozen=True)
class Report:
    outcome_set: OutcomeSet
    rows: tuple[Row, ...]
    reference: str | None
    total: int | None
    outcome: int | None
    notes: tuple[str, ...]
    finding: str


def outcome_report(outcome_set: OutcomeSet) -> Report:
    """The published view of an outcome set: suppressed by ``disclosure``,
    with relative rates, 95% intervals, Fisher's test and a finding in words."""
    groups = [GroupOutcome(c.group, c.total, c.outcome) for c in outcome_set.counts.all()]
    try:
        rep = equality(groups, threshold=outcome_set.threshold, outcome_is_adverse=outcome_set.adverse)
        # Compare with the largest group shown (the usual reference in UK
        # monitoring), not the best-off one, which may have no outcomes at all.
        # Not "Not recorded" or "Prefer not to say", which are nobody's group to compare with.
        real = [g for g in rep.groups if len(g.members) == 1 and g.members[0] == g.group and g.group not in (NOT_RECORDED, PREFER_NOT)]
        largest = max(real, key=lambda g: g.total).group if real else None
        if largest and largest != rep.reference:
            rep = equality(groups, threshold=outcome_set.threshold, outcome_is_adverse=outcome_set.adverse, reference=largest)
    except TableError as exc:
        raise Refused(f"These outcomes cannot be reported: {exc}") from None
    ref = next((g for g in rep.groups if g.group == rep.reference), None)
    rows = []
    for g in rep.groups:
        rr = lo = hi = p = None
        flagged = False
        if ref is not None and g.group != ref.group and ref.outcome > 0:
            result = relative_risk(g.outcome, g.total, ref.outcome, ref.total)
            rr = float(result.relative_risk)
            ci = result.confidence_interval(confidence_level=0.95)
            lo, hi = float(ci.low), float(ci.high)
            p = float(fisher_exact([[g.outcome, g.total - g.outcome], [ref.outcome, ref.total - ref.outcome]]).pvalue)
            worse = (lo > 1) if outcome_set.adverse else (hi < 1)
            flagged = worse and p < 0.05
        rows.append(Row(g.group, g.members, g.total, g.outcome, 100 * g.outcome / g.total, rr,
                        None if lo is None or math.isnan(lo) else lo, None if hi is None or math.isnan(hi) else hi, p, flagged))  # fmt: skip
    notes = rep.notes
    if outcome_set.member_keyed:
        # Counted from members' own answers: which groups "Other" holds is not
        # shown (a list of one member's group and twenty unrecorded would name it).
        rows = [r if len(r.members) == 1 else Row(r.group, (r.group,), *astuple(r)[2:]) for r in rows]
        notes = tuple(n for n in rep.notes if "was merged into" not in n)
        if any(r.group == "Other" for r in rows):
            notes += ("Groups too small to show alone are merged into “Other”; which groups it holds is not shown, as these counts come from members' own answers.",)
    return Report(outcome_set, tuple(rows), rep.reference, rep.total, rep.outcome, notes, _finding(outcome_set, rows, rep.reference))


def _finding(outcome_set: OutcomeSet, rows: list[Row], reference: str | None) -> str:
    what = outcome_set.outcome_label
    if not rows:
        return "Too few people, or too few outcomes, to compare groups without identifying anyone: no finding."
    flagged = [r for r in rows if r.flagged]
    if not flagged:
        return (
            f"No group's rate of “{what}” differs from the {reference} group's by more than chance would explain "
            "(no 95% interval excludes 1 with Fisher's p under 0.05). That is not proof that there is no disparity: small groups have wide intervals."
        )
    parts = [
        f"{r.group}: {r.rate:.1f}% against {next(x.rate for x in rows if x.group == reference):.1f}%, "
        f"{r.relative_rate:.2f} times the rate (95% interval {r.ci_low:.2f} to {r.ci_high:.2f}; Fisher's p = {r.p_value:.3g})"
        for r in flagged
    ]
    return (
        f"Likely disparate impact: the rate of “{what}” is higher for {', '.join(r.group for r in flagged)} than for the {reference} group, "
        f"more than chance would explain. {'; '.join(parts)}. The union should ask the employer to explain and review the process."
        if outcome_set.adverse
        else f"Likely disparate impact: {', '.join(r.group for r in flagged)} had “{what}” less often than the {reference} group. {'; '.join(parts)}."
    )
