"""HQ-approved authenticators for officers (see SecondFactorApproval)."""

import datetime as dt
import secrets

from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.members.models import SecondFactorApproval, User

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on the phone
CODE_VALID_FOR = dt.timedelta(days=7)


def totp_ids(user) -> list[int]:
    return list(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).values_list("id", flat=True))


def has_approved_totp(user) -> bool:
    ids = totp_ids(user)
    return bool(ids) and SecondFactorApproval.objects.filter(user=user, authenticator_id__in=ids).exists()


@transaction.atomic
def second_factor_issue_code(*, user: User, actor) -> str:
    """A fresh set-up code for ``user``; earlier unredeemed codes stop working."""
    SecondFactorApproval.objects.filter(user=user, redeemed_at__isnull=True).delete()
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    SecondFactorApproval.objects.create(
        user=user, code_hash=make_password(code), issued_by=actor if actor and actor.is_authenticated else None,
        expires_at=timezone.now() + CODE_VALID_FOR,
    )  # fmt: skip
    audit_record(actor=actor, action=Action.PERMISSION, subject=user, detail={"event": "authenticator set-up code issued"})
    return f"{code[:5]}-{code[5:]}"


@transaction.atomic
def second_factor_redeem_code(*, user: User, code: str) -> bool:
    """Approve the user's authenticator with an HQ code. Call only for a
    session that has passed that authenticator."""
    code = code.replace("-", "").replace(" ", "").upper()
    ids = totp_ids(user)
    if not ids:
        return False
    for approval in SecondFactorApproval.objects.select_for_update().filter(
        user=user, redeemed_at__isnull=True, expires_at__gt=timezone.now()
    ):
        if check_password(code, approval.code_hash):
            approval.redeemed_at = timezone.now()
            approval.authenticator_id = ids[0]
            approval.save(update_fields=["redeemed_at", "authenticator_id"])
            audit_record(actor=user, action=Action.PERMISSION, subject=user, detail={"event": "authenticator approved"})
            return True
    return False


@transaction.atomic
def second_factor_reset(*, user: User, actor) -> int:
    """Remove the user's authenticators and approvals (a lost phone, or one set up by someone else)."""
    removed, _ = Authenticator.objects.filter(user=user).delete()
    SecondFactorApproval.objects.filter(user=user).delete()
    audit_record(actor=actor, action=Action.PERMISSION, subject=user, detail={"event": "second factor reset by HQ"})
    return removed
