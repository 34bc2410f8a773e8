"""Filters whose values are checked against what the database can hold (sellerdesk.validation)."""

import django_filters

from sellerdesk.validation import StorableDateField, StorableIsoDateTimeField


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time filter: an offset or year PostgreSQL refuses is a 400, not a 500."""

    field_class = StorableIsoDateTimeField


class DateFilter(django_filters.DateFilter):
    """A calendar-date filter whose day may be moved by one without overflowing."""

    field_class = StorableDateField
