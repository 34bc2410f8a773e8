import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.filters import LowerCaseChoiceFilter
from refunds.models import Refund, RefundState


class RefundFilter(django_filters.FilterSet):
    state = LowerCaseChoiceFilter(
        label=_("State"), choices=[(value.lower(), label) for value, label in RefundState.choices]
    )
    order = django_filters.CharFilter(label=_("Order (id or number)"), method="filter_order")
    created_after = django_filters.IsoDateTimeFilter(
        label=_("Created after"), field_name="created_at", lookup_expr="gte"
    )
    created_before = django_filters.IsoDateTimeFilter(
        label=_("Created before"), field_name="created_at", lookup_expr="lt"
    )

    class Meta:
        model = Refund
        fields = []

    def filter_order(self, queryset, name, value):
        value = value.strip()
        match = Q(order__reference__iexact=value)
        if value.isdigit():
            match |= Q(order_id=int(value))
        return queryset.filter(match)


class OperatorRefundFilter(RefundFilter):
    shop = django_filters.CharFilter(label=_("Shop code"), field_name="shop__code")


class RefundPageFilter(RefundFilter):
    """The page's filters take plain dates (a calendar) and part of an order number."""

    order = django_filters.CharFilter(
        label=_("Order number"), field_name="order__reference", lookup_expr="normcontains"
    )
    created_after = django_filters.DateFilter(
        label=_("Created from"), field_name="created_at", lookup_expr="date__gte"
    )
    created_before = django_filters.DateFilter(
        label=_("Created until"), field_name="created_at", lookup_expr="date__lte"
    )
