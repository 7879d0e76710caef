"""The member's pages and HQ's: owner, colleague, outsider (issue 17)."""

import json

import pytest
from django.urls import reverse

from tests.unionhall.conftest import sign_in
from tests.unionhall.datarights.conftest import left
from unionhall.audit.models import Action, AuditEntry
from unionhall.datarights.models import ErasureRequest, Export, SubjectAccessRequest
from unionhall.members.models import User


def test_a_member_sees_their_own_data_and_the_look_is_audited(client, history, people):
    sign_in(client, people.alice, mfa=False)
    response = client.get(reverse("datarights_my_data"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "My caseload is 80." in page and "Pay ballot" in page
    assert "Erin" not in page and "HOW-THEY-VOTED" not in page
    entry = AuditEntry.objects.filter(action=Action.VIEW, subject_id=str(people.alice.pk)).last()
    assert entry.actor_id == people.alice.user_id and entry.detail == {"page": "my data"}


def test_asking_for_another_members_data_gets_only_your_own(client, history, people):
    """The pages take no member: whatever is asked for, the signed-in member's data is what comes."""
    sign_in(client, people.erin, mfa=False)
    page = client.get(reverse("datarights_my_data"), {"member": people.alice.pk, "number": "A1"}).content.decode()
    assert "Erin&#x27;s private words." in page or "Erin's private words." in page
    assert "My caseload is 80." not in page


def test_an_officer_sees_only_their_own_data_here_not_their_members(client, history, people):
    sign_in(client, people.carol)  # North's branch secretary: Alice is in her remit, but this is not the register
    page = client.get(reverse("datarights_my_data")).content.decode()
    assert "My caseload is 80." not in page and "Cooper" in page


def test_someone_signed_in_without_a_membership_record_is_refused_and_audited(client, db):
    user = User.objects.create_user("visitor@example.org")
    client.force_login(user, backend="unionhall.members.backends.ModelBackend")
    assert client.get(reverse("datarights_my_data")).status_code == 403
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=user).exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    assert client.get(reverse("datarights_my_data")).status_code == 302


def test_the_download_gives_json_and_pdf_by_post_only(client, history, people):
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("datarights_download")).status_code == 405
    response = client.post(reverse("datarights_download"), {"format": "json"})
    assert response["Content-Type"] == "application/json" and "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["member"] == "A1"
    assert client.post(reverse("datarights_download"), {"format": "pdf"}).content.startswith(b"%PDF")


def test_a_download_asked_while_one_is_under_way_says_so_and_gives_nothing(client, people):
    from django.utils import timezone

    Export.objects.create(member=people.alice, started_at=timezone.now(), fmt="json")
    sign_in(client, people.alice, mfa=False)
    response = client.post(reverse("datarights_download"), {"format": "json"}, follow=True)
    assert "already being prepared" in response.content.decode()
    assert Export.objects.count() == 1
    refusal = AuditEntry.objects.filter(action=Action.DENIED, actor=people.alice.user).get()
    assert "already being prepared" in refusal.detail["reason"]


def test_downloads_are_rate_limited(client, people):
    sign_in(client, people.alice, mfa=False)
    codes = [client.post(reverse("datarights_download"), {"format": "json"}).status_code for _ in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_a_member_who_has_left_can_still_see_their_data(client, history, people):
    import datetime as dt

    left(people.alice, dt.date(2026, 1, 1))
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("datarights_my_data")).status_code == 200


@pytest.mark.parametrize("name", ["datarights_hq_requests", "datarights_hq_retention", "datarights_hq_erasures",
                                  "datarights_hq_notice", "datarights_hq_processing"])  # fmt: skip
def test_hq_pages_refuse_members_and_branch_officers(client, people, name):
    sign_in(client, people.carol)
    assert client.get(reverse(name)).status_code == 403
    client.logout()
    sign_in(client, people.alice)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["datarights_hq_requests", "datarights_hq_retention", "datarights_hq_erasures",
                                  "datarights_hq_notice", "datarights_hq_processing"])  # fmt: skip
