"""What personal data each app holds, why, and for how long: the declarations
(issue 17).

Each app describes its own models in its ``personal_data.py`` and registers
them from its ``AppConfig.ready()``; "My data", the export, subject access
requests, erasure, the retention schedule and the record of processing are all
read from here, so they cannot disagree. This module is a leaf: it imports no
app, and knows models only by label ("bulletins.Comment").

A ``Declaration`` says, for one model, whose rows they are (``owner``: paths
from the model to a member's id, e.g. ``"member"`` or ``"author"`` or
``"created_by__member"``), which fields are personal data, what for, on which
lawful basis (and, for special-category data, which Art. 9 condition), which
retention key governs it, what erasure does to it, and how its rows are
exported (a list of ``values()`` lookups, or a function of the member's id).
``NoPersonalData`` says why a model that looks personal is not.
``RetentionRule`` is how one app applies one retention key to its own rows,
in batches the schedule drives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# The lawful bases, in words a member can read (UK GDPR Art. 6(1)).
CONTRACT = "Contract: membership of the union is a contract between you and the union (Art. 6(1)(b))"
LEGAL_OBLIGATION = "Legal obligation: the law requires it (Art. 6(1)(c))"
LEGITIMATE_INTERESTS = "Legitimate interests: running the union's democracy and services (Art. 6(1)(f))"
CONSENT = "Consent: you chose it and may withdraw it (Art. 6(1)(a))"
# The special-category condition for trade union membership (Art. 9(2)(d)).
NOT_FOR_PROFIT = "Art. 9(2)(d): processing by a trade union about its members, not disclosed outside it without consent"
LEGAL_CLAIMS = "Art. 9(2)(f): establishing, exercising or defending legal claims"

# What erasure does to a model's rows of a member.
DELETE = "delete"
ANONYMISE = "anonymise"
KEEP = "keep"
ERASURE_ACTIONS = (DELETE, ANONYMISE, KEEP)

# Each retention key: what it covers and the event its period runs from.
# The periods themselves are data (datarights.RetentionPeriod), set by HQ.
RETENTION_KEYS: dict[str, tuple[str, str]] = {
    "member_register": ("A member's register details while they are a member", "while a member"),
    "lapsed_member": ("Register details of a member who lapsed or resigned", "the day the member left"),
    "account": ("Sign-in accounts, addresses and second factors", "the day the member left"),
    "office_record": ("Offices held and records of officers' work", "the end of the term"),
    "ballot_roll": ("Who was entitled to vote in a ballot and whether they voted", "the ballot's close"),
    "statutory_ballot": ("Records a statutory ballot must keep (TULRCA 1992 ss.226-234)", "the ballot's close"),
    "election_record": ("Nominations and election addresses", "the election's declaration"),
    "conference_record": ("Delegates, cards and conference business", "the conference"),
    "comment_of_leaver": ("Comments and questions of a member who left", "the day the member left"),
    "moderation_record": ("Reports, moderation decisions and reveal requests", "the decision"),
    "delivery_record": ("Messages sent to a member and their delivery", "when the message was queued"),
    "audit_entry": ("Audit entries: who read or changed personal data", "the entry"),
    "data_rights": ("Subject access and erasure requests, and notices shown", "the request's close"),
    "survey_response": ("Confidential survey answers, drafts and marks that you answered", "the survey run's close"),
    "equality_data": ("Equality monitoring answers, given with consent", "the day the member left (withdrawing consent deletes them at once)"),
    "case_file": ("Case files: requests for help, notes, meetings and documents", "the case's close"),
    "bargaining_query": ("Back-pay queries, pay records, job-review interest and commitments followed", "the query's answer or the settlement's end"),
    "campaign_letter": ("Campaign letters' text, signature and address, and help asked for with a letter",
                        "the day the letter was sent or refused, or the help was given"),
    "campaign_reply": ("Replies to campaign letters that the writer asked the union to keep", "until the writer unticks that"),
    "campaign_evidence": ("Evidence sent to a call for evidence, with its photos and PDFs",
                          "until the call's time to keep evidence runs out: 12 months after the call closes unless it says otherwise"),
}


@dataclass(frozen=True)
class Declaration:
    """The personal data one model holds."""

    model: str  # the model's label, "members.Member"
    purpose: str  # what it is for, in plain words; "My data" groups by it
    fields: tuple[str, ...]  # the fields that are personal data
    basis: str  # the lawful basis (Art. 6)
    retention: str  # a key of RETENTION_KEYS
    # Paths from the model to the member's id ("member", "author",
    # "created_by__member"), any of which makes a row the member's; or a
    # function of a member's id returning the member's rows (a queryset).
    owner: tuple[str, ...] | Callable[[int], Any]
    special: str = ""  # the Art. 9 condition where the data is special category
    # What the member's export shows: values() lookups (default: the fields),
    # or a function of the member's id returning plain dicts. () with
    # exportable=False: nothing (an anonymous thing, or held only as counts).
    export: tuple[str, ...] | Callable[[int], list[dict]] = ()
    exportable: bool = True
    # Exported keys that may name or identify someone else: a subject access
    # request's export, which may go outside the union, shows them redacted.
    third_party: tuple[str, ...] = ()
    recipients: str = "The union's officers and staff within their remit"
    erasure: str = DELETE  # what erasure does with the member's rows
    keep_reason: str = ""  # why erasure keeps them (required when erasure is KEEP)
    # Carries out erasure for one member: returns how many rows it changed.
    # None: rows are deleted (DELETE) or kept (KEEP) by the generic code.
    erase: Callable[[int], int] | None = None
    note: str = ""
    label: str = ""  # what the member sees it called; the model's plural name when blank
    # A second way of seeing one model's rows (e.g. reports *about* your
    # comments beside the reports you made): a short name, unique per model.
    # The first declaration of a model has none.
    view: str = ""

    def __post_init__(self):
        if self.retention not in RETENTION_KEYS:
            raise ValueError(f"{self.model}: unknown retention key {self.retention!r}")
        if self.erasure not in ERASURE_ACTIONS:
            raise ValueError(f"{self.model}: erasure must be one of {ERASURE_ACTIONS}")
        if self.erasure == KEEP and not self.keep_reason:
            raise ValueError(f"{self.model}: say why erasure keeps it")
        if self.erasure == ANONYMISE and self.erase is None:
            raise ValueError(f"{self.model}: anonymising needs an erase function")
        if not self.fields:
            raise ValueError(f"{self.model}: name the fields that are personal data")

    @property
    def app(self) -> str:
        return self.model.split(".")[0]

    @property
    def name(self) -> str:
        """The model's label, with the view after a colon where there is one."""
        return f"{self.model}:{self.view}" if self.view else self.model

    @property
    def export_fields(self) -> tuple[str, ...]:
        return self.export if isinstance(self.export, tuple) and self.export else self.fields


