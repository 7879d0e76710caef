"""Who has looked at a member's record (issue 17)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.unionhall.conftest import sign_in
from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.datarights.looks import looks_at


def test_an_officers_read_shows_when_which_office_and_who(people):
    audit_record(actor=people.carol.user, action=Action.VIEW, subject=people.alice, detail={"page": "member detail"})
    looks = looks_at(people.alice)
    [look] = looks.officers
    assert look.who == "Carol Cooper" and look.office == "Branch secretary, North" and look.why == "member detail"
    assert look.what == "read your record"


def test_reads_by_the_member_and_by_jobs_are_shown_apart(people):
    audit_record(actor=people.alice.user, action=Action.VIEW, subject=people.alice, detail={"page": "my data"})
    audit_record(actor=None, action=Action.CHANGE, subject=people.alice, detail={"event": "retention"})
    looks = looks_at(people.alice)
    assert [l.who for l in looks.yourself] == ["you"] and [l.who for l in looks.system] == ["the system"]
    assert looks.officers == []


def test_a_register_search_that_showed_the_member_counts_and_others_do_not(people):
    audit_record(actor=people.carol.user, action=Action.VIEW, subject=("members.register", "search"), detail={"filters": {}, "shown": ["A1", "B1"]})
    audit_record(actor=people.dave.user, action=Action.VIEW, subject=("members.register", "search"), detail={"filters": {}, "shown": ["E1"]})
    assert [l.what for l in looks_at(people.alice).officers] == ["found you in a register search"]
    assert [l.who for l in looks_at(people.erin).officers] == ["Dave Dyer"]


def test_looks_at_another_member_are_not_shown(people):
    audit_record(actor=people.carol.user, action=Action.VIEW, subject=people.bob, detail={"page": "member detail"})
    assert looks_at(people.alice).officers == []


def test_the_query_count_does_not_grow_with_the_number_of_looks(people):
    audit_record(actor=people.carol.user, action=Action.VIEW, subject=people.alice, detail={"page": "member detail"})
    with CaptureQueriesContext(connection) as few:
        looks_at(people.alice)
    for officer in (people.bob, people.dave, people.hq, people.gina) * 5:
        audit_record(actor=officer.user, action=Action.VIEW, subject=people.alice, detail={"page": "member detail"})
    with CaptureQueriesContext(connection) as many:
        assert len(looks_at(people.alice).officers) == 21
    assert len(many.captured_queries) == len(few.captured_queries) <= 5


def test_the_page_shows_the_officer_and_is_only_the_members_own(client, people):
    audit_record(actor=people.carol.user, action=Action.VIEW, subject=people.alice, detail={"page": "member detail"})
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("datarights_looks")).content.decode()
    assert "Carol Cooper" in page and "Branch secretary, North" in page
    client.logout()
    sign_in(client, people.erin, mfa=False)
    assert "Carol Cooper" not in client.get(reverse("datarights_looks")).content.decode()


def test_an_officers_name_is_withheld_where_the_union_recorded_a_reason_but_the_office_is_shown(people, settings):
    settings.UNIONHALL_DATARIGHTS_WITHHELD_ROLES = {"branch_secretary": "a risk to the officer's safety recorded by HQ"}
    audit_record(actor=people.carol.user, action=Action.VIEW, subject=people.alice, detail={"page": "member detail"})
    [look] = looks_at(people.alice).officers
    assert "Carol" not in look.who and "safety" in look.who and look.office == "Branch secretary, North"


def test_an_officers_read_of_the_members_case_is_a_look_and_another_members_case_is_not(people, union):
    """Issue 17: "each time an officer read or changed their record or case"."""
    from django.apps import apps
    from django.utils import timezone

    Case = apps.get_model("casework", "Case")
    now = timezone.now()
    kind = Case._meta.get_field("kind").choices[0][0]
    mine = Case.objects.create(member=people.alice, employer=union.pps, branch=union.north, kind=kind, opened_at=now, last_activity_at=now)
    theirs = Case.objects.create(member=people.bob, employer=union.pps, branch=union.north, kind=kind, opened_at=now, last_activity_at=now)
    audit_record(actor=people.carol.user, action=Action.VIEW, subject=mine, detail={"page": "case", "level": "summary"})
    audit_record(actor=people.dave.user, action=Action.VIEW, subject=theirs, detail={"page": "case", "level": "summary"})
    [look] = looks_at(people.alice).officers
    assert look.what == "read your case" and look.who == "Carol Cooper" and look.office == "Branch secretary, North"
    assert [l.who for l in looks_at(people.bob).officers] == ["Dave Dyer"]
