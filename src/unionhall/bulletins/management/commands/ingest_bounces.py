import csv
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unionhall.bulletins.delivery import do_ingest_bounces
from unionhall.outbox.bounces import read_bounce_message


def _csv_addresses(text: str) -> list[str]:
    """The "email" column, or the first column when there is no header."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    if "email" in header:
        column = header.index("email")
        return [row[column] for row in rows[1:] if len(row) > column]
    return [row[0] for row in rows if row and "@" in row[0]]


class Command(BaseCommand):
    help = "Flag email addresses that bounced, from bounce messages (.eml, DSN) or a CSV of addresses, for a plain SMTP relay (providers report bounces by webhook): no email goes to them until corrected."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, files: list[Path], **options):
        addresses, message_ids = [], []
        for path in files:
            try:
                raw = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"{path}: {exc.strerror}") from exc
            if path.suffix.lower() == ".csv":
                found = _csv_addresses(raw.decode("utf-8-sig", errors="replace"))
            else:
                bounce = read_bounce_message(raw)
                found = bounce.addresses
                message_ids += bounce.message_ids
            if not found:
                self.stderr.write(f"{path}: no failed recipient found (a delay notice, or not a bounce); skipped")
            addresses += found
        result = do_ingest_bounces(addresses, source=", ".join(p.name for p in files)[:100], message_ids=message_ids)
        self.stdout.write(f"{result.flagged} address(es) flagged for correction; {result.already_flagged} already flagged.")
        for address in result.unknown:
            self.stdout.write(f"no member has the address {address} (flagged all the same: no mail goes to it)")
