"""When a ballot opens, everyone on its roll is invited to vote, once."""

from django.core import mail

from unionhall import sms
from unionhall.ballots.models import Reminder, RollEntry
from unionhall.ballots.setup import ballot_open
from unionhall.members.models import Member


def test_opening_a_ballot_invites_everyone_on_the_roll_once(ballot, people, crowd, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    sms.outbox.clear()
    Member.objects.filter(pk=crowd[0].pk).update(bulletins_by_email=False, ballots_by_text=True, phone="07700 900003")
    with django_capture_on_commit_callbacks(execute=True):  # the invitations go once the opening commits
        ballot_open(ballot=ballot, actor=None)
    invitation = Reminder.objects.get(ballot=ballot, kind=Reminder.Kind.INVITATION)
    roll = RollEntry.objects.filter(ballot=ballot)
    assert invitation.status == Reminder.Status.SENT and invitation.emailed == roll.count()  # an invitation ignores the bulletins opt-out
    assert {m.to[0] for m in mail.outbox} == {e.member.email for e in roll} and len(mail.outbox) == roll.count()
    assert mail.outbox[0].subject.startswith("Vote now") and [t.to for t in sms.outbox] == ["07700 900003"]
