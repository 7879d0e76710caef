"""Property tests of a run's publication: whatever the answers, no count
under the threshold is shown, and a reader who knows only what is published
(``disclosure.audit_published``, every linked table together) can neither
pin a hidden cell nor show it to be small."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosure import audit_published, failures
from disclosure.tables import Published
from tests.unionhall.conftest import make_member
from unionhall.members.models import Grade
from unionhall.members.remit import remit_for
from unionhall.surveys import services
from unionhall.surveys.results import compute

QUESTIONS = [
    {"kind": "single", "text": "Leaving?", "choices": "Yes\nNo\nNot sure"},
    {"kind": "scale", "text": "I cope"},
    {"kind": "number", "text": "Caseload", "min_value": 0, "max_value": 100},
]
BRANCHES = {"north": "pps", "south": "pps", "coast": "northway"}
GRADES = [Grade.PO, Grade.PSO, Grade.SPO]

answer_rows = st.lists(
    st.tuples(
        st.sampled_from(sorted(BRANCHES)),
        st.sampled_from(GRADES),
        st.sampled_from(["Yes", "No", "Not sure"]),
        st.sampled_from(["Disagree", "Agree", "Strongly agree"]),
        st.integers(min_value=0, max_value=100),
    ),
    max_size=120,
)


@pytest.fixture
def run(people, union):
    for i, grade in enumerate(GRADES):
        make_member(f"ZC{i}", union.coast, grade=grade)
        make_member(f"ZN{i}", union.north, grade=grade)
        make_member(f"ZS{i}", union.south, grade=grade)
    survey = services.survey_create(by=people.hq.user, remit=remit_for(people.hq.user), title="P", questions=QUESTIONS, open_now=False)
    return services.run_open(survey, now=survey.created_at, invite=False)


def published_counts(results) -> list[Published]:
    """The published count tables of the "respondents" layer, as a reader has them."""
    out = []
    for t in results["tables"]:
        if t["kind"] != "frequency":
            continue
        out.append(Published(t["name"], tuple(t["dims"]), tuple(tuple(c) for c in t["categories"]), {tuple(k): v for k, v in t["cells"]}))
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=answer_rows)
def test_no_small_count_is_shown_and_no_hidden_cell_can_be_worked_out(run, rows):
    data = [(BRANCHES[b], b, g, {"q1": a1, "q2": a2, "q3": str(n)}) for b, g, a1, a2, n in rows]
    results = compute(run, rows=data)
    threshold = results["threshold"]
    assert results["audit_passed"]
    for t in results["tables"]:
        for cell in t["cells"]:
            if t["kind"] == "frequency":
                assert cell[1] is None or cell[1] == 0 or cell[1] >= threshold
            else:
                mean, count, total = cell[1], cell[2], cell[3]
                assert count is None or count == 0 or count >= threshold
                if mean is not None:  # a mean only where its sum and its number are both shown
                    assert count is not None and total is not None
    assert not failures(audit_published(published_counts(results), threshold=threshold))
