"""Conference pages. Each view fetches, calls one service, and answers; a
service's 403 refusal is recorded in the audit log through ``deny``."""


from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from unionhall.ballots import api as ballots
from unionhall.ballots.forms import SecretBallotForm
from unionhall.conference import forms, meetings, register, services, voting
from unionhall.conference.models import CardWeight, Conference, Decision, Delegate, Meeting, Motion, Resolution, Vote
from unionhall.conference.standing import acts_as_clerk, acts_as_soc, branches_spoken_for, may_update_register
from unionhall.members.access import answer_refusal, deny, hq_required, member_required
from unionhall.members.models import Branch, Member
from unionhall.refusals import Refused


def _motion(slug: str, number: int) -> Motion:
    return get_object_or_404(Motion.objects.select_related("conference", "branch", "composite"), conference__slug=slug, number=number)


# --- Conference and motions -------------------------------------------------------------


@member_required
def conference_list(request):
    return render(request, "conference/list.html", {"conferences": Conference.objects.all()})


@member_required
def conference_detail(request, slug: str):
    conference = get_object_or_404(Conference, slug=slug)
    context = {
        "conference": conference,
        "motions": conference.motions.select_related("branch"),
        "can_submit": bool(forms.proposer_choices(request.user)),
        "is_soc": acts_as_soc(request.user, conference),
        "is_clerk": acts_as_clerk(request.user),
        "soc_members": conference.soc_members.select_related("member__branch"),
    }
    return render(request, "conference/detail.html", context)


@hq_required
@require_POST
def soc_appoint(request, slug: str):
    conference = get_object_or_404(Conference, slug=slug)
    member = Member.objects.filter(membership_number=request.POST.get("membership_number", "").strip().upper()).first()
    try:
        seat = services.soc_appoint(conference=conference, member=member, actor=request.user)
    except Refused as exc:
        answer_refusal(request, exc, subject=conference)
    else:
        messages.success(request, f"{seat.member.full_name} is on the standing orders committee.")
    return redirect("conference_detail", slug=slug)


@member_required
def motion_submit(request, slug: str):
    conference = get_object_or_404(Conference, slug=slug)
    form = forms.MotionForm(request.POST or None, user=request.user)
    if not form.fields["on_behalf_of"].choices:
        deny(request, reason="speaks for no branch and not the NEC", subject=conference, path=request.path)
    if request.method == "POST" and form.is_valid():
        proposer, branch = form.cleaned_data["on_behalf_of"]
        draft = services.MotionDraft(
            title=form.cleaned_data["title"], text=form.cleaned_data["text"], proposer=proposer, branch=branch,
            instructs=form.cleaned_data["instructs"], instructs_role=form.cleaned_data["instructs_role"],
        )  # fmt: skip
        try:
            motion = services.do_submit_motion(conference=conference, user=request.user, draft=draft)
        except Refused as exc:
            answer_refusal(request, exc, subject=conference)
        else:
            messages.success(request, f"Motion {motion.number} was submitted to the standing orders committee.")
            return redirect("conference_motion", slug=slug, number=motion.number)
    return render(request, "conference/motion_form.html", {"conference": conference, "form": form})


@member_required
def motion_detail(request, slug: str, number: int):
    motion = _motion(slug, number)
    delegate_of = Delegate.objects.filter(conference=motion.conference, member=request.member).select_related("branch").first()
    context = {
        "motion": motion,
        "conference": motion.conference,
        "amendments": motion.amendments.select_related("branch"),
        "votes": motion.votes.select_related("amendment"),
        "sources": motion.sources.all(),
        "amend_form": forms.AmendmentForm(user=request.user) if forms.proposer_choices(request.user) else None,
        "hands_form": forms.HandsForm(),
        "is_soc": acts_as_soc(request.user, motion.conference),
        "is_clerk": acts_as_clerk(request.user),
        "delegate": delegate_of,
    }
    return render(request, "conference/motion.html", context)


