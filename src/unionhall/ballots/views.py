import hashlib
import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.ballots import hooks
from unionhall.ballots.board import audited_ballots, board, not_counted
from unionhall.ballots.casting import ballot_for_casting, check_cast_ballot, do_cast_ballot, spoil_ballot
from unionhall.ballots.ceremony import (ceremony_download, ceremony_restart, ceremony_restart_request, ceremony_restart_withdraw,
                                         ceremony_round, ceremony_start, ceremony_upload, round_done)
from unionhall.ballots.counting import ballot_close, ballot_open_areas, results, trustee_post_shares
from unionhall.ballots.forms import BallotForm
from unionhall.ballots.models import Ballot, Reminder, RollEntry
from unionhall.ballots.record import ballot_record
from unionhall.ballots.reminders import cancel_reminder, schedule_reminder
from unionhall.ballots.roll import roll_add, roll_remove
from unionhall.ballots.setup import ballot_create, ballot_open
from unionhall.ballots.trustee_views import (
    MAX_CEREMONY_BYTES,
    MAX_SHARES_BYTES,
    decryptable_tallies,
    record_refusal,
    shares_recorded,
    trustee_for,
)  # fmt: skip
from unionhall.ballots.turnout import first_non_voters, turnout
from unionhall.members.access import hq_required, officer_required
from unionhall.members.models import Member, User
from unionhall.members.remit import request_remit
from unionhall.ratelimit import allow, client_ip
from unionhall.refusals import Refused
from votecrypt import api

MAX_BALLOT_BYTES = 64 * 1024
# A voter casts once or a few times; a booth check is a handful per voter.
CASTS_PER_MINUTE = 10
AUDITS_PER_HOUR_PER_ADDRESS = 60
AUDITS_PER_HOUR_PER_VOTER = 10


def access_ballot(request, slug: str) -> tuple[Ballot, RollEntry | None]:
    """The ballot and the user's roll entry; members not on the roll see only
    ballots they manage (HQ) or hold a trustee's key for."""
    ballot = get_object_or_404(Ballot, slug=slug)
    entry = RollEntry.objects.filter(ballot=ballot, member__user=request.user, removed_at__isnull=True).first()
    if entry is None and not request_remit(request).everyone and not ballot.trustees.filter(user=request.user).exists():
        raise Http404("No such ballot.")
    return ballot, entry


@login_required
def ballot_list(request):
    mine = Ballot.objects.filter(roll__member__user=request.user).exclude(status=Ballot.Status.DRAFT).distinct()
    managed = Ballot.objects.all() if request_remit(request).everyone else Ballot.objects.none()
    trustee_of = Ballot.objects.filter(trustees__user=request.user)
    return render(request, "ballots/list.html", {"mine": mine, "managed": managed, "trustee_of": trustee_of})


@login_required
def ballot_detail(request, slug: str):
    ballot, entry = access_ballot(request, slug)
    my_casts = entry.casts.order_by("superseded") if entry else []
    context = {
        "ballot": ballot,
        "entry": entry,
        "my_casts": my_casts,
        "now": timezone.now(),
        "is_hq": request_remit(request).everyone,
        "is_officer": not request_remit(request).is_empty,
        "trustee": ballot.trustees.filter(user=request.user).first(),
        "roll_size": ballot.roll.filter(removed_at__isnull=True).count(),
        "voted": ballot.roll.filter(voted_at__isnull=False, removed_at__isnull=True).count(),
    }
    if context["is_hq"]:
        context["hq_links"] = hooks.hq_links(ballot_id=ballot.pk)
    return render(request, "ballots/detail.html", context)


@login_required
def booth(request, slug: str):
    ballot, entry = access_ballot(request, slug)
    if entry is None:
        raise PermissionDenied("You are not on the roll for this ballot.")
    if ballot.status != Ballot.Status.OPEN or not ballot.opens_at <= timezone.now() < ballot.closes_at:
        messages.info(request, "This ballot is not open for voting.")
        return redirect("ballot_detail", slug=slug)
    booth_data = {"manifest": ballot.manifest, "jointKey": ballot.joint_key, "alias": entry.alias,
                  "credentialAuthority": ballot.credential_authority_name if ballot.credential_authority_id else None}
    return render(request, "ballots/booth.html", {"ballot": ballot, "questions": ballot.questions.all(), "booth_data": booth_data})


