"""The outbox's tests use the small union of tests/unionhall/conftest.py and
mail backends that fail, count connections or act as a provider would."""

import pytest

from tests.unionhall.outbox.backends import CountingBackend, FailingBackend, ProviderBackend

BASE_URL = "https://hall.example.org"


@pytest.fixture(autouse=True)
def base_url(settings):
    """Unsubscribe links are absolute, which needs the site's address."""
    settings.UNIONHALL_BASE_URL = BASE_URL


@pytest.fixture
def failing(settings):
    settings.EMAIL_BACKEND = "tests.unionhall.outbox.backends.FailingBackend"
    FailingBackend.failures = {}
    yield FailingBackend.failures
    FailingBackend.failures = {}


@pytest.fixture
def counting(settings):
    settings.EMAIL_BACKEND = "tests.unionhall.outbox.backends.CountingBackend"
    CountingBackend.opened = 0
    yield CountingBackend


@pytest.fixture
def provider(settings):
    """Sending through an anymail backend, as with a real provider."""
    settings.EMAIL_BACKEND = "tests.unionhall.outbox.backends.ProviderBackend"
    ProviderBackend.refuse = set()
    yield ProviderBackend
    ProviderBackend.refuse = set()
