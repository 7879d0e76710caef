"""Refresh the MPs from a new snapshot file (never a live call at run time).

    manage.py campaigns_mps --from new_mps.csv           # show what would change
    manage.py campaigns_mps --from new_mps.csv --write   # and install it

The file has the columns of data/mps_650_combined.csv (constituencies.MPS_COLUMNS)
and every one of the 650 seats in the hexagon map. The changes are printed
(a by-election shows as the seat, the MP before and after). Letters already
written keep the MP they were written to: each letter holds its own copy of
the recipient. Running processes read the new file when they restart."""

import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unionhall.campaigns import constituencies


class Command(BaseCommand):
    help = "Show, and with --write install, a new snapshot of the MPs."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="the new MPs file (CSV)")
        parser.add_argument("--write", action="store_true", help="install it in place of the current file")

    def handle(self, *args, source: str, write: bool, **options):
        path = Path(source)
        try:
            new = constituencies.read_representatives(path)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        seats = set(constituencies.hexes())
        if set(new) != seats:
            missing, unknown = sorted(seats - set(new)), sorted(set(new) - seats)
            raise CommandError(f"{path} must have every one of the {len(seats)} seats: missing {missing[:5]}, unknown {unknown[:5]}")
        changes = constituencies.mp_changes(constituencies.read_representatives(constituencies.MPS_FILE), new)
        for c in changes:
            self.stdout.write(f"{c.constituency} ({c.code}): {c.before or '(none)'} -> {c.after or '(none)'}")
        self.stdout.write(f"{len(changes)} seat(s) changed.")
        if write and changes:
            with tempfile.NamedTemporaryFile("wb", delete=False, dir=constituencies.DATA, suffix=".csv") as tmp:
                with path.open("rb") as handle:
                    shutil.copyfileobj(handle, tmp)
            Path(tmp.name).replace(constituencies.MPS_FILE)  # atomic: a reader sees the old file or the new
            constituencies.representatives.cache_clear()
            constituencies._candidates.cache_clear()
            self.stdout.write(self.style.SUCCESS(f"Installed {constituencies.MPS_FILE.name}; restart the site to use it."))
