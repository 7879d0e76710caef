"""Revealing who wrote a pseudonymous comment takes two different moderators,
a recorded reason and an audit entry for every step and look; the member is told."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.unionhall.conftest import give_office, make_member, sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.bulletins.comments import CommentDraft, do_post_comment
from unionhall.bulletins.models import Comment, RevealRequest
from unionhall.bulletins.pseudonyms import do_set_pseudonym
from unionhall.bulletins.reveal import do_decide_reveal, do_request_reveal, see_identity
from unionhall.bulletins.roles import do_assign_moderator
from unionhall.members.models import Role
from unionhall.refusals import Refused


@pytest.fixture
def comment(bulletin, people) -> Comment:
    do_set_pseudonym(member=people.alice, pseudonym="Quiet Otter")
    mail.outbox.clear()
    return do_post_comment(member=people.alice, bulletin=bulletin, draft=CommentDraft(body="The rota is rigged.", as_pseudonym=True))


@pytest.fixture
def second_moderator(union):
    member = make_member("H2", union.south, first_name="Ivo", last_name="Ingram")
    give_office(member, Role.HQ_ADMIN)
    return member


def test_one_moderator_cannot_approve_their_own_request(comment, people):
    request = do_request_reveal(user=people.hq.user, comment=comment, reason="Threatens a colleague")
    with pytest.raises(Refused, match="second, different moderator") as refused:
        do_decide_reveal(user=people.hq.user, request=request, approve=True)
    assert refused.value.status == 403
    request.refresh_from_db()
    assert request.status == "pending" and request.decided_by is None
    with pytest.raises(Refused, match="not approved"):
        see_identity(user=people.hq.user, request=request)


def test_a_non_moderator_cannot_request_and_nothing_is_recorded(client, comment, people):
    with pytest.raises(Refused) as refused:
        do_request_reveal(user=people.carol.user, comment=comment, reason="Curious")
    assert refused.value.status == 403 and not RevealRequest.objects.exists()
    sign_in(client, people.carol)
    assert client.post(reverse("reveal_request", args=[comment.pk]), {"reason": "Curious"}).status_code == 403
    assert not RevealRequest.objects.exists()
    assert AuditEntry.objects.filter(action=Action.DENIED, actor=people.carol.user).exists()


def test_a_refusal_leaves_nothing_revealed_and_nobody_emailed(comment, people, second_moderator):
    request = do_request_reveal(user=people.hq.user, comment=comment, reason="Threatens a colleague")
    do_decide_reveal(user=second_moderator.user, request=request, approve=False, reason="Not serious enough")
    for moderator in (people.hq, second_moderator):
        with pytest.raises(Refused, match="not approved"):
            see_identity(user=moderator.user, request=request)
    assert not mail.outbox and not AuditEntry.objects.filter(detail__event="identity revealed").exists()


def test_after_approval_only_the_two_see_the_name_each_look_is_audited_and_the_member_is_told(client, comment, people, second_moderator, union):
    third = make_member("H3", union.south)
    give_office(third, Role.HQ_ADMIN)
    sign_in(client, people.hq)
    client.post(reverse("reveal_request", args=[comment.pk]), {"reason": "Threatens a colleague"})
    request = RevealRequest.objects.get()
    assert "Threatens a colleague" in client.get(reverse("reveal_list")).content.decode()
    assert client.get(reverse("reveal_identity", args=[request.pk])).status_code == 403  # not yet approved
    client.logout()

    sign_in(client, second_moderator)
    client.post(reverse("reveal_decide", args=[request.pk]), {"decision": "approve"})
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", second_moderator.user)
    assert "Alice Archer" in client.get(reverse("reveal_identity", args=[request.pk])).content.decode()
    client.logout()
    sign_in(client, people.hq)
    assert "Alice Archer" in client.get(reverse("reveal_identity", args=[request.pk])).content.decode()

    with pytest.raises(Refused, match="Only the two moderators") as refused:
        see_identity(user=third.user, request=request)
    assert refused.value.status == 403
    events = list(AuditEntry.objects.filter(subject_type="bulletins.revealrequest").exclude(action=Action.DENIED).values_list("detail__event", flat=True))
    assert events == ["identity reveal requested", "identity reveal approved", "identity revealed", "identity revealed"]
    (message,) = mail.outbox
    assert message.to == [people.alice.email] and "Threatens a colleague" in message.body and "Quiet Otter" in message.body


def test_a_comment_under_the_members_name_has_nobody_to_reveal(bulletin, people):
    named = do_post_comment(member=people.bob, bulletin=bulletin, draft=CommentDraft(body="Signed.", as_pseudonym=False))
    with pytest.raises(Refused, match="nobody to reveal"):
        do_request_reveal(user=people.hq.user, comment=named, reason="x")


# --- A named moderator must not learn from the answers whether an author is in their branch ---------


@pytest.fixture
def north_moderator(people, union):
    """Frank (Coast) moderates North's discussion: Alice's comments are his, Erin's (South) are not."""
    do_assign_moderator(actor=people.hq.user, member=people.frank, branch=union.north)
    return people.frank


@pytest.fixture
def erins_comment(bulletin, people) -> Comment:
    do_set_pseudonym(member=people.erin, pseudonym="Night Owl")
    return do_post_comment(member=people.erin, bulletin=bulletin, draft=CommentDraft(body="South is short-staffed.", as_pseudonym=True))


def answer(call, **kwargs):
    """What the caller is told: "done", or the refusal's status and message."""
    try:
        call(**kwargs)
    except Refused as refused:
        return refused.status, refused.message
    return "done"


