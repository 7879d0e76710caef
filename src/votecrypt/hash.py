"""Transcript hashing (spec §3).

Every hash input is a *transcript*: the items ``domain, item1, item2, ...``
each written as a 4-byte big-endian length followed by the item's bytes.
Items are bytes (points: 32-byte encodings), ``int`` (8-byte big-endian,
non-negative, for indices and bounds), or ``str`` (UTF-8).  Scalars are passed
as their 32-byte little-endian encoding.  Length-prefixing makes the encoding
injective, so distinct statements never hash the same bytes.

``challenge`` = SHA-512(transcript) read little-endian, reduced mod L (as in
Ed25519 signatures); ``digest`` = SHA-256(transcript) for fingerprints.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from .group import L

VERSION = "votecrypt/2"


def _item(x: Any) -> bytes:
    if isinstance(x, bytes):
        return x
    if isinstance(x, bool):
        raise TypeError("bool is not a transcript item")
    if isinstance(x, int):
        return x.to_bytes(8, "big")
    if isinstance(x, str):
        return x.encode("utf-8")
    raise TypeError(f"cannot hash {type(x).__name__}")


def transcript(domain: str, *items: Any) -> bytes:
    out = bytearray()
    for x in (f"{VERSION}/{domain}", *items):
        b = _item(x)
        out += len(b).to_bytes(4, "big") + b
    return bytes(out)


def challenge(domain: str, *items: Any) -> int:
    return int.from_bytes(hashlib.sha512(transcript(domain, *items)).digest(), "little") % L


def digest(domain: str, *items: Any) -> bytes:
    return hashlib.sha256(transcript(domain, *items)).digest()


def canonical_json(obj: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8; only str/int/bool/None/list/dict."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")
