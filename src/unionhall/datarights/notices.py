"""The privacy notice (UK GDPR Arts. 13-14): HQ publishes versions; each
signed-in person is shown the current one once, and can see which versions
they were shown and when."""

import nh3
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from markdown_it import MarkdownIt

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.datarights.models import NoticeShown, PrivacyNotice
from unionhall.refusals import Refused

_parser = MarkdownIt("commonmark", {"html": False})
_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "h2", "h3", "blockquote"}


def notice_html(notice: PrivacyNotice) -> str:
    """The notice's markdown as HTML: raw HTML off in the parser, then nh3 against an allowlist."""
    html = _parser.render(notice.body).replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(html, tags=_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"}, link_rel="noopener")


def notice_current() -> PrivacyNotice | None:
    return PrivacyNotice.objects.order_by("-version").first()


@transaction.atomic
def notice_publish(*, body: str, actor) -> PrivacyNotice:
    """Publish ``body`` as the next version; earlier versions stay as they were."""
    body = body.strip()
    if len(body) < 40:
        raise Refused("A privacy notice says who holds members' data, why, for how long and members' rights: write it out.")
    latest = PrivacyNotice.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
    if latest and PrivacyNotice.objects.get(version=latest).body == body:
        raise Refused("That is the notice already published: change it first.")
    notice = PrivacyNotice.objects.create(version=latest + 1, body=body, published_at=timezone.now(), published_by=actor)
    audit_record(actor=actor, action=Action.CHANGE, subject=notice, detail={"event": "privacy notice published", "version": notice.version})
    return notice


def notice_unseen(user) -> PrivacyNotice | None:
    """The current notice if ``user`` has not been shown it yet (one query when there is none to show)."""
    notice = notice_current()
    if notice is None or NoticeShown.objects.filter(user=user, notice=notice).exists():
        return None
    return notice


def notice_mark_shown(*, user, notice: PrivacyNotice) -> None:
    try:
        with transaction.atomic():
            NoticeShown.objects.create(user=user, notice=notice, shown_at=timezone.now())
    except IntegrityError:
        pass  # shown already (two tabs at once): the first time is the one kept


def notices_shown(user) -> list[NoticeShown]:
    return list(NoticeShown.objects.filter(user=user).select_related("notice").order_by("-notice__version"))
