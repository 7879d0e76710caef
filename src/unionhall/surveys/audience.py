"""Who a survey is addressed to: the same rule as bulletins' audiences."""

from django.db.models import QuerySet

from unionhall.members.models import Member
from unionhall.surveys.models import Audience, Survey


def audience_members(survey: Survey) -> QuerySet:
    """Active members the survey is for, as one query (iterate it; never load it)."""
    members = Member.objects.filter(status=Member.Status.ACTIVE)
    if survey.audience == Audience.CHOSEN:
        employers = [e.pk for e in survey.employers.all()]
        branches = [b.pk for b in survey.branches.all()]
        if employers:
            members = members.filter(employer_id__in=employers)
        if branches:
            members = members.filter(branch_id__in=branches)
        if survey.grade_list:
            members = members.filter(grade__in=survey.grade_list)
    return members


def in_audience(survey: Survey, member: Member) -> bool:
    if member.status != Member.Status.ACTIVE:
        return False
    if survey.audience == Audience.ALL:
        return True
    employers = {e.pk for e in survey.employers.all()}
    branches = {b.pk for b in survey.branches.all()}
    return (
        (not employers or member.employer_id in employers)
        and (not branches or member.branch_id in branches)
        and (not survey.grade_list or member.grade in survey.grade_list)
    )
