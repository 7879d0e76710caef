"""A fictional union for demonstrations, tests and benchmarks.

Everything here is invented: the employers, branches, places and people. The
same seed and size always give the same union.
"""

import datetime as dt
import random
from dataclasses import dataclass
from typing import NamedTuple

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from unionhall.bulk import insert_rows
from unionhall.members.models import Branch, Employer, Grade, Member, Office, Role, SecondFactorApproval, User, Workplace

DEMO_DOMAIN = "demo.unionhall.test"
DEMO_PASSWORD = "union-demo-password"
# A fixed TOTP secret so the demo officers can sign in with any authenticator app.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

EMPLOYERS = [
    ("Public Probation Service", "pps", Employer.Kind.NATIONAL),
    ("Northway Justice Ltd", "northway", Employer.Kind.PRIVATE),
    ("Three Rivers Rehabilitation", "three-rivers", Employer.Kind.PRIVATE),
    ("Ulster Community Justice Board", "ucjb", Employer.Kind.BOARD),
]
# (branch name, code, employer code, share of members, postcode area)
BRANCHES = [
    ("Tyne and Wear", "tyne-wear", "pps", 9, "NE"),
    ("Pennine", "pennine", "pps", 10, "BD"),
    ("Mersey", "mersey", "pps", 9, "L"),
    ("Trent Valley", "trent-valley", "pps", 10, "NG"),
    ("Greater London", "london", "pps", 14, "SE"),
    ("Severn", "severn", "pps", 7, "GL"),
    ("Cymru", "cymru", "pps", 8, "CF"),
    ("Wessex", "wessex", "pps", 8, "SO"),
    ("Northway Lakes", "northway-lakes", "northway", 5, "CA"),
    ("Northway Coast", "northway-coast", "northway", 5, "FY"),
    ("Three Rivers", "three-rivers", "three-rivers", 6, "HU"),
    ("Ulster", "ulster", "ucjb", 9, "BT"),
]
PLACES = [
    "Alder", "Beacon", "Brookfield", "Castlegate", "Dunmore", "Elmwood", "Fairhaven", "Greystone", "Harbour",
    "Hollins", "Kingsmead", "Larchfield", "Marsh Lane", "Millbrook", "Northgate", "Oakfield", "Priory", "Quayside",
    "Redhill", "Riverside", "Saltmarsh", "Stonebridge", "Thornbury", "Upton", "Victoria", "Westbank", "Willowdene",
]  # fmt: skip
OFFICE_KINDS = ["office", "office", "court team", "approved premises", "hub"]
FIRST_NAMES = [
    "Aisha", "Alan", "Amir", "Anna", "Ben", "Bronwen", "Carl", "Chloe", "Ciaran", "Dawn", "Deepa", "Declan", "Eilidh",
    "Emma", "Farah", "Gareth", "Grace", "Hannah", "Imran", "Jade", "James", "Joanne", "Kamal", "Karen", "Kwame",
    "Laura", "Leon", "Lucy", "Mairead", "Mark", "Megan", "Mohammed", "Nadia", "Niamh", "Owen", "Patrick", "Priya",
    "Rachel", "Rhys", "Ruth", "Sam", "Sean", "Siobhan", "Sophie", "Tariq", "Tom", "Yvonne", "Zara",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Atkinson", "Bailey", "Begum", "Brennan", "Campbell", "Carter", "Chowdhury", "Clarke", "Davies",
    "Doherty", "Edwards", "Evans", "Fletcher", "Gallagher", "Green", "Hall", "Hughes", "Hussain", "Jackson", "Jones",
    "Kaur", "Kelly", "Khan", "Lewis", "Lloyd", "Mensah", "Morgan", "Murphy", "Nelson", "Nowak", "O'Neill", "Okafor",
    "Patel", "Price", "Quinn", "Reid", "Roberts", "Shah", "Singh", "Taylor", "Thomas", "Walsh", "Williams", "Wright",
    "Young",
]  # fmt: skip
STREETS = ["Mill Road", "Church Street", "Station Road", "Park Avenue", "Victoria Terrace", "Orchard Close", "High Street", "Meadow Way"]
GRADE_WEIGHTS = [(Grade.PO, 40), (Grade.PSO, 34), (Grade.SPO, 8), (Grade.AP, 8), (Grade.ADMIN, 7), (Grade.MANAGER, 3)]


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    membership_number: str
    totp: bool


