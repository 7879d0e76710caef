"""The demo union's campaigns: letters on the map, a held queue, and the
demo member free to write the first letter of their own."""

from django.urls import reverse

from unionhall.campaigns import services
from unionhall.campaigns.demo import build_demo
from unionhall.campaigns.models import Campaign, Letter, Submission
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
    assert Letter.objects.filter(campaign=caseloads, status=Letter.Status.HELD).count() >= 3  # three copies, and any live near-copy
    assert len(services.letter_counts(caseloads)) > 5
    # A few letters went the members' way: confirmed from the email, then queued to the MP (at the
    # test domain: the demo delivers to no real MP) with the member as Reply-To, and a copy to the member.
    live = Message.objects.filter(topic=services.TOPIC_LETTER)
    assert live.count() >= 2
    for message in live.select_related("content"):
        letter = Letter.objects.get(pk=message.about_id)
        assert message.address == f"{letter.constituency_code}.{letter.pk}@letters.invalid"
        assert message.content.reply_to == letter.member.email and letter.recipient_name in message.content.text
    assert Message.objects.filter(topic=services.TOPIC_COPY).count() == live.count()
    # Announced in a bulletin; a reply recorded; an MP marked as supporting.
    assert "/campaigns/safe-caseloads/" in "\n".join(lines) or any("bulletin" in line for line in lines)
    assert Letter.objects.filter(campaign=caseloads, got_reply=True).exists()
    assert caseloads.supporters.exists()
    # The older campaign's letters are scrubbed, still counted.
    older = Campaign.objects.get(slug="protect-the-pension-scheme")
    assert Letter.objects.filter(campaign=older).exists() and not Letter.objects.filter(campaign=older).exclude(body="").exists()
    assert services.letter_counts(older)
    # The call for evidence: anonymous submissions, and a pack with no name of theirs.
    from unionhall.campaigns import evidence
    from unionhall.members.remit import remit_for

    call = Campaign.objects.get(slug="estates-evidence")
    assert call.submissions.filter(member__isnull=True).exists()
    hq = User.objects.get(email="admin@demo.unionhall.test")
    entries = evidence.pack_entries(evidence.submissions_for(remit=remit_for(hq), campaign=call))
    assert len(entries) == call.submissions.count()
    assert evidence.pack_pdf(call, entries).startswith(b"%PDF")

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
    Submission.objects.all().delete()
    Campaign.objects.all().delete()
    build_demo(5)
    again = list(Letter.objects.order_by("member__membership_number", "campaign__slug").values_list("member__membership_number", "constituency_code", "body"))
    assert again == first
