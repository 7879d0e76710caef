"""Who may act for whom at conference, from the offices held today.

For now HQ administrators act as the standing orders committee (SOC) and as
conference's clerks (recording votes and meetings); a per-conference SOC
membership can replace ``acts_as_soc`` later without touching the callers."""

import datetime as dt

from unionhall.members.models import Member, Office, Role

BRANCH_SPEAKERS = (Role.BRANCH_SECRETARY, Role.BRANCH_CHAIR)
NEC_SPEAKERS = (Role.NEC_MEMBER, Role.GENERAL_SECRETARY)
REGISTER_KEEPERS = (Role.HQ_ADMIN, Role.GENERAL_SECRETARY, Role.OFFICERS_GROUP)


class ConferenceRefused(Exception):
    """The request cannot be done; ``status`` is the HTTP status to answer with
    (403 means the person may not do this at all, and is audited as a refusal)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _offices(user, on: dt.date | None = None):
    if not getattr(user, "is_authenticated", False):
        return Office.objects.none()
    return Office.objects.current(on).filter(member__user=user, member__status=Member.Status.ACTIVE)


def branches_spoken_for(user) -> set[int]:
    """The branches whose secretary or chair the user is."""
    return set(_offices(user).filter(role__in=BRANCH_SPEAKERS).values_list("branch_id", flat=True))


def speaks_for_nec(user) -> bool:
    return _offices(user).filter(role__in=NEC_SPEAKERS).exists()


def acts_as_soc(user) -> bool:
    return _offices(user).filter(role=Role.HQ_ADMIN).exists()


def may_update_register(user) -> bool:
    """HQ, the General Secretary and the officers group report on resolutions."""
    return _offices(user).filter(role__in=REGISTER_KEEPERS).exists()


def require_soc(user) -> None:
    if not acts_as_soc(user):
        raise ConferenceRefused("Only the standing orders committee can do this.", status=403)
