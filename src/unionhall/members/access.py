"""Fetch, authorise and audit in one place (after Helios' election_view and
Zulip's access_message): views call these and stay short."""

from functools import wraps

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.members.models import Member
from unionhall.members.remit import request_remit
from unionhall.members.second_factor import has_approved_totp


def active_member(user) -> Member | None:
    """The signed-in user's membership record, if they are an active member."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user=user, status=Member.Status.ACTIVE).select_related("branch").first()


def member_required(view):
    """Signed in as an active member (pages for members only); sets ``request.member``.
    Anyone else is refused with a 403 and an audit entry."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.member = active_member(request.user)
        if request.member is None:
            deny(request, reason="not an active member", path=request.path)
        return view(request, *args, **kwargs)

    return wrapper


def session_passed_mfa(request) -> bool:
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def officer_required(view):
    """The user holds an office with a remit over members' data and signed in
    with an HQ-approved second factor in this session. Without a remit: 403 and
    an audit entry. Without TOTP: sent to set it up. Signed in without it: asked
    for a code. Not yet approved: asked for HQ's set-up code."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        remit = request_remit(request)
        if remit.is_empty:
            deny(request, reason="no office with access to the register", path=request.path)
        if not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
            messages.info(request, "Officers who can see members' details must set up an authenticator app first.")
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
        if not session_passed_mfa(request):
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
        if not has_approved_totp(request.user):
            return redirect(f"{reverse('second_factor_approve')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


def hq_required(view):
    @officer_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request_remit(request).everyone:
            deny(request, reason="HQ staff only", path=request.path)
        return view(request, *args, **kwargs)

    return wrapper


def deny(request, *, reason: str, subject=None, path: str = ""):
    """Record the refusal, then refuse. The entry is committed even though the
    request fails, because refusals are what an auditor looks for first."""
    audit_record(actor=request.user, action=Action.DENIED, subject=subject, detail={"reason": reason, "path": path[:200]})
    raise PermissionDenied(reason)


def answer_refusal(request, exc, *, subject=None) -> None:
    """Answer a service's ``Refused`` in a page view, the one way every app does:
    404 as if nothing were there; 403 denied (audited, answered with a 403);
    anything else shown to the person as an error message, for the view to
    redirect or re-render after."""
    status = getattr(exc, "status", 400)
    if status == 404:
        raise Http404(str(exc))
    if status == 403:
        deny(request, reason=str(exc), subject=subject, path=request.path)
    messages.error(request, str(exc))


def access_member(request, membership_number: str) -> Member:
    """The member, if within the user's remit; records the view. Outside it: 403
    and an audit entry. An unknown number is refused the same way, so the
    response does not tell whether someone is a member."""
    member = (
        Member.objects.select_related("employer", "branch", "workplace", "user")
        .filter(membership_number=membership_number)
        .first()
    )
    remit = request_remit(request)
    if member is None or not remit.covers(member):
        deny(
            request,
            reason="member outside remit",
            subject=("members.member", member.pk if member else membership_number[:40]),
            path=request.path,
        )
    audit_record(actor=request.user, action=Action.VIEW, subject=member, detail={"page": "member detail"})
    return member
