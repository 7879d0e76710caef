"""Every periodic job, in one table. ``manage.py worker`` runs each when due;
``manage.py worker --list`` shows them with their last run and next time.

A new app adds a row here: a plain function (no arguments, or ``now=``, or
``today=``) that does what is due and is safe to run again, since a run
killed part-way is run again. Paths are imported only when the job runs, so
a row whose function is still being written (``pending``) is skipped and
reported, not fatal, and this module imports no app.
"""

import datetime as dt
from dataclasses import dataclass

from unionhall.jobs.schedule import Daily, Every, Weekly

Schedule = Every | Daily | Weekly

MINUTE = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Job:
    name: str
    path: str  # dotted path of the function
    schedule: Schedule
    why: str
    # Set while the function is still being written (say by whom or where):
    # until then the worker skips the job and says so, rather than failing it.
    pending: str = ""
    # A run unfinished after this long is taken to have died with its worker
    # (killed, machine lost), and the job may be claimed again.
    timeout: dt.timedelta = dt.timedelta(hours=1)


JOBS: tuple[Job, ...] = (
    Job(
        "ballot-reminders",
        "unionhall.ballots.reminders.send_due_reminders",
        Every(MINUTE),
        "HQ schedules a reminder to vote for a time while the ballot is open; non-voters get it then.",
    ),
    Job(
        "bulletin-release",
        "unionhall.bulletins.delivery.release_due_bulletins",
        Every(MINUTE),
        "A scheduled bulletin is published and emailed at the time its editor chose.",
    ),
    Job(
        "outbox",
        "unionhall.outbox.sending.send_due",
        Every(MINUTE),
        "Messages whose retry time has come, or whose sending task was lost, are sent; abandoned sends are marked failed.",
    ),
    Job(
        "digests",
        "unionhall.bulletins.notifications.send_digests",
        Weekly(0, dt.time(7, 0)),
        "Members who chose the weekly digest get the week's bulletins in one email on Monday morning.",
    ),
    Job(
        "term-warnings",
        "unionhall.members.services.offices_warn_ending",
        Daily(dt.time(6, 0)),
        "Officers hear UNIONHALL_TERM_WARNING_DAYS before their term ends, in time to run an election.",
    ),
    Job(
        "mandate-warnings",
        "unionhall.mandates.services.mandates_warn_lapsing",
        Daily(dt.time(6, 5)),
        "HQ hears before an industrial action mandate lapses; action after that needs a new ballot.",
    ),
    Job(
        "audit-witness",
        "unionhall.jobs.housekeeping.audit_witness",
        Daily(dt.time(3, 30)),
        "The audit log's head is published outside the database, so cutting the log's tail is caught.",
    ),
    Job(
        "audit-verify",
        "unionhall.jobs.housekeeping.audit_chain_check",
        Daily(dt.time(4, 0)),
        "The audit log's hash chain is checked every night; a break is logged as an error and shown in --list.",
        timeout=dt.timedelta(hours=6),
    ),
    Job(
        "sessions-clear",
        "unionhall.jobs.housekeeping.clear_expired_sessions",
        Daily(dt.time(4, 30)),
        "Expired sign-in sessions are deleted rather than kept in the database for ever.",
    ),
    Job(
        "task-results-prune",
        "unionhall.jobs.housekeeping.prune_task_results",
        Daily(dt.time(4, 45)),
        "Finished background tasks are deleted after two weeks (failed ones after four) so the queue's table stays small.",
    ),
    Job(
        "campaign-letters-expire",
        "unionhall.campaigns.services.letters_expire",
        Daily(dt.time(5, 0)),
        "A campaign letter never confirmed is withdrawn, and its text and address erased, once its link expires (sent letters go by the retention schedule).",
    ),
    Job(
        "bargaining-commitments",
        "unionhall.bargaining.notifications.commitments_daily",
        Daily(dt.time(6, 30)),
        "Follows of an employer's commitment by members who no longer work there are dropped; negotiators are reminded of commitments due within two weeks; followers and negotiators are told once when a commitment becomes overdue.",
    ),
    Job(
        "survey-runs-open",
        "unionhall.surveys.services.open_due_runs",
        Daily(dt.time(6, 10)),
        "Monthly surveys (the workload pulse) open their next run a month after the last, and invite their audience.",
    ),
    Job(
        "survey-runs-close",
        "unionhall.surveys.services.close_due_runs",
        Every(MINUTE * 60),
        "A survey run whose window has passed is closed: answers shuffled, free text queued for review, results protected and published.",
        timeout=dt.timedelta(hours=3),
    ),
    Job(
        "casework-reminders",
        "unionhall.casework.reminders.send_deadline_reminders",
        Daily(dt.time(6, 15)),
        "Reps and branch secretaries hear 14, 7, 3 and 1 days before a case deadline; each reminder is queued once.",
    ),
    Job(
        "casework-idle-flags",
        "unionhall.casework.reminders.flag_idle_deadlines",
        Daily(dt.time(6, 20)),
        "A case with a deadline under seven days away and nothing recorded by its rep for seven days is flagged to the branch.",
    ),
    Job(
        "retention",
        "unionhall.datarights.retention.retention_nightly",
        Daily(dt.time(2, 45)),
        "HQ's retention schedule is applied: what is due is deleted or anonymised in batches, an unfinished run resumed; one audit entry per kind with how many.",
        timeout=dt.timedelta(hours=3),
    ),
    Job(
        "campaign-reply-asks",
        "unionhall.campaigns.replies.letters_ask_replies",
        Daily(dt.time(10, 0)),
        "Two weeks after a campaign letter went, its writer is asked once whether the recipient replied.",
    ),
    Job("campaign-evidence-forget", "unionhall.campaigns.evidence.evidence_forget", Daily(dt.time(5, 5)), "A call for evidence's submissions and their files are deleted its set months (12 unless set) after it closes; the counts and the packs' record stay."),  # fmt: skip
)
