from datetime import datetime, time, timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from orders.freeze import frozen_q
from orders.models import Order, OrderState


class LowerCaseChoiceFilter(django_filters.ChoiceFilter):
    """The API speaks lower-case enumerations ("shipped"); the database stores "SHIPPED"."""

    def filter(self, qs, value):
        return super().filter(qs, value.upper() if value else value)


def _lower_choices(choices):
    return [(value.lower(), label) for value, label in choices]


class OrderFilter(django_filters.FilterSet):
    state = LowerCaseChoiceFilter(label=_("State"), choices=_lower_choices(OrderState.choices))
    reference = django_filters.CharFilter(label=_("Order number"), lookup_expr="normcontains")
    customer = django_filters.CharFilter(
        label=_("Customer"), field_name="customer_name", lookup_expr="normcontains"
    )
    has_open_incident = django_filters.BooleanFilter(
        label=_("Has an open incident"), method="filter_has_open_incident"
    )
    created_after = django_filters.IsoDateTimeFilter(
        label=_("Created after"), field_name="created_at", lookup_expr="gte"
    )
    created_before = django_filters.IsoDateTimeFilter(
        label=_("Created before"), field_name="created_at", lookup_expr="lt"
    )
    shipped_after = django_filters.IsoDateTimeFilter(
        label=_("Shipped after"), field_name="shipped_at", lookup_expr="gte"
    )
    shipped_before = django_filters.IsoDateTimeFilter(
        label=_("Shipped before"), field_name="shipped_at", lookup_expr="lt"
    )

    class Meta:
        model = Order
        fields = []

    def filter_has_open_incident(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(frozen_q()) if value else queryset.exclude(frozen_q())


class LocalDateFilter(django_filters.DateFilter):
    """A calendar date on a date-time column, as a range in the current timezone.

    `created_at__date >= d` would cast every row (no index can serve it); a bound on the
    column itself uses the (shop, created_at) index.
    """

    def __init__(self, *args, bound: str, **kwargs):
        self.bound = bound  # "from" (start of the day) or "until" (end of the day)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        day = value + timedelta(days=1) if self.bound == "until" else value
        start = timezone.make_aware(datetime.combine(day, time.min))
        lookup = "lt" if self.bound == "until" else "gte"
        return qs.filter(**{f"{self.field_name}__{lookup}": start})


class OrderPageFilter(OrderFilter):
    """The page's filters take plain dates (a calendar), the API's take ISO date-times."""

    created_after = LocalDateFilter(label=_("Created from"), field_name="created_at", bound="from")
    created_before = LocalDateFilter(
        label=_("Created until"), field_name="created_at", bound="until"
    )
    shipped_after = LocalDateFilter(label=_("Shipped from"), field_name="shipped_at", bound="from")
    shipped_before = LocalDateFilter(
        label=_("Shipped until"), field_name="shipped_at", bound="until"
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(reference__normcontains=value) | Q(customer_name__normcontains=value)
        )
