"""Equality monitoring: consent, storage apart, outcome import in both
shapes, and the report's statistics and suppression."""

from fractions import Fraction

import pytest
from django.urls import reverse
from scipy.stats import fisher_exact as scipy_fisher

from disclosure import fisher_exact
from tests.unionhall.conftest import make_member, sign_in
from unionhall.audit.models import Action, AuditEntry
from unionhall.refusals import Refused
from unionhall.surveys import equality
from unionhall.surveys.models import Characteristics, OutcomeCount, OutcomeSet

VETTING = b"group,total,outcome\nWhite,2000,30\nBlack or Black British,500,20\nAsian or Asian British,400,10\nMixed,6,1\n"


def imported(people, data=VETTING, characteristic="ethnicity"):
    return equality.outcomes_import(by=people.hq.user, title="Vetting", characteristic=characteristic, outcome_label="failed vetting",
                                    adverse=True, threshold=10, source="employer", data=data)  # fmt: skip


def test_characteristics_are_kept_only_with_consent(people):
    with pytest.raises(Refused, match="consent"):
        equality.characteristics_save(member=people.alice, answers={"sex": "Female"}, consent=False)
    assert Characteristics.objects.count() == 0
    equality.characteristics_save(member=people.alice, answers={"sex": "Female", "ethnicity": "Prefer not to say"}, consent=True)
    assert Characteristics.objects.get(member=people.alice).ethnicity == "Prefer not to say"


def test_an_answer_not_among_the_options_is_refused_and_nothing_is_written(people):
    with pytest.raises(Refused, match="Sex"):
        equality.characteristics_save(member=people.alice, answers={"sex": "Robot"}, consent=True)
    assert Characteristics.objects.count() == 0


def test_withdrawing_consent_deletes_the_answers(client, people):
    equality.characteristics_save(member=people.alice, answers={"sex": "Female"}, consent=True)
    sign_in(client, people.alice, mfa=False)
    client.post(reverse("surveys_equality_mine"), {"action": "withdraw"})
    assert Characteristics.objects.count() == 0
    assert AuditEntry.objects.filter(action=Action.CHANGE, subject_type="surveys.characteristics").count() == 2


def test_the_report_merges_small_groups_and_shows_a_relative_rate_with_its_interval(people):
    report = equality.outcome_report(imported(people))
    groups = {r.group: r for r in report.rows}
    assert "Mixed" not in groups  # six people: merged, never shown alone
    assert report.reference == "White"
    black = next(r for r in report.rows if "Black or Black British" in r.members)
    assert black.relative_rate == pytest.approx((20 / 500) / (30 / 2000))
    assert black.ci_low < black.relative_rate < black.ci_high
    assert "Likely disparate impact" in report.finding or "No group" in report.finding


def test_scipys_fisher_test_agrees_with_the_packages_exact_one():
    table = [[8, 112], [9, 891]]
    assert scipy_fisher(table).pvalue == pytest.approx(float(fisher_exact(table)), rel=1e-9)
    assert fisher_exact([[3, 1], [1, 3]]) == Fraction(17, 35)


def test_a_clear_disparity_is_stated_plainly(people):
    data = b"group,total,outcome\nWhite,2000,20\nBlack or Black British,300,30\n"
    report = equality.outcome_report(imported(people, data))
    black = report.rows[1] if report.rows[0].group == "White" else report.rows[0]
    assert black.flagged and black.ci_low > 1
    assert report.finding.startswith("Likely disparate impact")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"group,total,outcome\nWhite,900,\n", "needs a group, a total and an outcome"),
        (b"group,total,outcome\nWhite,lots,3\n", "must be whole numbers"),
        (b"group,total,outcome\nWhite,9,30\n", "out of only"),
        (b"group,total,outcome\n", "no rows"),
        (b"membership_number,outcome\nA1,maybe\n", "yes or no"),
    ],
)
def test_a_bad_outcomes_file_is_refused_naming_the_line_and_nothing_is_written(people, data, message):
    with pytest.raises(Refused, match=message):
        imported(people, data)
    assert OutcomeSet.objects.count() == 0 and OutcomeCount.objects.count() == 0


def test_member_keyed_outcomes_are_joined_and_kept_only_as_group_counts(people, union):
    rows = ["membership_number,outcome"]
    for i in range(30):
        m = make_member(f"V{i}", union.north)
        equality.characteristics_save(member=m, answers={"sex": "Female" if i < 20 else "Male"}, consent=True)
        rows.append(f"V{i},{'yes' if i % 10 == 0 else 'no'}")
    rows.append("A1,no")  # no answers given: "Not recorded"
    outcome_set = imported(people, "\n".join(rows).encode(), characteristic="sex")
    counts = {c.group: (c.total, c.outcome) for c in outcome_set.counts.all()}
    assert counts == {"Female": (20, 2), "Male": (10, 1), "Not recorded": (1, 0)}
    assert not {f.name for f in OutcomeCount._meta.get_fields()} & {"member", "membership_number"}


def test_only_hq_imports_and_outsiders_cannot_read_reports(client, people):
    outcome_set = imported(people)
    sign_in(client, people.carol)
    upload = client.post(reverse("surveys_equality_import"), {"title": "x"})
    assert upload.status_code == 403
    assert OutcomeSet.objects.count() == 1
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("surveys_equality_detail", args=[outcome_set.pk])).status_code == 403
    sign_in(client, people.hq)
    page = client.get(reverse("surveys_equality_detail", args=[outcome_set.pk])).content.decode()
    assert "Relative rate" in page and "reference" in page and "<svg" in page