def test_hq_pages_open_to_hq(client, people, name):
    sign_in(client, people.hq)
    assert client.get(reverse(name)).status_code == 200


def test_hq_records_a_postal_request_and_sees_its_deadline(client, people, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    sign_in(client, people.hq)
    # A letter received 31 January 2026, recorded ten days later: a request
    # older than a year is refused, so "today" is fixed for the recording.
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 2, 10))
    response = client.post(reverse("datarights_hq_requests"), {"membership_number": "A1", "received_on": "2026-01-31", "channel": "letter"}, follow=True)
    sar = SubjectAccessRequest.objects.get()
    assert str(sar.due_on) == "2026-03-02"  # 28 February 2026 is a Saturday: the next working day
    assert "Monday 2 March 2026" in response.content.decode()


def test_hq_cannot_prepare_the_export_before_identity_is_checked(client, people):
    import datetime as dt

    from unionhall.datarights.requests import sar_record

    sar = sar_record(membership_number="A1", channel="letter", received_on=dt.date.today(), actor=people.hq.user)
    sign_in(client, people.hq)
    response = client.post(reverse("datarights_hq_request_export", args=[sar.pk]), {"format": "json"}, follow=True)
    assert "Check the requester" in response.content.decode()
    assert not Export.objects.exists()
    client.post(reverse("datarights_hq_request", args=[sar.pk]), {"step": "identity", "note": "Signed letter matched the register address"})
    response = client.post(reverse("datarights_hq_request_export", args=[sar.pk]), {"format": "json"})
    assert json.loads(response.content)["redacted"] is True


def test_the_record_of_processing_comes_from_the_declarations(client, people):
    sign_in(client, people.hq)
    rows = json.loads(client.get(reverse("datarights_hq_processing"), {"format": "json"}).content)["activities"]
    assert {"members.Member", "bulletins.Comment", "ballots.RollEntry"} <= {r["model"] for r in rows}
    csv = client.get(reverse("datarights_hq_processing"), {"format": "csv"})
    assert b"lawful_basis" in b"".join(csv.streaming_content)


def test_the_erasure_page_shows_what_goes_and_what_is_kept(client, history, people):
    import datetime as dt

    left(people.alice, dt.date(2026, 1, 1))
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("datarights_erasure")).content.decode()
    assert "Deleted now" in page and "Kept" in page and "Ask to be erased" in page
    client.post(reverse("datarights_erasure"))
    assert ErasureRequest.objects.get().member == people.alice
    sign_in(client, people.hq)
    client.post(reverse("datarights_hq_erasures"), {"request": ErasureRequest.objects.get().pk})
    people.alice.refresh_from_db()
    assert people.alice.membership_number.startswith("anon-") and people.alice.first_name == "Former"


def test_an_active_member_cannot_ask_to_be_erased(client, people):
    sign_in(client, people.alice, mfa=False)
    response = client.post(reverse("datarights_erasure"), follow=True)
    assert "While you are a member" in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_hq_setting_a_period_under_the_legal_minimum_is_told_why_and_it_is_audited(client, people):
    from unionhall.datarights.models import RetentionPeriod
    from unionhall.datarights.retention import minimum_set

    minimum_set(key="ballot_roll", minimum_days=365, reason="Challenges to a result", actor=people.hq.user)
    sign_in(client, people.hq)
    response = client.post(reverse("datarights_hq_retention"), {"key": "ballot_roll", "days": "30", "reason": "x", "step": "period"}, follow=True)
    assert "legal minimum of 365 days" in response.content.decode()
    assert RetentionPeriod.objects.get(key="ballot_roll").days >= 365
    assert AuditEntry.objects.filter(action=Action.DENIED, subject_id="ballot_roll").exists()


def test_confirming_an_erasure_that_is_not_there_is_a_404_and_changes_nothing(client, people):
    sign_in(client, people.hq)
    assert client.post(reverse("datarights_hq_erasures"), {"request": "abc"}).status_code == 404
    assert client.post(reverse("datarights_hq_erasures"), {"request": "999"}).status_code == 404
    assert not ErasureRequest.objects.exists()
