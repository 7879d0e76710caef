"""The register of resolutions: what became of each carried motion.

A resolution's course changes (superseded, abandoned) only on a cited decision
taken after the conference at a quorate meeting; anything else is refused."""

import datetime as dt
from collections import Counter

from django.db import transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.conference.models import Conference, Decision, Resolution, ResolutionUpdate
from unionhall.conference.standing import may_update_register
from unionhall.refusals import Refused

Status = Resolution.Status


def check_resolution_update(*, resolution: Resolution, user, status: str, note: str, on: dt.date, decision: Decision | None, today: dt.date | None = None) -> None:
    if not may_update_register(user):
        raise Refused("Only HQ and the officers can report on resolutions.", status=403)
    if status not in Status.values:
        raise Refused("Choose the resolution's status.")
    if resolution.status in Resolution.CHANGES_OF_COURSE:
        raise Refused(f"This resolution was {resolution.get_status_display().lower()}; its record is closed.", status=409)
    if not note.strip():
        raise Refused("Say what was done, or why the status changed.")
    if on > (today or timezone.localdate()):
        raise Refused("An update cannot be dated in the future.")
    if status in Resolution.CHANGES_OF_COURSE:
        _check_cited(resolution, decision, on)


def _check_cited(resolution: Resolution, decision: Decision | None, on: dt.date) -> None:
    if decision is None:
        raise Refused("A change of course must cite the decision that made it.")
    if not decision.valid:
        raise Refused(f"{decision} was taken at a meeting without a quorum, so it cannot change a conference resolution.", status=409)
    if not resolution.conference.held_on <= decision.meeting.held_on <= on:
        raise Refused("The decision cited must come after the conference and on or before this update.")


@transaction.atomic
def do_resolution_update(*, resolution: Resolution, user, status: str, note: str, on: dt.date, decision: Decision | None = None,
                         today: dt.date | None = None) -> ResolutionUpdate:  # fmt: skip
    resolution = Resolution.objects.select_for_update(of=("self",)).select_related("conference").get(pk=resolution.pk)
    check_resolution_update(resolution=resolution, user=user, status=status, note=note, on=on, decision=decision, today=today)
    update = ResolutionUpdate.objects.create(
        resolution=resolution, status=status, note=note.strip(), on=on,
        decision=decision if status in Resolution.CHANGES_OF_COURSE else None, by=user, at=timezone.now(),
    )  # fmt: skip
    old, resolution.status = resolution.status, status
    resolution.save(update_fields=["status"])
    detail = {"event": "resolution updated", "from": old, "to": status, "decision": update.decision_id}
    audit_record(actor=user, action=Action.CHANGE, subject=resolution, detail=detail)
    return update


def annual_report(conference: Conference) -> dict:
    """Every resolution of ``conference`` with its status and latest update, for the next conference."""
    resolutions = list(
        conference.resolutions.select_related("motion").prefetch_related("updates__decision__meeting__body")
    )
    counts = Counter(r.status for r in resolutions)
    return {
        "resolutions": [(r, r.updates.all().last()) for r in resolutions],
        "counts": [(label, counts.get(value, 0)) for value, label in Status.choices],
    }
