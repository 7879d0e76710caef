"""The trustees make the ballot's key with no dealer: the server relays
commitments and sealed shares and never holds a private key; a bad upload is
refused and changes nothing; the key is set only when everyone agrees."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.conftest import give_office, sign_in
from unionhall.ballots.ceremony import (ceremony_download, ceremony_restart, ceremony_restart_request, ceremony_restart_withdraw,
                                         ceremony_round, ceremony_start, ceremony_upload)
from unionhall.ballots.models import Ballot, Question, Trustee
from unionhall.ballots.setup import ballot_open
from unionhall.members.models import Role
from unionhall.refusals import Refused
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


def step_output(draft, tmp_path, capsys, command, index, *extra) -> dict:
    """What trustee ``index``'s tool makes for this round, not yet uploaded."""
    trustee = Trustee.objects.get(ballot=draft, index=index)
    draft.refresh_from_db()
    path = tmp_path / f"ceremony-{index}.json"
    path.write_text(json.dumps(ceremony_download(draft, trustee)))
    return run_tool(capsys, command, str(path), str(tmp_path / f"state-{index}.json"), *extra)


def step(draft, tmp_path, capsys, command, index, *extra):
    out = step_output(draft, tmp_path, capsys, command, index, *extra)
    ceremony_upload(ballot=draft, trustee=Trustee.objects.get(ballot=draft, index=index), data=out)
    return out


def run_ceremony(draft, tmp_path, capsys, key_prefix="key"):
    """Every trustee runs every round with the tool, in order."""
    for command in ("keygen-start", "keygen-reveal", "keygen-shares"):
        for i in (1, 2, 3):
            step(draft, tmp_path, capsys, command, i)
    for i in (1, 2, 3):
        step(draft, tmp_path, capsys, "keygen-finish", i, str(tmp_path / f"{key_prefix}-{i}.json"))


def start_and_reveal(draft, tmp_path, capsys):
    """Rounds 1 and 2 for every trustee: digests, then commitments."""
    for command in ("keygen-start", "keygen-reveal"):
        for i in (1, 2, 3):
            step(draft, tmp_path, capsys, command, i)


def test_three_trustees_make_a_key_that_decrypts_and_the_server_never_sees_a_secret(draft, tmp_path, capsys, fast_kdf):
    ceremony_start(ballot=draft, actor=None)
    for i in (1, 2, 3):
        step(draft, tmp_path, capsys, "keygen-start", i)
    draft.refresh_from_db()
    assert ceremony_round(draft) == 2
    assert all(t.dkg_public is None and len(t.dkg_commitment_digest) == 64 for t in draft.trustees.all())  # only digests so far
    for i in (1, 2, 3):
        step(draft, tmp_path, capsys, "keygen-reveal", i)
    draft.refresh_from_db()
    assert ceremony_round(draft) == 3
    for i in (1, 2, 3):
        step(draft, tmp_path, capsys, "keygen-shares", i)
    for i in (1, 2, 3):
        step(draft, tmp_path, capsys, "keygen-finish", i, str(tmp_path / f"key-{i}.json"))
    draft.refresh_from_db()
    assert draft.joint_key and ceremony_round(draft) == 5
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
    for i in (1, 2, 3):
        step(draft, tmp_path, capsys, "keygen-start", i)
    out = step(draft, tmp_path, capsys, "keygen-reveal", 1)
    trustee2 = Trustee.objects.get(ballot=draft, index=2)
    with pytest.raises(Refused, match="another trustee"):  # trustee 1's data posted as trustee 2's
        ceremony_upload(ballot=draft, trustee=trustee2, data=out)
    forged = json.loads(json.dumps(out))
    forged["public"]["index"] = 2  # relabelled: the proofs are bound to trustee 1
    with pytest.raises(Refused, match="bad proof"):
        ceremony_upload(ballot=draft, trustee=trustee2, data=forged)
    assert Trustee.objects.get(ballot=draft, index=2).dkg_public is None
    trustee3 = Trustee.objects.get(ballot=draft, index=3)
    mine = step_output(draft, tmp_path, capsys, "keygen-reveal", 3)
    mine["public"]["note"] = "extra"  # unknown fields would be relayed to the other trustees
    with pytest.raises(Refused, match="malformed"):
        ceremony_upload(ballot=draft, trustee=trustee3, data=mine)
    assert Trustee.objects.get(ballot=draft, index=3).dkg_public is None


