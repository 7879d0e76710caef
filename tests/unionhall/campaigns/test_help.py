"""A member who needs help to write asks their rep or HQ instead of being
blocked; officers covering them see it on the report and mark it done.
Every refusal changes nothing."""

import pytest
from django.urls import reverse

from unionhall.audit.models import AuditEntry
from unionhall.campaigns import helping
from unionhall.campaigns.models import Campaign, HelpRequest
from unionhall.members.remit import remit_for
from unionhall.refusals import Refused

from ..conftest import sign_in
from .conftest import make_campaign


def test_a_member_asks_for_help_and_the_branch_officer_sees_it_and_marks_it_done(client, people, union):
    campaign = make_campaign(people.carol.user, branches=[union.north])
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("campaigns_detail", args=[campaign.slug])).content.decode()
    assert "Need help writing it?" in page
    response = client.post(reverse("campaigns_help", args=[campaign.slug]), {"how": "email", "note": "I use a <b>screen reader</b>."}, follow=True)
    assert "will be in touch to help you write" in response.content.decode()
    asked = HelpRequest.objects.get()
    assert (asked.member, asked.how) == (people.alice, "email")
    assert "You asked for help on" in client.get(reverse("campaigns_detail", args=[campaign.slug])).content.decode()

    sign_in(client, people.carol)  # North's secretary runs it and covers Alice
    assert "1 member asking for help to write" in client.get(reverse("campaigns_report", args=[campaign.slug])).content.decode()
    report = client.get(reverse("campaigns_held", args=[campaign.slug])).content.decode()
    assert "Members asking for help to write: 1" in report and people.alice.email in report
    assert "I use a &lt;b&gt;screen reader&lt;/b&gt;." in report and "<b>screen reader</b>" not in report
    assert AuditEntry.objects.filter(actor=people.carol.user, action="view", detail__page="help requests").exists()
    sign_in(client, people.dave)  # South's secretary: not theirs
    assert client.post(reverse("campaigns_help_done", args=[asked.pk])).status_code == 404
    sign_in(client, people.carol)
    client.post(reverse("campaigns_help_done", args=[asked.pk]))
    asked.refresh_from_db()
    assert asked.done_at and asked.done_by == people.carol.user
    assert "Members asking for help" not in client.get(reverse("campaigns_held", args=[campaign.slug])).content.decode()
    assert "asking for help to write" not in client.get(reverse("campaigns_report", args=[campaign.slug])).content.decode()


@pytest.mark.parametrize(
    "how, note, message",
    [("phone", "", "no phone number for you"), ("fax", "", "how we should get in touch"), ("email", "x" * 501, "under 500 characters")],
)
def test_a_bad_request_is_refused_and_nothing_is_saved(people, campaign, how, note, message):
    with pytest.raises(Refused, match=message):
        helping.help_ask(member=people.alice, campaign=campaign, how=how, note=note)
    assert not HelpRequest.objects.exists()


def test_asking_twice_a_closed_campaign_or_one_for_another_branch_is_refused(people, union, campaign):
    helping.help_ask(member=people.alice, campaign=campaign, how="email")
    with pytest.raises(Refused, match="asked for help with this letter already"):
        helping.help_ask(member=people.alice, campaign=campaign, how="meet")
    south = make_campaign(people.dave.user, slug="south-only", branches=[union.south])
    with pytest.raises(Refused, match="No such campaign"):
        helping.help_ask(member=people.alice, campaign=south, how="email")
    closed = make_campaign(people.hq.user, slug="closed", status=Campaign.Status.CLOSED)
    with pytest.raises(Refused, match="No such campaign"):
        helping.help_ask(member=people.alice, campaign=closed, how="email")
    assert HelpRequest.objects.count() == 1
    with pytest.raises(Refused, match="No such request"):
        helping.help_done(user=people.dave.user, remit=remit_for(people.dave.user), request_id=HelpRequest.objects.get().pk)


def test_erasure_deletes_the_members_requests(people, campaign):
    from unionhall.personal_data import declaration

    helping.help_ask(member=people.alice, campaign=campaign, how="email", note="Please call after six.")
    assert declaration("campaigns.HelpRequest").erase(people.alice.pk) == 1
    assert not HelpRequest.objects.exists()


def test_a_request_goes_the_letter_period_after_it_was_dealt_with_and_one_waiting_stays(people, union):
    from .conftest import run_retention

    campaign = make_campaign(people.carol.user, branches=[union.north])
    done = helping.help_ask(member=people.alice, campaign=campaign, how="email", note="Large print, please.")
    waiting = helping.help_ask(member=people.bob, campaign=campaign, how="email")
    helping.help_done(user=people.carol.user, remit=remit_for(people.carol.user), request_id=done.pk)
    key = "campaign_letter:campaigns.HelpRequest"
    assert run_retention(28, key) == 0  # 28 days, as the letter it helped with
    assert run_retention(29, key) == 1
    assert list(HelpRequest.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert run_retention(400, key) == 0  # an officer has not been in touch yet: kept
