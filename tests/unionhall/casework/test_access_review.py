"""A security review of casework (December 2026) found that who may run a
case was decided by ranking access levels, that a case could be sent to a
rep anywhere, that an officer could refer a case to themselves, that a rep's
access outlived their office, that the branch's overview told whether a
member gave health details, that nothing limited the mail a member could
make a rep receive, and that a rep's subject access export carried what
other members' cases were about. Each test here failed before its fix."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from tests.unionhall.conftest import give_office, make_member, sign_in
from unionhall.casework import services
from unionhall.casework.models import Case, Referral
from unionhall.datarights import requests as sar
from unionhall.members.models import Office, Role
from unionhall.outbox.models import Message
from unionhall.refusals import Refused

from .conftest import NOW, open_case, remit


def test_the_member_cannot_choose_or_change_their_rep_and_a_rep_only_offered_it_cannot_pass_it_on(client, people, cast):
    case = open_case(people)
    sign_in(client, people.alice, mfa=False)
    client.post(reverse("casework_assign", args=[case.ref]), {"rep": cast.nina.pk})
    case.refresh_from_db()
    assert (case.rep_id, case.status) == (None, Case.Status.REQUESTED)
    with pytest.raises(Refused, match="Only a branch officer"):
        services.case_assign(actor=people.alice, remit=remit(people.alice), case=case, rep=people.bob, now=NOW)

    case = services.case_assign(actor=people.carol, remit=remit(people.carol), case=case, rep=cast.ivy, now=NOW)
    with pytest.raises(Refused, match="Only a branch officer"):
        services.case_assign(actor=cast.ivy, remit=remit(cast.ivy), case=case, rep=people.bob, now=NOW)
    case.refresh_from_db()
    assert (case.rep_id, case.status) == (cast.ivy.pk, Case.Status.OFFERED)


def test_a_branch_officer_asks_only_a_rep_at_the_cases_branch_or_employer_and_hq_anyone(client, people, cast):
    case = open_case(people, text="My manager shouted at me")
    sign_in(client, people.carol)  # North's secretary
    client.post(reverse("casework_assign", args=[case.ref]), {"rep": people.dave.pk})  # South's secretary
    case.refresh_from_db()
    assert case.rep_id is None
    sign_in(client, people.dave)
    assert client.get(reverse("casework_case", args=[case.ref])).status_code == 403

    case = services.case_assign(actor=people.carol, remit=remit(people.carol), case=case, rep=people.bob, now=NOW)
    case = services.case_accept(actor=people.bob, case=case, now=NOW)
    with pytest.raises(Refused, match="not a rep at this case's branch"):
        services.case_handover(actor=people.bob, remit=remit(people.bob), case=case, to=people.dave, now=NOW)
    give_office(people.hq, Role.NATIONAL_REP)
    handed = services.case_handover(actor=people.hq, remit=remit(people.hq), case=case, to=people.dave, now=NOW)
    assert handed.rep_id == people.dave.pk  # HQ may name a rep from anywhere


def test_nobody_refers_a_case_to_themselves_and_a_referee_cannot_take_it_from_the_rep(people, union):
    case = services.case_request(member=people.frank, kind="disciplinary", what_happened="Frank's story", health_details="Diabetes", now=NOW)
    rita = make_member("R9", union.coast, union.pier, first_name="Rita", last_name="Rep")
    give_office(rita, Role.WORKPLACE_REP, workplace=union.pier)
    case = services.case_assign(actor=people.gina, remit=remit(people.gina), case=case, rep=rita, now=NOW)
    case = services.case_accept(actor=rita, case=case, now=NOW)
    with pytest.raises(Refused, match="cannot refer a case to yourself"):
        services.case_refer(actor=people.gina, remit=remit(people.gina), case=case, to=people.gina, note="me")
    assert not Referral.objects.exists()

    nina = make_member("N2", union.south, union.quay, first_name="Nina", last_name="Noor")
    give_office(nina, Role.NATIONAL_REP)
    services.case_refer(actor=rita, remit=remit(rita), case=case, to=nina, note="Please advise on the appeal.")
    with pytest.raises(Refused, match="Only the rep or a branch officer"):
        services.case_handover(actor=nina, remit=remit(nina), case=case, to=nina, now=NOW)
    case.refresh_from_db()
    assert case.rep_id == rita.pk


def test_a_rep_whose_office_ended_can_no_longer_open_the_case_and_the_branch_is_told(client, people, cast):
    case = open_case(people, rep=people.bob)
    services.entry_add(actor=people.bob, remit=remit(people.bob), case=case, kind="note", body="private rep note", now=NOW)
    sign_in(client, people.bob)
    assert "private rep note" in client.get(reverse("casework_case", args=[case.ref])).content.decode()
    Office.objects.filter(member=people.bob).update(ends_on=dt.date.today() - dt.timedelta(days=1))
    assert client.get(reverse("casework_case", args=[case.ref])).status_code == 403
    assert case.ref.hex not in client.get(reverse("casework_home")).content.decode().replace("-", "")

    sign_in(client, people.carol)
    page = client.get(reverse("casework_branch")).content.decode()
    assert "Bob Baker <span class=\"tag\">no longer holds a rep's office" in page
    services.case_handover(actor=people.carol, remit=remit(people.carol), case=case, to=cast.ivy, now=NOW)
    case.refresh_from_db()
    assert (case.rep_id, case.status) == (cast.ivy.pk, Case.Status.OFFERED)


def test_the_branch_overview_does_not_learn_whether_the_member_gave_health_details(client, people):
    with_health = open_case(people, rep=people.bob, health_details="Depression")
    without = open_case(people, rep=people.bob)
    sign_in(client, people.carol)
    pages = [client.get(reverse("casework_case", args=[c.ref])).content.decode() for c in (with_health, without)]
    assert "health details" not in pages[0] and "health details" not in pages[1]
    sign_in(client, people.bob)  # the rep does see that there are some, and how to read them
    assert "Show health details" in client.get(reverse("casework_case", args=[with_health.ref])).content.decode()


def test_a_member_cannot_flood_their_rep_with_messages_or_an_officer_a_rep_with_requests(client, people, cast):
    from unionhall.casework.views import ASSIGNS_PER_HOUR, MESSAGES_PER_HOUR

    case = open_case(people, rep=people.bob)
    sign_in(client, people.alice, mfa=False)
    before = Message.objects.count()
    statuses = [client.post(reverse("casework_message", args=[case.ref]), {"body": f"hello {i}"}).status_code for i in range(MESSAGES_PER_HOUR + 2)]
    assert statuses[:MESSAGES_PER_HOUR] == [302] * MESSAGES_PER_HOUR and statuses[MESSAGES_PER_HOUR:] == [429, 429]
    assert Message.objects.count() - before == MESSAGES_PER_HOUR

    waiting = open_case(people)
    sign_in(client, people.carol)
    for _ in range(ASSIGNS_PER_HOUR):
        client.post(reverse("casework_assign", args=[waiting.ref]), {"rep": cast.ivy.pk})
    assert client.post(reverse("casework_assign", args=[waiting.ref]), {"rep": people.bob.pk}).status_code == 429
    waiting.refresh_from_db()
    assert waiting.rep_id == cast.ivy.pk


def test_a_reps_subject_access_export_says_what_they_did_not_what_other_members_cases_were_about(client, people, cast):
    case = open_case(people, rep=people.bob, kind="disciplinary")
    services.case_dates_set(actor=people.bob, remit=remit(people.bob), case=case, incident_on=dt.date(2026, 2, 20), now=NOW)
    services.meeting_record(actor=people.bob, remit=remit(people.bob), case=case, kind="disciplinary", on=dt.date(2026, 3, 20), now=NOW)
    services.case_close(actor=people.bob, remit=remit(people.bob), case=case, outcome="not_upheld", closure="resolved", now=NOW)
    today = dt.date.today()
    request = sar.sar_record(membership_number=people.bob.membership_number, channel=sar.SubjectAccessRequest.Channel.values[0],
                             received_on=today, actor=people.hq.user)  # fmt: skip
    sar.sar_identity_checked(sar=request, note="passport seen", on=today, actor=people.hq.user)
    sign_in(client, people.hq)
    document = json.loads(client.post(reverse("datarights_hq_request_export", args=[request.pk]), {"format": "json"}).content)
    assert document["redacted"] is True
    rows = {(d["model"], d.get("view", "")): d["rows"] for s in document["sections"] for d in s["data"]}
    text = json.dumps([r for (model, _), r in rows.items() if model.startswith("casework.")])
    for fact in ("disciplinary", "not_upheld", "2026-02-20", "2026-03-20", "resolved"):
        assert fact not in text
    (ran,) = rows[("casework.Case:work", "")]
    assert ran["id"] != case.pk and "closed_at" in ran  # the number redacted; the dates of the work stay

    sign_in(client, people.alice, mfa=False)  # the member's own export still has the facts of her case
    mine = json.dumps(client.get(reverse("datarights_my_data")).context["data"].as_dict(), default=str)
    assert "not_upheld" in mine and "disciplinary" in mine


def test_a_late_decline_does_not_undo_an_offer_made_since_to_someone_else(people, cast):
    case = open_case(people)
    offered = services.case_assign(actor=people.carol, remit=remit(people.carol), case=case, rep=cast.ivy, now=NOW)
    stale = Case.objects.get(pk=case.pk)  # the page ivy opened, before carol changed her mind
    services.case_assign(actor=people.carol, remit=remit(people.carol), case=offered, rep=people.bob, now=NOW)
    with pytest.raises(Refused, match="no request for you to decline"):
        services.case_decline(actor=cast.ivy, case=stale, now=NOW)
    case.refresh_from_db()
    assert (case.rep_id, case.status) == (people.bob.pk, Case.Status.OFFERED)


def test_someone_with_no_part_in_a_case_is_refused_and_audited_before_any_second_factor_step(client, people):
    import uuid

    from unionhall.audit.models import AuditEntry

    case = open_case(people)
    sign_in(client, people.erin, mfa=False)  # a member elsewhere, with no authenticator
    denied = AuditEntry.objects.filter(action="denied").count()
    assert client.get(reverse("casework_case", args=[case.ref])).status_code == 403
    assert client.post(reverse("casework_message", args=[case.ref]), {"body": "hi"}).status_code == 403
    assert AuditEntry.objects.filter(action="denied").count() == denied + 2
    assert client.get(reverse("casework_case", args=[uuid.uuid4()])).status_code == 404
    sign_in(client, people.carol, mfa=False)  # an officer over it still gives the second factor first
    assert client.get(reverse("casework_case", args=[case.ref])).status_code == 302


def test_a_member_waiting_in_the_branch_queue_sees_who_looked_at_their_request(client, people):
    from unionhall.datarights.looks import looks_at

    open_case(people)
    sign_in(client, people.carol)
    html = client.get(reverse("casework_branch")).content.decode()
    assert "Alice Archer" in html and "Disciplinary" in html
    looks = looks_at(people.alice).officers
    assert [(look.who, look.what, look.why) for look in looks] == [("Carol Cooper", "read your case", "casework queue")]
