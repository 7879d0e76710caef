from django.core.management.base import BaseCommand, CommandError

from unionhall.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain and name the first broken entry."

    def handle(self, *args, **options):
        report = audit_verify_chain()
        if not report.ok:
            raise CommandError(f"audit chain broken at entry #{report.broken_seq}: {report.reason}")
        self.stdout.write(f"audit chain intact: {report.checked} entries")
