"""The ballot pages and endpoints: who may see what, and what a bad request gets."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.unionhall.ballots.conftest import encrypt_for
from tests.unionhall.ballots.test_casting import cast
from tests.unionhall.ballots.test_counting import close
from tests.unionhall.conftest import sign_in
from unionhall.ballots.models import Ballot, Cast
from votecrypt import api
from votecrypt.rng import SeededRng


def post_ballot(client, ballot, content):
    return client.post(reverse("ballot_cast", args=[ballot.slug]), data=json.dumps(content), content_type="application/json")


def test_a_member_on_the_roll_sees_the_booth_with_their_alias_only(client, open_ballot, people):
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("ballot_booth", args=[open_ballot.slug])).content.decode()
    alias = open_ballot.roll.get(member=people.alice).alias
    assert alias in page and "Do you accept the pay offer?" in page
    assert open_ballot.roll.get(member=people.bob).alias not in page


def test_casting_through_the_endpoint_answers_with_the_tracker(client, open_ballot, people):
    sign_in(client, people.alice, mfa=False)
    content, _ = encrypt_for(open_ballot, people.alice, True)
    response = post_ballot(client, open_ballot, content)
    assert response.status_code == 200 and response.json()["tracker"] == Cast.objects.get().tracker
    again = post_ballot(client, open_ballot, content)
    assert again.status_code == 409 and "already on the board" in again.json()["error"]


def test_a_cast_through_the_endpoint_takes_nine_statements_and_a_re_vote_one_more(client, open_ballot, people, settings):
    """The busiest request the hall serves (docs/architecture.md, "Inside ballots"):
    the session and the user, the ballot, the roll entry with the replay check,
    then in one transaction the locks, the replay keys, the cast, the roll
    entry's day and the tracker email (one statement: the outbox reads the
    address's bounce flag and the ballot's tracker words as it writes the
    message), begin and commit counted, and the row of the task that sends the
    trackers of the next second. A re-vote adds the statement that marks the
    earlier ballot superseded; within that second it writes no task."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # as in production: the send task is a row
    bob, _ = encrypt_for(open_ballot, people.bob, True, "bob")  # the ballot's first vote writes its tracker words
    sign_in(client, people.bob, mfa=False)
    assert post_ballot(client, open_ballot, bob).status_code == 200
    from unionhall.outbox import sending

    sending.forget_sweep()
    sending.cache.clear()  # a second later: this vote asks for the next sweep
    sign_in(client, people.alice, mfa=False)
    client.get(reverse("ballot_booth", args=[open_ballot.slug]))
    first, _ = encrypt_for(open_ballot, people.alice, True, "one")
    second, _ = encrypt_for(open_ballot, people.alice, False, "two")
    with CaptureQueriesContext(connection) as voted:
        assert post_ballot(client, open_ballot, first).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert post_ballot(client, open_ballot, second).status_code == 200

    def statements(captured, what):
        return sum(what in q["sql"] for q in captured.captured_queries)

    # 12 = the session (in Redis in production, where REDIS_URL is set) + 9 + begin and commit.
    assert len(voted.captured_queries) <= 12, [q["sql"][:80] for q in voted.captured_queries]
    assert (statements(voted, "INSERT INTO \"django_tasks_database_dbtaskresult\""), statements(again, "INSERT INTO \"django_tasks_database_dbtaskresult\"")) == (1, 0)
    assert (statements(voted, "SET superseded"), statements(again, "SET superseded")) == (0, 1)
    assert len(again.captured_queries) == len(voted.captured_queries) + 1 - 1
    assert Cast.objects.filter(superseded=False).count() == 2 and Cast.objects.count() == 3  # Bob's, and Alice's second


@pytest.mark.parametrize("body,status", [("not json", 400), ("[]", 400), ('{"x": 1}', 400), ("{" + " " * 70000 + "}", 413)])
def test_bad_requests_get_a_clear_json_error_and_store_nothing(client, open_ballot, people, body, status):
    sign_in(client, people.alice, mfa=False)
    response = client.post(reverse("ballot_cast", args=[open_ballot.slug]), data=body, content_type="application/json")
    assert response.status_code == status and response.json()["ok"] is False and response.json()["error"]
    assert not Cast.objects.exists()


def test_casting_needs_the_csrf_token(open_ballot, people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    sign_in(client, people.alice, mfa=False)
    content, _ = encrypt_for(open_ballot, people.alice, True)
    assert post_ballot(client, open_ballot, content).status_code == 403
    assert not Cast.objects.exists()


def test_someone_not_on_the_roll_cannot_see_or_vote(client, open_ballot, people):
    sign_in(client, people.frank, mfa=False)
    assert client.get(reverse("ballot_detail", args=[open_ballot.slug])).status_code == 404
    content, _ = encrypt_for(open_ballot, people.alice, True)
    assert post_ballot(client, open_ballot, content).status_code == 403


def test_the_board_lists_trackers_without_names(client, open_ballot, people):
    c = cast(open_ballot, people.alice)
    sign_in(client, people.bob, mfa=False)
    page = client.get(reverse("ballot_board", args=[open_ballot.slug])).content.decode()
    assert c.tracker in page and "Archer" not in page and "a1@example.org" not in page


def test_the_audit_endpoint_confirms_an_honest_encryption_and_flags_a_lie(client, open_ballot, people):
    # The booth sends the check without cookies: no session, no CSRF token.
    content, secrets = encrypt_for(open_ballot, people.alice, True)
    url = reverse("ballot_audit", args=[open_ballot.slug])
    ok = client.post(url, data=json.dumps({"ballot": content, "secrets": secrets}), content_type="application/json")
    assert ok.json()["ok"] is True
    lie = dict(secrets, choices=[[0, 1]])
    bad = client.post(url, data=json.dumps({"ballot": content, "secrets": lie}), content_type="application/json")
    assert bad.status_code == 422 and "did NOT match" in bad.json()["error"]


def test_the_result_page_shows_turnout_and_totals(client, open_ballot, people, crowd):
    for i, member in enumerate(crowd[:4]):
        cast(open_ballot, member, yes=i < 3, seed=str(i))
    close(open_ballot)
    from tests.unionhall.ballots.test_counting import post

    post(open_ballot, 1, [""])
    post(open_ballot, 2, [""])
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("ballot_result", args=[open_ballot.slug])).content.decode()
    assert "<strong>18</strong> entitled to vote" in page and "<strong>4</strong> votes cast" in page and "22.2%" in page
    record = json.loads(b"".join([client.get(reverse("ballot_record", args=[open_ballot.slug])).content]))
    assert api.verify_record(record).ok


