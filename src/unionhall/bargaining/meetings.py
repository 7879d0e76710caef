"""Meetings of a negotiating body (agenda, minutes, actions with owners and
due dates) and the PDFs kept with agreements and meetings."""

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bargaining.models import Agreement, BodyAction, BodyMeeting, Document, NegotiatingBody
from unionhall.bargaining.roles import require_negotiator
from unionhall.refusals import Refused
from unionhall.uploads import pdf_problem

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


@transaction.atomic
def meeting_record(*, body: NegotiatingBody, held_on: dt.date | None, agenda: str, minutes: str = "", actor) -> BodyMeeting:
    require_negotiator(actor, body.employer_id)
    if held_on is None or not agenda.strip():
        raise Refused("A meeting needs its date and its agenda.")
    meeting = BodyMeeting.objects.create(body=body, held_on=held_on, agenda=agenda.strip(), minutes=minutes.strip(), recorded_by=actor)
    audit_record(actor=actor, action=Action.CHANGE, subject=meeting, detail={"event": "body meeting recorded"})
    return meeting


@transaction.atomic
def action_add(*, meeting: BodyMeeting, text: str, owner: str, due_on: dt.date | None, actor) -> BodyAction:
    require_negotiator(actor, meeting.body.employer_id)
    if not text.strip() or not owner.strip() or due_on is None:
        raise Refused("An action needs what is to be done, who owns it and a due date.")
    action = BodyAction.objects.create(meeting=meeting, text=text.strip(), owner=owner.strip(), due_on=due_on)
    audit_record(actor=actor, action=Action.CHANGE, subject=meeting, detail={"event": "action added"})
    return action


@transaction.atomic
def action_done(*, action: BodyAction, on: dt.date | None = None, actor) -> BodyAction:
    require_negotiator(actor, action.meeting.body.employer_id)
    action.done_on = on or timezone.localdate()
    action.save(update_fields=["done_on"])
    audit_record(actor=actor, action=Action.CHANGE, subject=action.meeting, detail={"event": "action done"})
    return action


def check_document(*, title: str, upload) -> None:
    if not title.strip():
        raise Refused("Give the document a title, for example “Signed agreement”.")
    if problem := pdf_problem(upload, max_bytes=MAX_DOCUMENT_BYTES, verb="kept"):
        raise Refused(problem)


@transaction.atomic
def document_attach(*, title: str, upload, agreement: Agreement | None = None, meeting: BodyMeeting | None = None, actor,
                    now: dt.datetime | None = None) -> Document:  # fmt: skip
    """Keep a PDF with an agreement or a meeting (exactly one)."""
    if (agreement is None) == (meeting is None):
        raise Refused("A document belongs to an agreement or to a meeting.")
    require_negotiator(actor, (agreement.body if agreement else meeting.body).employer_id)
    check_document(title=title, upload=upload)
    name = re.sub(r"[^\w.\- ]", "_", upload.name)[-120:]
    document = Document.objects.create(agreement=agreement, meeting=meeting, title=title.strip(), file=upload, filename=name, size=upload.size,
                                       uploaded_by=actor, uploaded_at=now or timezone.now())  # fmt: skip
    audit_record(actor=actor, action=Action.CHANGE, subject=agreement or meeting, detail={"event": "document kept", "bytes": document.size})
    return document
