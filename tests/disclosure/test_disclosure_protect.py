"""protect() and audit(): primary and secondary suppression, within and across tables."""

from fractions import Fraction

import pytest

from disclosure import (
    TOTAL,
    Cell,
    Protected,
    ProtectedTable,
    Rules,
    Status,
    Table,
    TableError,
    audit,
    failures,
    protect,
)


def grid(name, dims, rows, cols, values, **kw):
    counts = {(r, c): v for r, row in zip(rows, values) for c, v in zip(cols, row)}
    return Table.frequency(name, dims, counts, categories=[rows, cols], **kw)


BRANCHES = ["North", "South", "East", "West"]
GRADES = ["PO", "PSO", "SPO"]
BRANCH_GRADE = grid(
    "branch by grade", ("branch", "grade"), BRANCHES, GRADES,
    [[40, 12, 3], [25, 8, 11], [30, 20, 15], [2, 14, 9]],
)


def naive(table: Table) -> Protected:
    """Primary suppression only: what a careless publisher does."""
    rules = Rules()
    result = protect(table, rules=rules)
    pt = result.tables[0]
    cells = tuple(
        Cell(c.key, c.value, c.status if c.status is Status.PRIMARY else Status.PUBLISHED, c.reason)
        for c in pt.cells
    )
    return Protected((ProtectedTable(pt.table, cells),), rules)


def test_every_cell_under_the_threshold_is_hidden_and_the_audit_passes():
    result = protect(BRANCH_GRADE)
    pt = result.tables[0]
    for c in pt.cells:
        if 0 < c.value < 10:
            assert c.status is Status.PRIMARY
            assert pt.shown(c.key) == "[c]"
        if c.status is Status.PUBLISHED:
            assert pt.shown(c.key) == str(c.value)
    assert not failures(audit(result))
    assert result.notes == ()


def test_primary_suppression_alone_is_recoverable_and_the_audit_says_so():
    findings = audit(naive(BRANCH_GRADE))
    bad = failures(findings)
    assert bad, "the audit must be able to fail"
    exact = [f for f in bad if f.interval is not None and f.interval.exact]
    # North x SPO is 55 - 40 - 12 = 3: alone in its row, it is worked out exactly
    assert any(f.key == ("North", "SPO") and f.interval.lo == 3 for f in exact)
    assert all(f.check == "protection" for f in bad)


def test_secondary_cells_are_found_and_named_as_such():
    pt = protect(BRANCH_GRADE).tables[0]
    statuses = {c.key: c.status for c in pt.cells}
    assert statuses[("North", "SPO")] is Status.PRIMARY
    secondary = [k for k, s in statuses.items() if s is Status.SECONDARY]
    assert secondary
    assert all("cannot be worked out" in pt.cell(k).reason for k in secondary)


def test_totals_are_kept_where_inner_cells_can_protect():
    pt = protect(BRANCH_GRADE).tables[0]
    assert pt.shown(TOTAL, TOTAL) == "189"
    assert all(pt.cell(TOTAL, g).published for g in GRADES)


def test_a_safe_table_is_published_whole():
    table = grid("t", ("a", "b"), ["x", "y"], ["p", "q"], [[10, 20], [0, 30]])
    pt = protect(table).tables[0]
    assert all(c.published for c in pt.cells)
    assert pt.shown("y", "p") == "0"  # a true zero is shown


def test_one_dimensional_table_pairs_a_small_cell_with_the_next_smallest():
    table = Table.frequency("ethnicity", ("group",), {("A",): 120, ("B",): 4, ("C",): 30, ("D",): 55})
    result = protect(table)
    pt = result.tables[0]
    assert pt.cell("B").status is Status.PRIMARY
    hidden = {c.key for c in pt.suppressed()}
    assert hidden == {("B",), ("C",)}  # the smallest that gives room; the total stays
    assert pt.shown(TOTAL) == "209"
    assert not failures(audit(result))


def test_a_small_total_is_itself_hidden_and_protected():
    table = grid("t", ("branch", "grade"), ["N", "S", "E"], ["PO", "PSO"], [[3, 4], [30, 15], [12, 40]])
    result = protect(table)
    pt = result.tables[0]
    assert pt.cell("N", TOTAL).status is Status.PRIMARY
    assert not failures(audit(result))


def test_three_dimensional_table():
    counts = {}
    for i, b in enumerate(["N", "S", "E"]):
        for j, g in enumerate(["PO", "PSO"]):
            for k, a in enumerate(["yes", "no"]):
                counts[(b, g, a)] = [12, 3, 25, 14, 8, 30, 11, 19, 22, 5, 16, 40][i * 4 + j * 2 + k]
    table = Table.frequency("t", ("branch", "grade", "answer"), counts)
    result = protect(table)
    pt = result.tables[0]
    for c in pt.cells:
        if 0 < c.value < 10:
            assert c.status.suppressed
    assert not failures(audit(result))


