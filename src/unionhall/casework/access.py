"""Who may see what of a case, decided in one place.

- The member whose case it is: status, next date, rep, meetings, messages and
  their own documents (``MEMBER``).
- The rep who accepted it and anyone it is referred to: everything (``FULL``),
  while they hold a rep's (or, referred, a link or national) office.
- The rep asked to take it, until they accept: what the branch sees plus the
  summary, so they can decide (``OFFERED``).
- Branch officers, link officers and HQ whose remit covers the case's branch
  or employer: that it exists, who has it and its deadlines, not its notes,
  unless they take it over (``OVERVIEW``).
- Anyone else, including a workplace rep whose case it is not: refused (403,
  audited by the view's ``answer_refusal``).
"""

import enum

from unionhall.casework.models import Case, Referral
from unionhall.members.models import Member, Office, Role
from unionhall.members.remit import Remit
from unionhall.refusals import Refused

# Offices whose holders may be asked to represent a member.
REP_ROLES = {Role.WORKPLACE_REP, Role.BRANCH_CHAIR, Role.BRANCH_SECRETARY, Role.LINK_OFFICER, Role.NATIONAL_REP}
# Offices a case may be referred up to.
REFERRAL_ROLES = {Role.LINK_OFFICER, Role.NATIONAL_REP}


class Level(enum.IntEnum):
    OVERVIEW = 1
    OFFERED = 2
    MEMBER = 3
    FULL = 4


def oversees(remit: Remit, case: Case) -> bool:
    """The remit reaches the case's branch or employer. A workplace rep's remit
    does not: a rep sees only the cases they are given."""
    return remit.everyone or case.branch_id in remit.branch_ids or case.employer_id in remit.employer_ids


def oversight_q(remit: Remit, prefix: str = ""):
    """Filter for the cases (or deadlines, via ``prefix``) a remit oversees."""
    from django.db.models import Q

    if remit.everyone:
        return Q()
    q = Q(pk__in=[])
    if remit.branch_ids:
        q |= Q(**{f"{prefix}branch_id__in": remit.branch_ids})
    if remit.employer_ids:
        q |= Q(**{f"{prefix}employer_id__in": remit.employer_ids})
    return q


def has_oversight(remit: Remit) -> bool:
    return remit.everyone or bool(remit.branch_ids or remit.employer_ids)


def case_level(*, member: Member | None, remit: Remit, case: Case) -> Level:
    """How much of ``case`` this person may see; raises Refused(403) if nothing."""
    if member is not None:
        if case.member_id == member.pk:
            return Level.MEMBER
        # A rep, or someone the case is referred to, reads it while they hold
        # the office that let them take it: when their term ends, so does
        # their access, and the branch sees whose cases need handing over.
        if case.rep_id == member.pk and case.is_open and holds_role(member, REP_ROLES):
            return Level.FULL if case.rep_accepted_at else Level.OFFERED
        if case.is_open and Referral.objects.filter(case=case, to=member, ended_at__isnull=True).exists() and holds_role(member, REFERRAL_ROLES):
            return Level.FULL
    if oversees(remit, case):
        return Level.OVERVIEW
    raise Refused("This case is not yours to read.", status=403)


def holds_role(member: Member, roles) -> bool:
    return Office.objects.current().filter(member=member, role__in=roles, member__status=Member.Status.ACTIVE).exists()


def reps_for(case: Case) -> list[Member]:
    """Members who hold a rep's office at the case's branch or employer (a
    handover or assignment picks from these; HQ may still name any rep)."""
    from django.db.models import Q

    offices = Office.objects.current().filter(role__in=REP_ROLES, member__status=Member.Status.ACTIVE).filter(
        Q(branch_id=case.branch_id) | Q(employer_id=case.employer_id) | Q(workplace__branch_id=case.branch_id) | Q(role=Role.NATIONAL_REP)
    )
    ids = set(offices.values_list("member_id", flat=True)) - {case.member_id}
    return list(Member.objects.filter(pk__in=ids).order_by("last_name", "first_name"))
