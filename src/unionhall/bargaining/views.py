"""Members' pages: the commitments tracker, bodies, agreements, disputes,
job-evaluation reviews and their own back pay. Logic is in the services."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from unionhall.bargaining import commitments, disputes, pay, reviews, tracker
from unionhall.bargaining.forms import QueryForm, UpdateForm
from unionhall.bargaining.models import Agreement, Commitment, Dispute, Document, JobReview, NegotiatingBody, Settlement
from unionhall.bargaining.roles import bargaining_employers, is_negotiator, may_negotiate
from unionhall.conference import api as conference
from unionhall.mandates import api as mandates
from unionhall.members.models import Employer
from unionhall.members.access import answer_refusal, member_required
from unionhall.ratelimit import limited
from unionhall.refusals import Refused


def _sees(request, employer_id) -> bool:
    """Members see national matters and their own employer's; negotiators theirs."""
    return employer_id is None or employer_id == request.member.employer_id or may_negotiate(request.user, employer_id)


@member_required
def home(request):
    today = timezone.localdate()
    return render(request, "bargaining/home.html", {
        "negotiator": is_negotiator(request.user), "review": reviews.review_for_member(request.member),
        "bodies": NegotiatingBody.objects.select_related("employer").order_by("level", "name")[:50], "today": today,
    })  # fmt: skip


@member_required
def tracker_view(request):
    everyone, employers = bargaining_employers(request.user)
    sort = request.GET.get("sort", "late")
    show = request.GET.get("show", "open")
    page = tracker.tracker_page(scope=tracker.scope_q(employer_ids={request.member.employer_id, *employers}, everyone=everyone), sort=sort,
                                show=show if show in tracker.FILTERS else "open", today=timezone.localdate(), page=request.GET.get("page", 1))  # fmt: skip
    return render(request, "bargaining/tracker.html", {"page": page, "sort": sort, "show": show, "filters": tracker.FILTERS,
                                                       "base": reverse("bargaining_tracker")})  # fmt: skip


def _commitment(request, pk) -> Commitment:
    c = get_object_or_404(Commitment.objects.select_related("agreement__body", "clause", "dispute"), pk=pk)
    if not _sees(request, c.employer_id):
        raise Http404("No such commitment.")
    return c


@member_required
def commitment_view(request, pk):
    c = _commitment(request, pk)
    today = timezone.localdate()
    return render(request, "bargaining/commitment.html", {
        "c": c, "late_by": c.days_late(today), "shown": c.shown_status(today), "updates": c.updates.all(),
        "following": c.followers.filter(member=request.member).exists(), "can_update": may_negotiate(request.user, c.employer_id),
        "form": UpdateForm(initial={"status": c.status, "on": today}), "lateness": tracker.lateness_words(c.days_late(today)),
        "resolution": conference.resolution_titles(ids=[c.resolution_id]).get(c.resolution_id) if c.resolution_id else None,
    })  # fmt: skip


@require_POST
@member_required
@limited("bargaining-follow", limit=30, per=3600)
def commitment_follow(request, pk):
    c = _commitment(request, pk)
    follow = request.POST.get("follow") == "1"
    try:
        commitments.commitment_follow(commitment=c, member=request.member, follow=follow)
        messages.success(request, "You will get an email when it changes." if follow else "You no longer follow it.")
    except Refused as exc:
        answer_refusal(request, exc, subject=c)
    return redirect("bargaining_commitment", pk=c.pk)


