"""Fixed-window rate limits kept in Django's cache (Redis in production, where
``REDIS_URL`` is set, so every worker shares the counts; per process otherwise).

``allow("cast", user.pk, limit=10, per=60)`` is True while the caller has made
at most ``limit`` such requests in the current ``per``-second window."""

import time
from functools import wraps

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.shortcuts import render


def allow(action: str, who, *, limit: int, per: int) -> bool:
    window = int(time.time() // per)
    key = f"ratelimit:{action}:{who}:{window}"
    if cache.add(key, 1, timeout=per + 1):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=per + 1)
        return True


def client_ip(request) -> str:
    """The client's address, honouring TRUSTED_PROXY_COUNT as sign-in does."""
    return get_adapter(request).get_client_ip(request)


def limited(action: str, *, limit: int, per: int):
    """Decorate a view: past ``limit`` requests per ``per`` seconds a signed-in
    user gets a 429 page saying when to try again, and the view does not run."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not allow(action, request.user.pk or client_ip(request), limit=limit, per=per):
                minutes = max(1, per // 60)
                return render(request, "429.html", {"limit": limit, "minutes": minutes}, status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
