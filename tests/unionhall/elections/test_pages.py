"""The election pages: members read, the right people act, outsiders are
refused (and the refusal audited), and candidates' text is escaped."""

import pytest
from django.urls import reverse

from tests.unionhall.conftest import sign_in
from tests.unionhall.elections.conftest import AFTER, stand
from unionhall.audit.models import Action, AuditEntry
from unionhall.elections import services
from unionhall.elections.models import Election, Nomination
from unionhall.members.models import User


def test_the_list_lives_at_elections_and_any_member_reads_it(client, nec, people):
    sign_in(client, people.frank, mfa=False)
    assert reverse("election_list") == "/elections/"
    assert nec.title in client.get(reverse("election_list")).content.decode()


def test_an_account_without_membership_is_refused_and_the_refusal_is_audited(client, nec):
    outsider = User.objects.create_user("visitor@example.org")
    client.force_login(outsider, backend="unionhall.members.backends.ModelBackend")
    assert client.get(reverse("election_detail", args=[nec.pk])).status_code == 403
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=outsider).exists()


def test_addresses_are_shown_escaped_and_unmodified_with_the_reason_for_the_order(client, nec, people):
    stand(nec, people.alice, people.bob, people.carol, address="<script>alert(1)</script>\nLine two")
    sign_in(client, people.erin, mfa=False)
    page = client.get(reverse("election_detail", args=[nec.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Line two" in page and "<script>alert" not in page
    assert "random order" in page and "alphabet" in page


def test_a_member_proposes_a_candidate_through_the_form(client, nec, people):
    sign_in(client, people.bob, mfa=False)
    response = client.post(reverse("election_nominate", args=[nec.pk]), {"candidate": "a1", "seconder": "C1"})
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.candidate, nomination.proposer, nomination.seconder) == (people.alice, people.bob, people.carol)


def test_an_outsider_to_the_branch_is_refused_the_nomination_and_nothing_is_stored(client, north_secretary, people):
    sign_in(client, people.dave, mfa=False)
    response = client.post(reverse("election_nominate", args=[north_secretary.pk]), {"candidate": "A1", "seconder": "B1"})
    assert response.status_code == 403 and not Nomination.objects.exists()
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=people.dave.user).exists()


def answer_to_proposing(client, election, candidate: str, seconder: str) -> str:
    """The page the proposer sees after proposing, with the parts that vary by request taken out."""
    import re

    page = client.post(reverse("election_nominate", args=[election.pk]), {"candidate": candidate, "seconder": seconder}, follow=True).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_proposing_tells_nothing_about_who_holds_a_membership_number(client, north_secretary, people):
    """Security review: the nomination form told a member whether a number was an
    active member's (and in which branch), and their name. Every answer is now the same."""
    sign_in(client, people.bob, mfa=False)
    answers = {
        "unknown number": answer_to_proposing(client, north_secretary, "ZZ9", "C1"),
        "member of another branch": answer_to_proposing(client, north_secretary, "E1", "C1"),
        "eligible candidate": answer_to_proposing(client, north_secretary, "A1", "C1"),
        "already nominated": answer_to_proposing(client, north_secretary, "A1", "C1"),
    }
    assert len(set(answers.values())) == 1, [k for k in answers if answers[k] != answers["unknown number"]]
    page = answers["eligible candidate"]
    assert "asked by email to accept" in page and people.alice.last_name not in page and people.erin.last_name not in page
    assert Nomination.objects.count() == 1  # only the real one, waiting for Alice


def test_the_proposer_and_seconder_learn_the_candidates_name_only_once_they_accept(client, nec, people):
    from django.core import mail

    mail.outbox.clear()
    sign_in(client, people.bob, mfa=False)
    client.post(reverse("election_nominate", args=[nec.pk]), {"candidate": "A1", "seconder": "C1"})
    nomination = Nomination.objects.get()
    assert [m.to for m in mail.outbox] == [["a1@example.org"]]  # the candidate alone
    assert people.alice.last_name not in client.get(reverse("election_detail", args=[nec.pk])).content.decode()
    client.logout()
    sign_in(client, people.carol, mfa=False)
    assert client.get(reverse("election_respond", args=[nec.pk, nomination.pk])).status_code == 404
    assert "Second Alice" not in client.get(reverse("election_detail", args=[nec.pk])).content.decode()
    services.do_accept(nomination=nomination, member=people.alice, address="Fair pay.")
    assert "Second Alice Archer" in client.get(reverse("election_detail", args=[nec.pk])).content.decode()


def test_the_same_number_for_candidate_and_seconder_is_refused_whoever_holds_it(client, nec, people):
    sign_in(client, people.bob, mfa=False)
    for number in ("A1", "ZZ9"):
        page = client.post(reverse("election_nominate", args=[nec.pk]), {"candidate": number, "seconder": number}).content.decode()
        assert "two different members" in page
    assert not Nomination.objects.exists()


def test_the_seconder_seconds_and_the_candidate_accepts_through_the_page(client, nec, people):
    nomination = services.do_nominate(election=nec, proposer=people.bob, seconder=people.carol, candidate=people.alice)
    sign_in(client, people.alice, mfa=False)
    page = client.post(reverse("election_respond", args=[nec.pk, nomination.pk]), {"action": "accept", "address": " ".join(["w"] * 21)}).content.decode()
    assert "has 21 words" in page
    client.post(reverse("election_respond", args=[nec.pk, nomination.pk]), {"action": "accept", "address": "Fair pay."})
    client.logout()
    sign_in(client, people.carol, mfa=False)
    client.post(reverse("election_respond", args=[nec.pk, nomination.pk]), {"action": "second"})
    nomination.refresh_from_db()
    assert nomination.is_valid and nomination.address == "Fair pay."


def test_someone_else_is_refused_the_accept_page_and_the_refusal_is_audited(client, nec, people):
    nomination = services.do_nominate(election=nec, proposer=people.bob, seconder=people.carol, candidate=people.alice)
    sign_in(client, people.erin, mfa=False)
    assert client.post(reverse("election_respond", args=[nec.pk, nomination.pk]), {"action": "accept", "address": "Mine now"}).status_code == 403
    nomination.refresh_from_db()
    assert nomination.accepted_at is None
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=people.erin.user, subject_type="elections.nomination").exists()


