"""What remains refundable on an order, and what a proposed refund gives back: one computation
for the preview, the API, the seller's page and the create service.

Rules (domain.md, "Refunds"), over Decimal amounts with 2 places:

- Every refund that is not REFUSED counts against what was paid.
- A line's refundable amount is its total minus every amount already refunded on it.
- A line's refundable units are the units not refunded yet, capped by what its refundable
  amount still pays for: ``min(quantity − refunded units, floor(refundable amount / unit
  price))``. So units and amounts on one line never disagree: after an amount of 5.00 on a
  line of 2 × 10.00, one unit (10.00) remains refundable, not two.
- A unit refund takes ``units × unit price`` from the line; an amount on a line takes that
  amount. An amount on the order's products as a whole is spread over the lines in proportion
  to what remains refundable on each (after the parts of the same request that name a line),
  in whole cents by the largest-remainder method: the shares add up exactly to the amount and
  no line gets more than it has left.
- Shipping is refunded only through ``shipping_amount``, up to the shipping paid minus the
  shipping already refunded.
- The window: refunds are allowed on SHIPPED, RECEIVED and CLOSED orders until the end of the
  day ``REFUND_WINDOW_DAYS`` (200) after the shipping day, both days counted in the shop's
  timezone. Shipped on 1 March (shop time): the last day is 17 September, until 23:59:59 shop
  time; the next day is refused.

Only `load_refundable` touches the database; everything else is a pure function.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orders.models import Order, OrderState
from refunds.models import Refund, RefundLine, RefundState
from sellerdesk.errors import DomainError
from sellerdesk.formatting import format_date, format_money
from sellerdesk.money import CENT, ZERO, quantize

REFUNDABLE_STATES = (OrderState.SHIPPED, OrderState.RECEIVED, OrderState.CLOSED)


# --- What the order holds and what remains ----------------------------------------------------


@dataclass(frozen=True)
class LineBalance:
    """One order line: what was paid and what was refunded on it so far."""

    line_id: int
    sku: str
    title: str
    quantity: int
    unit_price: Decimal
    total_amount: Decimal
    refunded_quantity: int = 0
    refunded_amount: Decimal = ZERO

    @property
    def refundable_amount(self) -> Decimal:
        return max(self.total_amount - self.refunded_amount, ZERO)

    @property
    def refundable_quantity(self) -> int:
        units_left = max(self.quantity - self.refunded_quantity, 0)
        if self.unit_price <= 0:
            return units_left
        return min(units_left, int(self.refundable_amount // self.unit_price))


@dataclass(frozen=True)
class Balance:
    """What remains refundable on an order: per line, for shipping and in total."""

    lines: dict[int, LineBalance]
    shipping_paid: Decimal
    shipping_refunded: Decimal = ZERO
    # How many refunds count against it (not REFUSED): 0 makes the next one the order's first.
    # Read with the sums under the write's lock; not part of what the balance is (compare).
    refunds_counting: int = field(default=0, compare=False)

    @property
    def line_list(self) -> list[LineBalance]:
        return list(self.lines.values())

    @property
    def shipping_amount(self) -> Decimal:
        return max(self.shipping_paid - self.shipping_refunded, ZERO)

    @property
    def items_amount(self) -> Decimal:
        return sum((line.refundable_amount for line in self.lines.values()), ZERO)

    @property
    def total_amount(self) -> Decimal:
        return self.items_amount + self.shipping_amount

    @property
    def refunded_amount(self) -> Decimal:
        items = sum((line.refunded_amount for line in self.lines.values()), ZERO)
        return items + self.shipping_refunded

    @property
    def is_fully_refunded(self) -> bool:
        return self.total_amount == ZERO

    def after(self, breakdown: "Breakdown") -> "Balance":
        """The balance once this breakdown is refunded too."""
        lines = dict(self.lines)
        for part in breakdown.lines:
            line = lines[part.line_id]
            lines[part.line_id] = replace(
                line,
                refunded_quantity=line.refunded_quantity + part.quantity,
                refunded_amount=line.refunded_amount + part.amount,
            )
        return replace(
            self, lines=lines, shipping_refunded=self.shipping_refunded + breakdown.shipping_amount
        )


def load_refundable(order: Order) -> Balance:
    """The order's balance in two queries (plus the lines, unless they are prefetched)."""
    refunded = {
        row["order_line"]: row
        for row in RefundLine.objects.filter(refund__order=order)
        .exclude(refund__state=RefundState.REFUSED)
        .values("order_line")
        .annotate(units=Sum("quantity"), amount=Sum("amount"))
        .order_by()
    }
    counting = (
        Refund.objects.filter(order=order)
        .counting()
        .aggregate(total=Sum("shipping_amount"), count=Count("id"))
    )
    return balance_of(
        order,
        refunded=refunded,
        shipping_refunded=counting["total"] or ZERO,
        refunds_counting=counting["count"],
    )


