"""When a shop is open: its opening periods in its own timezone, minus public holidays and its
closed days. All answers are aware datetimes; the arithmetic walks local days, so a DST change
or a shop in another timezone than the server's counts right.

Bounded: every walk looks at most HORIZON_DAYS ahead (a shop closed longer than that is simply
"closed until further notice" for the forecast)."""

import functools
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import holidays as holiday_calendars
from django.utils.translation import get_language

HORIZON_DAYS = 60
# Our languages as the holidays package names its translations.
HOLIDAY_LANGUAGES = {"es": "es", "en": "en_US"}


@functools.lru_cache(maxsize=256)
def _country_holidays(country: str, subdivision: str | None, language: str):
    """The package's holidays of one region in one language, built once per process (building
    them was a few milliseconds of every inbox request; the object adds years as it is asked)."""
    try:
        return holiday_calendars.country_holidays(country, subdiv=subdivision, language=language)
    except NotImplementedError:  # a country the package does not know
        return {}


@dataclass
class ShopCalendar:
    tz: zoneinfo.ZoneInfo
    weekly: dict[int, list[tuple[time, time]]] = field(default_factory=dict)
    closed_days: set[date] = field(default_factory=set)
    country: str = ""
    subdivision: str = ""
    _holidays: dict = field(default_factory=dict)  # by language of the names

    @property
    def configured(self) -> bool:
        """Opening periods were given; without them the shop counts as always open."""
        return any(self.weekly.values())

    def holiday_name(self, day: date) -> str | None:
        """The public holiday's name in the reader's language (where the package has it)."""
        if not self.country:
            return None
        language = HOLIDAY_LANGUAGES.get((get_language() or "es")[:2], "es")
        if language not in self._holidays:
            self._holidays[language] = _country_holidays(
                self.country, self.subdivision or None, language
            )
        return self._holidays[language].get(day)

    def is_closed_day(self, day: date) -> bool:
        return day in self.closed_days or self.holiday_name(day) is not None

    def _periods_of(self, day: date):
        if self.is_closed_day(day):
            return
        for opens, closes in self.weekly.get(day.weekday(), []):
            start = datetime.combine(day, opens, tzinfo=self.tz)
            end = datetime.combine(day, closes, tzinfo=self.tz)
            yield start.astimezone(UTC), end.astimezone(UTC)

    def open_periods(self, start: datetime, end: datetime):
        """The open periods overlapping [start, end), clipped to it, in order."""
        day = start.astimezone(self.tz).date() - timedelta(days=1)
        last = end.astimezone(self.tz).date() + timedelta(days=1)
        while day <= last:
            for opens, closes in self._periods_of(day):
                if closes > start and opens < end:
                    yield max(opens, start), min(closes, end)
            day += timedelta(days=1)

    def is_open(self, at: datetime) -> bool:
        if not self.configured:
            return True
        return any(True for _period in self.open_periods(at, at + timedelta(microseconds=1)))

    def next_opening(self, at: datetime) -> datetime | None:
        """`at` itself when open, else the next moment the shop opens (None past the horizon)."""
        if not self.configured:
            return at
        for opens, _closes in self.open_periods(at, at + timedelta(days=HORIZON_DAYS)):
            return opens
        return None

    def current_closing(self, at: datetime) -> datetime | None:
        """When the open period `at` falls in ends (None when closed at `at`)."""
        for _opens, closes in self.open_periods(at, at + timedelta(days=1)):
            if _opens <= at:
                return self._period_end(closes)
            return None
        return None

    def _period_end(self, closes: datetime) -> datetime:
        # Periods that touch (09:00-14:00, 14:00-18:00) close once, at the last one's end.
        for opens, later in self.open_periods(closes, closes + timedelta(days=1)):
            if opens == closes:
                return self._period_end(later)
            break
        return closes

    def last_open_moment(self, after: datetime, before: datetime) -> datetime | None:
        """The latest moment in [after, before] when the shop is open (None if it never is)."""
        if not self.configured:
            return before
        last = None
        for _opens, closes in self.open_periods(after, before):
            last = closes
        return last

    def add_open_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` open hours after `start` (for marketplaces that count business
        hours); wall-clock past the horizon or when no hours are configured."""
        if not self.configured:
            return start + timedelta(hours=hours)
        left = timedelta(hours=hours)
        for opens, closes in self.open_periods(start, start + timedelta(days=HORIZON_DAYS)):
            if closes - opens >= left:
                return opens + left
            left -= closes - opens
        return start + timedelta(hours=hours)


@dataclass(frozen=True)
class Forecast:
    """Where a thread's deadline falls against the shop's hours."""

    due_at: datetime
    due_while_closed: bool
    tz: zoneinfo.ZoneInfo
    answer_before: datetime | None  # the last open moment before it is due
    reopens_at: datetime | None  # when the shop opens again after the deadline (if closed)


def forecast_for(calendar: ShopCalendar, *, due_at: datetime, now: datetime) -> Forecast | None:
    """None when there is nothing to warn about (no hours configured)."""
    if not calendar.configured or due_at is None:
        return None
    if calendar.is_open(due_at):
        return Forecast(due_at, False, calendar.tz, due_at, None)
    return Forecast(
        due_at,
        True,
        calendar.tz,
        calendar.last_open_moment(now, due_at) if due_at > now else None,
        calendar.next_opening(due_at),
    )


def closures_between(calendar: ShopCalendar, start: datetime, end: datetime):
    """The closed stretches within [start, end) as (from, until) pairs (until may pass `end`)."""
    if not calendar.configured:
        return []
    closures, cursor = [], start
    for opens, closes in calendar.open_periods(start, end):
        if opens > cursor:
            closures.append((cursor, opens))
        cursor = max(cursor, closes)
    if cursor < end:
        closures.append((cursor, calendar.next_opening(cursor) or end))
    return closures
