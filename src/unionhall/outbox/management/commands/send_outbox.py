from django.core.management.base import BaseCommand

from unionhall.outbox.sending import DUE_LIMIT, send_due


class Command(BaseCommand):
    help = "Send the messages that are due (retries whose time has come, and any whose task was lost), and report sends a dead worker left half done."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=DUE_LIMIT, help="at most this many messages (default: %(default)s)")

    def handle(self, *args, limit: int, **options):
        counts = send_due(limit=limit)
        interrupted = counts.pop("interrupted", 0)
        done = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing was due"
        self.stdout.write(f"{done}; {interrupted} interrupted send(s) marked failed.")
