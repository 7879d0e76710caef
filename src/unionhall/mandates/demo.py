"""A statutory hybrid ballot in the demo union, run from the notice of ballot
to the result notice, the mandate and the notice of action: every document
issued on its day, online votes through the booth's cryptography, and the
independent scrutineer's count of the papers returned by post.

Fictional throughout. Online voting in a statutory ballot needs the
Permissible Means of Voting Order in force, which the law has not yet dated:
the demo records an assumed commencement, saying so, on the rules page."""

import datetime as dt
import random

from django.utils import timezone

from unionhall.ballots import api
from unionhall.mandates.documents import do_issue
from unionhall.mandates.models import Document, Profile, Rule, StatutoryBallot
from unionhall.mandates.rules import rule_set_dates
from unionhall.mandates.services import PostalCounts, do_postal_import, do_register_extract, do_set_aside_list, statutory_checks
from unionhall.members.models import Employer, Office, Role, User

SLUG = "demo-statutory-ballot"


def build_demo_statutory_ballot(*, seed: int = 1) -> StatutoryBallot:
    rng = random.Random(seed)
    now = timezone.now()
    opens_at = (now - dt.timedelta(days=40)).replace(hour=9, minute=0, second=0, microsecond=0)
    closes_at = opens_at + dt.timedelta(days=14, hours=8)
    hq = Office.objects.current().filter(role=Role.HQ_ADMIN).select_related("member__user").first().member.user
    gs = Office.objects.current().filter(role=Role.GENERAL_SECRETARY).select_related("member__user").first().member.user
    scrutineer, _ = User.objects.get_or_create(email="scrutineer@demo.unionhall.test")
    _assume_online_voting_in_force(timezone.localdate(opens_at) - dt.timedelta(days=60), hq)

    employer = Employer.objects.get(code="pps")
    ballot = api.ballot_define(
        spec=api.BallotSpec(
            slug=SLUG, title="Industrial action ballot: caseload limits",
            description="A statutory ballot on industrial action over caseloads, by post and online.",
            questions=(api.QuestionSpec(text="Are you prepared to take part in a strike?"),
                       api.QuestionSpec(text="Are you prepared to take part in industrial action short of a strike?")),
            window=api.Window(opens_at=opens_at, closes_at=closes_at), electorate=api.Electorate(employer=employer), threshold=2,
            trustees=(api.TrusteeSpec(user=hq, label="HQ membership administrator"), api.TrusteeSpec(user=gs, label="General Secretary"),
                      api.TrusteeSpec(user=scrutineer, label="Independent scrutineer")),
        ),
        actor=hq,
    )  # fmt: skip
    keys = api.demo_keys(ballot_id=ballot.id, label=f"{seed}/{SLUG}", actor=hq)
    api.demo_save_key_files(slug=SLUG, keys=keys)
    strike, asos = api.ballot_questions(ballot_id=ballot.id)
    sb = StatutoryBallot.objects.create(
        ballot_id=ballot.id, profile=Profile.objects.get(code="statutory-industrial-action"),
        dispute="The employer will not agree a limit on caseloads, after two years of talks and a workload survey showing most officers over the agreed weighting.",
        employer=employer, employer_address="Head of Employee Relations\nPublic Probation Service\n10 Example Row\nLondon SW1A 9ZZ",
        employer_email_domains="pps.example.gov.uk", scrutineer_name="Jordan Vale", scrutineer_firm="Northgate Independent Ballots (fictional)",
        return_address="Northgate Independent Ballots, Freepost DEMO-BALLOT, Leeds LS1 9ZZ", channel=StatutoryBallot.Channel.HYBRID,
        strike_question_id=strike.id, asos_question_id=asos.id,
        asos_types="Working to the agreed caseload weighting; an overtime ban", action_period="Within twelve months of the close of the ballot",
        authorised_to_call="The General Secretary",
    )  # fmt: skip
    do_issue(sb=sb, kind=Document.Kind.BALLOT_NOTICE, actor=hq, now=opens_at - dt.timedelta(days=9))
    do_issue(sb=sb, kind=Document.Kind.SAMPLE_PAPER, actor=hq, now=opens_at - dt.timedelta(days=5))
    sb.refresh_from_db()
    if problems := statutory_checks(sb):
        raise RuntimeError(f"the demo statutory ballot would not open: {problems}")
    papers = len(do_register_extract(sb=sb, actor=hq))
    api.ballot_open(ballot_id=ballot.id, actor=hq, now=opens_at)

    api.demo_cast_votes(ballot_id=ballot.id, rng=rng, turnout=0.34, yes_share=(0.71, 0.83), seed=seed + 7)
    api.ballot_close(ballot_id=ballot.id, actor=hq, now=closes_at + dt.timedelta(minutes=5))
    api.demo_decrypt_headline(ballot_id=ballot.id, keys=keys, trustees=(1, 3), label=f"{seed}/{SLUG}")
    online = api.ballot_results(ballot_id=ballot.id).headline.ballots

    do_set_aside_list(sb=sb, actor=hq)  # the scrutineer sets aside the papers of members who voted online
    sb.refresh_from_db()
    do_postal_import(sb=sb, counts=_scrutineers_count(rng, papers, online), actor=hq, now=closes_at + dt.timedelta(days=1))
    after = closes_at + dt.timedelta(days=1, hours=3)
    do_issue(sb=sb, kind=Document.Kind.RESULT_NOTICE, actor=hq, now=after)
    do_issue(sb=sb, kind=Document.Kind.MANDATE, actor=hq, now=after)
    do_issue(sb=sb, kind=Document.Kind.ACTION_NOTICE, actor=hq, now=after + dt.timedelta(days=2))
    return StatutoryBallot.objects.select_related("profile").get(pk=sb.pk)


def _assume_online_voting_in_force(day: dt.date, actor) -> None:
    rule = Rule.objects.get(code="electronic-voting", profile__code="statutory-industrial-action")
    if rule.applies_from is None:
        rule_set_dates(rule=rule, applies_from=day, applies_until=None, actor=actor,
                       reason="DEMO ONLY, fictional: assumes the Permissible Means of Voting Order in force, so the demo can show a hybrid ballot.")  # fmt: skip


DEMO_TURNOUT = 0.58  # online and postal together: over the 50% threshold at any demo size


def _scrutineers_count(rng: random.Random, papers: int, online: int) -> PostalCounts:
    """Papers returned by post from members who did not vote online, enough
    for the demo's overall turnout (the online votes are capped at any size)."""
    returned = min(papers - online, max(0, round(papers * DEMO_TURNOUT) - online))
    counts = {}
    for key, share in (("strike", 0.68), ("asos", 0.8)):
        spoiled = rng.randint(1, 4)
        yes = round((returned - spoiled) * share)
        counts[key] = {"yes": yes, "no": returned - spoiled - yes, "spoiled": spoiled}
    return PostalCounts(papers, returned, counts)
