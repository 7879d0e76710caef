"""Case files sealed at rest: AES-256-GCM from pyca/cryptography, keys kept
outside the database (settings.CASEWORK_KEYS), each blob bound to its row and
field.

A sealed blob is ``b"cw1" | key id (4 bytes) | nonce (12 bytes) | ciphertext
and tag``. The version tag lets the format change later without guessing;
the key id says which key sealed it, so keys can rotate: the first key in
CASEWORK_KEYS seals, every listed key opens. The associated data names the
table, the row's random reference and the field ("casework.entry:<uuid>:body"),
so a blob copied into another case, row or field fails to open rather than
showing one member's notes in another's case.

Why AES-GCM from ``cryptography``: it is the maintained, audited binding to
OpenSSL that Django itself depends on for nothing else but that every Python
deployment can install as a wheel; AESGCM is an AEAD (integrity and secrecy in
one), supports associated data (Fernet does not), and is fast enough to open
every note of a case on each page view.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = b"cw1"
KEY_ID_BYTES = 4
NONCE_BYTES = 12
HEADER = len(VERSION) + KEY_ID_BYTES + NONCE_BYTES


class SealBroken(Exception):
    """A blob that will not open: unknown format, unknown key, altered, or
    moved from another row or field."""


def key_from_text(text: str) -> bytes:
    """A 32-byte key from its URL-safe base64 form (as ``make_key`` prints)."""
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("a CASEWORK_KEYS entry is not URL-safe base64") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"a CASEWORK_KEYS entry must be 32 bytes (256 bits), not {len(raw)}")
    return raw


def make_key() -> str:
    """A new random key, as text for CASEWORK_KEYS."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"unionhall-casework-key-id" + key).digest()[:KEY_ID_BYTES]


@lru_cache(maxsize=4)
def _keyring(texts: tuple[str, ...]) -> tuple[tuple[bytes, AESGCM], dict[bytes, AESGCM]]:
    if not texts:
        raise ImproperlyConfigured("CASEWORK_KEYS is empty: case files cannot be sealed or opened without a key")
    keys = [key_from_text(t) for t in texts]
    by_id = {key_id(k): AESGCM(k) for k in keys}
    if len(by_id) != len(keys):
        raise ImproperlyConfigured("CASEWORK_KEYS lists the same key twice")
    return (key_id(keys[0]), by_id[key_id(keys[0])]), by_id


def keyring():
    """(the sealing key's id and cipher, every key's cipher by id) from settings."""
    texts = getattr(settings, "CASEWORK_KEYS", None)
    if texts is None:
        raise ImproperlyConfigured("CASEWORK_KEYS is not set")
    return _keyring(tuple(texts))


def seal(data: bytes | str, *, aad: str) -> bytes:
    """``data`` sealed with the newest key, bound to ``aad``."""
    if isinstance(data, str):
        data = data.encode()
    (kid, cipher), _ = keyring()
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + kid + nonce + cipher.encrypt(nonce, data, aad.encode())


def unseal(blob: bytes | memoryview | None, *, aad: str) -> bytes:
    """The bytes ``seal`` was given, if ``blob`` was sealed for ``aad`` by a key
    still listed; raises SealBroken otherwise. An empty blob opens to b""."""
    if blob is None or len(blob) == 0:
        return b""
    blob = bytes(blob)
    if len(blob) < HEADER + 16 or not blob.startswith(VERSION):
        raise SealBroken("not a sealed case file (unknown format)")
    kid = blob[len(VERSION) : len(VERSION) + KEY_ID_BYTES]
    _, by_id = keyring()
    cipher = by_id.get(kid)
    if cipher is None:
        raise SealBroken("sealed with a key that is no longer in CASEWORK_KEYS")
    nonce = blob[len(VERSION) + KEY_ID_BYTES : HEADER]
    try:
        return cipher.decrypt(nonce, blob[HEADER:], aad.encode())
    except InvalidTag:
        raise SealBroken("altered, or moved from another case, row or field") from None


def unseal_text(blob, *, aad: str) -> str:
    return unseal(blob, aad=aad).decode()


def needs_reseal(blob) -> bool:
    """True if ``blob`` was sealed with a key other than the newest (rotate it)."""
    if not blob:
        return False
    (kid, _), _ = keyring()
    return bytes(blob)[len(VERSION) : len(VERSION) + KEY_ID_BYTES] != kid
