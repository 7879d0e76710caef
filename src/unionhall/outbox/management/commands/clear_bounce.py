from django.core.management.base import BaseCommand, CommandError

from unionhall.outbox.bounces import address_flag_clear
from unionhall.outbox.models import AddressFlag


class Command(BaseCommand):
    help = "Clear the bounce flag on an email address (its owner says it works again), so email to it resumes."

    def add_arguments(self, parser):
        parser.add_argument("address")

    def handle(self, *args, address: str, **options):
        flags = list(AddressFlag.objects.filter(key=AddressFlag.key_for(address), cleared_at__isnull=True))
        if not flags:
            raise CommandError(f"{address} is not flagged")
        for flag in flags:
            address_flag_clear(flag=flag, actor=None)
        self.stdout.write(f"{address}: {len(flags)} flag(s) cleared; email to it resumes.")
