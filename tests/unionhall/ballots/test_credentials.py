"""Voter credentials in the ballots app (docs/ballot-credentials.md): the
authority's list, signed ballots, revocation, the record, and a ballot put
straight into the database without a credential failing unionhall-verify.
Every bad input is refused with its reason and changes nothing."""

import copy
import datetime as dt
import json
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.unionhall.ballots.conftest import encrypt_for
from tests.unionhall.conftest import sign_in
from unionhall.ballots.casting import check_cast_ballot, do_cast_ballot
from unionhall.ballots.counting import ballot_close, trustee_post_shares
from unionhall.ballots.credentials import (authority_set_key, credential_revoke, credentials_freeze_roll, credentials_require,
                                            credentials_upload, roll_download)
from unionhall.ballots.models import Ballot, Cast, Credential, RollEntry, Trustee
from unionhall.ballots.record import ballot_record
from unionhall.ballots.roll import roll_add
from unionhall.ballots.setup import ballot_open
from unionhall.refusals import Refused
from votecrypt import api, credential_cli as tool, credentials as cr
from votecrypt.group import mul_base
from votecrypt.rng import SeededRng

AUTHORITY_KEY = SeededRng("test authority").scalar()
AUTHORITY_NAME = "Fairvote Ballot Services (fictional)"


class Rows(list):
    def writerow(self, row):
        self.append(list(row))


@pytest.fixture
def authority(db):
    return get_user_model().objects.create(email="scrutineer@example.test")


@pytest.fixture
def frozen(ballot, people, authority):
    """A draft ballot with credentials required, its authority's key, and the roll frozen."""
    credentials_require(ballot=ballot, authority=authority, name=AUTHORITY_NAME, actor=people.hq.user)
    authority_set_key(ballot=ballot, user=authority, key=mul_base(AUTHORITY_KEY).hex())
    credentials_freeze_roll(ballot=ballot, actor=people.hq.user)
    ballot.refresh_from_db()
    return ballot


def make_list(ballot, authority, key=AUTHORITY_KEY):
    rows = Rows()
    public = tool.generate(roll_download(ballot, authority), key, rows)
    return public, dict(rows)


@pytest.fixture
def signed_ballot(frozen, authority):
    """Open, with the authority's list uploaded; ``.codes`` is alias -> code (the authority's file)."""
    public, codes = make_list(frozen, authority)
    credentials_upload(ballot=frozen, user=authority, data=public)
    ballot_open(ballot=frozen, actor=None)
    frozen.refresh_from_db()
    frozen.codes = codes
    return frozen


def alias_of(ballot, member):
    return RollEntry.objects.get(ballot=ballot, member=member).alias


def signed_cast(ballot, member, *, yes=True, seed="s", code=None):
    content, _ = encrypt_for(ballot, member, yes, seed)
    signed = cr.sign_ballot_json(ballot.manifest, ballot.joint_key, content, code or ballot.codes[alias_of(ballot, member)])
    check = check_cast_ballot(ballot=ballot, member=member, content=content, signed=signed)
    return do_cast_ballot(ballot=ballot, check=check, content=content)


