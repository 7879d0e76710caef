"""Stage totals read as people write numbers (issue 16: the page showed "48.00000")."""

import pytest

from unionhall.elections.views import plain_votes


@pytest.mark.parametrize(("total", "shown"), [("48.00000", "48"), ("12.50000", "12.5"), ("0.33333", "0.33333"), ("7", "7"), ("", ""), ("100.00000", "100")])
def test_a_stage_total_drops_the_places_it_does_not_need(total, shown):
    assert plain_votes(total) == shown
