import datetime as dt
import os
import secrets
import time
from urllib.parse import urlencode
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST

from unionhall import personal_data
from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.csvexport import csv_download
from unionhall.members.access import access_member, hq_required, officer_required, session_passed_mfa
from unionhall.members.adapters import absolute_url
from unionhall.members.forms import ContactDetailsForm, EmailChangeForm, ImportUploadForm, MemberSearchForm, OfficeForm, PreferencesForm
from unionhall.members.importer import COLUMNS, TEMPLATE_ROWS, member_import
from unionhall.members.models import Member, Office, Role
from unionhall.members.remit import request_remit
from unionhall.members.second_factor import second_factor_issue_code, second_factor_redeem_code, second_factor_reset
from unionhall.members.services import member_confirm_email_change, member_request_email_change, member_update_contact, office_create, office_end, offices_ending
from unionhall.ratelimit import limited
from unionhall.refusals import Refused

PAGE_SIZE = 50


def _own_member(request) -> Member | None:
    return Member.objects.select_related("employer", "branch", "workplace").filter(user=request.user).first()


def home_context(request) -> dict:
    """The register's part of the home page (unionhall.views.home adds the rest)."""
    member = _own_member(request)
    my_offices = Office.objects.current().filter(member=member).select_related("branch", "workplace", "employer") if member else []
    if request_remit(request).everyone:
        ending = list(offices_ending())
    else:
        horizon = timezone.localdate() + dt.timedelta(days=settings.UNIONHALL_TERM_WARNING_DAYS)
        ending = [o for o in my_offices if o.ends_on and o.ends_on <= horizon]
    return {"member": member, "my_offices": my_offices, "ending": ending}


@login_required
def my_details(request):
    member = _own_member(request)
    if member is None:
        raise Http404("This account is not linked to a membership record.")
    before = {name: getattr(member, name) for name in ContactDetailsForm.Meta.fields}
    form = ContactDetailsForm(request.POST or None, instance=member, prefix="contact")
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in ContactDetailsForm.Meta.fields}
        # The form has already written its values onto the instance; start again from what was stored.
        for name, value in before.items():
            setattr(member, name, value)
        fields = member_update_contact(member=member, actor=request.user, changed=changed)
        messages.success(request, "Your details are saved." if fields else "Nothing had changed.")
        return redirect("my_details")
    context = {"member": member, "form": form, "prefs": PreferencesForm(instance=member, prefix="prefs"), "email_form": EmailChangeForm()}
    return render(request, "members/my_details.html", context)


@login_required
@require_POST
def my_email(request):
    member = _own_member(request)
    if member is None:
        raise Http404("This account is not linked to a membership record.")
    form = EmailChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a valid email address.")
    elif form.cleaned_data["email"] == member.email:
        messages.info(request, "That is already your address.")
    else:
        new = form.cleaned_data["email"]
        member_request_email_change(
            member=member, new_email=new, confirm_url_for=lambda token: absolute_url(request, reverse("my_email_confirm", args=[token]))
        )
        messages.success(request, f"We have sent a link to {new}. Your address changes when you open it.")
    return redirect("my_details")


@login_required
def my_email_confirm(request, token: str):
    try:
        member_confirm_email_change(token=token, user=request.user)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Your email address is changed. Use it to sign in from now on.")
    return redirect("my_details")


@login_required
@require_http_methods(["GET", "POST"])
def my_preferences(request):
    """Saves the contact preferences; asked by GET (a link from the bulletins
    page), it shows them where they live, on My details."""
    if request.method == "GET":
        return redirect(reverse("my_details") + "#preferences")
    member = _own_member(request)
    if member is None:
        raise Http404("This account is not linked to a membership record.")
    before = {name: getattr(member, name) for name in PreferencesForm.Meta.fields}
    form = PreferencesForm(request.POST, instance=member, prefix="prefs")
    if form.is_valid():
        changed = dict(form.cleaned_data)
        for name, value in before.items():
            setattr(member, name, value)
        member_update_contact(member=member, actor=request.user, changed=changed)
        messages.success(request, "Your preferences are saved.")
    return redirect("my_details")


