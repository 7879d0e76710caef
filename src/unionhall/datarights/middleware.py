"""Shows the privacy notice at first sign-in, and again when HQ publishes a
new version: a signed-in person not yet shown the current version is sent to
it, once, before any other page. (Installed by the lead in settings.MIDDLEWARE,
after AuthenticationMiddleware.)"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from unionhall.datarights.models import NoticeShown
from unionhall.datarights.notices import notice_current

SESSION_KEY = "datarights_notice_seen"
# Pages a person must reach before reading the notice: the notice itself,
# signing in and out, static files, and downloads of their own data.
EXEMPT = ("/my-data/privacy/", "/accounts/", "/static/", "/healthz")


class PrivacyNoticeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only a page a person navigated to (asking for HTML): a feed, a JSON
        # poll or a file download is never answered with a redirect.
        if request.method == "GET" and "text/html" in request.headers.get("Accept", "") \
                and getattr(request, "user", None) is not None and request.user.is_authenticated \
                and not request.path.startswith(EXEMPT):  # fmt: skip
            notice = notice_current()
            if notice is not None and request.session.get(SESSION_KEY) != notice.version:
                if not NoticeShown.objects.filter(user=request.user, notice=notice).exists():
                    return redirect(f"{reverse('datarights_privacy')}?{urlencode({'next': request.get_full_path()})}")
                request.session[SESSION_KEY] = notice.version
        return self.get_response(request)
