"""Demo incidents for `manage.py load_demo`: on each demo shop's shipped or received orders, one
incident in every state, so the list, the order panel, the freeze and the reminder show up:

- OPEN and waiting for the shop for more than INCIDENT_REMINDER_HOURS (the reminder job picks it);
- RESOLVED by the shop, waiting for the operator;
- CLOSED by the operator (its order is no longer frozen);
- reopened by the operator (OPEN again, waiting a few hours).

Made through the services (so events, order timeline and thread messages are real), then dated
back. Idempotent: an order that already has an incident is left alone.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import services
from incidents.models import Incident, IncidentEvent
from orders.models import Order, OrderEvent, OrderState
from shops.demo import DEMO_OPERATOR, DEMO_SHOPS
from shops.models import Shop, User


@dataclass
class Step:
    action: str  # "resolve", "close" or "reopen"
    hours_ago: float
    reason: str = ""
    message: str = ""


@dataclass
class DemoIncident:
    opened_hours_ago: float
    opened_by: str
    reason: str
    description: str
    steps: list[Step] = field(default_factory=list)


def demo_incidents() -> list[DemoIncident]:
    """Oldest first. Texts are data, in the marketplace's language (Spanish)."""
    reminder = settings.INCIDENT_REMINDER_HOURS
    return [
        DemoIncident(
            opened_hours_ago=8 * 24,
            opened_by="OPERATOR",
            reason="wrong_item",
            description="El cliente recibió un artículo distinto del pedido y nos envió fotos.",
            steps=[
                Step(
                    "resolve",
                    6 * 24,
                    "replacement_sent",
                    "Enviamos el artículo correcto por mensajería urgente; el cliente devolverá "
                    "el otro con la etiqueta prepagada.",
                ),
                Step("close", 5 * 24, "", "Conforme: el cliente confirma la recepción."),
            ],
        ),
        DemoIncident(
            opened_hours_ago=4 * 24,
            opened_by="CUSTOMER",
            reason="missing_parts",
            description="Falta una pieza en la caja: el cliente no puede usar el producto.",
            steps=[
                Step(
                    "resolve",
                    2 * 24,
                    "customer_satisfied",
                    "Hemos hablado con el cliente y está conforme.",
                ),
                Step(
                    "reopen",
                    5,
                    "",
                    "El cliente dice que sigue sin la pieza: enviadla o reembolsad esa parte.",
                ),
            ],
        ),
        DemoIncident(
            opened_hours_ago=3 * 24,
            opened_by="CUSTOMER",
            reason="item_not_received",
            description="El seguimiento indica entregado, pero el cliente dice que no lo ha recibido.",
            steps=[
                Step(
                    "resolve",
                    20,
                    "delivered_after_all",
                    "El transportista confirma la entrega en el buzón del vecino; el cliente ya "
                    "lo tiene.",
                ),
            ],
        ),
        DemoIncident(
            opened_hours_ago=reminder + 6,
            opened_by="CUSTOMER",
            reason="item_damaged",
            description="La caja llegó aplastada y el producto está dañado.",
        ),
    ]


def _backdate(incident: Incident, order: Order, at: datetime, **fields) -> None:
    """Date the last step back (incident fields, its event and its order event)."""
    if fields:
        Incident.objects.filter(pk=incident.pk).update(**fields)
    event = IncidentEvent.objects.filter(incident=incident).latest("id")
    IncidentEvent.objects.filter(pk=event.pk).update(created_at=at)
    order_event = OrderEvent.objects.filter(order=order, kind__startswith="incident_").latest("id")
    OrderEvent.objects.filter(pk=order_event.pk).update(created_at=at)


def _make(spec: DemoIncident, order: Order, seller, operator, now: datetime) -> None:
    shipped = order.shipped_at or order.created_at
    at = max(now - timedelta(hours=spec.opened_hours_ago), shipped + timedelta(hours=1))
    incident = services.incident_open(
        order=order,
        opened_by=spec.opened_by,
        reason=spec.reason,
        description=spec.description,
        acting_user=operator,
    )
    _backdate(incident, order, at, opened_at=at, waiting_since=at)
    for step in spec.steps:
        at = max(now - timedelta(hours=step.hours_ago), at + timedelta(minutes=30))
        if step.action == "resolve":
            incident = services.incident_mark_resolved(
                incident=incident, reason=step.reason, message=step.message, acting_user=seller
            )
            _backdate(incident, order, at, resolved_at=at)
        elif step.action == "close":
            incident = services.incident_close(
                incident=incident, acting_user=operator, reason=step.reason, message=step.message
            )
            _backdate(incident, order, at, closed_at=at)
        else:
            incident = services.incident_reopen(
                incident=incident, acting_user=operator, message=step.message
            )
            _backdate(incident, order, at, waiting_since=at)


def load_demo(stdout) -> None:
    now = timezone.now()
    operator = User.objects.filter(username=DEMO_OPERATOR).first()
    specs = demo_incidents()
    for shop_spec in DEMO_SHOPS:
        shop = Shop.objects.get(code=shop_spec["code"])
        seller = User.objects.filter(shop=shop).order_by("id").first()
        # The longest-shipped orders get the oldest incidents, so each opens after shipment.
        orders = list(
            Order.objects.filter(
                shop=shop, state__in=(OrderState.SHIPPED, OrderState.RECEIVED)
            ).order_by("shipped_at", "id")[: len(specs)]
        )
        having = set(Incident.objects.filter(order__in=orders).values_list("order_id", flat=True))
        created = 0
        for spec, order in zip(specs, orders, strict=False):
            if order.pk in having:
                continue
            _make(spec, order, seller, operator, now)
            created += 1
        stdout.write(
            _("Incidents of %(shop)s: %(created)d created, %(existing)d already there.")
            % {"shop": shop.code, "created": created, "existing": len(having)}
        )
