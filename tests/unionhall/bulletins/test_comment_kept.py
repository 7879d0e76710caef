"""A comment that cannot be posted is never thrown away (issue 16): posting
"as my pseudonym" before having one sends the member back with their words
in the box, and choosing a pseudonym from there returns them to the bulletin."""

from django.urls import reverse

from tests.unionhall.conftest import sign_in
from unionhall.bulletins.models import Comment

WORDS = "Our office has three vacancies and nobody to cover them."


def test_a_refused_comment_comes_back_in_the_box_as_typed(client, bulletin, people):
    sign_in(client, people.erin, mfa=False)
    url = reverse("bulletin_detail", args=[bulletin.series.slug, bulletin.number])
    client.get(url)  # the member's reader settings, with no pseudonym yet
    answer = client.post(reverse("comment_post", args=[bulletin.series.slug, bulletin.number]), {"body": WORDS, "post_as": "pseudonym"})
    assert not Comment.objects.exists()
    page = client.get(answer["Location"].split("#")[0]).content.decode()
    assert WORDS in page
    assert WORDS not in client.get(url).content.decode()  # kept once, for the page it was sent back to


def test_choosing_a_pseudonym_from_a_bulletin_returns_to_it(client, bulletin, people):
    sign_in(client, people.erin, mfa=False)
    back = reverse("bulletin_detail", args=[bulletin.series.slug, bulletin.number]) + "#comment-form"
    answer = client.post(reverse("bulletin_settings"), {"pseudonym": "Patient Heron", "next": back})
    assert answer.status_code == 302 and answer["Location"] == back


def test_the_way_back_goes_nowhere_off_the_site(client, bulletin, people):
    sign_in(client, people.erin, mfa=False)
    answer = client.post(reverse("bulletin_settings"), {"pseudonym": "Patient Heron", "next": "https://evil.example/"})
    assert answer["Location"] == reverse("bulletin_settings")
