"""Pages that compose several apps (DESIGN: apps do not import each other's
models; the page brings them together)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from unionhall import todo
from unionhall.ballots import queries as ballot_queries
from unionhall.ballots.queries import open_ballots_for
from unionhall.bargaining import todo as bargaining_todo
from unionhall.bulletins import todo as bulletin_todo
from unionhall.bulletins.queries import bulletins_for
from unionhall.casework import todo as casework_todo
from unionhall.datarights import todo as datarights_todo
from unionhall.members.access import active_member
from unionhall.members.remit import request_remit
from unionhall.members.views import home_context

# Each app's ``to_do_for(user, remit=)``: what waits on this officer, listed first on the home page.
TO_DO_SOURCES = (ballot_queries.to_do_for, bulletin_todo.to_do_for, bargaining_todo.to_do_for, casework_todo.to_do_for, datarights_todo.to_do_for)


@login_required
def home(request):
    context = home_context(request)
    member = active_member(request.user)
    context["open_ballots"] = open_ballots_for(request.user)
    context["latest_bulletins"] = list(bulletins_for(member)[:3]) if member else []
    remit = request_remit(request)  # worked out once, for every source
    context["to_do"] = todo.ordered([item for source in TO_DO_SOURCES for item in source(request.user, remit=remit)])
    return render(request, "members/home.html", context)
