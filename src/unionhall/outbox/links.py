"""Absolute links for messages. They are built by workers, with no request
to take a host from (and a request's Host header is never trusted for them)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def site_url(path: str) -> str:
    """``path`` on the site's address (BASE_URL); ImproperlyConfigured if it is not set."""
    if not settings.UNIONHALL_BASE_URL:
        raise ImproperlyConfigured("BASE_URL must be set to send mail with links in it (they need the site's address)")
    return settings.UNIONHALL_BASE_URL + path