# A small branch's total is shared by two tables: each protected alone
# hides it, but pairs it with a different branch, and the other table shows
# that branch's total, so North's 7 can be worked out.
GRADE = Table.frequency("grade", ("branch", "grade"), {
    ("North", "PO"): 3, ("North", "PSO"): 4, ("South", "PO"): 30, ("South", "PSO"): 15,
    ("East", "PO"): 12, ("East", "PSO"): 40,
})
EMPLOYER = Table.frequency("employer", ("branch", "employer"), {
    ("North", "E1"): 7, ("North", "E2"): 0, ("South", "E1"): 10, ("South", "E2"): 35,
    ("East", "E1"): 40, ("East", "E2"): 12,
})


def test_tables_protected_one_by_one_leak_through_their_shared_totals():
    a, b = protect(GRADE), protect(EMPLOYER)
    assert not failures(audit(a)) and not failures(audit(b))
    together = Protected(a.tables + b.tables, a.rules)
    bad = failures(audit(together))
    assert any(f.key == ("North", TOTAL) and f.interval.exact and f.interval.lo == 7 for f in bad)


def test_linked_tables_protected_together_do_not():
    result = protect([GRADE, EMPLOYER])
    assert not failures(audit(result))
    g, e = result.table("grade"), result.table("employer")
    for branch in ("North", "South", "East"):  # one figure, one status, in both tables
        assert g.cell(branch, TOTAL).status == e.cell(branch, TOTAL).status
        assert g.cell(branch, TOTAL).value == e.cell(branch, TOTAL).value


def test_linked_tables_must_agree_on_their_shared_totals():
    other = Table.frequency("employer", ("branch", "employer"), {
        ("North", "E1"): 8, ("South", "E1"): 45, ("East", "E1"): 52,
    })
    with pytest.raises(TableError, match="disagree on branch=North"):
        protect([GRADE, other])


def test_linked_tables_must_list_the_same_categories():
    other = Table.frequency("employer", ("branch", "employer"), {("North", "E1"): 7, ("South", "E1"): 45})
    with pytest.raises(TableError, match="different categories"):
        protect([GRADE, other])


def test_magnitude_table_hides_small_and_dominated_sums_and_their_means():
    contributions = {
        ("North", "PO"): [40] * 12,
        ("North", "PSO"): [30, 35, 50],                       # 3 contributors
        ("South", "PO"): [45] * 15,
        ("South", "PSO"): [900, 700] + [5] * 10,              # dominated by two
        ("East", "PO"): [42] * 20,
        ("East", "PSO"): [38] * 11,
    }
    table = Table.magnitude("caseload", ("branch", "grade"), contributions, measure="caseload")
    result = protect(table)
    pt = result.tables[0]
    assert pt.cell("North", "PSO").status is Status.PRIMARY
    assert pt.cell("North", "PSO").count_status is Status.PRIMARY
    assert pt.cell("North", "PSO").mean is None
    assert pt.cell("South", "PSO").status is Status.DOMINANCE
    assert pt.cell(TOTAL, "PO").mean == Fraction(1995, 47)
    # a mean needs both its sum and its count shown
    for c in pt.cells:
        assert (c.mean is None) == (c.status.suppressed or c.count_status.suppressed)
    assert not failures(audit(result))


def test_percentages_are_given_only_where_cell_and_total_are_shown():
    pt = protect(BRANCH_GRADE).tables[0]
    assert pt.percentage(("East", "PO"), along="grade") == Fraction(30 * 100, 65)
    assert pt.percentage(("North", "SPO"), along="grade") is None


def test_protection_is_deterministic():
    first = protect([GRADE, EMPLOYER])
    second = protect([EMPLOYER, GRADE])
    for name in ("grade", "employer"):
        assert [c.status for c in first.table(name).cells] == [c.status for c in second.table(name).cells]


def test_the_audit_recomputes_the_rules_rather_than_trusting_statuses():
    pt = protect(BRANCH_GRADE).tables[0]
    cells = tuple(Cell(c.key, c.value, Status.PUBLISHED) for c in pt.cells)
    findings = audit(Protected((ProtectedTable(pt.table, cells),), Rules()))
    assert {f.key for f in failures(findings) if f.check == "published-sensitive"} == {
        c.key for c in pt.cells if c.status is Status.PRIMARY
    }


def test_group_disclosure_is_warned_about_for_the_answer_dimension():
    table = grid("leaving", ("office", "answer"), ["Leeds", "York"], ["yes", "no"], [[12, 0], [20, 15]],
                 answer="answer")
    findings = audit(protect(table))
    warnings = [f for f in findings if f.check == "group-disclosure"]
    assert [f.key for f in warnings] == [("Leeds", "yes")]
    assert "all 12 in office=Leeds" in warnings[0].message


def test_bad_tables_are_refused_with_reasons():
    with pytest.raises(TableError, match="reserved"):
        Table.frequency("t", ("a",), {(TOTAL,): 3})
    with pytest.raises(TableError, match="negative"):
        Table.frequency("t", ("a",), {("x",): -3})
    with pytest.raises(TableError, match="1 to 3"):
        Table.frequency("t", ("a", "b", "c", "d"), {("w", "x", "y", "z"): 3})
    with pytest.raises(TableError, match="same name"):
        protect([GRADE, GRADE])
