"""Inbox filters: the seed's four (subject, customer name, order number, date of last message)
and unread, deadline status, participant and reason. The API and the page share them."""

from datetime import datetime, time, timedelta

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hours.selectors import due_while_closed_q, shop_calendar
from messaging.models import DeadlineStatus, ReasonKind, Thread, unread_q
from messaging.search import search_threads
from messaging.selectors import AWAITING_REPLY, deadline_q

# A forecast, not a status: awaiting threads whose deadline falls while the shop is closed.
WHILE_CLOSED = "while_closed"
DEADLINE_CHOICES = [
    (AWAITING_REPLY, _("Awaiting my reply")),
    (WHILE_CLOSED, _("Goes overdue while you are closed")),
    (DeadlineStatus.OK.value, _("Awaiting reply, on time")),
    (DeadlineStatus.DUE_SOON.value, _("Due soon")),
    (DeadlineStatus.OVERDUE.value, _("Overdue")),
    (DeadlineStatus.NONE.value, _("Nothing awaited")),
]
PARTICIPANT_CHOICES = [("customer", _("With the customer")), ("operator", _("With the operator"))]


class ThreadFilter(django_filters.FilterSet):
    subject = django_filters.CharFilter(label=_("Subject"), lookup_expr="normcontains")
    customer = django_filters.CharFilter(
        label=_("Customer"), field_name="order__customer_name", lookup_expr="normcontains"
    )
    order = django_filters.CharFilter(
        label=_("Order number"), field_name="order__reference", lookup_expr="normcontains"
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
    # Last, so the ranking it orders by is what the list keeps.
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_(
            "Words in the subject or the messages (Spanish and English, accents and case "
            "ignored), or part of the customer's name or the order number; ranked, best first."
        ),
    )

    class Meta:
        model = Thread
        fields = []

    def filter_search(self, queryset, name, value):
        if not (value or "").strip():
            return queryset
        return search_threads(queryset, value)

    def filter_unread(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(unread_q()) if value else queryset.exclude(unread_q())

    def filter_deadline(self, queryset, name, value):
        if not value:
            return queryset
        if value == WHILE_CLOSED:
            return self._due_while_closed(queryset)
        return queryset.filter(deadline_q(value, now=timezone.now()))

    def _due_while_closed(self, queryset):
        # Needs the shop's hours: a seller's request (an operator's list spans shops: nothing).
        user = getattr(self.request, "user", None)
        shop = getattr(user, "shop", None) if user is not None else None
        if shop is None:
            return queryset.none()
        calendar = shop_calendar(shop=shop)
        return queryset.filter(due_while_closed_q(calendar=calendar))

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

    # Days are turned into a range of times (not `__date`), so the index on last_message_at works.
    def filter_from_day(self, queryset, name, value):
        return queryset.filter(last_message_at__gte=_day_start(value))

    def filter_until_day(self, queryset, name, value):
        return queryset.filter(last_message_at__lt=_day_start(value + timedelta(days=1)))


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
