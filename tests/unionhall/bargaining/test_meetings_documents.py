"""A body's meetings and actions; PDFs kept with agreements and served only to those who may read them; reminders to negotiators."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.conftest import sign_in
from unionhall.bargaining import commitments, meetings, notifications
from unionhall.bargaining.models import BodyAction, Document
from unionhall.members.models import Office, Role
from unionhall.outbox.models import Message
from unionhall.refusals import Refused

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_meeting_records_its_agenda_and_actions_with_owners_and_due_dates(body, people):
    meeting = meetings.meeting_record(body=body, held_on=dt.date(2024, 5, 1), agenda="1. Pay\n2. JE", actor=people.hq.user)
    with pytest.raises(Refused, match="due date"):
        meetings.action_add(meeting=meeting, text="Send the JE timetable", owner="Employer side", due_on=None, actor=people.hq.user)
    assert not BodyAction.objects.exists()
    meetings.action_add(meeting=meeting, text="Send the JE timetable", owner="Employer side", due_on=dt.date(2024, 6, 1), actor=people.hq.user)
    assert meeting.actions.get().owner == "Employer side"


def test_only_a_pdf_is_kept_and_only_those_who_may_read_the_agreement_download_it(client, agreement, people):
    with pytest.raises(Refused, match="Only PDF"):
        meetings.document_attach(title="Text", upload=SimpleUploadedFile("a.pdf", b"<html>"), agreement=agreement, actor=people.hq.user)
    assert not Document.objects.exists()
    doc = meetings.document_attach(title="Signed agreement", upload=SimpleUploadedFile("signed.pdf", PDF), agreement=agreement, actor=people.hq.user)
    sign_in(client, people.alice, mfa=False)  # a PPS member
    response = client.get(reverse("bargaining_document", args=[doc.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    sign_in(client, people.frank, mfa=False)  # Northway
    assert client.get(reverse("bargaining_document", args=[doc.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("bargaining_document", args=[doc.pk])).status_code == 302


def test_a_member_cannot_keep_a_document(agreement, people):
    with pytest.raises(Refused) as e:
        meetings.document_attach(title="x", upload=SimpleUploadedFile("a.pdf", PDF), agreement=agreement, actor=people.alice.user)
    assert e.value.status == 403 and not Document.objects.exists()


def test_negotiators_are_reminded_once_before_a_commitment_falls_due_and_when_it_is_overdue(agreement, people):
    people.gina.offices.update(contact_email="link.northway@example.org")
    Office.objects.create(member=people.carol, role=Role.LINK_OFFICER, employer=agreement.body.employer, starts_on=dt.date(2025, 1, 1), contact_email="link.pps@example.org")
    today = timezone.localdate()
    c = commitments.commitment_create(agreement=agreement, title="Publish the pay manual", delivered_means="Published", due_on=today + dt.timedelta(days=10), actor=people.hq.user)
    assert notifications.commitments_daily(today) == {"unfollowed": 0, "reminded": 1, "overdue": 0}
    assert notifications.commitments_daily(today) == {"unfollowed": 0, "reminded": 0, "overdue": 0}
    assert list(Message.objects.filter(topic=notifications.REMINDER_TOPIC).values_list("address", flat=True)) == ["link.pps@example.org"]
    assert notifications.commitments_daily(c.due_on + dt.timedelta(days=1)) == {"unfollowed": 0, "reminded": 0, "overdue": 1}
    assert Message.objects.filter(topic=notifications.REMINDER_TOPIC, content__subject__startswith="Overdue").count() == 1


def test_negotiators_see_what_waits_on_them_and_members_nothing(commitment, settlement, people):
    from unionhall.bargaining import pay, todo

    pay.query_raise(member=people.alice, settlement=settlement, employee_number="E20417", question="June?")
    texts = [t.text for t in todo.to_do_for(people.hq.user)]
    assert texts[0].startswith("1 back-pay query to answer") and "1 commitment is overdue" in texts[1]
    assert todo.to_do_for(people.alice.user) == []
    assert todo.to_do_for(people.gina.user) == []  # Northway's link officer: nothing of PPS
