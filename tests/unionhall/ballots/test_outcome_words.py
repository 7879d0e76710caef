"""A result reads as a sentence before its numbers (issue 16)."""

from unionhall.ballots.counting import OptionResult, QuestionResult


def question(*votes: tuple[str, int]) -> QuestionResult:
    total = sum(n for _, n in votes) or 1
    return QuestionResult(key="q", text="Accept the offer?", options=tuple(OptionResult(o, n, 100 * n / total) for o, n in votes))


def test_the_answer_with_the_most_votes_is_named_with_its_share():
    assert question(("Yes", 623), ("No", 1240)).outcome == "No had the most votes: 1,240, 66.6% of the ballots counted."


def test_a_tie_names_every_answer_that_shares_the_most_votes():
    assert question(("Yes", 10), ("No", 10), ("Abstain", 3)).outcome == "A tie: Yes and No had 10 votes each."


def test_a_question_nobody_answered_says_so():
    assert question(("Yes", 0), ("No", 0)).outcome == "No votes were cast on this question."
