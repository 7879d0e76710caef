"""The officers' report: letters by constituency and by branch, counts under
10 shown as "fewer than 10" outside HQ, MPs written to and not yet reached,
a CSV export; members see how many letters went."""

from django.urls import reverse

from unionhall.audit.models import AuditEntry
from unionhall.campaigns import services
from unionhall.campaigns.models import Letter
from unionhall.campaigns.tallies import tallies_rebuild
from unionhall.members.models import Member

from ..conftest import make_member, sign_in
from .conftest import make_campaign
from .test_letters import write_and_confirm


def _sent(campaign, member, code, n=1):
    for _ in range(n):
        Letter.objects.create(campaign=campaign, member=member, status=Letter.Status.SENT, constituency_code=code,
                              recipient_name="An MP", recipient_email="mp@example.org", written_at=campaign.created_at)  # fmt: skip
    tallies_rebuild(campaign)  # letters made directly, not sent through services: count them


def test_counts_by_branch_and_masking_outside_hq(client, people, union):
    campaign = make_campaign(people.hq.user, branches=[union.north, union.south])
    for i in range(12):
        m = make_member(f"N{i}", union.north, union.harbour)
        Letter.objects.create(campaign=campaign, member=m, status=Letter.Status.SENT, constituency_code="E14001404",
                              recipient_name="An MP", recipient_email="mp@example.org", written_at=campaign.created_at)  # fmt: skip
    tallies_rebuild(campaign)
    south = make_member("S0", union.south, union.quay)
    _sent(campaign, south, "E14001063", 1)
    assert [(b.branch, b.letters) for b in services.branch_counts(campaign)] == [("North", 12), ("South", 1)]
    sign_in(client, people.hq)
    html = client.get(reverse("campaigns_report", args=[campaign.slug])).content.decode()
    assert "<td>South</td><td class=\"num\">1</td>" in html and "fewer than 10" not in html
    sign_in(client, people.dave)  # South's secretary: outside HQ
    assert client.get(reverse("campaigns_report", args=[campaign.slug])).status_code == 404  # a campaign for two branches is HQ's or theirs
    own = make_campaign(people.carol.user, slug="north-only", branches=[union.north])
    _sent(own, people.alice, "E14001063", 1)
    _sent(own, people.bob, "E14001404", 1)
    sign_in(client, people.carol)
    html = client.get(reverse("campaigns_report", args=[own.slug])).content.decode()
    assert "<td>North</td><td class=\"num\">fewer than 10</td>" in html
    assert ">1<" not in html.replace("<strong>1</strong>", "")  # no exact small count anywhere but the MPs-written figure


def test_a_hidden_count_cannot_be_worked_out_from_the_total_beside_it(client, people, union):
    """Ten letters to one seat, one to another: "fewer than 10" beside "11 letters
    sent" told a branch secretary the second seat had exactly one (review finding)."""
    campaign = make_campaign(people.carol.user, slug="north-only", branches=[union.north])
    for i in range(10):
        _sent(campaign, make_member(f"W{i}", union.north, union.harbour), "E14001404")
    _sent(campaign, people.alice, "E14001063")
    sign_in(client, people.carol)
    html = client.get(reverse("campaigns_report", args=[campaign.slug])).content.decode()
    assert "fewer than 10" in html and "<strong>at least 11</strong> letters sent" in html and "<strong>11</strong>" not in html
    page = client.get(reverse("campaigns_detail", args=[campaign.slug])).content.decode()  # the campaign's own page, as every member sees it
    assert "<strong>at least 11</strong> letters sent" in page and "<strong>11</strong>" not in page  # not the total the report hides (review finding)
    sign_in(client, people.hq)  # HQ sees every count exactly
    assert "<strong>11</strong> letters sent" in client.get(reverse("campaigns_report", args=[campaign.slug])).content.decode()


def test_members_see_the_total_masked_under_ten(client, people, campaign):
    write_and_confirm(people.alice, campaign)
    sign_in(client, people.bob, mfa=False)
    html = client.get(reverse("campaigns_detail", args=[campaign.slug])).content.decode()
    assert "<strong>fewer than 10</strong> letters sent" in html
    for i in range(10):
        _sent(campaign, make_member(f"M{i}", people.alice.branch, people.alice.workplace), "E14001063")
    html = client.get(reverse("campaigns_detail", args=[campaign.slug])).content.decode()
    # Alice's seat still has one letter, hidden in the report's table: the total says only "at least".
    assert "<strong>at least 11</strong> letters sent" in html
    alices_seat = Letter.objects.get(member=people.alice).constituency_code
    for i in range(9):
        _sent(campaign, make_member(f"K{i}", people.alice.branch, people.alice.workplace), alices_seat)
    html = client.get(reverse("campaigns_detail", args=[campaign.slug])).content.decode()
    assert "<strong>20</strong> letters sent" in html  # no count hidden: the total exactly


def test_mps_not_yet_reached_are_where_members_live_without_a_letter(people, union, campaign):
    from unionhall.members.remit import remit_for

    Member.objects.filter(pk=people.alice.pk).update(postcode="NE1 4XX")
    Member.objects.filter(pk=people.bob.pk).update(postcode="AB10 1AA")
    Member.objects.exclude(pk__in=[people.alice.pk, people.bob.pk]).update(postcode="")
    remit = remit_for(people.hq.user)
    before = {u.representative.constituency: u.members for u in services.mps_not_reached(remit=remit, campaign=campaign)}
    assert before == {"Newcastle upon Tyne Central and West": 1, "Aberdeen South": 1}
    write_and_confirm(people.alice, campaign)
    after = [u.representative.constituency for u in services.mps_not_reached(remit=remit, campaign=campaign)]
    assert after == ["Aberdeen South"]


def test_the_csv_export_masks_small_counts_outside_hq_and_is_audited(client, people, union):
    campaign = make_campaign(people.carol.user, branches=[union.north])
    write_and_confirm(people.alice, campaign)
    sign_in(client, people.carol)
    body = b"".join(client.get(reverse("campaigns_export", args=[campaign.slug])).streaming_content).decode()
    assert "Newcastle upon Tyne Central and West" in body and '"fewer than 10"' in body
    assert AuditEntry.objects.filter(detail__campaign_report="csv").exists()
    sign_in(client, people.hq)
    body = b"".join(client.get(reverse("campaigns_export", args=[campaign.slug])).streaming_content).decode()
    assert '"1"' in body and "fewer than" not in body
    sign_in(client, people.dave)
    assert client.get(reverse("campaigns_export", args=[campaign.slug])).status_code == 404
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("campaigns_export", args=[campaign.slug])).status_code == 403