@login_required
def directory(request):
    member = _own_member(request)
    if (member is None or member.status != Member.Status.ACTIVE) and not request_remit(request).everyone:
        raise PermissionDenied("The directory is for members.")
    offices = (
        Office.objects.current()
        .exclude(role=Role.HQ_ADMIN)
        .select_related("member", "branch", "workplace", "employer", "branch__employer", "workplace__branch__employer")
        .order_by("role", "branch__name", "workplace__name", "member__last_name")
    )
    national, by_branch = [], {}
    for office in offices:
        if office.branch_id or office.workplace_id:
            branch = office.branch or office.workplace.branch
            by_branch.setdefault(branch, []).append(office)
        else:
            national.append(office)
    # The member's own branch comes first, and in it their own workplace's reps.
    own_branch = member.branch_id if member else None
    branches = sorted(by_branch.items(), key=lambda item: (item[0].pk != own_branch, item[0].name))
    mine = next((offs for branch, offs in by_branch.items() if branch.pk == own_branch), [])
    yours = [o for o in mine if o.role == Role.WORKPLACE_REP and member and o.workplace_id == member.workplace_id]
    yours += [o for o in mine if o.role in (Role.BRANCH_SECRETARY, Role.BRANCH_CHAIR)]
    return render(request, "members/directory.html", {"national": national, "branches": branches, "yours": yours, "own_branch": own_branch})


def _search(request):
    remit = request_remit(request)
    form = MemberSearchForm(request.GET or None, remit=remit)
    members = Member.objects.filter(remit.members_q())
    if form.is_bound and form.is_valid():
        members = form.filter(members)
    elif form.is_bound:
        members = members.none()
    return form, members


@officer_required
@limited("register-search", limit=120, per=600)
def register_search(request):
    form, members = _search(request)
    page = Paginator(members.select_related("employer", "branch", "workplace"), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [m.membership_number for m in page.object_list]
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        subject=("members.register", "search"),
        detail={"filters": form.applied_filters() if form.is_bound and form.is_valid() else {}, "shown": shown},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/register.html",
        {"form": form, "page": page, "query": query.urlencode(), "remit": request_remit(request)},
    )


@officer_required
@limited("member-detail", limit=120, per=600)
def member_detail(request, number: str):
    member = access_member(request, number)
    offices = member.offices.select_related("branch", "workplace", "employer").order_by("-starts_on")
    return render(request, "members/member_detail.html", {"m": member, "offices": offices})


EXPORT_FIELDS = (
    "membership_number", "first_name", "last_name", "email", "phone", "address_line1", "address_line2", "town",
    "postcode", "employer__name", "branch__name", "workplace__name", "grade", "job_role", "status", "joined_on",
)  # fmt: skip


@officer_required
@require_POST
def register_export(request):
    """A CSV of the filtered list, streamed. POST so a link cannot trigger it,
    and only once the officer has confirmed they will keep the file safe: it
    is members' personal data leaving the hall."""
    filters = request.POST.copy()
    if filters.pop("confirm", None) != ["yes"]:
        messages.error(request, "Tick the box to confirm you will keep the file safe, then export again.")
        kept = {k: v for k, v in filters.items() if k not in ("csrfmiddlewaretoken", "page")}
        return redirect(reverse("register_search") + (f"?{urlencode(kept)}" if kept else ""))
    request.GET = filters  # the export form repeats the search filters
    form, members = _search(request)
    members, listed = personal_data.register_export_list(actor=request.user, members=members)  # who is in it (issue 17)
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        subject=("members.register", "export"),
        detail={"filters": form.applied_filters() if form.is_bound and form.is_valid() else {}, **listed},
    )
    header = [name.replace("__name", "") for name in EXPORT_FIELDS]
    rows = members.values_list(*EXPORT_FIELDS).iterator(chunk_size=2000)
    return csv_download(f"members-{timezone.localtime():%Y%m%d-%H%M}.csv", header, rows)


# --- Import: upload, preview (a dry run), apply ----------------------------


def _staged_path(token: str) -> Path:
    return Path(settings.UNIONHALL_IMPORT_DIR) / f"{token}.upload"


STAGED_MAX_AGE_S = 24 * 60 * 60


def _discard_staged(request) -> None:
    staged = request.session.pop("import", None)
    if staged:
        _staged_path(staged["token"]).unlink(missing_ok=True)


def _purge_stale_staged() -> None:
    """Uploads nobody applied or cancelled are deleted after a day."""
    folder = Path(settings.UNIONHALL_IMPORT_DIR)
    if folder.exists():
        cutoff = time.time() - STAGED_MAX_AGE_S
        for path in folder.glob("*.upload"):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)


@hq_required
def import_template(request):
    """A CSV with the import's columns and two fictional rows, to fill in."""
    return csv_download("register-template.csv", COLUMNS, TEMPLATE_ROWS)


