"""Bulletin pages. Each view fetches, calls one service, and answers. A
service's 403 is recorded through ``deny``; its 404 (a bulletin outside the
member's audience) answers exactly as a bulletin that does not exist."""


from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.bulletins import delivery, forms, moderation, notifications
from unionhall.bulletins.appeals import do_appeal, do_rule_appeal, pending_appeals
from unionhall.bulletins.comments import CommentDraft, do_post_comment
from unionhall.bulletins.markup import render_bulletin
from unionhall.bulletins.models import Appeal, Attachment, Bulletin, Comment, ModeratorAssignment, RevealRequest
from unionhall.bulletins.pseudonyms import do_set_pseudonym
from unionhall.bulletins.publishing import do_attach, do_edit_draft, do_publish_bulletin, do_write_bulletin
from unionhall.bulletins.queries import THREADS_PER_PAGE, address_flags_in, bulletins_for, comment_page, open_address_flag, reader_for, search_bulletins, threads
from unionhall.bulletins.reading import do_reset_feed, feed_token, reader_from_feed_token
from unionhall.bulletins.reveal import do_decide_reveal, do_request_reveal, reveal_requests_for, see_identity
from unionhall.bulletins.roles import do_assign_moderator, may_moderate, may_write
from unionhall.csvexport import csv_download
from unionhall.members.access import answer_refusal, deny, hq_required, member_required, officer_required
from unionhall.members.remit import request_remit
from unionhall.refusals import Refused


def _readable(request, slug: str, number: int) -> Bulletin:
    bulletin = bulletins_for(request.member).filter(series__slug=slug, number=number).first()
    if bulletin is None:
        raise Http404("No such bulletin.")
    return bulletin


# --- Reading ---------------------------------------------------------------------------


@member_required
def bulletin_list(request):
    query = request.GET.get("q", "")[:200]
    bulletins = search_bulletins(bulletins_for(request.member), query)
    page = Paginator(bulletins, 20).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "can_write": may_write(request.user), "can_moderate": may_moderate(request.user)}
    return render(request, "bulletins/list.html", context)


@member_required
def bulletin_detail(request, slug: str, number: int):
    """The bulletin and one page of its discussion: a fixed number of threads
    with their replies, in a fixed number of queries however long it grows."""
    bulletin = _readable(request, slug, number)
    replies = Prefetch("replies", queryset=Comment.objects.order_by("posted_at", "pk"))
    page = Paginator(threads(bulletin).prefetch_related(replies), THREADS_PER_PAGE).get_page(request.GET.get("page"))
    reader = reader_for(request.member)
    # A comment that could not be posted comes back as it was typed (kept in the session by comment_post).
    kept = request.session.pop(_draft_key(bulletin), None) or {}
    initial = {"post_as": "pseudonym" if reader.pseudonym else "name", **kept}
    context = {
        "bulletin": bulletin,
        "comments": page,
        "reader": reader,
        "comment_form": forms.CommentForm(initial=initial),
        "report_form": forms.ReportForm(),
    }
    return render(request, "bulletins/detail.html", context)


@member_required
def comment_link(request, pk: int):
    """A lasting link to one comment: the page of the discussion that shows it."""
    comment = Comment.objects.select_related("bulletin__series", "parent").filter(pk=pk).first()
    if comment is None or not bulletins_for(request.member).filter(pk=comment.bulletin_id).exists():
        raise Http404("No such comment.")
    bulletin = comment.bulletin
    return redirect(f"{reverse('bulletin_detail', args=[bulletin.series.slug, bulletin.number])}?page={comment_page(comment)}#comment-{comment.pk}")


def _draft_key(bulletin) -> str:
    return f"comment-draft-{bulletin.pk}"


def _keep_draft(request, bulletin) -> None:
    """Keep what the member typed for the page they are sent back to: no
    refusal (no pseudonym yet, too long, suspended) throws their words away."""
    request.session[_draft_key(bulletin)] = {
        "body": request.POST.get("body", "")[: forms.COMMENT_MAX_CHARS * 2], "post_as": request.POST.get("post_as", ""),
        "parent": request.POST.get("parent", ""),
    }  # fmt: skip


