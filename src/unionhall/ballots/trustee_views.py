"""What the trustee page's own code posts.

The page (static/ballots/trustee.js with trustee-crypto.js, built from
booth/src/trustee.js) runs each key ceremony round and makes decryption shares
in the trustee's browser, and sends exactly what ``unionhall-trustee`` writes
for upload; state and key files are saved on the trustee's computer and never
sent. These views only unwrap the JSON and hand it to the services the upload
form uses (``ceremony_upload``, ``trustee_post_shares``), so the checks are the
same whichever way a trustee works.
"""

import json

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.ballots.ceremony import ceremony_upload
from unionhall.ballots.counting import may_decrypt, trustee_post_shares
from unionhall.ballots.models import Ballot, Trustee
from unionhall.refusals import Refused

MAX_CEREMONY_BYTES = 100_000
MAX_SHARES_BYTES = 1_000_000


def trustee_for(request, slug: str) -> tuple[Ballot, Trustee]:
    """The ballot and the signed-in user's trustee place on it; 404 for anyone else."""
    ballot = get_object_or_404(Ballot, slug=slug)
    return ballot, get_object_or_404(Trustee, ballot=ballot, user=request.user)


def decryptable_tallies(ballot: Ballot) -> dict:
    """The input of ``unionhall-trustee share``: the tallies that may be decrypted
    now (the overall result; areas once the officers open them)."""
    ready = [t for t in ballot.tallies if may_decrypt(ballot, t["area"]) is None]
    return {"manifest": ballot.manifest, "joint_key": ballot.joint_key, "tallies": ready}


def shares_recorded(accepted: list[str]) -> str:
    return f"Your decryption shares were checked and recorded for: {', '.join(a or 'the overall result' for a in accepted)}."


def record_refusal(request, ballot: Ballot, trustee: Trustee, exc: Refused) -> None:
    """A refused ceremony step or share changes nothing, but is logged: a
    trustee's proof that fails is what an auditor looks for."""
    audit_record(actor=request.user, action=Action.DENIED, subject=ballot,
                 detail={"trustee": trustee.index, "reason": str(exc)[:300], "path": request.path[:200]})  # fmt: skip


def _json_body(request, max_bytes: int):
    if len(request.body) > max_bytes:
        raise Refused("That is too large to be a trustee's output.", status=413)
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Refused("That is not JSON.") from None


def _answer(request, ballot: Ballot, trustee: Trustee, step) -> JsonResponse:
    try:
        message = step()
    except Refused as exc:
        record_refusal(request, ballot, trustee, exc)
        return JsonResponse({"ok": False, "error": str(exc)}, status=exc.status)
    return JsonResponse({"ok": True, "message": message})


@login_required
@require_POST
def trustee_ceremony_post(request, slug: str):
    """One key ceremony round's output, made in the trustee's browser."""
    ballot, trustee = trustee_for(request, slug)

    def step():
        done = ceremony_upload(ballot=ballot, trustee=trustee, data=_json_body(request, MAX_CEREMONY_BYTES))
        return f"Recorded {done}."

    return _answer(request, ballot, trustee, step)


@login_required
@require_POST
def trustee_shares_post(request, slug: str):
    """Decryption shares ({area: share}) made in the trustee's browser."""
    ballot, trustee = trustee_for(request, slug)

    def step():
        return shares_recorded(trustee_post_shares(ballot=ballot, trustee=trustee, shares=_json_body(request, MAX_SHARES_BYTES)))

    return _answer(request, ballot, trustee, step)
