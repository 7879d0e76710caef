"""Conference's personal data (issue 17): delegates, the standing orders
committee, attendance and the officers who recorded business. Registered from
ConferenceConfig.ready()."""

from unionhall.personal_data import KEEP, LEGITIMATE_INTERESTS, Declaration, NoPersonalData

RECORD = "Conference business (who was a delegate, who put a motion, who recorded a vote) is the union's democratic record."


CONFERENCE = "Conference and meetings"


def _kept(model, purpose, fields, export, owner, retention="conference_record", label=""):
    return Declaration(
        model=model, purpose=purpose, fields=fields, export=export, owner=owner, basis=LEGITIMATE_INTERESTS,
        retention=retention, erasure=KEEP, keep_reason=RECORD, label=label,
    )  # fmt: skip


DECLARATIONS = [
    _kept("conference.Delegate", CONFERENCE, ("member", "branch", "registered_by"),
          ("conference__title", "branch__name", "registered_at"), ("member", "registered_by__member"),
          label="Conferences you were a delegate to"),
    _kept("conference.SocMember", "Conference and meetings", ("member", "appointed_by"),
          ("conference__title", "appointed_at"), ("member", "appointed_by__member")),
    _kept("conference.Meeting", "Conference and meetings", ("attendees", "created_by"),
          ("body__name", "held_on", "title"), ("attendees", "created_by__member")),
    _kept("conference.Motion", CONFERENCE, ("submitted_by",),
          ("conference__title", "number", "title", "branch__name", "submitted_at", "status", "outcome"), ("submitted_by__member",),
          label="Motions you put forward"),
    _kept("conference.Amendment", CONFERENCE, ("submitted_by",),
          ("motion__conference__title", "motion__title", "letter", "branch__name", "submitted_at", "status", "outcome"),
          ("submitted_by__member",), label="Amendments you put forward"),
    _kept("conference.Card", CONFERENCE, ("delegate", "choice"),
          ("vote__motion__conference__title", "vote__motion__title", "branch__name", "choice", "weight", "cast_at"),
          ("delegate__member",), label="Card votes you cast for your branch"),
    _kept("conference.Vote", "Records of your work as an officer", ("recorded_by",),
          ("motion__title", "method", "opened_at"), ("recorded_by__member",)),
    _kept("conference.Decision", "Records of your work as an officer", ("recorded_by",),
          ("meeting__title", "minute", "recorded_at"), ("recorded_by__member",)),
    _kept("conference.ResolutionUpdate", "Records of your work as an officer", ("by",),
          ("resolution__title", "status", "on"), ("by__member",)),
    NoPersonalData("conference.Body", "The name of a decision-making body (the NEC, the officers group)."),
]
