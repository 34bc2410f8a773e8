"""Statistics periods: the last 7, 30, 90 (180, 365) calendar days of a shop, in its timezone.

A period is half-open, [start, end): it starts at midnight of its first day and ends at
midnight after today, both in the shop's timezone, so an event exactly at the start counts
and one exactly at the end belongs to the next period. The previous period is the same
number of calendar days just before it (a day across a DST change lasts 23 or 25 hours, so
the bounds are built from local dates, never by subtracting hours).
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sellerdesk.errors import DomainError

# The pages offer the first three; the APIs also take half a year and a year (the Mirakl-compatible
# API's LAST_SIX_MONTHS and LAST_YEAR).
PERIOD_DAYS = {"7d": 7, "30d": 30, "90d": 90, "180d": 180, "365d": 365}
DEFAULT_PERIOD = "30d"
PERIOD_CHOICES = [
    ("7d", _("Last 7 days")),
    ("30d", _("Last 30 days")),
    ("90d", _("Last 90 days")),
]


def parse_period(value: str | None, *, default: str | None = DEFAULT_PERIOD) -> str:
    """A period key ("7d", "30d", "90d"); missing → default. Raises DomainError `invalid`."""
    if value in (None, "") and default is not None:
        return default
    if value not in PERIOD_DAYS:
        message = _("Choose a period among: %(choices)s.") % {"choices": ", ".join(PERIOD_DAYS)}
        raise DomainError(message, code="invalid", fields={"period": [message]})
    return value


def _local_midnight(day: date, tz: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


@dataclass(frozen=True)
class Period:
    """One period of a shop and the one before it, as aware datetimes and local dates."""

    key: str
    days: int
    tz: zoneinfo.ZoneInfo
    first_day: date  # local date of `start`
    start: datetime
    end: datetime
    previous_start: datetime
    now: datetime

    @property
    def previous_end(self) -> datetime:
        return self.start

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=self.days - 1)

    @property
    def previous_first_day(self) -> date:
        return self.first_day - timedelta(days=self.days)

    def day_list(self) -> list[date]:
        """Every local date of the period, oldest first: the x axis of the daily charts."""
        return [self.first_day + timedelta(days=offset) for offset in range(self.days)]


def period_bounds(*, period: str, tz, now: datetime | None = None) -> Period:
    """The period ending with today (in `tz`) and the same number of days before it."""
    days = PERIOD_DAYS[parse_period(period, default=None)]
    tz = zoneinfo.ZoneInfo(tz) if isinstance(tz, str) else tz
    now = now or timezone.now()
    today = now.astimezone(tz).date()
    first_day = today - timedelta(days=days - 1)
    return Period(
        key=period,
        days=days,
        tz=tz,
        first_day=first_day,
        start=_local_midnight(first_day, tz),
        end=_local_midnight(today + timedelta(days=1), tz),
        previous_start=_local_midnight(first_day - timedelta(days=days), tz),
        now=now,
    )
