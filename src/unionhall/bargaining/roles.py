"""Who may do what in bargaining, from the offices held today.

HQ, the General Secretary and the officers group bargain for everyone; a link
officer for their employer. Only they record bodies, agreements, commitments,
disputes and reviews. Pay scales are HQ's (they are imported and corrected
centrally); back-pay queries are answered by HQ and by the link officer of
the member's employer."""

from unionhall.members.models import Member, Office, Role
from unionhall.refusals import Refused

NATIONAL_ROLES = (Role.HQ_ADMIN, Role.GENERAL_SECRETARY, Role.OFFICERS_GROUP)


def _offices(user):
    if not getattr(user, "is_authenticated", False):
        return Office.objects.none()
    return Office.objects.current().filter(member__user=user, member__status=Member.Status.ACTIVE)


def bargaining_employers(user) -> tuple[bool, frozenset[int]]:
    """(bargains for everyone, the employers a link officer bargains with)."""
    rows = list(_offices(user).filter(role__in=(*NATIONAL_ROLES, Role.LINK_OFFICER)).values_list("role", "employer_id"))
    return any(r in NATIONAL_ROLES for r, _ in rows), frozenset(e for r, e in rows if r == Role.LINK_OFFICER and e)


def may_negotiate(user, employer_id: int | None) -> bool:
    """National matters (employer None) need a national office; an employer's
    matters that, or being its link officer."""
    everyone, employers = bargaining_employers(user)
    return everyone or (employer_id is not None and employer_id in employers)


def require_negotiator(user, employer_id: int | None) -> None:
    if not may_negotiate(user, employer_id):
        raise Refused("Only HQ, the General Secretary, the officers group or this employer's link officer can do this.", status=403)


def query_answerers(user) -> tuple[bool, frozenset[int]]:
    """(answers every back-pay query, the employers whose queries a link officer
    answers). Narrower than bargaining: a query names a member, their employee
    number and their pay, so the General Secretary and the officers group, who
    bargain for everyone, do not read them; HQ and the link officer do."""
    rows = list(_offices(user).filter(role__in=(Role.HQ_ADMIN, Role.LINK_OFFICER)).values_list("role", "employer_id"))
    return any(r == Role.HQ_ADMIN for r, _ in rows), frozenset(e for r, e in rows if r == Role.LINK_OFFICER and e)


def may_answer_query(user, employer_id: int) -> bool:
    everyone, employers = query_answerers(user)
    return everyone or employer_id in employers


def is_hq(user) -> bool:
    return _offices(user).filter(role=Role.HQ_ADMIN).exists()


def require_hq(user) -> None:
    if not is_hq(user):
        raise Refused("Only HQ can change pay scales and histories.", status=403)


def is_negotiator(user) -> bool:
    everyone, employers = bargaining_employers(user)
    return everyone or bool(employers)
