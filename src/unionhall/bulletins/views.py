"""Bulletin pages. Each view fetches, calls one service, and answers. A
service's 403 is recorded through ``deny``; its 404 (a bulletin outside the
member's audience) answers exactly as a bulletin that does not exist."""


from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_POST

from unionhall.bulletins import forms, services
from unionhall.bulletins.models import Bulletin, Comment
from unionhall.bulletins.queries import bulletins_for, reader_for, search_bulletins
from unionhall.bulletins.services import BulletinRefused
from unionhall.members.access import hq_required, member_required, report_refusal


def _refused(request, exc: BulletinRefused, subject=None) -> None:
    if exc.status == 404:  # outside the member's audience: the same answer as no bulletin
        raise Http404("No such bulletin.")
    report_refusal(request, exc, subject=subject)


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
    context = {"page": page, "query": query, "can_write": services.may_write(request.user), "can_moderate": services.may_moderate(request.user)}
    return render(request, "bulletins/list.html", context)


@member_required
def bulletin_detail(request, slug: str, number: int):
    bulletin = _readable(request, slug, number)
    replies = Prefetch("replies", queryset=Comment.objects.order_by("posted_at", "pk"))
    comments = bulletin.comments.filter(parent__isnull=True).prefetch_related(replies)
    reader = reader_for(request.member)
    context = {
        "bulletin": bulletin,
        "comments": comments,
        "reader": reader,
        "comment_form": forms.CommentForm(initial={"post_as": "pseudonym" if reader.pseudonym else "name"}),
        "report_form": forms.ReportForm(),
    }
    return render(request, "bulletins/detail.html", context)


@member_required
@require_POST
def comment_post(request, slug: str, number: int):
    bulletin = _readable(request, slug, number)
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write your comment and choose how to post it.")
        return redirect("bulletin_detail", slug=slug, number=number)
    parent = None
    if form.cleaned_data["parent"]:
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], bulletin=bulletin).first()
        if parent is None:
            messages.error(request, "The comment you replied to is not under this bulletin.")
            return redirect("bulletin_detail", slug=slug, number=number)
    draft = services.CommentDraft(body=form.cleaned_data["body"], as_pseudonym=form.cleaned_data["post_as"] == "pseudonym", parent=parent)
    try:
        comment = services.do_post_comment(member=request.member, bulletin=bulletin, draft=draft)
    except BulletinRefused as exc:
        _refused(request, exc, subject=bulletin)
        return redirect("bulletin_detail", slug=slug, number=number)
    messages.success(request, f"Your comment is posted as {comment.author_label}.")
    return redirect(f"{reverse('bulletin_detail', args=[slug, number])}#comment-{comment.pk}")


@member_required
@require_POST
def comment_report(request, pk: int):
    comment = get_object_or_404(Comment.objects.select_related("bulletin__series"), pk=pk)
    form = forms.ReportForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.do_report_comment(member=request.member, comment=comment, reason=reason)
    except BulletinRefused as exc:
        _refused(request, exc, subject=comment)
    else:
        messages.success(request, "Thank you. A moderator will look at the comment.")
    return redirect(f"{reverse('bulletin_detail', args=[comment.bulletin.series.slug, comment.bulletin.number])}#comment-{comment.pk}")


# --- The member's own settings and feed -----------------------------------------------------


@member_required
def my_bulletin_settings(request):
    reader = reader_for(request.member)
    form = forms.PseudonymForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_set_pseudonym(member=request.member, pseudonym=form.cleaned_data["pseudonym"])
        except BulletinRefused as exc:
            _refused(request, exc, subject=reader)
        else:
            messages.success(request, "Your pseudonym is saved.")
            return redirect("bulletin_settings")
    feed_url = request.build_absolute_uri(reverse("bulletin_feed", args=[services.feed_token(reader)]))
    return render(request, "bulletins/settings.html", {"reader": reader, "form": form, "feed_url": feed_url})


@member_required
@require_POST
def feed_reset(request):
    services.do_reset_feed(member=request.member)
    messages.success(request, "Your feed has a new address. The old one no longer works.")
    return redirect("bulletin_settings")


def bulletin_feed(request, token: str):
    """A member's private Atom feed: titles and summaries only, so a feed
    reader service never holds the text of an activists-only bulletin."""
    reader = services.reader_from_feed_token(token)
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
                bulletin = services.do_edit_draft(bulletin=bulletin, user=request.user, draft=form.draft())
            else:
                bulletin = services.do_write_bulletin(user=request.user, draft=form.draft())
        except BulletinRefused as exc:
            _refused(request, exc)
        else:
            messages.success(request, "Draft saved. Check it below, then publish.")
            return redirect("bulletin_preview", pk=bulletin.pk)
    return render(request, "bulletins/write.html", {"form": form, "bulletin": bulletin})


@hq_required
def bulletin_preview(request, pk: int):
    bulletin = get_object_or_404(Bulletin.objects.select_related("series"), pk=pk)
    return render(request, "bulletins/preview.html", {"bulletin": bulletin, "employers": bulletin.employers.all(), "branches": bulletin.branches.all()})


@hq_required
@require_POST
def bulletin_publish(request, pk: int):
    bulletin = get_object_or_404(Bulletin, pk=pk)
    try:
        bulletin = services.do_publish_bulletin(bulletin=bulletin, user=request.user)
    except BulletinRefused as exc:
        _refused(request, exc, subject=bulletin)
        return redirect("bulletin_preview", pk=pk)
    messages.success(request, f"Published as {bulletin.series.name} {bulletin.code}; members see it from {bulletin.publish_at:%-d %B %Y %H:%M}.")
    return redirect("bulletin_manage")


# --- Moderation (HQ for now) ------------------------------------------------------------------


@hq_required
def moderation_queue(request):
    return render(request, "bulletins/moderation.html", {"comments": services.moderation_queue(), "form": forms.ModerationForm()})


@hq_required
@require_POST
def moderate(request, pk: int):
    comment = get_object_or_404(Comment, pk=pk)
    form = forms.ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose keep, hide or remove, and give the reason.")
        return redirect("moderation_queue")
    try:
        services.do_moderate(user=request.user, comment=comment, outcome=form.cleaned_data["outcome"], reason=form.cleaned_data["reason"])
    except BulletinRefused as exc:
        _refused(request, exc, subject=comment)
    else:
        messages.success(request, "Decision recorded.")
    return redirect("moderation_queue")
