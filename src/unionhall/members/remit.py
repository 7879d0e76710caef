"""Whose records an officer may see. A remit follows from the offices a person
holds today: a workplace rep sees their workplace, a branch officer their
branch, a link officer the branches of their employer, HQ staff everyone.
Other offices (NEC member, national rep, general secretary) give no access to
members' personal data through the register."""

from dataclasses import dataclass, field

from django.db.models import Q

from unionhall.members.models import Branch, Employer, Member, Office, Role, Workplace

BRANCH_ROLES = {Role.BRANCH_CHAIR, Role.BRANCH_SECRETARY}
HQ_ROLES = {Role.HQ_ADMIN}


@dataclass(frozen=True)
class Remit:
    everyone: bool = False
    employer_ids: frozenset[int] = field(default_factory=frozenset)
    branch_ids: frozenset[int] = field(default_factory=frozenset)
    workplace_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everyone or self.employer_ids or self.branch_ids or self.workplace_ids)

    @property
    def can_import(self) -> bool:
        return self.everyone

    def members_q(self, prefix: str = "") -> Q:
        """A filter for the members within this remit (nothing if empty).
        ``prefix`` reaches Member through a relation, e.g. "member__"."""
        if self.everyone:
            return Q()
        q = Q(**{f"{prefix}pk__in": []})
        if self.employer_ids:
            q |= Q(**{f"{prefix}employer_id__in": self.employer_ids})
        if self.branch_ids:
            q |= Q(**{f"{prefix}branch_id__in": self.branch_ids})
        if self.workplace_ids:
            q |= Q(**{f"{prefix}workplace_id__in": self.workplace_ids})
        return q

    def covers(self, member: Member) -> bool:
        return (
            self.everyone
            or member.employer_id in self.employer_ids
            or member.branch_id in self.branch_ids
            or (member.workplace_id is not None and member.workplace_id in self.workplace_ids)
        )

    def describe(self) -> str:
        """In words, for the officer: "members at Harbour office; North branch"."""
        if self.everyone:
            return "all members"
        parts = [f"all branches of {e}" for e in Employer.objects.filter(pk__in=self.employer_ids)]
        parts += [f"{b} branch" for b in Branch.objects.filter(pk__in=self.branch_ids)]
        parts += [f"members at {w}" for w in Workplace.objects.filter(pk__in=self.workplace_ids)]
        return "; ".join(parts) or "nobody"


NO_REMIT = Remit()


def remit_for(user) -> Remit:
    """The remit from the user's current offices. Only an active member's offices count."""
    if not getattr(user, "is_authenticated", False):
        return NO_REMIT
    offices = list(
        Office.objects.current()
        .filter(member__user=user, member__status=Member.Status.ACTIVE)
        .values_list("role", "employer_id", "branch_id", "workplace_id")
    )
    everyone = any(role in HQ_ROLES for role, *_ in offices)
    return Remit(
        everyone=everyone,
        employer_ids=frozenset(e for role, e, _, _ in offices if role == Role.LINK_OFFICER and e),
        branch_ids=frozenset(b for role, _, b, _ in offices if role in BRANCH_ROLES and b),
        workplace_ids=frozenset(w for role, _, _, w in offices if role == Role.WORKPLACE_REP and w),
    )


def request_remit(request) -> Remit:
    """The remit, worked out once per request."""
    if not hasattr(request, "_unionhall_remit"):
        request._unionhall_remit = remit_for(request.user)
    return request._unionhall_remit
