"""Survey pages. Each view fetches, calls one service and answers; refusals
go through ``answer_refusal`` (403s are audited, 404s look like nothing)."""

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.members.access import answer_refusal, deny, hq_required, member_required, officer_required
from unionhall.members.models import Branch, Employer
from unionhall.members.remit import request_remit
from unionhall.ratelimit import limited
from unionhall.refusals import Refused
from unionhall.surveys import charts, equality, export, forms, html_tables, services
from unionhall.surveys.models import CHARACTERISTICS, Characteristics, FreeText, OutcomeSet, QuestionKind, Run, TextStatus
from unionhall.surveys.results import breakdown_rows, overall_rows, response_rate, trend


def _run(pk: int) -> Run:
    return get_object_or_404(Run.objects.select_related("survey"), pk=pk)


def raw_answers(request, questions) -> dict:
    return {q.key: (request.POST.getlist(q.key) if q.kind == QuestionKind.MULTIPLE else request.POST.get(q.key, "")) for q in questions}


# --- Members -------------------------------------------------------------------------


@member_required
def survey_home(request):
    now = timezone.now()
    remit = request_remit(request)
    closed = [
        r for r in Run.objects.filter(results_at__isnull=False).select_related("survey").prefetch_related("survey__employers", "survey__branches").order_by("-closes_at")[:20]
        if services.in_audience(r.survey, request.member)
    ]
    context = {
        "open_runs": services.open_runs_for(request.member, now),
        "closed_runs": closed,
        "is_officer": not remit.is_empty,
        "gave_characteristics": Characteristics.objects.filter(member=request.member).exists(),
    }
    return render(request, "surveys/home.html", context)


@member_required
@limited("survey_answer", limit=30, per=60)
def survey_answer(request, pk: int):
    """The questionnaire: "save and come back" keeps a draft; "submit" sends it."""
    run = _run(pk)
    questions = list(run.survey.questions.all())
    now = timezone.now()
    if request.method == "POST":
        raw = raw_answers(request, questions)
        try:
            if request.POST.get("action") == "save":
                services.draft_save(run=run, member=request.member, raw=raw, now=now)
                messages.success(request, "Saved. Come back to this page before it closes to finish and submit.")
                return redirect("surveys_answer", pk=run.pk)
            services.response_submit(run=run, member=request.member, raw=raw, now=now)
        except Refused as exc:
            answer_refusal(request, exc, subject=run)
            return render(request, "surveys/answer.html", {"run": run, "questions": _with_values(questions, raw)}, status=exc.status)
        messages.success(request, "Thank you: your answers are in." + ("" if run.survey.is_anonymous else " You can change them until the survey closes."))
        return redirect("surveys_home")
    try:
        services.check_can_answer(run, request.member, now)
    except Refused as exc:
        if exc.status == 404:
            raise Http404(str(exc)) from None
        return render(request, "surveys/answer.html", {"run": run, "refusal": str(exc)}, status=200)
    answers = services.answers_for(run, request.member)
    return render(request, "surveys/answer.html", {"run": run, "questions": _with_values(questions, answers)})


def _with_values(questions, answers: dict):
    for q in questions:
        value = answers.get(q.key, [] if q.kind == QuestionKind.MULTIPLE else "")
        q.value = value
        q.values = value if isinstance(value, list) else [value]
    return questions


@member_required
def survey_results(request, pk: int):
    """Union-wide results, for members in the survey's audience, once published."""
    run = _run(pk)
    if not services.in_audience(run.survey, request.member) and request_remit(request).is_empty:
        raise Http404("No such survey.")
    if not run.results:
        return render(request, "surveys/results.html", {"run": run, "not_yet": True})
    questions = [q for q in run.survey.questions.all() if q.kind != QuestionKind.TEXT]
    sections = []
    for q in questions:
        rows = overall_rows(run.results, q)
        if rows and "mean" in rows[0]:
            chart = ""
        else:
            chart = charts.bars(q.short, [(r["label"], float(r["percent"]) if r["percent"] is not None else None) for r in rows if not r.get("total")])
        sections.append({"question": q, "rows": rows, "chart": chart, "number": q.kind == QuestionKind.NUMBER})
    texts = FreeText.objects.filter(run=run, status=TextStatus.PUBLISHED).order_by("pk")[:200]
    context = {"run": run, "sections": sections, "rate": response_rate(run.results), "texts": texts}
    return render(request, "surveys/results.html", context)


