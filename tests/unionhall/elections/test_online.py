"""Contested first past the post by secret ballot: HQ starts the ballot in
the ballot engine (candidates in ballot order, the election's electorate, the
trustees HQ names); members vote encrypted; once the trustees decrypt the
totals HQ declares, the winner's term enters the register, and a tie is
settled by a published lot, never silently."""

import datetime as dt
import random

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.conftest import sign_in
from tests.unionhall.elections.conftest import AFTER, stand
from unionhall.audit.models import Action, AuditEntry
from unionhall.ballots.models import Ballot, RollEntry, Trustee
from unionhall.ballots.casting import check_cast_ballot, do_cast_ballot
from unionhall.ballots.counting import ballot_close, trustee_post_shares
from unionhall.ballots.setup import ballot_manifest, ballot_open, ballot_set_keys
from unionhall.elections import online, services
from unionhall.elections.models import Election
from unionhall.members.models import Office, Role, add_years
from unionhall.refusals import Refused
from votecrypt import api
from votecrypt.rng import SeededRng

OPENS = timezone.now() + dt.timedelta(days=12)
CLOSES = OPENS + dt.timedelta(days=14)


@pytest.fixture
def contested(gs, people):
    """Alice, Dave and Frank stand for General Secretary; nominations closed."""
    stand(gs, people.alice, people.bob, people.carol)
    stand(gs, people.dave, people.erin, people.hq)
    stand(gs, people.frank, people.gina, people.erin)
    return services.election_close_nominations(election=gs, actor=people.hq.user, now=AFTER)


def start(election, people, **extra) -> Ballot:
    trustees = [(people.hq.user, "HQ"), (people.carol.user, "Branch secretary"), (people.dave.user, "Independent scrutineer")]
    fields = dict(election=election, actor=people.hq.user, opens_at=OPENS, closes_at=CLOSES, trustees=trustees, threshold=2, now=AFTER)
    return Ballot.objects.get(pk=online.election_start_ballot(**(fields | extra)).id)  # the engine's row, for the tests to run it


def hold(ballot: Ballot, votes: dict) -> None:
    """Keys as the trustees' ceremony would make them; ``votes`` maps a
    member to the index of the candidate they vote for; then close and let
    trustees 1 and 3 decrypt the headline."""
    manifest = ballot_manifest(ballot)
    joint, keys, publics = api.run_dkg(manifest, SeededRng(f"dkg/{ballot.slug}"))
    ballot_set_keys(ballot=ballot, manifest=manifest, joint_key=joint, publics=publics, actor=None)
    ballot_open(ballot=ballot, actor=None, now=OPENS)
    ballot.refresh_from_db()
    options = len(manifest["questions"][0]["options"])
    for member, choice in votes.items():
        alias = RollEntry.objects.get(ballot=ballot, member=member).alias
        content, _ = api.encrypt_ballot(ballot.manifest, ballot.joint_key, alias, [[int(i == choice) for i in range(options)]], SeededRng(f"v/{member.pk}"))
        do_cast_ballot(ballot=ballot, check=check_cast_ballot(ballot=ballot, member=member, content=content, now=OPENS), content=content)
    ballot_close(ballot=ballot, actor=None, now=CLOSES)
    ballot.refresh_from_db()
    for index in (1, 3):
        share = api.decryption_share(ballot.manifest, ballot.joint_key, keys[index - 1], ballot.tallies[0], SeededRng(f"share/{index}"))
        trustee_post_shares(ballot=ballot, trustee=Trustee.objects.get(ballot=ballot, index=index), shares={"": share})


def test_the_ballot_has_the_candidates_in_ballot_order_the_union_as_electorate_and_hqs_trustees(contested, people):
    ballot = start(contested, people)
    contested.refresh_from_db()
    assert contested.ballot == ballot and ballot.status == Ballot.Status.DRAFT and ballot.branch is None
    question = ballot.questions.get()
    assert question.kind == "one"
    assert question.options == [f"{n.candidate.full_name} ({n.candidate.branch} branch)" for n in contested.ballot_order()]
    assert [t.user for t in ballot.trustees.all()] == [people.hq.user, people.carol.user, people.dave.user]
    assert reverse("election_detail", args=[contested.pk]) in ballot.explanation
    assert AuditEntry.objects.filter(subject_type="elections.election", detail__event="ballot started").exists()


def test_a_branch_election_ballot_is_for_that_branch_only(north_secretary, people, union):
    stand(north_secretary, people.alice, people.bob, people.carol)
    stand(north_secretary, people.bob, people.alice, people.carol)
    north_secretary.method = Election.Method.FPTP
    north_secretary.save()
    election = services.election_close_nominations(election=north_secretary, actor=people.hq.user, now=AFTER)
    ballot = start(election, people)
    assert ballot.branch == union.north
    manifest = ballot_manifest(ballot)
    joint, _, publics = api.run_dkg(manifest, SeededRng("x"))
    ballot_set_keys(ballot=ballot, manifest=manifest, joint_key=joint, publics=publics, actor=None)
    ballot_open(ballot=ballot, actor=None, now=OPENS)
    assert set(RollEntry.objects.filter(ballot=ballot).values_list("member__branch", flat=True)) == {union.north.pk}


def test_an_stv_election_cannot_go_to_the_online_ballot_and_nothing_is_made(nec, people):
    for trio in ((people.alice, people.bob, people.carol), (people.dave, people.erin, people.hq), (people.frank, people.gina, people.erin),
                 (people.bob, people.alice, people.carol)):  # fmt: skip
        stand(nec, *trio)
    election = services.election_close_nominations(election=nec, actor=people.hq.user, now=AFTER)
    with pytest.raises(Refused, match="scrutineer"):
        start(election, people)
    assert not Ballot.objects.exists()


