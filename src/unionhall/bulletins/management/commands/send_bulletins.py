from django.core.management.base import BaseCommand

from unionhall.bulletins.delivery import release_due_bulletins, resume_fan_outs
from unionhall.outbox.sending import send_due


class Command(BaseCommand):
    help = "Release bulletins whose publish time has passed and send what the outbox has due (retries, interrupted sends). Run every few minutes."

    def handle(self, *args, **options):
        released = release_due_bulletins()
        resumed = resume_fan_outs()
        counts = send_due()
        interrupted = counts.pop("interrupted", 0)
        self.stdout.write(
            f"{released} bulletin(s) released; {resumed} fan-out(s) resumed; {counts.get('sent', 0)} message(s) sent, "
            f"{counts.get('queued', 0)} waiting to be retried; {interrupted} interrupted send(s) marked failed."
        )
