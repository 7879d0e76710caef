"""The demo union is fictional, complete and the same for the same seed."""

import datetime as dt

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import override_settings

from unionhall.members.demo.builder import build_demo_union, insert_rows
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


def test_the_demos_bulk_writer_fills_defaults_and_converts_values_as_the_orm_does(db):
    employer = Employer.objects.create(name="Example Employer", code="example", kind=Employer.Kind.NATIONAL)
    branch = Branch.objects.create(name="Example", code="example", employer=employer)
    assert insert_rows(User, [{"email": "one@example.org", "password": "!"}, {"email": "two@example.org", "password": "!"}]) == 2
    one = User.objects.get(email="one@example.org")
    assert one.is_active and not one.is_staff and one.date_joined is not None and not one.has_usable_password()
    insert_rows(Member, [{"membership_number": "X1", "first_name": "Ann", "last_name": "Lee", "first_name_key": "ann", "last_name_key": "lee",
                          "employer_id": employer.pk, "branch_id": branch.pk, "user_id": one.pk, "joined_on": dt.date(2001, 2, 3)}])  # fmt: skip
    member = Member.objects.get(membership_number="X1")
    assert (member.user, member.joined_on, member.status, member.bulletins_by_email, member.workplace) == (one, dt.date(2001, 2, 3), "active", True, None)
    assert member.updated_at is not None and Member.objects.filter(last_name_key="lee").exists()


def test_the_demos_bulk_writer_refuses_a_field_the_model_lacks_and_writes_nothing(db):
    with pytest.raises(ValueError, match="no field nickname"):
        insert_rows(User, [{"email": "three@example.org", "nickname": "Tre"}])
    assert not User.objects.exists()