@member_required
@require_POST
def amendment_submit(request, slug: str, number: int):
    motion = _motion(slug, number)
    form = forms.AmendmentForm(request.POST, user=request.user)
    if not form.is_valid():
        if not form.fields["on_behalf_of"].choices:
            deny(request, reason="speaks for no branch and not the NEC", subject=motion, path=request.path)
        messages.error(request, "Give the amendment's text and whom it is submitted for.")
        return redirect("conference_motion", slug=slug, number=number)
    proposer, branch = form.cleaned_data["on_behalf_of"]
    try:
        amendment = services.do_submit_amendment(motion=motion, user=request.user, proposer=proposer, branch=branch, text=form.cleaned_data["text"])
    except Refused as exc:
        answer_refusal(request, exc, subject=motion)
    else:
        messages.success(request, f"{amendment} was submitted.")
    return redirect("conference_motion", slug=slug, number=number)


@member_required
@require_POST
def motion_ruling(request, slug: str, number: int):
    """The standing orders committee accepts or rules out a motion, or one of its amendments (``letter``)."""
    motion = _motion(slug, number)
    item = get_object_or_404(motion.amendments, letter=request.POST["letter"]) if request.POST.get("letter") else motion
    try:
        if request.POST.get("action") == "accept":
            services.soc_accept(item=item, actor=request.user)
        else:
            services.soc_rule_out(item=item, reason=request.POST.get("reason", ""), actor=request.user)
    except Refused as exc:
        answer_refusal(request, exc, subject=item)
    else:
        messages.success(request, f"{item}: {item.get_status_display().lower()}.")
    return redirect("conference_motion", slug=slug, number=number)


@member_required
@require_POST
def composite_create(request, slug: str):
    conference = get_object_or_404(Conference, slug=slug)
    numbers = [int(n) for n in request.POST.getlist("sources") if n.isdigit()]
    sources = list(conference.motions.filter(number__in=numbers))
    try:
        composite = services.soc_composite(
            conference=conference, sources=sources, title=request.POST.get("title", ""), text=request.POST.get("text", ""), actor=request.user
        )
    except Refused as exc:
        answer_refusal(request, exc, subject=conference)
        return redirect("conference_detail", slug=slug)
    messages.success(request, f"Composite motion {composite.number} replaces motions {', '.join(map(str, sorted(numbers)))}.")
    return redirect("conference_motion", slug=slug, number=composite.number)


@member_required
def agenda_page(request, slug: str):
    conference = get_object_or_404(Conference, slug=slug)
    is_soc = acts_as_soc(request.user, conference)
    if not conference.agenda_published_at and not is_soc:
        return render(request, "conference/agenda.html", {"conference": conference, "unpublished": True})
    return render(request, "conference/agenda.html", {"conference": conference, "is_soc": is_soc, **services.agenda(conference)})


@member_required
@require_POST
def agenda_publish(request, slug: str):
    conference = get_object_or_404(Conference, slug=slug)
    try:
        services.agenda_publish(conference=conference, actor=request.user)
    except Refused as exc:
        answer_refusal(request, exc, subject=conference)
    else:
        messages.success(request, "The final agenda is published.")
    return redirect("conference_agenda", slug=slug)


# --- Delegates, weights and votes -------------------------------------------------------


@member_required
def delegates_page(request, slug: str):
    conference = get_object_or_404(Conference, slug=slug)
    weights = {w.branch_id: w.members for w in CardWeight.objects.filter(conference=conference)}
    counts = weights or voting.membership_by_branch(conference.weights_on)
    delegates = Delegate.objects.filter(conference=conference).select_related("member", "branch")
    rows = [(b, counts.get(b.pk, 0), voting.delegate_entitlement(counts.get(b.pk, 0)), [d for d in delegates if d.branch_id == b.pk]) for b in Branch.objects.all()]
    context = {
        "conference": conference, "rows": rows, "frozen": bool(weights), "is_clerk": acts_as_clerk(request.user),
        "my_branches": Branch.objects.filter(pk__in=branches_spoken_for(request.user)),
    }  # fmt: skip
    return render(request, "conference/delegates.html", context)


@member_required
@require_POST
def delegate_register(request, slug: str):
    conference = get_object_or_404(Conference, slug=slug)
    branch = get_object_or_404(Branch, pk=request.POST.get("branch") or 0)
    member = Member.objects.filter(membership_number=request.POST.get("membership_number", "").strip().upper()).first()
    try:
        # Who may register comes first, and an unknown number gets the same
        # answer as a member of another branch, so nobody can probe the register.
        voting.check_may_register(branch=branch, actor=request.user)
        if member is None:
            raise Refused(f"A delegate must be an active member of {branch} branch.")
        delegate = voting.do_register_delegate(conference=conference, branch=branch, member=member, actor=request.user)
    except Refused as exc:
        answer_refusal(request, exc, subject=conference)
    else:
        messages.success(request, f"{delegate.member.full_name} is registered as a delegate of {branch} branch.")
    return redirect("conference_delegates", slug=slug)


