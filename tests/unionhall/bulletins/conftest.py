"""Two series and a helper that writes and publishes a bulletin through the
services. Hana (HQ) writes; Alice, Erin and Frank read; Bob, Carol, Dave and
Gina hold offices, so they are the "activists and reps"."""

import datetime as dt

import pytest
from django.utils import timezone

from unionhall.bulletins.models import Audience, Bulletin, Series
from unionhall.bulletins.publishing import BulletinDraft, do_publish_bulletin, do_write_bulletin

NOW = timezone.now()
BASE_URL = "https://hall.example.org"


@pytest.fixture(autouse=True)
def base_url(settings):
    """Emails carry absolute links, which need the site's address."""
    settings.UNIONHALL_BASE_URL = BASE_URL


@pytest.fixture
def blog(db) -> Series:
    return Series.objects.create(name="General Secretary's blog", slug="gs-blog", code_pattern="{n}")


@pytest.fixture
def joint(db) -> Series:
    return Series.objects.create(name="Joint bulletin", slug="joint", code_pattern="JTU{n}-{year}")


def draft(series: Series, **extra) -> BulletinDraft:
    values = {
        "series": series, "title": "Caseloads", "summary": "We are counting caseloads.",
        "body": "Every member will get a short survey.", "publish_at": NOW - dt.timedelta(hours=1), "audience": Audience.ALL,
    }  # fmt: skip
    return BulletinDraft(**{**values, **extra})


def publish(series: Series, hq, **extra) -> Bulletin:
    bulletin = do_write_bulletin(user=hq.user, draft=draft(series, **extra))
    return do_publish_bulletin(bulletin=bulletin, user=hq.user)


@pytest.fixture
def bulletin(blog, people) -> Bulletin:
    return publish(blog, people.hq, title="Why we count caseloads")