def test_a_branch_secretary_is_refused_the_hq_close_action(client, gs, people):
    sign_in(client, people.carol)
    assert client.post(reverse("election_close", args=[gs.pk])).status_code == 403
    gs.refresh_from_db()
    assert gs.status == Election.Status.NOMINATIONS


def test_hq_closing_too_early_is_told_so(client, gs, people):
    sign_in(client, people.hq)
    page = client.post(reverse("election_close", args=[gs.pk]), follow=True).content.decode()
    assert "stay open" in page


@pytest.fixture
def counted(nec, people, union):
    from tests.unionhall.conftest import make_member

    for i, candidate in enumerate((people.alice, people.erin, people.frank, make_member("K1", union.north, first_name="<b>Kim</b>"))):
        stand(nec, candidate, people.carol, people.dave)
    services.election_close_nominations(election=nec, actor=people.hq.user, now=AFTER)
    return services.count_ranked(election=nec, ballots=[[0, 1]] * 5 + [[1, 2]] * 4 + [[2, 3]] * 3 + [[3]] * 2, actor=people.hq.user)


def test_the_results_page_shows_the_elected_the_stage_table_escaped_and_links_the_blt(client, counted, people):
    sign_in(client, people.gina, mfa=False)
    page = client.get(reverse("election_results", args=[counted.pk])).content.decode()
    assert "Stage 1" in page and "elected" in page and reverse("election_blt", args=[counted.pk]) in page
    assert "&lt;b&gt;Kim&lt;/b&gt;" in page and "<b>Kim</b>" not in page
    blt = client.get(reverse("election_blt", args=[counted.pk]))
    assert blt["Content-Type"].startswith("text/plain") and "attachment" in blt["Content-Disposition"]
    assert blt.content.decode() == counted.blt


def test_the_contested_page_says_a_secret_ballot_comes_and_offers_members_no_hq_actions(client, gs, people):
    stand(gs, people.alice, people.bob, people.carol)
    stand(gs, people.erin, people.bob, people.carol)
    services.election_close_nominations(election=gs, actor=people.hq.user, now=AFTER)
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("election_detail", args=[gs.pk])).content.decode()
    assert "Contested: this election goes to a secret ballot" in page and "votes are added up while still encrypted" in page
    assert reverse("election_start_ballot", args=[gs.pk]) not in page and "Count the scrutineer" not in page
    assert client.get(reverse("election_blt", args=[gs.pk])).status_code == 404
