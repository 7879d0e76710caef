"""Every model that holds personal data is declared (issue 17)."""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from unionhall import personal_data
from unionhall.personal_data import RETENTION_KEYS, Declaration, NoPersonalData, RetentionRule, member_rows

# Apps being built alongside this one: the lead declares their data once they
# land, and empties this set. The test reports what they hold meanwhile.
PENDING = set()

# A text field named like personal data: an email, phone, address, postcode or
# date of birth anywhere in its name, or a name (``name``, ``first_name``,
# ``signed_name``...).
PERSONAL_NAME = re.compile(r"(^|_)(email|phone|address|postcode|date_of_birth)(_|$)|(^|_)name$")
TEXT = (models.CharField, models.TextField)


def looks_personal(model) -> list[str]:
    """The rule: a model holds personal data if it has a forward ForeignKey,
    OneToOneField or ManyToManyField to members.Member or the user model, or a
    text field (CharField, TextField, EmailField) named like personal data (see
    PERSONAL_NAME). Auto-created many-to-many tables are judged with the model
    that declares the field."""
    person = {"members.Member", settings.AUTH_USER_MODEL}
    reasons = []
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue  # a reverse relation: judged on the other side
        related = getattr(field, "related_model", None)
        if related is not None and related._meta.label in person:
            reasons.append(f"{field.name} -> {related._meta.label}")
        elif isinstance(field, TEXT) and PERSONAL_NAME.search(field.name):
            reasons.append(field.name)
    return reasons


def test_the_rule_finds_personal_data_by_relation_and_by_name():
    """So the walk below cannot pass by finding nothing."""
    assert looks_personal(apps.get_model("members.Member"))
    assert "author -> members.Member" in looks_personal(apps.get_model("bulletins.Comment"))
    assert "email" in looks_personal(apps.get_model("members.User"))
    assert looks_personal(apps.get_model("audit.AuditHead")) == []
    assert looks_personal(apps.get_model("ballots.Question")) == []


def test_every_installed_model_holding_personal_data_is_declared_or_said_to_hold_none():
    declared = {d.model for d in personal_data.declarations()}
    none = set(personal_data.holding_none())
    missing, pending = [], {}
    for model in apps.get_models():
        label = model._meta.label
        reasons = looks_personal(model)
        if not reasons or label in declared or label in none:
            continue
        if model._meta.app_label in PENDING:
            pending.setdefault(model._meta.app_label, []).append(label)
            continue
        missing.append(f"{label}: {', '.join(reasons)}")
    if pending:
        print("Not yet declared (PENDING):", {app: sorted(labels) for app, labels in sorted(pending.items())})
    assert not missing, "Declare these in their app's personal_data.py, or say why they hold none:\n" + "\n".join(missing)


def test_every_declaration_names_a_real_model_its_fields_and_its_owner_paths():
    for item in personal_data.declarations():
        model = apps.get_model(item.model)
        names = {f.name for f in model._meta.get_fields()}
        assert set(item.fields) <= names, f"{item.model}: no field {set(item.fields) - names}"
        assert item.retention in RETENTION_KEYS
        assert item.purpose and item.basis
        if isinstance(item.owner, tuple):
            str(member_rows(item, 1).query)  # every path resolves, or this raises FieldError
        if isinstance(item.export, tuple) and item.exportable:
            model._default_manager.values(*item.export_fields).query.__str__()


def test_no_model_is_both_declared_and_said_to_hold_none():
    assert not {d.model for d in personal_data.declarations()} & set(personal_data.holding_none())


def test_every_retention_rule_names_a_declared_model():
    declared = {d.model for d in personal_data.declarations()}
    rules = personal_data.retention_rules()
    assert {r.key for r in rules} >= {"lapsed_member", "delivery_record", "comment_of_leaver"}
    assert all(r.model in declared for r in rules)


def test_a_declaration_that_keeps_data_must_say_why_and_an_unknown_key_is_refused():
    with pytest.raises(ValueError, match="say why"):
        Declaration(model="x.Y", purpose="p", fields=("a",), basis="b", retention="ballot_roll", owner=("member",), erasure="keep")
    with pytest.raises(ValueError, match="unknown retention key"):
        Declaration(model="x.Y", purpose="p", fields=("a",), basis="b", retention="forever", owner=("member",))
    with pytest.raises(ValueError, match="unknown retention key"):
        RetentionRule(key="forever", model="x.Y", action="delete", event="e", due=lambda *a: [], apply=lambda ids: 0)


def test_declaring_one_model_two_ways_is_refused():
    item = personal_data.declaration("members.Member")
    with pytest.raises(ValueError):
        personal_data.register(NoPersonalData("members.Member", "a mistake"))
    personal_data.register(item)  # the same again is harmless (a second ready())


def test_votes_are_never_exported():
    """How a member voted lives in ballots.Cast, which no export reads."""
    assert personal_data.declaration("ballots.Cast") is None
    roll = personal_data.declaration("ballots.RollEntry")
    assert not any("cast" in f for f in roll.export_fields)
