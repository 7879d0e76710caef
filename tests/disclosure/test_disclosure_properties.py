"""Properties of protect() and audit() on random tables, single and linked."""

from itertools import product

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosure import (
    TOTAL,
    Cell,
    Protected,
    ProtectedTable,
    Status,
    Table,
    audit,
    failures,
    protect,
)
from disclosure.audit import FAIL, OK
from disclosure.layer import Face, Layer

COUNTS = st.sampled_from([0, 0, 1, 2, 3, 4, 6, 9, 10, 11, 14, 25, 60])
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def two_way(draw, name="A", dims=("branch", "grade"), rows=None):
    n_rows = rows or draw(st.integers(1, 5))
    n_cols = draw(st.integers(1, 4))
    cats = [[f"{dims[0]}{i}" for i in range(n_rows)], [f"{dims[1]}{j}" for j in range(n_cols)]]
    counts = {(r, c): draw(COUNTS) for r in cats[0] for c in cats[1]}
    return Table.frequency(name, dims, counts, categories=cats)


@st.composite
def linked_pair(draw):
    """branch x grade and branch x employer with the same branch totals."""
    a = draw(two_way())
    branches = a.categories[0]
    n_emp = draw(st.integers(1, 3))
    totals = a.counts()
    counts = {}
    for b in branches:
        left = totals[(b, TOTAL)]
        for e in range(n_emp):
            part = left if e == n_emp - 1 else draw(st.integers(0, left))
            counts[(b, f"employer{e}")] = part
            left -= part
    b_table = Table.frequency("B", ("branch", "employer"), counts,
                              categories=[branches, [f"employer{e}" for e in range(n_emp)]])
    return [a, b_table]


def check(tables, threshold=10):
    result = protect(tables, threshold=threshold)
    findings = audit(result)
    assert not failures(findings), failures(findings)
    for table, pt in zip(tables, result.tables):
        counts = table.counts()
        for c in pt.cells:
            # published values equal the input, margins included
            assert c.value == counts[c.key]
            if 0 < c.value < threshold:
                assert c.status is Status.PRIMARY
            if c.value == 0:
                assert c.published or "with the rest of the table" in c.reason
    # every hidden cell has an interval on record, and none is pinned down
    checked = [f for f in findings if f.interval is not None]
    assert len(checked) == len({(f.measure, f.table, f.key) for f in checked})
    assert all(not f.interval.exact for f in checked if f.severity == OK)
    return result, findings


@SETTINGS
@given(two_way())
def test_random_two_way_tables_are_protected(table):
    check([table])


@SETTINGS
@given(linked_pair())
def test_random_linked_pairs_are_protected_together(tables):
    check(tables)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(linked_pair())
def test_the_order_tables_are_given_in_does_not_matter(tables):
    first, second = protect(tables), protect(tables[::-1])
    for t in tables:
        assert [c.status for c in first.table(t.name).cells] == [c.status for c in second.table(t.name).cells]


@SETTINGS
@given(two_way(), st.integers(5, 15))
def test_any_threshold_from_five_up(table, threshold):
    check([table], threshold)


@SETTINGS
@given(st.lists(COUNTS, min_size=1, max_size=8))
def test_random_one_way_tables_are_protected(values):
    table = Table.frequency("ethnicity", ("group",), {(f"g{i}",): v for i, v in enumerate(values)})
    check([table])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(COUNTS, min_size=8, max_size=8))
def test_random_three_way_tables_are_protected(values):
    keys = [(b, g, a) for b in ("N", "S") for g in ("PO", "PSO") for a in ("yes", "no")]
    check([Table.frequency("t", ("branch", "grade", "answer"), dict(zip(keys, values)))])


@SETTINGS
@given(two_way())
def test_primary_suppression_alone_is_caught_whenever_it_leaks(table):
    """Hiding only the small cells: whenever a small cell can be pinned inside
    its protection interval, the audit fails; it fails exactly then."""
    result = protect([table])
    pt = result.tables[0]
    faces = [Face("A", table.dims, table.categories, table.counts())]
    layer = Layer("count of respondents", faces, integral=True)
    primary = {layer.key(c.key, 0): c for c in pt.cells if c.status is Status.PRIMARY}
    if not primary:
        return
    ivs = layer.intervals(primary, primary)
    leaks = any(not (iv.lo <= 0 and iv.hi >= 10) for iv in ivs.values())
    cells = tuple(
        Cell(c.key, c.value, c.status if c.status is Status.PRIMARY else Status.PUBLISHED, c.reason) for c in pt.cells
    )
    naive = audit(Protected((ProtectedTable(pt.table, cells),), result.rules))
    assert bool([f for f in naive if f.severity == FAIL]) == leaks


def margins2(a, b, c, d):
    """A 2 x 2 table's nine figures in ``Table.cell_keys()`` order (rows, then the Total row)."""
    return [a, b, a + b, c, d, c + d, a + c, b + d, a + b + c + d]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=4, max_size=4), st.lists(st.booleans(), min_size=9, max_size=9))
def test_audit_intervals_are_the_whole_number_bounds(values, hide):
    """On a 2 x 2 table with margins and any cells hidden, the audit's interval
    of each hidden cell is exactly the range over every whole-number table
    that agrees with what is shown (found by trying them all)."""
    cats = [["r0", "r1"], ["c0", "c1"]]
    table = Table.frequency("t", ("row", "col"), dict(zip([("r0", "c0"), ("r0", "c1"), ("r1", "c0"), ("r1", "c1")], values)),
                            categories=cats)
    keys = table.cell_keys()
    truth = margins2(*values)
    assert [table.counts()[k] for k in keys] == truth
    hidden = [i for i in range(9) if hide[i]]
    layer = Layer("count of respondents", [Face("t", table.dims, table.categories, table.counts())], integral=True)
    ikeys = [layer.key(keys[i], 0) for i in hidden]
    ivs = layer.intervals(ikeys, ikeys)
    limit = 13  # above any total the shown figures allow (at most 4 x 3)
    seen = {i: set() for i in hidden}
    inner_at = [0, 1, 3, 4]  # where the inner cells sit among the nine figures
    ranges = [range(limit) if hide[j] else (values[n],) for n, j in enumerate(inner_at)]
    for cand in product(*ranges):
        figures = margins2(*cand)
        if all(figures[i] == truth[i] for i in range(9) if not hide[i]):
            for i in hidden:
                seen[i].add(figures[i])
    for i, k in zip(hidden, ikeys):
        iv = ivs[k]
        assert iv.lo == min(seen[i])
        if iv.hi == float("inf"):
            assert max(seen[i]) >= limit - 1  # nothing shown bounds it
        else:
            assert iv.hi == max(seen[i])
