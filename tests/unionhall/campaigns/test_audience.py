"""A campaign's audience, as a bulletin's: chosen branches, employers or
grades, each narrowing it; a link officer runs one for their employer, a
branch officer cannot reach beyond their branch."""

import pytest
from django.urls import reverse

from unionhall.campaigns import services
from unionhall.campaigns.models import Campaign
from unionhall.members.models import Grade, Member
from unionhall.members.remit import remit_for
from unionhall.refusals import Refused

from ..conftest import sign_in


def draft(**extra):
    fields = dict(title="Pay the grade", summary="s", brief="b", points="p", model_letter="Dear [representative],\n[your story]", subject="Pay")
    fields.update(extra)
    return services.CampaignDraft(**fields)


def slugs_for(member) -> set[str]:
    return set(services.campaigns_for(Member.objects.get(pk=member.pk)).values_list("slug", flat=True))


def test_grades_and_employers_narrow_who_sees_a_campaign(people, union):
    Member.objects.filter(pk=people.alice.pk).update(grade=Grade.PSO)
    Member.objects.filter(pk=people.bob.pk).update(grade=Grade.PO)
    hq = remit_for(people.hq.user)
    for_pso = services.campaign_create(user=people.hq.user, remit=hq, draft=draft(title="PSO pay", grades=("PSO",)))
    for_northway = services.campaign_create(user=people.hq.user, remit=hq, draft=draft(title="Northway", employer_ids=(union.northway.pk,)))
    north_pso = services.campaign_create(user=people.hq.user, remit=hq, draft=draft(title="North PSOs", branch_ids=(union.north.pk,), grades=("PSO", "AP")))
    Campaign.objects.update(status=Campaign.Status.OPEN)
    assert for_pso.grades == ",PSO," and north_pso.grades == ",AP,PSO,"
    assert slugs_for(people.alice) == {for_pso.slug, north_pso.slug}  # a PSO in North at the probation service
    assert slugs_for(people.bob) == set()  # a PO in North
    assert slugs_for(people.frank) == {for_northway.slug}  # at Northway
    with pytest.raises(Refused, match="No such campaign"):
        services.campaign_for(Member.objects.get(pk=people.bob.pk), for_pso.slug)


def test_a_link_officer_runs_a_campaign_for_their_employer_and_a_branch_officer_cannot(client, people, union):
    gina = remit_for(people.gina.user)  # link officer for Northway
    campaign = services.campaign_create(user=people.gina.user, remit=gina, draft=draft(employer_ids=(union.northway.pk,)))
    assert services.runs(gina, campaign)
    with pytest.raises(Refused, match="branches or employers you are an officer of"):
        services.campaign_create(user=people.gina.user, remit=gina, draft=draft(title="Probation", employer_ids=(union.pps.pk,)))
    with pytest.raises(Refused, match="branches or employers you are an officer of"):
        services.campaign_create(user=people.carol.user, remit=remit_for(people.carol.user), draft=draft(title="All PPS", employer_ids=(union.pps.pk,)))
    with pytest.raises(Refused, match="grades from the list"):
        services.campaign_create(user=people.hq.user, remit=remit_for(people.hq.user), draft=draft(title="Odd", grades=("<b>",)))
    assert Campaign.objects.count() == 1
    sign_in(client, people.gina)
    assert client.get(reverse("campaigns_report", args=[campaign.slug])).status_code == 200
    assert "Northway" in client.get(reverse("campaigns_manage")).content.decode()
    sign_in(client, people.carol)  # North's secretary: not theirs
    assert client.get(reverse("campaigns_report", args=[campaign.slug])).status_code == 404


def test_the_form_takes_employers_and_grades(client, people, union):
    sign_in(client, people.hq)
    data = {"title": "Senior pay", "summary": "s", "brief": "b", "points": "p", "model_letter": "Dear [representative],\n[story]",
            "subject": "Pay", "target": "mp", "kind": "letter", "employers": [union.pps.pk], "grades": ["SPO", "MANAGER"]}  # fmt: skip
    assert client.post(reverse("campaigns_create"), data).status_code == 302
    campaign = Campaign.objects.get()
    assert list(campaign.employers.all()) == [union.pps] and campaign.grade_list == ["MANAGER", "SPO"]
    page = client.get(reverse("campaigns_manage")).content.decode()
    assert "Public Probation Service · Manager, Senior probation officer" in page