@require_POST
@member_required
def commitment_update(request, pk):
    c = _commitment(request, pk)
    form = UpdateForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            commitments.commitment_update(commitment=c, status=d["status"], on=d["on"], note=d["note"], evidence=d["evidence"], actor=request.user)
            messages.success(request, "Update recorded.")
        except Refused as exc:
            answer_refusal(request, exc, subject=c)
    else:
        messages.error(request, "Check the update: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("bargaining_commitment", pk=c.pk)


@member_required
def body_view(request, slug):
    body = get_object_or_404(NegotiatingBody.objects.select_related("employer"), slug=slug)
    ratification = conference.decision_facts(decision_id=body.ratification_id) if body.ratification_id else None
    return render(request, "bargaining/body.html", {
        "body": body, "changes": body.status_changes.all(), "ratification": ratification,
        "union_side": body.union_side.select_related("member", "employer", "branch", "workplace"),
        "agreements": body.agreements.all() if _sees(request, body.employer_id) else [],
        "meetings": body.meetings.prefetch_related("actions", "documents")[:20] if _sees(request, body.employer_id) else [],
        "can_manage": may_negotiate(request.user, body.employer_id),
    })  # fmt: skip


@member_required
def document_download(request, pk):
    """Only to members who may read the agreement or meeting it belongs to."""
    document = get_object_or_404(Document.objects.select_related("agreement__body", "meeting__body"), pk=pk)
    if not _sees(request, document.employer_id):
        raise Http404("No such document.")
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=document.filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@member_required
def agreement_view(request, pk):
    agreement = get_object_or_404(Agreement.objects.select_related("body"), pk=pk)
    if not _sees(request, agreement.body.employer_id):
        raise Http404("No such agreement.")
    today = timezone.localdate()
    rows = list(agreement.commitments.select_related("clause"))
    for c in rows:
        c.late_by, c.shown = c.days_late(today), c.shown_status(today)
    return render(request, "bargaining/agreement.html", {"agreement": agreement, "clauses": agreement.clauses.all(), "commitments": rows,
                                                         "documents": agreement.documents.all(),
                                                         "can_manage": may_negotiate(request.user, agreement.body.employer_id)})  # fmt: skip


@member_required
def disputes_view(request):
    everyone, employers = bargaining_employers(request.user)
    rows = Dispute.objects.select_related("employer")
    if not everyone:
        rows = rows.filter(employer_id__in={request.member.employer_id, *employers})
    return render(request, "bargaining/disputes.html", {"disputes": rows[:100], "employers": _negotiable(everyone, employers)})


def _negotiable(everyone: bool, employers) -> list:
    """The employers a negotiator may record for (none for a plain member)."""
    rows = Employer.objects.order_by("name")
    return list(rows if everyone else rows.filter(pk__in=employers)) if (everyone or employers) else []


@member_required
def dispute_view(request, pk):
    dispute = get_object_or_404(Dispute.objects.select_related("employer"), pk=pk)
    if not _sees(request, dispute.employer_id):
        raise Http404("No such dispute.")
    return render(request, "bargaining/dispute.html", {"dispute": dispute, "timeline": disputes.dispute_timeline(dispute),
                                                       "can_manage": may_negotiate(request.user, dispute.employer_id), "stages": Dispute.Stage.choices,
                                                       "ballots": mandates.statutory_ballots_for(employer_id=dispute.employer_id)
                                                       if may_negotiate(request.user, dispute.employer_id) and not dispute.statutory_ballot_id else []})  # fmt: skip


@member_required
def reviews_view(request):
    everyone, employers = bargaining_employers(request.user)
    employer_id = None if everyone else request.member.employer_id
    today = timezone.localdate()
    own = reviews.review_for_member(request.member)
    queue = JobReview.objects.select_related("employer").exclude(status=JobReview.Status.COMPLETED)
    if employer_id is not None:
        queue = queue.filter(employer_id=employer_id)
    queue = list(queue[:300])
    for r in queue:
        r.late_by = r.days_late(today)
    return render(request, "bargaining/reviews.html", {
        "groups": reviews.backlog(employer_id=employer_id, today=today), "queue": queue, "own": own,
        "own_late": tracker.lateness_words(own.days_late(today)) if own else "", "history": reviews.backlog_over_time(employer_id=employer_id, today=today),
        "employers": _negotiable(everyone, employers),
        "interested": own is not None and own.interests.filter(member=request.member).exists(),
        "ahead": own and JobReview.objects.filter(employer_id=own.employer_id).exclude(status=JobReview.Status.COMPLETED)
                 .filter(priority_group__lt=own.priority_group).count(),
    })  # fmt: skip


@require_POST
@member_required
@limited("bargaining-interest", limit=10, per=3600)
def review_interest(request, pk):
    review = get_object_or_404(JobReview, pk=pk)
    try:
        reviews.review_register_interest(review=review, member=request.member, evidence=request.POST.get("evidence", ""))
        messages.success(request, "Your interest is registered; the union's negotiators will see it.")
    except Refused as exc:
        answer_refusal(request, exc, subject=review)
    return redirect("bargaining_reviews")


@member_required
@limited("bargaining-backpay", limit=60, per=3600)
def my_backpay(request, employee_number: str | None = None):
    """The member's own back pay under each settlement for their employer. Asked
    by another member's employee number, refused (403) and audited."""
    record = pay.own_record_read(request.member)
    if employee_number is not None and (record is None or record.employee_number != employee_number):
        answer_refusal(request, Refused("You can check only your own back pay.", status=403), subject=request.member)
    results = []
    for settlement in pay.settlements_for(request.member):
        try:
            results.append((settlement, pay.backpay_check(member=request.member, settlement=settlement, employee_number=employee_number), ""))
        except Refused as exc:
            if exc.status in (403, 404):
                answer_refusal(request, exc, subject=request.member)
            results.append((settlement, None, str(exc)))
    return render(request, "bargaining/my_backpay.html", {
        "results": results, "record": record, "periods": record.periods.all() if record else [],
        "form": QueryForm(initial={"employee_number": record.employee_number if record else ""}),
        "queries": pay.BackPayQuery.objects.filter(member=request.member).select_related("settlement"),
    })  # fmt: skip


@require_POST
@member_required
@limited("bargaining-query", limit=5, per=3600)
def query_raise(request, settlement_pk):
    settlement = get_object_or_404(Settlement, pk=settlement_pk)
    form = QueryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give your employee number and your question (at most 3,000 characters).")
        return redirect("bargaining_my_backpay")
    try:
        q = pay.query_raise(member=request.member, settlement=settlement, employee_number=form.cleaned_data["employee_number"],
                            question=form.cleaned_data["question"])  # fmt: skip
        messages.success(request, f"Your query is with the union; expect an answer by {q.due_on:%-d %B %Y}.")
    except Refused as exc:
        answer_refusal(request, exc, subject=request.member)
    return redirect("bargaining_my_backpay")
