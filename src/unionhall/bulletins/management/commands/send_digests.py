from django.core.management.base import BaseCommand

from unionhall.bulletins.notifications import send_digests


class Command(BaseCommand):
    help = "Send the weekly digest to members who chose it (run once a week)."

    def handle(self, *args, **options):
        self.stdout.write(f"{send_digests()} digest(s) queued.")