def refused(fn, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as exc:
        fn(*args, **kwargs)
    return exc.value


# --- setting up ----------------------------------------------------------------------

def test_an_hq_officer_cannot_be_the_credential_authority(ballot, people):
    e = refused(credentials_require, ballot=ballot, authority=people.hq.user, name="HQ", actor=people.hq.user)
    assert "cannot be an HQ officer" in str(e)
    ballot.refresh_from_db()
    assert ballot.credential_authority_id is None


def test_the_roll_commitment_is_set_when_the_roll_freezes_and_matches_the_record(frozen, authority):
    roll = roll_download(frozen, authority)
    assert frozen.roll_commitment and roll["roll_commitment"] == frozen.roll_commitment
    assert tool.read_roll(roll)[1].hex() == frozen.roll_commitment  # the authority's tool recomputes it


def test_the_ballot_cannot_open_without_the_list(frozen):
    e = refused(ballot_open, ballot=frozen, actor=None)
    assert "has not yet uploaded the credential list" in str(e)
    assert Ballot.objects.get(pk=frozen.pk).status == Ballot.Status.DRAFT


def test_the_ballot_cannot_open_before_the_roll_is_frozen(ballot, people, authority):
    credentials_require(ballot=ballot, authority=authority, name=AUTHORITY_NAME, actor=people.hq.user)
    assert "Freeze the roll first" in str(refused(ballot_open, ballot=ballot, actor=None))


@pytest.mark.parametrize("bad, why", [
    ("duplicates", "has a credential twice"),
    ("too_many", "cannot have more than the roll"),
    ("malformed", "is not a valid public credential"),
    ("not_signed", "signature is not the credential authority's"),
    ("other_roll", "made for another roll"),
])
def test_a_bad_list_is_refused_with_its_reason_and_nothing_stored(frozen, authority, bad, why):
    public, _ = make_list(frozen, authority)
    F, rc = bytes.fromhex(public["fingerprint"]), bytes.fromhex(public["roll_commitment"])
    pts = [bytes.fromhex(p) for p in public["list"]]
    size = public["roll_size"]
    if bad == "duplicates":
        pts[-1] = pts[0]
    elif bad == "too_many":
        pts.append(cr.public_credential(F, cr.new_code()))
    if bad in ("duplicates", "too_many"):  # signed by the authority all the same: the server still refuses
        public["list"] = sorted(p.hex() for p in pts)
        public["signature"] = cr.sign_list(F, rc, size, sorted(pts), AUTHORITY_KEY)
    elif bad == "malformed":
        public["list"][3] = "ff" * 32
    elif bad == "not_signed":
        public["signature"] = cr.sign_list(F, rc, size, pts, SeededRng("server").scalar())
    elif bad == "other_roll":
        public["roll_commitment"] = "00" * 32
    assert why in str(refused(credentials_upload, ballot=frozen, user=authority, data=public))
    assert not Credential.objects.filter(ballot=frozen).exists()


def test_only_the_authority_uploads_and_not_after_opening(signed_ballot, authority, people):
    public, _ = make_list(signed_ballot, authority)
    assert refused(credentials_upload, ballot=signed_ballot, user=people.hq.user, data=public).status == 403
    e = refused(credentials_upload, ballot=signed_ballot, user=authority, data=public)
    assert "can no longer change" in str(e)
    assert set(Credential.objects.filter(ballot=signed_ballot).values_list("public", flat=True)) != set(public["list"])


def test_the_authority_uploads_through_its_page_and_others_get_nothing(frozen, authority, people, client, tmp_path):
    public, _ = make_list(frozen, authority)
    client.force_login(authority, backend="unionhall.members.backends.ModelBackend")
    page = client.get(reverse("ballot_credentials", args=[frozen.slug]))
    assert page.status_code == 200 and b"Download the frozen roll" in page.content
    roll = json.loads(client.get(reverse("ballot_credentials", args=[frozen.slug]) + "?download=roll").content)
    assert roll["roll_commitment"] == frozen.roll_commitment and all(len(v) == 2 for v in roll["voters"])
    from unionhall.audit.models import AuditEntry

    assert AuditEntry.objects.filter(actor=authority, action="export").exists()
    path = tmp_path / "public.json"
    path.write_text(json.dumps(public))
    with path.open("rb") as f:
        client.post(reverse("ballot_credentials", args=[frozen.slug]), {"action": "upload", "list": f})
    assert Credential.objects.filter(ballot=frozen).count() == len(public["list"])
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("ballot_credentials", args=[frozen.slug])).status_code == 404


def test_hq_sees_the_commitment_and_the_credentials_page(signed_ballot, people, client):
    sign_in(client, people.hq)
    detail = client.get(reverse("ballot_detail", args=[signed_ballot.slug])).content.decode()
    assert signed_ballot.roll_commitment in detail and AUTHORITY_NAME in detail
    page = client.get(reverse("ballot_credentials", args=[signed_ballot.slug])).content.decode()
    assert "public credentials, uploaded" in page and "Download the frozen roll" not in page  # HQ is not the authority


