"""Surveys' personal data (issue 17's declarations). Registered from
SurveysConfig.ready().

What is a member's, and what is not:

- a *confidential* survey's ``Response`` names its member: it is theirs;
- an *anonymous* survey's ``Response`` names no one (``member`` is empty) and
  nothing joins it to the member's ``AnsweredMark``: it is not the member's
  and is never exported as theirs (the owner path ``member`` cannot reach it).
  Only the mark, "you answered this run", is theirs;
- ``FreeText`` is copied out of the responses with no link to any of them:
  only the officer who reviewed it is named, so only that is exported;
- ``Characteristics`` (equality monitoring) is special-category data given
  with explicit consent; the member sees their own answers, officers only
  aggregates (equality.py)."""

from unionhall.personal_data import CONSENT, LEGITIMATE_INTERESTS, NOT_FOR_PROFIT, Declaration, officer_record

EXPLICIT_CONSENT = (
    "Art. 9(2)(a): your explicit consent, for equality monitoring "
    "(Data Protection Act 2018 Sch. 1 para. 8, equality of opportunity)"
)
SURVEYS = "Your survey answers and equality monitoring"


_officer = officer_record


DECLARATIONS = [
    Declaration(
        model="surveys.Response",
        label="Your answers to confidential surveys",
        purpose=SURVEYS,
        fields=("member", "answers", "answered_on", "employer", "branch", "grade"),
        export=("run__survey__title", "run__number", "answered_on", "employer", "branch", "grade", "answers"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="survey_response",
        owner=("member",),
        recipients="No one sees who answered what: officers see only tables of at least the survey's threshold of answers",
        note="Only confidential surveys keep your name with your answer. Answers to anonymous surveys are stored with no link to you, so they are not here and cannot be found as yours.",
    ),
    Declaration(
        model="surveys.AnsweredMark",
        label="Anonymous surveys you answered",
        purpose=SURVEYS,
        fields=("member", "run"),
        export=("run__survey__title", "run__number"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="survey_response",
        owner=("member",),
        recipients="Used only to stop a second answer and to count who answered; no one can see what you answered",
        note="Only that you answered: nothing links this mark to your answer, which is not held as yours.",
    ),
    Declaration(
        model="surveys.Draft",
        label="Survey answers saved but not sent",
        purpose=SURVEYS,
        fields=("member", "answers", "saved_at"),
        export=("run__survey__title", "run__number", "saved_at", "answers"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="survey_response",
        owner=("member",),
        recipients="No one but you",
        note="Deleted when you send your answer.",
    ),
    Declaration(
        model="surveys.Characteristics",
        label="Your equality monitoring answers",
        purpose=SURVEYS,
        fields=("member", "consented_at", "age_band", "sex", "gender_identity", "ethnicity", "disability", "religion", "sexual_orientation"),
        export=("consented_at", "age_band", "sex", "gender_identity", "ethnicity", "disability", "religion", "sexual_orientation"),
        basis=CONSENT,
        special=EXPLICIT_CONSENT,
        retention="equality_data",
        owner=("member",),
        recipients="No one sees your answers: officers see only counts of groups of at least the threshold",
        note="Withdrawing consent deletes these answers at once.",
    ),
    _officer("surveys.Survey", ("created_by",), ("title", "kind", "created_at"), ("created_by__member",),
             "A survey's record says who set it up; it holds no one's answers."),
    _officer("surveys.FreeText", ("reviewed_by",), ("run__survey__title", "status", "reviewed_at"), ("reviewed_by__member",),
             "Who reviewed a free-text answer before publication explains what was published. The answer itself is linked to no one and is not exported."),
    _officer("surveys.OutcomeSet", ("imported_by",), ("title", "imported_at"), ("imported_by__member",),
             "Who imported a set of outcome counts is part of its record; it holds only group counts."),
]
