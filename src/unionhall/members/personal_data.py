"""The register's personal data (issue 17): members, their sign-in accounts
and the offices they hold. Registered from MembersConfig.ready()."""

from collections.abc import Sequence
import datetime as dt

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from unionhall.members.models import Member, Office, User
from unionhall.personal_data import (
    ANONYMISE,
    CONTRACT,
    KEEP,
    LEGAL_OBLIGATION,
    LEGITIMATE_INTERESTS,
    NOT_FOR_PROFIT,
    Declaration,
    NoPersonalData,
    RetentionRule,
)

ANONYMOUS_PREFIX = "anon-"
LEFT = (Member.Status.LAPSED, Member.Status.RESIGNED)


def member_anonymise(ids: Sequence[int]) -> int:
    """Blank the register details of the members ``ids`` who have left, and
    close their accounts, keeping what the union's statistics count
    (employer, branch, workplace, grade, status, when they joined and left).
    An active member, or one already anonymised, is left alone, so applying it
    twice changes nothing. Returns how many members it anonymised."""
    with transaction.atomic():
        due = list(
            Member.objects.select_for_update()
            .filter(pk__in=list(ids), status__in=LEFT)
            .exclude(membership_number__startswith=ANONYMOUS_PREFIX)
            .values_list("pk", "user_id")
        )
        if not due:
            return 0
        pks = [pk for pk, _ in due]
        users = [user for _, user in due if user]
        Member.objects.filter(pk__in=pks).update(
            membership_number=Concat(Value(ANONYMOUS_PREFIX), Cast("id", CharField())),
            first_name="Former", last_name="member", first_name_key="former", last_name_key="member",
            email="", phone="", address_line1="", address_line2="", town="", postcode="", job_role="",
            user=None, bulletins_by_email=False, bulletins_by_post=False, ballots_by_text=False,
        )  # fmt: skip
        if users:
            _accounts_close(users)
        return len(pks)


def _accounts_close(user_ids: list[int]) -> None:
    """The accounts stay (the audit log points at them, append-only) but can
    no longer sign in, and no longer carry an address."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    EmailAddress.objects.filter(user_id__in=user_ids).delete()
    Authenticator.objects.filter(user_id__in=user_ids).delete()
    User.objects.filter(pk__in=user_ids).update(
        email=Concat(Value("erased-"), Cast("id", CharField()), Value("@invalid.invalid")), is_active=False, password="!"
    )


def member_erase(member_id: int) -> int:
    return member_anonymise([member_id])


def lapsed_due(before: dt.date, after_id: int, limit: int) -> list[int]:
    return list(
        Member.objects.filter(status__in=LEFT, lapsed_on__lt=before, pk__gt=after_id)
        .exclude(membership_number__startswith=ANONYMOUS_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def _account_erase(member_id: int) -> int:
    users = list(User.objects.filter(member=member_id).values_list("pk", flat=True))
    _accounts_close(users)
    return len(users)


def offices_export(member_id: int) -> list[dict]:
    """Each office the member holds or held, named as members read it ("Workplace rep, Harbour office")."""
    offices = Office.objects.filter(member=member_id).select_related("employer", "branch", "workplace").order_by("starts_on", "pk")
    return [
        {"office": o.get_role_display(), "for": o.scope_label, "starts_on": o.starts_on, "ends_on": o.ends_on, "contact_email": o.contact_email}
        for o in offices
    ]


DECLARATIONS = [
    Declaration(
        model="members.Member",
        label="Register details",
        purpose="Your membership: register details",
        fields=("membership_number", "first_name", "last_name", "email", "phone", "address_line1", "address_line2",
                "town", "postcode", "employer", "branch", "workplace", "grade", "job_role", "status", "joined_on", "lapsed_on"),
        export=("membership_number", "first_name", "last_name", "email", "phone", "address_line1", "address_line2",
                "town", "postcode", "employer__name", "branch__name", "workplace__name", "grade", "job_role", "status",
                "joined_on", "lapsed_on", "bulletins_by_email", "bulletins_by_post", "ballots_by_text"),
        basis=CONTRACT,
        special=NOT_FOR_PROFIT,
        retention="lapsed_member",
        owner=("id",),
        erasure=ANONYMISE,
        erase=member_erase,
        note="Anonymised, not deleted: ballots' rolls and the audit log point at the row; the counts by branch and grade stay.",
    ),
    Declaration(
        model="members.User",
        label="Your sign-in account",
        purpose="Signing in",
        fields=("email", "password", "last_login", "date_joined"),
        export=("email", "last_login", "date_joined", "is_active"),
        basis=CONTRACT,
        retention="account",
        owner=("member",),
        erasure=ANONYMISE,
        erase=_account_erase,
        note="The account is closed and its address blanked; it stays because audit entries name it.",
    ),
    Declaration(
        model="account.EmailAddress",
        label="Sign-in email addresses",
        purpose="Signing in",
        fields=("email", "verified"),
        export=("email", "verified", "primary"),
        basis=CONTRACT,
        retention="account",
        owner=("user__member",),
    ),
    Declaration(
        model="mfa.Authenticator",
        label="Second factors (authenticator apps)",
        purpose="Signing in",
        fields=("type", "data", "created_at", "last_used_at"),
        export=("type", "created_at", "last_used_at"),
        basis=LEGITIMATE_INTERESTS,
        retention="account",
        owner=("user__member",),
        note="The secret itself is never exported.",
    ),
    Declaration(
        model="members.SecondFactorApproval",
        label="Second-factor approvals",
        purpose="Signing in",
        fields=("user", "issued_by", "issued_at", "redeemed_at"),
        export=("issued_at", "expires_at", "redeemed_at"),
        basis=LEGITIMATE_INTERESTS,
        retention="account",
        owner=("user__member",),
    ),
    Declaration(
        model="members.Office",
        label="Offices",
        purpose="Offices you hold or held",
        fields=("member", "role", "starts_on", "ends_on", "contact_email"),
        export=offices_export,
        basis=LEGAL_OBLIGATION,
        retention="office_record",
        owner=("member",),
        erasure=KEEP,
        keep_reason="Who held which office, and when, is the union's record of its elections and its officers' terms "
                    "(TULRCA 1992 s.46 limits terms; the union's rules say who could act).",
    ),
    NoPersonalData("auth.Group", "A group of permissions' name."),
    NoPersonalData("auth.Permission", "A permission's name."),
    NoPersonalData("members.Employer", "An employer's name and code: an organisation, not a person."),
    NoPersonalData("members.Branch", "A branch's name and its office contact address, not a person's."),
    NoPersonalData("members.Workplace", "An office's name and postcode: a place of work, not a home."),
    RetentionRule(
        key="lapsed_member",
        model="members.Member",
        action=ANONYMISE,
        event="the day the member lapsed or resigned (lapsed_on)",
        due=lapsed_due,
        apply=member_anonymise,
        keeps="employer, branch, workplace, grade, status and the dates joined and left, for the union's statistics",
    ),
]

