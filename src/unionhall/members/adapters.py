from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from unionhall.mail import queue_message


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
        request = context.get("request") or getattr(self, "request", None)
        if template_prefix == "account/email/login_code" and request is not None:
            from django.urls import reverse

            context = {**context, "sign_in_link": absolute_url(request, f"{reverse('account_confirm_login_code')}?code={context['code']}")}
        # Build the message as allauth does, but queue it: the request then
        # takes as long for an unknown address (no mail) as for a member's.
        from allauth.account.adapter import get_current_site

        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        queue_message(self.render_mail(template_prefix, email, ctx))