def test_reveal_outside_branch_and_inside_branch_get_the_same_answer(client, comment, erins_comment, people, north_moderator):
    inside, outside = comment, erins_comment
    for reason in ("", "   ", "Rude", "x" * 501):  # none, blank, too short to be a reason, too long
        told = answer(do_request_reveal, user=north_moderator.user, comment=inside, reason=reason)
        assert told == answer(do_request_reveal, user=north_moderator.user, comment=outside, reason=reason), reason
        assert told[0] == 400
    named_inside = do_post_comment(member=people.bob, bulletin=comment.bulletin, draft=CommentDraft(body="Signed, Bob.", as_pseudonym=False))
    named_outside = do_post_comment(member=people.dave, bulletin=comment.bulletin, draft=CommentDraft(body="Signed, Dave.", as_pseudonym=False))
    reason = "Threatens a colleague by name"
    assert answer(do_request_reveal, user=north_moderator.user, comment=named_inside, reason=reason) == answer(
        do_request_reveal, user=north_moderator.user, comment=named_outside, reason=reason
    )
    assert not RevealRequest.objects.exists()

    # Once HQ has asked about both, a second request is refused alike, in the branch or not.
    for pseudonymous in (inside, outside):
        do_request_reveal(user=people.hq.user, comment=pseudonymous, reason=reason)
    told = answer(do_request_reveal, user=north_moderator.user, comment=inside, reason=reason)
    assert told[0] == 409 and told == answer(do_request_reveal, user=north_moderator.user, comment=outside, reason=reason)

    # Through the pages: the same answer (a redirect with the same message) for both.
    sign_in(client, north_moderator, mfa=False)
    pages = []
    for pseudonymous in (inside, outside):
        response = client.post(reverse("reveal_request", args=[pseudonymous.pk]), {"reason": "Rude"}, follow=True)
        pages.append((response.status_code, [str(m) for m in response.context["messages"]]))
    assert pages[0] == pages[1] and pages[0][0] == 200
    assert RevealRequest.objects.filter(requested_by=north_moderator.user).count() == 0


def test_deciding_a_request_outside_the_branch_gets_the_answer_one_inside_would(comment, erins_comment, people, north_moderator, second_moderator):
    reason = "Threatens a colleague by name"
    inside = do_request_reveal(user=people.hq.user, comment=comment, reason=reason)
    outside = do_request_reveal(user=people.hq.user, comment=erins_comment, reason=reason)
    told = answer(do_decide_reveal, user=north_moderator.user, request=inside, approve=False, reason="x" * 301)
    assert told[0] == 400 and told == answer(do_decide_reveal, user=north_moderator.user, request=outside, approve=False, reason="x" * 301)
    for request in (inside, outside):
        do_decide_reveal(user=second_moderator.user, request=request, approve=False, reason="Not serious enough")
    told = answer(do_decide_reveal, user=north_moderator.user, request=inside, approve=True)
    assert told[0] == 409 and told == answer(do_decide_reveal, user=north_moderator.user, request=outside, approve=True)


def test_a_moderator_who_is_not_one_of_the_two_is_told_the_same_whether_or_not_the_reveal_was_approved(comment, erins_comment, people, second_moderator, union):
    third = make_member("H3", union.south)
    give_office(third, Role.HQ_ADMIN)
    reason = "Threatens a colleague by name"
    pending = do_request_reveal(user=people.hq.user, comment=comment, reason=reason)
    approved = do_request_reveal(user=people.hq.user, comment=erins_comment, reason=reason)
    do_decide_reveal(user=second_moderator.user, request=approved, approve=True)
    told = answer(see_identity, user=third.user, request=pending)
    assert told[0] == 403 and told == answer(see_identity, user=third.user, request=approved)


def test_every_reveal_attempt_is_audited(comment, erins_comment, people, north_moderator, second_moderator, union):
    def attempts():
        return [
            (entry.action, entry.actor, entry.detail["event"], entry.detail.get("reason", ""))
            for entry in AuditEntry.objects.filter(detail__event__startswith="identity").order_by("seq")
        ]

    frank, hq, ivo = north_moderator.user, people.hq.user, second_moderator.user
    answer(do_request_reveal, user=frank, comment=erins_comment, reason="Who is this? Just curious")  # outside his branch
    answer(do_request_reveal, user=frank, comment=comment, reason="Rude")  # too short to be a reason
    request = do_request_reveal(user=frank, comment=comment, reason="Threatens a colleague by name")
    answer(do_decide_reveal, user=frank, request=request, approve=True)  # his own request
    do_decide_reveal(user=hq, request=request, approve=False, reason="Not serious enough")
    answer(see_identity, user=frank, request=request)  # refused, so nobody may look
    second = do_request_reveal(user=hq, comment=erins_comment, reason="Threatens a colleague by name")
    do_decide_reveal(user=ivo, request=second, approve=True, reason="A threat must be dealt with")
    see_identity(user=hq, request=second)

    refused = "identity reveal request refused"
    assert attempts() == [
        (Action.DENIED, frank, refused, "Who is this? Just curious"),
        (Action.DENIED, frank, refused, "Rude"),
        (Action.CHANGE, frank, "identity reveal requested", "Threatens a colleague by name"),
        (Action.DENIED, frank, "identity reveal decision refused", ""),
        (Action.CHANGE, hq, "identity reveal refused", "Not serious enough"),
        (Action.DENIED, frank, "identity look refused", ""),
        (Action.CHANGE, hq, "identity reveal requested", "Threatens a colleague by name"),
        (Action.CHANGE, ivo, "identity reveal approved", "A threat must be dealt with"),
        (Action.VIEW, hq, "identity revealed", ""),
    ]
    # A refused attempt says what was refused and why, so an auditor can see probing.
    probe = AuditEntry.objects.filter(detail__event=refused).order_by("seq").first()
    assert probe.detail["comment"] == erins_comment.pk and probe.detail["refusal"] and probe.detail["status"] == 403
