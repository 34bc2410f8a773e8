import django_filters
from django_filters.constants import EMPTY_VALUES

from sellerdesk.timezones import day_end, day_start


class LocalDateFilter(django_filters.DateFilter):
    """A calendar date on a date-time column, as a range in the viewer's timezone.

    "From 1 March" in an Auckland shop starts at 1 March 00:00 in Auckland (the middleware made
    it the active zone), not in the server's. `created_at__date >= d` would cast every row (no
    index can serve it); a bound on the column itself uses the (shop, created_at) indexes.
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
