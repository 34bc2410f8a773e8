"""Inbox filters: the seed's four (subject, customer name, order number, date of last message)
and unread, deadline status, participant and reason. The API and the page share them."""

from datetime import datetime, time, timedelta

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from messaging.models import DeadlineStatus, ReasonKind, Thread, unread_q
from messaging.selectors import AWAITING_REPLY, deadline_q, wait_starts
from sellerdesk.tenancy import ALL_SHOPS

DEADLINE_CHOICES = [
    (AWAITING_REPLY, _("Awaiting my reply")),
    (DeadlineStatus.OK.value, _("Awaiting reply, on time")),
    (DeadlineStatus.DUE_SOON.value, _("Due soon")),
    (DeadlineStatus.OVERDUE.value, _("Overdue")),
    (DeadlineStatus.NONE.value, _("Nothing awaited")),
]
PARTICIPANT_CHOICES = [("customer", _("With the customer")), ("operator", _("With the operator"))]


class ThreadFilter(django_filters.FilterSet):
    subject = django_filters.CharFilter(label=_("Subject"), lookup_expr="icontains")
    customer = django_filters.CharFilter(
        label=_("Customer"), field_name="order__customer_name", lookup_expr="icontains"
    )
    order = django_filters.CharFilter(
        label=_("Order number"), field_name="order__reference", lookup_expr="icontains"
    )
    last_message_after = django_filters.IsoDateTimeFilter(
        label=_("Last message after"), field_name="last_message_at", lookup_expr="gte"
    )
    last_message_before = django_filters.IsoDateTimeFilter(
        label=_("Last message before"), field_name="last_message_at", lookup_expr="lt"
    )
    unread = django_filters.BooleanFilter(label=_("Unread"), method="filter_unread")
    deadline = django_filters.ChoiceFilter(
        label=_("Reply deadline"), choices=DEADLINE_CHOICES, method="filter_deadline"
    )
    participant = django_filters.ChoiceFilter(
        label=_("With"), choices=PARTICIPANT_CHOICES, method="filter_participant"
    )
    reason = django_filters.CharFilter(label=_("Reason"), method="filter_reason")

    class Meta:
        model = Thread
        fields = []

    def filter_unread(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(unread_q()) if value else queryset.exclude(unread_q())

    def filter_deadline(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(deadline_q(value, now=timezone.now()))

    def filter_participant(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"with_{value}": True})

    def filter_reason(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(reason__kind=ReasonKind.MESSAGE, reason__code=value)


class ThreadPageFilter(ThreadFilter):
    """The page takes plain dates (a calendar) for the last message, the API ISO date-times."""

    last_message_after = django_filters.DateFilter(
        label=_("Last message from"), method="filter_from_day"
    )
    last_message_before = django_filters.DateFilter(
        label=_("Last message until"), method="filter_until_day"
    )
    # What the dashboard's reply-delay tiles count: waits for the shop that started in a period.
    wait_started_after = django_filters.DateFilter(
        label=_("Waiting for you since, from"), method="filter_wait_from"
    )
    wait_started_before = django_filters.DateFilter(
        label=_("Waiting for you since, until"), method="filter_wait_until"
    )

    # Days are turned into a range of times (not `__date`), so the index on last_message_at works.
    def filter_from_day(self, queryset, name, value):
        return queryset.filter(last_message_at__gte=_day_start(value))

    def filter_until_day(self, queryset, name, value):
        return queryset.filter(last_message_at__lt=_day_start(value + timedelta(days=1)))

    def filter_wait_from(self, queryset, name, value):
        return queryset  # both bounds apply to the same wait: see filter_queryset

    filter_wait_until = filter_wait_from

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        start = self.form.cleaned_data.get("wait_started_after")
        until = self.form.cleaned_data.get("wait_started_before")
        if not (start or until):
            return queryset
        starts = wait_starts(shop=ALL_SHOPS)  # the outer queryset is the shop's already
        if start:
            starts = starts.filter(created_at__gte=_day_start(start))
        if until:
            starts = starts.filter(created_at__lt=_day_start(until + timedelta(days=1)))
        return queryset.filter(pk__in=starts.values("thread_id"))


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
