"""Who writes bulletins and who moderates their discussion.

For now HQ administrators write and publish bulletins (``may_write``). HQ
administrators moderate every comment; named moderators (ModeratorAssignment)
moderate the comments of members of their branch or employer, and only they are
told of reports there (``moderates``; ``notifications.moderators_for``). HQ names
them with ``do_assign_moderator``. Imports the bulletins' models and the register's
remit; no other module of bulletins, so every phase below may import it."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.models import Comment, ModeratorAssignment
from unionhall.members.models import Branch, Employer, Member
from unionhall.members.remit import remit_for
from unionhall.refusals import Refused


def may_write(user) -> bool:
    return remit_for(user).everyone


def may_moderate(user, *, remit=None) -> bool:
    return (remit or remit_for(user)).everyone or ModeratorAssignment.objects.filter(user=user).exists()


def moderation_scope(user, *, remit=None) -> Q:
    """The comments ``user`` moderates (over Comment): all for HQ; for a named
    moderator, those by members of their branches or employers; else none.
    ``remit``: the user's, where the caller has it already."""
    if (remit or remit_for(user)).everyone:
        return Q()
    assignments = list(ModeratorAssignment.objects.filter(user=user).values_list("branch_id", "employer_id"))
    branches = [b for b, _ in assignments if b]
    employers = [e for _, e in assignments if e]
    return Q(author__branch_id__in=branches) | Q(author__employer_id__in=employers)


def moderates(user, comment: Comment) -> bool:
    return may_moderate(user) and Comment.objects.filter(moderation_scope(user), pk=comment.pk).exists()


@transaction.atomic
def do_assign_moderator(*, actor, member: Member, branch: Branch | None = None, employer: Employer | None = None, now: dt.datetime | None = None) -> ModeratorAssignment:
    """Name ``member`` a moderator for one branch or one employer (HQ only)."""
    if not remit_for(actor).everyone:
        raise Refused("Only HQ can name moderators.", status=403)
    if (branch is None) == (employer is None):
        raise Refused("Choose one branch or one employer.")
    if member.user_id is None or member.status != Member.Status.ACTIVE:
        raise Refused("A moderator must be an active member who can sign in.")
    if ModeratorAssignment.objects.filter(user_id=member.user_id, branch=branch, employer=employer).exists():
        raise Refused("That member already moderates there.", status=409)
    assignment = ModeratorAssignment.objects.create(user_id=member.user_id, branch=branch, employer=employer, assigned_by=actor, assigned_at=now or timezone.now())
    audit_record(actor=actor, action=Action.PERMISSION, subject=assignment, detail={"event": "moderator named", "member": member.membership_number, "for": str(branch or employer)})
    return assignment