@hq_required
@require_POST
def weights_freeze(request, slug: str):
    conference = get_object_or_404(Conference, slug=slug)
    try:
        voting.weights_freeze(conference=conference, actor=request.user)
    except Refused as exc:
        answer_refusal(request, exc, subject=conference)
    return redirect("conference_delegates", slug=slug)


@hq_required
@require_POST
def vote_record(request, slug: str, number: int):
    """Record a show of hands, or call a card vote, on the motion or an amendment (``letter``)."""
    motion = _motion(slug, number)
    amendment = get_object_or_404(motion.amendments, letter=request.POST["letter"]) if request.POST.get("letter") else None
    try:
        if request.POST.get("method") == Vote.Method.CARD:
            vote = voting.vote_open_card(motion=motion, amendment=amendment, actor=request.user)
            return redirect("conference_vote", pk=vote.pk)
        if request.POST.get("method") == Vote.Method.SECRET:
            return redirect(f"{reverse('conference_secret_vote', args=[slug, number])}?letter={amendment.letter if amendment else ''}")
        form = forms.HandsForm(request.POST)
        if not form.is_valid():
            raise Refused("Give the counts for, against and abstaining as whole numbers.")
        vote = voting.vote_show_of_hands(motion=motion, amendment=amendment, actor=request.user, **form.cleaned_data)
        messages.success(request, f"{vote}: {vote.get_outcome_display().lower()}.")
    except Refused as exc:
        answer_refusal(request, exc, subject=motion)
    return redirect("conference_motion", slug=slug, number=number)


@hq_required
def secret_vote_new(request, slug: str, number: int):
    """Put the motion, or an amendment (``letter``), to a secret vote of the delegates."""
    motion = _motion(slug, number)
    letter = request.POST.get("letter") or request.GET.get("letter")
    amendment = get_object_or_404(motion.amendments, letter=letter) if letter else None
    form = SecretBallotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            vote = voting.vote_open_secret(motion=motion, amendment=amendment, actor=request.user, opens_at=data["opens_at"],
                                           closes_at=data["closes_at"], trustees=data["trustees"], threshold=data["threshold"])  # fmt: skip
        except Refused as exc:
            answer_refusal(request, exc, subject=motion)
        else:
            messages.success(request, "The secret vote is set up as a ballot of the delegates. Its trustees make its key; then open it from the ballot's page.")
            return redirect("conference_vote", pk=vote.pk)
    return render(request, "conference/secret_vote.html", {"motion": motion, "conference": motion.conference, "amendment": amendment, "form": form})


@member_required
def vote_detail(request, pk: int):
    vote = get_object_or_404(Vote.objects.select_related("motion__conference", "amendment"), pk=pk)
    delegate = Delegate.objects.filter(conference=vote.motion.conference, member=request.member).select_related("branch").first()
    context = {"vote": vote, "cards": vote.cards.select_related("branch"), "delegate": delegate, "is_clerk": acts_as_clerk(request.user),
               "ballot": ballots.ballot_facts(ballot_id=vote.ballot_id) if vote.ballot_id else None}  # fmt: skip
    if delegate:
        context["cast_already"] = vote.cards.filter(branch=delegate.branch).exists()
    return render(request, "conference/vote.html", context)


@member_required
@require_POST
def card_cast(request, pk: int):
    vote = get_object_or_404(Vote.objects.select_related("motion"), pk=pk)
    branch = get_object_or_404(Branch, pk=request.POST.get("branch") or 0)
    try:
        voting.do_cast_card(vote=vote, member=request.member, branch=branch, choice=request.POST.get("choice", ""))
    except Refused as exc:
        answer_refusal(request, exc, subject=vote)
    else:
        messages.success(request, f"{branch} branch's card was cast.")
    return redirect("conference_vote", pk=pk)


