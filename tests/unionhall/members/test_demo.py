"""The demo union is fictional, complete and the same for the same seed."""

import datetime as dt

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import override_settings

from unionhall.members.demo.builder import build_demo_union
from unionhall.members.models import Branch, Employer, Member, Office, Role, User, Workplace
from unionhall.members.remit import remit_for


def snapshot():
    return list(
        Member.objects.order_by("membership_number").values_list(
            "membership_number", "first_name", "last_name", "branch__code", "workplace__name", "grade", "status", "postcode"
        )
    ), list(Office.objects.order_by("role", "member__membership_number").values_list("role", "member__membership_number"))


def wipe():
    for model in (Office, Member, User, Workplace, Branch, Employer):
        model.objects.all().delete()


def test_the_same_seed_builds_the_same_union_and_another_seed_another(db):
    build_demo_union(members=300, seed=7)
    first = snapshot()
    wipe()
    build_demo_union(members=300, seed=7)
    assert snapshot() == first
    wipe()
    build_demo_union(members=300, seed=8)
    assert snapshot() != first


def test_the_demo_has_the_shape_of_a_union(db):
    accounts = build_demo_union(members=2000, seed=1)
    assert 1950 <= Member.objects.count() <= 2050
    assert Branch.objects.count() == 12
    assert set(Employer.objects.values_list("kind", flat=True)) == {"national", "private", "board"}
    assert Office.objects.filter(role=Role.GENERAL_SECRETARY).count() == 1
    by_role = {a.role: a for a in accounts}
    assert set(by_role) == {"member", "workplace rep", "branch secretary", "HQ administrator"}
    users = {a.role: User.objects.get(email=a.email) for a in accounts}
    assert remit_for(users["member"]).is_empty
    assert remit_for(users["workplace rep"]).workplace_ids
    assert remit_for(users["branch secretary"]).branch_ids
    assert remit_for(users["HQ administrator"]).everyone
    assert Authenticator.objects.filter(user=users["HQ administrator"], type="totp").exists()
    assert all(user.check_password("union-demo-password") for user in users.values())


@override_settings(DEBUG=True)
def test_the_demo_refuses_a_register_that_has_members(db, capsys):
    call_command("demo", "--members", "150")
    assert "admin@demo.unionhall.test" in capsys.readouterr().out
    with pytest.raises(CommandError, match="empty database"):
        call_command("demo", "--members", "150")


def test_the_demo_refuses_to_run_in_production(db):
    with pytest.raises(CommandError, match="only with DEBUG=true"):
        call_command("demo", "--members", "150")
    assert not Member.objects.exists()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_small_demo_union_builds_for_any_seed(db, seed):
    accounts = build_demo_union(members=200, seed=seed)
    assert len(accounts) == 4


@pytest.mark.parametrize("today", [dt.date(2026, 12, 3), dt.date(2027, 2, 1), dt.date(2031, 7, 31)])
def test_the_demos_offices_are_current_whenever_it_is_built(db, monkeypatch, today):
    """Terms are dated from the day the demo is built: with fixed dates the
    General Secretary's term ran out on 31 January 2027 and the demo's
    ballots could no longer find one."""
    from django.conf import settings
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
    build_demo_union(members=200, seed=1)
    current = Office.objects.current(today)
    for role in (Role.GENERAL_SECRETARY, Role.HQ_ADMIN, Role.BRANCH_SECRETARY, Role.WORKPLACE_REP, Role.NEC_MEMBER, Role.NATIONAL_REP):
        assert current.filter(role=role).exists(), role
    assert current.count() == Office.objects.count()
    ends = Office.objects.get(role=Role.GENERAL_SECRETARY).ends_on
    assert today < ends <= today + dt.timedelta(days=settings.UNIONHALL_TERM_WARNING_DAYS)  # so its warning shows
    assert all(m.lapsed_on < today for m in Member.objects.exclude(status=Member.Status.ACTIVE))