@member_required
@require_POST
def comment_post(request, slug: str, number: int):
    bulletin = _readable(request, slug, number)
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        _keep_draft(request, bulletin)
        messages.error(request, "Write your comment and choose how to post it.")
        return redirect("bulletin_detail", slug=slug, number=number)
    parent = None
    if form.cleaned_data["parent"]:
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], bulletin=bulletin).first()
        if parent is None:
            messages.error(request, "The comment you replied to is not under this bulletin.")
            return redirect("bulletin_detail", slug=slug, number=number)
    draft = CommentDraft(body=form.cleaned_data["body"], as_pseudonym=form.cleaned_data["post_as"] == "pseudonym", parent=parent)
    try:
        comment = do_post_comment(member=request.member, bulletin=bulletin, draft=draft)
    except Refused as exc:
        answer_refusal(request, exc, subject=bulletin)
        _keep_draft(request, bulletin)
        return redirect(f"{reverse('bulletin_detail', args=[slug, number])}#comment-form")
    messages.success(request, f"Your comment is posted as {comment.author_label}.")
    return redirect("comment_link", pk=comment.pk)


@member_required
@require_POST
def comment_report(request, pk: int):
    comment = get_object_or_404(Comment.objects.select_related("bulletin__series"), pk=pk)
    form = forms.ReportForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        moderation.do_report_comment(member=request.member, comment=comment, reason=reason)
    except Refused as exc:
        answer_refusal(request, exc, subject=comment)
    else:
        messages.success(request, "Thank you. A moderator will look at the comment.")
    return redirect("comment_link", pk=comment.pk)


# --- The member's own settings and feed -----------------------------------------------------


@member_required
def my_bulletin_settings(request):
    reader = reader_for(request.member)
    form = forms.PseudonymForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_set_pseudonym(member=request.member, pseudonym=form.cleaned_data["pseudonym"])
        except Refused as exc:
            answer_refusal(request, exc, subject=reader)
        else:
            messages.success(request, "Your pseudonym is saved.")
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
                return redirect(back)  # to the bulletin whose comment was waiting for it
            return redirect("bulletin_settings")
    feed_url = request.build_absolute_uri(reverse("bulletin_feed", args=[feed_token(reader)]))
    context = {
        "reader": reader, "form": form, "feed_url": feed_url, "next": request.GET.get("next") or request.POST.get("next", ""), "address_flag": open_address_flag(request.member),
        "email_form": forms.EmailPreferencesForm(initial={"reply_emails": reader.reply_emails, "weekly_digest": reader.weekly_digest}),
    }  # fmt: skip
    return render(request, "bulletins/settings.html", context)


@member_required
@require_POST
def email_preferences(request):
    form = forms.EmailPreferencesForm(request.POST)
    if form.is_valid():
        notifications.do_set_email_preferences(member=request.member, **form.cleaned_data)
        messages.success(request, "Your email choices are saved.")
    return redirect("bulletin_settings")


@member_required
@require_POST
def feed_reset(request):
    do_reset_feed(member=request.member)
    messages.success(request, "Your feed has a new address. The old one no longer works.")
    return redirect("bulletin_settings")


def bulletin_feed(request, token: str):
    """A member's private Atom feed: titles and summaries only, so a feed
    reader service never holds the text of an activists-only bulletin."""
    reader = reader_from_feed_token(token)
    if reader is None:
        raise Http404("No such feed.")
    feed = Atom1Feed(
        title="unionhall bulletins", link=request.build_absolute_uri(reverse("bulletin_list")),
        description="Bulletins for you", feed_url=request.build_absolute_uri(),
    )  # fmt: skip
    for bulletin in bulletins_for(reader.member)[:30]:
        link = request.build_absolute_uri(reverse("bulletin_detail", args=[bulletin.series.slug, bulletin.number]))
        feed.add_item(
            title=f"{bulletin.series.name} {bulletin.code}: {bulletin.title}", link=link, description=bulletin.summary,
            unique_id=link, pubdate=bulletin.publish_at, updateddate=bulletin.publish_at,
        )  # fmt: skip
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Writing and publishing (HQ) ------------------------------------------------------------


@hq_required
def bulletin_manage(request):
    bulletins = Bulletin.objects.select_related("series").order_by("published_at", "-publish_at", "-pk")
    return render(request, "bulletins/manage.html", {"bulletins": bulletins, "now": timezone.now()})


