"""Closed cases go after their retention period by one path only: the data
rights schedule's ``case_file`` rule (declared in casework/personal_data.py,
run by datarights' nightly job). Everything in the case goes with it, its
documents' sealed files on disk included; only anonymous counts stay."""

import datetime as dt

from django.conf import settings

from tests.unionhall.casework.conftest import NOW, open_case, pdf_upload, remit
from unionhall.casework import services
from unionhall.casework.documents import path_of
from unionhall.casework.models import Case, CaseDeadline, CaseStat, Document, Entry, Meeting, Referral
from unionhall.datarights.retention import period_set, retention_dry_run, retention_run
from unionhall.jobs.table import JOBS

SIX_YEARS_ON = NOW.date() + dt.timedelta(days=6 * 365 + 10)


def _closed(people, cast, *, kind="disciplinary", outcome="upheld", closed_at=None, uploads=()):
    case = open_case(people, rep=people.bob, kind=kind, uploads=list(uploads))
    services.meeting_record(actor=people.bob, remit=remit(people.bob), case=case, kind="grievance", on=dt.date(2026, 3, 20),
                            companion_unavailable=True, now=NOW)  # fmt: skip
    services.case_refer(actor=people.bob, remit=remit(people.bob), case=case, to=cast.nina, note="Needs a national view", now=NOW)
    services.case_close(actor=people.bob, remit=remit(people.bob), case=case, outcome=outcome, closure="resolved", now=NOW)
    if closed_at is not None:
        Case.objects.filter(pk=case.pk).update(closed_at=closed_at)
    return case


def test_a_closed_case_past_its_period_is_deleted_with_its_files_and_only_counts_stay(people, cast):
    old = _closed(people, cast, uploads=[pdf_upload()])
    recent = _closed(people, cast, kind="grievance", outcome="settled", uploads=[pdf_upload("recent.pdf")],
                     closed_at=NOW + dt.timedelta(days=400))  # fmt: skip
    still_open = open_case(people, rep=people.bob, kind="capability")
    Case.objects.filter(pk=still_open.pk).update(opened_at=NOW - dt.timedelta(days=10 * 365))  # old, but open: never due
    old_file, recent_file = path_of(old.documents.get()), path_of(recent.documents.get())
    assert old_file.exists() and recent_file.exists()
    for model in (Entry, Meeting, Referral, CaseDeadline, Document):
        assert model.objects.filter(case=old).exists(), model  # there was something of each kind to delete

    # No on-commit hooks run here (the test is one transaction): the files must go with the rows.
    run = retention_run(today=SIX_YEARS_ON)

    assert run.counts["case_file:casework.Case"] == 1
    assert set(Case.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    for model in (Entry, Meeting, Referral, CaseDeadline, Document):
        assert not model.objects.filter(case_id=old.pk).exists(), model
    assert not old_file.exists()
    assert recent_file.exists() and Document.objects.filter(case=recent).exists()
    stat = CaseStat.objects.get()
    assert (stat.year, stat.kind, stat.employer_id, stat.outcome, stat.count) == (2026, "disciplinary", people.alice.employer_id, "upheld", 1)


def test_running_the_schedule_again_deletes_nothing_more(people, cast, django_capture_on_commit_callbacks):
    _closed(people, cast)
    with django_capture_on_commit_callbacks(execute=True):
        retention_run(today=SIX_YEARS_ON)
        again = retention_run(today=SIX_YEARS_ON)
    assert again.counts.get("case_file:casework.Case", 0) == 0
    assert CaseStat.objects.get().count == 1


def test_the_period_hq_sets_on_the_schedule_is_the_one_applied(people, cast, django_capture_on_commit_callbacks):
    case = _closed(people, cast)
    three_years_on = NOW.date() + dt.timedelta(days=3 * 365)
    assert [d.count for d in retention_dry_run(today=three_years_on) if d.key == "case_file"] == [0]  # six years by default
    period_set(key="case_file", days=2 * 365, legal_reason="Two years after the case closed.", actor=people.hq.user)
    assert [d.count for d in retention_dry_run(today=three_years_on) if d.key == "case_file"] == [1]
    with django_capture_on_commit_callbacks(execute=True):
        retention_run(today=three_years_on)
    assert not Case.objects.filter(pk=case.pk).exists()


def test_casework_has_no_retention_job_or_setting_of_its_own(people):
    assert not hasattr(settings, "CASEWORK_RETENTION_YEARS")
    assert [j.name for j in JOBS if j.path.startswith("unionhall.casework.") and "retention" in j.path] == []
    assert "retention" in [j.name for j in JOBS]  # datarights' nightly job, which runs the case_file rule
