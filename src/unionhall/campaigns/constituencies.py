"""Finding a member's MP from their postcode, offline.

Reads the files in ``data/`` (their README says where they come from and how
to refresh them) once per process and never calls a live service. Pure
Python: it imports nothing of Django or of the project, so the benchmark and
the property tests use it as it is.

A postcode's sector ("SW1A 1") is looked up first, then its district ("SW1A")
if the sector is not in the table (new or rare sectors). A sector split
between constituencies gives several candidates, largest share first, and
the member confirms which is theirs. Northern Ireland (BT) is not covered by
the tables: the member picks one of its 18 seats."""

import csv
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
MPS_FILE = DATA / "mps_650_combined.csv"
SECTOR_FILE = DATA / "postcode_sector_to_pcon24_derived.csv"
DISTRICT_FILE = DATA / "postcode_district_to_pcon24_derived.csv"
HEX_FILE = DATA / "constituencies_2024.hexjson"

# Outward code (area letters, district digit(s), optional letter) and inward code
# (sector digit, unit letters). The space is optional in what members type.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9])([A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
NORTHERN_IRELAND = "Northern Ireland"


@dataclass(frozen=True)
class Representative:
    """A constituency and its MP, as the snapshot in data/ has them."""

    code: str  # ONS pcon24cd, e.g. E14001063
    constituency: str
    country: str
    name: str
    title: str  # "Alex Baker MP": how a letter addresses them
    party: str
    email: str  # empty for the few MPs who publish none
    contact_url: str


@dataclass(frozen=True)
class Candidate:
    representative: Representative
    share: float  # of the sector's (or district's) postcodes that lie in this constituency


@dataclass(frozen=True)
class Lookup:
    """What a postcode tells us. ``candidates`` is empty when it told us
    nothing; ``needs_choice`` when the member must say which is theirs."""

    postcode: str  # normalised, "AB10 1AA"
    candidates: tuple[Candidate, ...]
    by: str  # "sector", "district", "northern_ireland" or "" (not found)

    @property
    def needs_choice(self) -> bool:
        return len(self.candidates) != 1


_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")


def normalise_postcode(text: str) -> str | None:
    """A UK postcode in its standard form ("ab101aa" -> "AB10 1AA"), or None if
    ``text`` is not shaped like a full postcode. A cheap check first (the
    inward code, and an outward code the data knows), the regular expressions
    only for outward codes the data does not know: most look-ups never run one."""
    compact = "".join((text or "").split()).upper()
    if 5 <= len(compact) <= 7:
        outward, inward = compact[:-3], compact[-3:]
        if inward[0] in _DIGITS and inward[1] in _LETTERS and inward[2] in _LETTERS and outward in _known_outward():
            return f"{outward} {inward}"
    match = _POSTCODE.match(compact)
    if not match:
        return None
    outward, sector_digit, unit = match.groups()
    if not _OUTWARD.match(outward):
        return None
    return f"{outward} {sector_digit}{unit}"


@cache
def _known_outward() -> frozenset[str]:
    """Outward codes in the data, each of which matches _OUTWARD (checked once, here)."""
    return frozenset(d for d in districts() if _OUTWARD.match(d)) | frozenset(
        s.split(" ")[0] for s in sectors() if _OUTWARD.match(s.split(" ")[0])
    )


@cache
def representatives() -> dict[str, Representative]:
    """Every constituency's representative, by ONS code."""
    return read_representatives(MPS_FILE)


MPS_COLUMNS = ("pcon24cd", "pcon24nm", "country", "mp_name", "full_title", "party", "email", "contact_url")


def read_representatives(path: Path) -> dict[str, Representative]:
    """The representatives in an MPs file of the columns in MPS_COLUMNS."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in MPS_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path} lacks the columns {', '.join(missing)}")
        return {
            row["pcon24cd"]: Representative(
                code=row["pcon24cd"], constituency=row["pcon24nm"], country=row["country"], name=row["mp_name"],
                title=row["full_title"] or row["mp_name"], party=row["party"], email=row["email"].strip(),
                contact_url=row["contact_url"],
            )  # fmt: skip
            for row in reader
        }


@dataclass(frozen=True)
class Change:
    code: str
    constituency: str
    before: str  # the MP's name, or "" for a seat new to the file
    after: str


def mp_changes(old: dict[str, Representative], new: dict[str, Representative]) -> list[Change]:
    """Seats whose MP (or their email) differs between two snapshots: a
    by-election, a general election, a new address. By constituency name."""
    changes = []
    for code in sorted(set(old) | set(new), key=lambda c: (new.get(c) or old[c]).constituency):
        a, b = old.get(code), new.get(code)
        if a is None or b is None or (a.name, a.email) != (b.name, b.email):
            changes.append(Change(code, (b or a).constituency, a.name if a else "", b.name if b else ""))
    return changes


def _shares(path: Path, key: str) -> dict[str, tuple[tuple[str, float], ...]]:
    table: dict[str, list[tuple[str, float]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row[key], []).append((row["pcon24cd"], float(row["share"])))
    return {k: tuple(sorted(v, key=lambda item: -item[1])) for k, v in table.items()}


@cache
def sectors() -> dict[str, tuple[tuple[str, float], ...]]:
    return _shares(SECTOR_FILE, "sector")


@cache
def districts() -> dict[str, tuple[tuple[str, float], ...]]:
    return _shares(DISTRICT_FILE, "district")


def northern_ireland() -> list[Representative]:
    """The 18 seats a member in Northern Ireland picks from, by name."""
    return sorted((r for r in representatives().values() if r.country == NORTHERN_IRELAND), key=lambda r: r.constituency)


@cache
def _candidates() -> tuple[dict[str, tuple[Candidate, ...]], dict[str, tuple[Candidate, ...]], tuple[Candidate, ...]]:
    """Sector and district tables as ready-made candidates, and Northern
    Ireland's 18: built once, so a look-up is two dictionary reads."""
    reps = representatives()

    def build(table):
        return {k: tuple(Candidate(reps[code], share) for code, share in rows if code in reps) for k, rows in table.items()}

    return build(sectors()), build(districts()), tuple(Candidate(r, 0.0) for r in northern_ireland())


def find(postcode: str) -> Lookup | None:
    """The constituencies ``postcode`` may lie in, largest share first; None
    if it is not a postcode at all."""
    normal = normalise_postcode(postcode)
    if normal is None:
        return None
    by_sector, by_district, ni = _candidates()
    outward = normal[:-4]
    if outward.startswith("BT") and outward[2:3].isdigit():
        return Lookup(normal, ni, "northern_ireland")
    found = by_sector.get(normal[:-2])
    if found:
        return Lookup(normal, found, "sector")
    found = by_district.get(outward)
    if found:
        return Lookup(normal, found, "district")
    return Lookup(normal, (), "")


@cache
def hexes() -> dict[str, tuple[int, int]]:
    """Each constituency's hexagon (q, r) in the odd-r layout of the hexjson."""
    with HEX_FILE.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return {code: (int(h["q"]), int(h["r"])) for code, h in data["hexes"].items()}
