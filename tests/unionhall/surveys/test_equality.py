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
        (b"membership_number,outcome\nA1,no\nNOBODY1,no\n", r"1 membership number is not on the register: line 3 \(NOBODY1\)"),
        (b"membership_number,outcome\nA1,no\nA1,yes\n", "listed twice"),
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


def member_keyed(people, numbers, title="Vetting"):
    data = "\n".join(["membership_number,outcome", *(f"{n},no" for n in numbers)]).encode()
    return equality.outcomes_import(by=people.hq.user, title=title, characteristic="ethnicity", outcome_label="failed vetting", adverse=True,
                                    threshold=10, source="employer", data=data)  # fmt: skip


def test_a_list_of_one_member_and_twenty_made_up_numbers_names_nobodys_group(client, people):
    """The review's attack: padding one real member with numbers nobody holds
    left them alone in their group, merged with "Not recorded" into "Other",
    and the report named the groups "Other" held."""
    equality.characteristics_save(member=people.alice, answers={"ethnicity": "Black, Black British, Caribbean or African"}, consent=True)
    with pytest.raises(Refused, match="20 membership numbers are not on the register"):
        member_keyed(people, [people.alice.membership_number, *(f"NOBODY{i}" for i in range(20))])
    assert not OutcomeSet.objects.exists()


def test_other_in_a_member_keyed_report_does_not_say_which_groups_it_holds(client, people, union):
    """Padded with real members who gave no answers, the one member's group still goes into "Other": it is not named."""
    equality.characteristics_save(member=people.alice, answers={"ethnicity": "Black, Black British, Caribbean or African"}, consent=True)
    unrecorded = [make_member(f"U{i}", union.north).membership_number for i in range(20)]
    outcome_set = member_keyed(people, [people.alice.membership_number, *unrecorded])
    sign_in(client, people.hq)
    page = client.get(reverse("surveys_equality_detail", args=[outcome_set.pk])).content.decode()
    assert "Other" in page and "Black" not in page and "which groups it holds is not shown" in page
    employer_counts = imported(people, b"group,total,outcome\nWhite,2000,30\nMixed,20,1\nArab,3,0\n")  # counted by the employer: named as before
    assert "Mixed, Arab" in client.get(reverse("surveys_equality_detail", args=[employer_counts.pk])).content.decode()


def test_a_list_that_differs_from_an_earlier_one_by_fewer_than_the_threshold_is_refused(people, union):
    """The review's differencing attack: two lists, the second with one member
    more; the group whose count rose by one was that member's."""
    listed = []
    for i in range(32):
        m = make_member(f"ETH{i}", union.north)
        equality.characteristics_save(member=m, answers={"ethnicity": "White" if i < 20 else "Asian or Asian British"}, consent=True)
        listed.append(m.membership_number)
    equality.characteristics_save(member=people.alice, answers={"ethnicity": "Asian or Asian British"}, consent=True)
    first = member_keyed(people, listed)
    with pytest.raises(Refused, match="differs from “Vetting” .* by only 1 member"):
        member_keyed(people, [*listed, people.alice.membership_number], title="Vetting again")
    assert list(OutcomeSet.objects.all()) == [first] and len(first.roster) == 32
    from unionhall.members.models import Member

    plain = {str(v) for row in Member.objects.values_list("pk", "membership_number") for v in row}
    assert not plain & set(first.roster)  # fingerprints, not the members' ids or numbers
    others = [make_member(f"NEW{i}", union.north).membership_number for i in range(10)]
    member_keyed(people, [*listed, *others], title="A larger round")  # ten more: as many as the threshold
    assert OutcomeSet.objects.count() == 2


def keyed_rows(people, rows, title, characteristic="ethnicity"):
    data = "\n".join(["membership_number,outcome", *(f"{n},{o}" for n, o in rows)]).encode()
    return equality.outcomes_import(by=people.hq.user, title=title, characteristic=characteristic, outcome_label="failed vetting",
                                    adverse=True, threshold=10, source="employer", data=data)  # fmt: skip


def forty_each(union):
    rows = []
    for i in range(80):
        m = make_member(f"R{i}", union.north)
        equality.characteristics_save(member=m, answers={"ethnicity": "White" if i < 40 else "Asian or Asian British", "sex": "Female"}, consent=True)
        rows.append((m.membership_number, "yes" if i % 2 else "no"))
    return rows


def test_the_same_people_with_one_outcome_changed_is_refused(people, union):
    """The review's attack on the first fix: the same members, the target's outcome
    flipped; the one group whose outcome count moved was the target's."""
    equality.characteristics_save(member=people.alice, answers={"ethnicity": "Asian or Asian British"}, consent=True)
    rows = forty_each(union)
    keyed_rows(people, [*rows, (people.alice.membership_number, "no")], "Round 1")
    with pytest.raises(Refused, match="the same members as “Round 1” .* for the same characteristic"):
        keyed_rows(people, [*rows, (people.alice.membership_number, "yes")], "Round 1 corrected")
    assert OutcomeSet.objects.count() == 1


def test_the_same_list_again_is_refused_for_the_same_characteristic_and_taken_for_another(people, union):
    """Counted before and after a member withdrew their answers, the same list
    showed the group that lost one (review finding)."""
    equality.characteristics_save(member=people.alice, answers={"ethnicity": "Asian or Asian British"}, consent=True)
    rows = [*forty_each(union), (people.alice.membership_number, "no")]
    keyed_rows(people, rows, "Before")
    equality.characteristics_withdraw(member=people.alice)
    with pytest.raises(Refused, match="the same members as “Before”"):
        keyed_rows(people, rows, "After")
    assert keyed_rows(people, rows, "By sex", characteristic="sex").characteristic == "sex"  # another table: nothing to subtract


def test_the_reference_group_is_the_largest_that_members_gave_not_not_recorded(people):
    data = b"group,total,outcome\nNot recorded,900,30\nPrefer not to say,500,20\nWhite,400,12\nAsian or Asian British,100,19\n"
    assert equality.outcome_report(imported(people, data)).reference == "White"


def test_a_long_group_name_is_cut_with_an_ellipsis_in_the_chart_and_whole_in_its_tooltip():
    from unionhall.surveys.charts import bars

    svg = bars("Rates", [("Black, Black British, Caribbean or African", 12.5), ("White", 10.0)])
    assert "<title>Black, Black British, Caribbean or African</title>Black, Black British, C…" in svg and ">White<" in svg
