"""Ballots for the demo union: one finished (its record verifies), one open, and one
finished run with voter credentials from the scrutineer (its record verifies too)."""

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from unionhall.ballots.casting import (TRACKER_SUBJECT, TRACKER_TEXT, CastCheck, check_cast_ballot, do_cast_ballot, spoil_ballot,
                                       tracker_content_key, tracker_message_key)
from unionhall.ballots.ceremony import demo_tie_lot_values
from unionhall.ballots.counting import ballot_close, trustee_post_shares
from unionhall.ballots.models import Ballot, Cast, Question, ReplayKey, RollEntry, Trustee
from unionhall.ballots.roll import hold_open, roll_remove
from unionhall.ballots.setup import ballot_manifest, ballot_open, ballot_set_keys
from unionhall.members.models import Employer, Member, Office, Role, User
from unionhall.outbox.models import Channel, Topic
from unionhall.outbox.services import Recipient, content_write, messages_queue
from unionhall.ballots.credentials import (authority_set_key, credential_revoke, credentials_freeze_roll, credentials_require,
                                            credentials_upload, roll_download)
from votecrypt import api, keyfile
from votecrypt import credential_cli as credential_tool
from votecrypt import credentials as credential_codes
from votecrypt.group import mul_base
from votecrypt.rng import SeededRng

DEMO_TRUSTEE_PASSPHRASE = "demo trustee passphrase"
MAX_DEMO_VOTERS = 1500  # votes cast in a demo ballot at most, whatever the union's size: keeps `demo --members 100000` quick


def build_demo_ballots(*, seed: int = 1) -> list[Ballot]:
    rng = random.Random(seed)
    now = timezone.now()
    pps = Employer.objects.get(code="pps")
    hq = Office.objects.current().filter(role=Role.HQ_ADMIN).select_related("member__user").first().member.user
    gs = Office.objects.current().filter(role=Role.GENERAL_SECRETARY).select_related("member__user").first().member.user
    scrutineer, _ = User.objects.get_or_create(email="scrutineer@demo.unionhall.test")
    trustees = [(hq, "HQ membership administrator"), (gs, "General Secretary"), (scrutineer, "Independent scrutineer")]

    finished = _ballot(
        slug="demo-pay-ballot",
        title="Indicative ballot: the 2026 pay offer",
        explanation="The employer offers 2.5% from April 2026, with no change to pay progression. The negotiating committee asks whether you accept it, and whether you would take action short of a strike to improve it.",
        questions=[("accept", "Do you accept the 2026 pay offer?"), ("asos", "Would you take action short of a strike to improve it?")],
        employer=pps, opens_at=now - dt.timedelta(days=30), closes_at=now - dt.timedelta(days=16), trustees=trustees, seed=seed,
    )  # fmt: skip
    cast_demo_votes(finished, rng, turnout=0.58, yes_share=(0.31, 0.72), seed=seed)
    _roll_changes_and_checks(finished, hq, seed)
    ballot_close(ballot=finished, actor=hq, now=finished.closes_at + dt.timedelta(minutes=5))
    finished.refresh_from_db()
    decrypt_demo_headline(finished, finished.trustee_keys, (1, 3), label=f"{seed}/{finished.slug}")  # the General Secretary never returns: the threshold covers it

    current = _ballot(
        slug="demo-workload-ballot",
        title="Consultation: a national workload cap",
        explanation="The union is deciding whether to press for a binding cap on caseloads in the national talks. Your answer guides the negotiators; this is not a statutory ballot.",
        questions=[("cap", "Should the union seek a binding workload cap?")],
        employer=pps, opens_at=now - dt.timedelta(days=2), closes_at=now + dt.timedelta(days=12), trustees=trustees, seed=seed + 1,
    )  # fmt: skip
    cast_demo_votes(current, rng, turnout=0.21, yes_share=(0.8,), seed=seed + 1, spare={"member@demo.unionhall.test"})
    signed = build_credential_ballot(pps=pps, hq=hq, scrutineer=scrutineer, trustees=trustees, now=now, rng=rng, seed=seed + 2)
    return [finished, current, signed]


DEMO_AUTHORITY_NAME = "Fairvote Ballot Services (fictional), independent scrutineer"


