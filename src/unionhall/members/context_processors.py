from unionhall.members.remit import request_remit


def remit(request):
    """Lets the navigation show officer pages only to officers."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    r = request_remit(request)
    return {"remit": r, "is_officer": not r.is_empty, "is_hq": r.everyone}
