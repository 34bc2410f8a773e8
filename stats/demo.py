"""Ninety days of history for the dashboard's charts, for `manage.py load_demo`.

The orders demo has about twenty orders per shop: enough for every state on screen, too few
for a daily chart to have a shape. This adds, per demo shop, orders shipped on most days of
the last 90 days (fewer at weekends), already delivered and closed as the order cycle would
have left them, so statistics have a history to compare periods with; and on about one in ten
of them a partial refund a few days after shipment (most paid, some refused), through the
refunds app's services, then dated back to when it happened.

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
from refunds.calculations import RefundRequest
from refunds.models import Refund
from refunds.reasons import RefundReason
from refunds.services import refund_confirm, refund_create, refund_refuse
from sellerdesk.money import quantize
from shops.demo import DEMO_OPERATOR, DEMO_SHOPS
from shops.models import Shop, User

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


def _history_refunds(shop: Shop, orders: list[Order], now: datetime) -> int:
    """About one history order in ten gets a partial refund a few days after shipment."""
    seller = User.objects.filter(shop=shop).order_by("pk").first()
    operator = User.objects.filter(username=DEMO_OPERATOR).first()
    rng = random.Random(f"sellerdesk-demo-history-refunds-{shop.code}")
    keys = {order.pk: f"stats-demo-{order.reference}" for order in orders}
    done = set(
        Refund.objects.filter(shop=shop, idempotency_key__in=keys.values()).values_list(
            "idempotency_key", flat=True
        )
    )
    created = 0
    for order in orders:
        # Every order takes the same draws, refunded or not, so a second run decides the same.
        draw, delay_days, outcome = rng.random(), rng.uniform(0.5, 9), rng.random()
        reason = rng.choice(RefundReason.values)
        if draw > 0.1 or keys[order.pk] in done:
            continue
        refund = refund_create(
            order=order,
            reason=reason,
            request=RefundRequest(amount=quantize(order.items_amount * Decimal("0.5"))),
            acting_user=seller,
            idempotency_key=keys[order.pk],
            request_hash=keys[order.pk],
        ).refund
        if outcome < 0.6:
            refund_confirm(refund=refund, acting_user=operator)
        elif outcome < 0.7:
            refund_refuse(
                refund=refund, acting_user=operator, reason="El producto no llegó a devolverse."
            )
        # Back to when it happened: the services stamp the current time.
        Refund.objects.filter(pk=refund.pk).update(
            created_at=min(order.shipped_at + timedelta(days=delay_days), now)
        )
        created += 1
    return created


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
        history = list(
            Order.objects.filter(shop=shop, reference__in=references).order_by("reference")
        )
        refunds = _history_refunds(shop, history, now)
        stdout.write(
            _(
                "History of %(shop)s: %(created)d orders created (%(existing)d already there), "
                "%(refunds)d refunds."
            )
            % {
                "shop": shop.code,
                "created": created,
                "existing": len(existing),
                "refunds": refunds,
            }
        )
