"""A small union for the register's tests, after Healthchecks' alice, bob and
charlie: a plain member, officers with a remit, and officers of other branches
who must be refused."""

import datetime as dt
import time
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from django.utils import timezone

from unionhall.members.models import Branch, Employer, Member, Office, Role, SecondFactorApproval, User, Workplace
from unionhall.outbox import sending

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass
class Union:
    pps: Employer
    northway: Employer
    north: Branch  # of pps
    south: Branch  # of pps
    coast: Branch  # of northway
    harbour: Workplace  # in north
    castle: Workplace  # in north
    quay: Workplace  # in south
    pier: Workplace  # in coast


def make_member(number: str, branch: Branch, workplace: Workplace | None = None, *, email: str | None = None, **extra) -> Member:
    email = email if email is not None else f"{number.lower()}@example.org"
    user = User.objects.create_user(email) if email else None
    return Member.objects.create(
        membership_number=number,
        first_name=extra.pop("first_name", "Test"),
        last_name=extra.pop("last_name", number),
        email=email or "",
        employer=branch.employer,
        branch=branch,
        workplace=workplace,
        user=user,
        **extra,
    )


def give_office(member: Member, role: Role, **scope) -> Office:
    return Office.objects.create(member=member, role=role, starts_on=dt.date(2025, 1, 1), **scope)


@pytest.fixture
def union(db) -> Union:
    pps = Employer.objects.create(name="Public Probation Service", code="pps", kind=Employer.Kind.NATIONAL)
    northway = Employer.objects.create(name="Northway Justice Ltd", code="northway", kind=Employer.Kind.PRIVATE)
    north = Branch.objects.create(name="North", code="north", employer=pps)
    south = Branch.objects.create(name="South", code="south", employer=pps)
    coast = Branch.objects.create(name="Coast", code="coast", employer=northway)
    return Union(
        pps=pps,
        northway=northway,
        north=north,
        south=south,
        coast=coast,
        harbour=Workplace.objects.create(name="Harbour office", branch=north),
        castle=Workplace.objects.create(name="Castle office", branch=north),
        quay=Workplace.objects.create(name="Quay office", branch=south),
        pier=Workplace.objects.create(name="Pier hub", branch=coast),
    )


@dataclass
class People:
    alice: Member  # a member at Harbour (North)
    bob: Member  # workplace rep at Harbour
    carol: Member  # branch secretary of North
    dave: Member  # branch secretary of South: an outsider to North
    erin: Member  # a member at Quay (South)
    frank: Member  # a member at Pier (Coast, Northway)
    gina: Member  # link officer for Northway
    hq: Member  # HQ membership administrator


@pytest.fixture
def people(union) -> People:
    p = People(
        alice=make_member("A1", union.north, union.harbour, first_name="Alice", last_name="Archer"),
        bob=make_member("B1", union.north, union.harbour, first_name="Bob", last_name="Baker"),
        carol=make_member("C1", union.north, union.castle, first_name="Carol", last_name="Cooper"),
        dave=make_member("D1", union.south, union.quay, first_name="Dave", last_name="Dyer"),
        erin=make_member("E1", union.south, union.quay, first_name="Erin", last_name="Evans"),
        frank=make_member("F1", union.coast, union.pier, first_name="Frank", last_name="Fisher"),
        gina=make_member("G1", union.coast, union.pier, first_name="Gina", last_name="Gale"),
        hq=make_member("H1", union.south, union.quay, first_name="Hana", last_name="Hughes"),
    )
    give_office(p.bob, Role.WORKPLACE_REP, workplace=union.harbour)
    give_office(p.carol, Role.BRANCH_SECRETARY, branch=union.north)
    give_office(p.dave, Role.BRANCH_SECRETARY, branch=union.south)
    give_office(p.gina, Role.LINK_OFFICER, employer=union.northway)
    give_office(p.hq, Role.HQ_ADMIN)
    return p


def give_approved_totp(user) -> Authenticator:
    """A TOTP authenticator that HQ has approved (see SecondFactorApproval)."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing:
        return existing
    authenticator = TOTP.activate(user, TOTP_SECRET).instance
    now = timezone.now()
    SecondFactorApproval.objects.create(user=user, code_hash="!", expires_at=now, redeemed_at=now, authenticator_id=authenticator.pk)
    return authenticator


def sign_in(client, member: Member, *, mfa: bool = True):
    """Sign ``member`` in; officers get an approved TOTP device and a session that passed it."""
    client.force_login(member.user, backend="unionhall.members.backends.ModelBackend")
    if mfa:
        give_approved_totp(member.user)
        session = client.session
        session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(member.user.pk)
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": time.time(), "email": member.user.email},
            {"method": "mfa", "at": time.time(), "type": "totp"},
        ]
        session.save()
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counts live in the cache: each test starts with none (nor
    with the outbox's memory of asking it whether a sweep is due)."""
    cache.clear()
    sending.forget_sweep()
    yield
    cache.clear()
    sending.forget_sweep()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table, which the guards
    forbid: lift them for that flush only, then put them back."""
    from pytest_django.plugin import blocking_manager_key

    from unionhall.audit.guard import install_guard, remove_guard

    transactional = "transactional_db" in getattr(item, "fixturenames", ())
    blocker = item.config.stash[blocking_manager_key]
    if transactional:
        with blocker.unblock():
            remove_guard()
    yield
    if transactional and nextitem is not None:
        with blocker.unblock():
            install_guard()
