"""Campaigns for the tests, on the union of tests/unionhall/conftest.py:
alice (a member in North), bob (workplace rep), carol (North's secretary),
dave (South's secretary: an outsider to North), hq (HQ administrator)."""

import datetime as dt

import pytest
from django.utils import timezone

from unionhall.campaigns.models import Campaign

BASE_URL = "https://hall.example.org"
# A sector wholly in one constituency, one split between two, and one whose MP publishes no email.
WHOLE = "NE1 4XX"  # Newcastle upon Tyne Central and West
SPLIT = "AB10 1AA"  # Aberdeen South 62%, Aberdeen North 38%
NO_EMAIL = "BL3 2AA"  # Bolton South and Walkden

MODEL = """Dear [representative],

I work for [employer] at [workplace] and I live in [constituency].

Caseloads in probation are too high. My own caseload stands at [your caseload] and it is not safe.

Please ask the minister to fund enough staff to bring caseloads down.

Yours sincerely,
[name]"""


@pytest.fixture(autouse=True)
def _site(settings):
    settings.UNIONHALL_BASE_URL = BASE_URL


def make_campaign(user, *, branches=(), status=Campaign.Status.OPEN, **extra) -> Campaign:
    fields = dict(
        title="Safe caseloads", slug="safe-caseloads", summary="Ask your MP to fund safe caseloads.",
        brief="Caseloads have risen **every year**.", points="Your own caseload\nWhat it means for the public",
        model_letter=MODEL, subject="Safe caseloads in probation", status=status, created_by=user,
        created_at=timezone.now() - dt.timedelta(days=1),
    )  # fmt: skip
    fields.update(extra)
    campaign = Campaign.objects.create(**fields)
    campaign.branches.set(branches)
    return campaign


@pytest.fixture
def campaign(people):
    return make_campaign(people.hq.user)


def own_words(name="Alice Archer", caseload="sixty-two cases", story="Last month I missed two home visits because three court reports were due on the same day."):
    """A letter changed from the model as a member would change it."""
    return (
        f"Dear Chi Onwurah MP,\n\nI am a probation officer and one of your constituents. My caseload is {caseload}, "
        f"far more than I can supervise properly. {story} The people I supervise, and the public, deserve better "
        "than rushed meetings and missed risks. Staff are leaving faster than they can be replaced, and those who stay "
        "are off sick with stress.\n\nPlease press the minister to fund the staff we need.\n\nYours sincerely,\n" + name
    )


def run_retention(days_later: int, key: str = "campaign_letter:campaigns.Letter") -> int:
    """Run the retention schedule as the worker would ``days_later`` days from
    today; how many rows the rule ``key`` changed."""
    import datetime as dt

    from django.utils import timezone

    from unionhall.datarights.retention import retention_run

    return retention_run(today=timezone.localdate() + dt.timedelta(days=days_later)).counts.get(key, 0)