class Placed(NamedTuple):
    """An active member, as far as handing out offices needs."""

    pk: int
    branch_id: int
    workplace_id: int | None
    employer_id: int


def _months_before(today: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` before ``today``'s."""
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _years_after(start: dt.date, years: int) -> dt.date:
    """The last day of a term of ``years`` that starts on the first of a month."""
    return start.replace(year=start.year + years) - dt.timedelta(days=1)


def _postcode(rng: random.Random, area: str) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{area}{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


@transaction.atomic
def build_demo_union(*, members: int = 2000, seed: int = 1) -> list[DemoAccount]:
    """Create the whole demo union in an empty register. Returns the sign-in accounts."""
    if Member.objects.exists():
        raise ValueError("the register already has members; the demo needs an empty database")
    rng = random.Random(seed)
    employers = {code: Employer.objects.create(name=name, code=code, kind=kind) for name, code, kind in EMPLOYERS}

    branches, workplaces = [], {}
    for name, code, employer_code, share, area in BRANCHES:
        branch = Branch.objects.create(
            name=name, code=code, employer=employers[employer_code], contact_email=f"{code}@branches.{DEMO_DOMAIN}"
        )
        branches.append((branch, share, area))
        places = rng.sample(PLACES, 4)
        workplaces[branch.pk] = [
            Workplace.objects.create(branch=branch, name=f"{place} {rng.choice(OFFICE_KINDS)}", postcode=_postcode(rng, area))
            for place in places
        ]

    total_share = sum(share for _, share, _ in branches)
    users, rows = [], []
    grades, weights = zip(*GRADE_WEIGHTS)
    number = 100000
    lapsed_on = _months_before(timezone.localdate(), 8) - dt.timedelta(days=1)  # the end of a month, some months ago
    for branch, share, area in branches:
        count = max(8, round(members * share / total_share))
        for _ in range(count):
            number += 1
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{first}.{last}.{number}@example.org".lower().replace("'", "")
            roll = rng.random()
            status = Member.Status.ACTIVE if roll < 0.95 else Member.Status.LAPSED if roll < 0.99 else Member.Status.RESIGNED
            joined = dt.date(1995, 1, 1) + dt.timedelta(days=rng.randint(0, 11000))
            rows.append(
                dict(
                    membership_number=f"M{number}",
                    first_name=first,
                    last_name=last,
                    email=email,
                    phone=f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                    address_line1=f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
                    town=f"{rng.choice(PLACES)}ton",
                    postcode=_postcode(rng, area),
                    employer_id=branch.employer_id,
                    branch_id=branch.pk,
                    workplace_id=rng.choice(workplaces[branch.pk]).pk,
                    grade=rng.choices(grades, weights)[0],
                    status=status,
                    joined_on=joined,
                    lapsed_on=lapsed_on if status != Member.Status.ACTIVE else None,
                    bulletins_by_post=rng.random() < 0.1,
                )
            )
            users.append({"email": email, "password": "!"})  # no usable password: the demo accounts get one below
    insert_rows(User, users)
    user_ids = dict(User.objects.values_list("email", "id"))
    insert_rows(Member, [
        {**r, "user_id": user_ids[r["email"]], "first_name_key": Member.name_key(r["first_name"]),
         "last_name_key": Member.name_key(r["last_name"])}
        for r in rows
    ])  # fmt: skip

    # The active members as (id, branch, workplace, employer): the offices go to some of them.
    active = [
        Placed(*row) for row in Member.objects.filter(status=Member.Status.ACTIVE).order_by("membership_number")
        .values_list("pk", "branch_id", "workplace_id", "employer_id")
    ]  # fmt: skip
    by_workplace, by_branch = {}, {}
    for m in active:
        by_workplace.setdefault(m.workplace_id, []).append(m)
        by_branch.setdefault(m.branch_id, []).append(m)
    taken: set[int] = set()

    def pick(pool) -> int | None:
        """The id of someone from the pool who holds no office yet, or None."""
        candidates = [m for m in pool if m.pk not in taken]
        if not candidates:
            return None
        chosen = rng.choice(candidates)
        taken.add(chosen.pk)
        return chosen.pk

    # Terms are dated from today, so the union's offices are current whenever
    # the demo is built (fixed dates expired, and the demo with them).
    today = timezone.localdate()
    offices = []
    term_start = _months_before(today, 18)
    rep_start = _months_before(today, 11)
    for branch, _, _ in branches:
        for role in (Role.BRANCH_CHAIR, Role.BRANCH_SECRETARY):
            offices.append(Office(member_id=pick(by_branch[branch.pk]), role=role, branch=branch, starts_on=term_start,
                                  ends_on=_years_after(term_start, 2), contact_email=f"{branch.code}@branches.{DEMO_DOMAIN}"))
        for workplace in workplaces[branch.pk]:
            rep = pick(by_workplace.get(workplace.pk, []))
            if rep:
                offices.append(Office(member_id=rep, role=Role.WORKPLACE_REP, workplace=workplace,
                                      starts_on=rep_start, ends_on=_years_after(rep_start, 2)))
    for employer in employers.values():
        pool = [m for m in active if m.employer_id == employer.pk]
        offices.append(Office(member_id=pick(pool), role=Role.LINK_OFFICER, employer=employer, starts_on=_months_before(today, 32),
                              contact_email=f"link.{employer.code}@{DEMO_DOMAIN}"))
    # The General Secretary's five-year term ends in two months, so the warning shows.
    gs_start = _months_before(today, 58)
    offices.append(Office(member_id=pick(active), role=Role.GENERAL_SECRETARY, starts_on=gs_start,
                          ends_on=_years_after(gs_start, 5), contact_email=f"general.secretary@{DEMO_DOMAIN}"))
    board_start = _months_before(today, 29)
    for _ in range(10):
        offices.append(Office(member_id=pick(active), role=Role.NEC_MEMBER, starts_on=board_start, ends_on=_years_after(board_start, 3)))
    for _ in range(3):
        offices.append(Office(member_id=pick(active), role=Role.OFFICERS_GROUP, starts_on=board_start, ends_on=_years_after(board_start, 3)))
    for _ in range(2):
        offices.append(Office(member_id=pick(active), role=Role.NATIONAL_REP, starts_on=_months_before(today, 47),
                              contact_email=f"national.rep{len(offices)}@{DEMO_DOMAIN}"))
    Office.objects.bulk_create(offices)

    return _demo_accounts(rng, branches, by_workplace, taken)


def _demo_accounts(rng, branches, by_workplace, taken) -> list[DemoAccount]:
    """Give four members of the first branch easy sign-in addresses and a password."""
    first_branch = branches[0][0]
    # The first workplace (by name) with a rep and a member who holds no office:
    # in a small demo union some workplaces have neither.
    for workplace in first_branch.workplaces.order_by("name"):
        rep_office = Office.objects.filter(role=Role.WORKPLACE_REP, workplace=workplace).first()
        plain = next((m for m in by_workplace.get(workplace.pk, []) if m.pk not in taken), None)
        if rep_office and plain:
            plain = Member.objects.get(pk=plain.pk)
            break
    else:
        raise ValueError("the demo union is too small for its sign-in accounts: use --members 300 or more")
    rep = rep_office.member
    secretary = Office.objects.get(role=Role.BRANCH_SECRETARY, branch=first_branch).member
    admin = Member.objects.filter(status=Member.Status.ACTIVE, branch=branches[4][0]).exclude(pk__in=taken).first()
    Office.objects.create(member=admin, role=Role.HQ_ADMIN, starts_on=_months_before(timezone.localdate(), 23))
    accounts = []
    for role, local, member, totp in (("member", "member", plain, False), ("workplace rep", "rep", rep, True),
                                      ("branch secretary", "secretary", secretary, True),
                                      ("HQ administrator", "admin", admin, True)):
        email = f"{local}@{DEMO_DOMAIN}"
        user = member.user
        user.email = email
        user.set_password(DEMO_PASSWORD)
        user.save()
        member.email = email
        member.save(update_fields=["email"])
        if totp and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            authenticator = TOTP.activate(user, DEMO_TOTP_SECRET).instance
            # The demo's officers come with their authenticators already approved by HQ.
            now = timezone.now()
            SecondFactorApproval.objects.create(
                user=user, code_hash="!", expires_at=now, redeemed_at=now, authenticator_id=authenticator.pk
            )
        accounts.append(DemoAccount(role, email, member.membership_number, totp))
    return accounts
