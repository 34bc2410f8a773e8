"""Demo threads for `manage.py load_demo`: the inbox at work in every deadline state.

Per demo shop: overdue, due soon and on-time threads awaiting a reply (unread), answered ones
(one with an invoice PDF attached), a conversation with the operator and one marked "no reply
needed". Times are relative to now, so the deadline job that `make run` starts flags the due
ones at once. Idempotent: keyed on the thread's subject within the shop. Texts are data, in the
marketplace's language (Spanish).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.attachments import minimal_pdf
from messaging.models import Side, Thread
from messaging.reasons import reasons_seed_defaults
from messaging.services import (
    _message_add,
    reason_for,
    thread_mark_no_reply_needed,
    thread_mark_read,
)
from orders.models import Order, OrderState
from shops.demo import DEMO_SHOPS
from shops.models import Shop, User


@dataclass
class DemoMessage:
    author: str
    hours_ago: float
    body: str
    to: tuple = ()
    invoice: bool = False


@dataclass
class DemoThread:
    subject: str
    reason: str
    order_states: tuple  # the kind of order it is about (the first such order not yet used)
    messages: list[DemoMessage] = field(default_factory=list)
    read: bool = False
    no_reply_needed: str = ""


SHIPPED = (OrderState.SHIPPED, OrderState.RECEIVED)
DEMO_THREADS = [
    DemoThread(
        "¿Dónde está mi pedido?",
        "delivery",
        SHIPPED,
        [
            DemoMessage(
                Side.CUSTOMER,
                60,
                "Hola, el seguimiento no se actualiza desde hace cuatro días. ¿Podéis decirme "
                "dónde está el paquete? Gracias.",
            )
        ],
    ),
    DemoThread(
        "Necesito la factura del pedido",
        "invoice_request",
        SHIPPED,
        [
            DemoMessage(
                Side.CUSTOMER,
                39,
                "Buenos días, ¿me podéis enviar la factura a nombre de mi empresa? El CIF es "
                "B12345678. Un saludo.",
            )
        ],
    ),
    DemoThread(
        "Pregunta sobre el producto",
        "product_question",
        (OrderState.SHIPPING, OrderState.WAITING_ACCEPTANCE),
        [
            DemoMessage(
                Side.CUSTOMER,
                3,
                "¿El artículo viene con las instrucciones en castellano? Es un regalo.",
            )
        ],
    ),
    DemoThread(
        "Consulta del operador sobre el envío",
        "delivery",
        SHIPPED,
        [
            DemoMessage(
                Side.OPERATOR,
                20,
                "El cliente nos indica que el transportista no encuentra la dirección. "
                "¿Podéis confirmar la dirección de entrega con el transportista?",
            )
        ],
    ),
    DemoThread(
        "Copia de la factura",
        "invoice_request",
        (OrderState.CLOSED, OrderState.RECEIVED),
        [
            DemoMessage(Side.CUSTOMER, 120, "Hola, ¿podríais mandarme una copia de la factura?"),
            DemoMessage(
                Side.SHOP,
                100,
                "Buenos días, le adjuntamos la factura del pedido. Un saludo.",
                to=("customer",),
                invoice=True,
            ),
        ],
        read=True,
    ),
    DemoThread(
        "Gracias por la rapidez",
        "other",
        (OrderState.RECEIVED, OrderState.CLOSED),
        [DemoMessage(Side.CUSTOMER, 26, "Me ha llegado todo perfecto. ¡Muchas gracias!")],
        no_reply_needed="El cliente solo da las gracias.",
    ),
    DemoThread(
        "Cambio de dirección de entrega",
        "order_question",
        (OrderState.SHIPPING, OrderState.WAITING_ACCEPTANCE),
        [
            DemoMessage(Side.CUSTOMER, 30, "¿Puedo cambiar la dirección de entrega? Me he mudado."),
            DemoMessage(
                Side.SHOP,
                28,
                "Claro, indíquenos la nueva dirección completa y la cambiamos antes del envío.",
                to=("customer",),
            ),
            DemoMessage(Side.CUSTOMER, 2, "Calle Mayor 12, 3.º B, 28013 Madrid. ¡Gracias!"),
        ],
    ),
]


def _shop_user(shop):
    return User.objects.filter(shop=shop).order_by("id").first()


def _orders_for(shop) -> dict:
    orders = Order.objects.filter(shop=shop).order_by("created_at", "id")
    return {state: [o for o in orders if o.state == state] for state in OrderState.values}


def _pick_order(available: dict, states: tuple, used: set):
    for state in states:
        for order in available.get(state, []):
            if order.pk not in used:
                used.add(order.pk)
                return order
    return None


def _load_thread(*, shop, spec: DemoThread, order, user, now) -> None:
    first = spec.messages[0]
    sent_at = now - timedelta(hours=first.hours_ago)
    thread = Thread(
        shop=shop,
        order=order,
        reason=reason_for(kind="message", code=spec.reason),
        subject=spec.subject,
        with_customer=first.author == Side.CUSTOMER or "customer" in first.to,
        with_operator=first.author == Side.OPERATOR or "operator" in first.to,
        created_at=sent_at,
        last_message_at=sent_at,
        last_message_author=first.author,
    )
    for message in spec.messages:
        files = []
        if message.invoice:
            pdf = minimal_pdf(f"Factura {order.reference}")
            files = [
                SimpleUploadedFile(
                    f"factura-{order.reference}.pdf", pdf, content_type="application/pdf"
                )
            ]
        added = _message_add(
            thread=thread,
            author=message.author,
            body=message.body,
            acting_user=user if message.author == Side.SHOP else None,
            files=files,
            to_customer="customer" in message.to,
            to_operator="operator" in message.to,
            sent_at=now - timedelta(hours=message.hours_ago),
        )
        thread = added.thread
    if spec.no_reply_needed:
        thread_mark_no_reply_needed(thread=thread, reason=spec.no_reply_needed, acting_user=user)
    elif spec.read:
        thread_mark_read(thread=thread, acting_user=user)


def load_demo(stdout) -> None:
    reasons_seed_defaults()
    now = timezone.now()
    for shop_spec in DEMO_SHOPS:
        shop = Shop.objects.get(code=shop_spec["code"])
        user = _shop_user(shop)
        existing = set(
            Thread.objects.filter(
                shop=shop, subject__in=[spec.subject for spec in DEMO_THREADS]
            ).values_list("subject", flat=True)
        )
        used = set(
            Thread.objects.filter(shop=shop, order__isnull=False).values_list("order_id", flat=True)
        )
        available = _orders_for(shop)
        created = 0
        for spec in DEMO_THREADS:
            if spec.subject in existing:
                continue
            order = _pick_order(available, spec.order_states, used)
            if order is None:
                continue
            _load_thread(shop=shop, spec=spec, order=order, user=user, now=now)
            created += 1
        stdout.write(
            _("Threads of %(shop)s: %(created)d created, %(existing)d already there.")
            % {"shop": shop.code, "created": created, "existing": len(existing)}
        )