@hq_required
@require_POST
def vote_close(request, pk: int):
    vote = get_object_or_404(Vote, pk=pk)
    try:
        close = voting.vote_close_secret if vote.method == Vote.Method.SECRET else voting.vote_close_card
        vote = close(vote=vote, actor=request.user)
        messages.success(request, f"{vote}: {vote.get_outcome_display().lower()}.")
    except Refused as exc:
        answer_refusal(request, exc, subject=vote)
    return redirect("conference_vote", pk=pk)


# --- The register of resolutions -------------------------------------------------------


@member_required
def resolution_register(request):
    resolutions = Resolution.objects.select_related("conference", "motion")
    status = request.GET.get("status", "")
    if status in Resolution.Status.values:
        resolutions = resolutions.filter(status=status)
    context = {"resolutions": resolutions, "statuses": Resolution.Status.choices, "status": status, "conferences": Conference.objects.filter(resolutions__isnull=False).distinct()}
    return render(request, "conference/register.html", context)


@member_required
def resolution_detail(request, pk: int):
    resolution = get_object_or_404(Resolution.objects.select_related("conference", "motion"), pk=pk)
    updates = resolution.updates.select_related("decision__meeting__body", "by")
    form = forms.ResolutionUpdateForm() if may_update_register(request.user) else None
    return render(request, "conference/resolution.html", {"resolution": resolution, "updates": updates, "form": form})


@member_required
@require_POST
def resolution_update(request, pk: int):
    resolution = get_object_or_404(Resolution, pk=pk)
    form = forms.ResolutionUpdateForm(request.POST)
    try:
        if not may_update_register(request.user):
            raise Refused("Only HQ and the officers can report on resolutions.", status=403)
        if not form.is_valid():
            raise Refused("Give the status, the date and what was done.")
        data = form.cleaned_data
        decision = Decision.objects.filter(pk=data["decision"]).select_related("meeting").first() if data["decision"] else None
        register.do_resolution_update(resolution=resolution, user=request.user, status=data["status"], note=data["note"], on=data["on"], decision=decision)
    except Refused as exc:
        answer_refusal(request, exc, subject=resolution)
    else:
        messages.success(request, "The update is recorded in the register.")
    return redirect("resolution_detail", pk=pk)


@member_required
def resolution_report(request, slug: str):
    conference = get_object_or_404(Conference, slug=slug)
    return render(request, "conference/report.html", {"conference": conference, **register.annual_report(conference)})


# --- Meetings and decisions ------------------------------------------------------------


@member_required
def meeting_list(request):
    context = {"meetings": Meeting.objects.select_related("body"), "form": forms.MeetingForm() if acts_as_clerk(request.user) else None}
    return render(request, "conference/meetings.html", context)


@member_required
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    is_clerk = acts_as_clerk(request.user)
    context = {
        "meeting": meeting, "attendees": meeting.attendees.all(), "decisions": meeting.decisions.all(), "is_clerk": is_clerk,
        "eligible": meetings.body_members(meeting.body, meeting.held_on) if is_clerk else [], "form": forms.DecisionForm(),
    }  # fmt: skip
    return render(request, "conference/meeting.html", context)


@hq_required
@require_POST
def meeting_create(request):
    form = forms.MeetingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the body and the date of the meeting.")
        return redirect("meeting_list")
    meeting = meetings.meeting_create(actor=request.user, **form.cleaned_data)
    return redirect("meeting_detail", pk=meeting.pk)


@hq_required
@require_POST
def meeting_attendance(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    present = list(Member.objects.filter(pk__in=[int(p) for p in request.POST.getlist("present") if p.isdigit()]))
    try:
        meetings.meeting_record_attendance(meeting=meeting, members=present, actor=request.user)
    except Refused as exc:
        answer_refusal(request, exc, subject=meeting)
    return redirect("meeting_detail", pk=pk)


@hq_required
@require_POST
def decision_add(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    form = forms.DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise Refused("A decision needs its minute number and its text.")
        decision = meetings.decision_record(meeting=meeting, actor=request.user, **form.cleaned_data)
    except Refused as exc:
        answer_refusal(request, exc, subject=meeting)
        return redirect("meeting_detail", pk=pk)
    return redirect("decision_detail", pk=decision.pk)


@member_required
def decision_detail(request, pk: int):
    decision = get_object_or_404(Decision.objects.select_related("meeting__body"), pk=pk)
    cited_by = decision.resolution_updates.select_related("resolution__conference", "resolution__motion")
    return render(request, "conference/decision.html", {"decision": decision, "cited_by": cited_by})
