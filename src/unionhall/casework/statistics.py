"""Anonymous casework statistics for the evidence pages: closed cases by
employer and kind for a year, from the counts kept after deletion (CaseStat)
and the closed cases not yet deleted, protected by the ``disclosure`` package
(threshold 10 and secondary suppression) so no small group can be told apart."""

from collections import Counter

from django.db.models import Count
from disclosure import Table, protect
from disclosure.tables import TOTAL

from unionhall.casework.models import Case, CaseStat, CaseType


def closed_cases_table(year: int, *, threshold: int = 10):
    """The protected table "closed cases by employer and kind" for ``year``:
    ``.shown(employer, kind)`` gives a figure or "[c]"; totals included.
    None when no case closed that year."""
    counts: Counter = Counter()
    for employer, kind, n in CaseStat.objects.filter(year=year).values_list("employer__name", "kind", "count"):
        counts[(employer, kind)] += n  # one row per outcome: they add up
    live = Case.objects.filter(status=Case.Status.CLOSED, closed_at__year=year).values_list("employer__name", "kind").annotate(n=Count("pk"))
    for employer, kind, n in live:
        counts[(employer, kind)] += n
    labels = dict(CaseType.choices)
    named = {(employer, labels.get(kind, kind)): n for (employer, kind), n in counts.items()}
    if not named:
        return None
    table = Table.frequency(f"closed cases {year}", ("employer", "kind"), named, measure="cases")
    return protect([table], threshold=threshold).table(table.name)


def closed_cases_grid(year: int, *, threshold: int = 10) -> dict | None:
    """The protected table laid out for a page: a row per employer and a
    column per kind of case, each with its total, every figure as published
    (a number, or "[c]" where hidden). None when no case closed that year."""
    table = closed_cases_table(year, threshold=threshold)
    if table is None:
        return None
    employers, kinds = table.table.categories
    columns = [*kinds, TOTAL]
    return {"columns": columns, "rows": [(employer, [table.shown(employer, kind) for kind in columns]) for employer in [*employers, TOTAL]]}
