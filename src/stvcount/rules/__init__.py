"""Rule sets. Each module exposes ``NAME`` and ``count(election, seed=0) -> Result``."""

from __future__ import annotations

from types import ModuleType

from ..election import Election
from ..result import Result
from . import ers97, fptp, meek, scottish

RULES: dict[str, ModuleType] = {m.NAME: m for m in (scottish, ers97, meek, fptp)}


def count(election: Election, rule: str = "scottish", seed: int = 0) -> Result:
    """Count ``election`` under the named rule set; ``seed`` fixes any lots drawn."""
    try:
        module = RULES[rule]
    except KeyError:
        raise ValueError(f"unknown rule {rule!r}; choose from {', '.join(RULES)}") from None
    return module.count(election, seed=seed)