def test_commitments_chosen_after_the_digests_are_refused(draft, tmp_path, capsys, fast_kdf):
    """Commit before reveal: a trustee who waits to see the others' commitments
    and then picks new ones (to bias the joint key) no longer matches the
    digest they posted before any commitment was shown."""
    ceremony_start(ballot=draft, actor=None)
    step(draft, tmp_path, capsys, "keygen-start", 1)
    # Nobody can show commitments while a digest is missing: not the tool, not the server.
    path = tmp_path / "early.json"
    path.write_text(json.dumps(dict(ceremony_download(draft, Trustee.objects.get(ballot=draft, index=1)), digests=[])))
    assert trustee_tool(["keygen-reveal", str(path), str(tmp_path / "state-1.json")]) == 1
    assert "not every trustee has posted round 1" in capsys.readouterr().err
    for i in (2, 3):
        step(draft, tmp_path, capsys, "keygen-start", i)
    for i in (1, 2):
        step(draft, tmp_path, capsys, "keygen-reveal", i)
    draft.refresh_from_db()
    honest = step_output(draft, tmp_path, capsys, "keygen-reveal", 3)
    _, other = api.dkg_commit(draft.manifest, 3)  # well formed, with good proofs, but chosen now
    trustee3 = Trustee.objects.get(ballot=draft, index=3)
    with pytest.raises(Refused, match="do not match the digest you posted in round 1"):
        ceremony_upload(ballot=draft, trustee=trustee3, data=dict(honest, public=other))
    assert Trustee.objects.get(ballot=draft, index=3).dkg_public is None
    ceremony_upload(ballot=draft, trustee=trustee3, data=honest)


def test_a_server_that_changes_a_digest_or_shows_other_commitments_is_caught_by_the_tool(draft, tmp_path, capsys, fast_kdf):
    ceremony_start(ballot=draft, actor=None)
    for i in (1, 2, 3):
        step(draft, tmp_path, capsys, "keygen-start", i)
    data = ceremony_download(draft, Trustee.objects.get(ballot=draft, index=1))
    data["digests"][0]["commitment_digest"] = "ab" * 32
    (tmp_path / "c.json").write_text(json.dumps(data))
    assert trustee_tool(["keygen-reveal", str(tmp_path / "c.json"), str(tmp_path / "state-1.json")]) == 1
    assert "your round-1 digests differs from what you made" in capsys.readouterr().err
    for i in (1, 2, 3):
        step(draft, tmp_path, capsys, "keygen-reveal", i)
    draft.refresh_from_db()
    data = ceremony_download(draft, Trustee.objects.get(ballot=draft, index=1))
    _, data["trustees"][1]["public"] = api.dkg_commit(draft.manifest, 2)  # not what trustee 2 committed to
    (tmp_path / "c.json").write_text(json.dumps(data))
    assert trustee_tool(["keygen-shares", str(tmp_path / "c.json"), str(tmp_path / "state-1.json")]) == 1
    assert "trustee 2's commitments do not match the digest they posted in round 1" in capsys.readouterr().err


def test_uploads_for_the_wrong_round_are_refused(draft, tmp_path, capsys, fast_kdf):
    with pytest.raises(Refused, match="no key ceremony"):
        ceremony_upload(ballot=draft, trustee=Trustee.objects.get(ballot=draft, index=1), data={"joint_key": "00"})
    ceremony_start(ballot=draft, actor=None)
    with pytest.raises(Refused, match="round 1"):
        ceremony_upload(ballot=draft, trustee=Trustee.objects.get(ballot=draft, index=1), data={"joint_key": "00"})


def test_the_trustee_page_walks_through_the_rounds(client, draft, people, fast_kdf, tmp_path, capsys):
    sign_in(client, people.hq)
    client.post(reverse("ballot_manage", args=[draft.slug]), {"action": "ceremony"})
    page = client.get(reverse("ballot_trustee", args=[draft.slug])).content.decode()
    assert "Key ceremony: round 1 of 4" in page and "keygen-start" in page
    data = client.get(reverse("ballot_trustee", args=[draft.slug]), {"download": "ceremony"}).json()
    (tmp_path / "c.json").write_text(json.dumps(data))
    out = run_tool(capsys, "keygen-start", str(tmp_path / "c.json"), str(tmp_path / "s.json"))
    response = client.post(reverse("ballot_trustee", args=[draft.slug]), {"ceremony": SimpleUploadedFile("u.json", json.dumps(out).encode())}, follow=True)
    assert "Recorded round 1: digests" in response.content.decode()
    assert Trustee.objects.get(ballot=draft, index=1).dkg_commitment_digest == out["commitment_digest"]