def balance_of(
    order: Order, *, refunded: dict, shipping_refunded: Decimal, refunds_counting: int = 0
) -> Balance:
    """Build a balance from the order's lines and sums per line: {line_id: {"units", "amount"}}."""
    lines = {}
    for line in order.lines.all():
        done = refunded.get(line.pk, {})
        lines[line.pk] = LineBalance(
            line_id=line.pk,
            sku=line.sku,
            title=line.title,
            quantity=line.quantity,
            unit_price=line.unit_price,
            total_amount=line.total_amount,
            refunded_quantity=done.get("units") or 0,
            refunded_amount=quantize(done.get("amount") or ZERO),
        )
    return Balance(
        lines=lines,
        shipping_paid=order.shipping_amount,
        shipping_refunded=quantize(shipping_refunded),
        refunds_counting=refunds_counting,
    )


# --- The window ---------------------------------------------------------------------------------


def refund_deadline(order: Order) -> date | None:
    """The last day (in the shop's timezone) a refund is allowed; None before shipment."""
    if order.shipped_at is None or order.state not in REFUNDABLE_STATES:
        return None
    shipped_day = order.shipped_at.astimezone(order.shop.tzinfo).date()
    return shipped_day + timedelta(days=settings.REFUND_WINDOW_DAYS)


def check_order_refundable(order: Order, *, now: datetime) -> date:
    """The deadline, once the order may be refunded now. Raises order_not_shipped,
    refund_window_expired."""
    deadline = refund_deadline(order)
    if deadline is None:
        raise DomainError(
            _("Order %(reference)s has not been shipped: cancel it instead of refunding it.")
            % {"reference": order.reference},
            code="order_not_shipped",
        )
    if now.astimezone(order.shop.tzinfo).date() > deadline:
        raise DomainError(
            _(
                "Order %(reference)s can no longer be refunded: the %(days)s-day window after "
                "shipment ended on %(deadline)s."
            )
            % {
                "reference": order.reference,
                "days": settings.REFUND_WINDOW_DAYS,
                "deadline": format_date(deadline, "long"),
            },
            code="refund_window_expired",
        )
    return deadline


# --- A proposed refund --------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRequest:
    """One entry of `lines`: units of a line, or an amount on it (or both)."""

    line_id: int
    quantity: int | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class RefundRequest:
    lines: list[LineRequest] = field(default_factory=list)
    amount: Decimal | None = None  # on the order's products as a whole
    shipping_amount: Decimal | None = None

    def is_empty(self) -> bool:
        return not self.lines and self.amount is None and self.shipping_amount is None


@dataclass(frozen=True)
class LinePart:
    line_id: int
    quantity: int
    amount: Decimal


@dataclass(frozen=True)
class Breakdown:
    lines: list[LinePart]
    shipping_amount: Decimal

    @property
    def items_amount(self) -> Decimal:
        return sum((part.amount for part in self.lines), ZERO)

    @property
    def total_amount(self) -> Decimal:
        return self.items_amount + self.shipping_amount


def spread(amount: Decimal, weights: list[tuple[int, Decimal]]) -> dict[int, Decimal]:
    """Split `amount` over keys in proportion to their weights, in whole cents.

    Largest remainder: every key gets the floor of its exact share, then the cents left go one
    each to the largest remainders (ties: first key first). The shares add up to `amount`
    exactly, and a key never gets more than its weight when `amount` ≤ the sum of weights.
    """
    cents = int(amount / CENT)
    weight_cents = [(key, int(weight / CENT)) for key, weight in weights]
    total = sum(weight for _key, weight in weight_cents)
    if total == 0:
        return {key: ZERO for key, _weight in weights}
    shares, remainders = {}, []
    for index, (key, weight) in enumerate(weight_cents):
        share, remainder = divmod(cents * weight, total)
        shares[key] = share
        remainders.append((-remainder, index, key))
    left = cents - sum(shares.values())
    for _remainder, _index, key in sorted(remainders)[:left]:
        shares[key] += 1
    return {key: Decimal(share) * CENT for key, share in shares.items()}


