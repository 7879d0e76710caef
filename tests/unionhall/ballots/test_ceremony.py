"""The trustees make the ballot's key with no dealer: the server relays
commitments and sealed shares and never holds a private key; a bad upload is
refused and changes nothing; the key is set only when everyone agrees."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.conftest import sign_in
from unionhall.ballots.ceremony import ceremony_download, ceremony_restart, ceremony_round, ceremony_start, ceremony_upload
from unionhall.ballots.models import Ballot, Question, Trustee
from unionhall.ballots.services import BallotRefused, ballot_open
from votecrypt import api, keyfile
from votecrypt.trustee_cli import main as trustee_tool


@pytest.fixture
def draft(people, union):
    b = Ballot.objects.create(slug="claim", title="Claim", employer=union.pps, trustee_threshold=2,
                              opens_at=timezone.now() - dt.timedelta(hours=1), closes_at=timezone.now() + dt.timedelta(days=3))  # fmt: skip
    Question.objects.create(ballot=b, position=1, key="q1", text="Support the claim?")
    for i, m in enumerate((people.hq, people.carol, people.dave), start=1):
        Trustee.objects.create(ballot=b, index=i, user=m.user, label=f"T{i}")
    return b


@pytest.fixture
def fast_kdf(monkeypatch):
    monkeypatch.setattr(keyfile, "OPS", 1)
    monkeypatch.setattr(keyfile, "MEM", 8192)
    monkeypatch.setenv("UNIONHALL_TRUSTEE_PASSPHRASE", "a long trustee passphrase")


def run_tool(capsys, *args) -> dict:
    assert trustee_tool(list(args)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def step(draft, tmp_path, capsys, command, index, *extra):
    trustee = Trustee.objects.get(ballot=draft, index=index)
    draft.refresh_from_db()
    path = tmp_path / f"ceremony-{index}.json"
    path.write_text(json.dumps(ceremony_download(draft, trustee)))
    out = run_tool(capsys, command, str(path), str(tmp_path / f"state-{index}.json"), *extra)
    ceremony_upload(ballot=draft, trustee=trustee, data=out)
    return out


def test_three_trustees_make_a_key_that_decrypts_and_the_server_never_sees_a_secret(draft, tmp_path, capsys, fast_kdf):
    ceremony_start(ballot=draft, actor=None)
    for i in (1, 2, 3):
        step(draft, tmp_path, capsys, "keygen-start", i)
    draft.refresh_from_db()
    assert ceremony_round(draft) == 2
    for i in (1, 2, 3):
        step(draft, tmp_path, capsys, "keygen-shares", i)
    for i in (1, 2, 3):
        step(draft, tmp_path, capsys, "keygen-finish", i, str(tmp_path / f"key-{i}.json"))
    draft.refresh_from_db()
    assert draft.joint_key and ceremony_round(draft) == 4
    stored = json.dumps([Trustee.objects.filter(ballot=draft).values()[i] for i in range(3)], default=str)
    secrets = [keyfile.open_sealed(json.loads((tmp_path / f"key-{i}.json").read_text()), "a long trustee passphrase")["share"] for i in (1, 2, 3)]
    assert not any(s in stored for s in secrets)

    # The key works: a ballot encrypted to it is decrypted by trustees 2 and 3.
    ballot_open(ballot=draft, actor=None)
    draft.refresh_from_db()
    content, _ = api.encrypt_ballot(draft.manifest, draft.joint_key, "v1", [[1, 0]])
    board = [api.board_entry(draft.manifest, draft.joint_key, content, "North")]
    tally = api.tally(draft.manifest, draft.joint_key, board)[0]
    keys = [keyfile.open_sealed(json.loads((tmp_path / f"key-{i}.json").read_text()), "a long trustee passphrase") for i in (2, 3)]
    shares = [api.decryption_share(draft.manifest, draft.joint_key, k, tally) for k in keys]
    assert api.combine_shares(draft.manifest, tally, shares) == [1]


def test_a_forged_commitment_is_refused_and_nothing_recorded(draft, tmp_path, capsys, fast_kdf):
    ceremony_start(ballot=draft, actor=None)
    out = step(draft, tmp_path, capsys, "keygen-start", 1)
    trustee2 = Trustee.objects.get(ballot=draft, index=2)
    with pytest.raises(BallotRefused, match="another trustee"):  # trustee 1's data posted as trustee 2's
        ceremony_upload(ballot=draft, trustee=trustee2, data=out)
    forged = json.loads(json.dumps(out))
    forged["public"]["index"] = 2  # relabelled: the proofs are bound to trustee 1
    with pytest.raises(BallotRefused, match="bad proof"):
        ceremony_upload(ballot=draft, trustee=trustee2, data=forged)
    assert Trustee.objects.get(ballot=draft, index=2).dkg_public is None


def test_uploads_for_the_wrong_round_are_refused(draft, tmp_path, capsys, fast_kdf):
    with pytest.raises(BallotRefused, match="no key ceremony"):
        ceremony_upload(ballot=draft, trustee=Trustee.objects.get(ballot=draft, index=1), data={"joint_key": "00"})
    ceremony_start(ballot=draft, actor=None)
    with pytest.raises(BallotRefused, match="round 1"):
        ceremony_upload(ballot=draft, trustee=Trustee.objects.get(ballot=draft, index=1), data={"joint_key": "00"})


def test_the_trustee_page_walks_through_the_rounds(client, draft, people, fast_kdf, tmp_path, capsys):
    sign_in(client, people.hq)
    client.post(reverse("ballot_manage", args=[draft.slug]), {"action": "ceremony"})
    page = client.get(reverse("ballot_trustee", args=[draft.slug])).content.decode()
    assert "Key ceremony: round 1 of 3" in page and "keygen-start" in page
    data = client.get(reverse("ballot_trustee", args=[draft.slug]), {"download": "ceremony"}).json()
    (tmp_path / "c.json").write_text(json.dumps(data))
    out = run_tool(capsys, "keygen-start", str(tmp_path / "c.json"), str(tmp_path / "s.json"))
    response = client.post(reverse("ballot_trustee", args=[draft.slug]), {"ceremony": SimpleUploadedFile("u.json", json.dumps(out).encode())}, follow=True)
    assert "Recorded round 1: commitments" in response.content.decode()
    assert Trustee.objects.get(ballot=draft, index=1).dkg_public is not None


def test_a_server_that_swaps_a_box_key_is_caught_by_the_trustees_fingerprints(draft, tmp_path, capsys, fast_kdf):
    """A dishonest server gives trustee 1 its own box key in place of trustee
    2's, to read the share meant for 2. The trustees' fingerprints then differ."""
    from votecrypt.trustee_cli import ceremony_fingerprint

    ceremony_start(ballot=draft, actor=None)
    for i in (1, 2, 3):
        step(draft, tmp_path, capsys, "keygen-start", i)
    draft.refresh_from_db()
    honest = ceremony_download(draft, Trustee.objects.get(ballot=draft, index=2))
    forged = ceremony_download(draft, Trustee.objects.get(ballot=draft, index=1))
    forged["trustees"][1]["box_public"] = keyfile.box_keypair()[0]
    assert ceremony_fingerprint(forged) != ceremony_fingerprint(honest)
    # And a trustee whose own entry was altered refuses to go on.
    mine = ceremony_download(draft, Trustee.objects.get(ballot=draft, index=1))
    mine["trustees"][0]["box_public"] = keyfile.box_keypair()[0]
    (tmp_path / "altered.json").write_text(json.dumps(mine))
    assert trustee_tool(["keygen-shares", str(tmp_path / "altered.json"), str(tmp_path / "state-1.json")]) == 1
    assert "differs from what you made" in capsys.readouterr().err


def test_a_stalled_ceremony_restarts_with_a_replacement_trustee_and_nothing_old_fits(draft, tmp_path, capsys, fast_kdf, people):
    ceremony_start(ballot=draft, actor=None)
    for i in (1, 2, 3):
        step(draft, tmp_path, capsys, "keygen-start", i)
    step(draft, tmp_path, capsys, "keygen-shares", 1)  # trustee 3 never comes back
    old_manifest = Ballot.objects.get(pk=draft.pk).manifest
    with pytest.raises(BallotRefused, match="reason"):
        ceremony_restart(ballot=draft, actor=people.hq.user, reason=" ", replace={3: people.erin.user})
    with pytest.raises(BallotRefused, match="different person"):
        ceremony_restart(ballot=draft, actor=people.hq.user, reason="Trustee 3 is away", replace={3: people.carol.user})
    assert Trustee.objects.get(ballot=draft, index=1).sealed_shares  # refusals changed nothing
    ceremony_restart(ballot=draft, actor=people.hq.user, reason="Trustee 3 is away", replace={3: people.erin.user})
    draft.refresh_from_db()
    assert ceremony_round(draft) == 1 and draft.ceremony_attempt == 2
    assert api.fingerprint(draft.manifest) != api.fingerprint(old_manifest)
    assert Trustee.objects.get(ballot=draft, index=3).user == people.erin.user
    # A state file from the first attempt is refused by the tool.
    trustee = Trustee.objects.get(ballot=draft, index=1)
    path = tmp_path / "again.json"
    path.write_text(json.dumps(ceremony_download(draft, trustee)))
    assert trustee_tool(["keygen-shares", str(path), str(tmp_path / "state-1.json")]) == 1
    assert "another ballot" in capsys.readouterr().err
    # Everyone starts afresh and the ceremony completes.
    for i in (1, 2, 3):
        (tmp_path / f"state-{i}.json").unlink(missing_ok=True)
    for command in ("keygen-start", "keygen-shares"):
        for i in (1, 2, 3):
            step(draft, tmp_path, capsys, command, i)
    for i in (1, 2, 3):
        step(draft, tmp_path, capsys, "keygen-finish", i, str(tmp_path / f"key2-{i}.json"))
    draft.refresh_from_db()
    assert draft.joint_key and ceremony_round(draft) == 4
    with pytest.raises(BallotRefused, match="in progress"):
        ceremony_restart(ballot=draft, actor=people.hq.user, reason="again")


def test_hq_restarts_the_ceremony_from_the_ballot_page(client, draft, people):
    ceremony_start(ballot=draft, actor=None)
    sign_in(client, people.hq)
    url = reverse("ballot_manage", args=[draft.slug])
    page = client.post(url, {"action": "ceremony_restart", "reason": "Trustee 2 left", "replace_index": "2", "replace_email": "nobody@example.org"}, follow=True)
    assert "needs an account first" in page.content.decode() and Ballot.objects.get(pk=draft.pk).ceremony_attempt == 1
    client.post(url, {"action": "ceremony_restart", "reason": "Trustee 2 left", "replace_index": "2", "replace_email": people.erin.user.email})
    assert Ballot.objects.get(pk=draft.pk).ceremony_attempt == 2
    assert Trustee.objects.get(ballot=draft, index=2).user == people.erin.user