def test_a_server_that_swaps_a_box_key_is_caught_by_the_trustees_fingerprints(draft, tmp_path, capsys, fast_kdf):
    """A dishonest server gives trustee 1 its own box key in place of trustee
    2's, to read the share meant for 2. The trustees' fingerprints then differ."""
    from votecrypt.trustee_cli import ceremony_fingerprint

    ceremony_start(ballot=draft, actor=None)
    start_and_reveal(draft, tmp_path, capsys)
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


@pytest.fixture
def second_hq(people):
    """Another HQ officer: a restart needs two."""
    give_office(people.frank, Role.HQ_ADMIN)
    return people.frank


def _restart_audit():
    from unionhall.audit.models import AuditEntry

    return [e.detail["event"] for e in AuditEntry.objects.filter(subject_type="ballots.ballot").order_by("seq") if "restart" in e.detail.get("event", "")]


def test_a_stalled_ceremony_restarts_with_a_replacement_trustee_and_nothing_old_fits(draft, tmp_path, capsys, fast_kdf, people, second_hq):
    ceremony_start(ballot=draft, actor=None)
    start_and_reveal(draft, tmp_path, capsys)
    step(draft, tmp_path, capsys, "keygen-shares", 1)  # trustee 3 never comes back
    old_manifest = Ballot.objects.get(pk=draft.pk).manifest
    with pytest.raises(Refused, match="reason"):
        ceremony_restart_request(ballot=draft, actor=people.hq.user, reason=" ")
    with pytest.raises(Refused, match="two HQ officers"):  # nobody has asked: one officer alone cannot restart
        ceremony_restart(ballot=draft, actor=second_hq.user, replace={3: people.erin.user})
    ceremony_restart_request(ballot=draft, actor=people.hq.user, reason="Trustee 3 is away")
    with pytest.raises(Refused, match="already been asked"):
        ceremony_restart_request(ballot=draft, actor=second_hq.user, reason="Another reason")
    with pytest.raises(Refused, match="different HQ officer must confirm"):
        ceremony_restart(ballot=draft, actor=people.hq.user, replace={3: people.erin.user})
    with pytest.raises(Refused, match="different person"):
        ceremony_restart(ballot=draft, actor=second_hq.user, replace={3: people.carol.user})
    with pytest.raises(Refused, match="make themselves a trustee"):
        ceremony_restart(ballot=draft, actor=second_hq.user, replace={3: second_hq.user})
    with pytest.raises(Refused, match="make themselves a trustee"):  # nor may the officer who asked
        ceremony_restart(ballot=draft, actor=people.erin.user, replace={3: people.hq.user})
    assert Trustee.objects.get(ballot=draft, index=1).sealed_shares  # refusals changed nothing
    assert Ballot.objects.get(pk=draft.pk).ceremony_attempt == 1
    mail.outbox.clear()
    ceremony_restart(ballot=draft, actor=second_hq.user, replace={3: people.erin.user})
    # Every trustee, the one replaced included, and the officer who asked are told (one message per address).
    told = [m for m in mail.outbox if "has restarted" in m.subject]
    assert sorted(address for m in told for address in m.to) == sorted([people.hq.email, people.carol.email, people.dave.email, people.erin.email])
    assert all("Trustee 3 is now" in m.body and "Trustee 3 is away" in m.body and f"{people.hq.email} asked" in m.body
               and f"{second_hq.email} confirmed" in m.body for m in told)  # fmt: skip
    draft.refresh_from_db()
    assert ceremony_round(draft) == 1 and draft.ceremony_attempt == 2
    assert draft.ceremony_restart_requested_by is None and draft.ceremony_restart_reason == ""
    assert _restart_audit() == ["key ceremony restart requested", "key ceremony restarted"]
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
    run_ceremony(draft, tmp_path, capsys, key_prefix="key2")
    draft.refresh_from_db()
    assert draft.joint_key and ceremony_round(draft) == 5
    with pytest.raises(Refused, match="in progress"):
        ceremony_restart_request(ballot=draft, actor=people.hq.user, reason="again")


