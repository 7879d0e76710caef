"""Election pages. Each view fetches, calls one service, and answers; a
service's 403 refusal is recorded in the audit log through ``deny``."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from unionhall.ballots import api as ballots
from unionhall.ballots.forms import SecretBallotForm
from unionhall.elections import forms, online, scrutineer, services
from unionhall.elections.models import Election, Nomination
from unionhall.members.access import answer_refusal, deny, hq_required, member_required
from unionhall.members.models import Member
from unionhall.refusals import Refused


def _election(pk: int) -> Election:
    return get_object_or_404(Election.objects.select_related("branch"), pk=pk)


def _nomination(pk: int, nomination_pk: int) -> Nomination:
    return get_object_or_404(
        Nomination.objects.select_related("election__branch", "candidate", "proposer", "seconder"), election_id=pk, pk=nomination_pk
    )


@member_required
def election_list(request):
    return render(request, "elections/list.html", {"elections": Election.objects.select_related("branch")})


@hq_required
def election_new(request):
    """HQ calls an election; ``election_create`` validates it again and audits it."""
    form = forms.ElectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        election = services.election_create(election=form.save(commit=False), actor=request.user)
        messages.success(request, f"{election.title} is called. Members can propose candidates from {election.nominations_open:%-d %B %Y}.")
        return redirect("election_detail", pk=election.pk)
    return render(request, "elections/new.html", {"form": form})


@member_required
def election_detail(request, pk: int):
    election = _election(pk)
    is_hq = services.is_hq(request.user)
    # A nomination the candidate has not accepted is shown to HQ only: listing it
    # would tell a proposer that the number they typed is a member's, and whose.
    pending = election.nominations.filter(Q(accepted_at__isnull=True) | Q(seconded_at__isnull=True)).select_related("candidate")
    if not is_hq:
        pending = pending.filter(accepted_at__isnull=False)
    mine = election.nominations.filter(Q(candidate=request.member) | Q(seconder=request.member)).select_related("candidate")
    candidates = election.ballot_order()
    context = {
        "election": election,
        "candidates": candidates,
        "pending": pending,
        "mine": mine,
        "may_nominate": election.status == Election.Status.NOMINATIONS and services.may_vote(election=election, member=request.member),
        "scrutineer_form": forms.ScrutineerForm(),
        "count": _ballot_count(election, candidates) if is_hq else None,
        "ballot": ballots.ballot_facts(ballot_id=election.ballot_id) if election.ballot_id else None,
    }
    return render(request, "elections/detail.html", context)


def _ballot_count(election: Election, candidates: list[Nomination]) -> dict | None:
    """For HQ before declaring: the decrypted votes, and any tie the lot will settle."""
    if election.status != Election.Status.BALLOT or (votes := online.ballot_votes(election)) is None:
        return None
    _, tied, places = online.fptp_places(votes, election.seats)
    return {"rows": list(zip(candidates, votes)), "tied": [candidates[i] for i in tied], "places": places}


@member_required
def nominate(request, pk: int):
    election = _election(pk)
    form = forms.NominateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data
        candidate = Member.objects.filter(membership_number=number["candidate"]).first()
        seconder = Member.objects.filter(membership_number=number["seconder"]).first()
        try:
            services.do_nominate(election=election, proposer=request.member, seconder=seconder, candidate=candidate)
        except Refused as exc:
            answer_refusal(request, exc, subject=election)
        else:
            messages.success(request, services.PROPOSED)
            return redirect("election_detail", pk=pk)
    return render(request, "elections/nominate.html", {"election": election, "form": form})


@member_required
def nomination_respond(request, pk: int, nomination_pk: int):
    """The candidate accepts (with an election address); the seconder seconds."""
    nomination = _nomination(pk, nomination_pk)
    is_candidate, is_seconder = request.member.pk == nomination.candidate_id, request.member.pk == nomination.seconder_id
    if not (is_candidate or is_seconder):
        deny(request, reason="neither the candidate nor the seconder", subject=nomination, path=request.path)
    if not is_candidate and nomination.accepted_at is None:  # the seconder hears of it only once the candidate accepts
        raise Http404("No such nomination.")
    form = forms.AcceptForm(request.POST or None, initial={"address": nomination.address})
    if request.method == "POST" and (request.POST.get("action") == "second" or form.is_valid()):
        try:
            if request.POST.get("action") == "second":
                services.do_second(nomination=nomination, member=request.member)
                messages.success(request, "You have seconded the nomination.")
            else:
                services.do_accept(nomination=nomination, member=request.member, address=form.cleaned_data["address"])
                messages.success(request, "Your nomination is accepted and your election address saved.")
        except Refused as exc:
            answer_refusal(request, exc, subject=nomination)
        else:
            return redirect("election_detail", pk=pk)
    context = {
        "election": nomination.election, "nomination": nomination, "form": form,
        "is_candidate": is_candidate, "is_seconder": is_seconder,
    }  # fmt: skip
    return render(request, "elections/respond.html", context)


@hq_required
@require_POST
def close_nominations(request, pk: int):
    election = _election(pk)
    try:
        election = services.election_close_nominations(election=election, actor=request.user)
    except Refused as exc:
        answer_refusal(request, exc, subject=election)
    else:
        messages.success(request, f"Nominations are closed: {election.get_status_display().lower()}.")
    return redirect("election_detail", pk=pk)


@hq_required
def start_ballot(request, pk: int):
    election = _election(pk)
    form = SecretBallotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ballot = online.election_start_ballot(
                election=election, actor=request.user, opens_at=data["opens_at"], closes_at=data["closes_at"],
                trustees=data["trustees"], threshold=data["threshold"],
            )  # fmt: skip
        except Refused as exc:
            answer_refusal(request, exc, subject=election)
        else:
            messages.success(request, "The secret ballot is set up as a draft. Its trustees now make its key; then open it from the ballot's page.")
            return redirect("ballot_detail", slug=ballot.slug)
    return render(request, "elections/start_ballot.html", {"election": election, "form": form})


@hq_required
@require_POST
def declare(request, pk: int):
    election = _election(pk)
    try:
        election = online.election_declare_from_ballot(election=election, actor=request.user)
    except Refused as exc:
        answer_refusal(request, exc, subject=election)
        return redirect("election_detail", pk=pk)
    messages.success(request, "The result is declared, the winners' terms are in the register and the candidates have been told.")
    return redirect("election_results", pk=pk)


@hq_required
@require_POST
def scrutineer_upload(request, pk: int):
    election = _election(pk)
    form = forms.ScrutineerForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Name the scrutineer and choose their BLT file.")
        return redirect("election_detail", pk=pk)
    try:
        scrutineer.count_scrutineer_blt(
            election=election, raw=form.cleaned_data["blt"].read(), scrutineer=form.cleaned_data["scrutineer"], actor=request.user
        )
    except Refused as exc:
        answer_refusal(request, exc, subject=election)
        return redirect("election_detail", pk=pk)
    messages.success(request, "The scrutineer's ballots are counted and the result declared.")
    return redirect("election_results", pk=pk)


def plain_votes(total: str) -> str:
    """A stage total as people write it: "48.00000" is 48, and a transfer's
    fraction keeps only the places it has ("12.50000" is 12.5). The
    record and the count report keep the rules' five places."""
    if "." not in total:
        return total
    return total.rstrip("0").rstrip(".")


