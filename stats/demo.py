"""Ninety days of history for the dashboard's charts, for `manage.py load_demo`.

The orders demo has about twenty orders per shop: enough for every state on screen, too few
for a daily chart to have a shape. This adds, per demo shop, orders shipped on most days of
the last 90 days (fewer at weekends), imported as closed history, so statistics have a history
to compare periods with; and on about one in ten
of them a partial refund a few days after shipment (most paid, some refused), through the
refunds app's services, then dated back to when it happened. About a third of them get a
customer (or operator) question answered at a varied delay (some past 48 hours), and a few an
incident opened, resolved and closed at varied times: the messaging and incidents demos only
cover the last days, and the charts need their history. Those are written as the apps store
them (stored times consistent, events recorded), because their services stamp the current time.

Deterministic (one seeded random generator per shop) and idempotent (keyed on the reference
`<CODE>-H<number>`): running it again creates nothing new.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import (
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentOpenedBy,
    IncidentState,
)
from incidents.reasons import close_reason_choices, open_reason_choices
from messaging.models import Message, Reason, ReasonKind, Side, Thread
from messaging.waits import waits_rebuild
from orders.demo import (
    CARRIERS,
    CATALOGUES,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    SURNAMES,
    import_missing_orders,
)
from orders.models import Order, OrderState
from orders.services import LineInput
from refunds.calculations import RefundRequest
from refunds.models import Refund
from refunds.reasons import reason_choices as refund_reason_choices
from refunds.services import refund_confirm, refund_create, refund_refuse
from sellerdesk.money import quantize
from shops.demo import DEMO_OPERATOR, DEMO_SHOPS
from shops.models import Shop, User
from stats.rebuild import rollup_rebuild

HISTORY_DAYS = 92
# The last days are the orders demo's (orders still shipped or received, open incidents):
# the history stops before them, and its orders are imported CLOSED, as past history. That
# also keeps them out of the orders the incidents demo picks (shipped or received ones).
RECENT_DAYS = 3


def history_orders(shop_code: str, now: datetime) -> list[dict]:
    """The shop's history orders, oldest first; the same list on every run (relative to now)."""
    rng = random.Random(f"sellerdesk-demo-history-{shop_code}")
    catalogue = CATALOGUES[shop_code]
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    orders = []
    for days_ago in range(HISTORY_DAYS, RECENT_DAYS, -1):
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
                    "state": OrderState.CLOSED,
                    "carrier": rng.choice(CARRIERS),
                    "tracking_number": "".join(rng.choices("0123456789", k=14)),
                }
            )
    return orders


def _order_random(topic: str, order: Order) -> random.Random:
    """One generator per order and topic: each run decides the same for each order."""
    return random.Random(f"sellerdesk-demo-history-{topic}-{order.reference}")


