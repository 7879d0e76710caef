"""Pages that compose several apps (DESIGN: apps do not import each other's
models; the page brings them together)."""

from django.contrib.auth.decorators import login_required

from unionhall.ballots.queries import open_ballots_for
from unionhall.bulletins.queries import bulletins_for
from unionhall.members.access import active_member
from unionhall.members.views import home_context
from django.shortcuts import render


@login_required
def home(request):
    context = home_context(request)
    member = active_member(request.user)
    context["open_ballots"] = open_ballots_for(request.user)
    context["latest_bulletins"] = list(bulletins_for(member)[:3]) if member else []
    return render(request, "members/home.html", context)
