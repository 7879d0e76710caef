"""Importing the membership register from the file the union's current system
exports (CSV or XLSX).

``member_import`` reads and checks every row first; if any row is wrong it
applies nothing and reports every error with its line and column. Re-imports
match members by membership number. In a full import, an active member missing
from the file is marked lapsed with today's date; nobody is ever deleted.
"""

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from unionhall.audit.models import Action
from unionhall.audit.services import audit_record
from unionhall.members.models import Branch, Employer, Grade, Member, User, Workplace
from unionhall.refusals import Refused

COLUMNS = (
    "membership_number",
    "first_name",
    "last_name",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "employer",
    "branch",
    "workplace",
    "grade",
    "job_role",
    "status",
    "joined_on",
)
REQUIRED = ("membership_number", "first_name", "last_name", "employer", "branch")
# The import page's template: fictional rows showing each column's format
# (docs/register-import.md describes them; docs/sample-register.csv has more).
TEMPLATE_ROWS = (
    ("M900001", "Ada", "Ashworth", "ada.ashworth@example.org", "07700 900001", "12 Quarry Lane", "", "Ashbridge", "AB1 2CD",
     "Your employer's code or name", "Your branch's code or name", "A workplace in that branch", "PO", "Case manager", "active", "2014-09-01"),
    ("M900002", "Bilal", "Okafor", "", "", "Flat 3", "7 Mill Street", "Ashbridge", "AB1 3EF",
     "Your employer's code or name", "Your branch's code or name", "", "PSO", "", "active", "02/03/2021"),
)  # fmt: skip
# Fields copied from a row onto Member; the rest are looked up or parsed.
PLAIN_FIELDS = ("first_name", "last_name", "email", "phone", "address_line1", "address_line2", "town", "postcode", "job_role")
COMPARED_FIELDS = (*PLAIN_FIELDS, "employer_id", "branch_id", "workplace_id", "grade", "status", "joined_on", "lapsed_on")
MAX_LENGTHS = {f.name: f.max_length for f in Member._meta.get_fields() if getattr(f, "max_length", None)}
MAX_ERRORS_LISTED = 200
MAX_XLSX_COLUMNS = 60
MAX_XLSX_ROWS = 2_000_000

POSTCODE_RE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$")
PHONE_RE = re.compile(r"^\+?[0-9 ()-]{7,20}$")
MEMBERSHIP_NUMBER_RE = re.compile(r"^[A-Za-z0-9-]{1,20}$")
_validate_email = EmailValidator()


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    lapsed: int = 0
    new_workplaces: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    applied: bool = False
    full: bool = True

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, line: int, column: str, message: str):
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_LISTED:
            self.errors.append(RowError(line, column, message))

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "lapsed": self.lapsed,
            "new_workplaces": self.new_workplaces,
            "errors": [{"line": e.line, "column": e.column, "message": e.message} for e in self.errors],
            "error_count": self.error_count,
            "applied": self.applied,
            "full": self.full,
        }


# --- Reading the file -------------------------------------------------------


def _normalise_header(name) -> str:
    return re.sub(r"[\s\-]+", "_", str(name or "").strip().lower())