@hq_required
def bulletin_write(request, pk: int | None = None):
    bulletin = get_object_or_404(Bulletin, pk=pk, published_at__isnull=True) if pk else None
    if request.method == "POST":
        form = forms.BulletinForm(request.POST)
    else:
        form = forms.BulletinForm.for_bulletin(bulletin) if bulletin else forms.BulletinForm()
    if request.method == "POST" and form.is_valid():
        try:
            if bulletin:
                bulletin = do_edit_draft(bulletin=bulletin, user=request.user, draft=form.draft())
            else:
                bulletin = do_write_bulletin(user=request.user, draft=form.draft())
        except Refused as exc:
            answer_refusal(request, exc)
        else:
            messages.success(request, "Draft saved. Check it below, then publish.")
            return redirect("bulletin_preview", pk=bulletin.pk)
    return render(request, "bulletins/write.html", {"form": form, "bulletin": bulletin})


@hq_required
@require_POST
def markdown_preview(request):
    """The live preview beside the editor: the summary and body as members
    will see them, sanitised exactly as when published."""
    summary = escape(request.POST.get("summary", "")).replace("\n", "<br>")
    return HttpResponse(f'<section class="card"><h2>In short</h2><p>{summary}</p></section>'
                        f'<div class="card bulletin-body">{render_bulletin(request.POST.get("body", ""))}</div>')  # fmt: skip


@hq_required
@require_POST
def attachment_add(request, pk: int):
    bulletin = get_object_or_404(Bulletin, pk=pk)
    try:
        do_attach(user=request.user, bulletin=bulletin, title=request.POST.get("title", ""), upload=request.FILES.get("file"))
    except Refused as exc:
        answer_refusal(request, exc, subject=bulletin)
    else:
        messages.success(request, "The attachment is added. Members who can read the bulletin can download it.")
    return redirect("bulletin_preview", pk=pk)


@member_required
def attachment_download(request, pk: int):
    """Only to those who may read the bulletin (or HQ, for a draft)."""
    attachment = get_object_or_404(Attachment.objects.select_related("bulletin"), pk=pk)
    readable = bulletins_for(request.member).filter(pk=attachment.bulletin_id).exists()
    if not readable and not may_write(request.user):
        raise Http404("No such attachment.")
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@hq_required
def bulletin_preview(request, pk: int):
    bulletin = get_object_or_404(Bulletin.objects.select_related("series"), pk=pk)
    return render(request, "bulletins/preview.html", {"bulletin": bulletin, "employers": bulletin.employers.all(), "branches": bulletin.branches.all()})


@hq_required
@require_POST
def bulletin_publish(request, pk: int):
    bulletin = get_object_or_404(Bulletin, pk=pk)
    try:
        bulletin = do_publish_bulletin(bulletin=bulletin, user=request.user)
    except Refused as exc:
        answer_refusal(request, exc, subject=bulletin)
        return redirect("bulletin_preview", pk=pk)
    messages.success(request, f"Published as {bulletin.series.name} {bulletin.code}; members see it from {bulletin.publish_at:%-d %B %Y %H:%M}.")
    return redirect("bulletin_manage")


# --- Moderation: HQ, and moderators named for a branch or employer -------------------------------


def moderator_required(view):
    """An active member who moderates somewhere. Moderators see comments and
    pseudonyms, not members' personal data; seeing a name behind a pseudonym
    (``reveal_identity``) needs an officer's sign-in with a second factor."""

    @member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_moderate(request.user):
            deny(request, reason="moderators only", path=request.path)
        return view(request, *args, **kwargs)

    return wrapper


@moderator_required
def moderation_queue(request):
    context = {
        "comments": moderation.moderation_queue(request.user), "appeals": pending_appeals(request.user),
        "form": forms.ModerationForm(), "is_hq": request_remit(request).everyone,
    }  # fmt: skip
    return render(request, "bulletins/moderation.html", context)


@moderator_required
@require_POST
def moderate(request, pk: int):
    comment = get_object_or_404(Comment, pk=pk)
    form = forms.ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose keep, hide or remove, and give the reason.")
        return redirect("moderation_queue")
    try:
        moderation.do_moderate(
            user=request.user, comment=comment, outcome=form.cleaned_data["outcome"], reason=form.cleaned_data["reason"],
            suspend_days=form.cleaned_data["suspend_days"] or 0,
        )  # fmt: skip
    except Refused as exc:
        answer_refusal(request, exc, subject=comment)
    else:
        messages.success(request, "Decision recorded.")
    return redirect("moderation_queue")