@member_required
@limited("survey_equality", limit=20, per=600)
def equality_mine(request):
    existing = Characteristics.objects.filter(member=request.member).first()
    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            equality.characteristics_withdraw(member=request.member)
            messages.success(request, "Withdrawn: your equality monitoring answers are deleted.")
            return redirect("surveys_home")
        form = forms.CharacteristicsForm(request.POST)
        if form.is_valid():
            try:
                equality.characteristics_save(member=request.member, answers=form.cleaned_data, consent=form.cleaned_data["consent"])
            except Refused as exc:
                answer_refusal(request, exc)
            else:
                messages.success(request, "Thank you. Your answers are kept apart from the register and used only in tables of groups.")
                return redirect("surveys_home")
    else:
        initial = {f: getattr(existing, f) for f in CHARACTERISTICS} if existing else {}
        form = forms.CharacteristicsForm(initial=initial)
    return render(request, "surveys/equality_mine.html", {"form": form, "existing": existing})


# --- Officers ------------------------------------------------------------------------


@officer_required
def survey_manage(request):
    remit = request_remit(request)
    surveys = services.surveys_in_remit(remit).prefetch_related("runs")[:50]
    return render(request, "surveys/manage.html", {"surveys": surveys, "remit": remit.describe(), "now": timezone.now()})


@officer_required
@limited("survey_build", limit=20, per=600)
def pulse_start(request):
    """Click 2 of 3 from the manage page: the pulse's audience, prefilled with
    the officer's own remit; click 3 starts it."""
    remit = request_remit(request)
    if request.method == "POST":
        form = forms.AudienceForm(request.POST, remit=remit)
        if form.is_valid():
            try:
                survey = services.pulse_start(by=request.user, remit=remit, employers=form.cleaned_data["employers"], branches=form.cleaned_data["branches"])
            except Refused as exc:
                answer_refusal(request, exc)
            else:
                messages.success(request, f"The workload pulse is open for {survey.runs.first().invited} members; invitations are on their way.")
                return redirect("surveys_manage")
    else:
        initial = {}
        if not remit.everyone:
            initial = {"employers": list(Employer.objects.filter(pk__in=remit.employer_ids)), "branches": list(Branch.objects.filter(pk__in=remit.branch_ids))}
        form = forms.AudienceForm(initial=initial, remit=remit)
    return render(request, "surveys/pulse_start.html", {"form": form})


@officer_required
@limited("survey_build", limit=20, per=600)
def survey_create(request):
    remit = request_remit(request)
    form = forms.SurveyForm(request.POST or None, remit=remit)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.survey_create(
                by=request.user, remit=remit, title=d["title"], intro=d["intro"], kind=d["kind"], audience=form.audience(),
                employers=d["employers"], branches=d["branches"], grades=d["grades"], threshold=d["threshold"], repeat=d["repeat"],
                window_days=d["window_days"], questions=d["questions"],
            )  # fmt: skip
        except Refused as exc:
            answer_refusal(request, exc)
        else:
            messages.success(request, "The survey is open and its audience invited.")
            return redirect("surveys_manage")
    return render(request, "surveys/create.html", {"form": form})


def _officer_run(request, pk: int) -> Run:
    run = _run(pk)
    if not services.remit_covers_survey(request_remit(request), run.survey):
        deny(request, reason="survey outside remit", subject=run, path=request.path)
    return run


def _allowed_rows(request, results: dict, by: str):
    """The rows of a breakdown an officer may see: all for HQ, else those of
    their employers and branches (grades: every row, as the survey is theirs)."""
    remit = request_remit(request)
    if remit.everyone or by == "grade":
        return None
    employers = set(Employer.objects.filter(pk__in=remit.employer_ids).values_list("code", flat=True))
    branches = set(Branch.objects.filter(pk__in=remit.branch_ids).values_list("code", flat=True))
    if by == "employer":
        return employers
    return branches | {b for b, e in results.get("branch_employer", {}).items() if e in employers}


@officer_required
def officer_results(request, pk: int):
    """Breakdowns by employer, branch or grade and the trend over runs, all as
    published (suppressed); nothing while the run is open."""
    run = _officer_run(request, pk)
    survey = run.survey
    if not run.results:
        return render(request, "surveys/officer_results.html", {"run": run, "not_yet": True})
    by = request.GET.get("by", "branch")
    if by not in survey.attribute_list:
        by = survey.attribute_list[0] if survey.attribute_list else ""
    allowed = _allowed_rows(request, run.results, by) if by else None
    only = request.GET.get("only", "")
    if only:
        if allowed is not None and only not in allowed:
            deny(request, reason="breakdown outside remit", subject=run, path=request.path)
        allowed = {only}
    runs = list(survey.runs.filter(results_at__isnull=False).only("survey_id", "number", "opens_at", "summary").order_by("number"))
    sections = []
    for q in survey.questions.all():
        if q.kind == QuestionKind.TEXT:
            continue
        table = breakdown_rows(run.results, q, by, allowed=allowed) if (by and q.breakdown) else None
        if table is not None:
            table = html_tables.breakdown_table(table, by=by, caption=f"{q.short} by {by}", unit=q.unit)
        points = trend(runs, q)
        chart = ""
        if points and "mean" in points[0]:
            chart = charts.line(f"{q.short}: mean by run", [(f"#{p['run']}", float(p["mean"]) if p["mean"] is not None else None) for p in points])
        sections.append({"question": q, "table": table, "trend": points, "chart": chart})
    respondents = breakdown_rows(run.results, None, by, allowed=allowed) if by else None
    if respondents is not None:
        respondents = html_tables.breakdown_table(respondents, by=by, caption=f"Respondents by {by}")
    audit_record(actor=request.user, action=Action.VIEW, subject=run, detail={"page": "survey breakdown", "by": by})
    context = {
        "run": run, "by": by, "attributes": survey.attribute_list, "sections": sections, "respondents": respondents,
        "rate": response_rate(run.results), "waiting_texts": FreeText.objects.filter(run=run, status=TextStatus.WAITING).count(),
    }  # fmt: skip
    return render(request, "surveys/officer_results.html", context)