def test_a_trustee_uploads_shares_and_a_bad_file_is_explained(client, open_ballot, people):
    cast(open_ballot, people.alice)
    close(open_ballot)
    sign_in(client, people.hq)  # trustee 1
    data = json.loads(client.get(reverse("ballot_trustee", args=[open_ballot.slug]), {"download": "tallies"}).content)
    assert [t["area"] for t in data["tallies"]] == [""]  # areas are sealed: not offered
    share = api.decryption_share(data["manifest"], data["joint_key"], open_ballot.trustee_keys[0], data["tallies"][0], SeededRng("u"))
    url = reverse("ballot_trustee", args=[open_ballot.slug])
    bad = client.post(url, {"shares": SimpleUploadedFile("s.json", b"nonsense")}, follow=True).content.decode()
    assert "not a shares file" in bad
    good = client.post(url, {"shares": SimpleUploadedFile("s.json", json.dumps({"": share}).encode())}, follow=True).content.decode()
    assert "checked and recorded" in good
    sign_in(client, people.alice, mfa=False)
    assert client.get(url).status_code == 404  # not a trustee


def test_only_hq_can_open_or_close(client, ballot, people):
    sign_in(client, people.carol)
    assert client.post(reverse("ballot_manage", args=[ballot.slug]), {"action": "open"}).status_code == 403
    sign_in(client, people.hq)
    client.post(reverse("ballot_manage", args=[ballot.slug]), {"action": "open"})
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN


def new_ballot_form(**extra):
    data = {
        "title": "Pay claim 2027", "slug": "", "explanation": "", "opens_at": "2027-01-10T09:00", "closes_at": "2027-01-24T17:00",
        "employer": "", "branch": "", "workplace": "", "joined_by": "", "area_kind": "branch", "trustee_threshold": "2",
        "q0_text": "Do you support the claim?", "q0_kind": "yesno", "q0_options": "", "q0_max": "1",
        "q1_text": "Which matters most?", "q1_kind": "one", "q1_options": "Pay\nWorkload\nPensions", "q1_max": "1",
        "t0_email": "h1@example.org", "t0_label": "HQ", "t1_email": "c1@example.org", "t1_label": "Scrutineer",
    }  # fmt: skip
    for i in range(2, 4):
        data.update({f"q{i}_text": "", f"q{i}_kind": "yesno", f"q{i}_options": "", f"q{i}_max": "1"})
    return {**data, **extra}


def test_hq_creates_a_draft_ballot_with_questions_and_trustees(client, people):
    sign_in(client, people.hq)
    response = client.post(reverse("ballot_new"), new_ballot_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    ballot = Ballot.objects.get(slug="pay-claim-2027")
    assert ballot.status == Ballot.Status.DRAFT
    assert [(q.kind, q.options) for q in ballot.questions.all()] == [("yesno", []), ("one", ["Pay", "Workload", "Pensions"])]
    assert [t.user for t in ballot.trustees.all()] == [people.hq.user, people.carol.user]


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"closes_at": "2027-01-01T09:00"}, "Voting must close after it opens."),
        ({"q1_options": "Only one"}, "at least two options"),
        ({"t1_email": "nobody@example.org"}, "No account has this email"),
        ({"t1_email": "h1@example.org"}, "a different person"),
        ({"trustee_threshold": "3"}, "Between 1 and the number of trustees (2)"),
    ],
)
def test_a_bad_ballot_form_is_explained_and_nothing_saved(client, people, extra, message):
    sign_in(client, people.hq)
    response = client.post(reverse("ballot_new"), new_ballot_form(**extra))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Ballot.objects.exists()


def test_only_hq_creates_ballots(client, people):
    sign_in(client, people.carol)
    assert client.post(reverse("ballot_new"), new_ballot_form()).status_code == 403


def test_an_audited_ballot_can_never_be_cast(client, open_ballot, people):
    content, secrets = encrypt_for(open_ballot, people.alice, True)
    url = reverse("ballot_audit", args=[open_ballot.slug])
    assert client.post(url, data=json.dumps({"ballot": content, "secrets": secrets}), content_type="application/json").json()["ok"]
    sign_in(client, people.alice, mfa=False)
    response = post_ballot(client, open_ballot, content)
    assert response.status_code == 409 and not Cast.objects.exists()


def test_deeply_nested_json_is_a_clear_400_not_a_crash(client, open_ballot, people):
    sign_in(client, people.alice, mfa=False)
    body = "[" * 20000 + "]" * 20000
    response = client.post(reverse("ballot_cast", args=[open_ballot.slug]), data=body, content_type="application/json")
    assert response.status_code in (400, 413) and response.json()["ok"] is False