# --- casting ----------------------------------------------------------------------------

def test_a_signed_ballot_is_stored_with_its_credential_and_a_revote_replaces_it(signed_ballot, people):
    first = signed_cast(signed_ballot, people.alice, seed="one")
    second = signed_cast(signed_ballot, people.alice, yes=False, seed="two")
    first.refresh_from_db()
    assert first.superseded and not second.superseded and second.credential == first.credential
    assert second.credential.public == cr.public_from_code(signed_ballot.manifest, signed_ballot.codes[alias_of(signed_ballot, people.alice)])


def test_casting_makes_one_query_more_than_without_credentials(signed_ballot, people, open_ballot_plain):
    def queries(ballot, member, signed):
        content, _ = encrypt_for(ballot, member, True, "q")
        s = cr.sign_ballot_json(ballot.manifest, ballot.joint_key, content, ballot.codes[alias_of(ballot, member)]) if signed else None
        with CaptureQueriesContext(connection) as ctx:
            check = check_cast_ballot(ballot=ballot, member=member, content=content, signed=s)
        return len(ctx.captured_queries)

    assert queries(signed_ballot, people.alice, True) == queries(open_ballot_plain, people.alice, False) + 1


@pytest.fixture
def open_ballot_plain(people, union, crowd, signed_ballot):
    """A second open ballot of the same union, without credentials."""
    b = Ballot.objects.create(slug="plain", title="Plain", employer=union.pps, opens_at=signed_ballot.opens_at,
                              closes_at=signed_ballot.closes_at, trustee_threshold=1)
    b.questions.create(position=1, key="accept", text="Accept?", kind="yesno")
    Trustee.objects.create(ballot=b, index=1, user=people.hq.user, label="T")
    from unionhall.ballots.setup import ballot_manifest, ballot_set_keys

    m = ballot_manifest(b)
    joint, _, publics = api.run_dkg(m, SeededRng("plain"))
    ballot_set_keys(ballot=b, manifest=m, joint_key=joint, publics=publics, actor=None)
    ballot_open(ballot=b, actor=None)
    b.refresh_from_db()
    return b


def _refused_cast(ballot, member, signed, seed="r"):
    content, _ = encrypt_for(ballot, member, True, seed)
    before = Cast.objects.count()
    e = refused(check_cast_ballot, ballot=ballot, member=member, content=content, signed=signed(content) if callable(signed) else signed)
    assert Cast.objects.count() == before
    return str(e)


def test_no_signature_a_wrong_code_or_a_wrong_signature_is_refused(signed_ballot, people):
    b = signed_ballot
    assert "needs your credential code" in _refused_cast(b, people.alice, None)
    stranger = cr.new_code()
    assert "not one Fairvote Ballot Services (fictional) issued" in _refused_cast(
        b, people.alice, lambda c: cr.sign_ballot_json(b.manifest, b.joint_key, c, stranger))
    mine = b.codes[alias_of(b, people.alice)]

    def other_ballots_signature(content):
        s = cr.sign_ballot_json(b.manifest, b.joint_key, content, mine)
        other, _ = encrypt_for(b, people.alice, False, "another")
        s["signature"] = cr.sign_ballot_json(b.manifest, b.joint_key, other, mine)["signature"]
        return s

    assert "signature does not match" in _refused_cast(b, people.alice, other_ballots_signature)


def test_another_members_used_credential_is_refused(signed_ballot, people):
    b = signed_ballot
    alices = b.codes[alias_of(b, people.alice)]
    signed_cast(b, people.alice)
    why = _refused_cast(b, people.bob, lambda c: cr.sign_ballot_json(b.manifest, b.joint_key, c, alices))
    assert "already been used by another member" in why


