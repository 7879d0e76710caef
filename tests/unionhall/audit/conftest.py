"""Helpers for the audit log's tests: how many chains, which chain each write
lands on, and the attacker's first step (lifting the database guards)."""

import itertools
from contextlib import contextmanager

import pytest

from unionhall.audit import services
from unionhall.audit.guard import install_guard, remove_guard
from unionhall.audit.models import Action


@contextmanager
def guard_lifted():
    """What someone with the database owner's rights can do: drop the
    append-only and forward-only triggers for the attack, then put them back."""
    remove_guard()
    try:
        yield
    finally:
        install_guard()


@pytest.fixture(autouse=True)
def fresh_thread_chain():
    """Each test starts with no chain this thread prefers."""
    services._local.chain = None
    yield
    services._local.chain = None


@pytest.fixture
def chains(settings, monkeypatch):
    """``chains(n)``: spread writes over n chains, each write on the next chain
    in turn (0, 1, ..., n-1, 0, ...), so tests know where entries land."""

    def use(n: int) -> None:
        settings.UNIONHALL_AUDIT_CHAINS = n
        turn = itertools.cycle(range(n))
        monkeypatch.setattr(services, "_preferred_chain", lambda count: next(turn))
        services.audit_heads_ensure()

    return use


def write(n: int, *, start: int = 1):
    """n ordinary entries, as the apps write them."""
    return [
        services.audit_record(actor=None, action=Action.VIEW, subject=("members.member", i), detail={"n": i})
        for i in range(start, start + n)
    ]
