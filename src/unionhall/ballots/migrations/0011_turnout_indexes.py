"""Indexes for the turnout drive (issue 10): for each way an officer's remit
limits the roll (workplace, branch, employer; HQ reads the first), the roll
entries still on the roll, by workplace and day voted, and who they are. The
page's counts by workplace and by day, and its list of non-voters, are then
read from an index alone, never from the roll's rows; and everyone's votes
by day (HQ) in the order of the day.

Partial indexes (removed_at IS NULL), made in the database only: the models'
Meta does not list them (ballots/models.py is outside this change), so the
migration state is left as it was and makemigrations sees no difference."""

from django.db import migrations, models
from django.db.models import Q

ON_ROLL = Q(removed_at__isnull=True)

INDEXES = [
    models.Index(fields=["ballot", "voted_at"], condition=ON_ROLL, name="roll_turnout_day"),
    models.Index(fields=["ballot", "workplace", "voted_at", "member"], condition=ON_ROLL, name="roll_turnout_workplace"),
    models.Index(fields=["ballot", "branch", "workplace", "voted_at", "member"], condition=ON_ROLL, name="roll_turnout_branch"),
    models.Index(fields=["ballot", "employer", "workplace", "voted_at", "member"], condition=ON_ROLL, name="roll_turnout_employer"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0010_roll_workplace"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AddIndex(model_name="rollentry", index=index) for index in INDEXES],
            state_operations=[],
        ),
    ]
