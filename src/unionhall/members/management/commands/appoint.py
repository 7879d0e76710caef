import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from unionhall.members.models import Branch, Employer, Member, Office, Role, Workplace
from unionhall.members.services import office_create


class Command(BaseCommand):
    help = "Record an office from the command line (for the first HQ administrator); audited like the web page."

    def add_arguments(self, parser):
        parser.add_argument("membership_number")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--employer", help="employer code, for a link officer")
        parser.add_argument("--branch", help="branch code, for a branch officer")
        parser.add_argument("--workplace", type=int, help="workplace id, for a workplace rep")
        parser.add_argument("--starts", type=dt.date.fromisoformat, help="YYYY-MM-DD (default today)")
        parser.add_argument("--ends", type=dt.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args, membership_number, role, employer, branch, workplace, starts, ends, **options):
        member = Member.objects.filter(membership_number=membership_number).first()
        if member is None:
            raise CommandError(f"no member has the number {membership_number}")
        try:
            office = Office(
                member=member,
                role=role,
                employer=Employer.objects.get(code=employer) if employer else None,
                branch=Branch.objects.get(code=branch) if branch else None,
                workplace=Workplace.objects.get(pk=workplace) if workplace else None,
                starts_on=starts or timezone.localdate(),
                ends_on=ends,
            )
            office_create(office=office, actor=None)
        except (Employer.DoesNotExist, Branch.DoesNotExist, Workplace.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"recorded: {office}")
