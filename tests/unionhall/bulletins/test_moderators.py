"""Named moderators by branch or employer, held first comments of new
members, rate limits, suspensions and one appeal per decision."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.unionhall.conftest import give_office, make_member, sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.bulletins.appeals import do_appeal, do_rule_appeal
from unionhall.bulletins.comments import COMMENTS_PER_HOUR, CommentDraft, do_post_comment
from unionhall.bulletins.models import Appeal, Comment, ModerationDecision, ModeratorAssignment
from unionhall.bulletins.moderation import do_moderate, do_report_comment
from unionhall.bulletins.roles import do_assign_moderator, may_moderate
from unionhall.members.models import Member, Role
from unionhall.refusals import Refused


def post(member, bulletin, body="A view.", **extra):
    return do_post_comment(member=member, bulletin=bulletin, draft=CommentDraft(body=body, as_pseudonym=False), **extra)


@pytest.fixture
def north_moderator(people, union):
    """Frank (Coast) moderates North's discussion."""
    return do_assign_moderator(actor=people.hq.user, member=people.frank, branch=union.north)


def test_a_named_moderator_sees_and_decides_only_their_branch(client, bulletin, people, north_moderator):
    alice_says, erin_says = post(people.alice, bulletin, "From North"), post(people.erin, bulletin, "From South")
    do_report_comment(member=people.carol, comment=alice_says, reason="Rude")
    do_report_comment(member=people.bob, comment=erin_says, reason="Rude")
    sign_in(client, people.frank, mfa=False)
    queue = client.get(reverse("moderation_queue")).content.decode()
    assert "From North" in queue and "From South" not in queue
    client.post(reverse("moderate_comment", args=[erin_says.pk]), {"outcome": "remove", "reason": "x"})
    assert Comment.objects.get(pk=erin_says.pk).state == "visible"
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=people.frank.user).exists()
    client.post(reverse("moderate_comment", args=[alice_says.pk]), {"outcome": "hide", "reason": "Rude to a colleague"})
    assert Comment.objects.get(pk=alice_says.pk).state == "hidden"


def test_reports_are_emailed_to_the_named_moderators_only_and_to_hq_where_none_is_named(bulletin, people, north_moderator):
    mail.outbox.clear()
    do_report_comment(member=people.carol, comment=post(people.alice, bulletin), reason="Rude")
    assert [m.to for m in mail.outbox] == [[people.frank.email]]
    mail.outbox.clear()
    do_report_comment(member=people.alice, comment=post(people.erin, bulletin), reason="Rude")  # South: nobody named
    assert [m.to for m in mail.outbox] == [[people.hq.email]]
    assert "Erin" not in mail.outbox[0].body


def test_only_hq_names_moderators(people, union):
    with pytest.raises(Refused) as refused:
        do_assign_moderator(actor=people.carol.user, member=people.alice, branch=union.north)
    assert refused.value.status == 403 and not ModeratorAssignment.objects.exists()
    with pytest.raises(Refused, match="one branch or one employer"):
        do_assign_moderator(actor=people.hq.user, member=people.alice, branch=union.north, employer=union.pps)


def test_hq_names_a_moderator_through_the_page(client, people, union):
    sign_in(client, people.hq)
    client.post(reverse("moderators"), {"member": "G1", "employer": union.northway.pk})
    assert ModeratorAssignment.objects.get().user == people.gina.user
    assert may_moderate(people.gina.user) and not may_moderate(people.alice.user)


def test_a_new_members_first_comment_is_held_until_a_moderator_keeps_it(client, bulletin, people, union):
    newcomer = make_member("N1", union.north, joined_on=timezone.localdate() - dt.timedelta(days=3), first_name="Nell")
    mail.outbox.clear()
    held = post(newcomer, bulletin, "My first words here")
    assert (held.state, held.pending_review) == ("held", True) and mail.outbox  # HQ is told
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("bulletin_detail", args=[bulletin.series.slug, bulletin.number])).content.decode()
    assert "My first words here" not in page and "shows once a moderator approves it" in page
    with pytest.raises(Refused, match="awaits a moderator"):
        do_post_comment(member=people.alice, bulletin=bulletin, draft=CommentDraft(body="Reply", as_pseudonym=False, parent=held))
    do_moderate(user=people.hq.user, comment=held, outcome="keep", reason="Fine")
    assert Comment.objects.get(pk=held.pk).state == "visible"
    assert post(newcomer, bulletin, "Second").state == "visible"
    assert post(people.alice, bulletin).state == "visible"  # joined long ago (or unknown): not held


def test_a_flood_of_comments_is_stopped_per_minute_and_per_hour(bulletin, people):
    start = timezone.now() - dt.timedelta(minutes=59)
    for i in range(COMMENTS_PER_HOUR):
        post(people.alice, bulletin, f"Comment {i}", now=start + dt.timedelta(minutes=i))
    with pytest.raises(Refused, match="last hour") as refused:
        post(people.alice, bulletin, "One more")
    assert refused.value.status == 429 and Comment.objects.count() == COMMENTS_PER_HOUR


