"""disclosure: statistical disclosure control for the tables the union publishes.

Pure Python, standard library only, exact arithmetic. Primary suppression
(threshold, (n, k) dominance and p% rules, in ``disclosure.rules``),
secondary suppression by hypercubes across linked tables, and an audit that
solves the attacker's linear programme exactly for every hidden cell::

    from disclosure import Table, protect, audit, failures
    table = Table.frequency("branch by grade", ("branch", "grade"), counts)
    result = protect([table], threshold=10)
    result.table("branch by grade").shown("North", "PO")   # "12" or "[c]"
    assert not failures(audit(result))

docs/disclosure-control.md states the rules, their defaults and sources.
"""

from .audit import Finding, audit, audit_published, failures
from .equality import EqualityReport, GroupOutcome, GroupStat, equality, fisher_exact
from .lp import Infeasible, Interval, feasible_intervals
from .protect import SUPPRESSED, Cell, Protected, ProtectedTable, protect
from .rules import Rules
from .status import Sensitive, Status
from .tables import TOTAL, Magnitude, Published, Table, TableError

__all__ = [
    "SUPPRESSED",
    "TOTAL",
    "Cell",
    "EqualityReport",
    "Finding",
    "GroupOutcome",
    "GroupStat",
    "Infeasible",
    "Interval",
    "Magnitude",
    "Protected",
    "ProtectedTable",
    "Published",
    "Rules",
    "Sensitive",
    "Status",
    "Table",
    "TableError",
    "audit",
    "audit_published",
    "equality",
    "failures",
    "feasible_intervals",
    "fisher_exact",
    "protect",
]
