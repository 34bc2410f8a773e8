"""The one place that decides whether an order is frozen.

"An open incident freezes the order cycle": while something blocks an order, no transition
happens, by hand or by the job. `orders` imports no other app, so the apps that can freeze an
order (incidents) register a *freezer* here from their AppConfig.ready(): a function returning
a queryset of blocking objects for one order, given as `OuterRef("pk")` or an order id.

Every caller (the transition guard, the job, lists and pages) goes through `frozen_q()` or
`order_freezers()`, so adding or changing a freezer changes all of them at once.
"""

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, QuerySet

# Each freezer maps an order reference (OuterRef("pk") or an id) to the objects blocking it.
_freezers: list[Callable[[object], QuerySet]] = []


def register_freezer(freezer: Callable[[object], QuerySet]) -> None:
    if freezer not in _freezers:
        _freezers.append(freezer)


def has_freezers() -> bool:
    return bool(_freezers)


def frozen_q() -> Q:
    """A filter matching frozen orders (negate it for the ones the cycle may move)."""
    condition = Q(pk__in=[])
    for freezer in _freezers:
        condition |= Q(Exists(freezer(OuterRef("pk"))))
    return condition


def order_freezers(order) -> list:
    """The objects (e.g. incidents) freezing this order, empty when it is free."""
    blocking = []
    for freezer in _freezers:
        blocking.extend(freezer(order.pk))
    return blocking


def is_frozen(order) -> bool:
    return any(freezer(order.pk).exists() for freezer in _freezers)
