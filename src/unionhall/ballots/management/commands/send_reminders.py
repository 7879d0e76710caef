from django.core.management.base import BaseCommand

from unionhall.ballots.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Send the ballot reminders that are due now (manage.py worker does this every minute)."

    def handle(self, *args, **options):
        for r in send_due_reminders():
            self.stdout.write(f"{r.ballot.slug}: {r.get_status_display().lower()}; emailed {r.emailed}, texted {r.texted}, unreachable {r.unreachable}")
