"""What people do with cases. Each service checks everything first and raises
``Refused`` having changed nothing, then acts in one transaction with its
audit entry and any mail (queued in the outbox inside the same transaction).

``actor`` is the Member acting; ``remit`` their officer remit (NO_REMIT if
none). Who may see and do what is decided by ``access.case_level``."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.casework import documents
from unionhall.casework.access import REFERRAL_ROLES, REP_ROLES, Level, case_level, holds_role, oversees, reps_for
from unionhall.casework.models import Case, CaseDeadline, CaseType, Document, Entry, Meeting, Nations, Referral, RuleProfile
from unionhall.casework.schedule import check_dates, deadlines_refresh
from unionhall.mail import queue_email
from unionhall.members.models import Member, Office, Role
from unionhall.members.remit import Remit
from unionhall.refusals import Refused

MAX_TEXT = 10_000
MAX_UPLOADS = 5
MAX_DOCUMENTS = 30


def _now(now=None) -> dt.datetime:
    return now or timezone.now()


def _text(value: str, what: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Refused(f"Please write {what}.")
    if len(value) > MAX_TEXT:
        raise Refused(f"{what[0].upper()}{what[1:]} is too long: at most {MAX_TEXT:,} characters.")
    return value


def case_link(case: Case) -> str:
    return f"{getattr(settings, 'UNIONHALL_BASE_URL', '')}{reverse('casework_case', args=[case.ref])}"


def secretaries(branch_ids) -> dict[int, list[str]]:
    """Branch secretaries' addresses by branch (the office's address first)."""
    found: dict[int, list[str]] = {}
    rows = Office.objects.current().filter(role=Role.BRANCH_SECRETARY, branch_id__in=set(branch_ids), member__status=Member.Status.ACTIVE)
    for branch_id, office_email, email in rows.values_list("branch_id", "contact_email", "member__email"):
        if office_email or email:
            found.setdefault(branch_id, []).append(office_email or email)
    return found


def _mail(case: Case, to: list[str], subject: str, lines: list[str], *, topic: str, key: str, member_id=None) -> None:
    """Mail about a case says only its number, kind and what to do: the case
    itself is read on the site, where access is checked and audited."""
    to = [a for a in to if a]
    if to:
        body = "\n\n".join([*lines, f"Open the case: {case_link(case)}"])
        queue_email(subject=f"Case {case.number}: {subject}", body=body, to=to, topic=topic, key=key, member_id=member_id)


def _event(case: Case, actor: Member | None, text: str, now: dt.datetime, *, kind=Entry.Kind.EVENT) -> Entry:
    entry = Entry(case=case, kind=kind, author=actor, at=now)
    entry.seal("body", text)
    entry.save()
    return entry


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("member", "rep").get(pk=case.pk)


def _require(level: Level, at_least: Level, message: str = "Only the case's rep can do that.") -> None:
    if level < at_least:
        raise Refused(message, status=403)


def _address(member: Member) -> str:
    office = Office.objects.current().filter(member=member).exclude(contact_email="").values_list("contact_email", flat=True).first()
    return office or member.email


# --- Asking for help ----------------------------------------------------------------------


def case_request(*, member: Member, kind: str, what_happened: str, meeting_on: dt.date | None = None, meeting_kind: str = "",
                 nation: str = Nations.ENGLAND_WALES, health_details: str = "", uploads=(), now=None) -> Case:  # fmt: skip
    """A member asks for help. Their branch secretaries are told a request is
    waiting (not what it says)."""
    now = _now(now)
    if member.status != Member.Status.ACTIVE:
        raise Refused("Only active members can ask for help with a case.", status=403)
    if kind not in CaseType.values:
        raise Refused("Choose what kind of help you need.")
    if nation not in Nations.values:
        raise Refused("Choose where you work: England and Wales, Scotland or Northern Ireland.")
    what_happened = _text(what_happened, "what happened")
    health_details = _text(health_details, "the health details", required=False)
    if meeting_on is not None and meeting_kind not in Meeting.Kind.values:
        raise Refused("Say what kind of meeting you have been invited to.")
    if meeting_on is not None and not (now.date() - dt.timedelta(days=366) <= meeting_on <= now.date() + dt.timedelta(days=366)):
        raise Refused("The meeting date should be within a year of today; check the year.")
    uploads = list(uploads)
    if len(uploads) > MAX_UPLOADS:
        raise Refused(f"Add at most {MAX_UPLOADS} documents now; your rep can add more later.")
    checked = [(u, *documents.check_upload(u)) for u in uploads]
    with transaction.atomic():
        policy = RuleProfile.objects.filter(employer_id=member.employer_id).order_by("-updated_at").first()
        case = Case(member=member, employer_id=member.employer_id, branch_id=member.branch_id, kind=kind, nation=nation, policy=policy,
                    opened_at=now, last_activity_at=now, health_flag=bool(health_details))  # fmt: skip
        case.seal("summary", what_happened)
        case.seal("health", health_details)
        case.save()
        if meeting_on is not None:
            meeting = Meeting(case=case, kind=meeting_kind, on=meeting_on, recorded_by=member, recorded_at=now)
            meeting.save()
        for upload, data, content_type in checked:
            _document_save(case, member, upload.name, data, content_type, now)
        _event(case, member, "The member asked for help.", now)
        deadlines_refresh(case)
        audit_record(actor=member.user, action=Action.CHANGE, subject=case, detail={"event": "help requested", "documents": len(checked)})
        _mail(case, secretaries([case.branch_id]).get(case.branch_id, []), "a member has asked for help",
              [f"A member of your branch has asked for help with a {case.get_kind_display().lower()} matter.",
               "Please assign a rep: the request is waiting in the branch's casework queue."],
              topic="casework_request", key=f"casework-request:{case.ref}")  # fmt: skip
    return case


# --- Reps ---------------------------------------------------------------------------------


def _check_rep(case: Case, rep: Member, *, roles=REP_ROLES, what="a rep") -> None:
    if rep.pk == case.member_id:
        raise Refused("A member cannot represent themselves in their own case.")
    if rep.status != Member.Status.ACTIVE or not holds_role(rep, roles):
        raise Refused(f"{rep.full_name} is not {what}: choose someone who holds a rep's office.", status=422)


def _check_local_rep(case: Case, rep: Member, remit: Remit) -> None:
    """A case goes to a rep at its branch or employer (or a national rep), as
    the form lists them; only HQ may name a rep from anywhere."""
    _check_rep(case, rep)
    if not remit.everyone and rep.pk not in {m.pk for m in reps_for(case)}:
        raise Refused(f"{rep.full_name} is not a rep at this case's branch or employer: only HQ can ask a rep from elsewhere.", status=422)


def _require_rep_or_oversight(actor: Member, remit: Remit, case: Case, message: str) -> None:
    """The case's own rep, or an officer over it. Someone the case is only
    referred to reads it all but does not run it: the rep keeps it."""
    level = case_level(member=actor, remit=remit, case=case)
    if level == Level.FULL and case.rep_id == actor.pk:
        return
    _require_oversight(level, remit, case, message)


def _require_oversight(level: Level, remit: Remit, case: Case, message: str) -> None:
    """An officer whose remit covers the case's branch or employer, acting as
    that officer: not the member (even one who is an officer), nor a rep only
    offered the case (case_level ranks both above an overview)."""
    if level in (Level.MEMBER, Level.OFFERED) or not oversees(remit, case):
        raise Refused(message, status=403)


def case_assign(*, actor: Member, remit: Remit, case: Case, rep: Member, now=None) -> Case:
    """A branch officer asks ``rep`` to take the case; the rep must accept."""
    now = _now(now)
    _require_oversight(case_level(member=actor, remit=remit, case=case), remit, case, "Only a branch officer over the case can ask a rep to take it.")
    if case.status not in (Case.Status.REQUESTED, Case.Status.OFFERED):
        raise Refused("This case already has a rep: hand it over instead.", status=409)
    _check_local_rep(case, rep, remit)
    with transaction.atomic():
        case = _locked(case)
        if case.status not in (Case.Status.REQUESTED, Case.Status.OFFERED):
            raise Refused("This case already has a rep: hand it over instead.", status=409)
        accepted = rep.pk == actor.pk
        Case.objects.filter(pk=case.pk).update(rep=rep, status=Case.Status.OPEN if accepted else Case.Status.OFFERED,
                                               rep_accepted_at=now if accepted else None)  # fmt: skip
        _event(case, actor, f"{actor.full_name} asked {rep.full_name} to take the case.", now)
        audit_record(actor=actor.user, action=Action.CHANGE, subject=case, detail={"event": "rep assigned", "rep": rep.membership_number})
        if not accepted:
            _mail(case, [_address(rep)], "will you take this case?",
                  [f"You have been asked to represent a member in a {case.get_kind_display().lower()} case.",
                   "Open it to accept or decline."], topic="casework_assigned", key=f"casework-assign:{case.ref}:{rep.pk}:{now.timestamp()}")  # fmt: skip
    case.refresh_from_db()
    return case


def case_accept(*, actor: Member, case: Case, now=None) -> Case:
    """The rep asked accepts the case; the member is told who their rep is."""
    now = _now(now)
    if case.rep_id != actor.pk or case.status != Case.Status.OFFERED:
        raise Refused("There is no request for you to accept on this case.", status=409)
    with transaction.atomic():
        case = _locked(case)
        if case.rep_id != actor.pk or case.status != Case.Status.OFFERED:
            raise Refused("There is no request for you to accept on this case.", status=409)
        Case.objects.filter(pk=case.pk).update(status=Case.Status.OPEN, rep_accepted_at=now, last_activity_at=now)
        _event(case, actor, f"{actor.full_name} accepted the case.", now)
        audit_record(actor=actor.user, action=Action.CHANGE, subject=case, detail={"event": "rep accepted"})
        _mail(case, [case.member.email], "your rep", [f"{actor.full_name} is now your rep for this case. You can message them on the case page."],
              topic="casework_member", key=f"casework-accepted:{case.ref}:{actor.pk}", member_id=case.member_id)  # fmt: skip
    case.refresh_from_db()
    return case


def case_decline(*, actor: Member, case: Case, now=None) -> Case:
    now = _now(now)
    if case.rep_id != actor.pk or case.status != Case.Status.OFFERED:
        raise Refused("There is no request for you to decline on this case.", status=409)
    with transaction.atomic():
        # Still offered to this rep: a decline sent late must not undo an offer made since to someone else.
        if not Case.objects.filter(pk=case.pk, status=Case.Status.OFFERED, rep_id=actor.pk).update(status=Case.Status.REQUESTED, rep=None, rep_accepted_at=None):
            raise Refused("There is no request for you to decline on this case.", status=409)
        _event(case, actor, f"{actor.full_name} declined the case.", now)
        audit_record(actor=actor.user, action=Action.CHANGE, subject=case, detail={"event": "rep declined"})
    case.refresh_from_db()
    return case


def case_handover(*, actor: Member, remit: Remit, case: Case, to: Member, note: str = "", now=None) -> Case:
    """The rep, or an officer over the case, hands it to another rep, who must
    accept (an officer taking it over themselves has accepted). The old rep
    loses access; the history goes with the case."""
    now = _now(now)
    _require_rep_or_oversight(actor, remit, case, "Only the rep or a branch officer can hand a case over.")
    if case.status != Case.Status.OPEN:
        raise Refused("Only an open case with a rep can be handed over.", status=409)
    if to.pk == case.rep_id:
        raise Refused(f"{to.full_name} is already the rep.", status=409)
    _check_local_rep(case, to, remit)
    note = _text(note, "a note", required=False)
    with transaction.atomic():
        case = _locked(case)
        before = case.rep
        taking = to.pk == actor.pk
        Case.objects.filter(pk=case.pk).update(rep=to, status=Case.Status.OPEN if taking else Case.Status.OFFERED,
                                               rep_accepted_at=now if taking else None, last_activity_at=now)  # fmt: skip
        text = f"{actor.full_name} handed the case from {before.full_name if before else 'nobody'} to {to.full_name}."
        _event(case, actor, text, now)
        if note:  # for whoever reads the whole case, not the member or the branch's overview
            _event(case, actor, f"Handover note: {note}", now, kind=Entry.Kind.NOTE)
        audit_record(actor=actor.user, action=Action.CHANGE, subject=case,
                     detail={"event": "handed over", "from": before.membership_number if before else "", "to": to.membership_number})  # fmt: skip
        if not taking:
            _mail(case, [_address(to)], "a case handed to you",
                  [f"A {case.get_kind_display().lower()} case has been handed over to you, with its history.", "Open it to accept."],
                  topic="casework_assigned", key=f"casework-handover:{case.ref}:{to.pk}:{now.timestamp()}")  # fmt: skip
    case.refresh_from_db()
    return case


def case_refer(*, actor: Member, remit: Remit, case: Case, to: Member, note: str, now=None) -> Referral:
    """Refer the case up to a link officer or national representative with a
    note; they can then read it all (the rep keeps it)."""
    now = _now(now)
    _require_rep_or_oversight(actor, remit, case, "Only the rep or a branch officer can refer a case.")
    if not case.is_open:
        raise Refused("This case is closed.", status=409)
    if to.pk == actor.pk:
        raise Refused("You cannot refer a case to yourself: to read all of it, take it over (hand it to yourself), which the case's history records.", status=403)
    _check_rep(case, to, roles=REFERRAL_ROLES, what="a link officer or national representative")
    note = _text(note, "a note for the person you refer the case to")
    if Referral.objects.filter(case=case, to=to, ended_at__isnull=True).exists():
        raise Refused(f"The case is already referred to {to.full_name}.", status=409)
    with transaction.atomic():
        referral = Referral(case=case, to=to, by=actor, at=now)
        referral.seal("note", note)
        referral.save()
        _event(case, actor, f"{actor.full_name} referred the case to {to.full_name}.", now)  # the note stays on the referral
        Case.objects.filter(pk=case.pk).update(last_activity_at=now)
        audit_record(actor=actor.user, action=Action.CHANGE, subject=case, detail={"event": "referred", "to": to.membership_number})
        _mail(case, [_address(to)], "a case referred to you",
              [f"A {case.get_kind_display().lower()} case has been referred to you with a note.", "Open it to read the case and its history."],
              topic="casework_referred", key=f"casework-refer:{referral.ref}")  # fmt: skip
    return referral


# --- Working the case ----------------------------------------------------------------------


def meeting_record(*, actor: Member, remit: Remit, case: Case, kind: str, on: dt.date, companion_unavailable: bool = False,
                   note: str = "", now=None) -> Meeting:  # fmt: skip
    """The rep records a meeting; if they cannot attend the employer's time,
    the s10 postponement deadline appears on the case."""
    now = _now(now)
    _require(case_level(member=actor, remit=remit, case=case), Level.FULL)
    if not case.is_open:
        raise Refused("This case is closed.", status=409)
    if kind not in Meeting.Kind.values:
        raise Refused("Choose the kind of meeting.")
    note = _text(note, "a note", required=False)
    meeting = Meeting(case=case, kind=kind, on=on, companion_unavailable=companion_unavailable, recorded_by=actor, recorded_at=now)
    check_dates(case, meetings=[*case.meetings.all(), meeting])
    with transaction.atomic():
        meeting.seal("note", note)
        meeting.save()
        Case.objects.filter(pk=case.pk).update(last_activity_at=now)
        deadlines_refresh(case)
        audit_record(actor=actor.user, action=Action.CHANGE, subject=case, detail={"event": "meeting recorded", "kind": kind})
    return meeting


def case_dates_set(*, actor: Member, remit: Remit, case: Case, incident_on=None, acas_from=None, acas_cert=None,
                   outcome_on=None, now=None) -> Case:  # fmt: skip
    """The rep records the dates deadlines count from; they are worked out
    first, so dates the law cannot use change nothing."""
    now = _now(now)
    _require(case_level(member=actor, remit=remit, case=case), Level.FULL)
    if (acas_from or acas_cert) and not incident_on:
        raise Refused("Give the date of the act or dismissal before the early conciliation dates.")
    if acas_cert and not acas_from:
        raise Refused("Give the day ACAS was contacted (Day A) as well as the certificate date.")
    if acas_from and acas_cert and acas_cert < acas_from:
        raise Refused("The early conciliation certificate cannot be dated before ACAS was notified.")
    case.incident_on, case.acas_from, case.acas_cert, case.outcome_on = incident_on, acas_from, acas_cert, outcome_on
    check_dates(case)
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(incident_on=incident_on, acas_from=acas_from, acas_cert=acas_cert, outcome_on=outcome_on,
                                               last_activity_at=now)  # fmt: skip
        deadlines_refresh(case)
        audit_record(actor=actor.user, action=Action.CHANGE, subject=case, detail={"event": "dates recorded"})
    return case


def entry_add(*, actor: Member, remit: Remit, case: Case, kind: str, body: str, due_on: dt.date | None = None, for_member: bool = False,
              now=None) -> Entry:  # fmt: skip
    """A note or action (rep and those referred to) or a message (also the
    member). The other side hears that there is a message, not what it says.
    An action has a due date and is the rep's, or the member's to do
    (``for_member``: they see it and can mark it done); either way it is a
    deadline on the case until it is done."""
    now = _now(now)
    level = case_level(member=actor, remit=remit, case=case)
    if kind not in (Entry.Kind.NOTE, Entry.Kind.ACTION, Entry.Kind.MESSAGE):
        raise Refused("Choose a note, an action or a message.")
    if kind == Entry.Kind.MESSAGE:
        if level not in (Level.MEMBER, Level.FULL):
            raise Refused("Only the member and their rep can message in this case.", status=403)
    else:
        _require(level, Level.FULL)
    if not case.is_open:
        raise Refused("This case is closed.", status=409)
    body = _text(body, "the " + kind)
    action = kind == Entry.Kind.ACTION
    if action and due_on is None:
        raise Refused("Give the action a date it is due.")
    if action and not (now.date() - dt.timedelta(days=31) <= due_on <= now.date() + dt.timedelta(days=366)):
        raise Refused("An action should be due within a year from today (or at most a month ago); check the date.")
    with transaction.atomic():
        entry = Entry(case=case, kind=kind, author=actor, at=now, due_on=due_on if action else None, for_member=action and bool(for_member))
        entry.seal("body", body)
        entry.save()
        if action:
            whose = "the member" if entry.for_member else "the rep"
            CaseDeadline.objects.create(case=case, code=f"{CaseDeadline.ACTION}{entry.pk}", title=f"Action for {whose}", due_on=due_on,
                                        source="An action set in the case; what it is can be read on the case by those it is for.",
                                        steps=[f"{actor.full_name} set an action for {whose} on {now.day} {now:%B %Y}, due {due_on.day} {due_on:%B %Y}."],
                                        branch_id=case.branch_id, employer_id=case.employer_id)  # fmt: skip
        if level == Level.FULL:
            Case.objects.filter(pk=case.pk).update(last_activity_at=now)
        audit_record(actor=actor.user, action=Action.CHANGE, subject=case, detail={"event": f"{kind} added"})
        if kind == Entry.Kind.MESSAGE:
            if level == Level.MEMBER and case.rep_id:
                _mail(case, [_address(case.rep)], "a message from the member", ["The member has sent you a message in their case."],
                      topic="casework_message", key=f"casework-message:{entry.ref}")  # fmt: skip
            elif level == Level.FULL:
                _mail(case, [case.member.email], "a message from your rep", ["Your rep has sent you a message about your case."],
                      topic="casework_member", key=f"casework-message:{entry.ref}", member_id=case.member_id)  # fmt: skip
    return entry


def deadline_met(*, actor: Member, remit: Remit, case: Case, deadline_id: int, now=None) -> None:
    """The rep marks a deadline dealt with: no more reminders for it. An
    action's deadline is met by marking the action done."""
    now = _now(now)
    _require(case_level(member=actor, remit=remit, case=case), Level.FULL)
    code = CaseDeadline.objects.filter(case=case, pk=deadline_id).values_list("code", flat=True).first() or ""
    if code.startswith(CaseDeadline.ACTION) and code[len(CaseDeadline.ACTION):].isdigit():
        return action_done(actor=actor, remit=remit, case=case, entry_id=int(code[len(CaseDeadline.ACTION):]), now=now)
    with transaction.atomic():
        if not CaseDeadline.objects.filter(case=case, pk=deadline_id, met_at__isnull=True).update(met_at=now):
            raise Refused("No such deadline open on this case.", status=404)
        Case.objects.filter(pk=case.pk).update(last_activity_at=now)
        audit_record(actor=actor.user, action=Action.CHANGE, subject=case, detail={"event": "deadline met", "deadline": deadline_id})