def build_credential_ballot(*, pps, hq, scrutineer, trustees, now, rng, seed) -> Ballot:
    """A finished ballot run with voter credentials from the scrutineer's
    account (docs/ballot-credentials.md): the roll frozen before opening, the
    scrutineer's signed list of public credentials, every vote signed with a
    member's code, one lost code revoked and replaced; its record verifies.
    The codes exist only in memory here (a real authority keeps them)."""
    opens_at, closes_at = now - dt.timedelta(days=12), now - dt.timedelta(days=5)
    ballot = Ballot.objects.create(
        slug="demo-overtime-ballot", title="Overtime ban: an indicative vote", employer=pps, opens_at=opens_at, closes_at=closes_at,
        explanation="Are you prepared to take part in an overtime ban over unpaid extra hours? Every vote is signed with a code from the independent scrutineer, so nobody who runs the union's server can add votes.",
        trustee_threshold=2, area_kind=Ballot.AreaKind.BRANCH,
    )  # fmt: skip
    Question.objects.create(ballot=ballot, position=1, key="ban", text="Are you prepared to take part in an overtime ban?", kind=Question.Kind.YES_NO)
    for index, (user, label) in enumerate(trustees, start=1):
        Trustee.objects.create(ballot=ballot, index=index, user=user, label=label)
    keys = make_demo_keys(ballot, label=f"{seed}/{ballot.slug}")
    save_key_files(ballot.slug, keys)
    credentials_require(ballot=ballot, authority=scrutineer, name=DEMO_AUTHORITY_NAME, actor=hq)
    authority = SeededRng(f"{seed}/authority").scalar()
    authority_set_key(ballot=ballot, user=scrutineer, key=mul_base(authority).hex())
    credentials_freeze_roll(ballot=ballot, actor=hq, now=opens_at - dt.timedelta(days=3))
    ballot.refresh_from_db()
    rows: list[list[str]] = []
    public = credential_tool.generate(roll_download(ballot, scrutineer), authority, _Rows(rows))
    credentials_upload(ballot=ballot, user=scrutineer, data=public)
    ballot_open(ballot=ballot, actor=None, now=opens_at)
    ballot.refresh_from_db()
    codes = dict(rows)
    cast_demo_votes(ballot, rng, turnout=0.47, yes_share=(0.64,), seed=seed, codes=codes)
    # A member whose letter went astray: the scrutineer revokes the code (its vote, if any, stops counting) and sends a new one.
    lost = RollEntry.objects.filter(ballot=ballot, voted_at__isnull=False).select_related("member").order_by("member__membership_number").first()
    if lost is not None:
        F = bytes.fromhex(api.fingerprint(ballot.manifest))
        new_code = credential_codes.new_code()
        revocation = credential_tool.revocation(F, credential_codes.public_credential(F, codes[lost.alias]),
                                                credential_codes.public_credential(F, new_code), "Letter returned undelivered", authority)
        credential_revoke(ballot=ballot, user=scrutineer, data=revocation)
        codes[lost.alias] = new_code
        demo_vote(ballot, alias=lost.alias, choices=[[1, 0]], label=f"{seed}/again", now=opens_at + dt.timedelta(days=4), code=new_code)
    ballot_close(ballot=ballot, actor=hq, now=closes_at + dt.timedelta(minutes=5))
    ballot.refresh_from_db()
    decrypt_demo_headline(ballot, keys, (1, 3), label=f"{seed}/{ballot.slug}")
    return ballot


class _Rows:
    """A csv writer's one method, keeping the authority's alias,code rows in memory."""

    def __init__(self, rows: list):
        self.rows = rows

    def writerow(self, row) -> None:
        self.rows.append(list(row))


def _ballot(*, slug, title, explanation, questions, employer, opens_at, closes_at, trustees, seed) -> Ballot:
    ballot = Ballot.objects.create(
        slug=slug, title=title, explanation=explanation, employer=employer, opens_at=opens_at, closes_at=closes_at,
        trustee_threshold=2, area_kind=Ballot.AreaKind.BRANCH,
    )  # fmt: skip
    for position, (key, text) in enumerate(questions, start=1):
        Question.objects.create(ballot=ballot, position=position, key=key, text=text, kind=Question.Kind.YES_NO)
    for index, (user, label) in enumerate(trustees, start=1):
        Trustee.objects.create(ballot=ballot, index=index, user=user, label=label)
    keys = make_demo_keys(ballot, label=f"{seed}/{slug}")
    save_key_files(slug, keys)
    ballot_open(ballot=ballot, actor=None, now=opens_at)
    ballot.refresh_from_db()
    ballot.trustee_keys = keys
    return ballot