def read_rows(data: bytes, filename: str = "") -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the rows (with their line numbers in the file) of a CSV or
    XLSX file; rows are read as they are consumed, so a large register is never
    held twice. Raises Refused when the file as a whole is unreadable,
    here or while the rows are read."""
    limit = settings.UNIONHALL_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise Refused(
            f"The file is {len(data) / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB. "
            "Check it is the register export, or split it and import with 'partial' mode."
        )
    if not data.strip():
        raise Refused("The file is empty.")
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    return _read_csv(data)


def _read_csv(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise Refused(
            f"The file is not UTF-8 text: line {line} has the byte 0x{data[exc.start]:02X}, which is not valid UTF-8. "
            "Save it as 'CSV UTF-8' from your spreadsheet and try again."
        ) from None
    if "\x00" in text:
        raise Refused("The file contains NUL bytes: it is not a CSV text file.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise Refused("The file is empty.") from None
    except csv.Error as exc:
        raise Refused(f"line 1: {exc}") from None
    def rows():
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield reader.line_num, row
        except csv.Error as exc:
            raise Refused(f"line {reader.line_num}: the CSV is malformed ({exc}).") from None

    return [_normalise_header(h) for h in header], rows()


def _read_xlsx(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise Refused(f"The spreadsheet cannot be read ({exc.__class__.__name__}). Is it a .xlsx file?") from None
    sheet = workbook.worksheets[0]
    # A sheet can declare a vast size in a tiny file; openpyxl would then walk
    # billions of empty cells. Refuse before reading any row.
    if (sheet.max_column or 0) > MAX_XLSX_COLUMNS or (sheet.max_row or 0) > MAX_XLSX_ROWS:
        raise Refused(
            f"The spreadsheet declares {sheet.max_row or 0:,} rows and {sheet.max_column or 0:,} columns; "
            f"a register has at most {MAX_XLSX_COLUMNS} columns and {MAX_XLSX_ROWS:,} rows. Save it as CSV and try again."
        )
    rows_iter = sheet.iter_rows(values_only=True)
    header = next(rows_iter, None)
    if header is None:
        raise Refused("The spreadsheet's first sheet is empty.")
    def rows():
        for line, values in enumerate(rows_iter, start=2):
            cells = [_cell_text(v) for v in values]
            if any(cells):
                yield line, cells
        workbook.close()

    return [_normalise_header(h) for h in header], rows()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- Checking rows -----------------------------------------------------------


def _parse_date(value: str) -> dt.date:
    """YYYY-MM-DD or DD/MM/YYYY (a UK spreadsheet's own format)."""
    if len(value) == 10 and value[4] == "-":
        return dt.date.fromisoformat(value)
    return dt.datetime.strptime(value, "%d/%m/%Y").date()


class _Lookups:
    """The register's employers, branches and workplaces, by code or name."""

    def __init__(self):
        self.employers = {}
        for e in Employer.objects.all():
            self.employers[e.code.lower()] = e
            self.employers[e.name.lower()] = e
        self.branches = {}
        for b in Branch.objects.all():
            self.branches[b.code.lower()] = b
            self.branches[b.name.lower()] = b
        self.workplaces = {(w.branch_id, w.name.lower()): w for w in Workplace.objects.all()}
        self.grades = {}
        for value, label in Grade.choices:
            self.grades[value.lower()] = value
            self.grades[label.lower()] = value


def _check_header(header: list[str], report: ImportReport) -> dict[str, int] | None:
    index, seen = {}, Counter(header)
    for position, name in enumerate(header):
        column = _column_letter(position)
        if name not in COLUMNS:
            report.add_error(1, column, f"unknown column '{name}'. Expected columns: {', '.join(COLUMNS)}")
        elif seen[name] > 1 and name in index:
            report.add_error(1, column, f"the column '{name}' appears twice")
        else:
            index[name] = position
    for name in REQUIRED:
        if name not in index:
            report.add_error(1, "", f"the required column '{name}' is missing")
    return index if report.ok else None


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rem = divmod(position - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _check_row(line: int, cells: list[str], index: dict[str, int], lookups: _Lookups, report: ImportReport) -> dict | None:
    """The member's fields from one row, or None after recording its errors."""
    errors_before = report.error_count

    width = len(cells)
    fields = {name: (cells[pos].strip() if pos < width else "") for name, pos in index.items()}
    get = lambda name: fields.get(name, "")  # noqa: E731

    def err(name: str, message: str):
        report.add_error(line, f"{_column_letter(index[name])} ({name})" if name in index else name, message)

    values = {name: get(name) for name in PLAIN_FIELDS}
    number = get("membership_number").upper()
    for name in REQUIRED:
        if not get(name):
            err(name, "is required and is empty")
    if number and not MEMBERSHIP_NUMBER_RE.match(number):
        err("membership_number", f"'{number}' is not a membership number (letters, digits and hyphens, at most 20)")
    for name, value in values.items():
        if value and len(value) > MAX_LENGTHS.get(name, 10_000):
            err(name, f"is longer than {MAX_LENGTHS[name]} characters")
    if values["email"]:
        values["email"] = values["email"].lower()
        try:
            _validate_email(values["email"])
        except ValidationError:
            err("email", f"'{values['email']}' is not a valid email address")
    if values["postcode"]:
        postcode = re.sub(r"\s+", "", values["postcode"].upper())
        if not POSTCODE_RE.match(postcode):
            err("postcode", f"'{values['postcode']}' is not a UK postcode")
        else:
            values["postcode"] = f"{postcode[:-3]} {postcode[-3:]}"
    if values["phone"] and not PHONE_RE.match(values["phone"]):
        err("phone", f"'{values['phone']}' is not a phone number")

    employer = lookups.employers.get(get("employer").lower()) if get("employer") else None
    if get("employer") and employer is None:
        err("employer", f"no employer is called '{get('employer')}'")
    branch = lookups.branches.get(get("branch").lower()) if get("branch") else None
    if get("branch") and branch is None:
        err("branch", f"no branch is called '{get('branch')}'")
    if employer and branch and branch.employer_id != employer.id:
        err("branch", f"the branch '{branch.name}' belongs to {branch.employer.name}, not {employer.name}")

    grade = Grade.OTHER.value
    if get("grade"):
        grade = lookups.grades.get(get("grade").lower())
        if grade is None:
            err("grade", f"'{get('grade')}' is not a grade ({', '.join(Grade.values)})")
    status = (get("status") or "active").lower()
    if status not in Member.Status.values:
        err("status", f"'{get('status')}' is not a status ({', '.join(Member.Status.values)})")
    joined_on = None
    if get("joined_on"):
        try:
            joined_on = _parse_date(get("joined_on"))
        except ValueError:
            err("joined_on", f"'{get('joined_on')}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")

    if report.error_count > errors_before:
        return None
    values.update(
        membership_number=number,
        employer_id=employer.id,
        branch_id=branch.id,
        workplace_name=get("workplace"),
        grade=grade,
        status=status,
        joined_on=joined_on,
        line=line,
    )
    return values


# --- The import ----------------------------------------------------------------


@dataclass
class _Plan:
    to_add: list[dict] = field(default_factory=list)
    to_update: list[tuple[int, dict]] = field(default_factory=list)  # (member pk, new values)
    to_lapse: list[int] = field(default_factory=list)
    workplaces: dict[tuple[int, str], str] = field(default_factory=dict)  # (branch, key) -> name


def _plan(data: bytes, filename: str, full: bool, report: ImportReport) -> _Plan | None:
    header, rows = read_rows(data, filename)
    index = _check_header(header, report)
    if index is None:
        return None
    lookups = _Lookups()

    checked, first_line_of, email_line = [], {}, {}
    for line, cells in rows:
        report.rows += 1
        values = _check_row(line, cells, index, lookups, report)
        number = (values or {}).get("membership_number") or (cells[index["membership_number"]].strip() if index["membership_number"] < len(cells) else "")
        if number:
            key = number.upper()
            if key in first_line_of:
                report.add_error(line, "membership_number", f"{number} is also on line {first_line_of[key]}")
                continue
            first_line_of[key] = line
        if values and values["email"]:
            if values["email"] in email_line:
                report.add_error(line, "email", f"{values['email']} is also given for the member on line {email_line[values['email']]}")
                continue
            email_line[values["email"]] = line
        if values:
            checked.append(values)

    if report.rows == 0:
        raise Refused("The file has a header but no members.")
    existing = {
        m["membership_number"].upper(): m
        for m in Member.objects.values("pk", "membership_number", "user_id", *COMPARED_FIELDS)
    }
    # An email already used by another member's account would make two people one.
    users_by_email = dict(User.objects.filter(email__in=list(email_line)).values_list("email", "id"))
    today = timezone.localdate()
    plan = _Plan()
    for values in checked:
        key = values["membership_number"].upper()
        current = existing.get(key)
        owner = users_by_email.get(values["email"]) if values["email"] else None
        if owner is not None and (current is None or current["user_id"] != owner):
            report.add_error(values["line"], "email", f"{values['email']} is already the sign-in address of another member")
            continue
        if values["workplace_name"]:
            wkey = (values["branch_id"], values["workplace_name"].lower())
            if wkey not in lookups.workplaces and wkey not in plan.workplaces:
                plan.workplaces[wkey] = values["workplace_name"]
        if values["status"] == Member.Status.ACTIVE:
            values["lapsed_on"] = None
        elif current and current["status"] == values["status"]:
            values["lapsed_on"] = current["lapsed_on"]
        else:
            values["lapsed_on"] = today
        if current is None:
            plan.to_add.append(values)
        else:
            workplace = lookups.workplaces.get((values["branch_id"], values["workplace_name"].lower()))
            new_workplace_id = workplace.id if workplace else (None if not values["workplace_name"] else -1)
            changed = any(current[f] != values[f] for f in COMPARED_FIELDS if f != "workplace_id") or (
                current["workplace_id"] != new_workplace_id
            )
            if changed:
                values["previous_email"] = current["email"]
                plan.to_update.append((current["pk"], values))
            else:
                report.unchanged += 1
    if full:
        in_file = {v["membership_number"].upper() for v in checked}
        plan.to_lapse = [
            m["pk"] for key, m in existing.items() if key not in in_file and m["status"] == Member.Status.ACTIVE
        ]
    report.added, report.updated, report.lapsed = len(plan.to_add), len(plan.to_update), len(plan.to_lapse)
    report.new_workplaces = sorted(plan.workplaces.values())
    return plan


def member_import(*, data: bytes, filename: str = "", actor=None, full: bool = True, dry_run: bool = True) -> ImportReport:
    """Check the whole file, then (unless ``dry_run`` or any error) apply it in
    one transaction with an audit entry. Raises Refused for a file that
    cannot be read at all; row errors are in the report."""
    report = ImportReport(full=full)
    with transaction.atomic():
        plan = _plan(data, filename, full, report)
        if dry_run or plan is None or not report.ok:
            return report
        try:
            _apply(plan)
        except IntegrityError as exc:
            raise Refused(f"The register changed while importing, or two members swap an email address ({exc}). Nothing was applied.") from None
        audit_record(
            actor=actor,
            action=Action.IMPORT,
            subject=("members.register", filename or "upload"),
            detail={k: v for k, v in report.as_dict().items() if k in ("rows", "added", "updated", "lapsed", "full")},
        )
        report.applied = True
    return report


BATCH = 2000


def _executemany(sql: str, rows: list[tuple]) -> None:
    """One prepared statement for many rows: the ORM's bulk methods spend most
    of a 100,000-member import building SQL, this spends it in the database."""
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def _insert(model, names: list[str], rows: list[tuple]) -> None:
    """Bulk insert: COPY on PostgreSQL; elsewhere multi-row INSERTs of a few
    hundred rows each. (The ORM's bulk_create spends most of a 100,000-member
    import building SQL; PostgreSQL's client-side binding of large statements
    is slower still.)"""
    if not rows:
        return
    columns = ", ".join(_columns(model, names))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {_table(model)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    per_statement = max(1, min(500, 30_000 // len(names)))
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {_table(model)} ({columns}) VALUES {', '.join([one] * len(chunk))}",
                [value for row in chunk for value in row],
            )


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(model, names) -> list[str]:
    return [connection.ops.quote_name(model._meta.get_field(n).column) for n in names]


def _apply(plan: _Plan) -> None:
    """Write the plan. Call inside the transaction that made it."""
    ops = connection.ops
    today = timezone.localdate()
    now = ops.adapt_datetimefield_value(timezone.now())
    for (branch_id, _), name in plan.workplaces.items():
        Workplace.objects.get_or_create(branch_id=branch_id, name=name)
    workplaces = {(w.branch_id, w.name.lower()): w.id for w in Workplace.objects.all()}

    fields = [f for f in COMPARED_FIELDS if f != "workplace_id"]

    def member_values(values: dict) -> list:
        row = [ops.adapt_datefield_value(values[f]) if f in ("joined_on", "lapsed_on") else values[f] for f in fields]
        name = values["workplace_name"]
        row.append(workplaces[(values["branch_id"], name.lower())] if name else None)
        row += [Member.name_key(values["first_name"]), Member.name_key(values["last_name"])]
        return row

    # Accounts for new members with an email, so they can sign in by code.
    emails = [v["email"] for v in plan.to_add if v["email"]]
    user_cols = ["email", "password", "is_active", "is_staff", "is_superuser", "date_joined"]
    _insert(User, user_cols, [(email, "!", True, False, False, now) for email in emails])
    user_ids = {}
    for start in range(0, len(emails), BATCH):
        user_ids.update(User.objects.filter(email__in=emails[start : start + BATCH]).values_list("email", "id"))

    member_cols = ["membership_number", "user", *fields, "workplace", "first_name_key", "last_name_key", "bulletins_by_email", "bulletins_by_post", "ballots_by_text", "updated_at"]
    _insert(
        Member,
        member_cols,
        [(v["membership_number"], user_ids.get(v["email"]), *member_values(v), True, False, False, now) for v in plan.to_add],
    )

    if plan.to_update:
        set_cols = _columns(Member, [*fields, "workplace", "first_name_key", "last_name_key", "updated_at"])
        _executemany(
            f"UPDATE {_table(Member)} SET {', '.join(f'{c} = %s' for c in set_cols)} WHERE id = %s",
            [(*member_values(values), now, pk) for pk, values in plan.to_update],
        )
        changed_email = [pk for pk, values in plan.to_update if values["email"] != values["previous_email"]]
        for start in range(0, len(changed_email), BATCH):
            _sync_accounts(list(Member.objects.filter(pk__in=changed_email[start : start + BATCH])))

    for start in range(0, len(plan.to_lapse), BATCH):
        Member.objects.filter(pk__in=plan.to_lapse[start : start + BATCH]).update(
            status=Member.Status.LAPSED, lapsed_on=today, updated_at=timezone.now()
        )


def _sync_accounts(members: list[Member]) -> None:
    """A member's sign-in address follows the register's email."""
    for member in members:
        if member.user_id and member.email:
            User.objects.filter(pk=member.user_id).update(email=member.email)
        elif member.user_id and not member.email:
            User.objects.filter(pk=member.user_id).update(is_active=False)
        elif member.email:
            member.user = User.objects.create_user(member.email)
            member.save(update_fields=["user"])
