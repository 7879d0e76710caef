"""Calls for evidence: files checked to be what they claim and photos
stripped of metadata; "keep my name from officers" stores no link to the
member; officers review, tag and export a pack with names only where
agreed. Every refusal stores nothing."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from unionhall.audit.models import AuditEntry
from unionhall.campaigns import evidence
from unionhall.campaigns.models import Campaign, EvidenceFile, Submission
from unionhall.refusals import Refused

from ..conftest import sign_in
from .conftest import make_campaign


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def call(people):
    return make_campaign(people.hq.user, slug="estates", title="Estates evidence", kind=Campaign.Kind.EVIDENCE,
                         evidence_prompt="Tell us about the state of your office.", model_letter="", subject="")  # fmt: skip


def photo_with_location() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "SnoopCam"  # Make
    exif[0x0110] = "SnoopCam X1"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[3] = "W"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def submit(member, campaign, *uploads, **extra):
    draft = evidence.EvidenceDraft(text=extra.pop("text", "The ceiling tiles fell in the interview room."), uploads=uploads, **extra)
    return evidence.evidence_submit(member=member, campaign=campaign, draft=draft)


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_photo_is_stored_without_its_camera_or_location(people, call, settings):
    original = photo_with_location()
    assert b"SnoopCam" in original and Image.open(io.BytesIO(original)).getexif()
    submission, code = submit(people.alice, call, evidence.Upload("office.jpg", original), evidence.Upload("report.pdf", PDF))
    photo, pdf = submission.files.all()
    stored = photo.file.read()
    assert photo.kind == "jpeg" and stored.startswith(b"\xff\xd8\xff")
    assert b"SnoopCam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif() and image.size == (40, 30)
    assert pdf.kind == "pdf" and pdf.file.read() == PDF
    assert code and submission.receipt_hash == evidence.receipt_hash(code) and code not in submission.receipt_hash


@pytest.mark.parametrize(
    "upload, message",
    [
        (evidence.Upload("notes.jpg", b"just some text pretending"), "not a JPEG or PNG photo or a PDF"),
        (evidence.Upload("fake.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200), "does not open as one"),
        (evidence.Upload("fake.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20), "does not open as one"),
        (evidence.Upload("cut.pdf", b"%PDF-1.4\n1 0 obj"), "not a complete PDF"),
        (evidence.Upload("big.pdf", b"%PDF-" + b"0" * evidence.MAX_FILE_BYTES + b"%%EOF"), "larger than"),
        (evidence.Upload("page.html", b"<script>alert(1)</script>"), "not a JPEG"),
    ],
)
def test_an_upload_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(people, call, settings, upload, message):
    good = evidence.Upload("fine.pdf", PDF)
    with pytest.raises(Refused, match=message):
        submit(people.alice, call, good, upload)
    assert not Submission.objects.exists() and not EvidenceFile.objects.exists()
    assert stored_files(settings) == []


def test_more_than_five_files_or_no_text_or_a_letter_campaign_is_refused(people, call, campaign):
    with pytest.raises(Refused, match="at most 5"):
        submit(people.alice, call, *[evidence.Upload(f"{i}.pdf", PDF) for i in range(6)])
    with pytest.raises(Refused, match="Tell us what happened"):
        submit(people.alice, call, text="  ")
    with pytest.raises(Refused, match="takes letters"):
        submit(people.alice, campaign)
    assert not Submission.objects.exists()


def test_a_closed_call_or_one_for_another_branch_takes_nothing(people, union):
    closed = make_campaign(people.hq.user, slug="closed", kind=Campaign.Kind.EVIDENCE, evidence_prompt="x", status=Campaign.Status.CLOSED)
    south = make_campaign(people.hq.user, slug="south", kind=Campaign.Kind.EVIDENCE, evidence_prompt="x", branches=[union.south])
    for call in (closed, south):
        with pytest.raises(Refused):
            submit(people.alice, call)
    assert not Submission.objects.exists()


def test_kept_from_officers_stores_no_link_to_the_member_and_the_receipt_finds_it(client, people, call):
    submission, code = submit(people.alice, call, keep_name_from_officers=True, consent_name=True, consent_quote=True)
    assert submission.member_id is None and submission.consent_name is False
    entry = AuditEntry.objects.filter(detail__evidence="submitted").get()
    assert entry.actor_id is None and str(people.alice.pk) not in str(entry.detail)
    sign_in(client, people.hq)
    page = client.get(reverse("campaigns_evidence", args=[call.slug])).content.decode()
    assert "kept their name from officers" in page and "Alice" not in page
    sign_in(client, people.alice, mfa=False)
    page = client.post(reverse("campaigns_receipt"), {"code": code.lower()}).content.decode()
    assert "The ceiling tiles fell" in page
    # Never in an address, which servers log beside the member's IP (review finding): a code there finds nothing.
    assert "The ceiling tiles fell" not in client.get(reverse("campaigns_receipt"), {"code": code}).content.decode()
    page = client.post(reverse("campaigns_receipt"), {"code": "AAAAAA-BBBBBB-CCCCCC"}).content.decode()
    assert "No evidence has that receipt code" in page and "The ceiling tiles fell" not in page


def test_the_pack_names_only_those_who_agreed_and_quotes_only_with_consent(client, people, call):
    submit(people.alice, call, text="Alice's account of damp walls.", consent_quote=True, consent_name=True)
    submit(people.bob, call, text="Bob's account of broken heating.", consent_quote=True, consent_name=False)
    submit(people.carol, call, text="Carol's private account.", consent_quote=False, consent_name=True)
    sign_in(client, people.hq)
    csv_text = client.get(reverse("campaigns_evidence_pack", args=[call.slug, "csv"])).content.decode()
    assert "Alice Archer" in csv_text and "damp walls" in csv_text
    assert "Bob" not in csv_text.replace("Bob's account", "") and "broken heating" in csv_text
    assert "Carol's private account" not in csv_text
    response = client.get(reverse("campaigns_evidence_pack", args=[call.slug, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(detail__evidence_pack="pdf").exists()


def test_the_pack_pdf_keeps_characters_beyond_latin1(people, call):
    entries = [evidence.PackEntry(1, "2026-12-01", "Zoë Ōkubo", True, "damp", "Mould — “everywhere” ✓", 0)]
    assert evidence.pack_pdf(call, entries).startswith(b"%PDF")


def test_an_officer_tags_evidence_and_an_outsider_cannot(client, people, union):
    call = make_campaign(people.hq.user, slug="north-estates", kind=Campaign.Kind.EVIDENCE, evidence_prompt="x", branches=[union.north])
    submission, _ = submit(people.alice, call)
    sign_in(client, people.carol)  # North's secretary runs it
    client.post(reverse("campaigns_evidence", args=[call.slug]), {"submission": submission.pk, "tags": "Damp, heating, damp"})
    submission.refresh_from_db()
    assert submission.tags == "damp,heating" and submission.reviewed_at
    sign_in(client, people.dave)  # South's secretary
    assert client.get(reverse("campaigns_evidence", args=[call.slug])).status_code == 404
    assert client.get(reverse("campaigns_evidence_pack", args=[call.slug, "csv"])).status_code == 404
    assert client.post(reverse("campaigns_evidence", args=[call.slug]), {"submission": submission.pk, "tags": "x"}).status_code == 404
    submission.refresh_from_db()
    assert submission.tags == "damp,heating"


def test_files_are_served_only_to_officers_who_may_see_them(client, people, union, settings):
    call = make_campaign(people.hq.user, slug="north-photos", kind=Campaign.Kind.EVIDENCE, evidence_prompt="x", branches=[union.north])
    submission, _ = submit(people.alice, call, evidence.Upload("office.jpg", photo_with_location()))
    stored = submission.files.get()
    url = reverse("campaigns_evidence_file", args=[stored.pk])
    assert stored.file.name.split("/")[-1] not in url  # the random name is never an address
    sign_in(client, people.dave)
    assert client.get(url).status_code == 404
    sign_in(client, people.bob)  # a workplace rep at the writer's own office: not running the call
    assert client.get(url).status_code == 404
    sign_in(client, people.alice, mfa=False)  # the writer: files are for the officers reviewing them
    assert client.get(url).status_code == 403
    sign_in(client, people.carol)
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_a_member_sends_evidence_through_the_page_and_sees_the_receipt(client, people, call):
    sign_in(client, people.alice, mfa=False)
    assert "state of your office" in client.get(reverse("campaigns_detail", args=[call.slug])).content.decode()
    upload = io.BytesIO(photo_with_location())
    upload.name = "office.jpg"
    response = client.post(reverse("campaigns_detail", args=[call.slug]), {"text": "<b>Leaks</b> daily", "keep_name_from_officers": "on", "files": [upload]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "receipt code" in page
    submission = Submission.objects.get()
    assert submission.member_id is None and submission.files.count() == 1


def test_an_evidence_campaign_needs_its_prompt(people):
    from unionhall.campaigns import services
    from unionhall.members.remit import remit_for

    draft = services.CampaignDraft(title="Estates", summary="s", brief="b", points="p", model_letter="", subject="", kind=Campaign.Kind.EVIDENCE)
    with pytest.raises(Refused, match="what evidence"):
        services.campaign_create(user=people.hq.user, remit=remit_for(people.hq.user), draft=draft)
    assert not Campaign.objects.exists()
    ok = services.campaign_create(user=people.hq.user, remit=remit_for(people.hq.user), draft=services.CampaignDraft(
        title="Estates", summary="s", brief="b", points="p", model_letter="", subject="", kind=Campaign.Kind.EVIDENCE, evidence_prompt="Photos"))  # fmt: skip
    assert ok.kind == Campaign.Kind.EVIDENCE


def test_the_review_page_reads_a_fixed_number_of_queries_and_audits_what_was_read(client, people, call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submit(people.alice, call, evidence.Upload("a.pdf", PDF))
    sign_in(client, people.hq)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("campaigns_evidence", args=[call.slug])).status_code == 200
        return len(ctx)

    few = count()
    for member in (people.bob, people.carol, people.dave):
        anonymous = member == people.dave  # a PDF may name its author: anonymous evidence sends photos
        submit(member, call, evidence.Upload("b.jpg", photo_with_location()) if anonymous else evidence.Upload("b.pdf", PDF), keep_name_from_officers=anonymous)
    assert count() == few
    read = AuditEntry.objects.filter(detail__page="evidence").order_by("-pk").first()
    assert sorted(read.detail["submissions"]) == sorted(Submission.objects.values_list("pk", flat=True))


def test_evidence_kept_from_officers_takes_photos_not_pdfs_which_can_name_their_author(people, call, settings):
    """A PDF is stored as sent, and one saved from a word processor carries
    "/Author (Alice Archer)": the officer's download named the member who
    asked to stay anonymous (review finding). Photos lose all but the picture."""
    from unionhall.refusals import Refused

    from_word = PDF.replace(b"trailer <<>>", b"2 0 obj << /Author (Alice Archer) >> endobj\ntrailer << /Info 2 0 R >>")
    with pytest.raises(Refused, match="A PDF can carry its author's name") as refused:
        submit(people.alice, call, evidence.Upload("office.jpg", photo_with_location()), evidence.Upload("damp.pdf", from_word), keep_name_from_officers=True)
    assert refused.value.status == 415 and not Submission.objects.exists() and stored_files(settings) == []
    named, _ = submit(people.alice, call, evidence.Upload("damp.pdf", from_word))  # with her name, as she chose
    assert named.member_id == people.alice.pk and named.files.get().kind == "pdf"


def test_erasure_deletes_named_evidence_and_its_files_but_cannot_find_anonymous(people, call, settings):
    named, _ = submit(people.alice, call, evidence.Upload("a.pdf", PDF))
    anonymous, _ = submit(people.alice, call, evidence.Upload("b.jpg", photo_with_location()), keep_name_from_officers=True)
    assert len(stored_files(settings)) == 2
    assert evidence.submissions_erase(member_id=people.alice.pk) == 1
    assert list(Submission.objects.values_list("pk", flat=True)) == [anonymous.pk]
    assert len(stored_files(settings)) == 1
    assert evidence.submissions_erase(member_id=people.alice.pk) == 0
