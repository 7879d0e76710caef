"""Campaign pages. Each view fetches, calls one service, and answers; a
service's 404 answers exactly as a campaign that does not exist."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.markup import render_bulletin
from unionhall.campaigns import constituencies, evidence, forms, helping, replies, report_html, services
from unionhall.campaigns.mapping import hex_map
from unionhall.campaigns.models import Campaign, EvidenceFile, Letter, ReplyFile
from unionhall.csvexport import csv_download
from unionhall.members.access import answer_refusal, member_required, officer_required
from unionhall.members.models import Branch, Employer
from unionhall.members.remit import request_remit
from unionhall.ratelimit import allow, client_ip
from unionhall.refusals import Refused


def _too_many(request, action: str, *, limit: int, per: int, who=None) -> bool:
    if allow(f"campaigns:{action}", who or request.user.pk, limit=limit, per=per):
        return False
    messages.error(request, f"That is more than {limit} tries in {max(1, per // 60)} minutes. Please wait and try again.")
    return True


# --- Members ------------------------------------------------------------------------------


@member_required
def campaign_list(request):
    campaigns = services.campaigns_for(request.member)
    mine = {l.campaign_id: l for l in Letter.objects.filter(member=request.member).exclude(status=Letter.Status.WITHDRAWN)}
    rows = [(c, mine.get(c.pk)) for c in campaigns]
    return render(request, "campaigns/list.html", {"rows": rows, "can_run": not request_remit(request).is_empty})


def _choices(postcode: str) -> tuple[list, str]:
    """The constituencies to choose from for a split postcode, and the one to
    offer first (the largest share; none in Northern Ireland, where the
    member picks from all 18)."""
    found = constituencies.find(postcode) if postcode else None
    if found is None or not found.needs_choice or not found.candidates:
        return [], ""
    if found.by == "northern_ireland":
        return [(c.representative.code, c.representative.constituency) for c in found.candidates], ""
    choices = [(c.representative.code, f"{c.representative.constituency} ({c.share:.0%} of your postcode's area)") for c in found.candidates]
    return choices, found.candidates[0].representative.code


def _model_for(campaign: Campaign, member) -> str:
    """The model letter filled in for the member, with their MP's name and
    constituency when their postcode gives exactly one."""
    found = constituencies.find(member.postcode) if campaign.target == Campaign.Target.MP else None
    if found is None or found.needs_choice:
        return services.fill_model_letter(campaign, member)
    rep = found.candidates[0].representative
    return services.fill_model_letter(campaign, member, representative=rep.title, constituency=rep.constituency)


@member_required
def campaign_detail(request, slug: str):
    """The brief, the points, the member's letter if they wrote one, and
    otherwise the form to write it, filled in from the model letter."""
    try:
        campaign = services.campaign_for(request.member, slug)
    except Refused as exc:
        answer_refusal(request, exc)
    if campaign.kind == Campaign.Kind.EVIDENCE:
        return _evidence_detail(request, campaign)
    member = request.member
    letter = services.current_letter(member, campaign)
    choices, likeliest = _choices(request.POST.get("postcode", member.postcode)[:10])
    form = forms.LetterForm(request.POST or None, choices=choices, to_mp=campaign.target == Campaign.Target.MP, initial={
        "postcode": member.postcode, "address": services.member_address(member), "signed_name": member.full_name,
        "body": _model_for(campaign, member), "constituency_code": likeliest,
    })  # fmt: skip
    if request.method == "POST" and letter is None and not _too_many(request, "write", limit=10, per=3600) and form.is_valid():
        try:
            services.letter_write(member=member, campaign=campaign, draft=form.draft())
        except Refused as exc:
            answer_refusal(request, exc, subject=campaign)
        else:
            messages.success(request, f"Nearly done: we have emailed {member.email} a link. Open it to read your letter once more and send it.")
            return redirect("campaigns_detail", slug=slug)
    delivery = ("", "")
    if letter is not None:
        audit_record(actor=request.user, action=Action.VIEW, subject=letter, detail={"page": "own letter"})
        if letter.status == Letter.Status.SENT:
            delivery = services.delivery_of(letter)
    context = {
        "campaign": campaign, "letter": letter, "form": form, "brief": render_bulletin(campaign.brief),
        "help_asked": helping.open_request(member, campaign), "help_form": forms.HelpForm(),
        "sent": services.sent_total_shown(campaign, exact=False), "keep_days": services.keep_days(), "not_delivered": delivery[0] in services.NOT_DELIVERED, "delivering": services.delivering(),
    }  # fmt: skip
    return render(request, "campaigns/detail.html", context)


def _evidence_detail(request, campaign: Campaign):
    """A call for evidence: the prompt and the form. Files are read at most
    one byte past the limit, so a huge upload is refused without holding it."""
    form = forms.EvidenceForm(request.POST or None)
    if request.method == "POST" and not _too_many(request, "evidence", limit=10, per=3600) and form.is_valid():
        uploads = tuple(evidence.Upload(f.name, f.read(evidence.MAX_FILE_BYTES + 1)) for f in request.FILES.getlist("files")[: evidence.MAX_FILES + 1])
        try:
            submission, code = _submit_evidence(request, campaign, form, uploads)
        except Refused as exc:
            answer_refusal(request, exc, subject=campaign)
        else:
            return render(request, "campaigns/evidence_sent.html", {"campaign": campaign, "code": code, "submission": submission,
                                                                    "kept_until": evidence.kept_until_words(campaign)})  # fmt: skip
    context = {"campaign": campaign, "form": form, "brief": render_bulletin(campaign.brief), "max_files": evidence.MAX_FILES,
               "max_mb": evidence.MAX_FILE_BYTES // (1024 * 1024), "kept_until": evidence.kept_until_words(campaign)}  # fmt: skip
    return render(request, "campaigns/evidence.html", context)


def _submit_evidence(request, campaign, form, uploads):
    draft = evidence.EvidenceDraft(uploads=uploads, **form.cleaned_data)
    return evidence.evidence_submit(member=request.member, campaign=campaign, draft=draft)


@member_required
def evidence_receipt(request):
    """A member follows up their evidence with its receipt code (the only way
    to find evidence kept from officers). Rate limited: codes cannot be guessed.
    The code is posted, never put in an address, where servers and proxies
    log it beside the member's IP address."""
    submission = None
    code = request.POST.get("code", "")[:40] if request.method == "POST" else ""
    if code and not _too_many(request, "receipt", limit=20, per=3600):
        try:
            submission = evidence.submission_by_receipt(code)
        except Refused as exc:
            messages.error(request, str(exc))
    kept_until = evidence.kept_until_words(submission.campaign) if submission else ""
    return render(request, "campaigns/receipt.html", {"submission": submission, "code": code, "kept_until": kept_until})


