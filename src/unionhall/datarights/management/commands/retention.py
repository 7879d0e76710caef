"""Apply the retention schedule now, or (--dry-run) show what it would change."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from unionhall.datarights import retention
from unionhall.refusals import Refused


class Command(BaseCommand):
    help = "Apply the retention schedule (resuming an unfinished run), or show what it would change with --dry-run."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what is due; change nothing")
        parser.add_argument("--today", type=dt.date.fromisoformat, help="the day to apply it as of (YYYY-MM-DD)")
        parser.add_argument("--batch", type=int, default=retention.BATCH)

    def handle(self, *args, dry_run=False, today=None, batch=retention.BATCH, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        if dry_run:
            for due in retention.retention_dry_run(today=today, batch=batch):
                self.stdout.write(f"{due.count} {due.model} ({due.key}) would be {due.action}d: {due.event} before {due.before}")
            self.stdout.write("This was a dry run: nothing was changed.")
            return
        try:
            run = retention.retention_run(today=today, batch=batch)
        except Refused as exc:
            raise CommandError(str(exc)) from None
        for name, count in sorted(run.counts.items()):
            self.stdout.write(f"{count} {name}")
        self.stdout.write(f"Run {run.pk} finished.")
