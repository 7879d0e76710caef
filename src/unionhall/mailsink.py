"""An SMTP sink on loopback for the demo and the delivery benchmark: it
accepts every message and writes it, as received, to a .eml file. Built on
aiosmtpd, which runs the server in a thread of its own.

Never a relay: it listens only on a loopback address and sends nothing on."""

import ipaddress
import itertools
import os
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

LOOPBACK_NAMES = {"localhost"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class EmlWriter:
    """aiosmtpd handler: each message becomes ``<time>-<n>.eml`` in ``directory``.
    A file is written under a temporary name and renamed, so a reader never
    sees half a message."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        with self._lock:
            number = next(self._numbers)
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{number:07d}.eml"
        partial = self.directory / f".{name}.part"
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(self.directory / name)
        with self._lock:
            self.received += 1
        return "250 Message accepted for delivery"


def start_sink(directory: Path, *, host: str = "127.0.0.1", port: int = 1025) -> Controller:
    """Start the sink in a background thread; call ``.stop()`` on the result to end it.
    ``controller.handler.received`` counts the messages written."""
    if not is_loopback(host):
        raise ValueError(f"the mail sink listens on loopback only, not on {host!r}")
    controller = Controller(EmlWriter(directory), hostname=host, port=port, data_size_limit=10 * 1024 * 1024)
    controller.start()
    return controller
