"""Orders, order lines and refunds in Mirakl's shapes (OR11, OR12, OR28), read in a constant
number of queries for a whole page.

Mapping (docs/mirakl.md): `order_id` is the order number (`reference`); an order line's id is
SellerDesk's line id. Order states are the same codes. A line shows `INCIDENT_OPEN` while an
incident on it (or on the whole order) is not closed, and `REFUNDED` once refunds that were
paid cover it. Shipping is per order in SellerDesk: it is reported on the order's first line.
A SellerDesk refund (one order, one reason) is an `order_refund_id`; each of its lines is one
Mirakl refund (`<refund>-<line>`), the refund's shipping on its first line. Refused refunds
count for nothing and are not listed. SellerDesk keeps no commissions, taxes, addresses or
payment data: those numbers are 0 and the addresses null (as Mirakl has them before shipping).
"""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch

from incidents.models import Incident
from messaging.models import Message, Side
from mirakl.formats import mirakl_datetime, mirakl_locale, split_name
from mirakl.people import customer_id
from orders.models import OrderAction
from orders.selectors import order_list
from refunds.calculations import balance_of, check_order_refundable
from refunds.models import Refund, RefundLine, RefundState
from sellerdesk.errors import DomainError
from sellerdesk.money import ZERO

ZERO_MONEY = Decimal("0.00")
TAX_INCLUDED = "TAX_INCLUDED"
REFUND_STATES = {RefundState.PENDING: "WAITING_REFUND", RefundState.REFUNDED: "REFUNDED"}


def mirakl_order_queryset(*, shop):
    """The shop's orders with everything their Mirakl form needs, in a fixed number of queries."""
    customer_wrote = Message.objects.filter(thread__order=OuterRef("pk"), author=Side.CUSTOMER)
    counting = (
        Refund.objects.counting()
        .prefetch_related(Prefetch("lines", queryset=RefundLine.objects.order_by("order_line_id")))
        .order_by("created_at", "id")
    )
    return (
        order_list(shop=shop)
        .annotate(has_customer_message=Exists(customer_wrote))
        .prefetch_related(
            "lines",
            Prefetch("refunds", queryset=counting, to_attr="counting_refunds"),
            Prefetch(
                "incidents",
                queryset=Incident.objects.not_closed().order_by("id"),
                to_attr="open_incidents",
            ),
        )
    )


def refund_entries(refund, *, first_line_id: int) -> list[dict]:
    """One Mirakl refund per line of a SellerDesk refund; its shipping on its first line."""
    parts = list(refund.lines.all())
    entries = []
    for index, part in enumerate(parts or [None]):
        line_id = part.order_line_id if part else first_line_id
        entries.append(
            {
                "id": f"{refund.pk}-{line_id}",
                "order_refund_id": str(refund.pk),
                "order_line_id": str(line_id),
                "amount": part.amount if part else ZERO_MONEY,
                "shipping_amount": refund.shipping_amount if index == 0 else ZERO_MONEY,
                "quantity": part.quantity if part else 0,
                "reason_code": refund.reason,
                "refund_state": REFUND_STATES[refund.state],
                "state": REFUND_STATES[refund.state],
                "created_date": mirakl_datetime(refund.created_at),
                "currency_iso_code": refund.currency,
                "commission_amount": ZERO_MONEY,
                "commission_tax_amount": ZERO_MONEY,
                "commission_taxes": [],
                "commission_total_amount": ZERO_MONEY,
            }
        )
    return entries


def _balance(order):
    """What was refunded per line and for shipping, from the prefetched refunds that count."""
    refunded: dict[int, dict] = {}
    shipping_refunded = ZERO
    for refund in order.counting_refunds:
        shipping_refunded += refund.shipping_amount
        for part in refund.lines.all():
            row = refunded.setdefault(part.order_line_id, {"units": 0, "amount": ZERO})
            row["units"] += part.quantity
            row["amount"] += part.amount
    return balance_of(order, refunded=refunded, shipping_refunded=shipping_refunded)


def _refund_window_open(order) -> bool:
    try:
        check_order_refundable(order, now=order.now)
    except DomainError:
        return False
    return True


def _line_state(order, line, line_refunds) -> str:
    if any(incident.order_line_id in (None, line.pk) for incident in order.open_incidents):
        return "INCIDENT_OPEN"
    paid_in_full = line_refunds and all(
        entry["refund_state"] == "REFUNDED" for entry in line_refunds
    )
    if paid_in_full and order.line_balance[line.pk].refundable_amount == ZERO:
        return "REFUNDED"
    return order.state


