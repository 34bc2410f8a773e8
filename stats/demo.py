"""Ninety days of history for the dashboard's charts, for `manage.py load_demo`.

The orders demo has about twenty orders per shop: enough for every state on screen, too few
for a daily chart to have a shape. This adds, per demo shop, orders shipped on most days of
the last 90 days (fewer at weekends), already delivered and closed as the order cycle would
have left them, so statistics have a history to compare periods with.

Deterministic (one seeded random generator per shop) and idempotent (keyed on the reference
`<CODE>-H<number>`): running it again creates nothing new.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.demo import CARRIERS, CATALOGUES, EMAIL_DOMAINS, FIRST_NAMES, SURNAMES
from orders.models import Order, OrderState
from orders.services import LineInput, order_import
from shops.demo import DEMO_SHOPS
from shops.models import Shop

HISTORY_DAYS = 92


def _state_for(shipped_days_ago: float) -> str:
    """What the order cycle would have made of an order shipped that long ago."""
    if shipped_days_ago > settings.AUTO_RECEIVE_DAYS + settings.AUTO_CLOSE_DAYS:
        return OrderState.CLOSED
    if shipped_days_ago > 3:
        return OrderState.RECEIVED
    return OrderState.SHIPPED


def history_orders(shop_code: str, now: datetime) -> list[dict]:
    """The shop's history orders, oldest first; the same list on every run (relative to now)."""
    rng = random.Random(f"sellerdesk-demo-history-{shop_code}")
    catalogue = CATALOGUES[shop_code]
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    orders = []
    for days_ago in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=days_ago)
        count = rng.choice([0, 1, 2, 2, 3])
        if day.weekday() >= 5:
            count = min(count, 1)  # quieter weekends (the draw above keeps runs identical)
        for _index in range(count):
            shipped_at = day + timedelta(hours=rng.uniform(9, 19))
            first = rng.choice(FIRST_NAMES)
            surname, second = rng.sample(SURNAMES, 2)
            sku, title, price = rng.choice(catalogue)
            orders.append(
                {
                    "customer_name": f"{first} {surname} {second}",
                    "customer_email": f"cliente{rng.randint(100, 999)}@{rng.choice(EMAIL_DOMAINS)}",
                    "lines": [
                        LineInput(
                            sku=sku,
                            title=title,
                            quantity=rng.choice([1, 1, 1, 2]),
                            unit_price=Decimal(price),
                        )
                    ],
                    "shipping_amount": Decimal("4.95"),
                    "created_at": shipped_at - timedelta(hours=rng.uniform(20, 60)),
                    "shipped_at": shipped_at,
                    "state": _state_for(days_ago),
                    "carrier": rng.choice(CARRIERS),
                    "tracking_number": "".join(rng.choices("0123456789", k=14)),
                }
            )
    return orders


def load_demo(stdout) -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    for shop_spec in DEMO_SHOPS:
        shop = Shop.objects.get(code=shop_spec["code"])
        specs = history_orders(shop.code, now)
        references = [f"{shop.code.upper()}-H{index + 1:04d}" for index in range(len(specs))]
        existing = set(
            Order.objects.filter(shop=shop, reference__in=references).values_list(
                "reference", flat=True
            )
        )
        created = 0
        for reference, spec in zip(references, specs, strict=True):
            if reference in existing:
                continue
            shipment = {
                "carrier": spec.pop("carrier"),
                "tracking_number": spec.pop("tracking_number"),
            }
            order = order_import(
                shop=shop,
                reference=reference,
                customer_language="es",
                currency=settings.DEFAULT_CURRENCY,
                **spec,
            )
            # The import takes no shipment: the marketplace's history carries it.
            Order.objects.filter(pk=order.pk).update(**shipment)
            created += 1
        stdout.write(
            _("History orders of %(shop)s: %(created)d created, %(existing)d already there.")
            % {"shop": shop.code, "created": created, "existing": len(existing)}
        )
