"""Who may act for whom at conference, from the offices held today.

Each conference's standing orders committee (SOC) is a named list of members
(``SocMember``, appointed by HQ): they, and only they, rule on motions and
amendments, composite motions and publish the agenda. HQ administrators act
as conference's clerks: they appoint the committee, freeze card weights,
register delegates, record conference's votes and the meetings of the NEC
and the officers group."""

import datetime as dt

from unionhall.conference.models import Conference, SocMember
from unionhall.members.models import Member, Office, Role
from unionhall.refusals import Refused

BRANCH_SPEAKERS = (Role.BRANCH_SECRETARY, Role.BRANCH_CHAIR)
NEC_SPEAKERS = (Role.NEC_MEMBER, Role.GENERAL_SECRETARY)
REGISTER_KEEPERS = (Role.HQ_ADMIN, Role.GENERAL_SECRETARY, Role.OFFICERS_GROUP)


def _offices(user, on: dt.date | None = None):
    if not getattr(user, "is_authenticated", False):
        return Office.objects.none()
    return Office.objects.current(on).filter(member__user=user, member__status=Member.Status.ACTIVE)


def branches_spoken_for(user) -> set[int]:
    """The branches whose secretary or chair the user is."""
    return set(_offices(user).filter(role__in=BRANCH_SPEAKERS).values_list("branch_id", flat=True))


def speaks_for_nec(user) -> bool:
    return _offices(user).filter(role__in=NEC_SPEAKERS).exists()


def acts_as_soc(user, conference: Conference) -> bool:
    """The user is an active member on this conference's standing orders committee."""
    if not getattr(user, "is_authenticated", False):
        return False
    return SocMember.objects.filter(conference=conference, member__user=user, member__status=Member.Status.ACTIVE).exists()


def acts_as_clerk(user) -> bool:
    return _offices(user).filter(role=Role.HQ_ADMIN).exists()


def may_update_register(user) -> bool:
    """HQ, the General Secretary and the officers group report on resolutions."""
    return _offices(user).filter(role__in=REGISTER_KEEPERS).exists()


def require_soc(user, conference: Conference) -> None:
    if not acts_as_soc(user, conference):
        raise Refused("Only members of this conference's standing orders committee can do this.", status=403)


def require_clerk(user) -> None:
    if not acts_as_clerk(user):
        raise Refused("Only HQ, as conference's clerks, can do this.", status=403)
