"""unionhall.bulk: many rows in one prepared INSERT, as the ORM would write them."""

import datetime as dt

import pytest
from django.db import connection

from unionhall.bulk import insert_many, insert_rows, insert_sql
from unionhall.members.models import Branch, Employer, Member, User


def test_insert_rows_fills_defaults_and_converts_values_as_the_orm_does(db):
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


def test_insert_rows_refuses_a_field_the_model_lacks_and_writes_nothing(db):
    with pytest.raises(ValueError, match="no field nickname"):
        insert_rows(User, [{"email": "three@example.org", "nickname": "Tre"}])
    assert not User.objects.exists()


def test_insert_many_leaves_a_clashing_row_as_it_is_and_returning_reads_the_new_id(db):
    employer = Employer.objects.create(name="Example Employer", code="example", kind=Employer.Kind.NATIONAL)
    names = ("name", "code", "employer", "contact_email")
    insert_many(Branch, names, [("North", "north", employer.pk, ""), ("South", "south", employer.pk, "")], on_conflict="code")
    insert_many(Branch, names, [("North again", "north", employer.pk, ""), ("East", "east", employer.pk, "")], on_conflict="code")
    assert dict(Branch.objects.values_list("code", "name")) == {"north": "North", "south": "South", "east": "East"}
    sql = insert_sql(Branch, names, on_conflict="code", returning="id")
    with connection.cursor() as cursor:
        cursor.execute(sql, ["West", "west", employer.pk, ""])
        (new_id,) = cursor.fetchone()
        cursor.execute(sql, ["West again", "west", employer.pk, ""])
        assert cursor.fetchone() is None  # the clash inserted nothing, so returned nothing
    assert Branch.objects.get(pk=new_id).name == "West"


def test_without_on_conflict_a_clash_is_an_error_and_the_batch_writes_nothing(db):
    from django.db import IntegrityError, transaction

    employer = Employer.objects.create(name="Example Employer", code="example", kind=Employer.Kind.NATIONAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_many(Branch, ("name", "code", "employer_id", "contact_email"), [("A", "a", employer.pk, ""), ("A again", "a", employer.pk, "")])
    assert not Branch.objects.exists()
