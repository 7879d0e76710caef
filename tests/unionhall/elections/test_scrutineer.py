"""The scrutineer's route for STV: HQ uploads the anonymised ballot profile
as a BLT file; it must match the election (candidates by name in ballot
order, seats), a malformed file is refused with its line number and nothing
is counted, and every upload is audited. The published BLT recounts the same."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import stvcount
from tests.unionhall.conftest import make_member, sign_in
from tests.unionhall.elections.conftest import AFTER, stand
from unionhall.audit.models import Action, AuditEntry
from unionhall.elections import scrutineer, services
from unionhall.elections.models import Election
from unionhall.members.models import Office, Role
from unionhall.refusals import Refused


@pytest.fixture
def contested(nec, people, union):
    """Four candidates for three NEC seats; nominations closed; enough members
    to have returned the papers counted here."""
    for i in range(40):
        make_member(f"V{i:02d}", union.north)
    for trio in ((people.alice, people.bob, people.carol), (people.dave, people.erin, people.hq), (people.frank, people.gina, people.erin),
                 (people.bob, people.alice, people.carol)):  # fmt: skip
        stand(nec, *trio)
    return services.election_close_nominations(election=nec, actor=people.hq.user, now=AFTER)


def blt(election, papers: list[tuple[int, str]], *, seats=None, names=None) -> bytes:
    names = names or [n.candidate.full_name for n in election.ballot_order()]
    lines = [f"{len(names)} {seats or election.seats}", *(f"{w} {r} 0" for w, r in papers), "0", *(f'"{n}"' for n in names), '"NEC election"']
    return ("\n".join(lines) + "\n").encode()


PAPERS = [(12, "1 2"), (9, "2 3"), (7, "3 1"), (5, "4 3"), (3, "4 1 2")]


def count(election, raw, actor):
    return scrutineer.count_scrutineer_blt(election=election, raw=raw, scrutineer="Civica Ballot Services (fictional)", actor=actor)


def test_the_scrutineers_file_is_counted_published_and_recounts_the_same(contested, people):
    election = count(contested, blt(contested, PAPERS), people.hq.user)
    assert election.status == Election.Status.DECLARED and election.stage_table["valid"] == 36
    assert election.scrutineer.startswith("Civica")
    recount = stvcount.count(stvcount.parse_blt(election.blt), "scottish", seed=election.pk)
    assert recount.to_dict() == election.stage_table
    order = election.ballot_order()
    elected = {order[c - 1].candidate for c in election.stage_table["elected"]}
    assert len(elected) == 3 and {o.member for o in Office.objects.filter(role=Role.NEC_MEMBER)} == elected
    entry = AuditEntry.objects.get(subject_type="elections.election", detail__event="result declared")
    assert entry.detail["from"] == "scrutineer's BLT" and len(entry.detail["sha256"]) == 64


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"4 3\n12 1 2 0\n9 2 9 0\n0\n", "Line 3: ballot names candidate 9 which does not exist"),
        (b"4 3\n12 1 2\n0\n", "Line 2: ballot must end with 0"),
        (b"4 3\n12 1 1 0\n0\n", "Line 2: ballot ranks candidate 1 more than once"),
        (b"four three\n", "Line 1: expected whole numbers"),
        (b"\xff\xfe4 3\n", "not UTF-8"),
        (b"", "The file is empty"),
    ],
)
def test_a_malformed_file_is_refused_with_its_line_and_nothing_is_counted(contested, people, raw, message):
    with pytest.raises(Refused, match=message):
        count(contested, raw, people.hq.user)
    contested.refresh_from_db()
    assert contested.status == Election.Status.BALLOT and not contested.blt and not Office.objects.filter(role=Role.NEC_MEMBER).exists()
    refused = AuditEntry.objects.get(subject_type="elections.election", detail__event="scrutineer's file refused")
    assert message.split(":")[0] in refused.detail["reason"]


def test_a_file_for_other_candidates_or_seats_is_refused(contested, people):
    names = [n.candidate.full_name for n in contested.ballot_order()]
    with pytest.raises(Refused, match="has 3 candidates; this election has 4"):
        count(contested, blt(contested, [(1, "1")], names=names[:3]), people.hq.user)
    with pytest.raises(Refused, match="is for 2 seat"):
        count(contested, blt(contested, PAPERS, seats=2), people.hq.user)
    swapped = [names[1], names[0], *names[2:]]
    with pytest.raises(Refused, match=f"Candidate 1 in the file is “{names[1]}”"):
        count(contested, blt(contested, PAPERS, names=swapped), people.hq.user)
    assert Election.objects.get().status == Election.Status.BALLOT


def test_a_file_that_withdraws_a_candidate_is_refused(contested, people):
    raw = blt(contested, PAPERS).replace(b"4 3\n", b"4 3\n-4\n", 1)
    with pytest.raises(Refused, match="withdraws candidates"):
        count(contested, raw, people.hq.user)


def test_only_hq_counts_and_the_scrutineer_must_be_named(contested, people):
    with pytest.raises(Refused) as refused:
        count(contested, blt(contested, PAPERS), people.carol.user)
    assert refused.value.status == 403
    with pytest.raises(Refused, match="Name the independent scrutineer"):
        scrutineer.count_scrutineer_blt(election=contested, raw=blt(contested, PAPERS), scrutineer="  ", actor=people.hq.user)
    assert Election.objects.get().status == Election.Status.BALLOT


def test_hq_uploads_through_the_page_and_the_result_shows_the_stage_table_and_blt(client, contested, people):
    sign_in(client, people.hq)
    page = client.get(reverse("election_detail", args=[contested.pk])).content.decode()
    assert "Count the scrutineer" in page and "mix-net" in page
    upload = SimpleUploadedFile("nec.blt", blt(contested, PAPERS), content_type="text/plain")
    response = client.post(reverse("election_scrutineer", args=[contested.pk]), {"scrutineer": "Returning Officer Ltd", "blt": upload})
    assert response["Location"] == reverse("election_results", args=[contested.pk])
    result = client.get(response["Location"]).content.decode()
    assert "Stage 1" in result and "Returning Officer Ltd" in result and reverse("election_blt", args=[contested.pk]) in result
    assert client.get(reverse("election_blt", args=[contested.pk])).content.decode() == Election.objects.get().blt


def test_a_bad_upload_through_the_page_shows_the_line_and_a_member_is_refused(client, contested, people):
    sign_in(client, people.hq)
    upload = SimpleUploadedFile("nec.blt", b"4 3\n1 5 0\n0\n", content_type="text/plain")
    page = client.post(reverse("election_scrutineer", args=[contested.pk]), {"scrutineer": "R", "blt": upload}, follow=True).content.decode()
    assert "Line 2: ballot names candidate 5 which does not exist" in page
    sign_in(client, people.alice, mfa=False)
    upload = SimpleUploadedFile("nec.blt", blt(contested, PAPERS), content_type="text/plain")
    assert client.post(reverse("election_scrutineer", args=[contested.pk]), {"scrutineer": "R", "blt": upload}).status_code == 403
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=people.alice.user).exists()
    assert Election.objects.get().status == Election.Status.BALLOT


def test_a_file_with_more_papers_than_members_entitled_is_refused(contested, people):
    with pytest.raises(Refused, match="more than the .* members entitled to vote"):
        count(contested, blt(contested, [(500, "1 2")]), people.hq.user)
    assert Election.objects.get().status == Election.Status.BALLOT