def test_only_hq_starts_the_ballot_and_only_once(contested, people):
    with pytest.raises(Refused) as refused:
        start(contested, people, actor=people.carol.user)
    assert refused.value.status == 403 and not Ballot.objects.exists()
    start(contested, people)
    with pytest.raises(Refused, match="already been started"):
        start(contested, people)
    assert Ballot.objects.count() == 1


def test_bad_windows_and_thresholds_are_refused(contested, people):
    with pytest.raises(Refused, match="close after it opens"):
        start(contested, people, closes_at=OPENS)
    with pytest.raises(Refused, match="between 1 and 3"):
        start(contested, people, threshold=4)
    assert not Ballot.objects.exists()


def test_the_most_votes_win_the_term_enters_the_register_and_candidates_are_told(contested, people):
    ballot = start(contested, people)
    order = [n.candidate for n in contested.ballot_order()]
    winner = order.index(people.dave)
    loser = (winner + 1) % 3
    hold(ballot, {people.alice: winner, people.bob: winner, people.carol: loser, people.erin: winner, people.gina: loser})
    mail.outbox.clear()
    election = online.election_declare_from_ballot(election=contested, actor=people.hq.user)
    assert election.status == Election.Status.DECLARED
    office = Office.objects.get(role=Role.GENERAL_SECRETARY)
    assert office.member == people.dave and office.ends_on == add_years(contested.term_starts_on, 5)
    assert election.stage_table["stages"][0]["totals"][str(winner + 1)] == "3" and election.stage_table["ties"] == []
    assert election.stage_table["valid"] == 5
    told = {m.to[0]: m.body for m in mail.outbox}
    assert set(told) == {"a1@example.org", "d1@example.org", "f1@example.org"}
    assert "You are elected" in told["d1@example.org"] and "You were not elected" in told["a1@example.org"]
    entry = AuditEntry.objects.filter(subject_type="elections.election", detail__event="result declared").get()
    assert entry.detail["elected"] == ["D1"] and entry.detail["tie"] is None


def test_a_tie_for_the_seat_is_drawn_by_a_published_lot(contested, people):
    ballot = start(contested, people)
    order = [n.candidate for n in contested.ballot_order()]
    a, d = order.index(people.alice), order.index(people.dave)
    hold(ballot, {people.bob: a, people.carol: a, people.erin: d, people.gina: d})
    election = online.election_declare_from_ballot(election=contested, actor=people.hq.user, lot_seed=7)
    tie = election.stage_table["ties"][0]
    assert sorted(tie["candidates"]) == sorted([a + 1, d + 1]) and tie["method"] == "lot (seed 7)" and tie["votes"] == 2
    drawn = random.Random(7).sample(sorted([a, d]), 1)[0]
    assert tie["drawn"] == [drawn + 1] and Office.objects.get(role=Role.GENERAL_SECRETARY).member == order[drawn]
    assert AuditEntry.objects.get(detail__event="result declared").detail["tie"]["method"] == "lot (seed 7)"


def test_hq_sees_the_tie_before_declaring_and_members_see_the_draw_on_the_result(client, contested, people):
    ballot = start(contested, people)
    order = [n.candidate for n in contested.ballot_order()]
    hold(ballot, {people.bob: order.index(people.alice), people.carol: order.index(people.dave)})
    sign_in(client, people.hq)
    page = client.get(reverse("election_detail", args=[contested.pk])).content.decode()
    assert "A tie:" in page and "settles it by lot" in page
    client.post(reverse("election_declare", args=[contested.pk]))
    sign_in(client, people.erin, mfa=False)
    result = client.get(reverse("election_results", args=[contested.pk])).content.decode()
    assert "settled by lot (seed" in result and "drawn:" in result and reverse("ballot_record", args=[ballot.slug]) in result


def test_nothing_is_declared_before_the_trustees_decrypt(contested, people):
    start(contested, people)
    with pytest.raises(Refused, match="not yet decrypted"):
        online.election_declare_from_ballot(election=contested, actor=people.hq.user)
    assert not Office.objects.filter(role=Role.GENERAL_SECRETARY).exists()


def test_a_member_who_is_not_hq_is_refused_the_declaration_and_audited(client, contested, people):
    hold(start(contested, people), {people.bob: 0})
    sign_in(client, people.carol)
    assert client.post(reverse("election_declare", args=[contested.pk])).status_code == 403
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=people.carol.user).exists()
    contested.refresh_from_db()
    assert contested.status == Election.Status.BALLOT


def test_hq_starts_the_ballot_through_the_page_with_trustees_by_email(client, contested, people):
    sign_in(client, people.hq)
    data = {"opens_at": f"{timezone.localtime(OPENS):%Y-%m-%dT%H:%M}", "closes_at": f"{timezone.localtime(CLOSES):%Y-%m-%dT%H:%M}",
            "threshold": 2, "t0_email": "h1@example.org", "t0_label": "HQ", "t1_email": "c1@example.org", "t2_email": "nobody@example.org"}  # fmt: skip
    page = client.post(reverse("election_start_ballot", args=[contested.pk]), data).content.decode()
    assert "No account has this email" in page and not Ballot.objects.exists()
    data["t2_email"] = "d1@example.org"
    response = client.post(reverse("election_start_ballot", args=[contested.pk]), data)
    ballot = Ballot.objects.get()
    assert response["Location"] == reverse("ballot_detail", args=[ballot.slug]) and ballot.trustees.count() == 3
