"""The sign-in backends: Django's and allauth's, each reading the signed-in
user in one plain statement (``unionhall.plainsql``). Every signed-in request
reads its user, and the ORM's composing of that one query cost a seventh of
the web server's CPU on the busiest request, casting a vote."""

from functools import cache

from allauth.account.auth_backends import AuthenticationBackend as AllauthAuthenticationBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connection

from unionhall.members.models import User
from unionhall.plainsql import Reader


@cache
def _reader() -> tuple[Reader, str]:
    reader = Reader(User, [f.attname for f in User._meta.concrete_fields])
    table, pk = connection.ops.quote_name(User._meta.db_table), connection.ops.quote_name(User._meta.pk.column)
    return reader, f"SELECT {reader.columns()} FROM {table} WHERE {pk} = %s"


def user_by_id(user_id) -> User | None:
    reader, sql = _reader()
    with connection.cursor() as cursor:
        cursor.execute(sql, [User._meta.pk.to_python(user_id)])
        return reader.instance(cursor.fetchone())


class _UserInOneStatement:
    def get_user(self, user_id):
        user = user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_UserInOneStatement, DjangoModelBackend):
    pass


class AuthenticationBackend(_UserInOneStatement, AllauthAuthenticationBackend):
    pass
