"""Which members each register export held (issue 17), so "Who has looked at
my record" can say "your record was in an export by <office> on <date>".

The list is written by the database from the export's own query (INSERT ...
SELECT), so a 100,000-member export costs one statement, not 100,000 rows
through Python; its SHA-256 goes into the export's audit entry, so the
hash-chained log vouches for the list. The file is then written from the
recorded list, so it never holds anyone the list does not."""

import hashlib

from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, Value
from django.utils import timezone

from unionhall.datarights.models import RegisterExport, RegisterExportMember

CHUNK = 20000


def _insert(rows) -> None:
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {RegisterExportMember._meta.db_table} (export_id, member_id) {sql}", params)


def members_digest(export_id: int) -> tuple[int, str]:
    """How many members the export holds and the SHA-256 of their ids in
    increasing order, one a line. PostgreSQL works it out itself (sha256(),
    PostgreSQL 11 and later) without sending the list; elsewhere it is read
    in chunks along the list's key."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*), encode(sha256(convert_to(coalesce(string_agg(member_id::text || chr(10), '' ORDER BY member_id), ''), 'UTF8')), 'hex') "
                f"FROM {RegisterExportMember._meta.db_table} WHERE export_id = %s",
                [export_id],
            )
            count, digest = cursor.fetchone()
        return count, digest
    digest, count = hashlib.sha256(), 0
    ids = RegisterExportMember.objects.filter(export=export_id).order_by("member_id").values_list("member_id", flat=True)
    for member_id in ids.iterator(chunk_size=CHUNK):
        digest.update(f"{member_id}\n".encode())
        count += 1
    return count, digest.hexdigest()


@transaction.atomic
def register_export_record(*, actor, members):
    """Keep which ``members`` an export by ``actor`` holds; return them (the
    queryset narrowed to the list) and what the audit entry should say."""
    export = RegisterExport.objects.create(exported_by=actor, exported_at=timezone.now())
    rows = members.order_by().annotate(_export=Value(export.pk, output_field=BigIntegerField())).values_list("_export", "pk")
    try:
        # A register search names each member once (its filters use subqueries,
        # never joins that repeat a row), so no DISTINCT: it doubled the time.
        with transaction.atomic():
            _insert(rows)
    except IntegrityError:
        _insert(rows.distinct())  # a query that repeats members: each is listed once
    export.count, export.digest = members_digest(export.pk)
    export.save(update_fields=["count", "digest"])
    listed = RegisterExportMember.objects.filter(export=export.pk).values("member_id")
    return members.filter(pk__in=listed), {"count": export.count, "members_sha256": export.digest, "list": export.pk}

