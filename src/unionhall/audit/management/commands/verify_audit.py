from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unionhall.audit.services import WitnessRefused, audit_verify_chain, audit_witness_load


def _statement_files(paths: list[str]) -> list[Path]:
    """The files named, with a directory standing for the .json files in it."""
    files = []
    for name in paths:
        path = Path(name)
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return files


class Command(BaseCommand):
    help = (
        "Check the audit log: every chain's links and digests, every head, and, given witness "
        "statements (files or directories of them), that the log still holds what they witnessed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--witness", nargs="+", action="extend", default=[], metavar="FILE",
            help="witness statement files from audit_witness, or directories of them",
        )  # fmt: skip

    def handle(self, *args, witness, **options):
        files = _statement_files(witness)
        if witness and not files:
            raise CommandError(f"no witness statements found in {', '.join(witness)}")
        try:
            statements = [audit_witness_load(path) for path in files]
        except WitnessRefused as e:
            raise CommandError(f"witness statement refused: {e}") from None
        report = audit_verify_chain(witnesses=statements)
        if not report.ok:
            where = f" at entry #{report.broken_seq}" if report.broken_seq is not None else ""
            raise CommandError(f"audit chain broken{where}: {report.reason}")
        self.stdout.write(f"audit chain intact: {report.checked} entries in {report.chains} chains")
        if statements:
            latest = max(statements, key=lambda s: s.witnessed_at)
            count = f"{len(statements)} witness statement{'s' if len(statements) != 1 else ''}"
            self.stdout.write(f"it holds everything {count} saw; the latest is {latest}")
        else:
            self.stdout.write(
                "no witness statement given: a log cut back together with its heads looks intact without one "
                "(see docs/audit-log.md)"
            )
