"""HQ pages for statutory ballots: the rule profiles and changes in the law,
a ballot's statutory page, its documents, the scrutineer's extract and count.
Each view fetches, calls one service, and answers."""

import hashlib

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from unionhall.ballots import api
from unionhall.csvexport import csv_download
from unionhall.mandates import documents, forms
from unionhall.mandates.models import Document, PostalReturn, Profile, Rule, StatutoryBallot
from unionhall.mandates.rules import rule_add_version, rule_set_dates
from unionhall.mandates.services import (
    EXTRACT_FIELDS,
    check_postal_import,
    constituency,
    do_postal_import,
    do_register_extract,
    do_set_aside_list,
    online_invitees,
    resolution,
    result_figures,
    result_problem,
    statutory_checks,
    statutory_save,
)  # fmt: skip
from unionhall.members.access import answer_refusal, hq_required
from unionhall.refusals import Refused


def _ballot(slug: str) -> api.BallotFacts:
    if (ballot := api.ballot_find(slug=slug)) is None:
        raise Http404("No such ballot.")
    return ballot


def _statutory(slug: str) -> tuple[StatutoryBallot, api.BallotFacts]:
    ballot = _ballot(slug)
    return get_object_or_404(StatutoryBallot.objects.select_related("profile", "employer"), ballot_id=ballot.id), ballot


@hq_required
def rules_page(request):
    if request.method == "POST":
        rule = get_object_or_404(Rule, pk=request.POST.get("rule"))
        form = (forms.RuleVersionForm if request.POST.get("action") == "version" else forms.RuleDatesForm)(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if request.POST.get("action") == "version":
                    rule_add_version(template=rule, statement=data["statement"], params=data["params"], source=data["source"],
                                     source_url=data["source_url"], applies_from=data["applies_from"], reason=data["reason"], actor=request.user)  # fmt: skip
                else:
                    rule_set_dates(rule=rule, applies_from=data["applies_from"], applies_until=data["applies_until"], reason=data["reason"], actor=request.user)
            except Refused as exc:
                answer_refusal(request, exc, subject=rule)
            else:
                messages.success(request, f"The change to {rule.code} is recorded.")
                return redirect("mandates:rules")
        else:
            messages.error(request, "The change was not recorded: " + " ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    profiles = Profile.objects.prefetch_related("rules")
    return render(request, "mandates/rules.html", {"profiles": profiles, "dates_form": forms.RuleDatesForm(), "version_form": forms.RuleVersionForm()})


@hq_required
def statutory_page(request, slug: str):
    sb, ballot = _statutory(slug)
    try:
        figures = result_figures(sb) if result_problem(sb) is None else None
    except Refused:
        figures = None
    context = {
        "sb": sb, "ballot": ballot, "res": resolution(sb), "problems": statutory_checks(sb), "c": constituency(sb),
        "issued": sb.documents.select_related("issued_by"), "kinds": Document.Kind.choices, "figures": figures,
        "postal": PostalReturn.objects.filter(statutory=sb).first(), "result_problem": result_problem(sb),
        "invitees": len(online_invitees(sb)), "import_form": forms.PostalImportForm(),
    }  # fmt: skip
    return render(request, "mandates/statutory.html", context)


@hq_required
def setup(request, slug: str):
    ballot = _ballot(slug)
    sb = StatutoryBallot.objects.filter(ballot_id=ballot.id).first()
    if ballot.status != api.Status.DRAFT:
        messages.error(request, "The ballot has opened: its statutory details can no longer change.")
        return redirect("mandates:statutory", slug=slug) if sb else redirect("ballot_detail", slug=slug)
    form = forms.StatutoryBallotForm(request.POST or None, instance=sb, questions=api.ballot_questions(ballot_id=ballot.id),
                                     initial={"employer": ballot.employer_id})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.ballot_id = ballot.id
        statutory_save(sb=saved, changed=form.changed_data, actor=request.user)
        messages.success(request, "Saved. The checks below say what still blocks opening.")
        return redirect("mandates:statutory", slug=slug)
    return render(request, "mandates/setup.html", {"form": form, "ballot": ballot})


@hq_required
def document(request, slug: str, kind: str):
    sb, ballot = _statutory(slug)
    if kind not in Document.Kind.values:
        raise Http404("No such document.")
    if request.method == "POST":
        try:
            issued = documents.do_issue(sb=sb, kind=kind, actor=request.user)
        except Refused as exc:
            answer_refusal(request, exc, subject=sb)
        else:
            messages.success(request, f"{issued.get_kind_display()} issued on {issued.issued_at:%-d %B %Y}.")
        return redirect("mandates:document", slug=slug, kind=kind)
    latest = sb.documents.filter(kind=kind).order_by("-issued_at").first()
    try:
        # As issued, dated on its day; or a draft dated today.
        doc = documents.build(sb, kind, timezone.localdate(latest.issued_at) if latest else None)
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("mandates:statutory", slug=slug)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(documents.render_pdf(doc), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{slug}-{kind}.pdf"'
        return response
    issued = sb.documents.filter(kind=kind).select_related("issued_by")
    body = documents.render_html(doc, sb)
    if latest and hashlib.sha256(body.encode()).hexdigest() != latest.digest:
        messages.warning(request, "The facts behind this document have changed since it was issued: what is shown is not what was sent. "
                                  "The audit log holds the digest of the document as issued.")  # fmt: skip
    return render(request, "mandates/document.html", {"sb": sb, "ballot": ballot, "doc": doc, "body": body, "kind": kind, "issued": issued})


@hq_required
@require_POST
def register_extract(request, slug: str):
    """The register extract for the independent scrutineer, as CSV (audited)."""
    sb, _ = _statutory(slug)
    try:
        rows = do_register_extract(sb=sb, actor=request.user)
    except Refused as exc:
        answer_refusal(request, exc, subject=sb)
        return redirect("mandates:statutory", slug=slug)
    return csv_download(f"{slug}-register-extract.csv", ["paper_number", *EXTRACT_FIELDS], rows)


@hq_required
@require_POST
def set_aside(request, slug: str):
    """The paper numbers the scrutineer must set aside: members who voted online (audited)."""
    sb, _ = _statutory(slug)
    try:
        numbers = do_set_aside_list(sb=sb, actor=request.user)
    except Refused as exc:
        answer_refusal(request, exc, subject=sb)
        return redirect("mandates:statutory", slug=slug)
    return csv_download(f"{slug}-papers-to-set-aside.csv", ["paper_number"], ([n] for n in numbers))


@hq_required
@require_POST
def postal_import(request, slug: str):
    sb, _ = _statutory(slug)
    upload = request.FILES.get("file")
    try:
        counts = check_postal_import(sb=sb, data=upload.read() if upload else b"")
        do_postal_import(sb=sb, counts=counts, actor=request.user)
    except Refused as exc:
        answer_refusal(request, exc, subject=sb)
    else:
        messages.success(request, f"The scrutineer's count is stored: {counts.papers_returned} of {counts.papers_issued} papers returned.")
    return redirect("mandates:statutory", slug=slug)
