"""The demo union's campaigns: letters on the map, a held queue, and the
demo member free to write the first letter of their own."""

from django.urls import reverse

from unionhall.campaigns import services
from unionhall.campaigns.demo import build_demo
from unionhall.campaigns.models import Campaign, Letter
from unionhall.members.demo.builder import build_demo_union
from unionhall.members.models import Member, User
from unionhall.outbox.models import Message

from .conftest import BASE_URL  # noqa: F401  (the autouse fixture sets the site's address)


def test_the_demo_has_campaigns_with_letters_and_the_demo_member_can_write(db, client):
    build_demo_union(members=400, seed=3)
    lines = build_demo(3)
    assert "/campaigns/" in "\n".join(lines)
    caseloads = Campaign.objects.get(slug="safe-caseloads")
    assert Letter.objects.filter(campaign=caseloads, status=Letter.Status.SENT).count() > 20
    assert Letter.objects.filter(campaign=caseloads, status=Letter.Status.HELD).count() == 3
    assert len(services.letter_counts(caseloads)) > 5
    assert not Message.objects.filter(topic__startswith="campaign").exists()  # the demo mails nobody

    member = Member.objects.get(email="member@demo.unionhall.test")
    assert not Letter.objects.filter(member=member).exists()
    client.force_login(User.objects.get(email="member@demo.unionhall.test"))
    page = client.get(reverse("campaigns_list")).content.decode()
    assert "Safe caseloads now" in page and "Fix our offices" in page


def test_the_same_seed_builds_the_same_letters(db):
    build_demo_union(members=300, seed=5)
    build_demo(5)
    first = list(Letter.objects.order_by("member__membership_number", "campaign__slug").values_list("member__membership_number", "constituency_code", "body"))
    Letter.objects.all().delete()
    Campaign.objects.all().delete()
    build_demo(5)
    again = list(Letter.objects.order_by("member__membership_number", "campaign__slug").values_list("member__membership_number", "constituency_code", "body"))
    assert again == first
