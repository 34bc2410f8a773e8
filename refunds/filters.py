import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.filters import LowerCaseChoiceFilter
from refunds.models import Refund, RefundState
from sellerdesk import filters as safe_filters
from sellerdesk.filters import LocalDateFilter
from sellerdesk.validation import parse_id


class RefundFilter(django_filters.FilterSet):
    state = LowerCaseChoiceFilter(
        label=_("State"), choices=[(value.lower(), label) for value, label in RefundState.choices]
    )
    order = django_filters.CharFilter(label=_("Order (id or number)"), method="filter_order")
    created_after = safe_filters.IsoDateTimeFilter(
        label=_("Created after"), field_name="created_at", lookup_expr="gte"
    )
    created_before = safe_filters.IsoDateTimeFilter(
        label=_("Created before"), field_name="created_at", lookup_expr="lt"
    )

    class Meta:
        model = Refund
        fields = []

    def filter_order(self, queryset, name, value):
        value = value.strip()
        match = Q(order__reference__iexact=value)
        order_id = parse_id(value)
        if order_id is not None:
            match |= Q(order_id=order_id)
        return queryset.filter(match)


class OperatorRefundFilter(RefundFilter):
    shop = django_filters.CharFilter(label=_("Shop code"), field_name="shop__code")


class RefundPageFilter(RefundFilter):
    """The page's filters take plain dates (a calendar) and part of an order number."""

    order = django_filters.CharFilter(
        label=_("Order number"), field_name="order__reference", lookup_expr="icontains"
    )
    created_after = LocalDateFilter(label=_("Created from"), field_name="created_at", bound="from")
    created_before = LocalDateFilter(
        label=_("Created until"), field_name="created_at", bound="until"
    )
    # The to-do home's "refunds the operator refused" lists the recent decisions.
    decided_after = django_filters.DateFilter(
        label=_("Decided from"), field_name="decided_at", lookup_expr="date__gte"
    )
    # What the dashboard's refund tiles count: refused refunds do not.
    not_refused = django_filters.BooleanFilter(label=_("Not refused"), method="filter_not_refused")

    def filter_not_refused(self, queryset, name, value):
        if value is None:
            return queryset
        refused = Q(state=RefundState.REFUSED)
        return queryset.exclude(refused) if value else queryset.filter(refused)
