"""What in the bulletins waits on the signed-in moderator (the home page lists it)."""

from django.urls import reverse

from unionhall.bulletins.appeals import pending_appeals
from unionhall.bulletins.moderation import moderation_queue
from unionhall.bulletins.roles import may_moderate
from unionhall.todo import ToDo


def to_do_for(user, *, remit=None) -> list[ToDo]:
    """Comments held, hidden or reported in the user's moderation scope, and
    appeals against others' decisions there."""
    if not may_moderate(user, remit=remit):
        return []
    items = []
    comments = moderation_queue(user, remit=remit).count()
    if comments:
        items.append(ToDo(f"{comments} comment{'s wait' if comments != 1 else ' waits'} for a moderator", reverse("moderation_queue"), urgent=True))
    appeals = pending_appeals(user, remit=remit).count()
    if appeals:
        items.append(ToDo(f"{appeals} appeal{'s' if appeals != 1 else ''} against a moderation decision to decide", reverse("moderation_queue")))
    return items
