"""Demo refunds for `manage.py load_demo` (runs after the orders' demo).

Per demo shop: refunds in every state on its shipped demo orders (pending, refunded, refused,
and a full refund), plus two orders for the 200-day window: one shipped 195 days ago (5 days
left to refund it) and one shipped 210 days ago (past the window). Idempotent: the orders are
keyed on their reference, and each refund on an Idempotency-Key, so a second run replays them.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.demo import CATALOGUES
from orders.models import Order, OrderState
from orders.services import LineInput, order_import
from refunds.calculations import REFUNDABLE_STATES, LineRequest, RefundRequest, load_refundable
from refunds.models import RefundState
from refunds.services import refund_confirm, refund_create, refund_refuse
from shops.demo import DEMO_OPERATOR, DEMO_SHOPS
from shops.models import Shop, User

# (reference suffix, days since shipment): near the end of the window, and past it.
WINDOW_ORDERS = [("W195", 195), ("W210", 210)]


def _window_orders(shop: Shop, now) -> int:
    created = 0
    sku, title, price = CATALOGUES.get(shop.code, CATALOGUES["norte"])[0]
    for suffix, days in WINDOW_ORDERS:
        reference = f"{shop.code.upper()}-{suffix}"
        if Order.objects.filter(shop=shop, reference=reference).exists():
            continue
        shipped_at = (now - timedelta(days=days)).replace(second=0, microsecond=0)
        order = order_import(
            shop=shop,
            reference=reference,
            customer_name="Lucía Romero Gil",
            customer_email="lucia.romero7@example.com",
            customer_language="es",
            currency=settings.DEFAULT_CURRENCY,
            lines=[LineInput(sku=sku, title=title, quantity=2, unit_price=Decimal(price))],
            shipping_amount=Decimal("4.95"),
            state=OrderState.CLOSED,
            created_at=shipped_at - timedelta(days=2),
            shipped_at=shipped_at,
        )
        # As the orders' demo does: the marketplace's history carries the shipment.
        Order.objects.filter(pk=order.pk).update(
            carrier="Correos", tracking_number=f"PK{order.pk:04d}{days:03d}ES0000000001"
        )
        created += 1
    return created


def _refund(order, seller, *, reason, request):
    """The demo refund of this order with this reason: the one a previous load made, or a new
    one (each demo order gets one refund per reason, so loading twice creates it once)."""
    existing = order.refunds.filter(reason=reason).order_by("pk").first()
    if existing is not None:
        return existing
    return refund_create(order=order, reason=reason, request=request, acting_user=seller).refund


def load_demo(stdout) -> None:
    now = timezone.now()
    operator = User.objects.get(username=DEMO_OPERATOR)
    for shop_spec in DEMO_SHOPS:
        shop = Shop.objects.get(code=shop_spec["code"])
        seller = User.objects.get(username=shop_spec["username"])
        window_created = _window_orders(shop, now)
        orders = list(
            Order.objects.filter(
                shop=shop,
                state__in=REFUNDABLE_STATES,
                reference__regex=r"^[A-Z]+-1[0-9]+$",
                shipped_at__gte=now - timedelta(days=120),
            )
            .select_related("shop")
            .prefetch_related("lines")
            .order_by("reference")[:4]
        )
        if len(orders) < 4:
            continue
        pending_order, paid_order, refused_order, full_order = orders

        first_line = pending_order.lines.all()[0]
        _refund(
            pending_order,
            seller,
            reason="damaged_item",
            request=RefundRequest(lines=[LineRequest(line_id=first_line.pk, quantity=1)]),
        )

        half = (paid_order.items_amount / 2).quantize(Decimal("0.01"))
        paid = _refund(
            paid_order,
            seller,
            reason="goodwill",
            request=RefundRequest(amount=half),
        )
        if paid.state == RefundState.PENDING:
            refund_confirm(refund=paid, acting_user=operator)

        line = refused_order.lines.all()[0]
        refused = _refund(
            refused_order,
            seller,
            reason="customer_return",
            request=RefundRequest(lines=[LineRequest(line_id=line.pk, amount=line.total_amount)]),
        )
        if refused.state == RefundState.PENDING:
            refund_refuse(
                refund=refused,
                acting_user=operator,
                reason="El cliente no ha devuelto el producto al almacén.",
            )

        balance = load_refundable(full_order)
        if balance.total_amount > 0:
            _refund(
                full_order,
                seller,
                reason="missing_item",
                request=RefundRequest(
                    amount=balance.items_amount or None,
                    shipping_amount=balance.shipping_amount or None,
                ),
            )
        stdout.write(
            _("Refunds of %(shop)s: every state on %(orders)s; window orders created: %(window)d.")
            % {
                "shop": shop.code,
                "orders": ", ".join(order.reference for order in orders),
                "window": window_created,
            }
        )