@hq_required
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.UNIONHALL_IMPORT_MAX_BYTES:
            form.add_error("file", f"The file is {upload.size / 1_048_576:.1f} MB; the limit is {settings.UNIONHALL_IMPORT_MAX_BYTES / 1_048_576:.0f} MB.")
        else:
            token = secrets.token_urlsafe(16)
            _discard_staged(request)
            _purge_stale_staged()
            path = _staged_path(token)
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # Created private: a whole register must never be readable by other accounts on the host.
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            request.session["import"] = {"token": token, "name": upload.name, "full": form.cleaned_data["full"]}
            return redirect("import_review")
    return render(request, "members/import_upload.html", {"form": form})


@hq_required
def import_review(request):
    staged = request.session.get("import")
    if not staged or not _staged_path(staged["token"]).exists():
        messages.info(request, "Upload the register file first.")
        return redirect("import_upload")
    path = _staged_path(staged["token"])
    apply = request.method == "POST" and request.POST.get("action") == "apply"
    if request.method == "POST" and request.POST.get("action") == "cancel":
        _discard_staged(request)
        messages.info(request, "The import was cancelled; nothing changed.")
        return redirect("import_upload")
    refused, report = None, None
    try:
        report = member_import(data=path.read_bytes(), filename=staged["name"], actor=request.user, full=staged["full"], dry_run=not apply)
    except Refused as exc:
        refused = str(exc)
    if report and report.applied:
        _discard_staged(request)
        messages.success(
            request,
            f"Imported {staged['name']}: {report.added} added, {report.updated} updated, {report.lapsed} marked lapsed.",
        )
        return redirect("register_search")
    return render(request, "members/import_review.html", {"report": report, "refused": refused, "staged": staged})


# --- Offices ----------------------------------------------------------------------


@hq_required
def offices(request):
    form = OfficeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        office = office_create(office=form.save(commit=False), actor=request.user)
        messages.success(request, f"{office} recorded.")
        return redirect("offices")
    role = request.GET.get("role", "")
    current = Office.objects.current().select_related("member", "branch", "workplace", "employer").order_by("role", "ends_on")
    if role in Role.values:
        current = current.filter(role=role)
    counts = dict(Office.objects.current().values_list("role").annotate(n=Count("id")))
    roles = [(value, label, counts.get(value, 0)) for value, label in Role.choices]
    context = {"form": form, "current": current, "ending": offices_ending(), "roles": roles, "role": role}
    return render(request, "members/offices.html", context)


@hq_required
@require_POST
def office_end_view(request, pk: int):
    office = get_object_or_404(Office.objects.current(), pk=pk)
    try:
        on = dt.date.fromisoformat(request.POST.get("ends_on", ""))
    except ValueError:
        messages.error(request, "Give the date the term ends.")
        return redirect("offices")
    try:
        office_end(office=office, actor=request.user, on=on)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("offices")
    messages.success(request, f"The term of {office.member.full_name} as {office.get_role_display()} ends on {on:%-d %B %Y}.")
    return redirect("offices")


# --- Second factor: HQ approval of an officer's authenticator --------------------------

MAX_CODE_ATTEMPTS = 5


@login_required
def second_factor_approve(request):
    """An officer enters the set-up code HQ gave them, in a session that has
    passed their authenticator, and that authenticator is approved."""
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = reverse("home")
    error = ""
    if request.method == "POST":
        attempts = request.session.get("second_factor_attempts", 0) + 1
        request.session["second_factor_attempts"] = attempts
        if attempts > MAX_CODE_ATTEMPTS:
            error = "Too many attempts. Ask HQ for a new set-up code."
        elif not session_passed_mfa(request):
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
        elif second_factor_redeem_code(user=request.user, code=request.POST.get("code", "")):
            request.session.pop("second_factor_attempts", None)
            messages.success(request, "Your authenticator is approved.")
            return redirect(next_url)
        else:
            error = "That code is not right or has expired. Ask HQ for a new one."
    return render(request, "members/second_factor_approve.html", {"next": next_url, "error": error})


@hq_required
@require_POST
def second_factor_admin(request, number: str):
    """HQ issues a set-up code (shown once, to hand over in person or by phone) or resets the factor."""
    member = access_member(request, number)
    if member.user is None:
        raise Http404("This member has no sign-in account.")
    if request.POST.get("action") == "reset":
        second_factor_reset(user=member.user, actor=request.user)
        messages.success(request, f"{member.full_name}'s authenticator was removed; issue a new set-up code.")
        return redirect("member_detail", number=number)
    code = second_factor_issue_code(user=member.user, actor=request.user)
    return render(request, "members/second_factor_code.html", {"m": member, "code": code})
