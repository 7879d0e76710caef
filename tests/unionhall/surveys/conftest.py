import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.unionhall.conftest import make_member  # noqa: F401  (re-exported for the tests)
from unionhall.members.remit import remit_for

NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))


@pytest.fixture(autouse=True)
def _base_url():
    with override_settings(UNIONHALL_BASE_URL="https://union.example"):
        yield


@pytest.fixture
def hq_remit(people):
    return remit_for(people.hq.user)


@pytest.fixture
def now():
    return NOW
