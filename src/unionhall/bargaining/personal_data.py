"""Bargaining's personal data (issue 17's declarations). Registered from
BargainingConfig.ready().

A member's own: the commitments they follow, their interest in a job-
evaluation review (with any evidence they gave), their pay record and its
periods, and their back-pay queries. The rest is the union's bargaining
record (bodies, meetings, agreements, disputes, pay scales), which names
only the officer who recorded each thing."""

from unionhall.personal_data import CONSENT, LEGITIMATE_INTERESTS, NOT_FOR_PROFIT, Declaration, NoPersonalData, officer_record

PAY = "Your pay, back pay and job-evaluation reviews"
RECORD = "A bargaining record says who recorded it; it holds no member's data."


def _officer(model, fields, export, owner, reason=RECORD):
    return officer_record(model, fields, export, owner, reason)


DECLARATIONS = [
    Declaration(
        model="bargaining.BackPayQuery",
        label="Your back-pay queries",
        purpose=PAY,
        fields=("member", "employee_number", "question", "answer"),
        export=("settlement__title", "employee_number", "question", "raised_at", "due_on", "status", "answer", "answered_at"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="bargaining_query",
        owner=("member",),
        recipients="The officers who answer back-pay queries for your employer",
    ),
    Declaration(
        model="bargaining.PayRecord",
        label="Your pay record",
        purpose=PAY,
        fields=("member", "employee_number", "anniversary"),
        export=("employer__name", "employee_number", "anniversary"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="bargaining_query",
        owner=("member",),
        recipients="The officers who work out back pay for your employer",
    ),
    Declaration(
        model="bargaining.PayPeriod",
        label="Periods of your pay record",
        purpose=PAY,
        fields=("record", "starts_on", "ends_on", "band", "point", "hours", "full_time_hours"),
        export=("starts_on", "ends_on", "band", "point", "hours", "full_time_hours"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="bargaining_query",
        owner=("record__member",),
        recipients="The officers who work out back pay for your employer",
    ),
    Declaration(
        model="bargaining.JobReviewInterest",
        label="Job-evaluation reviews you registered for",
        purpose=PAY,
        fields=("member", "evidence"),
        export=("review__employer__name", "review__role_title", "review__status", "evidence", "registered_at"),
        basis=LEGITIMATE_INTERESTS,
        special=NOT_FOR_PROFIT,
        retention="bargaining_query",
        owner=("member",),
        recipients="The officers who follow job-evaluation reviews for your employer",
    ),
    Declaration(
        model="bargaining.CommitmentFollower",
        label="Commitments you follow",
        purpose=PAY,
        fields=("member", "since"),
        export=("commitment__title", "commitment__status", "since"),
        basis=CONSENT,
        special=NOT_FOR_PROFIT,
        retention="bargaining_query",
        owner=("member",),
        recipients="No one: it decides which updates you are sent",
        note="Stop following, or ask for erasure, and it is deleted.",
    ),
    _officer("bargaining.BodyStatusChange", ("recorded_by",), ("body__name", "status", "on"), ("recorded_by__member",)),
    _officer("bargaining.BodyMeeting", ("recorded_by",), ("body__name", "held_on"), ("recorded_by__member",)),
    _officer("bargaining.Document", ("uploaded_by",), ("title", "uploaded_at"), ("uploaded_by__member",)),
    _officer("bargaining.Agreement", ("created_by",), ("title", "agreed_on", "created_at"), ("created_by__member",),
             reason="An agreement's record says who entered it; who signed it is part of the agreement."),
    _officer("bargaining.Dispute", ("created_by",), ("title", "opened_on"), ("created_by__member",)),
    _officer("bargaining.DisputeStage", ("recorded_by",), ("dispute__title", "stage", "on"), ("recorded_by__member",)),
    _officer("bargaining.CommitmentUpdate", ("recorded_by",), ("commitment__title", "status", "on", "recorded_at"), ("recorded_by__member",)),
    _officer("bargaining.PayScale", ("imported_by",), ("employer__name", "name", "imported_at"), ("imported_by__member",),
             reason="Who imported a pay scale is part of its record; the scale itself holds no one's pay."),
    NoPersonalData("bargaining.NegotiatingBody", "A negotiating body's name and constitution; its union side is offices, declared with members.Office."),
]
