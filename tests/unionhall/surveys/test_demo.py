"""The demo union's surveys: a pulse run three times, published with small
cells hidden, a trend, and a vetting table showing a disparity."""

import time

from django.test import override_settings

from unionhall.members.demo.builder import build_demo_union
from unionhall.surveys import demo, equality
from unionhall.surveys.models import OutcomeSet, Run, Survey
from unionhall.surveys.results import table_of, trend


@override_settings(UNIONHALL_BASE_URL="https://demo.example")
def test_the_demo_pulse_has_run_three_times_with_small_cells_hidden_and_a_rising_trend(db):
    build_demo_union(members=600, seed=1)
    started = time.perf_counter()
    lines = demo.build_demo(1)
    elapsed = time.perf_counter() - started
    assert any("/surveys/" in line for line in lines)
    survey = Survey.objects.get()
    closed = list(Run.objects.filter(survey=survey, results__isnull=False).order_by("number"))
    assert [r.number for r in closed] == [1, 2, 3]
    assert Run.objects.filter(survey=survey, results__isnull=True).count() == 1  # open now
    for run in closed:
        assert run.results["audit_passed"]
        place = table_of(run.results, "q1", "place")
        assert any(c[1] is None for c in place["cells"])  # some small branch or grade hidden
    caseload = next(q for q in survey.questions.all() if q.label == "Caseload")
    means = [float(p["mean"]) for p in trend(closed, caseload)]
    assert means[0] < means[2]
    report = equality.outcome_report(OutcomeSet.objects.get(member_keyed=False))
    flagged = [r for r in report.rows if r.flagged]
    assert flagged and flagged[0].ci_low > 1
    promotion = OutcomeSet.objects.get(member_keyed=True)  # counted from a list of members: kept as counts and fingerprints only
    assert promotion.roster and sum(c.total for c in promotion.counts.all()) == len(promotion.roster)
    assert equality.outcome_report(promotion).rows
    assert elapsed < 45  # seconds, on a loaded shared machine; a few seconds alone
