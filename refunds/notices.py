"""What a refund tells, and to whom: created, confirmed (paid) and refused, to the customer and
the shop (each in their own language, saying what it means for them) and to the webhooks
subscribed. Written by `refunds.services` in the transaction of the change."""

from django.urls import reverse
from django.utils import translation

from messaging.models import ReasonKind
from messaging.selectors import reason_labels_by_language
from notifications.models import RecipientKind, WebhookEvent
from notifications.services import Event, customer_recipient, notices_emit, shop_recipient
from orders.models import Order, OrderEventKind
from orders.services import order_event_record
from refunds.models import Refund, RefundLine

REFUND_CREATED = WebhookEvent.REFUND_CREATED.value
REFUND_CONFIRMED = WebhookEvent.REFUND_CONFIRMED.value
REFUND_REFUSED = WebhookEvent.REFUND_REFUSED.value
REFUND_EVENTS = (REFUND_CREATED, REFUND_CONFIRMED, REFUND_REFUSED)


def refund_api_shape(refund_id: int, *, language: str) -> dict:
    """The refund as `GET /api/v1/refunds/{id}/` shows it (labels in the shop's language)."""
    from refunds.api import RefundOutput
    from refunds.selectors import refund_detail_queryset
    from sellerdesk.tenancy import ALL_SHOPS

    with translation.override(language):
        return dict(RefundOutput(refund_detail_queryset(shop=ALL_SHOPS).get(pk=refund_id)).data)


def refund_notices_emit(
    *,
    refund: Refund,
    order: Order,
    event: str,
    reason_labels: dict | None = None,
    lines: list[dict] | None = None,
) -> None:
    """Write the notices of one refund event, in the caller's transaction. A caller that has
    the reason's labels or the lines ({title, quantity, amount}) at hand passes them."""
    shop = order.shop
    if lines is None:
        lines = [
            {"title": line.order_line.title, "quantity": line.quantity, "amount": str(line.amount)}
            for line in RefundLine.objects.filter(refund=refund)
            .select_related("order_line")
            .order_by("id")
        ]
    if reason_labels is None:
        reason_labels = reason_labels_by_language(kind=ReasonKind.REFUND, code=refund.reason)
    params = {
        "refund_id": refund.pk,
        "order_id": order.pk,
        "reference": order.reference,
        "customer_name": order.customer_name,
        "state": refund.state,
        "currency": refund.currency,
        "total_amount": str(refund.total_amount),
        "shipping_amount": str(refund.shipping_amount),
        "lines": lines,
        "reason": refund.reason,
        "reason_labels": reason_labels,
        "refuse_reason": refund.refuse_reason,
        "refund_path": reverse("refund-detail", args=[refund.pk]),
    }
    notices_emit(
        [
            Event(
                type=event,
                key=f"{event}:{refund.pk}",
                shop=shop,
                about=refund,
                recipients=[
                    customer_recipient(
                        email=order.customer_email,
                        language=order.customer_language,
                        reply_to=shop.email,
                    ),
                    shop_recipient(shop),
                ],
                params=params,
                webhook=lambda: refund_api_shape(refund.pk, language=shop.language),
            )
        ]
    )


def record_customer_notified(notice) -> None:
    """The delivered hook: the customer's refund email reached the mail server, so the order
    timeline says the customer was notified (in the delivery's transaction)."""
    if notice.recipient_kind != RecipientKind.CUSTOMER:
        return
    order_event_record(
        order=Order(pk=notice.params["order_id"]),
        kind=OrderEventKind.CUSTOMER_NOTIFIED,
        actor_side="system",
        params={"refund_id": notice.params["refund_id"], "email": notice.address},
    )
