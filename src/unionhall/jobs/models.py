"""The record of each periodic job's last run, shared by every worker process."""

from django.db import models


class JobRun(models.Model):
    """The last run of one job of ``unionhall.jobs.table.JOBS``.

    A worker claims a run by moving ``last_started`` on from the value it read
    (``unionhall.jobs.runner.claim``), so of several workers that find the job
    due at once, one runs it; a restart reads the same row and does not run a
    daily job twice. ``last_finished`` is empty while a run is under way."""

    name = models.CharField(max_length=64, unique=True)
    last_started = models.DateTimeField(null=True, blank=True)
    last_finished = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(null=True)
    last_error = models.TextField(blank=True, help_text="the traceback of the last run, if it failed")
    worker = models.CharField(max_length=64, blank=True, help_text="the worker process that claimed the last run")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} (last started {self.last_started or 'never'})"

    @property
    def under_way(self) -> bool:
        return self.last_started is not None and self.last_finished is None
