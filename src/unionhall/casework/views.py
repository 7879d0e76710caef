"""Pages. Each view parses input, calls a service or query, and answers a
refusal through ``answer_refusal`` (403s are audited there)."""

import json

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.casework import forms, queries, services
from unionhall.casework.access import REFERRAL_ROLES, Level, case_level, has_oversight, reps_for
from unionhall.casework.models import Case, Commencement, RuleProfile
from unionhall.casework.statistics import closed_cases_grid
from unionhall.members.access import answer_refusal, deny, hq_required, member_required, officer_required, session_passed_mfa
from unionhall.members.models import Member, Office
from unionhall.members.remit import request_remit
from unionhall.members.second_factor import has_approved_totp
from unionhall.ratelimit import allow
from unionhall.refusals import Refused


REQUESTS_PER_HOUR = 5
MESSAGES_PER_HOUR = 20  # each emails the other side of the case
ASSIGNS_PER_HOUR = 60  # assignments by one officer: a backlog triaged, not a flood of "will you take this case?"


def _gate(request, case):
    """For anyone but the case's own member: refuse (403, audited) someone who
    may see nothing of it before asking for a second factor, so the answer
    never tells whether a case exists to someone it is not for; then the
    second factor, as officers give for the register. None when through."""
    if case.member_id == request.member.pk:
        return None
    try:
        case_level(member=request.member, remit=request_remit(request), case=case)
    except Refused as exc:
        answer_refusal(request, exc, subject=case)
    return _second_factor(request)


def _second_factor(request):
    """Anyone reading a case that is not their own signs in with an approved
    second factor, as officers do for the register; None when they have."""
    if not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
        messages.info(request, "Reps and officers who read cases must set up an authenticator app first.")
        return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
    if not session_passed_mfa(request):
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
    if not has_approved_totp(request.user):
        return redirect(f"{reverse('second_factor_approve')}?{urlencode({'next': request.get_full_path()})}")
    return None


def _case(request, ref):
    return get_object_or_404(Case.objects.select_related("member", "rep", "branch", "employer", "policy"), ref=ref)


def _act(request, case, service, success: str, **kwargs):
    """Run a case service for the signed-in member; a refusal becomes a message
    (or a 403/404). Returns to the case page."""
    try:
        service(actor=request.member, remit=request_remit(request), case=case, **kwargs)
        messages.success(request, success)
    except Refused as exc:
        answer_refusal(request, exc, subject=case)
    return redirect("casework_case", ref=case.ref)


# --- Members -------------------------------------------------------------------------------


@member_required
def home(request):
    remit = request_remit(request)
    context = {"cases": queries.my_cases(request.member), "repping": queries.cases_for_rep(request.member), "oversees": has_oversight(remit)}
    return render(request, "casework/home.html", context)


