"""Pages of members' data rights. Each view fetches, authorises, calls one
service and renders; the work is in export, looks, requests, retention,
erasure and notices."""

import datetime as dt
import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from unionhall import personal_data
from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.csvexport import csv_download
from unionhall.datarights import erasure, export, looks, notices, requests, retention
from unionhall.datarights.models import ErasureRequest, RetentionRun, SubjectAccessRequest
from unionhall.members.access import answer_refusal, deny, hq_required
from unionhall.members.models import Member
from unionhall.ratelimit import limited
from unionhall.refusals import Refused


def own_record_required(view):
    """Signed in with a membership record, active or not (a member who left
    keeps their rights); sets ``request.member``. Anyone else: 403, audited.
    These pages only ever show the signed-in member's own data."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.member = Member.objects.select_related("employer", "branch", "workplace").filter(user=request.user).first()
        if request.member is None:
            deny(request, reason="no membership record for data rights", path=request.path)
        return view(request, *args, **kwargs)

    return wrapper


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        return None


def _refused(request, exc: Refused, *, subject=None) -> None:
    """Answer a refusal of bad input the issue lists (an export asked twice at
    once, a period under its legal minimum) and record it: the service wrote
    nothing, and the audit entry is the only trace."""
    if exc.status not in (403, 404):
        audit_record(actor=request.user, action=Action.DENIED, subject=subject, detail={"reason": str(exc)[:200], "path": request.path})
    answer_refusal(request, exc, subject=subject)


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    kind = "application/json" if fmt == "json" else "application/pdf"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


# --- The member's own pages ------------------------------------------------------------------


@own_record_required
@limited("my-data", limit=30, per=600)
def my_data(request):
    data = export.member_data(request.member)
    audit_record(actor=request.user, action=Action.VIEW, subject=request.member, detail={"page": "my data"})
    return render(request, "datarights/my_data.html", {"data": data, "m": request.member})


@own_record_required
@require_POST
@limited("my-data-download", limit=10, per=3600)
def my_data_download(request):
    fmt = request.POST.get("format", "")
    try:
        content, _ = export.member_export(member=request.member, actor=request.user, fmt=fmt)
    except Refused as exc:
        _refused(request, exc, subject=request.member)
        return redirect("datarights_my_data")
    return _download(content, fmt, "my-data")


@own_record_required
@limited("my-data-looks", limit=30, per=600)
def my_looks(request):
    found = looks.looks_at(request.member)
    audit_record(actor=request.user, action=Action.VIEW, subject=request.member, detail={"page": "who has looked"})
    return render(request, "datarights/looks.html", {"looks": found, "limit": looks.LIMIT})


@own_record_required
@limited("my-data-erasure", limit=20, per=600)
def my_erasure(request):
    if request.method == "POST":
        try:
            erasure.erasure_request(member=request.member, actor=request.user)
            messages.success(request, "Your request is recorded. HQ will confirm it, and you will be able to see it done here.")
        except Refused as exc:
            answer_refusal(request, exc)
        return redirect("datarights_erasure")
    pending = ErasureRequest.objects.filter(member=request.member).order_by("-requested_at").first()
    return render(request, "datarights/erasure.html", {
        "plan": erasure.erasure_plan(request.member), "m": request.member, "request_made": pending,
        "may_ask": request.member.status in erasure.LEFT,
    })  # fmt: skip


def privacy(request):
    """The current notice, for anyone; a signed-in person is marked as shown
    it, and sees which versions they were shown."""
    notice = notices.notice_current()
    shown = []
    if request.user.is_authenticated:
        if notice is not None and request.method == "POST":
            notices.notice_mark_shown(user=request.user, notice=notice)
            target = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
                return redirect(target)
            return redirect("datarights_privacy")
        shown = notices.notices_shown(request.user)
    return render(request, "datarights/privacy.html", {
        "notice": notice, "html": notices.notice_html(notice) if notice else "", "shown": shown,
        "seen_current": any(s.notice_id == getattr(notice, "pk", None) for s in shown), "next": request.GET.get("next", ""),
    })  # fmt: skip


# --- HQ ------------------------------------------------------------------------------------


@hq_required
def hq_requests(request):
    if request.method == "POST":
        received = _date(request.POST.get("received_on", ""))
        if received is None:
            messages.error(request, "Give the date the request was received, as YYYY-MM-DD.")
        else:
            try:
                sar = requests.sar_record(membership_number=request.POST.get("membership_number", ""),
                                          channel=request.POST.get("channel", ""), received_on=received, actor=request.user)  # fmt: skip
                return redirect("datarights_hq_request", pk=sar.pk)
            except Refused as exc:
                answer_refusal(request, exc)
    today = timezone.localdate()
    return render(request, "datarights/hq_requests.html", {
        "open": list(requests.sars_open()[:200]), "today": today, "channels": SubjectAccessRequest.Channel.choices,
        "answered": SubjectAccessRequest.objects.filter(sent_on__isnull=False).select_related("member").order_by("-sent_on")[:20],
    })  # fmt: skip


@hq_required
def hq_request(request, pk: int):
    sar = get_object_or_404(SubjectAccessRequest.objects.select_related("member"), pk=pk)
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "identity":
                on = _date(request.POST.get("on", "")) or timezone.localdate()
                requests.sar_identity_checked(sar=sar, note=request.POST.get("note", ""), on=on, actor=request.user)
            elif step == "extend":
                requests.sar_extend(sar=sar, reason=request.POST.get("reason", ""), actor=request.user)
            elif step == "sent":
                requests.sar_sent(sar=sar, on=_date(request.POST.get("on", "")) or timezone.localdate(), actor=request.user)
            else:
                raise Refused("Choose what to record.")
            messages.success(request, "Recorded.")
        except Refused as exc:
            answer_refusal(request, exc)
        return redirect("datarights_hq_request", pk=sar.pk)
    working = requests.sar_due(max(sar.received_on, sar.identity_checked_on or sar.received_on), extended=sar.extended)
    return render(request, "datarights/hq_request.html", {"sar": sar, "working": working, "today": timezone.localdate()})


@hq_required
@require_POST
@limited("sar-export", limit=30, per=3600)
def hq_request_export(request, pk: int):
    sar = get_object_or_404(SubjectAccessRequest.objects.select_related("member"), pk=pk)
    fmt = request.POST.get("format", "")
    try:
        if sar.identity_checked_on is None:
            raise Refused("Check the requester's identity before preparing a member's data for them.")
        content, _ = export.member_export(member=sar.member, actor=request.user, fmt=fmt, redact=True,
                                          reason=f"subject access request {sar.pk}")  # fmt: skip
    except Refused as exc:
        answer_refusal(request, exc)
        return redirect("datarights_hq_request", pk=sar.pk)
    return _download(content, fmt, f"subject-access-{sar.pk}")


@hq_required
def hq_retention(request):
    if request.method == "POST":
        key = request.POST.get("key", "")
        try:
            days = int(request.POST.get("days", ""))
            if days < 0:
                raise ValueError
        except ValueError:
            messages.error(request, "Give the period as a whole number of days.")
            return redirect("datarights_hq_retention")
        try:
            if request.POST.get("step") == "minimum":
                retention.minimum_set(key=key, minimum_days=days, reason=request.POST.get("reason", ""), actor=request.user)
            else:
                retention.period_set(key=key, days=days, legal_reason=request.POST.get("reason", ""), actor=request.user)
            messages.success(request, "Saved.")
        except Refused as exc:
            _refused(request, exc, subject=("datarights.retentionperiod", key[:40]))
        return redirect("datarights_hq_retention")
    periods = retention.periods_ensure()
    rows = [(key, what, event, periods.get(key)) for key, (what, event) in personal_data.RETENTION_KEYS.items()]
    ruled = {rule.key for rule in personal_data.retention_rules()}
    return render(request, "datarights/hq_retention.html", {
        "rows": rows, "ruled": ruled, "due": retention.retention_dry_run(), "runs": RetentionRun.objects.all()[:10],
    })  # fmt: skip


@hq_required
def hq_erasures(request):
    if request.method == "POST":
        number = request.POST.get("request", "")
        item = get_object_or_404(ErasureRequest, pk=int(number) if number.isdigit() else 0)
        try:
            erasure.erasure_confirm(request=item, actor=request.user)
            messages.success(request, "The member's data was erased; what the law requires is kept.")
        except Refused as exc:
            answer_refusal(request, exc)
        return redirect("datarights_hq_erasures")
    pending = [(item, erasure.erasure_plan(item.member)) for item in erasure.erasures_pending()[:50]]
    done = ErasureRequest.objects.exclude(status=ErasureRequest.Status.PENDING).order_by("-decided_at")[:20]
    return render(request, "datarights/hq_erasures.html", {"pending": pending, "done": done})


@hq_required
def hq_notice(request):
    current = notices.notice_current()
    body = current.body if current else ""
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            notice = notices.notice_publish(body=body, actor=request.user)
            messages.success(request, f"Version {notice.version} is published; members are shown it at their next sign-in.")
            return redirect("datarights_hq_notice")
        except Refused as exc:
            answer_refusal(request, exc)
    return render(request, "datarights/hq_notice.html", {"current": current, "body": body})


@hq_required
def hq_processing(request):
    """The record of processing (Art. 30), from the declarations: as a page, or CSV or JSON with ?format=."""
    periods = retention.periods_ensure()
    rows = [
        {
            "model": d.name, "purpose": d.purpose, "personal_data": ", ".join(d.fields), "lawful_basis": d.basis,
            "special_category_condition": d.special, "recipients": d.recipients, "retention_key": d.retention,
            "retention_days": periods[d.retention].days if d.retention in periods else None,
            "retention_reason": periods[d.retention].legal_reason if d.retention in periods else "",
            "on_erasure": d.erasure, "kept_because": d.keep_reason,
        }
        for d in personal_data.declarations()
    ]  # fmt: skip
    fmt = request.GET.get("format")
    if fmt == "csv":
        return csv_download(f"record-of-processing-{timezone.localdate():%Y%m%d}.csv", list(rows[0]), ([*r.values()] for r in rows))
    if fmt == "json":
        return HttpResponse(json.dumps({"generated_at": timezone.now().isoformat(), "activities": rows}, indent=1), content_type="application/json")
    return render(request, "datarights/hq_processing.html", {"rows": rows})