def test_a_restart_request_can_be_withdrawn_and_then_nothing_can_confirm_it(draft, people, second_hq):
    ceremony_start(ballot=draft, actor=None)
    with pytest.raises(Refused, match="no restart request"):
        ceremony_restart_withdraw(ballot=draft, actor=second_hq.user)
    ceremony_restart_request(ballot=draft, actor=people.hq.user, reason="Trustee 2 left")
    ceremony_restart_withdraw(ballot=draft, actor=people.hq.user)
    with pytest.raises(Refused, match="two HQ officers"):
        ceremony_restart(ballot=draft, actor=second_hq.user)
    draft.refresh_from_db()
    assert draft.ceremony_attempt == 1 and draft.ceremony_restart_requested_by is None
    assert _restart_audit() == ["key ceremony restart requested", "key ceremony restart request withdrawn"]


def test_two_hq_officers_restart_the_ceremony_from_the_ballot_page(client, draft, people, second_hq):
    ceremony_start(ballot=draft, actor=None)
    url = reverse("ballot_manage", args=[draft.slug])
    detail = reverse("ballot_detail", args=[draft.slug])
    sign_in(client, people.hq)
    page = client.post(url, {"action": "ceremony_restart_request", "reason": "Trustee 2 left <b>today</b>"}, follow=True).content.decode()
    assert "A restart is waiting for a second HQ officer" in page and "Trustee 2 left &lt;b&gt;today&lt;/b&gt;" in page
    assert "You asked for this restart" in page and 'value="ceremony_restart"' not in page
    page = client.post(url, {"action": "ceremony_restart", "replace_index": "2", "replace_email": people.erin.user.email}, follow=True).content.decode()
    assert "different HQ officer must confirm" in page and Ballot.objects.get(pk=draft.pk).ceremony_attempt == 1
    client.logout()
    sign_in(client, second_hq)
    page = client.get(detail).content.decode()
    assert "A restart is waiting for a second HQ officer" in page and people.hq.email in page and 'value="ceremony_restart"' in page
    page = client.post(url, {"action": "ceremony_restart", "reason": "", "replace_index": "2", "replace_email": "nobody@example.org"}, follow=True)
    assert "needs an account first" in page.content.decode() and Ballot.objects.get(pk=draft.pk).ceremony_attempt == 1
    client.post(url, {"action": "ceremony_restart", "replace_index": "2", "replace_email": people.erin.user.email})
    draft.refresh_from_db()
    assert draft.ceremony_attempt == 2 and draft.ceremony_restart_requested_by is None
    assert Trustee.objects.get(ballot=draft, index=2).user == people.erin.user
    assert "A restart is waiting" not in client.get(detail).content.decode()


def test_a_member_who_is_not_hq_cannot_ask_or_confirm(client, draft, people, second_hq):
    ceremony_start(ballot=draft, actor=None)
    ceremony_restart_request(ballot=draft, actor=people.hq.user, reason="Trustee 2 left")
    sign_in(client, people.carol)  # a branch secretary and a trustee, not HQ
    url = reverse("ballot_manage", args=[draft.slug])
    for data in ({"action": "ceremony_restart"}, {"action": "ceremony_restart_withdraw"}):
        assert client.post(url, data).status_code == 403
    draft.refresh_from_db()
    assert draft.ceremony_attempt == 1 and draft.ceremony_restart_requested_by == people.hq.user


# --- The trustee page's in-browser steps post the same files to the same checks ----------


def _audit_denials():
    from unionhall.audit.models import AuditEntry

    return AuditEntry.objects.filter(action="denied").count()


