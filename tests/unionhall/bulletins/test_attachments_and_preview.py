"""PDF attachments go with a draft and are served only to those who can read
the bulletin; the live preview renders Markdown as members will see it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.unionhall.bulletins.conftest import draft
from tests.unionhall.conftest import sign_in
from unionhall.audit.models import AuditEntry
from unionhall.bulletins.models import Attachment, Audience
from unionhall.bulletins.publishing import do_attach, do_publish_bulletin, do_write_bulletin
from unionhall.refusals import Refused

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def written(blog, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return do_write_bulletin(user=people.hq.user, draft=draft(blog, title="Pay briefing", audience=Audience.ACTIVISTS))


def test_a_pdf_goes_with_a_draft_and_only_readers_can_download_it(client, written, people):
    sign_in(client, people.hq)
    url = reverse("bulletin_attachment_add", args=[written.pk])
    client.post(url, {"title": "Slides", "file": SimpleUploadedFile("slides.pdf", PDF, content_type="application/pdf")})
    attachment = Attachment.objects.get()
    assert attachment.filename == "slides.pdf" and not attachment.file.name.endswith("slides.pdf")  # stored under a random name
    assert AuditEntry.objects.filter(detail__event="attachment added").exists()
    do_publish_bulletin(bulletin=written, user=people.hq.user)
    download = reverse("bulletin_attachment", args=[attachment.pk])
    sign_in(client, people.bob, mfa=False)  # a rep: in the audience
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    sign_in(client, people.alice, mfa=False)  # not an activist: the bulletin is not for her
    assert client.get(download).status_code == 404


@pytest.mark.parametrize("name, content, error", [
    ("notes.txt", PDF, "Only PDF files"),
    ("fake.pdf", b"<html><script>alert(1)</script>", "Only PDF files"),
    ("empty.pdf", b"", "Choose a PDF file"),
])  # fmt: skip
def test_anything_but_a_pdf_is_refused_and_nothing_stored(written, people, name, content, error):
    with pytest.raises(Refused, match=error):
        do_attach(user=people.hq.user, bulletin=written, title="A file", upload=SimpleUploadedFile(name, content))
    assert not Attachment.objects.exists()


def test_attachments_are_added_to_drafts_by_hq_only(written, people):
    with pytest.raises(Refused, match="Only HQ"):
        do_attach(user=people.bob.user, bulletin=written, title="Mine", upload=SimpleUploadedFile("a.pdf", PDF))
    published = do_publish_bulletin(bulletin=written, user=people.hq.user)
    with pytest.raises(Refused, match="published"):
        do_attach(user=people.hq.user, bulletin=published, title="Late", upload=SimpleUploadedFile("a.pdf", PDF))
    assert not Attachment.objects.exists()


def test_the_live_preview_renders_markdown_sanitised_and_only_for_writers(client, people):
    url = reverse("bulletin_markdown_preview")
    sign_in(client, people.hq)
    html = client.post(url, {"summary": "<b>Short</b>", "body": "**Pay** talks\n\n<script>alert(1)</script>[x](javascript:alert(1))"}).content.decode()
    assert "<strong>Pay</strong>" in html and "&lt;b&gt;Short" in html
    assert "<script" not in html and 'href="javascript' not in html
    sign_in(client, people.alice, mfa=False)
    assert client.post(url, {"body": "x"}).status_code in (302, 403)