def test_a_race_for_one_credential_stores_one_ballot_and_tells_the_other_member(signed_ballot, people):
    """Both members' checks pass before either ballot is stored (two requests
    side by side); the second store meets the one-counted-ballot-per-credential
    constraint and is told so, not that its ballot is already on the board."""
    b = signed_ballot
    alices = b.codes[alias_of(b, people.alice)]
    checked = []
    for member, seed in ((people.alice, "a"), (people.bob, "b")):
        content, _ = encrypt_for(b, member, True, seed)
        signed = cr.sign_ballot_json(b.manifest, b.joint_key, content, alices)
        checked.append((check_cast_ballot(ballot=b, member=member, content=content, signed=signed), content))
    do_cast_ballot(ballot=b, check=checked[0][0], content=checked[0][1])
    e = refused(do_cast_ballot, ballot=b, check=checked[1][0], content=checked[1][1])
    assert e.status == 409 and "already been used by another member" in str(e)
    assert list(Cast.objects.filter(ballot=b).values_list("roll_entry__member", flat=True)) == [people.alice.pk]


def test_an_alias_cannot_swap_to_another_credential(signed_ballot, people):
    b = signed_ballot
    signed_cast(b, people.alice)
    unused = b.codes[alias_of(b, people.bob)]
    assert "different code" in _refused_cast(b, people.alice, lambda c: cr.sign_ballot_json(b.manifest, b.joint_key, c, unused))


def test_a_replayed_signed_ballot_is_refused(signed_ballot, people):
    b = signed_ballot
    content, _ = encrypt_for(b, people.alice, True, "replay")
    s = cr.sign_ballot_json(b.manifest, b.joint_key, content, b.codes[alias_of(b, people.alice)])
    do_cast_ballot(ballot=b, check=check_cast_ballot(ballot=b, member=people.alice, content=content, signed=s), content=content)
    e = refused(check_cast_ballot, ballot=b, member=people.alice, content=content, signed=s)
    assert e.status == 409 and Cast.objects.filter(ballot=b).count() == 1


def test_revocation_withdraws_the_ballot_and_the_replacement_votes(signed_ballot, people, authority):
    b = signed_ballot
    signed_cast(b, people.alice)
    F = bytes.fromhex(api.fingerprint(b.manifest))
    old_code, new_code = b.codes[alias_of(b, people.alice)], cr.new_code()
    old, new = cr.public_credential(F, old_code), cr.public_credential(F, new_code)
    forged = tool.revocation(F, old, new, "lost", SeededRng("server").scalar())
    assert "not the credential authority's" in str(refused(credential_revoke, ballot=b, user=authority, data=forged))
    credential_revoke(ballot=b, user=authority, data=tool.revocation(F, old, new, "Letter returned undelivered", AUTHORITY_KEY))
    assert not Cast.objects.filter(ballot=b, superseded=False).exists()
    assert "was cancelled" in _refused_cast(b, people.alice, lambda c: cr.sign_ballot_json(b.manifest, b.joint_key, c, old_code))
    signed_cast(b, people.alice, seed="again", code=new_code)
    assert Cast.objects.get(ballot=b, superseded=False).credential.public == new.hex()


def test_a_member_added_after_the_freeze_gets_a_code_from_the_authority_and_votes(signed_ballot, people, union, authority, tmp_path):
    from tests.unionhall.conftest import make_member

    b = signed_ballot
    late = make_member("L1", union.north, union.harbour, first_name="Lee", last_name="Late")
    roll_add(ballot=b, member=late, reason="Joined before the cut-off; the register was late", actor=people.hq.user)
    F = bytes.fromhex(api.fingerprint(b.manifest))
    code = cr.new_code()
    issue = tool.revocation(F, None, cr.public_credential(F, code), "added to the roll after it froze", AUTHORITY_KEY)
    credential_revoke(ballot=b, user=authority, data=issue)
    second = tool.revocation(F, None, cr.public_credential(F, cr.new_code()), "added", AUTHORITY_KEY)
    assert "already has a credential" in str(refused(credential_revoke, ballot=b, user=authority, data=second))
    signed_cast(b, late, code=code)
    signed_cast(b, people.alice)
    rec = close_and_decrypt(b)
    assert [r["credential"] for r in rec["credentials"]["revocations"]] == [None]
    r = verify_cli(rec, tmp_path)
    assert r.returncode == 0, r.stdout


