"""The pages: members write and confirm, officers run campaigns within their
remit; outsiders are refused as if nothing were there; list pages read a
bounded number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from unionhall.audit.models import AuditEntry
from unionhall.campaigns import services
from unionhall.campaigns.models import Campaign, Letter
from unionhall.campaigns.tallies import tallies_rebuild
from unionhall.members.models import Member
from unionhall.outbox.models import Message

from ..conftest import make_member, sign_in
from .conftest import SPLIT, WHOLE, make_campaign, own_words


def write(client, campaign, **extra):
    data = {"postcode": WHOLE, "address": "1 Mill Road", "body": own_words(), "signed_name": "Alice Archer", **extra}
    return client.post(reverse("campaigns_detail", args=[campaign.slug]), data)


def confirm_link(member) -> str:
    text = Message.objects.get(topic=services.TOPIC_CONFIRM, member=member).content.text
    return re.search(r"https://hall\.example\.org(/campaigns/confirm/[^/]+/)", text).group(1)


def test_a_member_writes_confirms_and_the_letter_is_sent(client, people, campaign):
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("campaigns_detail", args=[campaign.slug]))
    assert page.status_code == 200
    assert "I work for Public Probation Service at Harbour office" in page.content.decode()  # blanks filled for her
    people.alice.postcode = WHOLE
    people.alice.save()
    page = client.get(reverse("campaigns_detail", args=[campaign.slug]))
    assert "Dear Dame Chi Onwurah MP," in page.content.decode()  # her postcode gives one MP
    assert "<strong>every year</strong>" in page.content.decode()  # the brief's markdown
    assert write(client, campaign).status_code == 302
    link = confirm_link(people.alice)
    client.logout()  # the link works from the email, signed in or not
    shown = client.get(link)
    assert shown.status_code == 200 and "sixty-two cases" in shown.content.decode()
    assert not Message.objects.filter(topic=services.TOPIC_LETTER).exists()  # opening the link sends nothing
    sent = client.post(link)
    assert "on its way" in sent.content.decode()
    assert Letter.objects.get().status == Letter.Status.SENT
    assert client.post(link).status_code == 404


def test_a_split_postcode_shows_the_choice_and_keeps_what_was_written(client, people, campaign):
    sign_in(client, people.alice, mfa=False)
    page = write(client, campaign, postcode=SPLIT)
    html = page.content.decode()
    assert page.status_code == 200 and "say which is yours" in html
    assert "Aberdeen North" in html and "sixty-two cases" in html
    assert not Letter.objects.exists()
    assert write(client, campaign, postcode=SPLIT, constituency_code="S14000060").status_code == 302
    assert Letter.objects.get().constituency_name == "Aberdeen North"


def test_user_text_is_escaped_on_every_page(client, people, campaign):
    sign_in(client, people.alice, mfa=False)
    body = own_words(story="<script>alert(1)</script> My office has no heating.")
    write(client, campaign, body=body)
    for url in (reverse("campaigns_detail", args=[campaign.slug]), confirm_link(people.alice)):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_campaign_for_another_branch_is_not_there_for_a_member(client, people, union):
    campaign = make_campaign(people.dave.user, branches=[union.south])
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("campaigns_detail", args=[campaign.slug])).status_code == 404
    assert write(client, campaign).status_code == 404
    assert campaign.title not in client.get(reverse("campaigns_list")).content.decode()
    assert not Letter.objects.exists()


def test_a_draft_campaign_is_not_there_for_members(client, people):
    campaign = make_campaign(people.hq.user, status=Campaign.Status.DRAFT)
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("campaigns_detail", args=[campaign.slug])).status_code == 404


def test_someone_who_is_not_a_member_is_refused(client, people, campaign):
    lapsed = make_member("L1", people.alice.branch, status=Member.Status.LAPSED)
    sign_in(client, lapsed, mfa=False)
    assert client.get(reverse("campaigns_list")).status_code == 403
    assert client.get(reverse("campaigns_detail", args=[campaign.slug])).status_code == 403


def test_writing_is_rate_limited(client, people, campaign):
    sign_in(client, people.alice, mfa=False)
    for _ in range(10):
        write(client, campaign, postcode="nonsense")
    page = write(client, campaign)
    assert "more than 10 tries" in page.content.decode()
    assert not Letter.objects.exists()


def test_the_campaign_list_reads_a_fixed_number_of_queries(client, people, union):
    sign_in(client, people.alice, mfa=False)
    make_campaign(people.hq.user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("campaigns_list")).status_code == 200
        return len(ctx)

    few = count()
    for n in range(8):
        make_campaign(people.hq.user, slug=f"more-{n}", branches=[union.north])
    assert count() == few


# --- Officers -------------------------------------------------------------------------------


def test_a_branch_secretary_creates_a_campaign_for_their_branch_and_opens_it(client, people, union):
    sign_in(client, people.carol)
    data = {"title": "Heat the Castle office", "summary": "s", "brief": "b", "points": "one", "model_letter": "Dear [representative]",
            "subject": "Heating", "target": "mp", "branches": [union.north.pk]}  # fmt: skip
    assert client.post(reverse("campaigns_create"), data).status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.status == Campaign.Status.DRAFT and list(campaign.branches.all()) == [union.north]
    client.post(reverse("campaigns_status", args=[campaign.slug]), {"status": "open"})
    assert Campaign.objects.get().status == Campaign.Status.OPEN


def test_a_branch_secretary_cannot_run_a_campaign_for_everyone_or_another_branch(client, people, union):
    sign_in(client, people.carol)
    data = {"title": "Everyone", "summary": "s", "brief": "b", "points": "one", "model_letter": "m", "subject": "x", "target": "mp"}
    denied = AuditEntry.objects.filter(action="denied").count()
    assert client.post(reverse("campaigns_create"), data).status_code == 403
    # South is not offered to her, so the form refuses it as an invalid choice.
    page = client.post(reverse("campaigns_create"), {**data, "branches": [union.south.pk]})
    assert page.status_code == 200 and not Campaign.objects.exists()
    assert AuditEntry.objects.filter(action="denied").count() == denied + 1


def test_an_officer_of_another_branch_cannot_see_or_run_a_campaign(client, people, union):
    campaign = make_campaign(people.carol.user, branches=[union.north])
    sign_in(client, people.dave)
    assert client.get(reverse("campaigns_report", args=[campaign.slug])).status_code == 404
    assert client.post(reverse("campaigns_status", args=[campaign.slug]), {"status": "closed"}).status_code == 404
    assert Campaign.objects.get().status == Campaign.Status.OPEN
    assert campaign.title not in client.get(reverse("campaigns_manage")).content.decode()


def test_a_plain_member_cannot_reach_the_officers_pages(client, people, campaign):
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("campaigns_manage")).status_code == 403
    assert client.get(reverse("campaigns_report", args=[campaign.slug])).status_code == 403


def _held(people, campaign, client):
    for member, name in ((people.alice, "Alice Archer"), (people.bob, "Bob Baker")):
        services.letter_write(member=member, campaign=campaign, draft=services.LetterDraft(
            body=own_words(name=name), signed_name=name, address="1 Mill Road", postcode=WHOLE))  # fmt: skip
        services.letter_confirm(token=confirm_link(member).split("/")[-2])
    return Letter.objects.get(status=Letter.Status.HELD)


def test_the_report_shows_counts_and_held_letters_and_audits_each_one_read(client, people, union):
    campaign = make_campaign(people.carol.user, branches=[union.north])
    held = _held(people, campaign, client)
    sign_in(client, people.carol)
    views = AuditEntry.objects.filter(action="view", subject_id=str(held.pk)).count()
    html = client.get(reverse("campaigns_report", args=[campaign.slug])).content.decode()
    assert "Newcastle upon Tyne Central and West" in html and "Bob Baker" not in html  # the report counts; it reads no letter
    assert "1 letter held as very like another" in html
    assert "Newcastle upon Tyne Central and West: fewer than 10 letters<" in html  # on the map, outside HQ
    assert AuditEntry.objects.filter(action="view", subject_id=str(held.pk)).count() == views
    waiting = client.get(reverse("campaigns_held", args=[campaign.slug])).content.decode()
    assert "Bob Baker" in waiting
    assert AuditEntry.objects.filter(action="view", subject_id=str(held.pk)).count() == views + 1
    client.post(reverse("campaigns_letter_decide", args=[held.pk]), {"send": "yes"})
    assert Letter.objects.get(pk=held.pk).status == Letter.Status.SENT


def test_hq_sees_the_held_letters_of_every_member(client, people, campaign):
    held = _held(people, campaign, client)
    sign_in(client, people.hq)
    assert "Bob Baker" in client.get(reverse("campaigns_held", args=[campaign.slug])).content.decode()
    assert held.status == Letter.Status.HELD


def test_the_report_reads_a_fixed_number_of_queries(client, people, union, campaign):
    sign_in(client, people.hq)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("campaigns_report", args=[campaign.slug])).status_code == 200
        return len(ctx)

    count()  # where members live is cached for ten minutes (services.members_by_seat): compare warm with warm
    few = count()
    for n in range(6):
        member = make_member(f"X{n}", union.north, union.harbour)
        Letter.objects.create(campaign=campaign, member=member, status=Letter.Status.SENT, constituency_code=f"E1400106{n}",
                              recipient_name="MP", recipient_email="mp@example.org", written_at=campaign.created_at)  # fmt: skip
    tallies_rebuild(campaign)
    assert count() == few


def test_the_branch_running_a_campaign_can_change_it_and_another_cannot(client, people, union):
    campaign = make_campaign(people.carol.user, branches=[union.north])
    data = {"title": "Safer caseloads", "summary": "s2", "brief": "b2", "points": "p2", "model_letter": "m2", "subject": "x2",
            "target": "named", "target_name": "The Director", "target_email": "director@employer.example", "branches": [union.north.pk]}  # fmt: skip
    sign_in(client, people.dave)
    assert client.post(reverse("campaigns_edit", args=[campaign.slug]), data).status_code == 404
    assert Campaign.objects.get().title == "Safe caseloads"
    client.logout()
    sign_in(client, people.carol)
    assert client.get(reverse("campaigns_edit", args=[campaign.slug])).status_code == 200
    assert client.post(reverse("campaigns_edit", args=[campaign.slug]), data).status_code == 302
    changed = Campaign.objects.get()
    assert (changed.title, changed.target, changed.target_email, changed.slug) == ("Safer caseloads", "named", "director@employer.example", "safe-caseloads")


def test_a_letter_to_a_named_person_asks_for_no_postcode(client, people):
    campaign = make_campaign(people.hq.user, slug="director", target=Campaign.Target.NAMED, target_name="The Director",
                             target_email="director@employer.example")  # fmt: skip
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("campaigns_detail", args=[campaign.slug])).content.decode()
    assert 'name="postcode"' not in page and "Dear The Director," in page
    data = {"body": own_words(), "signed_name": "Alice Archer", "address": ""}
    assert client.post(reverse("campaigns_detail", args=[campaign.slug]), data).status_code == 302
    assert Letter.objects.get().recipient_email == "director@employer.example"


def test_a_campaign_past_its_closing_date_is_gone_for_members(client, people, campaign):
    import datetime as dt

    Campaign.objects.filter(pk=campaign.pk).update(closes_on=dt.date.today() - dt.timedelta(days=2))
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("campaigns_detail", args=[campaign.slug])).status_code == 404
    assert campaign.title not in client.get(reverse("campaigns_list")).content.decode()
