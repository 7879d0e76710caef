"""The register import: every error named by line and column, all rows or none,
re-imports matched by membership number, and nobody ever deleted."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from openpyxl import Workbook

from unionhall.audit.models import Action, AuditEntry
from unionhall.members.importer import member_import
from unionhall.members.models import Member, User, Workplace
from unionhall.refusals import Refused

HEADER = "membership_number,first_name,last_name,email,postcode,employer,branch,workplace,grade,joined_on\n"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(r + "\n" for r in rows)).encode()


GOOD = csv_bytes(
    "N1,Nia,Nash,nia@example.org,ne1 4ab,pps,north,Harbour office,PO,2019-04-01",
    "N2,Ola,Oakes,ola@example.org,SW1A 1AA,Public Probation Service,North,Castle office,pso,01/02/2020",
    "N3,Pat,Pike,,BT1 5GS,northway,coast,New depot,Senior probation officer,",
)


def test_a_dry_run_counts_and_changes_nothing(union):
    report = member_import(data=GOOD, dry_run=True)
    assert report.ok and not report.applied
    assert (report.rows, report.added, report.updated, report.lapsed) == (3, 3, 0, 0)
    assert report.new_workplaces == ["New depot"]
    assert Member.objects.count() == 0 and not Workplace.objects.filter(name="New depot").exists()


def test_applying_adds_members_with_accounts_and_normalised_fields(union):
    report = member_import(data=GOOD, dry_run=False)
    assert report.applied and report.added == 3
    nia = Member.objects.get(membership_number="N1")
    assert (nia.postcode, nia.grade, nia.joined_on, nia.workplace.name) == ("NE1 4AB", "PO", dt.date(2019, 4, 1), "Harbour office")
    assert nia.user.email == "nia@example.org" and not nia.user.has_usable_password()
    assert Member.objects.get(membership_number="N2").joined_on == dt.date(2020, 2, 1)
    pat = Member.objects.get(membership_number="N3")
    assert pat.user is None and pat.grade == "SPO" and pat.workplace.branch == union.coast


def test_an_applied_import_is_audited_with_its_counts(union):
    member_import(data=GOOD, dry_run=False, filename="register.csv")
    entry = AuditEntry.objects.get(action=Action.IMPORT)
    assert entry.detail == {"rows": 3, "added": 3, "updated": 0, "lapsed": 0, "full": True}
    assert entry.subject_id == "register.csv"


def test_a_reimport_updates_by_number_and_lapses_the_missing_without_deleting(union):
    member_import(data=GOOD, dry_run=False)
    second = csv_bytes(
        "N1,Nia,Nash-Lee,nia.new@example.org,NE1 4AB,pps,north,Harbour office,PO,2019-04-01",
        "N2,Ola,Oakes,ola@example.org,SW1A 1AA,pps,north,Castle office,PSO,2020-02-01",
    )
    preview = member_import(data=second, dry_run=True)
    assert (preview.added, preview.updated, preview.unchanged, preview.lapsed) == (0, 1, 1, 1)
    member_import(data=second, dry_run=False)
    nia = Member.objects.get(membership_number="N1")
    assert nia.last_name == "Nash-Lee" and nia.user.email == "nia.new@example.org"
    pat = Member.objects.get(membership_number="N3")
    assert pat.status == Member.Status.LAPSED and pat.lapsed_on == timezone.localdate()
    assert Member.objects.count() == 3
    # Coming back in a later file makes the member active again.
    member_import(data=GOOD, dry_run=False)
    pat.refresh_from_db()
    assert pat.status == Member.Status.ACTIVE and pat.lapsed_on is None


def test_a_partial_import_lapses_nobody(union):
    member_import(data=GOOD, dry_run=False)
    report = member_import(data=csv_bytes("N1,Nia,Nash,nia@example.org,NE1 4AB,pps,north,,PO,"), full=False, dry_run=False)
    assert report.lapsed == 0
    assert not Member.objects.filter(status=Member.Status.LAPSED).exists()


def test_one_bad_row_means_nothing_is_applied(union):
    data = csv_bytes(
        "N1,Nia,Nash,nia@example.org,NE1 4AB,pps,north,,PO,",
        "N2,Ola,Oakes,not-an-email,NE1 4AB,pps,north,,PO,",
    )
    report = member_import(data=data, dry_run=False)
    assert not report.applied and Member.objects.count() == 0 and User.objects.count() == 0
    assert [str(e) for e in report.errors] == ["line 3, column D (email): 'not-an-email' is not a valid email address"]
    assert not AuditEntry.objects.filter(action=Action.IMPORT).exists()


@pytest.mark.parametrize(
    "row,expected",
    [
        ("N1,Nia,Nash,,XX 123,pps,north,,PO,", "column E (postcode): 'XX 123' is not a UK postcode"),
        ("N1,Nia,Nash,,,nowhere ltd,north,,PO,", "column F (employer): no employer is called 'nowhere ltd'"),
        ("N1,Nia,Nash,,,pps,atlantis,,PO,", "column G (branch): no branch is called 'atlantis'"),
        ("N1,Nia,Nash,,,northway,north,,PO,", "the branch 'North' belongs to Public Probation Service, not Northway Justice Ltd"),
        ("N1,Nia,Nash,,,pps,north,,Wizard,", "column I (grade): 'Wizard' is not a grade"),
        ("N1,Nia,Nash,,,pps,north,,PO,31/02/2020", "column J (joined_on): '31/02/2020' is not a date"),
        ("N1,,Nash,,,pps,north,,PO,", "column B (first_name): is required and is empty"),
        ("N 1,Nia,Nash,,,pps,north,,PO,", "'N 1' is not a membership number"),
    ],
)
def test_each_bad_value_is_named_by_line_and_column(union, row, expected):
    report = member_import(data=csv_bytes(row), dry_run=False)
    assert report.error_count == 1
    assert str(report.errors[0]).startswith("line 2") and expected in str(report.errors[0])
    assert Member.objects.count() == 0


def test_duplicate_membership_numbers_name_both_lines(union):
    data = csv_bytes("N1,Nia,Nash,,,pps,north,,PO,", "N2,Ola,Oakes,,,pps,north,,PO,", "n1,Nia,Again,,,pps,north,,PO,")
    report = member_import(data=data)
    assert [str(e) for e in report.errors] == ["line 4, column membership_number: N1 is also on line 2"]


def test_two_members_cannot_share_a_sign_in_address(union, people):
    data = csv_bytes("N1,Nia,Nash,a1@example.org,,pps,north,,PO,")
    report = member_import(data=data, full=False)
    assert "already the sign-in address of another member" in str(report.errors[0])


def test_unknown_and_missing_columns_are_reported_on_line_one(union):
    report = member_import(data=b"membership_number,first_name,surname,employer\nN1,Nia,Nash,pps\n")
    messages = [str(e) for e in report.errors]
    assert "line 1, column C: unknown column 'surname'" in messages[0]
    assert "line 1: the required column 'last_name' is missing" in messages
    assert "line 1: the required column 'branch' is missing" in messages


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "The file is empty."),
        (b"   \n\n", "The file is empty."),
        (HEADER.encode(), "The file has a header but no members."),
        (HEADER.encode() + "N1,Zoë,Nash,,,pps,north,,PO,\n".encode("latin-1"), "line 2 has the byte 0xEB, which is not valid UTF-8"),
        (b"PK\x03\x04 not really a spreadsheet", "The spreadsheet cannot be read"),
        (HEADER.encode() + b'N1,"Nia,Nash,,,pps,north,,PO,\n', "line 2: the CSV is malformed"),
    ],
)
def test_an_unreadable_file_is_refused_whole(union, data, message):
    with pytest.raises(Refused) as excinfo:
        member_import(data=data, dry_run=False)
    assert message in str(excinfo.value)
    assert Member.objects.count() == 0


@override_settings(UNIONHALL_IMPORT_MAX_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused_before_reading(union):
    with pytest.raises(Refused, match="the limit is"):
        member_import(data=GOOD + b"x" * 2048, dry_run=False)


def test_a_fifty_megabyte_file_is_refused(union):
    with pytest.raises(Refused, match="50.0 MB; the limit is 40 MB"):
        member_import(data=b"a" * (50 * 1024 * 1024), dry_run=False)


def test_a_utf8_file_with_a_byte_order_mark_and_semicolons_is_read(union):
    data = "\ufeff" + HEADER.replace(",", ";") + "N1;Zoë;Nash;;;pps;north;;PO;\n"
    report = member_import(data=data.encode(), dry_run=False)
    assert report.applied and Member.objects.get().first_name == "Zoë"


def test_an_xlsx_export_is_imported(union):
    book = Workbook()
    sheet = book.active
    sheet.append(["Membership Number", "First Name", "Last Name", "Employer", "Branch", "Joined On", "Phone"])
    sheet.append(["N9", "Ria", "Reed", "pps", "south", dt.datetime(2018, 5, 6), 7700900123])
    buffer = io.BytesIO()
    book.save(buffer)
    report = member_import(data=buffer.getvalue(), filename="export.xlsx", dry_run=False)
    assert report.applied, report.errors
    ria = Member.objects.get(membership_number="N9")
    assert ria.joined_on == dt.date(2018, 5, 6) and ria.branch == union.south and ria.phone == "7700900123"


def test_the_command_dry_run_reports_and_applies_nothing(union, tmp_path, capsys):
    path = tmp_path / "register.csv"
    path.write_bytes(GOOD)
    call_command("import_members", str(path), "--dry-run")
    assert "3 rows: 3 members would be added, 0 updated, 0 unchanged, 0 marked lapsed" in capsys.readouterr().out
    assert Member.objects.count() == 0
    call_command("import_members", str(path))
    assert Member.objects.count() == 3


def test_the_command_fails_with_every_error_listed(union, tmp_path, capsys):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes("N1,Nia,Nash,bad,,pps,north,,PO,", "N2,Ola,Oakes,,ZZZ,pps,north,,PO,"))
    with pytest.raises(CommandError, match="2 error"):
        call_command("import_members", str(path))
    err = capsys.readouterr().err
    assert "register.csv: line 2, column D (email)" in err and "register.csv: line 3, column E (postcode)" in err
    assert Member.objects.count() == 0


def test_a_spreadsheet_declaring_a_vast_sheet_is_refused_before_reading(union):
    book = Workbook()
    sheet = book.active
    sheet.append(["membership_number", "first_name", "last_name", "employer", "branch"])
    sheet.cell(row=5, column=16000, value="x")  # a tiny file that declares 16,000 columns
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(Refused, match="16,000 columns"):
        member_import(data=buffer.getvalue(), filename="bomb.xlsx", dry_run=True)
