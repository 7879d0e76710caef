"""Campaign pages. Each view fetches, calls one service, and answers; a
service's 404 answers exactly as a campaign that does not exist."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins.markup import render_bulletin
from unionhall.campaigns import constituencies, forms, services
from unionhall.campaigns.mapping import hex_map
from unionhall.campaigns.models import Campaign, Letter
from unionhall.members.access import answer_refusal, member_required, officer_required
from unionhall.members.models import Branch
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
    if letter is not None:
        audit_record(actor=request.user, action=Action.VIEW, subject=letter, detail={"page": "own letter"})
    context = {
        "campaign": campaign, "letter": letter, "form": form, "brief": render_bulletin(campaign.brief),
        "sent": services.sent_total(campaign), "delivering": services.delivering(),
    }  # fmt: skip
    return render(request, "campaigns/detail.html", context)


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


HELD_PER_PAGE = 20  # the oldest first; deciding them brings on the next


# --- Officers -----------------------------------------------------------------------------


@officer_required
def campaign_manage(request):
    remit = request_remit(request)
    return render(request, "campaigns/manage.html", {"campaigns": services.campaigns_run_by(remit), "everyone": remit.everyone})


def _branches_for(remit):
    if remit.everyone:
        return Branch.objects.all()
    return Branch.objects.filter(pk__in=remit.branch_ids) | Branch.objects.filter(employer_id__in=remit.employer_ids)


@officer_required
def campaign_create(request):
    remit = request_remit(request)
    form = forms.CampaignForm(request.POST or None, branches=_branches_for(remit))
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
    initial = {f: getattr(campaign, f) for f in ("title", "summary", "brief", "points", "model_letter", "subject", "target", "target_name", "target_email", "closes_on")}
    initial["branches"] = list(campaign.branches.all())
    form = forms.CampaignForm(request.POST or None, branches=_branches_for(remit), initial=initial)
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
    campaign = _run(request, slug)
    counts = services.letter_counts(campaign)
    held_all = services.held_letters(remit=request_remit(request), campaign=campaign)
    held = list(held_all[:HELD_PER_PAGE])
    for letter in held:
        audit_record(actor=request.user, action=Action.VIEW, subject=letter, detail={"page": "held letters"})
    context = {
        "campaign": campaign, "counts": counts, "held": held, "held_count": held_all.count() if len(held) == HELD_PER_PAGE else len(held),
        "total": sum(c.letters for c in counts),
        "map": hex_map({c.code: c.letters for c in counts}), "brief": render_bulletin(campaign.brief),
    }  # fmt: skip
    return render(request, "campaigns/report.html", context)


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


@officer_required
@require_POST
def letter_decide(request, pk: int):
    try:
        letter = services.letter_decide(user=request.user, remit=request_remit(request), letter_id=pk, send=request.POST.get("send") == "yes")
    except Refused as exc:
        answer_refusal(request, exc)
        return redirect("campaigns_manage")
    messages.success(request, "The letter is sent." if letter.status == Letter.Status.SENT else "The letter is held back; its writer is told.")
    return redirect("campaigns_report", slug=letter.campaign.slug)
