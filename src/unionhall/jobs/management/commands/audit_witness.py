from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from unionhall.audit.services import AuditLogBroken
from unionhall.jobs.housekeeping import audit_witness


class Command(BaseCommand):
    # Here and not in the audit app: the statement is mailed through the outbox,
    # which builds on the audit log.
    help = (
        "Witness the audit log's heads outside the database: write a signed statement of every chain's "
        "last entry to a file (for off-site keeping) and email it to the auditors. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", metavar="PATH", help="a directory for the statement (made if missing), or a new file ending .json; default UNIONHALL_AUDIT_WITNESS_DIR")
        parser.add_argument(
            "--email", nargs="+", action="extend", metavar="ADDRESS",
            help="send the statement to these addresses instead of UNIONHALL_AUDIT_WITNESS_EMAILS",
        )  # fmt: skip
        parser.add_argument("--no-email", action="store_true", help="send no email")

    def handle(self, *args, to, email, no_email, **options):
        try:
            witness = audit_witness(to=to, emails=() if no_email else email)
        except (AuditLogBroken, ImproperlyConfigured, OSError) as e:
            raise CommandError(f"no witness statement made: {e}") from None
        chains = witness.statement["chains"]
        entries = sum(c["seq"] for c in chains)
        self.stdout.write(f"witnessed {len(chains)} chains ({entries} entries) at {witness.statement['witnessed_at']}")
        if witness.path:
            self.stdout.write(f"written to {witness.path}")
        if witness.emailed:
            self.stdout.write(f"emailed to {', '.join(witness.emailed)}")
