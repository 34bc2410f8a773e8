import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from orders.freeze import frozen_q
from orders.models import Order, OrderState
from sellerdesk import filters as safe_filters
from sellerdesk.filters import LocalDateFilter


class LowerCaseChoiceFilter(django_filters.ChoiceFilter):
    """The API speaks lower-case enumerations ("shipped"); the database stores "SHIPPED"."""

    def filter(self, qs, value):
        return super().filter(qs, value.upper() if value else value)


def _lower_choices(choices):
    return [(value.lower(), label) for value, label in choices]


def _with_or_without(queryset, value, related):
    if value is None:
        return queryset
    return queryset.filter(Exists(related)) if value else queryset.exclude(Exists(related))


class OrderFilter(django_filters.FilterSet):
    state = LowerCaseChoiceFilter(label=_("State"), choices=_lower_choices(OrderState.choices))
    reference = django_filters.CharFilter(label=_("Order number"), lookup_expr="normcontains")
    customer = django_filters.CharFilter(
        label=_("Customer"), field_name="customer_name", lookup_expr="normcontains"
    )
    has_open_incident = django_filters.BooleanFilter(
        label=_("Has an open incident"), method="filter_has_open_incident"
    )
    created_after = safe_filters.IsoDateTimeFilter(
        label=_("Created after"), field_name="created_at", lookup_expr="gte"
    )
    created_before = safe_filters.IsoDateTimeFilter(
        label=_("Created before"), field_name="created_at", lookup_expr="lt"
    )
    # The dashboard's incident and refund rates count the orders shipped in a period that had an
    # incident, or a refund that counts: these two filters list exactly those orders.
    had_incident = django_filters.BooleanFilter(
        label=_("Had an incident"), method="filter_had_incident"
    )
    refunded = django_filters.BooleanFilter(
        label=_("Has a refund (not refused)"), method="filter_refunded"
    )
    shipped_after = safe_filters.IsoDateTimeFilter(
        label=_("Shipped after"), field_name="shipped_at", lookup_expr="gte"
    )
    shipped_before = safe_filters.IsoDateTimeFilter(
        label=_("Shipped before"), field_name="shipped_at", lookup_expr="lt"
    )

    class Meta:
        model = Order
        fields = []

    def filter_had_incident(self, queryset, name, value):
        # `orders` imports no other app: the incidents are reached through their relation.
        incidents = Order._meta.get_field("incidents").related_model.objects
        return _with_or_without(queryset, value, incidents.filter(order=OuterRef("pk")))

    def filter_refunded(self, queryset, name, value):
        # The refunds app's own rule of a refund that counts (not REFUSED), through the relation.
        refunds = Order._meta.get_field("refunds").related_model.objects
        return _with_or_without(queryset, value, refunds.counting().filter(order=OuterRef("pk")))

    def filter_has_open_incident(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(frozen_q()) if value else queryset.exclude(frozen_q())


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