@member_required
def results(request, pk: int):
    election = _election(pk)
    table = election.stage_table or {}
    names = table.get("candidates", {})
    elected = {str(n) for n in table.get("elected", [])}
    rows = [
        {"name": name, "elected": number in elected, "totals": [plain_votes(s["totals"].get(number, "")) for s in table.get("stages", [])]}
        for number, name in names.items()
    ]
    context = {
        "election": election,
        "ballot": ballots.ballot_facts(ballot_id=election.ballot_id) if election.ballot_id else None,
        "winners": election.nominations.filter(elected=True).select_related("candidate", "candidate__branch"),
        "stages": [{**stage, "non_transferable": plain_votes(str(stage.get("non_transferable", "")))} for stage in table.get("stages", [])],
        "rows": rows,
        "valid": plain_votes(str(table.get("valid", ""))),
        "quota": plain_votes(str(table.get("quota") or "")),
        "ties": [
            {**tie, "names": [names.get(str(n), "") for n in tie["candidates"]], "drawn_names": [names.get(str(n), "") for n in tie.get("drawn", [])]}
            for tie in table.get("ties", [])
        ],
    }
    return render(request, "elections/results.html", context)


@member_required
def blt_download(request, pk: int):
    election = _election(pk)
    if not election.blt:
        return HttpResponse("This election has no counted ballots.", status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(election.blt, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="election-{election.pk}.blt"'
    return response