def _history_refunds(shop: Shop, orders: list[Order], now: datetime) -> int:
    """About one history order in ten gets a partial refund a few days after shipment."""
    seller = User.objects.filter(shop=shop).order_by("pk").first()
    operator = User.objects.filter(username=DEMO_OPERATOR).first()
    # A history order gets at most one refund, from this demo only (its CODE-H0001 references
    # are no other demo's): one that has a refund was done by an earlier load.
    done = set(
        Refund.objects.filter(shop=shop, order__in=orders).values_list("order_id", flat=True)
    )
    created = 0
    refund_reasons = [code for code, _label in refund_reason_choices()]
    for order in orders:
        rng = _order_random("refunds", order)
        draw, delay_days, outcome = rng.random(), rng.uniform(0.5, 9), rng.random()
        reason = rng.choice(refund_reasons)
        if draw > 0.1 or order.pk in done:
            continue
        refund = refund_create(
            order=order,
            reason=reason,
            request=RefundRequest(amount=quantize(order.items_amount * Decimal("0.5"))),
            acting_user=seller,
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


QUESTIONS = [
    "¿Podéis confirmarme cuándo llega el pedido?",
    "El seguimiento no se actualiza desde hace dos días.",
    "¿Me podéis enviar una copia de la factura?",
    "¿Puedo cambiar la dirección de entrega?",
]
ANSWERS = [
    "Buenos días: el pedido está en reparto y llegará mañana. Un saludo.",
    "Le adjuntamos la factura. Gracias por su compra.",
    "Hemos revisado el envío con el transportista: está en camino.",
]


def _reply_delay(rng: random.Random) -> timedelta:
    """Mostly within a working day, sometimes over the weekend, now and then past 48 hours."""
    draw = rng.random()
    if draw < 0.6:
        return timedelta(hours=rng.uniform(0.3, 12))
    if draw < 0.88:
        return timedelta(hours=rng.uniform(12, 46))
    return timedelta(hours=rng.uniform(49, 80))


def _history_threads(shop: Shop, orders: list[Order], now: datetime) -> int:
    """About a third of the history orders get a question answered at a varied delay.

    Written as the messaging app stores an answered conversation (its stored times kept
    consistent, nothing left awaiting a reply), dated when it happened.
    """
    reason = (
        Reason.objects.filter(kind=ReasonKind.MESSAGE, active=True).order_by("position").first()
    )
    if reason is None:
        return 0
    seller = User.objects.filter(shop=shop).order_by("pk").first()
    has_thread = set(
        Thread.objects.filter(order__in=orders).values_list("order_id", flat=True).distinct()
    )
    created = 0
    for order in orders:
        rng = _order_random("threads", order)
        draw, asked_after, from_operator = rng.random(), rng.uniform(2, 72), rng.random() < 0.2
        delays = [_reply_delay(rng) for _round in range(rng.choice([1, 1, 2]))]
        question, answer = rng.choice(QUESTIONS), rng.choice(ANSWERS)
        if draw > 0.35 or order.pk in has_thread:
            continue
        author = Side.OPERATOR if from_operator else Side.CUSTOMER
        asked_at = order.shipped_at + timedelta(hours=asked_after)
        messages = []
        for delay in delays:
            answered_at = asked_at + delay
            if answered_at >= now:
                break
            messages += [(author, question, asked_at), (Side.SHOP, answer, answered_at)]
            asked_at = answered_at + timedelta(hours=rng.uniform(3, 30))
        if not messages:
            continue
        thread = Thread.objects.create(
            shop=shop,
            order=order,
            reason=reason,
            subject=f"{order.reference} · {question[:60]}",
            with_customer=not from_operator,
            with_operator=from_operator,
            created_at=messages[0][2],
            last_message_at=messages[-1][2],
            last_message_author=Side.SHOP,
            last_incoming_at=messages[-2][2],
            shop_last_read_at=messages[-1][2],
        )
        Message.objects.bulk_create(
            Message(
                thread=thread,
                shop=shop,
                author=side,
                author_user=seller if side == Side.SHOP else None,
                to_customer=side == Side.SHOP and not from_operator,
                to_operator=side == Side.SHOP and from_operator,
                body=body,
                created_at=at,
                received_at=at,
            )
            for side, body, at in messages
        )
        created += 1
    return created


def _history_incidents(shop: Shop, orders: list[Order], now: datetime) -> int:
    """About one history order in fifteen had an incident, opened and closed at varied times."""
    has_incident = set(
        Incident.objects.filter(order__in=orders).values_list("order_id", flat=True).distinct()
    )
    created = 0
    open_reasons = [code for code, _label in open_reason_choices()]
    close_reasons = [code for code, _label in close_reason_choices()]
    for order in orders:
        rng = _order_random("incidents", order)
        draw, opened_after, resolve_hours, close_hours = (
            rng.random(),
            rng.uniform(24, 240),
            rng.uniform(1, 60),
            rng.uniform(2, 72),
        )
        opened_by = rng.choice(IncidentOpenedBy.values)
        reason, closing = rng.choice(open_reasons), rng.choice(close_reasons)
        if draw > 0.07 or order.pk in has_incident:
            continue
        opened_at = order.shipped_at + timedelta(hours=opened_after)
        resolved_at = opened_at + timedelta(hours=resolve_hours)
        closed_at = resolved_at + timedelta(hours=close_hours)
        if closed_at >= now:
            continue  # only closed history: an open one would freeze an old order
        incident = Incident.objects.create(
            shop=shop,
            order=order,
            opened_by=opened_by,
            reason=reason,
            description="El cliente indica un problema con el pedido.",
            state=IncidentState.CLOSED,
            opened_at=opened_at,
            resolved_at=resolved_at,
            closed_at=closed_at,
            resolution_reason=closing,
        )
        IncidentEvent.objects.bulk_create(
            [
                IncidentEvent(
                    incident=incident,
                    kind=IncidentEventKind.OPENED,
                    actor_side=opened_by.lower(),
                    to_state=IncidentState.OPEN,
                    reason=reason,
                    created_at=opened_at,
                ),
                IncidentEvent(
                    incident=incident,
                    kind=IncidentEventKind.RESOLVED,
                    actor_side="shop",
                    from_state=IncidentState.OPEN,
                    to_state=IncidentState.RESOLVED,
                    reason=closing,
                    message="Resuelto con el cliente.",
                    created_at=resolved_at,
                ),
                IncidentEvent(
                    incident=incident,
                    kind=IncidentEventKind.CLOSED,
                    actor_side="operator",
                    from_state=IncidentState.RESOLVED,
                    to_state=IncidentState.CLOSED,
                    created_at=closed_at,
                ),
            ]
        )
        created += 1
    return created


def load_demo(stdout) -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    for shop_spec in DEMO_SHOPS:
        shop = Shop.objects.get(code=shop_spec["code"])
        specs = history_orders(shop.code, now)
        references = [f"{shop.code.upper()}-H{index + 1:04d}" for index in range(len(specs))]
        created, existing = import_missing_orders(
            shop,
            [
                (
                    reference,
                    spec,
                    {
                        "carrier": spec.pop("carrier"),
                        "tracking_number": spec.pop("tracking_number"),
                    },
                )
                for reference, spec in zip(references, specs, strict=True)
            ],
        )
        history = list(
            Order.objects.filter(shop=shop, reference__in=references).order_by("reference")
        )
        refunds = _history_refunds(shop, history, now)
        threads = _history_threads(shop, history, now)
        incidents = _history_incidents(shop, history, now)
        stdout.write(
            _(
                "History of %(shop)s: %(created)d orders created (%(existing)d already there), "
                "%(threads)d answered threads, %(incidents)d closed incidents, %(refunds)d refunds."
            )
            % {
                "shop": shop.code,
                "created": created,
                "existing": existing,
                "refunds": refunds,
                "threads": threads,
                "incidents": incidents,
            }
        )
    # The history above is written straight into the tables (at past times the services would
    # stamp as now), so its reply waits and per-day counters are derived from it here.
    shop_ids = list(
        Shop.objects.filter(code__in=[spec["code"] for spec in DEMO_SHOPS]).values_list(
            "pk", flat=True
        )
    )
    waits_rebuild(Thread.objects.filter(shop_id__in=shop_ids).values_list("pk", flat=True))
    rollup_rebuild(shop_ids)
