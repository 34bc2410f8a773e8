import django_filters
from django.db.models import Q
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


class OrderFilter(django_filters.FilterSet):
    state = LowerCaseChoiceFilter(label=_("State"), choices=_lower_choices(OrderState.choices))
    reference = django_filters.CharFilter(label=_("Order number"), lookup_expr="icontains")
    customer = django_filters.CharFilter(
        label=_("Customer"), field_name="customer_name", lookup_expr="icontains"
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
    shipped_after = safe_filters.IsoDateTimeFilter(
        label=_("Shipped after"), field_name="shipped_at", lookup_expr="gte"
    )
    shipped_before = safe_filters.IsoDateTimeFilter(
        label=_("Shipped before"), field_name="shipped_at", lookup_expr="lt"
    )

    class Meta:
        model = Order
        fields = []

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
        return queryset.filter(Q(reference__icontains=value) | Q(customer_name__icontains=value))
