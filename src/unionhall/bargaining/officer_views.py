"""Negotiators' pages: recording agreements, commitments, a body's status and
ratification, dispute stages and ballots; HQ's pay scales; the queue of
back-pay queries. Each service checks the negotiator's remit itself."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from unionhall.bargaining import bodies, commitments, disputes, meetings, pay, reviews
from unionhall.bargaining.forms import AgreementForm, BodyStatusForm, CommitmentForm, ScaleImportForm, StageForm
from unionhall.bargaining.models import Agreement, BackPayQuery, BodyMeeting, Dispute, NegotiatingBody
from unionhall.bargaining.roles import require_hq, require_negotiator
from unionhall.conference import api as conference
from unionhall.dateparts import date_from_post
from unionhall.members.models import Employer
from unionhall.members.access import answer_refusal, member_required, officer_required
from unionhall.refusals import Refused


def _errors(form) -> str:
    return "; ".join(f"{form.fields[k].label or k if k in form.fields else k}: {' '.join(v)}" for k, v in form.errors.items())


def parse_clauses(text: str) -> list[commitments.ClauseSpec]:
    specs = []
    for line in text.splitlines():
        if line.strip():
            number, _, words = line.partition("|")
            specs.append(commitments.ClauseSpec(number.strip(), words.strip()))
    return specs


@member_required
def agreement_new(request, slug):
    body = get_object_or_404(NegotiatingBody, slug=slug)
    try:
        require_negotiator(request.user, body.employer_id)
    except Refused as exc:
        answer_refusal(request, exc, subject=body)
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            agreement = commitments.agreement_create(body=body, title=d["title"], agreed_on=d["agreed_on"], signatories=d["signatories"],
                                                     text=d["text"], clauses=parse_clauses(d["clauses"]), actor=request.user)  # fmt: skip
            messages.success(request, "Agreement recorded. Now record each commitment in it.")
            return redirect("bargaining_agreement", pk=agreement.pk)
        except Refused as exc:
            answer_refusal(request, exc, subject=body)
    return render(request, "bargaining/agreement_form.html", {"body": body, "form": form})


@require_POST
@member_required
def commitment_new(request, pk):
    agreement = get_object_or_404(Agreement.objects.select_related("body"), pk=pk)
    form = CommitmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Check the commitment: " + _errors(form))
        return redirect("bargaining_agreement", pk=agreement.pk)
    d = form.cleaned_data
    clause = agreement.clauses.filter(number=d["clause"].strip()).first() if d["clause"].strip() else None
    try:
        if d["clause"].strip() and clause is None:
            raise Refused(f"This agreement has no clause {d['clause'].strip()}.")
        commitments.commitment_create(agreement=agreement, title=d["title"], delivered_means=d["delivered_means"], due_on=d["due_on"],
                                      who_acts=d["who_acts"], clause=clause, actor=request.user)  # fmt: skip
        messages.success(request, "Commitment recorded: it is on the tracker.")
    except Refused as exc:
        answer_refusal(request, exc, subject=agreement)
    return redirect("bargaining_agreement", pk=agreement.pk)


@require_POST
@member_required
def body_status(request, slug):
    body = get_object_or_404(NegotiatingBody, slug=slug)
    form = BodyStatusForm(request.POST)
    if form.is_valid():
        try:
            bodies.body_set_status(body=body, status=form.cleaned_data["status"], on=form.cleaned_data["on"], note=form.cleaned_data["note"], actor=request.user)
            messages.success(request, "Status recorded.")
        except Refused as exc:
            answer_refusal(request, exc, subject=body)
    else:
        messages.error(request, "Check the status: " + _errors(form))
    return redirect("bargaining_body", slug=body.slug)


@member_required
def body_ratify(request, slug):
    body = get_object_or_404(NegotiatingBody, slug=slug)
    if request.method == "POST":
        try:
            bodies.body_ratify(body=body, decision_id=int(request.POST.get("decision") or 0), actor=request.user)
            messages.success(request, "The constitution is recorded as ratified.")
            return redirect("bargaining_body", slug=body.slug)
        except (Refused, ValueError) as exc:
            answer_refusal(request, exc if isinstance(exc, Refused) else Refused("Choose a decision."), subject=body)
    try:
        require_negotiator(request.user, body.employer_id)
    except Refused as exc:
        answer_refusal(request, exc, subject=body)
    return render(request, "bargaining/ratify.html", {"body": body, "decisions": conference.decisions_of(body_slugs=bodies.RATIFYING_BODIES)})


@require_POST
@member_required
def dispute_stage(request, pk):
    dispute = get_object_or_404(Dispute, pk=pk)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            disputes.dispute_stage_add(dispute=dispute, stage=form.cleaned_data["stage"], on=form.cleaned_data["on"], note=form.cleaned_data["note"],
                                       actor=request.user)  # fmt: skip
            messages.success(request, "Stage recorded.")
        except Refused as exc:
            answer_refusal(request, exc, subject=dispute)
    else:
        messages.error(request, "Check the stage: " + _errors(form))
    return redirect("bargaining_dispute", pk=dispute.pk)


@officer_required
def queries_queue(request):
    rows = pay.queries_read(request.user)
    return render(request, "bargaining/queries.html", {"queries": rows})


@require_POST
@officer_required
def query_answer(request, pk):
    query = get_object_or_404(BackPayQuery, pk=pk)
    try:
        pay.query_answer(query=query, answer=request.POST.get("answer", ""), actor=request.user)
        messages.success(request, "Answer recorded.")
    except Refused as exc:
        answer_refusal(request, exc, subject=query)
    return redirect("bargaining_queries")


@officer_required
def scale_import(request):
    try:
        require_hq(request.user)
    except Refused as exc:
        answer_refusal(request, exc)
    form = ScaleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "file" in request.FILES and form.is_valid():
        d = form.cleaned_data
        try:
            text = d["file"].read(pay.MAX_CSV_BYTES + 1).decode("utf-8")
            scale = pay.scale_import(employer=d["employer"], name=d["name"], csv_text=text, actor=request.user)
            messages.success(request, f"Imported {scale.rates.count()} rates into {scale}.")
            return redirect("bargaining_scales")
        except UnicodeDecodeError:
            messages.error(request, "Nothing was imported: the file is not UTF-8 text.")
        except Refused as exc:
            answer_refusal(request, exc)
    if request.method == "POST" and "histories" in request.FILES:
        employer = Employer.objects.filter(pk=request.POST.get("history_employer") or 0).first()
        try:
            if employer is None:
                raise Refused("Choose the employer.")
            saved = pay.histories_import(employer=employer, csv_text=request.FILES["histories"].read(pay.MAX_CSV_BYTES + 1).decode("utf-8"), actor=request.user)
            messages.success(request, f"Pay histories saved for {saved} members.")
            return redirect("bargaining_scales")
        except UnicodeDecodeError:
            messages.error(request, "Nothing was imported: the file is not UTF-8 text.")
        except Refused as exc:
            answer_refusal(request, exc)
        form = ScaleImportForm()
    scales = pay.PayScale.objects.select_related("employer").order_by("employer__name", "name")
    return render(request, "bargaining/scales.html", {"form": form, "scales": scales, "employers": Employer.objects.order_by("name")})


@require_POST
@member_required
def meeting_new(request, slug):
    body = get_object_or_404(NegotiatingBody, slug=slug)
    try:
        meetings.meeting_record(body=body, held_on=_date(request, "held_on", "Held on"), agenda=request.POST.get("agenda", ""),
                                minutes=request.POST.get("minutes", ""), actor=request.user)  # fmt: skip
        messages.success(request, "Meeting recorded.")
    except Refused as exc:
        answer_refusal(request, exc, subject=body)
    return redirect("bargaining_body", slug=body.slug)


@require_POST
@member_required
def action_new(request, pk):
    meeting = get_object_or_404(BodyMeeting.objects.select_related("body"), pk=pk)
    try:
        meetings.action_add(meeting=meeting, text=request.POST.get("text", ""), owner=request.POST.get("owner", ""),
                            due_on=_date(request, "due_on", "Due"), actor=request.user)  # fmt: skip
        messages.success(request, "Action recorded.")
    except Refused as exc:
        answer_refusal(request, exc, subject=meeting)
    return redirect("bargaining_body", slug=meeting.body.slug)


@require_POST
@member_required
def document_new(request, kind, pk):
    """Keep a PDF with an agreement or a body's meeting."""
    agreement = get_object_or_404(Agreement.objects.select_related("body"), pk=pk) if kind == "agreement" else None
    meeting = get_object_or_404(BodyMeeting.objects.select_related("body"), pk=pk) if kind == "meeting" else None
    try:
        meetings.document_attach(title=request.POST.get("title", ""), upload=request.FILES.get("file"), agreement=agreement, meeting=meeting,
                                 actor=request.user)  # fmt: skip
        messages.success(request, "Document kept. Members who can read it can download it.")
    except Refused as exc:
        answer_refusal(request, exc, subject=agreement or meeting)
    if agreement:
        return redirect("bargaining_agreement", pk=agreement.pk)
    return redirect("bargaining_body", slug=meeting.body.slug)


