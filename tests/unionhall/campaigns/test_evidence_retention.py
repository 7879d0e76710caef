"""Evidence is kept for the call's set months after it closes (12 unless
set), members are told the date when they send it and on "My data", and a
daily job then deletes the submissions and their files, keeping how many
were received and deleted and the record of each pack exported."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from unionhall.audit.models import AuditEntry
from unionhall.campaigns import evidence, services
from unionhall.campaigns.evidence import Upload, add_months
from unionhall.campaigns.models import Campaign, EvidenceFile, PackRecord, Submission
from unionhall.jobs.table import JOBS
from unionhall.members.remit import remit_for
from unionhall.refusals import Refused

from ..conftest import sign_in
from .conftest import make_campaign
from .test_evidence import PDF, photo_with_location, stored_files, submit


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_call(people, **extra):
    return make_campaign(people.hq.user, slug="estates", title="Estates evidence", kind=Campaign.Kind.EVIDENCE,
                         evidence_prompt="Tell us about your office.", model_letter="", subject="", **extra)  # fmt: skip


@pytest.mark.parametrize(
    "day, months, expected",
    [(dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)), (dt.date(2027, 12, 15), 12, dt.date(2028, 12, 15)),
     (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)), (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29))],
)  # fmt: skip
def test_months_are_added_to_the_calendar(day, months, expected):
    assert add_months(day, months) == expected


def test_evidence_is_deleted_with_its_files_after_its_time_and_the_counts_and_pack_record_stay(
    client, people, settings, django_capture_on_commit_callbacks
):
    closes = timezone.localdate() + dt.timedelta(days=10)
    call = make_call(people, closes_on=closes, evidence_keep_months=6)
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("campaigns_detail", args=[call.slug])).content.decode()
    assert f"until {add_months(closes, 6):%-d %B %Y} (6 months after the call closes)" in page
    submit(people.alice, call, Upload("ceiling.jpg", photo_with_location()), Upload("letter.pdf", PDF))
    submit(people.bob, call, keep_name_from_officers=True)
    assert len(stored_files(settings)) == 2
    sign_in(client, people.hq)
    assert client.get(reverse("campaigns_evidence_pack", args=[call.slug, "csv"])).status_code == 200
    pack = PackRecord.objects.get()
    assert (pack.submissions, pack.format, len(pack.sha256)) == (2, "csv", 64)

    due = timezone.make_aware(dt.datetime.combine(add_months(closes, 6), dt.time(6)))
    assert evidence.evidence_forget(now=due - dt.timedelta(days=1)) == 0  # the day before: all kept
    assert Submission.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert evidence.evidence_forget(now=due, batch=1) == 2
    assert not Submission.objects.exists() and not EvidenceFile.objects.exists() and stored_files(settings) == []
    call.refresh_from_db()
    assert (call.evidence_received, call.evidence_deleted) == (2, 2)
    assert PackRecord.objects.filter(pk=pack.pk).exists()
    assert AuditEntry.objects.filter(detail__evidence="deleted after its time").count() == 2  # a batch of one, twice
    assert evidence.evidence_forget(now=due + dt.timedelta(days=1)) == 0
    review = client.get(reverse("campaigns_evidence", args=[call.slug])).content.decode()
    assert "<strong>2</strong> received" in review and "<strong>2</strong> deleted when their time ran out" in review
    assert pack.sha256[:16] in review


def test_the_time_runs_from_the_day_an_officer_closes_the_call(people):
    call = make_call(people, evidence_keep_months=12)
    submit(people.alice, call)
    assert evidence.delete_on(call) is None and "12 months after the call closes, then" in evidence.kept_until_words(call)
    assert evidence.evidence_forget(now=timezone.now() + dt.timedelta(days=3000)) == 0  # open with no closing date: never
    call = services.campaign_set_status(remit=remit_for(people.hq.user), campaign=call, status=Campaign.Status.CLOSED)
    assert evidence.delete_on(call) == add_months(timezone.localdate(), 12)
    assert evidence.evidence_forget(now=timezone.now() + dt.timedelta(days=360)) == 0
    assert evidence.evidence_forget(now=timezone.now() + dt.timedelta(days=367)) == 1
    reopened = services.campaign_set_status(remit=remit_for(people.hq.user), campaign=call, status=Campaign.Status.OPEN)
    assert reopened.closed_at is None


def test_the_keeping_time_cannot_change_once_evidence_came_or_be_out_of_range(client, people):
    call = make_call(people)
    remit = remit_for(people.hq.user)
    draft = services.CampaignDraft(title=call.title, summary="s", brief="b", points="p", model_letter="", subject="",
                                   kind=Campaign.Kind.EVIDENCE, evidence_prompt="Tell us.", evidence_keep_months=24)  # fmt: skip
    assert services.campaign_update(remit=remit, campaign=call, draft=draft).evidence_keep_months == 24
    submit(people.alice, call)
    with pytest.raises(Refused, match="Members were told how long"):
        services.campaign_update(remit=remit, campaign=Campaign.objects.get(pk=call.pk), draft=draft.__class__(**{**draft.__dict__, "evidence_keep_months": 3}))
    with pytest.raises(Refused, match="1 to 72 months"):
        services.campaign_create(user=people.hq.user, remit=remit, draft=draft.__class__(**{**draft.__dict__, "evidence_keep_months": 0}))
    assert Campaign.objects.get(pk=call.pk).evidence_keep_months == 24 and Campaign.objects.count() == 1
    sign_in(client, people.hq)
    data = {"title": "Rooms", "summary": "s", "brief": "b", "points": "p", "kind": "evidence", "evidence_prompt": "Tell us.",
            "target": "mp", "evidence_keep_months": "100"}  # fmt: skip
    response = client.post(reverse("campaigns_create"), data)
    assert response.status_code == 200 and "less than or equal to 72" in response.content.decode() and Campaign.objects.count() == 1


def test_the_job_is_in_the_jobs_table_and_my_data_says_how_long(client, people):
    assert any(job.path == "unionhall.campaigns.evidence.evidence_forget" for job in JOBS)
    call = make_call(people)
    submit(people.alice, call)
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("datarights_my_data")).content.decode()
    assert "12 months after the call closes" in page
