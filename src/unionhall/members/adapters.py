import datetime as dt

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils import timezone

from unionhall.mail import queue_message
from unionhall.members.models import Member
from unionhall.outbox.models import Topic


def absolute_url(request, path: str) -> str:
    """A link for an email: from BASE_URL when set, never trusting the Host
    header beyond what ALLOWED_HOSTS already checked."""
    if settings.UNIONHALL_BASE_URL:
        return settings.UNIONHALL_BASE_URL + path
    return request.build_absolute_uri(path)


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from the membership register, never from open sign-up."""

    def is_open_for_signup(self, request):
        return False

    def send_mail(self, template_prefix, email, context):
        """Build the message as allauth does, but queue it in the outbox: the
        request then takes as long for an unknown address (no mail) as for a
        member's. A sign-in code is not sent once it has expired."""
        request = context.get("request") or getattr(self, "request", None)
        expires_at = None
        if template_prefix == "account/email/login_code" and request is not None:
            context = {**context, "sign_in_link": absolute_url(request, f"{reverse('account_confirm_login_code')}?code={context['code']}")}
            expires_at = timezone.now() + dt.timedelta(seconds=settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT)
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        member_id = Member.objects.filter(user__email__iexact=email).values_list("pk", flat=True).first()
        queue_message(self.render_mail(template_prefix, email, ctx), topic=Topic.SIGN_IN, member_id=member_id, expires_at=expires_at)