def action_done(*, actor: Member, remit: Remit, case: Case, entry_id: int, now=None) -> Entry:
    """Mark an action done: the rep (or anyone with the whole case) any
    action, the member the actions set for them. Its deadline is met, so it
    leaves the deadlines page, the rep's to-do and the reminders."""
    now = _now(now)
    level = case_level(member=actor, remit=remit, case=case)
    entry = Entry.objects.filter(case=case, pk=entry_id, kind=Entry.Kind.ACTION).first()
    if entry is None:
        raise Refused("No such action on this case.", status=404)
    if not (level == Level.FULL or (level == Level.MEMBER and entry.for_member)):
        raise Refused("Only the rep, or the member for their own actions, can mark an action done.", status=403)
    if not case.is_open:
        raise Refused("This case is closed.", status=409)
    with transaction.atomic():
        if not Entry.objects.filter(pk=entry.pk, done_at__isnull=True).update(done_at=now):
            raise Refused("That action is already done.", status=409)
        CaseDeadline.objects.filter(case=case, code=f"{CaseDeadline.ACTION}{entry.pk}", met_at__isnull=True).update(met_at=now)
        if level == Level.FULL:
            Case.objects.filter(pk=case.pk).update(last_activity_at=now)
        audit_record(actor=actor.user, action=Action.CHANGE, subject=case, detail={"event": "action done", "entry": entry.pk})
    entry.refresh_from_db()
    return entry