@member_required
@require_POST
def letter_delete(request, pk: int):
    try:
        letter = services.letter_delete_own(member=request.member, letter_id=pk)
    except Refused as exc:
        answer_refusal(request, exc)
        return redirect("campaigns_list")
    messages.success(request, "Your letter's text and your address are deleted. We keep only that a letter was sent, for the count.")
    return redirect("campaigns_list")


@member_required
@require_POST
def letter_withdraw(request, pk: int):
    try:
        letter = services.letter_withdraw(member=request.member, letter_id=pk)
    except Refused as exc:
        answer_refusal(request, exc)
        return redirect("campaigns_list")
    messages.success(request, "Your letter is withdrawn and its text deleted. You can write another.")
    return redirect("campaigns_detail", slug=letter.campaign.slug)


@member_required
def letter_reply(request, pk: int):
    """The member tells us whether their letter was answered."""
    letter = get_object_or_404(Letter.objects.select_related("campaign"), pk=pk, member=request.member)
    initial = {"got_reply": "yes" if letter.got_reply else "no" if letter.got_reply is False else None,
               "after_days": letter.reply_after_days, "answered": letter.reply_answered, "text": letter.reply_text,
               "keep_text": bool(letter.reply_text)}  # fmt: skip
    form = forms.ReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and not _too_many(request, "reply", limit=20, per=3600) and form.is_valid():
        uploads = tuple(evidence.Upload(f.name, f.read(evidence.MAX_FILE_BYTES + 1))
                        for f in request.FILES.getlist("files")[: replies.MAX_REPLY_FILES + 1])  # fmt: skip
        try:
            replies.letter_reply_record(member=request.member, letter_id=pk, answer=form.answer(uploads))
        except Refused as exc:
            answer_refusal(request, exc, subject=letter)
        else:
            messages.success(request, "Thank you: that tells the campaign where to press next.")
            return redirect("campaigns_detail", slug=letter.campaign.slug) if letter.campaign.status == Campaign.Status.OPEN else redirect("campaigns_list")
    context = {"letter": letter, "form": form, "files": letter.reply_files.all(), "max_files": replies.MAX_REPLY_FILES,
               "max_mb": evidence.MAX_FILE_BYTES // (1024 * 1024)}  # fmt: skip
    return render(request, "campaigns/reply.html", context)


@member_required
@require_POST
def help_ask(request, slug: str):
    """The member asks their rep or HQ to help them write their letter."""
    try:
        campaign = services.campaign_for(request.member, slug)
    except Refused as exc:
        answer_refusal(request, exc)
    form = forms.HelpForm(request.POST)
    if _too_many(request, "help", limit=5, per=3600):
        return redirect("campaigns_detail", slug=slug)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("campaigns_detail", slug=slug)
    try:
        helping.help_ask(member=request.member, campaign=campaign, **form.cleaned_data)
    except Refused as exc:
        answer_refusal(request, exc, subject=campaign)
    else:
        messages.success(request, "Thank you: your rep or HQ will be in touch to help you write your letter.")
    return redirect("campaigns_detail", slug=slug)


@officer_required
@require_POST
def help_done(request, pk: int):
    try:
        done = helping.help_done(user=request.user, remit=request_remit(request), request_id=pk)
    except Refused as exc:
        answer_refusal(request, exc)
        return redirect("campaigns_manage")
    messages.success(request, f"Marked done: {done.member.full_name} was helped.")
    return redirect("campaigns_held", slug=done.campaign.slug)


@member_required
def own_reply_file(request, pk: int):
    """The writer's own uploaded reply, back to them."""
    file = get_object_or_404(ReplyFile.objects.select_related("letter"), pk=pk, letter__member=request.member)
    audit_record(actor=request.user, action=Action.VIEW, subject=file.letter, detail={"reply_file": file.pk})
    response = FileResponse(file.file.open("rb"), content_type=file.content_type, as_attachment=True,
                            filename=f"reply-{file.letter_id}-{file.pk}.{file.extension}")  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response


def letter_confirm(request, token: str):
    """The link emailed to the writer: the letter once more, and a button
    that sends it. A GET changes nothing, so a mail scanner that follows the
    link sends nothing. No sign-in needed: the link went to their inbox."""
    try:
        letter = services.letter_by_token(token)
    except Refused as exc:
        return render(request, "campaigns/confirm.html", {"gone": str(exc)}, status=404)
    if request.method == "POST":
        if not allow("campaigns:confirm", client_ip(request), limit=30, per=3600):
            return render(request, "429.html", {"limit": 30, "minutes": 60}, status=429)
        try:
            letter = services.letter_confirm(token=token)
        except Refused as exc:
            return render(request, "campaigns/confirm.html", {"gone": str(exc)}, status=exc.status)
        return render(request, "campaigns/confirmed.html", {"letter": letter, "delivering": services.delivering()})
    audit_record(actor=letter.member.user, action=Action.VIEW, subject=letter, detail={"page": "confirm letter"})
    return render(request, "campaigns/confirm.html", {"letter": letter})


HELD_PER_PAGE = 20
UNREACHED_SHOWN = 50
EVIDENCE_PER_PAGE = 200  # the oldest first; deciding them brings on the next


# --- Officers -----------------------------------------------------------------------------


@officer_required
def campaign_manage(request):
    remit = request_remit(request)
    return render(request, "campaigns/manage.html", {"campaigns": services.campaigns_run_by(remit), "everyone": remit.everyone})


def _branches_for(remit):
    if remit.everyone:
        return Branch.objects.all()
    return Branch.objects.filter(pk__in=remit.branch_ids) | Branch.objects.filter(employer_id__in=remit.employer_ids)


def _employers_for(remit):
    return Employer.objects.all() if remit.everyone else Employer.objects.filter(pk__in=remit.employer_ids)


@officer_required
def campaign_create(request):
    remit = request_remit(request)
    form = forms.CampaignForm(request.POST or None, branches=_branches_for(remit), employers=_employers_for(remit))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(user=request.user, remit=remit, draft=form.draft())
        except Refused as exc:
            answer_refusal(request, exc)
        else:
            messages.success(request, "The campaign is saved as a draft. Open it when it is ready for members.")
            return redirect("campaigns_report", slug=campaign.slug)
    return render(request, "campaigns/create.html", {"form": form, "everyone": remit.everyone})


@officer_required
def campaign_edit(request, slug: str):
    campaign = _run(request, slug)
    remit = request_remit(request)
    initial = {f: getattr(campaign, f) for f in ("title", "summary", "brief", "points", "model_letter", "subject", "target", "target_name", "target_email", "closes_on", "kind", "evidence_prompt", "evidence_keep_months")}
    initial["branches"] = list(campaign.branches.all())
    initial["employers"] = list(campaign.employers.all())
    initial["grades"] = campaign.grade_list
    form = forms.CampaignForm(request.POST or None, branches=_branches_for(remit), employers=_employers_for(remit), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(remit=remit, campaign=campaign, draft=form.draft())
        except Refused as exc:
            answer_refusal(request, exc, subject=campaign)
        else:
            messages.success(request, "The campaign is saved.")
            return redirect("campaigns_report", slug=campaign.slug)
    return render(request, "campaigns/create.html", {"form": form, "everyone": remit.everyone, "campaign": campaign})


def _run(request, slug: str) -> Campaign:
    campaign = get_object_or_404(Campaign, slug=slug)
    try:
        services.check_run(remit=request_remit(request), campaign=campaign)
    except Refused as exc:
        answer_refusal(request, exc)
    return campaign


@officer_required
def campaign_report(request, slug: str):
    """Letters sent by constituency (counts only) and the held letters of
    members within the officer's remit (their text: audited, one entry a letter)."""
    campaign = get_object_or_404(Campaign, slug=slug)
    remit = request_remit(request)
    branch_ids, employer_ids = services.scope_of(campaign)
    if not services.can_run(remit, branch_ids, employer_ids):
        raise Http404("No such campaign.")
    exact = remit.everyone  # HQ; anyone else sees "fewer than 10" for counts from 1 to 9
    # Read once, handed to every part: the kept counts by seat and the MPs marked as supporting.
    tallies = services.seat_tallies(campaign)
    supporting = set(campaign.supporters.values_list("constituency_code", flat=True))
    counts = services.letter_counts(campaign, tallies=tallies)
    # Counts only: the held letters and requests for help are read (and audited) on their own page.
    held_count = services.held_letters(remit=remit, campaign=campaign).count()
    help_count = helping.help_open(remit=remit, campaign=campaign).count()
    responsiveness = replies.responsiveness(campaign, tallies=tallies, supporting=supporting)
    undelivered_count, undelivered = services.undelivered(campaign)
    unreached = (services.mps_not_reached(remit=remit, campaign=campaign, tallies=tallies, supporting=supporting, branch_ids=branch_ids,
                                             employer_ids=employer_ids)
                 if campaign.target == Campaign.Target.MP else [])  # fmt: skip
    by_branch = services.branch_counts(campaign)
    total = services.sent_total_shown(campaign, exact=exact, counts=counts, by_branch=by_branch)
    hexes = hex_map({c.code: c.letters for c in counts}, exact=exact)
    mark = campaign.target == Campaign.Target.MP
    context = {
        "campaign": campaign, "counts": counts, "help_count": help_count, "held_count": held_count,
        "total": total, "exact": exact,
        "rows": report_html.count_rows([(c.name, services.shown(c.letters, exact=exact)) for c in counts], empty="No letters sent yet."),
        "branches": report_html.count_rows([(b.branch, services.shown(b.letters, exact=exact)) for b in by_branch],
                                           empty="No letters sent yet."),
        "unreached": [(u.representative, services.shown(u.members, exact=exact)) for u in unreached[:UNREACHED_SHOWN]],
        "unreached_count": len(unreached), "mps_written": len({c.code for c in counts if c.code}),
        "map": hexes, "polygons": report_html.hex_polygons(hexes), "brief": render_bulletin(campaign.brief),
        "undelivered_count": undelivered_count, "undelivered": undelivered,
        "responsiveness": report_html.responsiveness_rows(
            [_masked(r, exact) for r in responsiveness], action=reverse("campaigns_supporter", args=[campaign.slug]),
            csrf_token=get_token(request), mark=mark),
        "replies_total": services.shown_total((r.replies for r in responsiveness), exact=exact),
        "replies_kept": replies.replies_kept_count(remit=remit, campaign=campaign),
    }  # fmt: skip
    return render(request, "campaigns/report.html", context)


@officer_required
def campaign_held(request, slug: str):
    """What waits for the officer: held letters (their text) and members
    asking for help to write, of members within the remit, the oldest 20 of
    each; each one read recorded in the audit log."""
    campaign = _run(request, slug)
    remit = request_remit(request)
    held_all = services.held_letters(remit=remit, campaign=campaign)
    held = list(held_all[:HELD_PER_PAGE])
    for letter in held:
        audit_record(actor=request.user, action=Action.VIEW, subject=letter, detail={"page": "held letters"})
    help_all = helping.help_open(remit=remit, campaign=campaign)
    help_requests = list(help_all[:HELD_PER_PAGE])
    for asked in help_requests:
        audit_record(actor=request.user, action=Action.VIEW, subject=asked, detail={"page": "help requests"})
    return render(request, "campaigns/held.html", {
        "campaign": campaign, "held": held, "help_requests": help_requests,
        "held_count": held_all.count() if len(held) == HELD_PER_PAGE else len(held),
        "help_count": help_all.count() if len(help_requests) == HELD_PER_PAGE else len(help_requests),
    })  # fmt: skip


@officer_required
def campaign_replies(request, slug: str):
    """The replies members shared with their consent (pasted, or uploaded
    as a PDF or photo), of members within the officer's remit, newest first;
    each one read recorded in the audit log."""
    campaign = _run(request, slug)
    kept = replies.replies_kept(remit=request_remit(request), campaign=campaign)
    for letter in kept:
        audit_record(actor=request.user, action=Action.VIEW, subject=letter, detail={"page": "replies"})
    return render(request, "campaigns/replies.html", {"campaign": campaign, "kept": kept})


@officer_required
def reply_file(request, pk: int):
    """A reply file a member uploaded, to an officer who runs the campaign
    and whose remit covers the member; audited; as an attachment."""
    file = get_object_or_404(ReplyFile.objects.select_related("letter__campaign", "letter__member"), pk=pk)
    remit = request_remit(request)
    try:
        services.check_run(remit=remit, campaign=file.letter.campaign)
        if not remit.covers(file.letter.member):
            raise Refused("No such file.", status=404)
    except Refused as exc:
        answer_refusal(request, exc)
    audit_record(actor=request.user, action=Action.VIEW, subject=file.letter, detail={"reply_file": file.pk})
    response = FileResponse(file.file.open("rb"), content_type=file.content_type, as_attachment=True,
                            filename=f"reply-{file.letter_id}-{file.pk}.{file.extension}")  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response


@officer_required
@require_POST
def campaign_status(request, slug: str):
    campaign = _run(request, slug)
    try:
        campaign = services.campaign_set_status(remit=request_remit(request), campaign=campaign, status=request.POST.get("status", ""))
    except Refused as exc:
        answer_refusal(request, exc, subject=campaign)
    else:
        messages.success(request, f"The campaign is now {campaign.get_status_display().lower()}.")
    return redirect("campaigns_report", slug=slug)


def _masked(row: replies.Responsiveness, exact: bool) -> dict:
    counts = ("sent", "asked", "replies", "answered_points")
    masked = {f: services.shown(getattr(row, f), exact=exact) for f in counts}
    # A mean over fewer than 10 replies would give one writer's figure away.
    return {**row.__dict__, **masked, **({"mean_days": None} if masked["replies"] != row.replies else {})}


@officer_required
def campaign_export(request, slug: str):
    """The report as CSV: for each recipient, letters sent, replies and
    whether marked supporting; counts under 10 masked outside HQ."""
    campaign = _run(request, slug)
    exact = request_remit(request).everyone
    rows = replies.responsiveness(campaign)
    audit_record(actor=request.user, action=Action.EXPORT, subject=campaign, detail={"campaign_report": "csv"})
    header = ("Constituency code", "Constituency", "Written to", "Letters sent", "Replies reported", "Answered the points", "Supporting")
    return csv_download(f"campaign-{campaign.slug}.csv", header, (
        (r.code, r.constituency, r.name, services.shown(r.sent, exact=exact), services.shown(r.replies, exact=exact),
         services.shown(r.answered_points, exact=exact), "yes" if r.supporting else "")
        for r in rows
    ))  # fmt: skip


@officer_required
@require_POST
def supporter_set(request, slug: str):
    campaign = _run(request, slug)
    supporting = request.POST.get("supporting") == "yes"
    try:
        replies.supporter_set(user=request.user, remit=request_remit(request), campaign=campaign,
                              constituency_code=request.POST.get("code", "")[:9], supporting=supporting)  # fmt: skip
    except Refused as exc:
        answer_refusal(request, exc, subject=campaign)
    else:
        messages.success(request, "Marked as already supporting: members are not asked to write to them." if supporting else "No longer marked as supporting.")
    return redirect("campaigns_report", slug=slug)


@officer_required
@require_POST
def letter_decide(request, pk: int):
    try:
        letter = services.letter_decide(user=request.user, remit=request_remit(request), letter_id=pk, send=request.POST.get("send") == "yes")
    except Refused as exc:
        answer_refusal(request, exc)
        return redirect("campaigns_manage")
    messages.success(request, "The letter is sent." if letter.status == Letter.Status.SENT else "The letter is held back; its writer is told.")
    return redirect("campaigns_held", slug=letter.campaign.slug)


# --- Officers: evidence -------------------------------------------------------------------


@officer_required
def evidence_review(request, slug: str):
    campaign = _run(request, slug)
    remit = request_remit(request)
    if request.method == "POST":
        try:
            evidence.submission_review(user=request.user, remit=remit, submission_id=int(request.POST.get("submission", 0) or 0),
                                       tags=request.POST.get("tags", "")[:400])  # fmt: skip
        except (Refused, ValueError) as exc:
            answer_refusal(request, exc if isinstance(exc, Refused) else Refused("No such evidence.", status=404), subject=campaign)
        else:
            messages.success(request, "Tagged and marked reviewed.")
        return redirect("campaigns_evidence", slug=slug)
    submissions = list(evidence.submissions_for(remit=remit, campaign=campaign)[:EVIDENCE_PER_PAGE])
    # One entry naming every submission read, so the page's queries stay bounded.
    audit_record(actor=request.user, action=Action.VIEW, subject=campaign, detail={"page": "evidence", "submissions": [s.pk for s in submissions]})
    context = {"campaign": campaign, "submissions": submissions, "packs": campaign.packs.select_related("exported_by__member")[:20],
               "delete_on": evidence.delete_on(campaign)}  # fmt: skip
    return render(request, "campaigns/evidence_review.html", context)


@officer_required
def evidence_pack(request, slug: str, fmt: str):
    """The pack for a consultation, PDF or CSV: names only where agreed."""
    if fmt not in ("pdf", "csv"):
        raise Http404("No such pack.")
    campaign = _run(request, slug)
    entries = evidence.pack_entries(evidence.submissions_for(remit=request_remit(request), campaign=campaign))
    audit_record(actor=request.user, action=Action.EXPORT, subject=campaign, detail={"evidence_pack": fmt, "entries": len(entries)})
    if fmt == "csv":
        # Written whole (a pack is a few hundred rows at most) so its digest can be recorded.
        streamed = csv_download(f"evidence-{campaign.slug}.csv", evidence.CSV_HEADER, evidence.pack_rows(entries))
        content, content_type = b"".join(streamed.streaming_content), streamed["Content-Type"]
    else:
        content, content_type = evidence.pack_pdf(campaign, entries), "application/pdf"
    evidence.pack_record(user=request.user, campaign=campaign, fmt=fmt, entries=entries, content=content)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="evidence-{campaign.slug}.{fmt}"'
    return response


@officer_required
def evidence_file(request, pk: int):
    """A photo or PDF, only to an officer who may see its submission."""
    file = get_object_or_404(EvidenceFile.objects.select_related("submission__campaign"), pk=pk)
    campaign = file.submission.campaign
    try:
        visible = evidence.submissions_for(remit=request_remit(request), campaign=campaign).filter(pk=file.submission_id).exists()
    except Refused:
        visible = False
    if not visible:
        raise Http404("No such file.")
    audit_record(actor=request.user, action=Action.VIEW, subject=file.submission, detail={"evidence_file": file.pk})
    response = FileResponse(file.file.open("rb"), as_attachment=True, filename=f"evidence-{file.pk}.{file.extension}", content_type=file.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