@member_required
def ask(request):
    form = forms.RequestForm(request.POST or None, request.FILES or None)
    # Only sending counts towards the limit: a member may open the form as often as they like.
    if request.method == "POST" and not allow("casework_request", request.user.pk, limit=REQUESTS_PER_HOUR, per=3600):
        return render(request, "429.html", {"limit": REQUESTS_PER_HOUR, "minutes": 60}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_request(member=request.member, kind=data["kind"], what_happened=data["what_happened"],
                                         meeting_on=data["meeting_on"], meeting_kind=data["meeting_kind"], nation=data["nation"],
                                         health_details=data["health_details"], uploads=data["documents"])  # fmt: skip
        except Refused as exc:
            answer_refusal(request, exc)
        else:
            messages.success(request, "Your request is with your branch. You will hear when a rep takes it on.")
            return redirect("casework_case", ref=case.ref)
    return render(request, "casework/ask.html", {"form": form})


# --- The case page -------------------------------------------------------------------------


@member_required
def case_detail(request, ref):
    case = _case(request, ref)
    remit = request_remit(request)
    if mfa := _gate(request, case):
        return mfa
    try:
        level = services.case_read(actor=request.member, user=request.user, remit=remit, case=case)
    except Refused as exc:
        answer_refusal(request, exc, subject=case)
    today = timezone.localdate()
    parts = queries.case_page(case)
    context = {"case": case, "level": level, "L": {lv.name: lv for lv in Level}, "today": today, **parts}
    if level in (Level.FULL, Level.OFFERED, Level.MEMBER):
        context["summary"] = case.opened("summary")
    visible = {"event", "message"} if level == Level.MEMBER else {"event"} if level in (Level.OVERVIEW, Level.OFFERED) else None
    # The member also sees the actions set for them, and can mark those done; the rep any action.
    context["entries"] = [
        (e, e.opened("body"), e.kind == "action" and not e.done_at and case.is_open and (level == Level.FULL or e.for_member))
        for e in parts["entries"]
        if visible is None or e.kind in visible or (level == Level.MEMBER and e.kind == "action" and e.for_member)
    ]
    if level in (Level.FULL, Level.MEMBER):
        context["meetings"] = [(m, m.opened("note") if level == Level.FULL else "") for m in parts["meetings"]]
        context["documents"] = [(d, d.opened("filename")) for d in case.documents.all()]
        context["referrals"] = [(r, r.opened("note") if level == Level.FULL else "") for r in parts["referrals"]]
    else:
        context["meetings"] = [(m, "") for m in parts["meetings"]]
        context["referrals"] = [(r, "") for r in parts["referrals"]]
    context["next_date"] = queries.next_date(case, today)
    if level in (Level.FULL, Level.OVERVIEW) and case.is_open:
        reps = reps_for(case)
        context["assign_form"] = forms.AssignForm(reps=reps)
        context["handover_form"] = forms.HandoverForm(reps=[r for r in reps if r.pk != case.rep_id])  # not to the rep it is with
        referees = Office.objects.current().filter(role__in=REFERRAL_ROLES, member__status=Member.Status.ACTIVE).select_related("member", "employer")
        context["refer_form"] = forms.ReferForm(people=[(o.member, f"{o.member.full_name}, {o.get_role_display()}{', ' + o.employer.name if o.employer else ''}") for o in referees])
    # A closed case is a record: nothing more is added to it (the services refuse it too).
    if level == Level.FULL and case.is_open:
        context.update(meeting_form=forms.MeetingForm(), dates_form=forms.DatesForm(initial={f: getattr(case, f) for f in forms.DatesForm.base_fields}),
                       entry_form=forms.EntryForm(), document_form=forms.DocumentForm(), close_form=forms.CloseForm())  # fmt: skip
    if level == Level.MEMBER and case.is_open:
        context.update(message_form=forms.MessageForm(), document_form=forms.DocumentForm())
    return render(request, "casework/case.html", context)


@member_required
def case_health(request, ref):
    case = _case(request, ref)
    if mfa := _gate(request, case):
        return mfa
    try:
        details = services.case_health(actor=request.member, user=request.user, remit=request_remit(request), case=case)
    except Refused as exc:
        answer_refusal(request, exc, subject=case)
    return render(request, "casework/health.html", {"case": case, "details": details})


def _post_case(view):
    """POST only, signed in as a member; reps and officers with their second factor."""

    @member_required
    @require_POST
    def wrapper(request, ref, **kwargs):
        case = _case(request, ref)
        if mfa := _gate(request, case):
            return mfa
        return view(request, case, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def _invalid(request, case, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("casework_case", ref=case.ref)


def _member_choice(pk) -> Member:
    return Member.objects.filter(pk=pk).first() or Member(pk=0, first_name="?", last_name="?", status="none")


@_post_case
def assign(request, case):
    if not allow("casework_assign", request.user.pk, limit=ASSIGNS_PER_HOUR, per=3600):
        return render(request, "429.html", {"limit": ASSIGNS_PER_HOUR, "minutes": 60}, status=429)
    form = forms.AssignForm(request.POST, reps=Member.objects.filter(pk=request.POST.get("rep") or 0))
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(request, case, services.case_assign, "The rep has been asked to take the case.", rep=_member_choice(form.cleaned_data["rep"]))


@_post_case
def accept(request, case):
    try:
        if request.POST.get("decline"):
            services.case_decline(actor=request.member, case=case)
            messages.success(request, "You declined the case; the branch will ask someone else.")
            return redirect("casework_home")
        services.case_accept(actor=request.member, case=case)
        messages.success(request, "You are now the member's rep for this case.")
    except Refused as exc:
        answer_refusal(request, exc, subject=case)
    return redirect("casework_case", ref=case.ref)


@_post_case
def handover(request, case):
    form = forms.HandoverForm(request.POST, reps=Member.objects.filter(pk=request.POST.get("rep") or 0))
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(request, case, services.case_handover, "The case has been handed over.", to=_member_choice(form.cleaned_data["rep"]),
                note=form.cleaned_data["note"])  # fmt: skip


@_post_case
def refer(request, case):
    to = _member_choice(request.POST.get("to") if str(request.POST.get("to", "")).isdigit() else 0)
    form = forms.ReferForm(request.POST, people=[(to, "")])
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(request, case, services.case_refer, "The case has been referred.", to=to, note=form.cleaned_data["note"])


@_post_case
def meeting(request, case):
    form = forms.MeetingForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(request, case, services.meeting_record, "The meeting is recorded.", **form.cleaned_data)


@_post_case
def dates(request, case):
    form = forms.DatesForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(request, case, services.case_dates_set, "The dates are recorded and the deadlines worked out.", **form.cleaned_data)


@_post_case
def entry(request, case):
    form = forms.EntryForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(request, case, services.entry_add, "Added to the case.", **form.cleaned_data)


@_post_case
def message(request, case):
    # Each message emails the rep (or the member): a limit, so nobody can flood them.
    if not allow("casework_message", request.user.pk, limit=MESSAGES_PER_HOUR, per=3600):
        return render(request, "429.html", {"limit": MESSAGES_PER_HOUR, "minutes": 60}, status=429)
    form = forms.MessageForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(request, case, services.entry_add, "Your message is sent.", kind="message", body=form.cleaned_data["body"])


@_post_case
def met(request, case):
    return _act(request, case, services.deadline_met, "Marked as dealt with.", deadline_id=int(request.POST.get("deadline") or 0))


@_post_case
def action_done(request, case, pk: int):
    return _act(request, case, services.action_done, "The action is marked done.", entry_id=pk)


@_post_case
def document(request, case):
    form = forms.DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(request, case, services.document_add, "The document is added.", upload=form.cleaned_data["upload"])


@_post_case
def close(request, case):
    form = forms.CloseForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _act(request, case, services.case_close, "The case is closed.", **form.cleaned_data)


@member_required
def document_download(request, ref, pk: int):
    case = _case(request, ref)
    if mfa := _gate(request, case):
        return mfa
    try:
        doc, name, data = services.document_open(actor=request.member, remit=request_remit(request), case=case, document_id=pk)
    except Refused as exc:
        answer_refusal(request, exc, subject=case)
    response = HttpResponse(data, content_type=doc.content_type)
    safe = "".join(c for c in name if c.isalnum() or c in "._- ")[:100] or "document"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Branch officers -----------------------------------------------------------------------


def _oversight_required(view):
    @officer_required
    def wrapper(request, *args, **kwargs):
        if not has_oversight(request_remit(request)):
            deny(request, reason="no remit over cases", path=request.path)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


@_oversight_required
def branch(request):
    remit = request_remit(request)
    today = timezone.localdate()
    context = {"queue": queries.request_queue(remit), "today": today, "remit": remit.describe(), **queries.dashboard(remit, today)}
    audit_record(actor=request.user, action=Action.VIEW, subject=("casework.case", "dashboard"), detail={"page": "casework dashboard"})
    # The queue names each member waiting and what their case is about: a look
    # at their case, which their "Who has looked" shows. (The rest of the page
    # names no member.)
    for case in context["queue"]:
        audit_record(actor=request.user, action=Action.VIEW, subject=case, detail={"page": "casework queue"})
    return render(request, "casework/branch.html", context)


@_oversight_required
def deadlines_page(request):
    remit = request_remit(request)
    today = timezone.localdate()
    try:
        days = max(1, min(int(request.GET.get("days", 28)), 366))
    except ValueError:
        days = 28
    rows = queries.deadlines_within(remit, today, days=days)
    return render(request, "casework/deadlines.html", {"rows": rows, "days": days, "today": today, "remit": remit.describe()})


@_oversight_required
def statistics(request):
    """Closed cases by employer and kind for a year: anonymous counts,
    small groups hidden (casework.statistics), for the evidence pages."""
    this_year = timezone.localdate().year
    years = list(range(this_year, this_year - 10, -1))
    year = this_year
    if "year" in request.GET:
        try:
            year = int(request.GET["year"])
            if year not in years:
                raise ValueError
        except ValueError:
            messages.error(request, f"Choose a year from {years[-1]} to {years[0]}.")
            year = this_year
    return render(request, "casework/statistics.html", {"year": year, "years": years, "grid": closed_cases_grid(year)})


# --- HQ: rule profiles and commencement -------------------------------------------------------


@hq_required
def profiles(request):
    form = forms.ProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rules = json.loads(form.cleaned_data["rules"])
            existing = RuleProfile.objects.filter(code=request.POST.get("code", "")).first()
            profile = services.profile_save(user=request.user, profile=existing, code=request.POST.get("code", ""),
                                            title=form.cleaned_data["title"], rules=rules)  # fmt: skip
            messages.success(request, f"Rule profile “{profile.title}” saved; open cases under it are worked out again.")
            return redirect("casework_profiles")
        except json.JSONDecodeError as exc:
            messages.error(request, f"The rules are not valid JSON: {exc.msg} (line {exc.lineno}).")
        except Refused as exc:
            answer_refusal(request, exc)
    context = {"profiles": RuleProfile.objects.select_related("employer"), "form": form, "commencements": Commencement.objects.all(),
               "commencement_form": forms.CommencementForm()}  # fmt: skip
    return render(request, "casework/profiles.html", context)


@hq_required
@require_POST
def commencement(request):
    form = forms.CommencementForm(request.POST)
    if form.is_valid():
        try:
            services.commencement_record(user=request.user, rule=Commencement.ERA2025_SIX_MONTHS, on=form.cleaned_data["commenced_on"])
            messages.success(request, "Commencement recorded; tribunal limits are worked out with it from now on.")
        except Refused as exc:
            answer_refusal(request, exc)
    else:
        messages.error(request, "Enter a date as YYYY-MM-DD.")
    return redirect("casework_profiles")
