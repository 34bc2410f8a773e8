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

from django.db import connections, transaction

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


_REBUILD_SQL = """
INSERT INTO stats_shopday (shop_id, day, currency, orders_shipped, orders_with_incident,
    orders_refunded, waits_answered, waits_answered_within, reply_delay_microseconds,
    incidents_opened, incidents_closed, refunds_count, refunded_amount)
SELECT f.shop_id, (f.at AT TIME ZONE s.timezone)::date, f.currency, sum(f.shipped),
       sum(f.with_incident), sum(f.refunded), sum(f.answered), sum(f.within), sum(f.delay),
       sum(f.opened), sum(f.closed), sum(f.refunds), sum(f.amount)
FROM (
    SELECT o.shop_id, o.shipped_at AS at, '' AS currency, 1 AS shipped,
           CASE WHEN o.id IN (SELECT order_id FROM incidents_incident) THEN 1 ELSE 0 END
             AS with_incident,
           CASE WHEN o.id IN (SELECT order_id FROM refunds_refund WHERE state <> 'REFUSED')
                THEN 1 ELSE 0 END AS refunded,
           0 AS answered, 0 AS within, 0::bigint AS delay, 0 AS opened, 0 AS closed,
           0 AS refunds, 0::numeric AS amount
    FROM orders_order o WHERE o.shipped_at IS NOT NULL
    UNION ALL
    SELECT shop_id, started_at, '', 0, 0, 0, 1, CASE WHEN replied_at <= due_at THEN 1 ELSE 0 END,
           (extract(epoch FROM replied_at - started_at) * 1000000)::bigint, 0, 0, 0, 0
    FROM messaging_replywait WHERE replied_at IS NOT NULL
    UNION ALL
    SELECT shop_id, opened_at, '', 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 FROM incidents_incident
    UNION ALL
    SELECT shop_id, closed_at, '', 0, 0, 0, 0, 0, 0, 0, 1, 0, 0
    FROM incidents_incident WHERE state = 'CLOSED' AND closed_at IS NOT NULL
    UNION ALL
    SELECT shop_id, created_at, currency, 0, 0, 0, 0, 0, 0, 0, 0, 1, total_amount
    FROM refunds_refund WHERE state <> 'REFUSED'
) f
JOIN shops_shop s ON s.id = f.shop_id
WHERE %(all)s OR f.shop_id = ANY(%(shops)s)
GROUP BY f.shop_id, (f.at AT TIME ZONE s.timezone)::date, f.currency
"""


def rollup_rebuild(shop_ids=None, *, using: str = "default") -> int:
    """Replace the `ShopDay` rows of these shops (all when None) by recomputed ones.

    On PostgreSQL one INSERT ... SELECT does it (the same computation as `rollup_rows`, which a
    test holds it to): a million orders take seconds, not minutes.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using), connection.cursor() as cursor:
            existing = ShopDay.objects.using(using)
            existing = existing.all() if shop_ids is None else existing.filter(shop_id__in=shop_ids)
            existing.delete()
            cursor.execute(_REBUILD_SQL, {"all": shop_ids is None, "shops": list(shop_ids or [])})
            return cursor.rowcount
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
