"""A rule profile plugs into the engine through ballots.hooks, registered at
start-up; the engine itself knows no profile."""

import pytest

from unionhall.ballots import hooks
from unionhall.ballots.models import Ballot, RollEntry
from unionhall.ballots.setup import ballot_open
from unionhall.refusals import Refused


@pytest.fixture
def profile(monkeypatch):
    """Register a profile for one test only."""

    def plug(**answers) -> hooks.RuleProfile:
        profile = hooks.RuleProfile(name="test-profile", **answers)
        monkeypatch.setitem(hooks._profiles, profile.name, profile)
        return profile

    return plug


def test_the_statutory_profile_is_registered_at_start_up():
    assert "mandates.statutory" in {p.name for p in hooks.registered()}


def test_a_profiles_blockers_keep_a_ballot_from_opening_and_nothing_is_frozen(ballot, profile):
    asked = []
    profile(blockers=lambda *, ballot_id: asked.append(ballot_id) or ["The notice of ballot has not been sent."])
    with pytest.raises(Refused, match="cannot open yet: The notice of ballot has not been sent.") as refused:
        ballot_open(ballot=ballot, actor=None)
    assert refused.value.status == 409 and asked == [ballot.pk]
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.DRAFT and not RollEntry.objects.exists()


def test_a_ballot_no_profile_claims_has_the_indicative_drive_terms(ballot, profile):
    profile(drive_terms=lambda *, ballot_id: None)
    assert hooks.drive_terms(ballot_id=ballot.pk) == hooks.INDICATIVE
    claimed = hooks.DriveTerms(statutory=True, threshold=50, work_domains=("example.gov.uk",))
    profile(drive_terms=lambda *, ballot_id: claimed)
    assert hooks.drive_terms(ballot_id=ballot.pk) == claimed


def test_a_profile_may_fill_only_the_records_known_sections(ballot, profile):
    profile(record_extras=lambda *, ballot_id: {"postal": {"papers_issued": 3}})
    assert hooks.record_extras(ballot_id=ballot.pk) == {"postal": {"papers_issued": 3}}
    profile(record_extras=lambda *, ballot_id: {"gossip": "who voted"})
    with pytest.raises(ValueError, match="no place for"):
        hooks.record_extras(ballot_id=ballot.pk)
