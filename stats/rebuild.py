"""Recompute the per-day statistics (`ShopDay`) from the facts themselves.

The services keep `ShopDay` up to date as they write; this is the same computation done from
scratch, for rows written without the services (the demo, `seed_scale`, an import), after a
shop changes its timezone (its days move), and as the reference the tests compare the
maintained rows with. It reads each table once, in order, and writes rows in batches.
"""

import zoneinfo
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from incidents.models import Incident, IncidentState
from messaging.models import ReplyWait
from orders.models import Order
from refunds.models import Refund
from shops.models import Shop
from stats.models import COUNTERS, ShopDay


def rollup_rows(shop_ids=None, *, using: str = "default") -> dict[tuple, dict]:
    """{(shop_id, day, currency): {counter: value}} computed from orders, waits, incidents and
    refunds (every shop when `shop_ids` is None)."""
    shops = Shop.objects.using(using)
    shops = shops.all() if shop_ids is None else shops.filter(pk__in=shop_ids)
    zones = {pk: zoneinfo.ZoneInfo(name) for pk, name in shops.values_list("pk", "timezone")}
    rows: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))

    def scoped(queryset):
        queryset = queryset.using(using)
        return queryset if shop_ids is None else queryset.filter(shop_id__in=shop_ids)

    def add(shop_id, at, currency="", **deltas):
        counters = rows[(shop_id, at.astimezone(zones[shop_id]).date(), currency)]
        for name, value in deltas.items():
            counters[name] += value

    with_incident = set(scoped(Incident.objects.all()).values_list("order_id", flat=True))
    refunded = set(scoped(Refund.objects.counting()).values_list("order_id", flat=True))
    shipped = scoped(Order.objects.filter(shipped_at__isnull=False)).values_list(
        "pk", "shop_id", "shipped_at"
    )
    for pk, shop_id, shipped_at in shipped.iterator(chunk_size=10000):
        add(
            shop_id,
            shipped_at,
            orders_shipped=1,
            orders_with_incident=int(pk in with_incident),
            orders_refunded=int(pk in refunded),
        )
    waits = scoped(ReplyWait.objects.answered()).values_list(
        "shop_id", "started_at", "due_at", "replied_at"
    )
    for shop_id, started_at, due_at, replied_at in waits.iterator(chunk_size=10000):
        delay = replied_at - started_at
        add(
            shop_id,
            started_at,
            waits_answered=1,
            waits_answered_within=int(replied_at <= due_at),
            reply_delay_microseconds=delay // timedelta(microseconds=1),
        )
    incidents = scoped(Incident.objects.all()).values_list(
        "shop_id", "opened_at", "state", "closed_at"
    )
    for shop_id, opened_at, state, closed_at in incidents.iterator(chunk_size=10000):
        add(shop_id, opened_at, incidents_opened=1)
        if state == IncidentState.CLOSED and closed_at is not None:
            add(shop_id, closed_at, incidents_closed=1)
    refunds = scoped(Refund.objects.counting()).values_list(
        "shop_id", "created_at", "currency", "total_amount"
    )
    for shop_id, created_at, currency, amount in refunds.iterator(chunk_size=10000):
        add(shop_id, created_at, currency, refunds_count=1, refunded_amount=amount)
    return {
        key: {
            name: (Decimal(value).quantize(Decimal("0.01")) if name == "refunded_amount" else value)
            for name, value in counters.items()
        }
        for key, counters in rows.items()
    }


def rollup_rebuild(shop_ids=None, *, using: str = "default") -> int:
    """Replace the `ShopDay` rows of these shops (all when None) by recomputed ones."""
    computed = rollup_rows(shop_ids, using=using)
    with transaction.atomic(using=using):
        existing = ShopDay.objects.using(using)
        existing = existing.all() if shop_ids is None else existing.filter(shop_id__in=shop_ids)
        existing.delete()
        ShopDay.objects.using(using).bulk_create(
            (
                ShopDay(shop_id=shop_id, day=day, currency=currency, **counters)
                for (shop_id, day, currency), counters in computed.items()
            ),
            batch_size=5000,
        )
    return len(computed)


def rollup_stored(shop_ids=None) -> dict[tuple, dict]:
    """The stored rows in the shape of `rollup_rows` (zero rows left out), to compare them."""
    queryset = (
        ShopDay.objects.all() if shop_ids is None else ShopDay.objects.filter(shop_id__in=shop_ids)
    )
    stored = {}
    for row in queryset.values("shop_id", "day", "currency", *COUNTERS):
        key = (row.pop("shop_id"), row.pop("day"), row.pop("currency"))
        if any(row.values()):
            stored[key] = row
    return stored
