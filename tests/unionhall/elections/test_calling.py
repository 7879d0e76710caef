"""HQ calls an election from a page: the form's errors are the model's rules,
a refused form stores nothing, and only HQ may call one."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.unionhall.conftest import sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.elections.models import Election
from unionhall.members.models import Role


def call(**extra) -> dict:
    opens = timezone.localtime() + dt.timedelta(days=1)
    data = {
        "title": "General Secretary election 2027", "role": Role.GENERAL_SECRETARY, "branch": "", "seats": 1,
        "method": Election.Method.FPTP, "nominations_open": f"{opens:%Y-%m-%dT%H:%M}",
        "nominations_close": f"{opens + dt.timedelta(days=21):%Y-%m-%dT%H:%M}",
        "term_starts_on": f"{opens.date() + dt.timedelta(days=90):%Y-%m-%d}", "term_years": 5, "address_word_limit": 300,
    }  # fmt: skip
    return data | extra


def test_hq_calls_an_election_and_the_call_is_audited(client, people):
    sign_in(client, people.hq)
    response = client.post(reverse("election_new"), call())
    election = Election.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("election_detail", args=[election.pk])
    assert (election.role, election.seats, election.term_years, election.created_by) == (Role.GENERAL_SECRETARY, 1, 5, people.hq.user)
    entry = AuditEntry.objects.get(subject_type="elections.election", subject_id=str(election.pk))
    assert entry.detail["event"] == "election called"


def test_a_branch_office_without_its_branch_is_refused_with_the_reason(client, people):
    sign_in(client, people.hq)
    page = client.post(reverse("election_new"), call(role=Role.BRANCH_SECRETARY, title="Branch secretary")).content.decode()
    assert "is elected by a branch: say which" in page and "The election was not called" in page
    assert not Election.objects.exists()


def test_a_branch_office_is_called_for_its_branch(client, people, union):
    sign_in(client, people.hq)
    client.post(reverse("election_new"), call(role=Role.BRANCH_SECRETARY, title="North secretary", branch=union.north.pk, term_years=2))
    assert Election.objects.get().branch == union.north


def test_a_statutory_term_longer_than_five_years_is_refused(client, people):
    sign_in(client, people.hq)
    page = client.post(reverse("election_new"), call(term_years=6)).content.decode()
    assert "must be re-elected at least every 5 years" in page and not Election.objects.exists()


def test_nominations_must_close_after_they_open_and_two_general_secretaries_are_refused(client, people):
    sign_in(client, people.hq)
    data = call()
    data["nominations_close"] = data["nominations_open"]
    page = client.post(reverse("election_new"), data).content.decode()
    assert "Nominations must close after they open" in page
    assert not Election.objects.exists()
    page = client.post(reverse("election_new"), call(seats=2)).content.decode()
    assert "There is one General Secretary." in page and not Election.objects.exists()


def test_a_branch_secretary_may_not_call_an_election_and_the_refusal_is_audited(client, people):
    sign_in(client, people.carol)
    assert client.post(reverse("election_new"), call()).status_code == 403
    assert not Election.objects.exists()
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=people.carol.user).exists()


def test_the_list_offers_hq_the_call_and_members_not(client, people):
    sign_in(client, people.hq)
    assert reverse("election_new") in client.get(reverse("election_list")).content.decode()
    sign_in(client, people.alice, mfa=False)
    assert reverse("election_new") not in client.get(reverse("election_list")).content.decode()
