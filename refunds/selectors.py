"""Reads for refund pages and the refund API, always scoped to one shop (or ALL_SHOPS)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import RecipientKind
from notifications.selectors import notice_sent_at
from orders.models import Order
from refunds.calculations import (
    Balance,
    Breakdown,
    RefundRequest,
    check_order_refundable,
    compute_refund,
    load_refundable,
    refund_deadline,
)
from refunds.models import Refund, RefundLine, RefundState
from refunds.notices import REFUND_EVENTS
from refunds.reasons import reason_label_expression
from sellerdesk.errors import DomainError


def with_reason_label(queryset):
    """Annotate `reason_label` from the operator's reason list, in the active language, and
    `notified_at` (when the customer's email about it was delivered, from the outbox), inside
    the list's own query (no query per row)."""
    return queryset.annotate(
        reason_label=reason_label_expression("reason"),
        notified_at=notice_sent_at(
            about_type="refunds.refund", recipient_kind=RecipientKind.CUSTOMER, events=REFUND_EVENTS
        ),
    )


def refund_list(*, shop):
    """Refunds of one shop (ALL_SHOPS for operators), newest first, ready for a list."""
    return with_reason_label(
        Refund.objects.for_shop(shop)
        .select_related("order", "shop", "created_by")
        .order_by("-created_at", "-id")
    )


def _with_lines(queryset):
    return queryset.prefetch_related(
        Prefetch("lines", queryset=RefundLine.objects.select_related("order_line"))
    )


def refund_detail_queryset(*, shop):
    return _with_lines(refund_list(shop=shop).select_related("decided_by"))


def order_refunds(*, order: Order):
    """One order's refunds with their lines, newest first (a constant number of queries)."""
    return _with_lines(
        with_reason_label(
            Refund.objects.filter(order=order).select_related("order", "shop", "created_by")
        )
    ).order_by("-created_at", "-id")


def refundable_order_queryset(*, shop):
    """Orders a seller may open the refund form of (any of the shop's; rules say the rest)."""
    return Order.objects.for_shop(shop).select_related("shop").prefetch_related("lines")


@dataclass(frozen=True)
class Preview:
    breakdown: Breakdown
    refundable: Balance  # before this refund
    remaining: Balance  # once this refund is made
    refund_deadline: date


def refund_preview(*, order: Order, request: RefundRequest, now: datetime | None = None) -> Preview:
    """What a proposed refund would give back and leave, by the computation `refund_create`
    uses; writes nothing. Raises the same errors as `refund_create` (except the reason)."""
    deadline = check_order_refundable(order, now=now or timezone.now())
    balance = load_refundable(order)
    breakdown = compute_refund(balance, request, currency=order.currency)
    return Preview(
        breakdown=breakdown,
        refundable=balance,
        remaining=balance.after(breakdown),
        refund_deadline=deadline,
    )


@dataclass(frozen=True)
class OrderRefundSummary:
    """The refunds panel of the order page and the refund fields of the order API."""

    order: Order
    balance: Balance
    refund_deadline: date | None
    refunds: list[Refund]
    can_refund: bool
    why_not: str

    def _sum(self, state: str) -> Decimal:
        return sum((r.total_amount for r in self.refunds if r.state == state), Decimal("0.00"))

    @property
    def pending_amount(self) -> Decimal:
        """Created, not yet paid by the marketplace: apart from what was refunded."""
        return self._sum(RefundState.PENDING)

    @property
    def confirmed_amount(self) -> Decimal:
        """Refunds the operator confirmed as paid."""
        return self._sum(RefundState.REFUNDED)


def order_refund_summary(*, order: Order, now: datetime | None = None) -> OrderRefundSummary:
    balance = load_refundable(order)
    why_not = ""
    try:
        check_order_refundable(order, now=now or timezone.now())
    except DomainError as error:
        why_not = str(error.detail)
    if not why_not and balance.total_amount <= 0:
        why_not = _("Nothing is left to refund on order %(reference)s.") % {
            "reference": order.reference
        }
    return OrderRefundSummary(
        order=order,
        balance=balance,
        refund_deadline=refund_deadline(order),
        refunds=list(order_refunds(order=order)),
        can_refund=not why_not,
        why_not=why_not,
    )
