"""The demo union: every app's demo builder in turn. It lives with the
project, not in an app, because it uses every app: an app that imported them
all would sit in an import cycle with each (docs/architecture.md)."""

import time
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from unionhall.ballots import api as ballots
from unionhall.ballots.demo import DEMO_TRUSTEE_PASSPHRASE, build_demo_ballots
from unionhall.bargaining.demo import build_demo as build_demo_bargaining
from unionhall.bulletins.demo import build_demo_bulletins
from unionhall.campaigns.demo import build_demo as build_demo_campaigns
from unionhall.casework.demo import build_demo as build_demo_casework
from unionhall.conference.demo import build_demo_conference
from unionhall.datarights.demo import build_demo as build_demo_datarights
from unionhall.elections.demo import build_demo_elections
from unionhall.mandates.demo import build_demo_statutory_ballot
from unionhall.members.demo.builder import DEMO_PASSWORD, DEMO_TOTP_SECRET, build_demo_union
from unionhall.outbox import sending
from unionhall.outbox.models import Message, Status
from unionhall.surveys.demo import build_demo as build_demo_surveys

# The smallest union the demo builds at any seed: its offices go to about 90
# members, and the elections need 24 more who hold none (as candidates,
# proposers and seconders): at 100 members too few are left.
MIN_MEMBERS = 150
HELD_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@contextmanager
def tasks_held():
    """Build the demo's ballots with the tasks they enqueue held (with DEBUG
    the task backend is immediate: every enqueue runs there and then). Two
    kinds: sending an outbox message, and sending a ballot's invitations.

    - The messages (each vote's tracker email, the elections' notices) are
      sent afterwards in the outbox's batches, not one at a time per vote.
    - The invitations are not sent: in a demo of 100,000 members that is
      70,000 emails per ballot (and for the ballots that closed in the past
      they expire unsent). Each ballot's invitation stays scheduled; a
      worker (`manage.py worker`) would send it to those who have not voted."""
    with override_settings(TASKS=HELD_TASKS):
        yield
    queued = Message.objects.filter(status=Status.QUEUED).order_by("pk").values_list("pk", flat=True)
    sending.send_soon(list(queued))


class Command(BaseCommand):
    help = "Build a fictional union (deterministic for a given --seed) in an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, members: int, seed: int, **options):
        if not settings.DEBUG:
            raise CommandError("the demo creates accounts with published passwords: run it only with DEBUG=true")
        if members < MIN_MEMBERS:
            raise CommandError(
                f"--members must be at least {MIN_MEMBERS}: the demo's offices and its elections' candidates, "
                "proposers and seconders need that many members"
            )
        started = time.monotonic()

        def step(what: str, *, last: bool = False) -> None:
            """A line per part as it starts: a first `make demo` takes a few minutes."""
            self.stderr.write(f"[{time.monotonic() - started:5.0f} s] {what}{'.' if last else '…'}")
            self.stderr.flush()

        step(f"the register: {members} members, their branches, workplaces and offices")
        try:
            accounts = build_demo_union(members=members, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        step("ballots: keys, rolls and votes, encrypted and counted as a real ballot is")
        with tasks_held():
            built = [ballot.pk for ballot in build_demo_ballots(seed=seed)]
            statutory = build_demo_statutory_ballot(seed=seed)
        built.append(statutory.ballot_id)
        step("conference: motions, votes and the register of resolutions")
        build_demo_conference(seed)
        step("bulletins and their discussion")
        build_demo_bulletins(seed)
        step("elections: nominations, a secret ballot and an STV count")
        with tasks_held():
            build_demo_elections(seed)
        # The apps of issues 11-14 and 17, each in its own builder; their mail is
        # sent in the outbox's batches after each, as the ballots' is.
        told = []
        for name, builder in (("campaigns", build_demo_campaigns), ("surveys", build_demo_surveys), ("bargaining", build_demo_bargaining),
                              ("casework", build_demo_casework), ("data rights", build_demo_datarights)):  # fmt: skip
            step(name)
            with tasks_held():
                told.extend(builder(seed))
        step("built", last=True)
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
        for line in told:
            self.stdout.write(line)
        self.stdout.write(f"\nOfficers also need a TOTP code: add the secret {DEMO_TOTP_SECRET} to an authenticator app,")
        self.stdout.write("or run: make demo-totp")
