"""Emails about an election: the candidate hears first of a nomination; once
they accept, the proposer and the seconder hear of each step (accepted,
seconded), and every candidate hears the
declared result. Queued in the outbox inside the transaction that decides
to send, so a step that is undone sends nothing, and each notice is queued
once however often the step is retried (see ``unionhall.mail``). They are
statutory notices: no unsubscribe link.

Reminders before an elected term ends need nothing here: the result enters
the term in the register through ``office_create``, and ``manage.py
warn_terms`` (``members.services.offices_warn_ending``) warns its holder."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from unionhall.elections.models import Election, Nomination
from unionhall.mail import queue_email
from unionhall.members.models import Member
from unionhall.outbox.models import Topic


def _link(path: str) -> str:
    return settings.UNIONHALL_BASE_URL + path


def _send(member: Member, subject: str, body: str, *, key: str, about) -> None:
    if member.email:
        queue_email(subject=subject, body=f"Dear {member.first_name},\n\n{body}\n", to=[member.email], topic=Topic.ELECTION_NOTICE,
                    key=f"{key}:member:{member.pk}", member_id=member.pk, about=about)  # fmt: skip


def _where(nomination: Nomination) -> str:
    election = nomination.election
    close = f"before nominations close on {timezone.localtime(election.nominations_close):%-d %B %Y at %H:%M}"
    if not nomination.accepted_at:
        return f"It stands once {nomination.candidate.full_name} accepts and {nomination.seconder.full_name} then seconds it, {close}."
    if not nomination.seconded_at:
        return f"It stands once {nomination.seconder.full_name} seconds it, {close}."
    return f"The nomination now stands: {nomination.candidate.full_name} is a candidate."


def nomination_step(nomination: Nomination, step: str) -> None:
    """Tell those named in a nomination that ``step`` ("nominated",
    "accepted" or "seconded") happened, and what is still needed; the person
    who must act next gets the link to do it. The candidate confirms first:
    until they accept, only they hear of it, so a proposer typing membership
    numbers learns nobody's name from the mail either."""
    election = nomination.election
    respond = _link(reverse("election_respond", args=[election.pk, nomination.pk]))
    page = _link(reverse("election_detail", args=[election.pk]))
    news = {
        "nominated": f"{nomination.proposer.full_name} has nominated {nomination.candidate.full_name} in the {election.title}, with {nomination.seconder.full_name} as seconder.",
        "accepted": f"{nomination.candidate.full_name} has accepted the nomination in the {election.title}, proposed by {nomination.proposer.full_name}.",
        "seconded": f"{nomination.seconder.full_name} has seconded the nomination of {nomination.candidate.full_name} in the {election.title}.",
    }[step]
    status = _where(nomination)
    subject = f"{election.title}: {nomination.candidate.full_name} {step}"
    to_act = {nomination.candidate_id: not nomination.accepted_at, nomination.seconder_id: bool(nomination.accepted_at) and not nomination.seconded_at}
    told = [nomination.candidate] if step == "nominated" else [nomination.candidate, nomination.proposer, nomination.seconder]
    for member in dict.fromkeys(told):
        action = f"\n\nPlease respond here: {respond}" if to_act.get(member.pk) else f"\n\nThe election: {page}"
        _send(member, subject, f"{news}\n\n{status}{action}", key=f"election:{election.pk}:nomination:{nomination.pk}:{step}", about=nomination)


def result_declared(election: Election, standing: list[Nomination]) -> None:
    """Every candidate hears the result, elected or not, in the same words."""
    elected = [n.candidate.full_name for n in standing if n.elected]
    result = _link(reverse("election_results", args=[election.pk]))
    summary = f"Elected: {', '.join(elected)}." if elected else "Nobody was elected."
    ties = (election.stage_table or {}).get("ties") or []
    lot = "\n\nA tie was settled by lot; the result page says how." if ties else ""
    for nomination in standing:
        outcome = "You are elected" if nomination.elected else "You were not elected"
        _send(
            nomination.candidate, f"{election.title}: the result",
            f"The result of the {election.title} is declared. {outcome}.\n\n{summary}{lot}\n\nThe full result: {result}",
            key=f"election:{election.pk}:result", about=election,
        )  # fmt: skip