def order_representation(order, *, now, tax_mode: str = TAX_INCLUDED) -> dict:
    """OR11's order. `now` decides whether the refund window is still open."""
    order.now = now
    lines = list(order.lines.all())
    balance = _balance(order)
    order.line_balance = balance.lines
    first_line_id = lines[0].pk if lines else 0
    refunds_by_line: dict[int, list[dict]] = {}
    for refund in order.counting_refunds:
        for entry in refund_entries(refund, first_line_id=first_line_id):
            refunds_by_line.setdefault(int(entry["order_line_id"]), []).append(entry)
    window_open = _refund_window_open(order)
    allowed = [] if order.frozen else order.allowed_actions()
    firstname, lastname = split_name(order.customer_name)
    order_lines = []
    for index, line in enumerate(lines, start=1):
        shipping = order.shipping_amount if index == 1 else ZERO_MONEY
        line_refunds = refunds_by_line.get(line.pk, [])
        entry = {
            "order_line_id": str(line.pk),
            "order_line_index": index,
            "order_line_state": _line_state(order, line, line_refunds),
            "can_refund": window_open and balance.lines[line.pk].refundable_amount > ZERO,
            "offer_id": 0,
            "offer_sku": line.sku,
            "offer_state_code": "",
            "product_sku": line.sku,
            "product_title": line.title,
            "description": None,
            "category_code": "",
            "category_label": "",
            "quantity": line.quantity,
            "price_unit": line.unit_price,
            "price": line.total_amount,
            "shipping_price": shipping,
            "total_price": line.total_amount + shipping,
            "commission_fee": ZERO_MONEY,
            "commission_rate_vat": ZERO_MONEY,
            "commission_vat": ZERO_MONEY,
            "commission_taxes": [],
            "total_commission": ZERO_MONEY,
            "created_date": mirakl_datetime(order.created_at),
            "last_updated_date": mirakl_datetime(order.updated_at),
            "order_line_additional_fields": [],
            "product_medias": [],
            "cancelations": [],
            "refunds": line_refunds,
        }
        for key, value in (
            ("shipped_date", order.shipped_at),
            ("received_date", order.received_at),
        ):
            if value:
                entry[key] = mirakl_datetime(value)
        order_lines.append(entry)
    data = {
        "order_id": order.reference,
        "commercial_id": order.reference,
        "order_state": order.state,
        "created_date": mirakl_datetime(order.created_at),
        "last_updated_date": mirakl_datetime(order.updated_at),
        "currency_iso_code": order.currency,
        "customer": {
            "customer_id": customer_id(order),
            "firstname": firstname,
            "lastname": lastname,
            "locale": mirakl_locale(order.customer_language),
            "billing_address": None,
            "shipping_address": None,
        },
        "can_cancel": OrderAction.CANCEL in allowed,
        "can_shop_ship": OrderAction.SHIP in allowed,
        "has_incident": bool(order.frozen),
        "has_customer_message": order.has_customer_message,
        "has_invoice": False,
        "fully_refunded": bool(order.counting_refunds) and balance.is_fully_refunded,
        "fulfillment": {"center": {"code": "DEFAULT"}},
        "leadtime_to_ship": 0,
        "order_tax_mode": tax_mode,
        "paymentType": "",
        "payment_type": "",
        "price": order.items_amount,
        "shipping_price": order.shipping_amount,
        "total_price": order.total_amount,
        "total_commission": ZERO_MONEY,
        "shipping_type_code": "",
        "shipping_type_label": "",
        "shipping_zone_code": "",
        "shipping_zone_label": "",
        "order_lines": order_lines,
    }
    if order.accepted_at:
        data["acceptance_decision_date"] = mirakl_datetime(order.accepted_at)
    if order.state_reason:
        data["order_state_reason_label"] = order.state_reason
    if order.carrier:
        data["shipping_company"] = order.carrier
    if order.tracking_number:
        data["shipping_tracking"] = order.tracking_number
    return data


# OR12 (deprecated by Mirakl for OR11 with order_ids) returns the same order with fewer parts;
# these fields it requires, null where Mirakl documents them null.
OR12_ORDER_FIELDS = (
    "order_id",
    "commercial_id",
    "order_state",
    "created_date",
    "last_updated_date",
    "has_customer_message",
    "has_incident",
    "has_invoice",
    "paymentType",
    "payment_type",
    "price",
    "shipping_price",
    "total_price",
    "total_commission",
    "shipping_type_code",
    "shipping_type_label",
    "shipping_zone_code",
    "shipping_zone_label",
    "shipping_company",
    "shipping_tracking",
)
OR12_LINE_FIELDS = (
    "order_line_id",
    "order_line_index",
    "order_line_state",
    "can_refund",
    "offer_id",
    "offer_sku",
    "offer_state_code",
    "product_sku",
    "product_title",
    "description",
    "category_code",
    "category_label",
    "quantity",
    "price_unit",
    "price",
    "shipping_price",
    "total_price",
    "commission_fee",
    "commission_rate_vat",
    "commission_vat",
    "total_commission",
    "created_date",
    "last_updated_date",
    "order_line_additional_fields",
)


def single_order_representation(order, *, now) -> dict:
    full = order_representation(order, now=now)
    data = {key: full[key] for key in OR12_ORDER_FIELDS if key in full}
    customer = full["customer"]
    data["customer"] = {
        key: customer[key]
        for key in ("customer_id", "firstname", "lastname", "billing_address", "shipping_address")
    }
    data["acceptance_decision_date"] = full.get("acceptance_decision_date")
    data["order_state_reason_code"] = None
    data["order_state_reason_label"] = full.get("order_state_reason_label")
    data["order_lines"] = [
        {
            **{key: line[key] for key in OR12_LINE_FIELDS},
            "debited_date": None,
            "shipped_date": line.get("shipped_date"),
            "received_date": line.get("received_date"),
            "order_line_state_reason_code": None,
            "order_line_state_reason_label": None,
            "shipping_price_unit": line["shipping_price"],
            "shipping_price_additional_unit": ZERO_MONEY,
        }
        for line in full["order_lines"]
    ]
    return data
