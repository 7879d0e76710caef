"""Q&A event pages. The event page is whole without JavaScript (a reload
link refreshes it); with it, static/bulletins/qa.js polls ``event_poll``
every few seconds and votes without leaving the page."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from unionhall.bulletins import events, forms
from unionhall.bulletins.models import QAEvent, Question
from unionhall.bulletins.queries import reader_for
from unionhall.bulletins.roles import may_write
from unionhall.members.access import answer_refusal, hq_required, member_required
from unionhall.refusals import Refused


def _attended(request, pk: int) -> QAEvent:
    event = events.events_for(request.member).filter(pk=pk).first()
    if event is None:
        raise Http404("No such event.")
    return event


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@member_required
def event_list(request):
    return render(request, "bulletins/events.html", {"events": events.events_for(request.member), "can_create": may_write(request.user)})


@member_required
def event_detail(request, pk: int):
    event = _attended(request, pk)
    reader = reader_for(request.member)
    questions = events.event_questions(event, request.member)
    context = {
        "event": event, "questions": questions, "reader": reader, "ended": timezone.now() >= event.ends_at,
        "answered": sum(q["answered"] for q in questions), "can_run": events.may_run(request.user, event),
        "form": forms.QuestionForm(initial={"post_as": "pseudonym" if reader.pseudonym else "name"}),
    }  # fmt: skip
    return render(request, "bulletins/event.html", context)


@member_required
def event_poll(request, pk: int):
    event = _attended(request, pk)
    data = {"questions": events.event_questions(event, request.member), "ended": timezone.now() >= event.ends_at, "can_run": events.may_run(request.user, event)}
    response = JsonResponse(data)
    response["Cache-Control"] = "private, no-store"
    return response


@member_required
@require_POST
def question_ask(request, pk: int):
    event = _attended(request, pk)
    form = forms.QuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write your question and choose how to ask it.")
        return redirect("event_detail", pk=pk)
    try:
        question = events.do_ask(member=request.member, event=event, body=form.cleaned_data["body"], as_pseudonym=form.cleaned_data["post_as"] == "pseudonym")
    except Refused as exc:
        answer_refusal(request, exc, subject=event)
        return redirect("event_detail", pk=pk)
    messages.success(request, f"Your question is in, asked as {question.author_label}.")
    return redirect(f"{reverse('event_detail', args=[pk])}#q-{question.pk}")


@member_required
@require_POST
def question_vote(request, pk: int):
    question = get_object_or_404(Question.objects.select_related("event"), pk=pk)
    _attended(request, question.event_id)
    try:
        question = events.do_vote(member=request.member, question=question)
    except Refused as exc:
        if _wants_json(request):
            return JsonResponse({"error": str(exc)}, status=exc.status)
        answer_refusal(request, exc, subject=question)
    if _wants_json(request):
        return JsonResponse({"votes": question.votes})
    return redirect(f"{reverse('event_detail', args=[question.event_id])}#q-{question.pk}")


@member_required
@require_POST
def question_moderate(request, pk: int):
    question = get_object_or_404(Question.objects.select_related("event"), pk=pk)
    into_pk = request.POST.get("into", "")
    into = Question.objects.filter(pk=int(into_pk), event=question.event).first() if into_pk.isdigit() else None
    try:
        events.do_moderate_question(user=request.user, question=question, action=request.POST.get("action", ""), into=into)
    except Refused as exc:
        if _wants_json(request):
            return JsonResponse({"error": str(exc)}, status=exc.status)
        answer_refusal(request, exc, subject=question)
    if _wants_json(request):
        return JsonResponse({"ok": True})
    return redirect("event_detail", pk=question.event_id)


@hq_required
def event_create(request):
    form = forms.EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = events.do_create_event(user=request.user, draft=form.draft())
        except Refused as exc:
            answer_refusal(request, exc)
        else:
            return redirect("event_detail", pk=event.pk)
    return render(request, "bulletins/event_form.html", {"form": form})