def _roll_changes_and_checks(ballot: Ballot, hq, seed: int) -> None:
    """What a real ballot's board and record show besides counted votes: a
    voter who checked the booth, one who changed their mind, and a member
    taken off the roll with the reason."""
    # By membership number, not alias: aliases are random, and the same seed must pick the same members.
    voters = list(RollEntry.objects.filter(ballot=ballot, voted_at__isnull=False).select_related("member").order_by("member__membership_number")[:3])
    if len(voters) < 3:
        return
    checker, changer, leaver = voters
    content, secrets = api.encrypt_ballot(ballot.manifest, ballot.joint_key, checker.alias, [[1, 0], [1, 0]], SeededRng(f"{seed}/checked"))
    spoil_ballot(ballot=ballot, content=content, secrets=secrets)
    content, _ = api.encrypt_ballot(ballot.manifest, ballot.joint_key, changer.alias, [[0, 1], [1, 0]], SeededRng(f"{seed}/changed"))
    check = check_cast_ballot(ballot=ballot, member=changer.member, content=content, now=ballot.opens_at + dt.timedelta(days=3))
    do_cast_ballot(ballot=ballot, check=check, content=content)
    roll_remove(ballot=ballot, member=leaver.member, reason="Promoted out of the bargaining unit before the cut-off date", actor=hq)


def make_demo_keys(ballot: Ballot, *, label: str, actor=None) -> list[dict]:
    """The trustees' key ceremony run in one place with seeded randomness (a
    real trustee makes their share in their own browser): sets the ballot's
    key and returns the trustees' keys, for the demo to decrypt with."""
    manifest = ballot_manifest(ballot)
    joint, keys, publics = api.run_dkg(manifest, SeededRng(f"{label}/dkg"))
    ballot_set_keys(ballot=ballot, manifest=manifest, joint_key=joint, publics=publics, actor=actor)
    return demo_tie_lot_values(ballot, keys, label=label)  # the round-1 digests and tie-lot values a real ceremony makes


def decrypt_demo_headline(ballot: Ballot, keys: list[dict], indexes, *, label: str) -> None:
    """Trustees ``indexes`` post their decryption shares of the closed ballot's overall result."""
    ballot.refresh_from_db()
    for index in indexes:
        share = api.decryption_share(ballot.manifest, ballot.joint_key, keys[index - 1], ballot.tallies[0], SeededRng(f"{label}/share/{index}"))
        trustee_post_shares(ballot=ballot, trustee=Trustee.objects.get(ballot=ballot, index=index), shares={"": share, "seed_reveal": keys[index - 1].get("seed")})


def spread_voting_times(ballot: Ballot, rng: random.Random) -> None:
    """Date the demo's votes across the time the ballot has been open, most of
    them early, as real turnout curves run (a demo casts them all at once)."""
    span = min(timezone.now(), ballot.closes_at) - ballot.opens_at
    entries = list(ballot.roll.filter(voted_at__isnull=False).order_by("pk").only("pk"))
    for entry in entries:
        entry.voted_at = ballot.opens_at + span * (rng.random() ** 2)
    RollEntry.objects.bulk_update(entries, ["voted_at"], batch_size=1000)


def save_key_files(slug: str, keys: list[dict]) -> None:
    """The demo's trustees' key files, sealed with a published passphrase (a
    real trustee's file is made and kept on their own computer)."""
    folder = Path(settings.VAR_DIR) / "demo-trustees"
    folder.mkdir(parents=True, exist_ok=True)
    for key in keys:
        sealed = keyfile.seal(key, DEMO_TRUSTEE_PASSPHRASE, ops=1, mem=8192)
        (folder / f"{slug}-trustee-{key['index']}.json").write_text(json.dumps(sealed))


def demo_vote(ballot: Ballot, *, alias: str, choices: list[list[int]], label: str, now: dt.datetime, code: str | None = None) -> Cast:
    """Encrypt ``choices`` for the voter ``alias`` with randomness seeded by
    ``label`` and cast it as the booth would, at ``now``; signed with the
    member's credential ``code`` when the ballot uses voter credentials."""
    entry = RollEntry.objects.select_related("member").get(ballot=ballot, alias=alias)
    content, _ = api.encrypt_ballot(ballot.manifest, ballot.joint_key, alias, choices, SeededRng(label))
    signed = credential_codes.sign_ballot_json(ballot.manifest, ballot.joint_key, content, code) if code else None
    check = check_cast_ballot(ballot=ballot, member=entry.member, content=content, signed=signed, now=now)
    return do_cast_ballot(ballot=ballot, check=check, content=content)


