"""When a periodic job falls due.

A schedule is a series of instants (slots): every five minutes, each day at
06:00, each Monday at 07:00. A job is due once in each slot: when it has not
started since the latest slot at or before now. Slots are computed, not
counted from the last run, so every worker process agrees on them, and a
worker that was down for a week runs a missed job once, not seven times.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_DAY = dt.timedelta(days=1)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Every:
    """Slots ``interval`` apart, counted from the Unix epoch in UTC (every 5
    minutes means :00, :05, :10 ... as cron would)."""

    interval: dt.timedelta

    def __post_init__(self):
        if self.interval <= dt.timedelta(0) or _DAY % self.interval:
            raise ValueError(f"an interval must divide a day evenly, not {self.interval}")

    def latest(self, now: dt.datetime) -> dt.datetime:
        return now - (now - _EPOCH) % self.interval

    def following(self, moment: dt.datetime) -> dt.datetime:
        """The first slot after ``moment``."""
        return self.latest(moment) + self.interval

    def __str__(self) -> str:
        seconds = int(self.interval.total_seconds())
        if seconds % 3600 == 0:
            hours = seconds // 3600
            return "every hour" if hours == 1 else f"every {hours} hours"
        if seconds % 60 == 0:
            minutes = seconds // 60
            return "every minute" if minutes == 1 else f"every {minutes} minutes"
        return f"every {seconds} seconds"


@dataclass(frozen=True)
class Daily:
    """Each day at ``at``, local time (settings.TIME_ZONE). Avoid 01:00-02:00,
    which happens twice or not at all when the clocks change."""

    at: dt.time

    def _on(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.at, tzinfo=timezone.get_current_timezone())

    def latest(self, now: dt.datetime) -> dt.datetime:
        day = timezone.localtime(now).date()
        slot = self._on(day)
        return slot if slot <= now else self._on(day - _DAY)

    def following(self, moment: dt.datetime) -> dt.datetime:
        day = timezone.localtime(moment).date()
        slot = self._on(day)
        return slot if slot > moment else self._on(day + _DAY)

    def __str__(self) -> str:
        return f"daily at {self.at:%H:%M}"


@dataclass(frozen=True)
class Weekly:
    """Each week on ``weekday`` (0 is Monday) at ``at``, local time."""

    weekday: int
    at: dt.time

    def __post_init__(self):
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday is 0 (Monday) to 6 (Sunday), not {self.weekday}")

    def _in_week_of(self, day: dt.date) -> dt.datetime:
        monday = day - dt.timedelta(days=day.weekday())
        return dt.datetime.combine(monday + dt.timedelta(days=self.weekday), self.at, tzinfo=timezone.get_current_timezone())

    def latest(self, now: dt.datetime) -> dt.datetime:
        day = timezone.localtime(now).date()
        slot = self._in_week_of(day)
        return slot if slot <= now else self._in_week_of(day - 7 * _DAY)

    def following(self, moment: dt.datetime) -> dt.datetime:
        day = timezone.localtime(moment).date()
        slot = self._in_week_of(day)
        return slot if slot > moment else self._in_week_of(day + 7 * _DAY)

    def __str__(self) -> str:
        return f"weekly on {_WEEKDAYS[self.weekday]} at {self.at:%H:%M}"
