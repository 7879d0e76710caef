import threading
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unionhall.mailsink import start_sink


class Command(BaseCommand):
    help = "Run an SMTP sink on loopback that writes each message it receives to a .eml file (for the demo and benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=1025)
        parser.add_argument("--dir", type=Path, default=Path("var/mail-sink"), help="where the .eml files go (default var/mail-sink)")

    def handle(self, *args, host: str, port: int, dir: Path, **options):  # noqa: A002  (the option is --dir)
        try:
            sink = start_sink(dir, host=host, port=port)
        except (ValueError, OSError, RuntimeError) as exc:
            raise CommandError(f"cannot start the mail sink on {host}:{port}: {exc}") from exc
        self.stdout.write(f"SMTP sink listening on {host}:{port}; writing each message to {dir.resolve()}/*.eml (Ctrl-C stops it)")
        self.stdout.flush()
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            sink.stop()
            self.stdout.write(f"mail sink stopped after {sink.handler.received} message(s)")
