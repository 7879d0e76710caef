"""The credential authority's page for a ballot run with voter credentials
(docs/ballot-credentials.md), and HQ's two steps: naming the authority, and
freezing the roll before opening. The services are ballots.credentials."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from unionhall.ballots.credentials import (MAX_LIST_BYTES, added_aliases, authority_set_key, credential_revoke, credentials_freeze_roll,
                                            credentials_require, credentials_upload, is_authority, roll_download)
from unionhall.ballots.models import Ballot, Credential
from unionhall.members.access import answer_refusal, hq_required
from unionhall.members.models import User
from unionhall.members.remit import request_remit
from unionhall.refusals import Refused


def _upload(request, field: str) -> object:
    upload = request.FILES.get(field)
    if upload is None:
        raise Refused("Choose the file to upload.")
    if upload.size > MAX_LIST_BYTES:
        raise Refused("That file is too large.")
    try:
        return json.loads(upload.read())
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Refused("That file is not JSON: upload the file unionhall-credentials wrote.") from None


@login_required
def credentials_page(request, slug: str):
    ballot = get_object_or_404(Ballot, slug=slug)
    authority = is_authority(ballot, request.user)
    hq = request_remit(request).everyone
    if not (authority or hq):
        raise Http404("No such page.")
    if request.GET.get("download") == "roll":
        try:
            data = roll_download(ballot, request.user)
        except Refused as exc:
            answer_refusal(request, exc, subject=ballot)
            return redirect("ballot_credentials", slug=slug)
        response = HttpResponse(json.dumps(data), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{ballot.slug}-frozen-roll.json"'
        return response
    if request.method == "POST" and authority:
        action = request.POST.get("action")
        try:
            if action == "key":
                authority_set_key(ballot=ballot, user=request.user, key=request.POST.get("key", ""))
                messages.success(request, "The authority's public key is recorded.")
            elif action == "upload":
                n = credentials_upload(ballot=ballot, user=request.user, data=_upload(request, "list"))
                messages.success(request, f"The credential list is published: {n} credentials. Send members their codes.")
            elif action == "revoke":
                credential_revoke(ballot=ballot, user=request.user, data=_upload(request, "revocation"))
                messages.success(request, "Done: the change is published. Send the member their new code.")
            else:
                messages.error(request, "Unknown action.")
        except Refused as exc:
            answer_refusal(request, exc, subject=ballot)
        return redirect("ballot_credentials", slug=slug)
    context = {"ballot": ballot, "authority": authority, "hq": hq,
               "listed": Credential.objects.filter(ballot=ballot, listed=True).count(),
               "revoked": Credential.objects.filter(ballot=ballot, revoked_at__isnull=False).order_by("revoked_at"),
               "added": added_aliases(ballot) if authority else [],
               "issued": Credential.objects.filter(ballot=ballot, issued_at__isnull=False).count()}
    return render(request, "ballots/credentials.html", context)


@hq_required
@require_POST
def credentials_manage(request, slug: str):
    ballot = get_object_or_404(Ballot, slug=slug)
    action = request.POST.get("action")
    try:
        if action == "require":
            user = User.objects.filter(email__iexact=request.POST.get("email", "").strip()).first()
            credentials_require(ballot=ballot, authority=user, name=request.POST.get("name", ""), actor=request.user)
            messages.success(request, "This ballot will use voter credentials. Send the credential authority the link to its page.")
        elif action == "freeze":
            size = credentials_freeze_roll(ballot=ballot, actor=request.user)
            messages.success(request, f"The roll is frozen with {size} members. The credential authority can now make their codes.")
        else:
            messages.error(request, "Unknown action.")
    except Refused as exc:
        answer_refusal(request, exc, subject=ballot)
    return redirect("ballot_credentials", slug=slug)
