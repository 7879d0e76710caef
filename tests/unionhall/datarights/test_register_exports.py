"""Register exports record which members they held (issue 17): the member's
"Who has looked" says their record was in an export, by which office and
when; the audit entry carries the list's SHA-256."""

import csv
import datetime as dt
import hashlib
import io

from django.urls import reverse

from tests.unionhall.conftest import sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.datarights import retention
from unionhall.datarights.looks import EXPORTED, looks_at
from unionhall.datarights.models import RegisterExport, RegisterExportMember
from unionhall.datarights.register_exports import members_digest


def _export(client, officer, **filters):
    sign_in(client, officer)
    response = client.post(reverse("register_export"), {**filters, "confirm": "yes"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    client.logout()
    return sorted(row[0] for row in rows[1:])


def test_an_export_keeps_exactly_the_members_in_the_file_and_the_audit_entry_vouches_for_the_list(client, people):
    numbers = _export(client, people.carol, status="active")
    assert numbers == ["A1", "B1", "C1"]
    export = RegisterExport.objects.get()
    listed = set(RegisterExportMember.objects.filter(export=export).values_list("member__membership_number", flat=True))
    assert listed == set(numbers) and export.count == 3 and export.exported_by == people.carol.user
    ids = sorted(RegisterExportMember.objects.filter(export=export).values_list("member_id", flat=True))
    expected = hashlib.sha256("".join(f"{i}\n" for i in ids).encode()).hexdigest()
    entry = AuditEntry.objects.filter(action=Action.EXPORT, subject_id="export").get()
    assert entry.detail["members_sha256"] == expected == export.digest
    assert entry.detail["list"] == export.pk and entry.detail["count"] == 3


def test_a_tampered_list_no_longer_matches_the_digest_in_the_log(client, people):
    _export(client, people.carol, status="active")
    export = RegisterExport.objects.get()
    RegisterExportMember.objects.filter(export=export, member=people.bob).delete()
    assert members_digest(export.pk)[1] != AuditEntry.objects.filter(action=Action.EXPORT).get().detail["members_sha256"]


def test_the_member_sees_their_record_was_in_an_export_by_which_office_and_when(client, people):
    _export(client, people.carol, status="active")
    [look] = looks_at(people.alice).officers
    assert look.what == EXPORTED and look.who == "Carol Cooper" and look.office == "Branch secretary, North"
    assert look.at == RegisterExport.objects.get().exported_at
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("datarights_looks")).content.decode()
    assert EXPORTED in page and "Branch secretary, North" in page


def test_a_member_left_out_of_the_export_is_not_told_they_were_in_it(client, people):
    _export(client, people.carol, q="A1")
    assert [l.what for l in looks_at(people.alice).officers] == [EXPORTED]
    assert looks_at(people.bob).officers == []  # in Carol's remit, not in this file
    assert looks_at(people.erin).officers == []  # outside it


def test_the_export_with_the_member_in_it_is_in_their_download(client, people):
    from unionhall.datarights import export

    _export(client, people.carol, status="active")
    rows = [r for held in export.member_data(people.alice).sections.values() for h in held if h.declaration.name == "audit.AuditEntry:about" for r in h.rows]
    assert any(r["what"] == EXPORTED and r["office"] == "Branch secretary, North" for r in rows)


def test_lists_older_than_the_audit_period_go_and_the_audit_entry_stays(client, people):
    _export(client, people.carol, status="active")
    RegisterExport.objects.update(exported_at=RegisterExport.objects.get().exported_at - dt.timedelta(days=7 * 365))
    _export(client, people.carol, q="A1")
    retention.retention_run()
    assert RegisterExport.objects.count() == 1 and RegisterExportMember.objects.count() == 1
    assert AuditEntry.objects.filter(action=Action.EXPORT, subject_id="export").count() == 2



def test_a_query_that_repeats_a_member_lists_them_once(people, union):
    from tests.unionhall.conftest import give_office
    from unionhall import personal_data
    from unionhall.members.models import Member, Role

    give_office(people.carol, Role.WORKPLACE_REP, workplace=union.harbour)  # Carol now holds two offices
    repeating = Member.objects.filter(branch=union.north, offices__ends_on__isnull=True)  # a join: Carol twice
    assert list(repeating.values_list("membership_number", flat=True)).count("C1") == 2
    members, listed = personal_data.register_export_list(actor=people.hq.user, members=repeating)
    numbers = list(repeating.values_list("membership_number", flat=True))
    assert listed["count"] == len(set(numbers)) == len(numbers) - 1  # each once
    assert sorted(RegisterExportMember.objects.values_list("member__membership_number", flat=True)) == sorted(set(numbers))
