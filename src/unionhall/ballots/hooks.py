"""How a rule profile plugs into the ballot engine without the engine knowing it.

A rule profile is the law (or the union's rules) around some ballots: the
statutory industrial action ballot of ``mandates`` is one. It can add three
things to a ballot it governs:

- blockers: why the ballot may not open yet (a notice sent too late);
- record extras: sections of the election record the engine does not make
  itself (the scrutineer's postal count, docs/election-record.md §6.6);
- drive terms: what the turnout drive may show (the legal turnout threshold,
  and the employer's domains that reminders must never use).

The app that owns a profile registers it once at start-up, from its
``AppConfig.ready()`` (``ballots.api.register_profile``). The engine then
asks every registered profile about every ballot, by id; a profile answers
only for its own ballots (nothing, empty, or None for the rest). So nothing
in ``ballots`` imports the apps built on it, not even inside a function.

This module is a leaf: it imports nothing of the engine, so every phase
module can consult it."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

# The sections of the election record a profile may fill (votecrypt.record.build_record).
RECORD_SECTIONS = frozenset({"postal"})


@dataclass(frozen=True)
class DriveTerms:
    """What the turnout drive of a ballot may show."""

    statutory: bool
    threshold: int | None  # the turnout threshold that applies, in percent; None when none does
    work_domains: tuple[str, ...] = ()  # reminders never go to an address at these, or under them


# A ballot that no profile claims: 50% is shown for reference, reminders use any address.
INDICATIVE = DriveTerms(statutory=False, threshold=None)


def _no_blockers(*, ballot_id: int) -> Sequence[str]:
    return ()


def _no_extras(*, ballot_id: int) -> Mapping[str, object]:
    return {}


def _no_terms(*, ballot_id: int) -> DriveTerms | None:
    return None


def _no_links(*, ballot_id: int) -> Sequence[tuple[str, str]]:
    return ()


@dataclass(frozen=True)
class RuleProfile:
    """A profile's four answers, each called with ``ballot_id=`` only.
    Each must answer quickly and change nothing: ``blockers`` runs inside
    the opening's transaction, ``drive_terms`` on every turnout page,
    ``hq_links`` (label, url) on the ballot's page for HQ, e.g. the statutory
    ballot's own page."""

    name: str
    blockers: Callable[..., Sequence[str]] = field(default=_no_blockers)
    record_extras: Callable[..., Mapping[str, object]] = field(default=_no_extras)
    drive_terms: Callable[..., DriveTerms | None] = field(default=_no_terms)
    hq_links: Callable[..., Sequence[tuple[str, str]]] = field(default=_no_links)


_profiles: dict[str, RuleProfile] = {}


def register(profile: RuleProfile) -> None:
    """Add ``profile``, or replace the one of the same name (``ready()`` may
    run more than once, as in some test runners)."""
    _profiles[profile.name] = profile


def registered() -> tuple[RuleProfile, ...]:
    return tuple(_profiles.values())


def blockers(*, ballot_id: int) -> list[str]:
    """Every registered profile's reasons the ballot may not open; empty if none."""
    return [problem for profile in _profiles.values() for problem in profile.blockers(ballot_id=ballot_id)]


def record_extras(*, ballot_id: int) -> dict[str, object]:
    """The record sections the profiles add. A section outside RECORD_SECTIONS,
    or one claimed by two profiles, is a programming error and raises."""
    extras: dict[str, object] = {}
    for profile in _profiles.values():
        for section, value in profile.record_extras(ballot_id=ballot_id).items():
            if section not in RECORD_SECTIONS:
                raise ValueError(f"rule profile {profile.name!r} adds {section!r}, which the election record has no place for")
            if section in extras:
                raise ValueError(f"two rule profiles fill the record's {section!r}")
            extras[section] = value
    return extras


def drive_terms(*, ballot_id: int) -> DriveTerms:
    """The terms of the first profile that claims the ballot, else INDICATIVE."""
    for profile in _profiles.values():
        if (terms := profile.drive_terms(ballot_id=ballot_id)) is not None:
            return terms
    return INDICATIVE


def hq_links(*, ballot_id: int) -> list[tuple[str, str]]:
    """The (label, url) links every registered profile adds to the ballot's page for HQ."""
    return [link for profile in _profiles.values() for link in profile.hq_links(ballot_id=ballot_id)]
