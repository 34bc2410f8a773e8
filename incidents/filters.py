import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident, IncidentOpenedBy, IncidentState
from orders.filters import LowerCaseChoiceFilter, _lower_choices
from sellerdesk import filters as safe_filters
from sellerdesk.filters import LocalDateFilter
from sellerdesk.validation import parse_id


class IncidentFilter(django_filters.FilterSet):
    """The API's filters: lower-case enumerations, ISO date-times, `order` as id or reference."""

    state = LowerCaseChoiceFilter(label=_("State"), choices=_lower_choices(IncidentState.choices))
    opened_by = LowerCaseChoiceFilter(
        label=_("Opened by"), choices=_lower_choices(IncidentOpenedBy.choices)
    )
    order = django_filters.CharFilter(label=_("Order (id or number)"), method="filter_order")
    opened_after = safe_filters.IsoDateTimeFilter(
        label=_("Opened after"), field_name="opened_at", lookup_expr="gte"
    )
    opened_before = safe_filters.IsoDateTimeFilter(
        label=_("Opened before"), field_name="opened_at", lookup_expr="lt"
    )

    class Meta:
        model = Incident
        fields = []

    def filter_order(self, queryset, name, value):
        value = value.strip()
        condition = Q(order__reference=value)
        order_id = parse_id(value)
        if order_id is not None:
            condition |= Q(order_id=order_id)
        return queryset.filter(condition)


class OperatorIncidentFilter(IncidentFilter):
    shop = django_filters.CharFilter(field_name="shop__code", label=_("Shop code"))


class IncidentPageFilter(IncidentFilter):
    """The page takes plain dates (a calendar) and finds orders by part of their number."""

    order = django_filters.CharFilter(
        label=_("Order number"), field_name="order__reference", lookup_expr="icontains"
    )
    opened_after = LocalDateFilter(label=_("Opened from"), field_name="opened_at", bound="from")
    opened_before = LocalDateFilter(label=_("Opened until"), field_name="opened_at", bound="until")


class IncidentPageListFilter(IncidentPageFilter):
    """The list page's extra filters, so that each dashboard tile opens exactly what it counts:
    incidents not closed yet (open or resolved, "open now"), closed in a period, oldest first."""

    not_closed = django_filters.BooleanFilter(label=_("Not closed yet"), method="filter_not_closed")
    closed_after = LocalDateFilter(label=_("Closed from"), field_name="closed_at", bound="from")
    closed_before = LocalDateFilter(label=_("Closed until"), field_name="closed_at", bound="until")
    sort = django_filters.OrderingFilter(
        label=_("Sorted by"),
        fields=(("opened_at", "opened_at"), ("waiting_since", "waiting_since")),
        field_labels={
            "opened_at": _("Oldest first"),
            "-opened_at": _("Newest first"),
            "waiting_since": _("Waiting longest first"),
            "-waiting_since": _("Waiting shortest first"),
        },
    )

    def filter_not_closed(self, queryset, name, value):
        if value is None:
            return queryset
        closed = Q(state=IncidentState.CLOSED)
        return queryset.exclude(closed) if value else queryset.filter(closed)
