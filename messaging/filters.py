"""Inbox filters: the seed's four (subject, customer name, order number, date of last message)
and unread, deadline status, participant and reason. The API and the page share them."""

import django_filters
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hours.selectors import due_while_closed_q, shop_calendar_cached
from messaging.models import DeadlineStatus, Reason, ReasonKind, ReplyWait, Thread, unread_q
from messaging.search import search_threads
from messaging.selectors import AWAITING_REPLY, deadline_q
from sellerdesk import filters as safe_filters
from sellerdesk.filters import LocalDateFilter
from sellerdesk.timezones import day_end, day_start

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
WAIT_JUDGED = "judged"
WAIT_ANSWERED = "answered"
WAIT_CHOICES = [
    (WAIT_JUDGED, _("Answered, or late without an answer")),
    (WAIT_ANSWERED, _("Answered")),
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
    last_message_after = safe_filters.IsoDateTimeFilter(
        label=_("Last message after"), field_name="last_message_at", lookup_expr="gte"
    )
    last_message_before = safe_filters.IsoDateTimeFilter(
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
        calendar = shop_calendar_cached(shop=shop)
        return queryset.filter(due_while_closed_q(calendar=calendar))

    def filter_participant(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"with_{value}": True})

    def filter_reason(self, queryset, name, value):
        if not value:
            return queryset
        # A scalar subquery, not a join: the planner then reads (shop, reason, last_message_at)
        # in the list's order instead of every thread of that reason in every shop.
        reason_id = Reason.objects.filter(kind=ReasonKind.MESSAGE, code=value).values("pk")[:1]
        return queryset.filter(reason_id=Subquery(reason_id))


class ThreadPageFilter(ThreadFilter):
    """The page takes plain dates (a calendar) for the last message, the API ISO date-times."""

    last_message_after = LocalDateFilter(
        label=_("Last message from"), field_name="last_message_at", bound="from"
    )
    last_message_before = LocalDateFilter(
        label=_("Last message until"), field_name="last_message_at", bound="until"
    )
    # What the dashboard's reply tiles count: the shop's waits (`ReplyWait`, the deadline's own
    # rule) that started in a period; answered ones (the delays) or every judged one (answered,
    # or unanswered past due: the "answered within 48 h" share).
    wait_started_after = safe_filters.DateFilter(
        label=_("Waiting for you since, from"), method="filter_wait_from"
    )
    wait_started_before = safe_filters.DateFilter(
        label=_("Waiting for you since, until"), method="filter_wait_until"
    )
    wait = django_filters.ChoiceFilter(
        label=_("Those waits"),
        choices=WAIT_CHOICES,
        method="filter_wait_from",
    )

    def filter_wait_from(self, queryset, name, value):
        return queryset  # the bounds and the kind apply to the same wait: see filter_queryset

    filter_wait_until = filter_wait_from

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        start = self.form.cleaned_data.get("wait_started_after")
        until = self.form.cleaned_data.get("wait_started_before")
        if not (start or until):
            return queryset
        if self.form.cleaned_data.get("wait") == WAIT_ANSWERED:
            waits = ReplyWait.objects.answered()
        else:
            waits = ReplyWait.objects.judged(timezone.now())
        # The outer queryset is the shop's already; the days are the viewer's (a seller's: the
        # shop's), as the dashboard's periods are.
        if start:
            waits = waits.filter(started_at__gte=day_start(start))
        if until:
            waits = waits.filter(started_at__lt=day_end(until))
        return queryset.filter(pk__in=waits.values("thread_id"))