def test_the_page_embeds_the_round_for_the_browser_and_posts_to_the_same_checks(client, draft, people, fast_kdf, tmp_path, capsys):
    sign_in(client, people.hq)  # trustee 1
    ceremony_start(ballot=draft, actor=None)
    draft.refresh_from_db()
    page = client.get(reverse("ballot_trustee", args=[draft.slug])).content.decode()
    assert "In this browser" in page and "ballots/trustee-crypto.js" in page and 'id="ceremony-data"' in page
    (tmp_path / "c.json").write_text(json.dumps(ceremony_download(draft, Trustee.objects.get(ballot=draft, index=1))))
    out = run_tool(capsys, "keygen-start", str(tmp_path / "c.json"), str(tmp_path / "s.json"))
    url = reverse("ballot_trustee_ceremony", args=[draft.slug])

    forged = dict(out, commitment_digest="AB" * 32)  # upper-case hex is not hex here
    answer = client.post(url, forged, content_type="application/json")
    assert answer.status_code == 400 and "Round 1 refused" in answer.json()["error"]
    assert Trustee.objects.get(ballot=draft, index=1).dkg_commitment_digest == "" and _audit_denials() == 1

    answer = client.post(url, out, content_type="application/json")
    assert answer.json() == {"ok": True, "message": "Recorded round 1: digests."}
    assert Trustee.objects.get(ballot=draft, index=1).dkg_commitment_digest == out["commitment_digest"]
    page = client.get(reverse("ballot_trustee", args=[draft.slug])).content.decode()
    assert "You have done round 1" in page and 'id="ceremony-data"' not in page
    answer = client.post(url, "{not json", content_type="application/json")
    assert answer.status_code == 400 and answer.json()["error"] == "That is not JSON."


def test_only_the_ballots_trustees_may_post_ceremony_or_shares(client, draft, people):
    sign_in(client, people.alice)
    ceremony_start(ballot=draft, actor=None)
    for name in ("ballot_trustee_ceremony", "ballot_trustee_shares"):
        assert client.post(reverse(name, args=[draft.slug]), {}, content_type="application/json").status_code == 404
    assert client.get(reverse("ballot_trustee_ceremony", args=[draft.slug])).status_code in (404, 405)


def test_decryption_shares_posted_from_the_page_are_checked_like_an_upload(client, open_ballot, people):
    from tests.unionhall.ballots.test_casting import cast
    from tests.unionhall.ballots.test_counting import close

    cast(open_ballot, people.alice, yes=True)
    close(open_ballot)
    sign_in(client, people.carol)  # trustee 2
    page = client.get(reverse("ballot_trustee", args=[open_ballot.slug])).content.decode()
    assert 'id="tallies-data"' in page and "Make and send my decryption shares" in page
    headline = open_ballot.tallies[0]
    share = api.decryption_share(open_ballot.manifest, open_ballot.joint_key, open_ballot.trustee_keys[1], headline)
    url = reverse("ballot_trustee_shares", args=[open_ballot.slug])
    wrong = dict(share, m=list(reversed(share["m"])) if len(share["m"]) > 1 else [open_ballot.joint_key])
    answer = client.post(url, {"": wrong}, content_type="application/json")
    assert answer.status_code == 400 and "does not verify for trustee 2" in answer.json()["error"]
    assert Trustee.objects.get(ballot=open_ballot, index=2).shares == {}
    answer = client.post(url, {"": share}, content_type="application/json")
    assert answer.json()["message"] == "Your decryption shares were checked and recorded for: the overall result."
    assert Trustee.objects.get(ballot=open_ballot, index=2).shares == {"": share}


def test_a_key_file_asking_for_absurd_limits_is_refused_before_any_work():
    sealed = keyfile.seal({"index": 1, "share": "00" * 32}, "a long trustee passphrase", ops=1, mem=8192)
    for ops, mem in ((1, 2**40), (10**6, 8192), ("1", 8192), (1, 8193)):
        with pytest.raises(keyfile.KeyFileError, match="unusual key-derivation limits"):
            keyfile.open_sealed(dict(sealed, ops=ops, mem=mem), "a long trustee passphrase")
    browser = keyfile.seal({"index": 1}, "a long trustee passphrase", ops=keyfile.BROWSER_OPS, mem=keyfile.BROWSER_MEM)
    assert keyfile.open_sealed(browser, "a long trustee passphrase") == {"index": 1}


