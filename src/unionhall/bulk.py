"""Writing many rows at once: one prepared INSERT run for every row.

``bulk_create`` builds a model instance per row, its SQL again for every
batch, and, on SQLite, a statement per 999 values. Where the product writes
thousands of rows in one go (a frozen roll, a mailing's messages, the demo's
register) that cost more than the database's own work. Here the statement is
built once and the rows go to ``executemany`` as plain tuples: no model
instances, no save(), no signals, no ids read back.

Used by the outbox (every message), the ballot roll and the demo builders.
A leaf: imports nothing of unionhall.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

# Values of these types go to the database as Python gives them: no field adapting.
PLAIN_TYPES = {
    "CharField", "TextField", "EmailField", "SlugField", "URLField", "BooleanField", "IntegerField", "BigIntegerField",
    "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "AutoField", "BigAutoField",
}  # fmt: skip


def insert_sql(model: type[models.Model], names: Sequence[str], *, on_conflict: str = "", returning: str | Sequence[str] = "",
               values: Mapping[str, str] | None = None) -> str:  # fmt: skip
    """``INSERT INTO`` ``model``'s table, the columns of the fields ``names``
    (field names or attnames) in that order, one ``%s`` each, or the SQL
    expression ``values`` gives for that name (a subquery, say; its own
    ``%s`` take their parameters in that place). ``on_conflict`` names a
    unique field whose clash leaves the row there as it is (SQLite and
    PostgreSQL both take ``ON CONFLICT (…) DO NOTHING``); ``returning`` a field,
    or fields, to read back."""
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    column = lambda name: qn(model._meta.get_field(name).column)  # noqa: E731
    values = values or {}
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(column(n) for n in names)}) VALUES ({', '.join(values.get(n, '%s') for n in names)})"
    if on_conflict:
        sql += f" ON CONFLICT ({column(on_conflict)}) DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(column(n) for n in ([returning] if isinstance(returning, str) else returning))}"
    return sql


def insert_many(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence], *, on_conflict: str = "") -> None:
    """INSERT ``rows`` (tuples of values in ``names``' order, already as the
    database takes them) in one prepared statement."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.executemany(insert_sql(model, names, on_conflict=on_conflict), rows)


def insert_rows(model: type[models.Model], rows: Iterable[Mapping[str, object]], *, chunk: int = 5000) -> int:
    """INSERT ``rows`` (dicts keyed by field attname, ``employer_id`` not
    ``employer``) into ``model``'s table, adapting each value as its field
    would. A field a row leaves out takes its default (auto_now and
    auto_now_add: now). Rows are written as given, so the caller keeps any
    field that save() would derive (Member's name keys). Returns the rows
    written."""
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField | models.BigAutoField)]
    known = {f.attname for f in fields}
    now = timezone.now()
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: it costs a lookup per value
    plain = [(f.target_field if f.is_relation else f).get_internal_type() in PLAIN_TYPES for f in fields]

    def value(field, row):
        if field.attname in row:
            return row[field.attname]
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        if field.has_db_default() and not field.has_default():
            raise ValueError(f"{model.__name__}.{field.attname} has only a database default: give it in every row")
        return field.get_default()

    def prepared(row) -> list:
        values = []
        for field, is_plain in zip(fields, plain, strict=True):
            v = value(field, row)
            values.append(v if is_plain and (v is None or type(v) in (str, int, bool)) else field.get_db_prep_save(v, db))
        return values

    sql = insert_sql(model, [f.attname for f in fields])
    written, batch = 0, []
    with db.cursor() as cursor:
        for row in rows:
            if unknown := set(row) - known:
                raise ValueError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
            batch.append(prepared(row))
            if len(batch) == chunk:
                cursor.executemany(sql, batch)
                written, batch = written + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written
