"""A long discussion is paged by thread, in a number of queries that does
not grow with it, and a comment's lasting link finds its page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.conftest import sign_in
from unionhall.bulletins.models import Comment
from unionhall.bulletins.queries import THREADS_PER_PAGE


def add_threads(bulletin, author, count):
    now = timezone.now()
    roots = Comment.objects.bulk_create(
        Comment(bulletin=bulletin, author=author, author_label="Quiet Otter", as_pseudonym=True, body=f"Thread {i}", posted_at=now) for i in range(count)
    )
    Comment.objects.bulk_create(Comment(bulletin=bulletin, author=author, author_label="Quiet Otter", body=f"Reply to {r.body}", posted_at=now, parent=r) for r in roots)
    return list(Comment.objects.filter(parent__isnull=True).order_by("pk"))


def page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_discussion_is_paged_and_its_queries_do_not_grow(client, bulletin, people):
    url = reverse("bulletin_detail", args=[bulletin.series.slug, bulletin.number])
    sign_in(client, people.erin, mfa=False)
    add_threads(bulletin, people.alice, 5)
    client.get(url)  # the first visit also makes the member's reader settings
    small = page_queries(client, url)
    roots = add_threads(bulletin, people.alice, THREADS_PER_PAGE * 2)
    assert page_queries(client, url) == small
    first = client.get(url).content.decode()
    assert "Thread 0<" in first and "Reply to Thread 0" in first and "Page 1 of 3" in first
    last = roots[-1]
    assert f"comment-{last.pk}" not in first


def test_a_comments_lasting_link_opens_the_page_that_shows_it(client, bulletin, people):
    roots = add_threads(bulletin, people.alice, THREADS_PER_PAGE + 3)
    reply = Comment.objects.get(parent=roots[-1])
    sign_in(client, people.erin, mfa=False)
    response = client.get(reverse("comment_link", args=[reply.pk]))
    assert response["Location"].endswith(f"?page=2#comment-{reply.pk}")
    assert f'id="comment-{reply.pk}"' in client.get(response["Location"]).content.decode()