def _json_body(request):
    if len(request.body) > MAX_BALLOT_BYTES:
        raise Refused("The ballot is too large.", status=413)
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Refused("The ballot is not valid JSON.") from None


def _uploaded_json(request, field: str, max_bytes: int, *, missing: str, not_json: str):
    """The JSON file uploaded as ``field``; Refused(missing) without one, or
    one too large, and Refused(not_json) for a file that does not parse."""
    upload = request.FILES.get(field)
    if upload is None or upload.size > max_bytes:
        raise Refused(missing)
    try:
        return json.loads(upload.read())
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Refused(not_json) from None


@login_required
@require_POST
def cast(request, slug: str):
    """The booth posts an encrypted ballot here; the answer is JSON."""
    # Casting reads the ballot's window and keys, not its tallies, trustees' data or explanation.
    ballot = ballot_for_casting(slug)
    if ballot is None:
        raise Http404("No such ballot.")
    try:
        if not allow("cast", request.user.pk, limit=CASTS_PER_MINUTE, per=60):
            raise Refused(f"You have sent {CASTS_PER_MINUTE} votes in a minute. Wait a minute, then vote again.", status=429)
        content, signed = _json_body(request), None
        if ballot.credential_authority_id is not None:  # voter credentials: {"ballot", "credential", "signature"}
            content, signed = (content.get("ballot"), content) if isinstance(content, dict) else (None, None)
        check = check_cast_ballot(ballot=ballot, user=request.user, content=content, signed=signed)
        stored = do_cast_ballot(ballot=ballot, check=check, content=content)
    except Refused as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=exc.status)
    return JsonResponse({"ok": True, "tracker": stored.tracker, "board": f"/ballots/{ballot.slug}/board/?tracker={stored.tracker}#{stored.tracker}"})


# The booth check answers anyone. Whatever would tell an outsider which
# ballots are open, or whether an alias is on a roll, gets this one answer:
# no such ballot, a ballot not open, a voter not (or no longer) on the roll.
NOT_CHECKABLE = ("This encrypted vote cannot be checked here: voting is not open at this address, "
                 "or the vote was not made for anyone on its roll. Nothing was stored.")  # fmt: skip
NOT_A_CHECK = "This is not a booth check: it needs the encrypted ballot, with its alias, and its secrets."


def _booth_check(body) -> tuple[dict, dict, str]:
    """The ballot, its secrets and its alias, or Refused(NOT_A_CHECK): judged
    on the body alone, so the answer is the same whatever the address."""
    content = body.get("ballot") if isinstance(body, dict) else None
    secrets = body.get("secrets") if isinstance(body, dict) else None
    alias = content.get("alias") if isinstance(content, dict) else None
    if not isinstance(secrets, dict) or not isinstance(alias, str) or not alias:
        raise Refused(NOT_A_CHECK)
    return content, secrets, alias


