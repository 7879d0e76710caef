from django.core.management.base import BaseCommand

from unionhall.bulletins.delivery import fail_interrupted, release_due_bulletins, send_due_deliveries


class Command(BaseCommand):
    help = "Release bulletins whose publish time has passed, queue emails due a retry, and report interrupted sends. Run every few minutes."

    def handle(self, *args, **options):
        released = release_due_bulletins()
        batches = send_due_deliveries()
        interrupted = fail_interrupted()
        self.stdout.write(f"{released} bulletin(s) released; {batches} batch(es) of retries queued; {interrupted} interrupted send(s) marked failed.")
