"""Roll changes after the freeze, and what the board publishes: counted
ballots by tracker, replaced or withdrawn ones by tracker only, and ballots
opened to check the booth with their choices but no alias."""

import json

import pytest
from django.urls import reverse

from tests.unionhall.ballots.conftest import encrypt_for
from tests.unionhall.ballots.test_casting import cast
from tests.unionhall.ballots.test_counting import close, post
from tests.unionhall.conftest import sign_in
from unionhall.audit.models import AuditEntry
from unionhall.ballots.casting import check_cast_ballot, do_cast_ballot
from unionhall.ballots.models import AuditedBallot, Cast, RollEntry
from unionhall.ballots.record import ballot_record
from unionhall.ballots.roll import roll_add, roll_remove
from unionhall.refusals import Refused
from votecrypt import api


def test_removing_a_voter_needs_a_reason_withdraws_their_ballot_and_is_in_the_record(open_ballot, people, crowd):
    for i, member in enumerate(crowd[:10]):
        cast(open_ballot, member, seed=f"r{i}")
    withdrawn = cast(open_ballot, people.alice)
    with pytest.raises(Refused, match="reason"):
        roll_remove(ballot=open_ballot, member=people.alice, reason="  ", actor=people.hq.user)
    assert not Cast.objects.get(pk=withdrawn.pk).superseded  # a refusal changes nothing
    roll_remove(ballot=open_ballot, member=people.alice, reason="Not in the bargaining unit on the cut-off date", actor=people.hq.user)
    roll_add(ballot=open_ballot, member=people.frank, reason="Transferred in before the cut-off", actor=people.hq.user)
    assert Cast.objects.get(pk=withdrawn.pk).superseded
    content, _ = encrypt_for(open_ballot, people.alice, True, "again")
    with pytest.raises(Refused, match="not on the roll"):
        check_cast_ballot(ballot=open_ballot, member=people.alice, content=content)
    with pytest.raises(Refused, match="not on the roll"):
        roll_remove(ballot=open_ballot, member=people.alice, reason="twice", actor=people.hq.user)
    assert AuditEntry.objects.filter(detail__event="removed from roll").count() == 1

    close(open_ballot)
    post(open_ballot, 1, [""])
    post(open_ballot, 3, [""])
    record = ballot_record(open_ballot)
    report = api.verify_record(record)
    assert report.ok, (report.failed, report.detail)
    assert report.ballots == 10 and record["tallies"][0]["ballots"] == 10
    alice = RollEntry.objects.get(ballot=open_ballot, member=people.alice)
    frank = RollEntry.objects.get(ballot=open_ballot, member=people.frank)
    assert record["roll_changes"] == sorted([
        {"alias": alice.alias, "change": "removed", "reason": "Not in the bargaining unit on the cut-off date"},
        {"alias": frank.alias, "change": "added", "reason": "Transferred in before the cut-off"},
    ], key=lambda c: c["alias"])  # fmt: skip
    assert [(n["tracker"], n["why"]) for n in record["not_counted"]] == [(withdrawn.tracker, "withdrawn")]
    assert "Archer" not in json.dumps(record)


def test_hq_changes_the_roll_from_the_ballot_page(client, open_ballot, people):
    sign_in(client, people.hq)
    url = reverse("ballot_manage", args=[open_ballot.slug])
    page = client.post(url, {"action": "roll_remove", "number": people.alice.membership_number.lower(), "reason": ""}, follow=True).content.decode()
    assert "Give the reason" in page and RollEntry.objects.get(ballot=open_ballot, member=people.alice).removed_at is None
    page = client.post(url, {"action": "roll_remove", "number": "NOPE-1", "reason": "x"}, follow=True).content.decode()
    assert "No member has that membership number" in page
    client.post(url, {"action": "roll_remove", "number": people.alice.membership_number, "reason": "Left the employer before the cut-off"})
    assert RollEntry.objects.get(ballot=open_ballot, member=people.alice).removed_reason == "Left the employer before the cut-off"
    sign_in(client, people.carol)  # an officer, not HQ
    assert client.post(url, {"action": "roll_add", "number": people.alice.membership_number, "reason": "x"}).status_code == 403


def test_an_audited_ballot_is_published_with_its_choices_and_without_its_alias(client, open_ballot, people, crowd):
    content, secrets = encrypt_for(open_ballot, people.alice, True, "checked")
    url = reverse("ballot_audit", args=[open_ballot.slug])
    answer = client.post(url, data=json.dumps({"ballot": content, "secrets": secrets}), content_type="application/json").json()
    assert answer["ok"] and answer["code"] in answer["message"]
    audited = AuditedBallot.objects.get()
    assert audited.code == answer["code"] and "alias" not in audited.entry
    sign_in(client, people.bob, mfa=False)
    board_url = reverse("ballot_board", args=[open_ballot.slug])
    for i, member in enumerate(crowd[:10]):
        cast(open_ballot, member, seed=f"a{i}")
    page = client.get(board_url).content.decode()
    # While voting is open: trackers only; what was checked, and ballots' contents, wait for the close.
    assert f'id="audited-{audited.code}"' not in page and "Published when voting closes" in page and "ciphertexts and proofs" not in page
    close(open_ballot)
    page = client.get(board_url).content.decode()
    assert f'id="audited-{audited.code}"' in page and "Do you accept the pay offer?: <strong>Yes</strong>" in page
    alias = RollEntry.objects.get(ballot=open_ballot, member=people.alice).alias
    assert alias not in page
    post(open_ballot, 2, [""])
    post(open_ballot, 3, [""])
    record = ballot_record(open_ballot)
    assert api.verify_record(record).ok and record["audited"] == [audited.entry]
    assert alias not in json.dumps(record["audited"])
    lie = json.loads(json.dumps(record))
    lie["audited"][0]["choices"] = [[0, 1]]  # claim the booth encrypted "No"
    assert api.verify_record(lie).failed.startswith("audited[0].")


def test_the_audit_check_refuses_a_ballot_made_for_nobody_on_the_roll(client, open_ballot, people):
    content, secrets = api.encrypt_ballot(open_ballot.manifest, open_ballot.joint_key, "v-stranger", [[1, 0]])
    url = reverse("ballot_audit", args=[open_ballot.slug])
    answer = client.post(url, data=json.dumps({"ballot": content, "secrets": secrets}), content_type="application/json")
    assert answer.status_code == 404 and "cannot be checked here" in answer.json()["error"] and not AuditedBallot.objects.exists()


def test_a_vote_checked_before_its_voter_was_removed_is_not_stored(open_ballot, people, crowd):
    content, _ = encrypt_for(open_ballot, people.alice, True, "race")
    check = check_cast_ballot(ballot=open_ballot, member=people.alice, content=content)
    roll_remove(ballot=open_ballot, member=people.alice, reason="Not entitled", actor=people.hq.user)
    with pytest.raises(Refused, match="not on the roll"):
        do_cast_ballot(ballot=open_ballot, check=check, content=content)
    assert not Cast.objects.exists()


def test_the_roll_cannot_change_once_voting_has_closed(open_ballot, people):
    from unionhall.ballots.models import Ballot

    Ballot.objects.filter(pk=open_ballot.pk).update(status=Ballot.Status.CLOSED)  # closed since the page was loaded
    for change in (roll_add, roll_remove):
        with pytest.raises(Refused, match="only while the ballot is open"):
            change(ballot=open_ballot, member=people.frank if change is roll_add else people.alice, reason="late", actor=people.hq.user)
    assert not RollEntry.objects.filter(member=people.frank).exists()
