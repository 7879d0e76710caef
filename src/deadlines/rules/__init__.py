"""Rule kinds. Each module exposes ``NAME``, ``TITLE``, ``LAW`` (the law.json
codes it reads), ``START`` (what the start date is), ``INPUTS`` (the names it
accepts in ``extra``, with what each means) and
``compute(start, calendar, extra) -> Deadline``.

Employer policy rules are data (``PolicyRule``), computed by ``policy``.
"""

from __future__ import annotations

from types import ModuleType

from . import appeal, companion, consultation, policy, sar, tribunal
from .policy import PolicyRule

RULES: dict[str, ModuleType] = {m.NAME: m for m in (tribunal, companion, appeal, sar, consultation)}

__all__ = ["RULES", "PolicyRule", "policy"]
