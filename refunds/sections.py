"""The refunds panel of the order page and the refund fields of `GET /api/v1/orders/{id}/`.

Registered from RefundsConfig.ready(); both run a constant number of queries (the balance's two
aggregates and the order's refunds with their lines), whatever the number of lines or refunds.
"""

from django.utils.translation import gettext_lazy as _

from orders.extensions import OrderSection
from refunds import selectors
from refunds.api import RefundOutput
from sellerdesk.money import quantize


def page_context(order, request) -> dict:
    return {"summary": selectors.order_refund_summary(order=order)}


def api_fields(order, request) -> dict:
    summary = selectors.order_refund_summary(order=order)
    balance = summary.balance
    lines = []
    for line in order.lines.all():
        line_balance = balance.lines[line.pk]
        lines.append(
            {
                "id": line.pk,
                "sku": line.sku,
                "title": line.title,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "total_amount": str(line.total_amount),
                "refundable_quantity": line_balance.refundable_quantity,
                "refundable_amount": str(quantize(line_balance.refundable_amount)),
            }
        )
    return {
        "lines": lines,
        "refunded_amount": str(quantize(balance.refunded_amount)),
        "refundable_amount": str(quantize(balance.total_amount)),
        "refund_deadline": summary.refund_deadline.isoformat() if summary.refund_deadline else None,
        "refunds": RefundOutput(summary.refunds, many=True).data,
    }


REFUNDS_SECTION = OrderSection(
    key="refunds",
    position=30,
    template="refunds/order_panel.html",
    page_context=page_context,
    api_fields=api_fields,
    api_field_names={
        "lines": _("Order lines with refundable_quantity and refundable_amount."),
        "refunded_amount": _("Refunded so far, counting every refund not refused."),
        "refundable_amount": _("What remains refundable (products and shipping)."),
        "refund_deadline": _("Last day of the refund window, in the shop's timezone."),
        "refunds": _("The order's refunds, newest first."),
    },
)
