"""The turnout indexes 0011 made in the database, now declared in
RollEntry's Meta too (state only: the database has them already), so the
model says every index the table has and makemigrations sees them."""

from django.db import migrations, models
from django.db.models import Q

ON_ROLL = Q(removed_at__isnull=True)

INDEXES = [  # as 0011's
    models.Index(fields=["ballot", "voted_at"], condition=ON_ROLL, name="roll_turnout_day"),
    models.Index(fields=["ballot", "workplace", "voted_at", "member"], condition=ON_ROLL, name="roll_turnout_workplace"),
    models.Index(fields=["ballot", "branch", "workplace", "voted_at", "member"], condition=ON_ROLL, name="roll_turnout_branch"),
    models.Index(fields=["ballot", "employer", "workplace", "voted_at", "member"], condition=ON_ROLL, name="roll_turnout_employer"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0011_turnout_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.AddIndex(model_name="rollentry", index=index) for index in INDEXES],
        ),
    ]
