from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from unionhall.outbox.unsubscribe import do_unsubscribe, read_token


@csrf_exempt  # RFC 8058: a mail client POSTs here with no session; the signed token is the credential
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """One-click unsubscribe, without signing in. GET only shows a button, so
    a mail scanner that follows links unsubscribes nobody; POST does it, and
    doing it twice is harmless."""
    found = read_token(token)
    if found is None:
        return render(request, "outbox/unsubscribe.html", {"invalid": True}, status=404)
    member_id, mailing_list = found
    done = request.method == "POST"
    if done:
        do_unsubscribe(member_id=member_id, list_key=mailing_list.key)
    return render(request, "outbox/unsubscribe.html", {"list": mailing_list, "done": done})
