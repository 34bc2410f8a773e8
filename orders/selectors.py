"""Reads for order pages and the order API, always scoped to one shop (or the operator's view)."""

from django.db.models import BooleanField, Prefetch, Value
from django.db.models.expressions import ExpressionWrapper

from orders.freeze import frozen_q, has_freezers
from orders.models import Order, OrderEvent


def with_frozen(queryset):
    """Annotate `frozen` in the same query, so a list does not ask per row."""
    if not has_freezers():
        return queryset.annotate(frozen=Value(False, output_field=BooleanField()))
    return queryset.annotate(frozen=ExpressionWrapper(frozen_q(), output_field=BooleanField()))


def order_list(*, shop):
    """Orders of one shop (or of every shop for operators: ALL_SHOPS), newest first."""
    queryset = Order.objects.for_shop(shop)
    return with_frozen(queryset.select_related("shop")).order_by("-created_at", "-id")


def order_get(*, shop, pk) -> Order:
    """One order of this shop, with its lines; another shop's order raises Order.DoesNotExist."""
    queryset = Order.objects.for_shop(shop)
    return with_frozen(queryset.select_related("shop").prefetch_related("lines")).get(pk=pk)


def order_events(*, order):
    return (
        OrderEvent.objects.filter(order=order).select_related("actor").order_by("created_at", "id")
    )


def order_detail_queryset(*, shop):
    queryset = Order.objects.for_shop(shop)
    return with_frozen(
        queryset.select_related("shop").prefetch_related(
            "lines", Prefetch("events", queryset=OrderEvent.objects.select_related("actor"))
        )
    )
