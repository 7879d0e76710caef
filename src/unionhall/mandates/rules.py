"""Which rules apply to a ballot, and recording a change in the law.

``resolve`` is pure: given a profile's rule rows and the day a ballot opens,
it says which version of each rule applies and why. Everything else reads
or writes rows, audited."""

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.mandates.models import Profile, Rule
from unionhall.refusals import Refused

SEED_FILE = Path(__file__).with_name("rules.json")


@dataclass(frozen=True)
class Applied:
    rule: Rule
    why: str


@dataclass(frozen=True)
class Resolution:
    opens_on: dt.date
    applies: dict[str, Applied]  # by code
    not_applying: list[Applied]

    def param(self, code: str, key: str, default=None):
        applied = self.applies.get(code)
        return applied.rule.params.get(key, default) if applied else default

    def __contains__(self, code: str) -> bool:
        return code in self.applies


def resolve(rules, opens_on: dt.date) -> Resolution:
    """The version of each rule in force for a ballot opening on ``opens_on``,
    with why; and the versions that do not apply, with why not."""
    applies, not_applying = {}, []
    for rule in sorted(rules, key=lambda r: (r.code, r.applies_from or dt.date.max)):
        if rule.applies_on(opens_on):
            applies[rule.code] = Applied(rule, f"The ballot opens on {opens_on:%-d %B %Y}; this applies to {rule.period}.")
        elif rule.applies_from is None:
            not_applying.append(Applied(rule, "Not yet in force: no commencement date is fixed."))
        elif opens_on < rule.applies_from:
            not_applying.append(Applied(rule, f"Applies only to ballots opening on or after {rule.applies_from:%-d %B %Y}."))
        else:
            not_applying.append(Applied(rule, f"No longer applies: ballots opening on or after {rule.applies_until:%-d %B %Y} are outside it."))
    return Resolution(opens_on, applies, not_applying)


def rules_for(profile: Profile, opens_on: dt.date) -> Resolution:
    return resolve(list(profile.rules.all()), opens_on)


# --- Seeding (the data migration) ----------------------------------------------------


def seed_rules(profile_model, rule_model) -> None:
    """Create the profiles and rules in rules.json (models from the migration's apps)."""
    data = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    for p in data["profiles"]:
        profile, _ = profile_model.objects.get_or_create(
            code=p["code"], defaults={"name": p["name"], "statutory": p["statutory"], "description": p["description"]}
        )
        for r in p["rules"]:
            rule_model.objects.get_or_create(
                profile=profile, code=r["code"], applies_from=_day(r["from"]),
                defaults={"title": r["title"], "statement": r["statement"], "params": r["params"], "source": r["source"],
                          "source_url": r["source_url"], "applies_until": _day(r["until"]), "note": r["note"]},
            )  # fmt: skip


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


# --- Recording a change in the law ------------------------------------------------------


def _overlaps(rule: Rule, others) -> Rule | None:
    """Another version of the same code whose period meets ``rule``'s."""
    lo, hi = rule.applies_from or dt.date.max, rule.applies_until or dt.date.max
    for other in others:
        if other.pk == rule.pk or other.applies_from is None or rule.applies_from is None:
            continue
        if other.applies_from < hi and lo < (other.applies_until or dt.date.max):
            return other
    return None


def _save_checked(rule: Rule) -> None:
    try:
        rule.full_clean(exclude=["recorded_by"])
    except ValidationError as exc:
        raise Refused(" ".join(exc.messages)) from None
    clash = _overlaps(rule, Rule.objects.select_for_update().filter(profile=rule.profile, code=rule.code))
    if clash:
        raise Refused(f"That would overlap the version of {rule.code} that applies to {clash.period}. Set that version's end date first.")
    rule.save()


@transaction.atomic
def rule_set_dates(*, rule: Rule, applies_from: dt.date | None, applies_until: dt.date | None, reason: str, actor) -> Rule:
    """Record when a rule version starts or stops applying (a commencement or a repeal)."""
    if not reason.strip():
        raise Refused("Say what changed in the law (the Act or regulations and their commencement).")
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    old = {"from": str(rule.applies_from), "until": str(rule.applies_until)}
    rule.applies_from, rule.applies_until = applies_from, applies_until
    _save_checked(rule)
    audit_record(actor=actor, action=Action.CHANGE, subject=rule,
                 detail={"event": "rule dates changed", "code": rule.code, "old": old,
                         "new": {"from": str(applies_from), "until": str(applies_until)}, "reason": reason.strip()[:500]})  # fmt: skip
    return rule


@transaction.atomic
def check_params_like(template: Rule, params) -> None:
    """A new version of a rule has the same parameters as the one it replaces,
    each of the same kind: the checks read them by name, and a misspelt or
    mistyped one must not quietly switch a legal test off."""
    if not isinstance(params, dict) or set(params) != set(template.params):
        raise Refused(f"The parameters must be exactly: {', '.join(sorted(template.params)) or 'none'}.")
    for name, old in template.params.items():
        new = params[name]
        if type(new) is not type(old) or (isinstance(new, int) and new < 0):
            raise Refused(f"The parameter {name} must be {'a whole number, not negative' if isinstance(old, int) else 'of the same kind as before'}.")


def rule_add_version(*, template: Rule, statement: str, params: dict, source: str, source_url: str,
                     applies_from: dt.date, reason: str, actor) -> Rule:  # fmt: skip
    """A new version of ``template``'s rule from ``applies_from``. The version
    open at that day ends the day before it starts, so they never overlap."""
    if not reason.strip():
        raise Refused("Say what changed in the law (the Act or regulations and their commencement).")
    check_params_like(template, params)
    current = (
        Rule.objects.select_for_update()
        .filter(profile=template.profile, code=template.code, applies_from__lt=applies_from, applies_until__isnull=True)
        .first()
    )
    if current:
        current.applies_until = applies_from
        current.save(update_fields=["applies_until"])
    rule = Rule(profile=template.profile, code=template.code, title=template.title, statement=statement, params=params,
                source=source, source_url=source_url, applies_from=applies_from, recorded_by=actor if getattr(actor, "is_authenticated", False) else None)  # fmt: skip
    _save_checked(rule)
    audit_record(actor=actor, action=Action.CHANGE, subject=rule,
                 detail={"event": "rule version added", "code": rule.code, "from": str(applies_from), "params": params,
                         "ended": current.pk if current else None, "reason": reason.strip()[:500]})  # fmt: skip
    return rule
