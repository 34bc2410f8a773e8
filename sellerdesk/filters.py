"""Filters whose values are checked against what the database can hold (sellerdesk.validation),
and calendar-date filters that count days in the viewer's timezone."""

import django_filters
from django_filters.constants import EMPTY_VALUES

from sellerdesk.timezones import day_end, day_start
from sellerdesk.validation import StorableDateField, StorableIsoDateTimeField


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time filter: an offset or year PostgreSQL refuses is a 400, not a 500."""

    field_class = StorableIsoDateTimeField


class DateFilter(django_filters.DateFilter):
    """A calendar-date filter whose day may be moved by one without overflowing."""

    field_class = StorableDateField


class LocalDateFilter(DateFilter):
    """A calendar date on a date-time column, as a range in the viewer's timezone.

    "From 1 March" in an Auckland shop starts at 1 March 00:00 in Auckland (the middleware made
    it the active zone), not in the server's. `created_at__date >= d` would cast every row (no
    index can serve it); a bound on the column itself uses the (shop, created_at) indexes.
    The field is the storable one, so the day after the last one cannot overflow.
    """

    def __init__(self, *args, bound: str, **kwargs):
        self.bound = bound  # "from" (start of the day) or "until" (end of the day)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        if self.bound == "until":
            return qs.filter(**{f"{self.field_name}__lt": day_end(value)})
        return qs.filter(**{f"{self.field_name}__gte": day_start(value)})
