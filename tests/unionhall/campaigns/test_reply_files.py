"""A member uploads the reply they got (a PDF or a photo of it): checked to
be what it claims, photos re-encoded without their metadata, kept only
with their consent, shown to officers who run the campaign and cover the
member, and deleted when the member withdraws consent, deletes the letter
or asks to be erased. Every refusal stores nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from unionhall.audit.models import AuditEntry
from unionhall.campaigns import replies, services
from unionhall.campaigns.evidence import Upload
from unionhall.campaigns.models import ReplyFile
from unionhall.refusals import Refused

from ..conftest import sign_in
from .conftest import make_campaign
from .test_evidence import PDF, photo_with_location, stored_files
from .test_letters import write_and_confirm


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def answer(*uploads, keep=True, got=True, text=""):
    return replies.ReplyAnswer(got_reply=got, after_days=6 if got else None, answered="partly" if got else "", text=text,
                               keep_text=keep, uploads=tuple(uploads))  # fmt: skip


def test_a_photographed_reply_is_kept_without_its_camera_or_location(people, campaign, settings):
    letter = write_and_confirm(people.alice, campaign)
    replies.letter_reply_record(member=people.alice, letter_id=letter.pk, answer=answer(Upload("reply.jpg", photo_with_location()), Upload("r.pdf", PDF)))
    files = list(ReplyFile.objects.filter(letter=letter).order_by("pk"))
    assert [f.kind for f in files] == ["jpeg", "pdf"]
    stored = files[0].file.read()
    assert b"SnoopCam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif() and image.size == (40, 30)
    assert files[1].file.read() == PDF
    assert len(stored_files(settings)) == 2


@pytest.mark.parametrize(
    "uploads, extra, message",
    [
        ((Upload("reply.pdf", b"MZ\x90\x00 not a pdf"),), {}, "is not a JPEG or PNG photo or a PDF"),
        ((Upload("reply.jpg", b"\xff\xd8\xff" + b"garbage" * 20),), {}, "does not open as one"),
        ((Upload("reply.pdf", PDF),), {"keep": False}, "did not say we may keep it"),
        ((Upload("reply.pdf", PDF),), {"got": False}, "nothing to attach"),
        (tuple(Upload(f"p{i}.pdf", PDF) for i in range(4)), {}, "at most 3 files"),
    ],
)
def test_a_bad_upload_is_refused_and_nothing_is_stored(people, campaign, settings, uploads, extra, message):
    letter = write_and_confirm(people.alice, campaign)
    with pytest.raises(Refused, match=message):
        replies.letter_reply_record(member=people.alice, letter_id=letter.pk, answer=answer(*uploads, **extra))
    letter.refresh_from_db()
    assert letter.got_reply is None and not ReplyFile.objects.exists() and stored_files(settings) == []


def test_withdrawing_consent_deleting_the_letter_or_erasure_deletes_the_files(people, campaign, settings, django_capture_on_commit_callbacks):
    letter = write_and_confirm(people.alice, campaign)
    with django_capture_on_commit_callbacks(execute=True):
        replies.letter_reply_record(member=people.alice, letter_id=letter.pk, answer=answer(Upload("r.pdf", PDF)))
    assert len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):  # consent withdrawn: the file goes
        replies.letter_reply_record(member=people.alice, letter_id=letter.pk, answer=answer(keep=False))
    assert not ReplyFile.objects.exists() and stored_files(settings) == []

    with django_capture_on_commit_callbacks(execute=True):
        replies.letter_reply_record(member=people.alice, letter_id=letter.pk, answer=answer(Upload("r.pdf", PDF)))
        services.letter_delete_own(member=people.alice, letter_id=letter.pk)
    assert not ReplyFile.objects.exists() and stored_files(settings) == []

    other = make_campaign(people.hq.user, slug="second")
    second = write_and_confirm(people.bob, other, name="Bob Baker")
    with django_capture_on_commit_callbacks(execute=True):
        replies.letter_reply_record(member=people.bob, letter_id=second.pk, answer=answer(Upload("r.pdf", PDF)))
    assert len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.letters_erase(member_id=people.bob.pk) == 1
    assert not ReplyFile.objects.exists() and stored_files(settings) == []


def test_the_reply_page_takes_a_file_and_officers_see_it_on_the_replies_page(client, people, union, campaign):
    letter = write_and_confirm(people.alice, campaign)
    sign_in(client, people.alice, mfa=False)
    url = reverse("campaigns_letter_reply", args=[letter.pk])
    data = {"got_reply": "yes", "after_days": "5", "answered": "yes", "keep_text": "on",
            "files": [SimpleUploadedFile("reply.jpg", photo_with_location(), content_type="image/jpeg")]}  # fmt: skip
    assert client.post(url, data).status_code == 302
    (file,) = ReplyFile.objects.filter(letter=letter)
    assert "Photo (JPEG)" in client.get(url).content.decode()
    own = client.get(reverse("campaigns_own_reply_file", args=[file.pk]))
    assert own.status_code == 200 and b"SnoopCam" not in b"".join(own.streaming_content)

    sign_in(client, people.hq)
    assert "Read the replies members shared (1)" in client.get(reverse("campaigns_report", args=[campaign.slug])).content.decode()
    page = client.get(reverse("campaigns_replies", args=[campaign.slug])).content.decode()
    assert reverse("campaigns_reply_file", args=[file.pk]) in page
    got = client.get(reverse("campaigns_reply_file", args=[file.pk]))
    assert got.status_code == 200 and got["X-Content-Type-Options"] == "nosniff" and "attachment" in got["Content-Disposition"]
    assert AuditEntry.objects.filter(actor=people.hq.user, detail__reply_file=file.pk).exists()

    sign_in(client, people.dave)  # South's secretary: neither runs this campaign nor covers Alice
    assert client.get(reverse("campaigns_reply_file", args=[file.pk])).status_code == 404
    sign_in(client, people.bob, mfa=False)  # another member
    assert client.get(reverse("campaigns_own_reply_file", args=[file.pk])).status_code == 404


def test_a_disguised_file_on_the_page_is_refused_with_a_message(client, people, campaign):
    letter = write_and_confirm(people.alice, campaign)
    sign_in(client, people.alice, mfa=False)
    data = {"got_reply": "yes", "after_days": "5", "answered": "yes", "keep_text": "on",
            "files": [SimpleUploadedFile("reply.pdf", b"<script>alert(1)</script>", content_type="application/pdf")]}  # fmt: skip
    response = client.post(reverse("campaigns_letter_reply", args=[letter.pk]), data, follow=True)
    assert "is not a JPEG or PNG photo or a PDF" in response.content.decode()
    letter.refresh_from_db()
    assert letter.got_reply is None and not ReplyFile.objects.exists()
