from django import forms

from unionhall.bulletins.events import EventDraft
from unionhall.bulletins.models import COMMENT_MAX_CHARS, QUESTION_MAX_CHARS, Audience, Bulletin, ModerationDecision, Series
from unionhall.bulletins.moderation import MAX_SUSPEND_DAYS
from unionhall.bulletins.publishing import BulletinDraft
from unionhall.members.models import Branch, Employer, Grade, Member, User


class BulletinForm(forms.Form):
    series = forms.ModelChoiceField(queryset=Series.objects.all(), empty_label="Choose a series")
    title = forms.CharField(max_length=200)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text=Bulletin._meta.get_field("summary").help_text)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 16}), help_text=Bulletin._meta.get_field("body").help_text)
    audience = forms.ChoiceField(choices=Audience.choices, widget=forms.RadioSelect, initial=Audience.ALL)
    employers = forms.ModelMultipleChoiceField(queryset=Employer.objects.all(), required=False, widget=forms.CheckboxSelectMultiple)
    branches = forms.ModelMultipleChoiceField(queryset=Branch.objects.all(), required=False, widget=forms.CheckboxSelectMultiple)
    grades = forms.MultipleChoiceField(choices=Grade.choices, required=False, widget=forms.CheckboxSelectMultiple)
    by_email = forms.BooleanField(label="Email it to its audience", required=False, initial=True, help_text=Bulletin._meta.get_field("by_email").help_text)
    publish_at = forms.DateTimeField(
        label="Publish at", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Members see it from this moment. A time in the future schedules it.",
    )  # fmt: skip

    @classmethod
    def for_bulletin(cls, bulletin: Bulletin) -> "BulletinForm":
        return cls(initial={
            "series": bulletin.series, "title": bulletin.title, "summary": bulletin.summary, "body": bulletin.body,
            "audience": bulletin.audience, "employers": list(bulletin.employers.all()), "branches": list(bulletin.branches.all()),
            "grades": bulletin.grade_list, "publish_at": bulletin.publish_at, "by_email": bulletin.by_email,
        })  # fmt: skip

    def draft(self) -> BulletinDraft:
        d = self.cleaned_data
        return BulletinDraft(
            series=d["series"], title=d["title"], summary=d["summary"], body=d["body"], publish_at=d["publish_at"],
            audience=d["audience"], employers=list(d["employers"]), branches=list(d["branches"]), grades=list(d["grades"]), by_email=d["by_email"],
        )  # fmt: skip


class CommentForm(forms.Form):
    # No max_length here: the service refuses an over-long comment with its own message.
    body = forms.CharField(label="Your comment", widget=forms.Textarea(attrs={"rows": 5}), help_text=f"Up to {COMMENT_MAX_CHARS:,} characters. *Emphasis*, [links](https://…), lists and > quotes work.")
    post_as = forms.ChoiceField(label="Post as", choices=[("pseudonym", "my pseudonym"), ("name", "my name")], widget=forms.RadioSelect, initial="pseudonym")
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    reason = forms.CharField(label="Why are you reporting this comment?", max_length=500)


class PseudonymForm(forms.Form):
    pseudonym = forms.CharField(
        max_length=40,
        help_text="3 to 40 characters. Other members, and officers, see only this, marked as a pseudonym. "
        "It must not read as anyone's name or as another member's pseudonym. You can change it once every 30 days.",
    )


class ModerationForm(forms.Form):
    outcome = forms.ChoiceField(choices=ModerationDecision.Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(max_length=300, help_text="Recorded with your decision; shown to members if the comment is removed.")
    suspend_days = forms.IntegerField(required=False, min_value=0, max_value=MAX_SUSPEND_DAYS, label="Suspend the author's commenting for (days)")


class ModeratorForm(forms.Form):
    member = forms.ModelChoiceField(
        queryset=Member.objects.filter(status=Member.Status.ACTIVE, user__isnull=False), to_field_name="membership_number",
        widget=forms.TextInput, label="Membership number",
    )  # fmt: skip
    branch = forms.ModelChoiceField(queryset=Branch.objects.all(), required=False, empty_label="No branch")
    employer = forms.ModelChoiceField(queryset=Employer.objects.all(), required=False, empty_label="No employer")


class QuestionForm(forms.Form):
    body = forms.CharField(label="Your question", widget=forms.Textarea(attrs={"rows": 3}), help_text=f"Up to {QUESTION_MAX_CHARS} characters, plain text.")
    post_as = forms.ChoiceField(label="Ask as", choices=[("pseudonym", "my pseudonym"), ("name", "my name")], widget=forms.RadioSelect, initial="pseudonym")


class EventForm(forms.Form):
    title = forms.CharField(max_length=200)
    speaker = forms.CharField(max_length=200)
    bulletin = forms.ModelChoiceField(queryset=Bulletin.objects.filter(published_at__isnull=False), required=False, empty_label="No bulletin", help_text="Optional: the event then has that bulletin's audience.")
    starts_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    ends_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    moderators = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(member__status=Member.Status.ACTIVE), required=False, to_field_name="email",
        widget=forms.SelectMultiple, help_text="Who marks questions answered, pins, hides and merges them. HQ always can.",
    )  # fmt: skip

    def draft(self) -> EventDraft:
        d = self.cleaned_data
        return EventDraft(title=d["title"], speaker=d["speaker"], starts_at=d["starts_at"], ends_at=d["ends_at"], bulletin=d["bulletin"], moderators=tuple(d["moderators"]))


class EmailPreferencesForm(forms.Form):
    reply_emails = forms.BooleanField(required=False, label="Email me when someone replies to my comment")
    weekly_digest = forms.BooleanField(required=False, label="Send me one weekly digest instead of each bulletin")
