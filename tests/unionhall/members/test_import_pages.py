"""HQ uploads a register file, sees the preview, and applies it or cancels."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.unionhall.conftest import sign_in
from tests.unionhall.members.test_importer import GOOD, csv_bytes
from unionhall.members.models import Member


def upload(client, data: bytes, full: bool = True):
    payload = {"file": SimpleUploadedFile("register.csv", data, content_type="text/csv")}
    if full:
        payload["full"] = "on"
    return client.post(reverse("import_upload"), payload)


def test_preview_then_apply(client, people):
    sign_in(client, people.hq)
    assert upload(client, GOOD, full=False).url == reverse("import_review")
    page = client.get(reverse("import_review"))
    assert page.context["report"].added == 3 and b"Apply this import" in page.content
    assert not Member.objects.filter(membership_number="N1").exists()
    response = client.post(reverse("import_review"), {"action": "apply"})
    assert response.status_code == 302
    assert Member.objects.filter(membership_number__in=["N1", "N2", "N3"]).count() == 3
    assert client.get(reverse("import_review")).status_code == 302  # the staged file is gone


def test_a_full_import_preview_warns_of_lapses(client, people):
    sign_in(client, people.hq)
    upload(client, GOOD, full=True)
    report = client.get(reverse("import_review")).context["report"]
    assert report.lapsed == 8  # everyone in the fixture union is missing from the file


def test_a_file_with_errors_lists_them_and_cannot_be_applied(client, people):
    sign_in(client, people.hq)
    upload(client, csv_bytes("N1,Nia,Nash,bad-email,,pps,north,,PO,"))
    page = client.get(reverse("import_review"))
    assert b"Apply this import" not in page.content and b"bad-email" in page.content
    client.post(reverse("import_review"), {"action": "apply"})
    assert not Member.objects.filter(membership_number="N1").exists()


def test_cancel_discards_the_upload(client, people):
    sign_in(client, people.hq)
    upload(client, GOOD)
    client.post(reverse("import_review"), {"action": "cancel"})
    assert client.get(reverse("import_review")).status_code == 302
    assert not Member.objects.filter(membership_number="N1").exists()


def test_a_hostile_file_name_and_cell_are_shown_escaped(client, people):
    sign_in(client, people.hq)
    client.post(reverse("import_upload"), {"file": SimpleUploadedFile("<script>x</script>.csv", csv_bytes("N1,<b>Nia</b>,Nash,<img src=x>,,pps,north,,PO,"))})
    page = client.get(reverse("import_review")).content.decode()
    assert "<script>" not in page and "script&gt;.csv" in page
    assert "<img src=x>" not in page and "&#x27;&lt;img src=x&gt;&#x27; is not a valid email address" in page
