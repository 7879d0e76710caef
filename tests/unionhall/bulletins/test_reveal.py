"""Revealing who wrote a pseudonymous comment takes two different moderators,
a recorded reason and an audit entry for every step and look; the member is told."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.unionhall.conftest import give_office, make_member, sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.bulletins.models import Comment, RevealRequest
from unionhall.bulletins.services import CommentDraft, do_decide_reveal, do_post_comment, do_request_reveal, do_set_pseudonym, see_identity
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
