"""The jobs app holds no personal data (issue 17). Registered from JobsConfig.ready()."""

from unionhall.personal_data import NoPersonalData

DECLARATIONS = [
    NoPersonalData("jobs.JobRun", "A periodic job's name and when it last ran."),
    NoPersonalData(
        "django_tasks_database.DBTaskResult",
        "One-off tasks' queue and backend names; a task's arguments are ids, kept until the task has run.",
    ),
]
