"""System checks of unionhall's own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Tags, register

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Rate limits (sign-in, casting, register reads) and allauth's block on a
    reused one-time code are counted in the cache. A cache in each process's
    memory multiplies every limit by the number of web processes and forgets it
    on restart, so a deployment must share one."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        return [
            Error(
                f"The default cache ({backend.rsplit('.', 1)[-1]}) lives in each process's memory, so rate limits "
                "and the block on reusing a one-time code are not shared between web processes and reset on restart.",
                hint="Set REDIS_URL, or leave it unset with DEBUG off to keep the cache in the database.",
                id="unionhall.E001",
            )
        ]
    return []