# --- the record ---------------------------------------------------------------------------

def close_and_decrypt(ballot):
    ballot_close(ballot=ballot, actor=None, now=ballot.closes_at + dt.timedelta(minutes=1))
    ballot.refresh_from_db()
    for key in ballot.trustee_keys[:2]:
        share = api.decryption_share(ballot.manifest, ballot.joint_key, key, ballot.tallies[0], SeededRng(f"share/{key['index']}"))
        trustee_post_shares(ballot=ballot, trustee=Trustee.objects.get(ballot=ballot, index=key["index"]), shares={"": share})
    ballot.refresh_from_db()
    return ballot_record(ballot)


def verify_cli(record, tmp_path, *args):
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    return subprocess.run([sys.executable, "-m", "votecrypt.cli", str(path), *args], capture_output=True, text=True)


def test_the_record_carries_credentials_and_verifies(signed_ballot, people, authority, tmp_path):
    b = signed_ballot
    for m in (people.alice, people.bob, people.carol):
        signed_cast(b, m)
    F = bytes.fromhex(api.fingerprint(b.manifest))
    bob_old = cr.public_credential(F, b.codes[alias_of(b, people.bob)])
    credential_revoke(ballot=b, user=authority, data=tool.revocation(F, bob_old, None, "Code reported stolen", AUTHORITY_KEY))
    rec = close_and_decrypt(b)
    c = rec["credentials"]
    assert c["authority"] == {"name": AUTHORITY_NAME, "key": mul_base(AUTHORITY_KEY).hex()}
    assert len(c["ballots"]) == len(rec["board"]) == 2 and len(c["revocations"]) == 1
    assert [n["why"] for n in rec["not_counted"]] == ["revoked"]
    r = verify_cli(rec, tmp_path, "--roll-commitment", b.roll_commitment)
    assert r.returncode == 0, r.stdout
    assert "credentials: 2 counted ballots signed by 2 credentials" in r.stdout
    bad = verify_cli(rec, tmp_path, "--roll-commitment", "ab" * 32)
    assert bad.returncode == 1 and "FAIL roll.commitment" in bad.stdout


def test_a_ballot_put_straight_into_the_database_without_a_credential_fails_verification(signed_ballot, people, tmp_path):
    """Someone with full database access but no credential adds a vote for a
    member who did not vote: the record is built as usual, and fails."""
    b = signed_ballot
    signed_cast(b, people.alice)
    entry = RollEntry.objects.get(ballot=b, member=people.bob)
    content, _ = api.encrypt_ballot(b.manifest, b.joint_key, entry.alias, [[1, 0]], SeededRng("injected"))
    Cast.objects.create(ballot=b, roll_entry=entry, content=content, tracker=api.tracker(b.manifest, b.joint_key, content))
    rec = close_and_decrypt(b)
    r = verify_cli(rec, tmp_path)
    assert r.returncode == 1
    assert "FAIL credentials.ballots" in r.stdout, r.stdout
    # the same record without the credentials section verifies, and says the server could have added ballots
    del rec["credentials"]
    plain = verify_cli(rec, tmp_path)
    assert plain.returncode == 0 and "credentials: NONE" in plain.stdout


def test_the_demo_ballot_with_credentials_verifies(db, tmp_path):
    from unionhall.ballots.demo import build_demo_ballots
    from unionhall.members.demo.builder import build_demo_union

    build_demo_union(members=150, seed=5)
    ballots = build_demo_ballots(seed=5)
    signed = next(b for b in ballots if b.slug == "demo-overtime-ballot")
    assert signed.credential_authority.email == "scrutineer@demo.unionhall.test"
    rec = ballot_record(Ballot.objects.get(pk=signed.pk))
    assert rec["credentials"]["revocations"] and len(rec["credentials"]["ballots"]) == len(rec["board"]) > 10
    r = api.verify_record(json.loads(json.dumps(rec)))
    assert r.ok, (r.failed, r.detail)