@dataclass(frozen=True)
class DemoVote:
    check: CastCheck  # what check_cast_ballot returned for it
    content: dict
    member: Member  # with email and first name, for the tracker email
    voted_at: dt.datetime


def cast_demo_votes(ballot: Ballot, rng: random.Random, *, turnout: float, yes_share: tuple, seed: int, spare=frozenset(),
                    codes: dict[str, str] | None = None) -> None:
    """Cast real encrypted votes: ``turnout`` of the roll, but at most
    MAX_DEMO_VOTERS whatever the union's size (each vote is encrypted with its
    proofs), drawn from the whole roll in membership-number order, so the same
    seed picks the same members. Each vote passes ``check_cast_ballot``, the
    checks the booth's votes pass (on the roll, its proofs, not a replay, and
    with voter credentials its signature); they are then stored together
    (``store_demo_casts``) rather than one transaction and one email each."""
    roll = list(
        RollEntry.objects.filter(ballot=ballot, removed_at__isnull=True).exclude(member__email__in=spare)
        .order_by("member__membership_number").values_list("pk", flat=True)
    )  # fmt: skip
    chosen = sorted(rng.sample(range(len(roll)), min(MAX_DEMO_VOTERS, round(len(roll) * turnout))))
    entries = RollEntry.objects.select_related("member").only("alias", "member__email", "member__first_name").in_bulk([roll[i] for i in chosen])
    voters = [entries[roll[i]] for i in chosen]
    at = ballot.opens_at + dt.timedelta(hours=1)
    span = min(timezone.now(), ballot.closes_at) - ballot.opens_at
    votes = []
    for i, entry in enumerate(voters):
        choices = [[1, 0] if rng.random() < share else [0, 1] for share in yes_share]
        content, _ = api.encrypt_ballot(ballot.manifest, ballot.joint_key, entry.alias, choices, SeededRng(f"{seed}/vote/{i}"))
        signed = credential_codes.sign_ballot_json(ballot.manifest, ballot.joint_key, content, codes[entry.alias],
                                                   SeededRng(f"{seed}/sign/{i}")) if codes else None  # fmt: skip
        check = check_cast_ballot(ballot=ballot, member=entry.member, content=content, signed=signed, now=at)
        # Spread the demo's votes over the time the ballot has been open, most
        # of them early, as real turnout curves run.
        votes.append(DemoVote(check, content, entry.member, ballot.opens_at + span * (rng.random() ** 2)))
    store_demo_casts(ballot, votes)


def store_demo_casts(ballot: Ballot, votes: list[DemoVote]) -> None:
    """Store checked votes of distinct voters as ``do_cast_ballot`` stores one,
    in one transaction for the lot: a re-voter's earlier ballot superseded,
    the ballots' replay keys, the ballots, each voter's ``voted_at``, and each
    voter's tracker email queued (``messages_queue``, a thousand at a time)."""
    with transaction.atomic():
        hold_open(ballot)
        revoting = [v.check.entry.pk for v in votes if v.check.voted]
        if revoting:
            Cast.objects.filter(roll_entry_id__in=revoting, superseded=False).update(superseded=True)
        ReplayKey.objects.bulk_create([ReplayKey(ballot=ballot, key=key) for v in votes for key in v.check.replay_keys], batch_size=1000)
        Cast.objects.bulk_create(
            [Cast(ballot=ballot, roll_entry_id=v.check.entry.pk, content=v.content, tracker=v.check.tracker, credential=v.check.credential,
                  signature=v.check.signature) for v in votes],
            batch_size=500,
        )  # fmt: skip
        entries = [RollEntry(pk=v.check.entry.pk, voted_at=v.voted_at) for v in votes]
        RollEntry.objects.bulk_update(entries, ["voted_at"], batch_size=1000)
        _queue_trackers(ballot, [v for v in votes if v.member.email])


def _queue_trackers(ballot: Ballot, votes: list[DemoVote], *, per_call: int = 1000) -> None:
    if not votes:
        return
    content = content_write(key=tracker_content_key(ballot), subject=TRACKER_SUBJECT.format(title=ballot.title), text=TRACKER_TEXT)
    recipients = [
        Recipient(key=tracker_message_key(ballot, v.check.tracker, v.member.email), address=v.member.email, member_id=v.member.pk,
                  fields={"first_name": v.member.first_name, "tracker": v.check.tracker})
        for v in votes
    ]  # fmt: skip
    for start in range(0, len(recipients), per_call):
        messages_queue(topic=Topic.BALLOT_TRACKER, channel=Channel.EMAIL, content=content, recipients=recipients[start : start + per_call])