@csrf_exempt
@require_POST
def audit(request, slug: str):
    """Benaloh's cast-or-audit. The booth reveals a ballot's randomness and
    choices; this checks they re-encrypt to the ballot. The booth sends it
    without cookies, so the check is not tied to anyone's session (and needs no
    CSRF token: it reads no session and changes nothing of anyone's). The
    ballot is then spoilt: its ciphertexts are recorded so it can never be cast.

    Everything that does not depend on the ballot is judged first (the limit
    per address, the body), and the limit per voter is counted by address and
    alias before anything is looked up, so those answers are the same for a
    ballot that exists and one that does not; then one query finds the open
    ballot with the alias on its roll, and any miss answers NOT_CHECKABLE."""
    try:
        if not allow("audit", client_ip(request), limit=AUDITS_PER_HOUR_PER_ADDRESS, per=3600):
            raise Refused("Too many booth checks from this address in the last hour. Try again later.", status=429)
        content, secrets, alias = _booth_check(_json_body(request))
        voter = hashlib.sha256(f"{slug}\n{alias}".encode()).hexdigest()  # the alias is the sender's: bound the key's length
        if not allow("audit-alias", voter, limit=AUDITS_PER_HOUR_PER_VOTER, per=3600):
            raise Refused("This vote has been checked many times in the last hour. Try again later, or cast it.", status=429)
        ballot = Ballot.objects.filter(slug=slug, status=Ballot.Status.OPEN, roll__alias=alias, roll__removed_at__isnull=True).first()
        if ballot is None:
            raise Refused(NOT_CHECKABLE, status=404)
        api.verify_ballot(ballot.manifest, ballot.joint_key, content)
        api.audit_ballot(ballot.manifest, ballot.joint_key, content, secrets)
        audited = spoil_ballot(ballot=ballot, content=content, secrets=secrets)
    except Refused as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=exc.status)
    except (api.BallotError, KeyError, TypeError, ValueError) as exc:
        return JsonResponse({"ok": False, "error": f"The booth's encryption did NOT match its claimed choices: {exc}"}, status=422)
    return JsonResponse({
        "ok": True, "code": audited.code, "board": f"/ballots/{ballot.slug}/board/#audited-{audited.code}",
        "message": f"The encryption matches the choices shown: the booth is honest for this ballot. When voting closes it is published in the ballot box as checked ballot {audited.code}, with its choices, so any device can check it again.",
    })  # fmt: skip


@login_required
def board_page(request, slug: str):
    ballot, _ = access_ballot(request, slug)
    if ballot.status == Ballot.Status.DRAFT:
        raise Http404("No board yet.")
    roll_size = ballot.roll.filter(removed_at__isnull=True).count()
    questions = ballot.manifest["questions"]
    audited = [
        {**a, "chose": [(q["title"], [o for o, picked in zip(q["options"], row) if picked]) for q, row in zip(questions, a["choices"])]}
        for a in audited_ballots(ballot)
    ]  # fmt: skip
    # While voting is open the board shows trackers only. Ballots' contents,
    # the replaced ones and the checked ones are published at the close:
    # watching them change during the vote could tie a checked choice, or a
    # change of mind, to whoever then drops off the turnout drive's list.
    entries, gone = board(ballot), not_counted(ballot)
    context = {"ballot": ballot, "entries": entries, "not_counted": gone, "audited": audited, "roll_size": roll_size,
               "sealed": ballot.status == Ballot.Status.OPEN, "sought": tracker_sought(request.GET.get("tracker", ""), entries, [] if ballot.status == Ballot.Status.OPEN else gone)}  # fmt: skip
    return render(request, "ballots/board.html", context)


def tracker_sought(typed: str, entries: list[dict], gone: list[dict]) -> dict | None:
    """Where a tracker a member typed or pasted (or followed from the booth) is
    on the board: counted, replaced or withdrawn, or not there. Spaces and
    letter case are forgiven; nothing else is, so a near miss is not found.
    While voting is open ``gone`` is empty: the replaced ballots are sealed
    until the close, so a replaced tracker gets the answer an unknown one does."""
    typed = "".join(typed.split())[:200]
    if not typed:
        return None
    wanted = typed.lower()
    for entry in entries:
        if entry["tracker"].lower() == wanted:
            return {"typed": typed, "tracker": entry["tracker"], "state": "counted"}
    for entry in gone:
        if entry["tracker"].lower() == wanted:
            return {"typed": typed, "tracker": entry["tracker"], "state": entry.get("why", "replaced")}
    return {"typed": typed, "tracker": "", "state": "absent"}


@login_required
def result_page(request, slug: str):
    ballot, _ = access_ballot(request, slug)
    if ballot.status != Ballot.Status.RESULT:
        raise Http404("No result yet.")
    r = results(ballot)
    return render(request, "ballots/result.html", {"ballot": ballot, "r": r, "turnout": r.turnout_percent, "trustees": ballot.trustees.all()})