def officer_record(model: str, fields: tuple, export, owner, reason: str, retention: str = "office_record") -> Declaration:
    """A record of an officer's work (who recorded, moderated, decided): the
    officer sees it as theirs, and it is kept when they ask to be erased,
    for ``reason``. One shape for every app's officers' records."""
    return Declaration(
        model=model, purpose="Records of your work as an officer", fields=fields, export=export, owner=owner,
        basis=LEGITIMATE_INTERESTS, retention=retention, erasure=KEEP, keep_reason=reason,
    )  # fmt: skip


@dataclass(frozen=True)
class NoPersonalData:
    """A model that looks as if it held personal data (it points at a member
    or an account, or has a field named like one) but does not, and why."""

    model: str
    reason: str


@dataclass(frozen=True)
class RetentionRule:
    """How one app applies one retention key to its own rows.

    ``due(before, after_id, limit)`` returns, in increasing order, the ids of
    at most ``limit`` rows whose period has run out (their event is before
    ``before``) and which have not been dealt with, with ids above
    ``after_id``; ``apply(ids)`` deletes or anonymises exactly those rows (re-
    checking they are still due) and returns how many it changed. Applying
    twice changes nothing the second time, so an interrupted run can resume."""

    key: str
    model: str
    action: str  # DELETE or ANONYMISE
    event: str  # the event the period runs from, in words
    due: Callable[[dt.date, int, int], Sequence[int]]
    apply: Callable[[Sequence[int]], int]
    keeps: str = ""  # what is kept for the union's statistics

    def __post_init__(self):
        if self.key not in RETENTION_KEYS:
            raise ValueError(f"{self.model}: unknown retention key {self.key!r}")
        if self.action not in (DELETE, ANONYMISE):
            raise ValueError(f"{self.model}: a retention rule deletes or anonymises")


@dataclass
class _Registry:
    declarations: dict[tuple[str, str], Declaration] = field(default_factory=dict)
    none: dict[str, NoPersonalData] = field(default_factory=dict)
    rules: dict[tuple[str, str], RetentionRule] = field(default_factory=dict)


_registry = _Registry()