@member_required
@require_POST
def comment_appeal(request, pk: int):
    """The author appeals the latest decision on their comment."""
    comment = get_object_or_404(Comment.objects.select_related("bulletin__series"), pk=pk, author=request.member)
    decision = comment.decisions.order_by("-decided_at", "-pk").first()
    if decision is None:
        raise Http404("No decision to appeal.")
    try:
        do_appeal(member=request.member, decision=decision, reason=request.POST.get("reason", "")[:1100])
    except Refused as exc:
        answer_refusal(request, exc, subject=comment)
    else:
        messages.success(request, "Your appeal is sent. A different moderator will rule on it.")
    return redirect("comment_link", pk=comment.pk)


@moderator_required
@require_POST
def appeal_rule(request, pk: int):
    appeal = get_object_or_404(Appeal, pk=pk)
    try:
        do_rule_appeal(user=request.user, appeal=appeal, overturn=request.POST.get("ruling_outcome") == "overturn", ruling=request.POST.get("ruling", "")[:300])
    except Refused as exc:
        answer_refusal(request, exc, subject=appeal)
    else:
        messages.success(request, "Ruling recorded.")
    return redirect("moderation_queue")


@hq_required
def moderators(request):
    form = forms.ModeratorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_assign_moderator(actor=request.user, **form.cleaned_data)
        except Refused as exc:
            answer_refusal(request, exc)
        else:
            messages.success(request, "Moderator named.")
            return redirect("moderators")
    assignments = ModeratorAssignment.objects.select_related("user__member", "branch", "employer").order_by("branch__name", "employer__name")
    return render(request, "bulletins/moderators.html", {"form": form, "assignments": assignments})


# --- Delivery: report, postal list, unsubscribing, addresses to correct ----------------------


@hq_required
def delivery_report(request, pk: int):
    bulletin = get_object_or_404(Bulletin.objects.select_related("series"), pk=pk, published_at__isnull=False)
    context = {"bulletin": bulletin, "report": delivery.delivery_report(bulletin), "errors": delivery.delivery_errors(bulletin)}
    return render(request, "bulletins/delivery_report.html", context)


@hq_required
@require_POST
def postal_export(request, pk: int):
    """The postal list as CSV for a mailing house. POST, so a link cannot trigger it."""
    bulletin = get_object_or_404(Bulletin.objects.select_related("series"), pk=pk, published_at__isnull=False)
    _, rows = delivery.postal_rows(bulletin, actor=request.user)
    return csv_download(f"postal-{bulletin.series.slug}-{bulletin.number}.csv", delivery.POSTAL_HEADER, rows)


@officer_required
def address_flags(request):
    """Members in the officer's remit whose email address bounced."""
    flags = address_flags_in(request_remit(request).members_q())
    audit_record(actor=request.user, action=Action.VIEW, subject=("bulletins.addressflag", "list"), detail={"page": "addresses needing correction", "count": len(flags)})
    return render(request, "bulletins/address_flags.html", {"flags": flags})


# --- Revealing a pseudonym: two moderators ---------------------------------------------------


@moderator_required
@require_POST
def reveal_request(request, pk: int):
    comment = get_object_or_404(Comment, pk=pk)
    try:
        do_request_reveal(user=request.user, comment=comment, reason=request.POST.get("reason", "")[:600])
    except Refused as exc:
        answer_refusal(request, exc, subject=comment)
        return redirect("moderation_queue")
    messages.success(request, "Request recorded. A second moderator must approve it before anyone sees the name.")
    return redirect("reveal_list")


@moderator_required
def reveal_list(request):
    return render(request, "bulletins/reveals.html", {"requests": reveal_requests_for(request.user)})


@moderator_required
@require_POST
def reveal_decide(request, pk: int):
    reveal = get_object_or_404(RevealRequest, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "refuse"):
        messages.error(request, "Choose approve or refuse.")
        return redirect("reveal_list")
    approve = decision == "approve"
    try:
        do_decide_reveal(user=request.user, request=reveal, approve=approve, reason=request.POST.get("reason", "")[:400])
    except Refused as exc:
        answer_refusal(request, exc, subject=reveal)
    else:
        messages.success(request, "Approved: you and the moderator who asked can now see who wrote it; the member is told." if approve else "Refused: nothing is revealed.")
    return redirect("reveal_list")


@officer_required
def reveal_identity(request, pk: int):
    reveal = get_object_or_404(RevealRequest.objects.select_related("comment__bulletin__series"), pk=pk)
    try:
        member = see_identity(user=request.user, request=reveal)
    except Refused as exc:
        answer_refusal(request, exc, subject=reveal)
        return redirect("reveal_list")
    return render(request, "bulletins/reveal_identity.html", {"reveal": reveal, "member": member})