def _date(request, name: str, label: str, *, required: bool = True) -> dt.date | None:
    """The date typed in a hand-written form's ``{% date_parts %}`` boxes; Refused, with
    GOV.UK's message ("Held on must include a month"), if it is not a real one."""
    try:
        return date_from_post(request.POST, name, label=label, required=required)
    except ValidationError as exc:
        raise Refused(" ".join(exc.messages)) from None


@require_POST
@member_required
def dispute_new(request):
    employer = Employer.objects.filter(pk=request.POST.get("employer") or 0).first()
    try:
        if employer is None:
            raise Refused("Choose the employer the dispute is with.")
        dispute = disputes.dispute_open(employer=employer, title=request.POST.get("title", ""), issue=request.POST.get("issue", ""),
                                        opened_on=_date(request, "opened_on", "Opened on", required=False) or timezone.localdate(), actor=request.user)  # fmt: skip
        messages.success(request, "Dispute recorded.")
        return redirect("bargaining_dispute", pk=dispute.pk)
    except Refused as exc:
        answer_refusal(request, exc)
    return redirect("bargaining_disputes")


@require_POST
@member_required
def dispute_ballot(request, pk):
    dispute = get_object_or_404(Dispute, pk=pk)
    try:
        disputes.dispute_link_ballot(dispute=dispute, statutory_ballot_id=int(request.POST.get("statutory_ballot") or 0), actor=request.user)
        messages.success(request, "The ballot is linked; its dates are on the timeline.")
    except (Refused, ValueError) as exc:
        answer_refusal(request, exc if isinstance(exc, Refused) else Refused("Choose a ballot."), subject=dispute)
    return redirect("bargaining_dispute", pk=dispute.pk)


@require_POST
@member_required
def review_new(request):
    employer = Employer.objects.filter(pk=request.POST.get("employer") or 0).first()
    try:
        if employer is None:
            raise Refused("Choose the employer.")
        group = int(request.POST.get("priority_group") or 0)
        reviews.review_add(employer=employer, role_title=request.POST.get("role_title", ""), priority_group=group,
                           promised_on=_date(request, "promised_on", "Promised by"), actor=request.user)  # fmt: skip
        messages.success(request, "Role added to the queue.")
    except ValueError:
        messages.error(request, "The priority group is a whole number (1 first).")
    except Refused as exc:
        answer_refusal(request, exc)
    return redirect("bargaining_reviews")