@officer_required
@require_POST
def run_close(request, pk: int):
    run = _officer_run(request, pk)
    try:
        services.run_close(run)
    except Refused as exc:
        answer_refusal(request, exc, subject=run)
    else:
        messages.success(request, "Closed: the results are worked out and published.")
    return redirect("surveys_officer_results", pk=run.pk)


@officer_required
def free_texts(request, pk: int):
    """Review free text: publish (after removing identifying details) or withhold."""
    run = _officer_run(request, pk)
    if request.method == "POST":
        text = get_object_or_404(FreeText, pk=request.POST.get("text_id", "0"), run=run) if _is_uuid(request.POST.get("text_id")) else None
        form = forms.RedactForm(request.POST)
        if text is None or not form.is_valid():
            messages.error(request, "Choose publish or withhold.")
        else:
            text.status = TextStatus.PUBLISHED if form.cleaned_data["decision"] == "publish" else TextStatus.WITHHELD
            text.redacted = form.cleaned_data["redacted"].strip() if text.status == TextStatus.PUBLISHED else ""
            if text.status == TextStatus.PUBLISHED and not text.redacted:
                messages.error(request, "Write the text as it is to be published (with identifying details removed).")
                return redirect("surveys_free_texts", pk=run.pk)
            text.reviewed_by, text.reviewed_at = request.user, timezone.now()
            text.save()
            audit_record(actor=request.user, action=Action.CHANGE, subject=run, detail={"free text": text.status})
        return redirect("surveys_free_texts", pk=run.pk)
    waiting = FreeText.objects.filter(run=run, status=TextStatus.WAITING).select_related("question").order_by("pk")[:20]
    return render(request, "surveys/free_texts.html", {"run": run, "texts": waiting})


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@officer_required
def results_export(request, pk: int, fmt: str):
    run = _officer_run(request, pk)
    if not run.results:
        messages.error(request, "Results are published only after the survey closes.")
        return redirect("surveys_officer_results", pk=run.pk)
    allowed = _allowed_rows(request, run.results, "branch")
    audit_record(actor=request.user, action=Action.EXPORT, subject=run, detail={"results pack": fmt})
    if fmt == "csv":
        body, ctype = export.pack_csv(run, allowed=allowed).encode(), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body, ctype = export.pack_xlsx(run, allowed=allowed), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "pdf":
        body, ctype = export.pack_pdf(run, allowed=allowed), "application/pdf"
    else:
        raise Http404("No such format.")
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="survey-{run.survey.pk}-run-{run.number}.{fmt}"'
    return response


# --- Equality monitoring (officers) --------------------------------------------------------


@officer_required
def equality_list(request):
    sets = OutcomeSet.objects.all()[:50]
    form = forms.OutcomeImportForm() if request_remit(request).everyone else None
    return render(request, "surveys/equality_list.html", {"sets": sets, "form": form})


@hq_required
@require_POST
def equality_import(request):
    form = forms.OutcomeImportForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            outcome_set = equality.outcomes_import(
                by=request.user, title=d["title"], characteristic=d["characteristic"], outcome_label=d["outcome_label"],
                adverse=d["adverse"], threshold=d["threshold"], source=d["source"], data=d["file"].read(),
            )  # fmt: skip
        except Refused as exc:
            answer_refusal(request, exc)
        else:
            return redirect("surveys_equality_detail", pk=outcome_set.pk)
    else:
        messages.error(request, "Fill in every field and choose a CSV file.")
    return redirect("surveys_equality")


@officer_required
def equality_detail(request, pk: int):
    outcome_set = get_object_or_404(OutcomeSet, pk=pk)
    try:
        report = equality.outcome_report(outcome_set)
    except Refused as exc:
        answer_refusal(request, exc)
        return redirect("surveys_equality")
    chart = charts.bars(f"Rate of {outcome_set.outcome_label} by group", [(r.group, r.rate) for r in report.rows])
    return render(request, "surveys/equality_detail.html", {"set": outcome_set, "report": report, "chart": chart,
                                                             "label": CHARACTERISTICS[outcome_set.characteristic][0]})  # fmt: skip
