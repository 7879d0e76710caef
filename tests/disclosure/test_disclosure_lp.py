"""The exact LP behind the audit: feasible intervals of hidden cells."""

import math
from fractions import Fraction
from itertools import product

import pytest

from disclosure.lp import Infeasible, Interval, feasible_intervals


def test_a_cell_alone_in_its_equation_is_determined_exactly():
    # x0 + 5 == 12 (a row total of 12 with one published cell of 5)
    got = feasible_intervals([({0: 1}, 7)], [0])
    assert got[0] == Interval(7, 7) and got[0].exact


def test_two_hidden_cells_in_a_row_share_the_rest_of_the_total():
    got = feasible_intervals([({0: 1, 1: 1}, 10)], [0, 1])
    assert got[0] == Interval(0, 10) and got[1] == Interval(0, 10)


def test_a_hidden_cell_with_a_hidden_total_has_no_upper_limit():
    # x0 + 3 == x1 (cell and its total both hidden)
    got = feasible_intervals([({0: 1, 1: -1}, -3)], [0, 1])
    assert got[0] == Interval(0, math.inf)
    assert got[1] == Interval(3, math.inf)


def test_a_rectangle_in_a_two_way_table_moves_together():
    # 2 x 2 hidden block a b / c d with row sums 8, 20 and column sums 13, 15
    eqs = [({0: 1, 1: 1}, 8), ({2: 1, 3: 1}, 20), ({0: 1, 2: 1}, 13), ({1: 1, 3: 1}, 15)]
    got = feasible_intervals(eqs, range(4))
    assert got[0] == Interval(0, 8)
    assert got[3] == Interval(7, 15)


def test_fractional_bounds_are_exact_fractions():
    # 2a + b == 3, a - b == 0  ->  a = b = 1;  a + 2b == 5/2 alone -> a in [0, 5/2]
    got = feasible_intervals([({0: 1, 1: 2}, Fraction(5, 2))], [0, 1])
    assert got[0] == Interval(0, Fraction(5, 2))
    assert got[1] == Interval(0, Fraction(5, 4))
    assert got[1].integral() == Interval(0, 1)


def test_figures_that_cannot_all_hold_are_infeasible():
    with pytest.raises(Infeasible):
        feasible_intervals([({0: 1, 1: 1}, -1)], [0])
    with pytest.raises(Infeasible):
        feasible_intervals([({}, 3)], [])


def test_redundant_equations_are_harmless():
    eqs = [({0: 1, 1: 1}, 10), ({0: 2, 1: 2}, 20), ({0: 1, 1: 1}, 10)]
    assert feasible_intervals(eqs, [0])[0] == Interval(0, 10)


def test_matches_brute_force_on_small_integer_systems():
    """Every small table: the LP's bounds are those of the whole-number solutions."""
    # a 2 x 3 table with margins, all hidden but the grand total and one column total
    # inner cells a00 a01 a02 / a10 a11 a12 are variables 0-5
    values = [2, 0, 5, 7, 1, 3]
    rows = [sum(values[0:3]), sum(values[3:6])]
    cols = [values[0] + values[3], values[1] + values[4], values[2] + values[5]]
    # hidden: every inner cell and row totals r0 (6), r1 (7); published: columns
    eqs = [({0: 1, 1: 1, 2: 1, 6: -1}, 0), ({3: 1, 4: 1, 5: 1, 7: -1}, 0)]
    eqs += [({j: 1, 3 + j: 1}, cols[j]) for j in range(3)]
    eqs += [({6: 1, 7: 1}, sum(rows))]
    got = feasible_intervals(eqs, range(8))
    sols = []
    for a in product(*[range(c + 1) for c in cols]):
        inner = [a[0], a[1], a[2], cols[0] - a[0], cols[1] - a[1], cols[2] - a[2]]
        sols.append(inner + [sum(inner[:3]), sum(inner[3:])])
    for v in range(8):
        assert got[v] == Interval(min(s[v] for s in sols), max(s[v] for s in sols))