@login_required
def record_json(request, slug: str):
    ballot, _ = access_ballot(request, slug)
    if ballot.status not in (Ballot.Status.CLOSED, Ballot.Status.RESULT):
        raise Http404("The record is published when the ballot closes.")
    response = HttpResponse(json.dumps(ballot_record(ballot)), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{ballot.slug}-record.json"'
    return response


@login_required
def trustee_page(request, slug: str):
    """A trustee runs each key ceremony round and, after close, makes decryption
    shares, either in this page (trustee_views has what it posts) or on their
    own computer with ``unionhall-trustee``, downloading the input here and
    uploading the output."""
    ballot, trustee = trustee_for(request, slug)
    stage = ceremony_round(ballot) if ballot.manifest else 0
    if request.GET.get("download") == "ceremony":
        try:
            data = ceremony_download(ballot, trustee)
        except Refused as exc:
            raise Http404(str(exc)) from None
        response = HttpResponse(json.dumps(data), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{ballot.slug}-ceremony-round{stage}.json"'
        return response
    if request.GET.get("download") == "tallies":
        response = HttpResponse(json.dumps(decryptable_tallies(ballot)), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{ballot.slug}-tallies.json"'
        return response
    if request.method == "POST":
        try:
            if ballot.status == Ballot.Status.DRAFT:
                data = _uploaded_json(request, "ceremony", MAX_CEREMONY_BYTES, missing="Choose the file that unionhall-trustee wrote for this round.",
                                      not_json="That file is not from unionhall-trustee (it is not JSON).")  # fmt: skip
                messages.success(request, f"Recorded {ceremony_upload(ballot=ballot, trustee=trustee, data=data)}.")
            else:
                shares = _uploaded_json(request, "shares", MAX_SHARES_BYTES, missing="Choose the shares file that unionhall-trustee wrote.",
                                        not_json="That file is not a shares file (it is not JSON).")  # fmt: skip
                messages.success(request, shares_recorded(trustee_post_shares(ballot=ballot, trustee=trustee, shares=shares)))
        except Refused as exc:
            record_refusal(request, ballot, trustee, exc)
            messages.error(request, str(exc))
        return redirect("ballot_trustee", slug=slug)
    done = round_done(trustee, stage)
    trustees = list(ballot.trustees.all())
    context = {
        "ballot": ballot, "trustee": trustee, "round": stage, "done": done, "trustees": trustees,
        "progress": [(t.label, round_done(t, stage)) for t in trustees],
        "ceremony": ceremony_download(ballot, trustee) if 1 <= stage <= 4 and not done else None,
        "tallies": decryptable_tallies(ballot) if ballot.status in (Ballot.Status.CLOSED, Ballot.Status.RESULT) else None,
    }  # fmt: skip
    return render(request, "ballots/trustee.html", context)


@hq_required
def ballot_new(request):
    form = BallotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ballot = form.save(commit=False)
        ballot.slug = form.cleaned_data["slug"]
        ballot.grades = form.cleaned_data["grades"]
        ballot_create(ballot=ballot, questions=form.cleaned_data["questions"], trustees=form.cleaned_data["trustees"], actor=request.user)
        messages.success(request, "The ballot is saved as a draft. Its trustees now generate its key.")
        return redirect("ballot_detail", slug=ballot.slug)
    return render(request, "ballots/new.html", {"form": form})


@hq_required
@require_POST
def manage(request, slug: str):
    ballot = get_object_or_404(Ballot, slug=slug)
    action = request.POST.get("action")
    try:
        if action == "ceremony":
            ceremony_start(ballot=ballot, actor=request.user)
            messages.success(request, "The key ceremony has started: each trustee now follows the steps on their trustee page.")
        elif action == "open":
            size = ballot_open(ballot=ballot, actor=request.user)
            messages.success(request, f"The ballot is open; the roll is frozen with {size} members.")
        elif action == "close":
            ballot_close(ballot=ballot, actor=request.user)
            messages.success(request, "The ballot is closed and summed. The trustees can now decrypt the result.")
        elif action == "ceremony_restart_request":
            ceremony_restart_request(ballot=ballot, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, "Your request to restart the key ceremony is recorded. A different HQ officer must confirm it.")
        elif action == "ceremony_restart_withdraw":
            ceremony_restart_withdraw(ballot=ballot, actor=request.user)
            messages.success(request, "The request to restart the key ceremony is withdrawn.")
        elif action == "ceremony_restart":
            replace = {}
            if request.POST.get("replace_index"):
                user = User.objects.filter(email__iexact=request.POST.get("replace_email", "").strip()).first()
                if user is None:
                    raise Refused("Nobody signs in with that email address: the new trustee needs an account first.")
                index = request.POST["replace_index"]
                if not index.isdigit():
                    raise Refused("Choose which trustee to replace.")
                replace = {int(index): user}
            ceremony_restart(ballot=ballot, actor=request.user, replace=replace)
            messages.success(request, "The key ceremony starts again from round 1. Every trustee begins afresh; files from the earlier attempt no longer fit.")
        elif action == "remind":
            send_at = parse_datetime(request.POST.get("send_at", ""))
            if send_at is None:
                raise Refused("Give the date and time to send the reminder.")
            if timezone.is_naive(send_at):
                send_at = timezone.make_aware(send_at)
            schedule_reminder(ballot=ballot, send_at=send_at, actor=request.user)
            messages.success(request, f"A reminder will go to everyone who has not voted by then, on {timezone.localtime(send_at):%-d %B at %H:%M}.")
        elif action == "remind_cancel":
            cancel_reminder(reminder=get_object_or_404(Reminder, ballot=ballot, pk=request.POST.get("reminder") or 0), actor=request.user)
            messages.success(request, "The reminder is cancelled.")
        elif action in ("roll_add", "roll_remove"):
            member = Member.objects.filter(membership_number=request.POST.get("number", "").strip().upper()).first()
            if member is None:
                raise Refused("No member has that membership number.")
            change = roll_add if action == "roll_add" else roll_remove
            change(ballot=ballot, member=member, reason=request.POST.get("reason", ""), actor=request.user)
            messages.success(request, f"{member.full_name} was {'added to' if action == 'roll_add' else 'removed from'} the roll. The change and its reason are in the audit log and the election record.")
        elif action == "open_areas":
            ballot_open_areas(ballot=ballot, actor=request.user, decision=request.POST.get("decision", ""))
            messages.success(request, "Area results are opened; the trustees can now decrypt them.")
        else:
            messages.error(request, "Unknown action.")
    except Refused as exc:
        messages.error(request, str(exc))
    return redirect("ballot_detail", slug=slug)


@officer_required
def turnout_page(request, slug: str):
    """Turnout for the officer's remit while a ballot is open: totals, places,
    pace and projection, and who has not voted yet (audited)."""
    ballot = get_object_or_404(Ballot, slug=slug)
    if ballot.status == Ballot.Status.DRAFT:
        raise Http404("The ballot has not opened.")
    remit = request_remit(request)
    t = turnout(ballot, remit)
    if t.total.entitled == 0:
        raise Http404("Nobody in your remit is on this ballot's roll.")
    not_voted = first_non_voters(ballot, remit, waiting=t.total.entitled - t.total.voted) if ballot.status == Ballot.Status.OPEN else []
    # Who was shown, as a keyed digest: enough to check a claim later, without
    # a log that could be diffed to learn when each member voted.
    shown = hmac.new(settings.UNIONHALL_AUDIT_KEY, ",".join(sorted(e.member.membership_number for e in not_voted)).encode(), hashlib.sha256)
    audit_record(actor=request.user, action=Action.VIEW, subject=ballot,
                 detail={"page": "turnout", "non_voters_shown": len(not_voted), "digest": shown.hexdigest()})  # fmt: skip
    peak = max((n for _, n in t.by_day), default=0) or 1
    return render(request, "ballots/turnout.html", {"ballot": ballot, "t": t, "not_voted": not_voted, "peak": peak, "remit": remit})
