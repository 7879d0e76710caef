import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unionhall.ballots.models import Ballot
from unionhall.ballots.record import ballot_record


class Command(BaseCommand):
    help = "Write a ballot's election record (docs/election-record.md); check it with unionhall-verify."

    def add_arguments(self, parser):
        parser.add_argument("ballot", help="the ballot's slug")
        parser.add_argument("out", type=Path)

    def handle(self, *args, ballot: str, out: Path, **options):
        b = Ballot.objects.filter(slug=ballot).first()
        if b is None:
            raise CommandError(f"no ballot has the slug {ballot!r}")
        if b.status not in (Ballot.Status.CLOSED, Ballot.Status.RESULT):
            raise CommandError(f"{ballot} is {b.get_status_display().lower()}: the record is written once it closes")
        record = ballot_record(b)
        out.write_text(json.dumps(record))
        self.stdout.write(f"wrote {out}: {len(record['board'])} ballots on the board")
