"""The loopback SMTP sink receives what Django's SMTP backend sends and writes it as .eml files."""

import email
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection

from unionhall.mailsink import start_sink

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smtp(port: int):
    return get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port, use_tls=False, username="", password="", timeout=5)


def test_a_message_sent_with_djangos_smtp_backend_lands_as_an_eml_file(tmp_path):
    sink = start_sink(tmp_path / "sink", port=free_port())
    try:
        message = EmailMultiAlternatives("Pay talks", "Plain text", "hq@example.org", ["a1@example.org"], connection=smtp(sink.port),
                                         headers={"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})  # fmt: skip
        message.attach_alternative("<p>HTML</p>", "text/html")
        assert message.send() == 1
    finally:
        sink.stop()
    files = list((tmp_path / "sink").glob("*.eml"))
    assert len(files) == 1 and sink.handler.received == 1
    received = email.message_from_bytes(files[0].read_bytes())
    assert received["Subject"] == "Pay talks" and received["To"] == "a1@example.org"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert {part.get_content_type() for part in received.walk()} >= {"text/plain", "text/html"}


def test_the_sink_refuses_to_listen_beyond_loopback(tmp_path):
    with pytest.raises(ValueError, match="loopback only"):
        start_sink(tmp_path, host="0.0.0.0", port=free_port())


def test_the_command_says_where_it_writes_and_receives(tmp_path):
    port = free_port()
    command = [sys.executable, str(REPO / "manage.py"), "mail_sink", "--port", str(port), "--dir", str(tmp_path / "out")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=REPO, env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "UNIONHALL_VAR_DIR": str(tmp_path / "var")})
    try:
        line = process.stdout.readline()
        assert f"127.0.0.1:{port}" in line and str(tmp_path / "out") in line
        EmailMultiAlternatives("Hello", "Body", "hq@example.org", ["b1@example.org"], connection=smtp(port)).send()
        deadline = time.monotonic() + 5
        while not list((tmp_path / "out").glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(list((tmp_path / "out").glob("*.eml"))) == 1
    finally:
        process.terminate()
        process.wait(timeout=10)
