"""The demo union: every app's demo builder in turn. It lives with the
project, not in an app, because it uses every app: an app that imported them
all would sit in an import cycle with each (docs/architecture.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from unionhall.ballots import api as ballots
from unionhall.ballots.demo import DEMO_TRUSTEE_PASSPHRASE, build_demo_ballots
from unionhall.bulletins.demo import build_demo_bulletins
from unionhall.conference.demo import build_demo_conference
from unionhall.elections.demo import build_demo_elections
from unionhall.mandates.demo import build_demo_statutory_ballot
from unionhall.members.demo.builder import DEMO_PASSWORD, DEMO_TOTP_SECRET, build_demo_union


class Command(BaseCommand):
    help = "Build a fictional union (deterministic for a given --seed) in an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, members: int, seed: int, **options):
        if not settings.DEBUG:
            raise CommandError("the demo creates accounts with published passwords: run it only with DEBUG=true")
        if members < 100:
            raise CommandError("--members must be at least 100")
        try:
            accounts = build_demo_union(members=members, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        built = [ballot.pk for ballot in build_demo_ballots(seed=seed)]
        statutory = build_demo_statutory_ballot(seed=seed)
        built.append(statutory.ballot_id)
        build_demo_conference(seed)
        build_demo_bulletins(seed)
        build_demo_elections(seed)
        self.stdout.write(self.style.SUCCESS(f"Demo union built: {members} members (seed {seed})."))
        self.stdout.write("Sign in at /accounts/login/ with a password, or ask for an emailed link")
        self.stdout.write("(while `make demo` serves, mail goes to the SMTP sink's var/mail-sink/).\n")
        for account in accounts:
            self.stdout.write(f"  {account.role:<17} {account.email:<34} password: {DEMO_PASSWORD}")
        self.stdout.write("\nBallots:")
        for ballot in (ballots.ballot_facts(ballot_id=pk) for pk in built):
            self.stdout.write(f"  {ballot.slug:<22} {ballot.status_label.lower()}: /ballots/{ballot.slug}/")
        self.stdout.write(f"  trustee key files in var/demo-trustees/, passphrase: {DEMO_TRUSTEE_PASSPHRASE!r}")
        self.stdout.write("Conference: motions, a card vote, a secret vote of the delegates and the register of resolutions at /conference/")
        self.stdout.write("Bulletins: two numbered series with a discussion under pseudonyms at /bulletins/")
        self.stdout.write(f"  statutory rules, notices and the postal count: /mandates/{ballots.ballot_facts(ballot_id=statutory.ballot_id).slug}/")
        self.stdout.write("Elections: a General Secretary elected by secret ballot, and an NEC counted by STV from the")
        self.stdout.write("  independent scrutineer's ballot profile, at /elections/")
        self.stdout.write(f"\nOfficers also need a TOTP code: add the secret {DEMO_TOTP_SECRET} to an authenticator app,")
        self.stdout.write("or run: make demo-totp")
