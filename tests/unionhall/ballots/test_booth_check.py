"""The booth check (Benaloh's cast-or-audit) answers anyone, signed in or not:
its answers must not tell an outsider which ballots exist and are open, nor
whether an alias is on a roll (security review, issue 10)."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.ballots.conftest import encrypt_for
from unionhall.ballots import views as ballot_views
from unionhall.ballots.models import AuditedBallot, Ballot
from votecrypt import api


def seen(answers) -> dict:
    return {name: (status, content[:100]) for name, (status, content) in answers.items()}


def check(client, slug: str, body) -> tuple[int, bytes]:
    data = body if isinstance(body, str) else json.dumps(body)
    response = client.post(reverse("ballot_audit", args=[slug]), data=data, content_type="application/json")
    return response.status_code, response.content


@pytest.fixture
def draft(union):
    return Ballot.objects.create(slug="draft-ballot", title="Not open yet", employer=union.pps,
                                 opens_at=timezone.now(), closes_at=timezone.now() + dt.timedelta(days=1))  # fmt: skip


def stranger(ballot):
    content, secrets = api.encrypt_ballot(ballot.manifest, ballot.joint_key, "v0123456789abcdef", [[1, 0]])
    return {"ballot": content, "secrets": secrets}


def test_no_ballot_a_ballot_not_open_and_a_voter_not_on_the_roll_get_one_answer(client, open_ballot, draft, people):
    body = stranger(open_ballot)
    honest, secrets = encrypt_for(open_ballot, people.alice, True)
    answers = {
        "no such ballot": check(client, "no-such-ballot", body),
        "not open yet": check(client, draft.slug, body),
        "not on the roll": check(client, open_ballot.slug, body),
        "a voter's ballot sent to another address": check(client, "no-such-ballot", {"ballot": honest, "secrets": secrets}),
    }
    Ballot.objects.filter(pk=open_ballot.pk).update(status=Ballot.Status.CLOSED)
    answers["closed"] = check(client, open_ballot.slug, {"ballot": honest, "secrets": secrets})
    assert len(set(answers.values())) == 1, seen(answers)
    status, content = answers["no such ballot"]
    assert status == 404 and json.loads(content)["ok"] is False
    assert not AuditedBallot.objects.exists()


def test_a_malformed_check_gets_the_same_answer_whether_or_not_the_ballot_is_open(client, open_ballot, draft):
    for body in ("not json", {"ballot": {}}, {"secrets": {}}, [], {"ballot": {"alias": ["v1"]}, "secrets": {}}):
        answers = {slug: check(client, slug, body) for slug in ("no-such-ballot", draft.slug, open_ballot.slug)}
        assert len(set(answers.values())) == 1, (body, seen(answers))
        assert answers["no-such-ballot"][0] == 400


def test_the_limit_per_voter_counts_alike_on_and_off_the_roll(client, open_ballot, monkeypatch):
    """A limit reached only by voters on the roll would tell who is on it."""
    monkeypatch.setattr(ballot_views, "AUDITS_PER_HOUR_PER_VOTER", 1)
    body = stranger(open_ballot)
    on_open = [check(client, open_ballot.slug, body) for _ in range(2)]
    nowhere = [check(client, "no-such-ballot", body) for _ in range(2)]
    assert [status for status, _ in on_open] == [status for status, _ in nowhere] == [404, 429]
    assert on_open == nowhere
