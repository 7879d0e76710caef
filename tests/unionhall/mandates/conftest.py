import datetime as dt
import re
import zlib

import pytest
from django.utils import timezone

from tests.unionhall.conftest import make_member
from unionhall.ballots.models import Ballot, Question, RollEntry, Trustee
from unionhall.ballots.casting import check_cast_ballot, do_cast_ballot
from unionhall.ballots.setup import ballot_manifest, ballot_set_keys
from unionhall.mandates.models import Profile, StatutoryBallot
from unionhall.members.models import Member
from votecrypt import api
from votecrypt.rng import SeededRng

STRIKE = "Are you prepared to take part in a strike?"
ASOS = "Are you prepared to take part in industrial action short of a strike?"


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def make_ballot(people, union, *, slug: str, opens_on: dt.date, days: int = 14, questions=((STRIKE, "strike"), (ASOS, "asos"))) -> Ballot:
    """A draft ballot with its keys made (the tests hold the trustees' keys)."""
    ballot = Ballot.objects.create(slug=slug, title=f"Industrial action ballot {slug}", employer=union.pps,
                                   opens_at=at(opens_on), closes_at=at(opens_on + dt.timedelta(days=days), 17), trustee_threshold=2)  # fmt: skip
    for position, (text, key) in enumerate(questions, start=1):
        Question.objects.create(ballot=ballot, position=position, key=key, text=text, kind=Question.Kind.YES_NO)
    for index, member in enumerate((people.hq, people.carol, people.dave), start=1):
        Trustee.objects.create(ballot=ballot, index=index, user=member.user, label=f"Trustee {index}")
    manifest = ballot_manifest(ballot)
    joint, keys, publics = api.run_dkg(manifest, SeededRng(f"{slug}-dkg"))
    ballot_set_keys(ballot=ballot, manifest=manifest, joint_key=joint, publics=publics, actor=None)
    ballot.trustee_keys = keys
    return ballot


def make_statutory(ballot: Ballot, **overrides) -> StatutoryBallot:
    """A statutory ballot that passes every check, unless ``overrides`` break one."""
    opens_on = timezone.localdate(ballot.opens_at)
    values = {
        "profile": Profile.objects.get(code="statutory-industrial-action"),
        "dispute": "Pay for 2026: the employer's offer of 1% against inflation of 4%.",
        "employer": ballot.employer,
        "employer_address": "Public Probation Service\n1 Justice Row\nLondon SW1A 1AA",
        "employer_email_domains": "pps.example.gov.uk",
        "scrutineer_name": "Morgan Reid",
        "scrutineer_firm": "Fairvote Scrutiny Ltd",
        "return_address": "Fairvote Scrutiny Ltd, Freepost BALLOT, Leeds LS1 1AA",
        "channel": StatutoryBallot.Channel.POSTAL,
        "strike_question": ballot.questions.filter(key="strike").first(),
        "asos_question": ballot.questions.filter(key="asos").first(),
        "asos_types": "An overtime ban",
        "action_period": "Between 1 December 2026 and 31 May 2027",
        "authorised_to_call": "The General Secretary",
        "ballot_notice_sent_on": opens_on - dt.timedelta(days=7),
        "sample_paper_sent_on": opens_on - dt.timedelta(days=3),
    }
    values.update(overrides)
    return StatutoryBallot.objects.create(ballot=ballot, **values)


@pytest.fixture
def workforce(people, union):
    """Twelve more members at Harbour; everyone has a home address."""
    crowd = [make_member(f"W{i:02d}", union.north, union.harbour, grade="PO" if i < 8 else "PSO") for i in range(12)]
    Member.objects.update(address_line1="1 Test Street", town="Testbridge", postcode="TB1 1AA")
    return crowd


def pdf_text(data: bytes) -> str:
    """The text a PDF shows: every string drawn in its (deflated) content streams."""
    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            content = stream
        for text in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content):
            shown.append(re.sub(rb"\\(.)", rb"\1", text).decode("latin-1"))
    return "\n".join(shown)


def vote_online(ballot: Ballot, member: Member, choices: list[list[int]], seed: str):
    entry = RollEntry.objects.get(ballot=ballot, member=member)
    content, _ = api.encrypt_ballot(ballot.manifest, ballot.joint_key, entry.alias, choices, SeededRng(seed))
    do_cast_ballot(ballot=ballot, check=check_cast_ballot(ballot=ballot, member=member, content=content), content=content)
