"""Rate limits on casting and on booth checks: past the limit the request is
refused with a clear 429 and nothing is stored."""

import json

from django.urls import reverse

from tests.unionhall.ballots.conftest import encrypt_for
from tests.unionhall.conftest import sign_in
from unionhall.ballots import views as ballot_views
from unionhall.ballots.models import AuditedBallot, Cast


def test_casting_is_limited_per_voter(client, open_ballot, people, monkeypatch):
    monkeypatch.setattr(ballot_views, "CASTS_PER_MINUTE", 2)
    sign_in(client, people.alice, mfa=False)
    url = reverse("ballot_cast", args=[open_ballot.slug])
    for seed in ("one", "two"):
        content, _ = encrypt_for(open_ballot, people.alice, True, seed)
        assert client.post(url, data=json.dumps(content), content_type="application/json").status_code == 200
    content, _ = encrypt_for(open_ballot, people.alice, True, "three")
    refused = client.post(url, data=json.dumps(content), content_type="application/json")
    assert refused.status_code == 429 and "Wait a minute" in refused.json()["error"]
    assert Cast.objects.count() == 2


def test_booth_checks_are_limited_per_address(client, open_ballot, people, monkeypatch):
    monkeypatch.setattr(ballot_views, "AUDITS_PER_HOUR_PER_ADDRESS", 1)
    url = reverse("ballot_audit", args=[open_ballot.slug])
    for seed, status in (("one", 200), ("two", 429)):
        content, secrets = encrypt_for(open_ballot, people.alice, True, seed)
        answer = client.post(url, data=json.dumps({"ballot": content, "secrets": secrets}), content_type="application/json")
        assert answer.status_code == status
    assert AuditedBallot.objects.count() == 1


def test_a_cast_takes_a_bounded_number_of_queries(client, open_ballot, people, django_assert_max_num_queries, settings):
    """Casting is the hot path of a ballot: the session, the user, the ballot,
    the roll entry, the replay check, then one transaction, which also queues
    the tracker email in the outbox (one statement, and the send task's row).
    The ballot's first tracker also writes the words every tracker shares;
    a re-vote adds the one update that supersedes the earlier ballot. Sending
    is the worker's, so the task queue here only records the send task, as
    the database backend does."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    sign_in(client, people.alice, mfa=False)
    url = reverse("ballot_cast", args=[open_ballot.slug])
    for seed, most in (("first", 18), ("again", 13)):
        content, _ = encrypt_for(open_ballot, people.alice, True, seed)
        with django_assert_max_num_queries(most):
            assert client.post(url, data=json.dumps(content), content_type="application/json").status_code == 200
    assert Cast.objects.filter(superseded=False).count() == 1


def test_booth_checks_are_limited_per_voter_whatever_the_address(client, open_ballot, people, monkeypatch):
    monkeypatch.setattr(ballot_views, "AUDITS_PER_HOUR_PER_VOTER", 1)
    url = reverse("ballot_audit", args=[open_ballot.slug])
    for seed, address, status in (("one", "10.0.0.1", 200), ("two", "10.0.0.2", 429)):
        content, secrets = encrypt_for(open_ballot, people.alice, True, seed)
        answer = client.post(url, data=json.dumps({"ballot": content, "secrets": secrets}), content_type="application/json", REMOTE_ADDR=address)
        assert answer.status_code == status
    assert AuditedBallot.objects.count() == 1
