import datetime as dt

import pytest
from django.utils import timezone

from tests.unionhall.conftest import make_member
from unionhall.ballots.models import Ballot, Question, RollEntry, Trustee
from unionhall.ballots.setup import ballot_manifest, ballot_open, ballot_set_keys
from votecrypt import api
from votecrypt.rng import SeededRng

NOW = timezone.now()


@pytest.fixture
def crowd(people, union):
    """Enough members in North for its area to be shown (at least 10)."""
    return [make_member(f"N{i:02d}", union.north, union.harbour) for i in range(12)]


@pytest.fixture
def ballot(people, union, crowd):
    b = Ballot.objects.create(
        slug="pay-2026", title="Pay offer 2026", employer=union.pps,
        opens_at=NOW - dt.timedelta(hours=1), closes_at=NOW + dt.timedelta(days=7), trustee_threshold=2,
    )  # fmt: skip
    Question.objects.create(ballot=b, position=1, key="accept", text="Do you accept the pay offer?", kind=Question.Kind.YES_NO)
    for index, member in enumerate((people.hq, people.carol, people.dave), start=1):
        Trustee.objects.create(ballot=b, index=index, user=member.user, label=f"Trustee {index}")
    manifest = ballot_manifest(b)
    joint, keys, publics = api.run_dkg(manifest, SeededRng("ballot-fixture"))
    ballot_set_keys(ballot=b, manifest=manifest, joint_key=joint, publics=publics, actor=None)
    b.trustee_keys = keys  # only the tests hold these; in use each trustee keeps their own
    return b


@pytest.fixture
def open_ballot(ballot):
    ballot_open(ballot=ballot, actor=None)
    ballot.refresh_from_db()
    return ballot


def encrypt_for(ballot, member, yes: bool, seed: str = "x"):
    entry = RollEntry.objects.get(ballot=ballot, member=member)
    content, secrets = api.encrypt_ballot(ballot.manifest, ballot.joint_key, entry.alias, [[1, 0] if yes else [0, 1]], SeededRng(f"{seed}/{member.pk}"))
    return content, secrets
