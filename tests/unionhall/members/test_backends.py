"""The sign-in backends read the signed-in user by plain SQL: the same user
the ORM reads, and nobody when inactive, as Django's own backends answer."""

from unionhall.members.backends import AuthenticationBackend, ModelBackend, user_by_id
from unionhall.members.models import User


def test_the_signed_in_user_reads_as_the_orm_reads_them(people):
    user = people.alice.user
    user.set_password("a long enough password")
    user.save()
    plain = user_by_id(str(user.pk))  # as the session keeps it
    orm = User.objects.get(pk=user.pk)
    assert [getattr(plain, f.attname) for f in User._meta.concrete_fields] == [getattr(orm, f.attname) for f in User._meta.concrete_fields]
    assert plain.get_session_auth_hash() == orm.get_session_auth_hash()
    assert user_by_id(10**9) is None


def test_an_inactive_user_is_nobody_to_either_backend(people):
    user = people.alice.user
    for backend in (ModelBackend(), AuthenticationBackend()):
        assert backend.get_user(user.pk) == user
    User.objects.filter(pk=user.pk).update(is_active=False)
    for backend in (ModelBackend(), AuthenticationBackend()):
        assert backend.get_user(user.pk) is None


def test_every_sign_in_the_benches_and_tests_make_names_a_backend_the_site_has(settings):
    """A session names the backend that signed it in, and a backend the site no
    longer lists signs nobody in: five benches measured redirects to the
    sign-in page after the backends moved to members.backends."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    named = {}
    for path in [*root.glob("bench/*.py"), *root.glob("tests/**/*.py")]:
        for backend in re.findall(r"""backend\s*=\s*["']([\w.]+)["']|_auth_user_backend["']\]\s*=\s*["']([\w.]+)["']""", path.read_text()):
            named.setdefault(next(b for b in backend if b), []).append(path.name)
    assert named, "no sign-in found: the pattern is out of date"
    assert set(named) <= set(settings.AUTHENTICATION_BACKENDS), {b: files for b, files in named.items() if b not in settings.AUTHENTICATION_BACKENDS}
