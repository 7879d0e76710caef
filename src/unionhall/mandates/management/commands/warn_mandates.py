from django.core.management.base import BaseCommand

from unionhall.mandates.services import mandates_warn_lapsing


class Command(BaseCommand):
    help = "Email HQ about each industrial action mandate that lapses within --days (once per mandate). Run daily."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="How far ahead to warn (default UNIONHALL_MANDATE_WARNING_DAYS, or 28).")

    def handle(self, *args, days, **options):
        sent = mandates_warn_lapsing(days=days)
        self.stdout.write(f"{sent} warning(s) sent")