def _document_save(case: Case, actor: Member, filename: str, data: bytes, content_type: str, now) -> Document:
    document = Document(case=case, content_type=content_type, size=len(data), added_by=actor, added_at=now)
    document.seal("filename", (filename or "document")[-200:])
    documents.store(document, data)
    document.save()
    return document


def document_add(*, actor: Member, remit: Remit, case: Case, upload, now=None) -> Document:
    """The member or a rep adds a PDF or photo: checked, then sealed on disk."""
    now = _now(now)
    if case_level(member=actor, remit=remit, case=case) not in (Level.MEMBER, Level.FULL):
        raise Refused("Only the member and their rep can add documents.", status=403)
    if not case.is_open:
        raise Refused("This case is closed.", status=409)
    if case.documents.count() >= MAX_DOCUMENTS:
        raise Refused(f"A case can hold at most {MAX_DOCUMENTS} documents.", status=409)
    data, content_type = documents.check_upload(upload)
    with transaction.atomic():
        document = _document_save(case, actor, upload.name, data, content_type, now)
        audit_record(actor=actor.user, action=Action.CHANGE, subject=case, detail={"event": "document added", "bytes": len(data)})
    return document


def document_open(*, actor: Member, remit: Remit, case: Case, document_id: int) -> tuple[Document, str, bytes]:
    """The document's row, name and bytes, for those who may read the case's
    documents (the member, the rep, those referred to); audited."""
    if case_level(member=actor, remit=remit, case=case) not in (Level.MEMBER, Level.FULL):
        raise Refused("This document is not yours to read.", status=403)
    document = case.documents.filter(pk=document_id).first()
    if document is None:
        raise Refused("No such document.", status=404)
    audit_record(actor=actor.user, action=Action.VIEW, subject=case, detail={"event": "document read", "document": document.pk})
    return document, document.opened("filename"), documents.read(document)


