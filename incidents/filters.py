import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident, IncidentOpenedBy, IncidentState
from orders.filters import LowerCaseChoiceFilter, _lower_choices


class IncidentFilter(django_filters.FilterSet):
    """The API's filters: lower-case enumerations, ISO date-times, `order` as id or reference."""

    state = LowerCaseChoiceFilter(label=_("State"), choices=_lower_choices(IncidentState.choices))
    opened_by = LowerCaseChoiceFilter(
        label=_("Opened by"), choices=_lower_choices(IncidentOpenedBy.choices)
    )
    order = django_filters.CharFilter(label=_("Order (id or number)"), method="filter_order")
    opened_after = django_filters.IsoDateTimeFilter(
        label=_("Opened after"), field_name="opened_at", lookup_expr="gte"
    )
    opened_before = django_filters.IsoDateTimeFilter(
        label=_("Opened before"), field_name="opened_at", lookup_expr="lt"
    )

    class Meta:
        model = Incident
        fields = []

    def filter_order(self, queryset, name, value):
        value = value.strip()
        condition = Q(order__reference=value)
        if value.isdigit():
            condition |= Q(order_id=int(value))
        return queryset.filter(condition)


class OperatorIncidentFilter(IncidentFilter):
    shop = django_filters.CharFilter(field_name="shop__code", label=_("Shop code"))


class IncidentPageFilter(IncidentFilter):
    """The page takes plain dates (a calendar) and finds orders by part of their number."""

    order = django_filters.CharFilter(
        label=_("Order number"), field_name="order__reference", lookup_expr="normcontains"
    )
    opened_after = django_filters.DateFilter(
        label=_("Opened from"), field_name="opened_at", lookup_expr="date__gte"
    )
    opened_before = django_filters.DateFilter(
        label=_("Opened until"), field_name="opened_at", lookup_expr="date__lte"
    )