def register(*items: Declaration | NoPersonalData | RetentionRule) -> None:
    """Register an app's declarations; called from its AppConfig.ready().
    Registering the same thing again (a second ready()) is harmless; declaring
    one model two different ways is a mistake and raises."""
    for item in items:
        if isinstance(item, RetentionRule):
            _put(_registry.rules, (item.key, item.model), item)
        elif isinstance(item, Declaration):
            if item.model in _registry.none:
                raise ValueError(f"{item.model} is declared both as holding personal data and as holding none")
            _put(_registry.declarations, (item.model, item.view), item)
        elif isinstance(item, NoPersonalData):
            if any(model == item.model for model, _ in _registry.declarations):
                raise ValueError(f"{item.model} is declared both as holding personal data and as holding none")
            _put(_registry.none, item.model, item)
        else:
            raise TypeError(f"not a declaration: {item!r}")


def _put(store: dict, key, item) -> None:
    if store.get(key, item) != item:
        raise ValueError(f"{key} is declared twice, differently")
    store[key] = item


def declarations() -> list[Declaration]:
    """Every declaration, in a stable order (by app, then model, then view)."""
    return sorted(_registry.declarations.values(), key=lambda d: (d.model, d.view))


def declaration(model: str, view: str = "") -> Declaration | None:
    return _registry.declarations.get((model, view))


def holding_none() -> dict[str, NoPersonalData]:
    return dict(_registry.none)


def retention_rules(key: str | None = None) -> list[RetentionRule]:
    """The rules applying ``key`` (every rule when None), in a stable order."""
    return [rule for (k, _), rule in sorted(_registry.rules.items()) if key is None or k == key]


def purposes() -> list[str]:
    """Each purpose once, in the order of the first declaration naming it."""
    seen: dict[str, None] = {}
    for item in declarations():
        seen.setdefault(item.purpose, None)
    return list(seen)


def member_rows(item: Declaration, member_id: int):
    """The queryset of ``item``'s model holding ``member_id``'s data: rows
    reached by any of its owner paths (distinct, since a many-to-many path can
    reach a row twice), or what its owner function returns."""
    from django.apps import apps
    from django.db.models import Q

    if callable(item.owner):
        return item.owner(member_id)
    model = apps.get_model(item.model)
    where = Q()
    for path in item.owner:
        where |= Q(**{path: member_id})
    rows = model._default_manager.filter(where)
    return rows.distinct() if any(_is_many(model, path) for path in item.owner) else rows


def _is_many(model, path: str) -> bool:
    """Whether following ``path`` from ``model`` can reach one row by several
    routes (a many-to-many or a reverse foreign key on the way), so the rows
    need DISTINCT; forward keys and one-to-ones cannot."""
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:  # noqa: BLE001 - a lookup, not a field: be safe
            return True
        if field.many_to_many or field.one_to_many:
            return True
        model = field.related_model
        if model is None:
            return False
    return False


# --- Who was in a register export ---------------------------------------------------------
#
# The register (members) exports lists of members, but may import no app but
# the foundation; data rights, which keeps which members each export held,
# plugs in here at start-up, as a rule profile plugs into ballots.hooks.

_register_export_recorder: Callable[..., tuple[Any, dict]] | None = None


def on_register_export(recorder: Callable[..., tuple[Any, dict]]) -> None:
    """Install ``recorder(actor=, members=)``; called from DatarightsConfig.ready()."""
    global _register_export_recorder
    _register_export_recorder = recorder


def register_export_list(*, actor, members) -> tuple[Any, dict]:
    """Record which ``members`` (a queryset of members.Member) an export by
    ``actor`` holds. Returns the members to write out (the same queryset,
    narrowed to those recorded) and what the export's audit entry should say
    of them: the count and, where recorded, the list's digest and id. Best
    called in the transaction that writes the audit entry; outside one, an
    entry that then fails leaves a list that over-reports (says a member was
    in an export that was never sent), never one that under-reports."""
    if _register_export_recorder is None:
        return members, {"count": members.count()}
    return _register_export_recorder(actor=actor, members=members)


# --- How long a kind of data is kept ---------------------------------------------------------
#
# The periods are data that HQ sets (datarights.RetentionPeriod); an app that
# must say or use one (campaigns tells a writer how long their letter is
# kept) asks here, and data rights answers, plugged in at start-up.

_period_reader: Callable[[str], int | None] | None = None


def read_periods_with(reader: Callable[[str], int | None]) -> None:
    """Install ``reader(key)``; called from DatarightsConfig.ready()."""
    global _period_reader
    _period_reader = reader


def period_days(key: str) -> int | None:
    """How many days ``key`` is kept from its event, as HQ set it (0: while
    the event lasts); None where nothing answers."""
    if key not in RETENTION_KEYS:
        raise ValueError(f"unknown retention key {key!r}")
    return _period_reader(key) if _period_reader is not None else None
