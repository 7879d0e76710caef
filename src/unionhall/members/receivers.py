"""Audit entries for account events that allauth carries out. Signals only
announce here: the audit row is the one thing they cause."""

from allauth.account.signals import password_changed, password_set, user_logged_in
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.dispatch import receiver

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record


@receiver(user_logged_in)
def audit_sign_in(sender, request, user, **kwargs):
    audit_record(actor=user, action=Action.SIGN_IN, subject=user)


@receiver(authenticator_added)
def audit_second_factor_added(sender, request, user, authenticator, **kwargs):
    audit_record(actor=user, action=Action.PERMISSION, subject=user, detail={"event": "second factor added", "type": authenticator.type})


@receiver(authenticator_removed)
def audit_second_factor_removed(sender, request, user, authenticator, **kwargs):
    audit_record(actor=user, action=Action.PERMISSION, subject=user, detail={"event": "second factor removed", "type": authenticator.type})


@receiver(authenticator_reset)
def audit_second_factor_reset(sender, request, user, authenticator, **kwargs):
    audit_record(actor=user, action=Action.PERMISSION, subject=user, detail={"event": "recovery codes reset", "type": authenticator.type})


@receiver(password_set)
@receiver(password_changed)
def audit_password(sender, request, user, **kwargs):
    audit_record(actor=user, action=Action.PERMISSION, subject=user, detail={"event": "password set or changed"})
