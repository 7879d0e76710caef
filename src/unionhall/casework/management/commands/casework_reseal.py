"""Reseal case files under the newest key in CASEWORK_KEYS, so an old key can
then be removed. Safe to run again: blobs already under the newest key are left."""

from django.core.management.base import BaseCommand
from django.db import transaction

from unionhall.casework import documents, sealing
from unionhall.casework.models import Case, Document, Entry, Meeting, Referral

FIELDS = {Case: ("summary", "health"), Entry: ("body",), Meeting: ("note",), Referral: ("note",), Document: ("filename",)}


class Command(BaseCommand):
    help = "Reseal case files sealed with an older key under the newest key in CASEWORK_KEYS."

    def handle(self, *args, **options):
        resealed = 0
        for model, fields in FIELDS.items():
            for row in model.objects.only("pk", "ref", *[f"{f}_sealed" for f in fields]).iterator(chunk_size=500):
                stale = [f for f in fields if sealing.needs_reseal(getattr(row, f"{f}_sealed"))]
                if not stale:
                    continue
                with transaction.atomic():
                    for f in stale:
                        row.seal(f, sealing.unseal(getattr(row, f"{f}_sealed"), aad=row.aad(f)))
                    row.save(update_fields=[f"{f}_sealed" for f in stale])
                resealed += len(stale)
        for document in Document.objects.only("pk", "ref").iterator(chunk_size=500):
            path = documents.path_of(document)
            if path.exists() and sealing.needs_reseal(path.read_bytes()):
                documents.store(document, documents.read(document))
                resealed += 1
        self.stdout.write(f"Resealed {resealed} fields and files under the newest key.")
