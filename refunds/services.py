"""Every write on refunds: create (seller), confirm and refuse (operator).

Each of them writes its notices (to the customer, the shop and the webhooks subscribed,
`refunds.notices`) in its own transaction: they are delivered after commit by the outbox.

Locks: every change takes the order row first (`orders.services.order_lock`), then touches its
refunds, always in that order, so a refund and a decision on the same order never interleave.
`refund_create` computes what remains refundable only after it holds the order lock: two
refunds sent at the same moment are serialized and the second sees the first, so together they
can never exceed what was paid.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.services import incidents_close_for_full_refund
from orders.models import Order, OrderEventKind
from orders.services import actor_side_of, order_event_record, order_lock
from refunds.calculations import (
    RefundRequest,
    check_order_refundable,
    compute_refund,
    load_refundable,
)
from refunds.models import Refund, RefundLine, RefundState
from refunds.notices import REFUND_CONFIRMED, REFUND_CREATED, REFUND_REFUSED, refund_notices_emit
from refunds.reasons import active_reason_labels
from sellerdesk.errors import DomainError, InvalidState
from stats.rollup import shop_day_add

# --- Create -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundCreated:
    refund: Refund
    # True when this refund left nothing refundable on the order (its incidents were closed).
    order_fully_refunded: bool = False


def refund_is_full(order: Order) -> bool:
    """Whether nothing remains refundable on the order, counting every refund not REFUSED."""
    return load_refundable(order).is_fully_refunded


def refund_create(
    *,
    order: Order,
    reason: str,
    request: RefundRequest,
    acting_user,
    note: str = "",
) -> RefundCreated:
    """Create a PENDING refund of a shipped order, within its window, never more than paid.

    Guarantees: the order row is locked while what remains is computed and the refund written,
    so concurrent refunds never exceed what was paid; the order timeline records it; the
    customer's and the shop's emails and the webhooks are written in the same transaction and
    delivered after commit (a broker or mail server that is down delays them, never loses them);
    when nothing remains refundable, the order's open incidents are closed in the same
    transaction. Nothing is written when it raises.

    Raises invalid (reason), order_not_shipped, refund_window_expired, refund_empty,
    refund_amount_invalid, unknown_line, refund_exceeds_refundable (400). A retried request is
    the API's to answer (`sellerdesk.idempotency`, the one Idempotency-Key mechanism).
    """
    # Checked and labelled in one read: the labels go on the timeline event and the notices.
    reason_labels = active_reason_labels(reason)
    if reason_labels is None:
        raise DomainError(
            _("Choose a refund reason."),
            code="invalid",
            fields={"reason": [_("Choose a refund reason.")]},
        )
    with transaction.atomic():
        locked = order_lock(order.pk)
        now = timezone.now()
        check_order_refundable(locked, now=now)
        balance = load_refundable(locked)
        breakdown = compute_refund(balance, request, currency=locked.currency)
        # Its first refund that counts puts the order in its shipping day's refunded cohort.
        first_of_order = balance.refunds_counting == 0
        refund = Refund.objects.create(
            order=locked,
            shop_id=locked.shop_id,
            state=RefundState.PENDING,
            reason=reason,
            note=note.strip(),
            currency=locked.currency,
            shipping_amount=breakdown.shipping_amount,
            total_amount=breakdown.total_amount,
            created_by=acting_user,
            created_at=now,
        )
        RefundLine.objects.bulk_create(
            RefundLine(
                refund=refund,
                order_line_id=part.line_id,
                quantity=part.quantity,
                amount=part.amount,
            )
            for part in breakdown.lines
        )
        _rollup_refund(order=locked, refund=refund, sign=1, order_cohort=first_of_order)
        order_event_record(
            order=locked,
            kind=OrderEventKind.REFUND_CREATED,
            actor=acting_user,
            actor_side=actor_side_of(acting_user),
            params={
                "refund_id": refund.pk,
                "total_amount": str(refund.total_amount),
                "currency": refund.currency,
                "reason": reason,
                "reason_labels": reason_labels,
            },
            at=now,
        )
        fully_refunded = balance.after(breakdown).is_fully_refunded
        if fully_refunded:
            # domain.md: a full refund closes the order's open incidents, recorded as such.
            incidents_close_for_full_refund(
                order=locked, acting_user=acting_user, refund_id=refund.pk
            )
        refund_notices_emit(
            refund=refund,
            order=locked,
            event=REFUND_CREATED,
            reason_labels=reason_labels,
            # The lines just written, titled from the balance: no query to read them back.
            lines=[
                {
                    "title": balance.lines[part.line_id].title,
                    "quantity": part.quantity,
                    "amount": str(part.amount),
                }
                for part in breakdown.lines
            ],
        )
    return RefundCreated(refund=refund, order_fully_refunded=fully_refunded)


def _rollup_refund(*, order: Order, refund: Refund, sign: int, order_cohort: bool) -> None:
    shop_day_add(
        shop_id=order.shop_id,
        at=refund.created_at,
        currency=refund.currency,
        refunds_count=sign,
        refunded_amount=sign * refund.total_amount,
    )
    if order_cohort and order.shipped_at:
        shop_day_add(shop_id=order.shop_id, at=order.shipped_at, orders_refunded=sign)


# --- Operator decisions -------------------------------------------------------------------------


class RefundNotPending(InvalidState):
    code = "refund_not_pending"


def _decide(
    *,
    refund: Refund,
    to_state: str,
    acting_user,
    event_kind: str,
    notice_event: str,
    refuse_reason: str = "",
) -> Refund:
    with transaction.atomic():
        order = order_lock(refund.order_id)
        now = timezone.now()
        # Conditional UPDATE: two operators (or confirm against refuse) deciding the same refund
        # at once; only the one that still finds it PENDING moves it.
        moved = Refund.objects.filter(pk=refund.pk, state=RefundState.PENDING).update(
            state=to_state, decided_at=now, decided_by=acting_user, refuse_reason=refuse_reason
        )
        if not moved:
            current = Refund.objects.get(pk=refund.pk)
            raise RefundNotPending(
                _("Refund #%(id)s is already %(state)s: only a pending refund can be decided.")
                % {"id": refund.pk, "state": current.get_state_display().lower()}
            )
        if to_state == RefundState.REFUSED:
            # A refused refund no longer counts: out of its day, and the order out of the
            # refunded cohort unless another refund still counts.
            _rollup_refund(
                order=order,
                refund=refund,
                sign=-1,
                order_cohort=not Refund.objects.filter(order=order).counting().exists(),
            )
        order_event_record(
            order=order,
            kind=event_kind,
            actor=acting_user,
            actor_side=actor_side_of(acting_user),
            params={"refund_id": refund.pk, "note": refuse_reason},
            at=now,
        )
        refund.refresh_from_db()
        # The customer and the shop learn what the decision means for each of them.
        refund_notices_emit(refund=refund, order=order, event=notice_event)
    return refund


def refund_confirm(*, refund: Refund, acting_user) -> Refund:
    """PENDING → REFUNDED: the marketplace's payment side paid it; the customer and the shop are
    told (after commit). Raises refund_not_pending (409)."""
    return _decide(
        refund=refund,
        to_state=RefundState.REFUNDED,
        acting_user=acting_user,
        event_kind=OrderEventKind.REFUND_CONFIRMED,
        notice_event=REFUND_CONFIRMED,
    )


def refund_refuse(*, refund: Refund, acting_user, reason: str) -> Refund:
    """PENDING → REFUSED with a reason; its amounts become refundable again. The customer (who
    was told it was coming) and the shop are told it will not be paid (after commit).

    Raises required (no reason, 400) and refund_not_pending (409)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Say why the refund is refused."),
            code="required",
            fields={"reason": [_("This field is required.")]},
        )
    return _decide(
        refund=refund,
        to_state=RefundState.REFUSED,
        acting_user=acting_user,
        event_kind=OrderEventKind.REFUND_REFUSED,
        notice_event=REFUND_REFUSED,
        refuse_reason=reason[:500],
    )
