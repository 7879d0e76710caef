from django.core.management.base import BaseCommand

from unionhall.members.services import offices_warn_ending


class Command(BaseCommand):
    help = "Email office holders whose term ends within UNIONHALL_TERM_WARNING_DAYS (once per term). Run daily."

    def handle(self, *args, **options):
        sent = offices_warn_ending()
        self.stdout.write(f"{sent} warning(s) sent")