def test_a_share_that_is_not_a_share_names_its_sender(draft, tmp_path, capsys, fast_kdf):
    ceremony_start(ballot=draft, actor=None)
    for command in ("keygen-start", "keygen-reveal", "keygen-shares"):
        for i in (1, 2, 3):
            step(draft, tmp_path, capsys, command, i)
    trustee1, trustee2 = (Trustee.objects.get(ballot=draft, index=i) for i in (1, 2))
    trustee2.sealed_shares["1"] = keyfile.seal_to(trustee1.box_public, "not a share at all".encode())
    trustee2.save(update_fields=["sealed_shares"])
    path = tmp_path / "round3.json"
    draft.refresh_from_db()
    path.write_text(json.dumps(ceremony_download(draft, trustee1)))
    assert trustee_tool(["keygen-finish", str(path), str(tmp_path / "state-1.json"), str(tmp_path / "key-1.json")]) == 1
    assert "trustee 2 sent a share" in capsys.readouterr().err and not (tmp_path / "key-1.json").exists()


# --- The tie-lot seed: committed at the ceremony, revealed at the count ----------


def test_tie_lot_values_are_revealed_with_the_count_and_the_record_proves_the_seed(draft, tmp_path, capsys, fast_kdf, people):
    from tests.unionhall.ballots.test_casting import cast
    from tests.unionhall.ballots.test_counting import close
    from unionhall.ballots import api as ballots_api
    from unionhall.ballots.ceremony import ceremony_record_section
    from unionhall.ballots.counting import lot_seed, trustee_post_shares
    from unionhall.ballots.record import ballot_record
    from unionhall.ballots.trustee_views import decryptable_tallies
    from votecrypt import ceremony_record
    from votecrypt.verify import verify_record

    ceremony_start(ballot=draft, actor=None)
    run_ceremony(draft, tmp_path, capsys)
    draft.refresh_from_db()
    assert ceremony_record_section(draft)["lot_seed"] is None and lot_seed(draft) is None
    ballot_open(ballot=draft, actor=None)
    draft.refresh_from_db()
    cast(draft, people.alice, yes=True)
    cast(draft, people.bob, yes=False)
    close(draft)
    (tmp_path / "tallies.json").write_text(json.dumps(decryptable_tallies(draft)))
    posted = {i: run_tool(capsys, "share", str(tmp_path / "tallies.json"), str(tmp_path / f"key-{i}.json")) for i in (1, 2, 3)}
    trustee = {i: Trustee.objects.get(ballot=draft, index=i) for i in (1, 2, 3)}
    assert set(posted[2]) == {"", "seed_reveal"}

    with pytest.raises(Refused, match="does not match the one you committed to"):
        trustee_post_shares(ballot=draft, trustee=trustee[2], shares=dict(posted[2], seed_reveal=posted[3]["seed_reveal"]))
    with pytest.raises(Refused, match="Send your tie-lot value"):
        trustee_post_shares(ballot=draft, trustee=trustee[2], shares={"": posted[2][""]})
    assert Trustee.objects.get(pk=trustee[2].pk).shares == {}  # refused: nothing recorded
    for i in (2, 3):
        trustee_post_shares(ballot=draft, trustee=trustee[i], shares=posted[i])
    trustee_post_shares(ballot=draft, trustee=trustee[1], shares=posted[1])  # after the count: its value is not used
    draft.refresh_from_db()
    assert draft.status == Ballot.Status.RESULT
    assert [t.seed_reveal != "" for t in draft.trustees.order_by("index")] == [False, True, True]
    from unionhall.audit.models import AuditEntry

    posts = AuditEntry.objects.filter(detail__event="decryption shares posted").order_by("seq")
    assert [(e.detail["trustee"], e.detail["tie_lot_value"]) for e in posts] == [(2, "kept"), (3, "kept"), (1, "not used")]
    seed = ceremony_record.lot_seed(draft.manifest, {2: posted[2]["seed_reveal"], 3: posted[3]["seed_reveal"]})
    assert lot_seed(draft) == ballots_api.ballot_lot_seed(ballot_id=draft.pk) == seed

    record = ballot_record(draft)
    assert record["ceremony"]["lot_seed"] == seed and record["headline"] == "decrypted"
    rep = verify_record(record)
    assert rep.ok and rep.not_checked == [], (rep.failed, rep.detail, rep.not_checked)
    record["ceremony"]["trustees"][2]["seed_reveal"] = posted[1]["seed_reveal"]
    assert verify_record(record).failed == "ceremony.trustees[3].seed_reveal"
