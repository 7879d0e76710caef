"""Equality monitoring: outcome rates by group, safe to publish.

Given, for each group (of an ethnicity, say), how many people went through a
process (police vetting) and how many had the outcome (failed), this works
out each group's rate, its *impact ratio* against a reference group and
Fisher's exact test of the difference, after disclosure control:

- a group is shown alone only if it has at least ``threshold`` people, and
  each of its two counts (had the outcome, did not) is 0 or at least
  ``threshold``, and not everyone in it had the adverse outcome (which would
  tell the reader each member's result);
- groups that fail are merged into one "Other" group; if "Other" fails too,
  the smallest shown groups join it until it passes, and if even everyone
  together fails, nothing is shown by group;
- rates, ratios and tests are worked out only from what is shown, so none of
  them can reveal a hidden count.

The impact ratio is the "four-fifths rule" of the US Uniform Guidelines on
Employee Selection Procedures (1978, 29 CFR 1607.4(D)): a group's rate of the
*favourable* outcome (passing vetting, being selected) below four-fifths of
the highest group's rate is taken as evidence of adverse impact. It is a US
rule of thumb, not a test of UK law (the Equality Act 2010 asks whether a
provision puts a group at a particular disadvantage); with small groups it is
unstable, which is why Fisher's exact test is shown beside it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .rules import MINIMUM_THRESHOLD
from .tables import TOTAL, Published, TableError

FOUR_FIFTHS = Fraction(4, 5)


def fisher_exact(table: Sequence[Sequence[int]], alternative: str = "two-sided") -> Fraction:
    """Fisher's exact test of a 2 × 2 table ``((a, b), (c, d))``: its exact p-value.

    Conditioning on the margins, the top-left count follows the
    hypergeometric law. "two-sided" sums the probability of every table no
    more likely than the one observed (as R's ``fisher.test`` does, but with
    exact comparison, so no tolerance is needed); "less" and "greater" sum
    the tail at or below, or at or above, the observed top-left count.
    Exact in integers throughout: ``C(r1, x) * C(r2, c1 - x)`` is stepped
    from one ``x`` to the next by exact division.
    """
    (a, b), (c, d) = table
    for v in (a, b, c, d):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ValueError(f"Fisher's exact test needs counts (whole numbers, not negative), not {v!r}")
    if alternative not in ("two-sided", "less", "greater"):
        raise ValueError(f"alternative must be 'two-sided', 'less' or 'greater', not {alternative!r}")
    r1, r2, c1 = a + b, c + d, a + c
    n = r1 + r2
    lo, hi = max(0, c1 - r2), min(r1, c1)
    observed = math.comb(r1, a) * math.comb(r2, c1 - a)
    term = math.comb(r1, lo) * math.comb(r2, c1 - lo)
    total = 0
    for x in range(lo, hi + 1):
        if alternative == "two-sided":
            if term <= observed:
                total += term
        elif alternative == "less":
            if x <= a:
                total += term
        elif x >= a:
            total += term
        if x < hi:
            term = term * (r1 - x) * (c1 - x) // ((x + 1) * (r2 - c1 + x + 1))
    return Fraction(total, math.comb(n, c1))


@dataclass(frozen=True)
class GroupOutcome:
    """``total`` people of ``group`` went through the process; ``outcome`` of
    them had the outcome being monitored."""

    group: str
    total: int
    outcome: int


@dataclass(frozen=True)
class GroupStat:
    """A group as shown: ``members`` are the groups it stands for (one, or
    those merged into "Other"). ``rate`` is the outcome's rate, ``favourable``
    the favourable outcome's rate; ``impact_ratio`` is ``favourable`` over the
    reference group's, ``p_value`` Fisher's exact test against it (both
    ``None`` for the reference itself)."""

    group: str
    members: tuple[str, ...]
    total: int
    outcome: int
    rate: Fraction
    favourable: Fraction
    impact_ratio: Fraction | None
    p_value: Fraction | None

    @property
    def below_four_fifths(self) -> bool:
        return self.impact_ratio is not None and self.impact_ratio < FOUR_FIFTHS


@dataclass(frozen=True)
class EqualityReport:
    threshold: int
    outcome_is_adverse: bool
    reference: str | None
    groups: tuple[GroupStat, ...]
    merged: tuple[str, ...]
    total: int | None
    outcome: int | None
    notes: tuple[str, ...]

    @property
    def withheld(self) -> bool:
        """True when nothing could be shown group by group."""
        return not self.groups

    def published(self, name: str = "equality", group_dim: str = "group") -> Published:
        """The counts this report shows, as a table for ``audit_published``."""
        out_cats = ("outcome", "no outcome")
        cats = tuple(g.group for g in self.groups)
        values: dict = {}
        for g in self.groups:
            values[(g.group, "outcome")] = g.outcome
            values[(g.group, "no outcome")] = g.total - g.outcome
            values[(g.group, TOTAL)] = g.total
        values[(TOTAL, "outcome")] = self.outcome
        values[(TOTAL, "no outcome")] = None if self.total is None else self.total - self.outcome
        values[(TOTAL, TOTAL)] = self.total
        return Published(name, (group_dim, "outcome"), (cats, out_cats), values)


def _unsafe(total: int, outcome: int, threshold: int, adverse: bool) -> bool:
    bad = outcome if adverse else total - outcome
    good = total - bad
    return total < threshold or 0 < bad < threshold or 0 < good < threshold or (bad == total and total > 0)


def equality(
    outcomes: Iterable[GroupOutcome],
    *,
    threshold: int = 10,
    outcome_is_adverse: bool = True,
    reference: str | None = None,
    other_label: str = "Other",
) -> EqualityReport:
    """Rates, impact ratios and Fisher's tests by group, after disclosure control.

    ``outcome_is_adverse``: the counted outcome is the bad one (failed
    vetting); pass False if it is the good one (selected). ``reference``: the
    group to compare with; by default the shown group with the highest
    favourable rate, as the four-fifths rule does (ties: the larger group).
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < MINIMUM_THRESHOLD:
        raise ValueError(f"threshold must be a whole number of at least {MINIMUM_THRESHOLD}, not {threshold!r}")
    groups = list(outcomes)
    seen = set()
    for g in groups:
        if g.group in seen:
            raise TableError(f"group {g.group!r} is listed twice")
        seen.add(g.group)
        if g.group == other_label:
            raise TableError(f"{other_label!r} is reserved for merged groups; rename that group")
        for v in (g.total, g.outcome):
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise TableError(f"group {g.group!r}: counts must be whole numbers, not {v!r}")
        if g.outcome > g.total:
            raise TableError(f"group {g.group!r}: {g.outcome} had the outcome out of only {g.total}")
    t, adverse = threshold, outcome_is_adverse
    shown = [g for g in groups if not _unsafe(g.total, g.outcome, t, adverse)]
    pool = [g for g in groups if _unsafe(g.total, g.outcome, t, adverse)]
    notes: list[str] = []

    def pooled():
        return sum(g.total for g in pool), sum(g.outcome for g in pool)

    if pool:
        while _unsafe(*pooled(), t, adverse) and shown:
            smallest = min(range(len(shown)), key=lambda i: (shown[i].total, -i))
            moved = shown.pop(smallest)
            notes.append(f"{moved.group!r} was merged into {other_label!r} so that {other_label!r} could be shown")
            pool.append(moved)
    total = sum(g.total for g in groups)
    outcome = sum(g.outcome for g in groups)
    if pool and _unsafe(*pooled(), t, adverse):
        notes.append("too few people, or outcomes, to show anything group by group")
        overall_safe = not _unsafe(total, outcome, t, adverse)
        return EqualityReport(
            t, adverse, None, (), tuple(g.group for g in pool),
            total if total >= t else None, outcome if overall_safe else None, tuple(notes),
        )
    rows: list[tuple[str, tuple[str, ...], int, int]] = [(g.group, (g.group,), g.total, g.outcome) for g in shown]
    if pool:
        order = {g.group: i for i, g in enumerate(groups)}
        members = tuple(sorted((g.group for g in pool), key=order.__getitem__))
        rows.append((other_label, members, *pooled()))

    def favourable(total: int, outcome: int) -> Fraction:
        bad = outcome if adverse else total - outcome
        return Fraction(total - bad, total)

    real = [r for r in rows if r[0] != other_label]
    if reference is not None and reference not in {r[0] for r in real}:
        notes.append(
            f"reference group {reference!r} could not be shown alone; "
            "comparing with the group with the highest favourable rate instead"
        )
        reference = None
    if reference is None and real:
        reference = max(real, key=lambda r: (favourable(r[2], r[3]), r[2]))[0]
    ref = next((r for r in rows if r[0] == reference), None)
    stats = []
    for name, members, n, k in rows:
        fav = favourable(n, k)
        ratio = p = None
        if ref is not None and name != reference:
            ref_fav = favourable(ref[2], ref[3])
            ratio = fav / ref_fav if ref_fav else None
            p = fisher_exact(((k, n - k), (ref[3], ref[2] - ref[3])))
        stats.append(GroupStat(name, members, n, k, Fraction(k, n), fav, ratio, p))
    return EqualityReport(
        t, adverse, reference, tuple(stats), tuple(g.group for g in pool), total, outcome, tuple(notes)
    )