def case_close(*, actor: Member, remit: Remit, case: Case, outcome: str, closure: str, now=None) -> Case:
    now = _now(now)
    _require(case_level(member=actor, remit=remit, case=case), Level.FULL)
    if not case.is_open:
        raise Refused("This case is already closed.", status=409)
    if outcome not in Case.Outcome.values or closure not in Case.Closure.values or not closure:
        raise Refused("Choose an outcome and why the case is closing.")
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, outcome=outcome, closure=closure, closed_at=now)
        Referral.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
        case.deadlines.filter(met_at__isnull=True).update(met_at=now)
        _event(case, actor, f"{actor.full_name} closed the case.", now)
        audit_record(actor=actor.user, action=Action.CHANGE, subject=case, detail={"event": "closed", "closure": closure})
    case.refresh_from_db()
    return case


# --- Reading ----------------------------------------------------------------------------


def case_read(*, actor: Member | None, user, remit: Remit, case: Case, page: str = "case") -> Level:
    """The level ``actor`` may read ``case`` at, with the read audited
    (a refusal is audited by the view that answers it)."""
    level = case_level(member=actor, remit=remit, case=case)
    audit_record(actor=user, action=Action.VIEW, subject=case, detail={"page": page, "level": level.name.lower()})
    return level


def case_health(*, actor: Member | None, user, remit: Remit, case: Case) -> str:
    """The health details, behind their own audited read: the member and
    those with the whole case only."""
    level = case_level(member=actor, remit=remit, case=case)
    if level not in (Level.MEMBER, Level.FULL):
        raise Refused("Health details are shown only to the member and their rep.", status=403)
    audit_record(actor=user, action=Action.VIEW, subject=case, detail={"page": "health details", "special_category": "health"})
    return case.opened("health")