def compute_refund(balance: Balance, request: RefundRequest, *, currency: str) -> Breakdown:
    """The breakdown of a proposed refund against the order's balance; raises when it is refused.

    Raises refund_empty (nothing asked), refund_amount_invalid (zero or negative parts),
    unknown_line (a line that is not the order's), refund_exceeds_refundable (more than
    remains, with what remains in `detail` and `fields`).
    """
    if request.is_empty():
        raise DomainError(
            _(
                "Say what to refund: an amount, units of a product, an amount on a product or the shipping."
            ),
            code="refund_empty",
        )
    invalid: dict[str, list[str]] = {}
    must_be_positive = _("Must be greater than zero.")
    for entry in request.lines:
        if entry.quantity is None and entry.amount is None:
            invalid.setdefault("lines", []).append(_("Give units or an amount for each product."))
        if (entry.quantity is not None and entry.quantity <= 0) or (
            entry.amount is not None and entry.amount <= 0
        ):
            invalid.setdefault("lines", []).append(must_be_positive)
    if request.amount is not None and request.amount <= 0:
        invalid["amount"] = [must_be_positive]
    if request.shipping_amount is not None and request.shipping_amount <= 0:
        invalid["shipping_amount"] = [must_be_positive]
    if invalid:
        raise DomainError(
            _("A refund gives back a positive amount: zero and negative values are refused."),
            code="refund_amount_invalid",
            fields=invalid,
        )
    unknown = [entry.line_id for entry in request.lines if entry.line_id not in balance.lines]
    if unknown:
        message = _("This order has no line %(lines)s.") % {
            "lines": ", ".join(str(line_id) for line_id in unknown)
        }
        raise DomainError(message, code="unknown_line", fields={"lines": [message]})

    # Parts that name a line: units (at the unit price) and amounts, added up per line.
    units: dict[int, int] = {}
    named: dict[int, Decimal] = {}
    for entry in request.lines:
        line = balance.lines[entry.line_id]
        units[line.line_id] = units.get(line.line_id, 0) + (entry.quantity or 0)
        named[line.line_id] = (
            named.get(line.line_id, ZERO)
            + (entry.quantity or 0) * line.unit_price
            + (entry.amount or ZERO)
        )
    exceeded: dict[str, list[str]] = {}
    for line_id, amount in named.items():
        line = balance.lines[line_id]
        if units[line_id] > line.refundable_quantity or amount > line.refundable_amount:
            exceeded.setdefault("lines", []).append(
                ngettext(
                    "%(sku)s: at most %(units)d unit or %(amount)s remains refundable.",
                    "%(sku)s: at most %(units)d units or %(amount)s remain refundable.",
                    line.refundable_quantity,
                )
                % {
                    "sku": line.sku,
                    "units": line.refundable_quantity,
                    "amount": format_money(line.refundable_amount, currency),
                }
            )

    # The amount on the order's products: spread over what the named parts leave on each line.
    spread_shares: dict[int, Decimal] = {}
    if request.amount is not None:
        left = [
            (line.line_id, max(line.refundable_amount - named.get(line.line_id, ZERO), ZERO))
            for line in balance.lines.values()
        ]
        available = sum((amount for _line_id, amount in left), ZERO)
        if request.amount > available:
            exceeded["amount"] = [
                _("At most %(amount)s of the products remains refundable.")
                % {"amount": format_money(available, currency)}
            ]
        else:
            spread_shares = spread(request.amount, left)

    shipping = request.shipping_amount or ZERO
    if shipping > balance.shipping_amount:
        exceeded["shipping_amount"] = [
            _("At most %(amount)s of the shipping remains refundable.")
            % {"amount": format_money(balance.shipping_amount, currency)}
        ]
    if exceeded:
        raise DomainError(
            _(
                "This refund is more than what remains refundable: %(total)s in total "
                "(products %(items)s, shipping %(shipping)s)."
            )
            % {
                "total": format_money(balance.total_amount, currency),
                "items": format_money(balance.items_amount, currency),
                "shipping": format_money(balance.shipping_amount, currency),
            },
            code="refund_exceeds_refundable",
            fields=exceeded,
        )

    parts = []
    for line_id in balance.lines:
        quantity = units.get(line_id, 0)
        amount = named.get(line_id, ZERO) + spread_shares.get(line_id, ZERO)
        if quantity or amount:
            parts.append(LinePart(line_id=line_id, quantity=quantity, amount=quantize(amount)))
    breakdown = Breakdown(lines=parts, shipping_amount=quantize(shipping))
    if breakdown.total_amount <= 0:
        raise DomainError(
            _("A refund of zero is refused."), code="refund_amount_invalid", fields={}
        )
    return breakdown
