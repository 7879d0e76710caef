from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unionhall.members.importer import member_import
from unionhall.refusals import Refused


class Command(BaseCommand):
    help = "Import the membership register from a CSV or XLSX file: all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and count, change nothing")
        parser.add_argument(
            "--partial", action="store_true", help="add and update only; do not lapse members missing from the file"
        )

    def handle(self, *args, file: Path, dry_run: bool, partial: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        try:
            report = member_import(data=data, filename=file.name, full=not partial, dry_run=dry_run)
        except Refused as exc:
            raise CommandError(f"{file}: {exc} Nothing was imported.") from exc
        for error in report.errors:
            self.stderr.write(f"{file}: {error}")
        if report.error_count > len(report.errors):
            self.stderr.write(f"... and {report.error_count - len(report.errors)} more errors")
        if not report.ok:
            raise CommandError(f"{report.error_count} error(s); nothing was imported.")
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{report.rows} rows: {report.added} members {verb} added, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.lapsed} marked lapsed"
            + (f"; {len(report.new_workplaces)} new workplaces" if report.new_workplaces else "")
        )