# --- HQ: the rules deadlines come from -------------------------------------------------------


def profile_save(*, user, profile=None, code: str, title: str, rules, employer=None):
    """Create or edit an employer's rule profile; the rules are checked by the
    deadlines package first, and the open cases under it are worked out again."""
    from deadlines import DeadlineError
    from deadlines.profiles import Profile

    from unionhall.casework.models import RuleProfile

    code = (profile.code if profile else code or "").strip()
    try:
        checked = Profile.from_dict({"code": code, "title": title, "rules": rules})
    except DeadlineError as exc:
        raise Refused(f"The rule profile cannot be used: {exc}.") from None
    with transaction.atomic():
        if profile is None:
            if RuleProfile.objects.filter(code=code).exists():
                raise Refused("A rule profile with that code exists already.", status=409)
            profile = RuleProfile(code=code, employer=employer)
        profile.title, profile.rules, profile.updated_by = checked.title, [r.to_dict() for r in checked.rules], user
        profile.save()
        for case in Case.objects.filter(policy=profile).exclude(status=Case.Status.CLOSED):
            try:
                deadlines_refresh(case)
            except Refused:
                pass  # that case's own dates are at fault; its deadlines stay as they were
        audit_record(actor=user, action=Action.CHANGE, subject=profile, detail={"event": "rule profile saved", "rules": len(checked.rules)})
    return profile


def commencement_record(*, user, rule: str, on: dt.date):
    """HQ records the day a dated rule of law came into force; every open
    case's deadlines are worked out again with it."""
    from unionhall.casework.models import Commencement

    if rule not in dict(Commencement.RULES):
        raise Refused("Unknown rule.")
    if not dt.date(2025, 1, 1) <= on <= dt.date(2030, 12, 31):
        raise Refused("That commencement date is outside 2025-2030; check the year.")
    with transaction.atomic():
        Commencement.objects.update_or_create(rule=rule, defaults={"commenced_on": on, "recorded_by": user})
        for case in Case.objects.filter(incident_on__isnull=False).exclude(status=Case.Status.CLOSED):
            try:
                deadlines_refresh(case)
            except Refused:
                pass
        audit_record(actor=user, action=Action.CHANGE, subject=("casework.commencement", rule), detail={"event": "commencement recorded", "on": on.isoformat()})
