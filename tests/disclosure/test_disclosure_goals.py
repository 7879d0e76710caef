"""feasible_intervals with goals: an inner bound that stops once it reaches
the goal, and is the exact optimum where the goal is out of reach."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from disclosure.lp import feasible_intervals


@st.composite
def suppressed_tables(draw):
    rows, cols = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    cells = [[draw(st.integers(0, 30)) for _ in range(cols)] for _ in range(rows)]
    hidden = {(r, c) for r in range(rows) for c in range(cols) if draw(st.booleans())}
    # As protect asks: reach below and above the true value by some margin.
    goals = {k: (cells[k[0]][k[1]] - draw(st.integers(0, 20)), cells[k[0]][k[1]] + draw(st.integers(0, 40))) for k in hidden}
    return rows, cols, cells, hidden, goals


def equations(rows, cols, cells, hidden):
    """Row and column sums of a table whose margins are all published."""
    var = {k: i for i, k in enumerate(sorted(hidden))}
    eqs = []
    for r in range(rows):
        coefs = {var[(r, c)]: 1 for c in range(cols) if (r, c) in hidden}
        eqs.append((coefs, sum(cells[r][c] for c in range(cols) if (r, c) in hidden)))
    for c in range(cols):
        coefs = {var[(r, c)]: 1 for r in range(rows) if (r, c) in hidden}
        eqs.append((coefs, sum(cells[r][c] for r in range(rows) if (r, c) in hidden)))
    return var, eqs


@settings(max_examples=150, deadline=None)
@given(suppressed_tables())
def test_a_goal_interval_lies_inside_the_true_one_and_reaches_its_goal_or_the_optimum(table):
    rows, cols, cells, hidden, goals = table
    var, eqs = equations(rows, cols, cells, hidden)
    full = feasible_intervals(eqs, list(var.values()))
    inner = feasible_intervals(eqs, list(var.values()), {var[k]: tuple(map(Fraction, g)) for k, g in goals.items()})
    for k, i in var.items():
        lo_goal, hi_goal = goals[k]
        assert full[i].lo <= inner[i].lo <= inner[i].hi <= full[i].hi
        assert inner[i].hi >= hi_goal or inner[i].hi == full[i].hi
        assert inner[i].lo <= lo_goal or inner[i].lo == full[i].lo
        assert inner[i].lo <= cells[k[0]][k[1]] <= inner[i].hi