def test_a_suspension_stops_commenting_until_it_ends(bulletin, people):
    comment = post(people.alice, bulletin, "Abuse")
    do_moderate(user=people.hq.user, comment=comment, outcome="remove", reason="Abusive", suspend_days=7)
    with pytest.raises(Refused, match="suspended your commenting") as refused:
        post(people.alice, bulletin)
    assert refused.value.status == 403
    assert post(people.alice, bulletin, "Back", now=timezone.now() + dt.timedelta(days=7, minutes=1)).state == "visible"
    with pytest.raises(Refused, match="only with a decision to hide or remove"):
        do_moderate(user=people.hq.user, comment=post(people.bob, bulletin), outcome="keep", reason="Fine", suspend_days=3)


def test_a_decision_can_be_appealed_once_and_another_moderator_overturns_it(client, bulletin, people, union):
    second = make_member("H2", union.south)
    give_office(second, Role.HQ_ADMIN)
    comment = post(people.alice, bulletin, "Sharp but fair")
    decision = do_moderate(user=people.hq.user, comment=comment, outcome="remove", reason="Too sharp", suspend_days=3)
    with pytest.raises(Refused) as refused:
        do_appeal(member=people.bob, decision=decision, reason="Not mine but unfair")
    assert refused.value.status == 403
    sign_in(client, people.alice, mfa=False)
    client.post(reverse("comment_appeal", args=[comment.pk]), {"reason": "It named no one"})
    client.post(reverse("comment_appeal", args=[comment.pk]), {"reason": "Again"})
    appeal = Appeal.objects.get()
    assert appeal.reason == "It named no one"
    with pytest.raises(Refused, match="Another moderator"):
        do_rule_appeal(user=people.hq.user, appeal=appeal, overturn=True, ruling="I was wrong")
    do_rule_appeal(user=second.user, appeal=appeal, overturn=True, ruling="It named no one")
    comment.refresh_from_db()
    assert comment.state == "visible" and not comment.moderation_reason
    assert post(people.alice, bulletin, "Thanks").state == "visible"  # the suspension is lifted
    assert Member.objects.get(pk=people.alice.pk).bulletin_reader.suspended_until is None


def answer(call, **kwargs):
    try:
        call(**kwargs)
    except Refused as refused:
        return refused.status, refused.message
    return "done"


def test_a_wrong_decision_outside_the_branch_gets_the_answer_one_inside_would(bulletin, people, north_moderator):
    """A named moderator cannot tell from a refusal whether a comment's author is
    in their branch: what is wrong with the request is said first, alike."""
    frank = people.frank.user
    inside, outside = post(people.alice, bulletin, "From North"), post(people.erin, bulletin, "From South")
    for wrong in ({"outcome": "keep", "reason": "Fine", "suspend_days": 3}, {"outcome": "hide", "reason": " "}, {"outcome": "ban", "reason": "x"}):
        told = answer(do_moderate, user=frank, comment=inside, **wrong)
        assert told[0] == 400 and told == answer(do_moderate, user=frank, comment=outside, **wrong), wrong
    for comment in (inside, outside):
        do_moderate(user=people.hq.user, comment=comment, outcome="remove", reason="Abusive")
    told = answer(do_moderate, user=frank, comment=inside, outcome="remove", reason="Abusive")
    assert told[0] == 409 and told == answer(do_moderate, user=frank, comment=outside, outcome="remove", reason="Abusive")
    assert ModerationDecision.objects.filter(decided_by=frank).count() == 0


def test_ruling_on_an_appeal_outside_the_branch_gets_the_answer_one_inside_would(bulletin, people, north_moderator, union):
    frank, second = people.frank.user, make_member("H2", union.south)
    give_office(second, Role.HQ_ADMIN)
    appeals = []
    for author in (people.alice, people.erin):
        decision = do_moderate(user=people.hq.user, comment=post(author, bulletin), outcome="remove", reason="Too sharp")
        appeals.append(do_appeal(member=author, decision=decision, reason="It named no one"))
    inside, outside = appeals
    told = answer(do_rule_appeal, user=frank, appeal=inside, overturn=True, ruling=" ")
    assert told[0] == 400 and told == answer(do_rule_appeal, user=frank, appeal=outside, overturn=True, ruling=" ")
    for appeal in appeals:
        do_rule_appeal(user=second.user, appeal=appeal, overturn=False, ruling="Fair decision")
    told = answer(do_rule_appeal, user=frank, appeal=inside, overturn=True, ruling="Unfair")
    assert told[0] == 409 and told == answer(do_rule_appeal, user=frank, appeal=outside, overturn=True, ruling="Unfair")
