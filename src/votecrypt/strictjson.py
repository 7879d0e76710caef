"""The strict JSON reader every record goes through (spec §1).

Python's ``json`` accepts things the specification refuses: a key twice in one
object (the last one silently wins, so two readers can see different records),
numbers written as floats (``1.0``, ``1e0``), and ``NaN``/``Infinity``.  A record
holds only strings, integers, ``null``, lists and objects, so this reader
refuses every float, every non-finite constant and every repeated key.
"""
from __future__ import annotations

import json
from typing import Any


class StrictJSONError(ValueError):
    """``reason`` is ``duplicate-key``, ``float`` or ``not-json``."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise StrictJSONError("duplicate-key", f"the key {k!r} appears twice in one object")
        out[k] = v
    return out


def _float(text: str) -> Any:
    raise StrictJSONError("float", f"the number {text} is written as a float; integers only")


def _constant(text: str) -> Any:
    raise StrictJSONError("float", f"{text} is not a JSON number")


def loads(text: str | bytes) -> Any:
    """Parse ``text`` strictly; raises :class:`StrictJSONError`."""
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_float=_float, parse_constant=_constant)
    except StrictJSONError:
        raise
    except (ValueError, UnicodeDecodeError) as e:
        raise StrictJSONError("not-json", str(e)) from None


def find_float(x: Any, where: str = "record") -> str | None:
    """The path of the first float in an already parsed value, or None
    (for records handed over as Python objects rather than as text)."""
    if isinstance(x, float):
        return where
    if isinstance(x, dict):
        items = x.items()
    elif isinstance(x, list):
        items = enumerate(x)
    else:
        return None
    for k, v in items:
        if isinstance(v, (dict, list, float)):
            hit = find_float(v, f"{where}.{k}" if isinstance(x, dict) else f"{where}[{k}]")
            if hit:
                return hit
    return None
