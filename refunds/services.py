"""Every write on refunds: create (seller), confirm and refuse (operator), notify the customer.

Locks: every change takes the order row first (`orders.services.order_lock`), then touches its
refunds, always in that order, so a refund and a decision on the same order never interleave.
`refund_create` computes what remains refundable only after it holds the order lock: two
refunds sent at the same moment are serialized and the second sees the first, so together they
can never exceed what was paid.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
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
from refunds.idempotency import check_replay
from refunds.models import Refund, RefundLine, RefundState
from refunds.reasons import is_refund_reason, reason_label
from sellerdesk.errors import DomainError, InvalidState

log = logging.getLogger(__name__)


# --- Create -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundCreated:
    refund: Refund
    # True when an Idempotency-Key replay answered an earlier refund and nothing was written.
    replayed: bool = False
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
    idempotency_key: str | None = None,
    request_hash: str = "",
) -> RefundCreated:
    """Create a PENDING refund of a shipped order, within its window, never more than paid.

    Guarantees: the order row is locked while what remains is computed and the refund written,
    so concurrent refunds never exceed what was paid; the order timeline records it; the
    customer's email is queued after commit (and retried by the sweep if the queue is down);
    when nothing remains refundable, the order's open incidents are closed in the same
    transaction. Nothing is written when it raises.

    Raises invalid (reason), order_not_shipped, refund_window_expired, refund_empty,
    refund_amount_invalid, unknown_line, refund_exceeds_refundable (400) and
    idempotency_key_reused (409).
    """
    if not is_refund_reason(reason):
        raise DomainError(
            _("Choose a refund reason."),
            code="invalid",
            fields={"reason": [_("Choose a refund reason.")]},
        )
    try:
        with transaction.atomic():
            locked = order_lock(order.pk)
            if idempotency_key:
                previous = Refund.objects.filter(
                    shop_id=locked.shop_id, idempotency_key=idempotency_key
                ).first()
                if previous is not None:
                    check_replay(previous, request_hash)
                    return RefundCreated(refund=previous, replayed=True)
            now = timezone.now()
            check_order_refundable(locked, now=now)
            balance = load_refundable(locked)
            breakdown = compute_refund(balance, request, currency=locked.currency)
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
                idempotency_key=idempotency_key,
                request_hash=request_hash,
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
            order_event_record(
                order=locked,
                kind=OrderEventKind.REFUND_CREATED,
                actor=acting_user,
                actor_side=actor_side_of(acting_user),
                message=_("Refund #%(id)s: %(total)s %(currency)s (%(reason)s).")
                % {
                    "id": refund.pk,
                    "total": refund.total_amount,
                    "currency": refund.currency,
                    "reason": refund.reason_label,
                },
                at=now,
            )
            fully_refunded = balance.after(breakdown).is_fully_refunded
            if fully_refunded:
                # domain.md: a full refund closes the order's open incidents, recorded as such.
                incidents_close_for_full_refund(
                    order=locked, acting_user=acting_user, refund_id=refund.pk
                )
            transaction.on_commit(partial(_queue_notification, refund.pk))
    except IntegrityError as error:
        # The same key on two orders of one shop at the same moment: the unique constraint
        # let one through; the other answers as a replay (or a 409 for another body).
        if idempotency_key and "refund_idempotency_key_unique_per_shop" in str(error):
            previous = Refund.objects.get(shop_id=order.shop_id, idempotency_key=idempotency_key)
            check_replay(previous, request_hash)
            return RefundCreated(refund=previous, replayed=True)
        raise
    return RefundCreated(refund=refund, order_fully_refunded=fully_refunded)


def _queue_notification(refund_id: int) -> None:
    """After commit: queue the customer's email. If the broker is down, the refund is kept and
    the periodic sweep (`notify_pending_refund_notifications`) sends the email later."""
    from refunds.tasks import notify_customer_of_refund

    try:
        notify_customer_of_refund.apply_async(
            (refund_id,),
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
        )
    except Exception:  # any broker failure (kombu/redis errors have no common base)
        log.exception(
            "Could not queue the email of refund %s; the pending-notification sweep will send it.",
            refund_id,
        )


# --- Operator decisions -------------------------------------------------------------------------


class RefundNotPending(InvalidState):
    code = "refund_not_pending"


def _decide(
    *, refund: Refund, to_state: str, acting_user, event_kind: str, refuse_reason: str = ""
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
        order_event_record(
            order=order,
            kind=event_kind,
            actor=acting_user,
            actor_side=actor_side_of(acting_user),
            message=(
                _("Refund #%(id)s: %(reason)s") % {"id": refund.pk, "reason": refuse_reason}
                if refuse_reason
                else _("Refund #%(id)s") % {"id": refund.pk}
            ),
            at=now,
        )
    refund.refresh_from_db()
    return refund


def refund_confirm(*, refund: Refund, acting_user) -> Refund:
    """PENDING → REFUNDED: the marketplace's payment side paid it. Raises refund_not_pending (409)."""
    return _decide(
        refund=refund,
        to_state=RefundState.REFUNDED,
        acting_user=acting_user,
        event_kind=OrderEventKind.REFUND_CONFIRMED,
    )


def refund_refuse(*, refund: Refund, acting_user, reason: str) -> Refund:
    """PENDING → REFUSED with a reason; its amounts become refundable again.

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
        refuse_reason=reason[:500],
    )


# --- Customer notification ----------------------------------------------------------------------

# A claim older than this belongs to a sender that died mid-way: another may take it over.
NOTIFICATION_CLAIM_TIMEOUT = timedelta(minutes=15)
# The sweep leaves young refunds to the task queued at creation.
NOTIFICATION_GRACE = timedelta(minutes=5)
NOTIFICATION_SWEEP_BATCH = 200


def _claimable(now: datetime) -> Q:
    return Q(notified_at__isnull=True) & (
        Q(notification_claimed_at__isnull=True)
        | Q(notification_claimed_at__lt=now - NOTIFICATION_CLAIM_TIMEOUT)
    )


def customer_language(order: Order) -> str:
    """The customer's language where known and offered, else Spanish."""
    languages = {code for code, _name in settings.LANGUAGES}
    return order.customer_language if order.customer_language in languages else "es"


def _send_refund_email(refund: Refund) -> bool:
    order = refund.order
    if not order.customer_email:
        return False
    language = customer_language(order)
    with translation.override(language):
        context = {
            "refund": refund,
            "order": order,
            "shop": order.shop,
            "lines": list(refund.lines.all()),
            # Looked up here, in the customer's language (not a label annotated in another).
            "reason": reason_label(refund.reason),
        }
        subject = render_to_string("refunds/email/refund_created_subject.txt", context)
        body = render_to_string("refunds/email/refund_created_body.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[order.customer_email],
        reply_to=[order.shop.email] if order.shop.email else None,
        headers={"Content-Language": language},
    ).send()
    return True


def _deliver_claimed(refund_id: int, *, claimed_at: datetime) -> bool:
    """Send the email of a refund this sender has claimed, then record it.

    On a mail failure the claim is released (so the retry or the sweep can take it) and the
    error raised again."""
    refund = (
        Refund.objects.select_related("order__shop")
        .prefetch_related("lines__order_line")
        .get(pk=refund_id)
    )
    try:
        sent = _send_refund_email(refund)
    except Exception:
        Refund.objects.filter(pk=refund_id, notification_claimed_at=claimed_at).update(
            notification_claimed_at=None
        )
        raise
    with transaction.atomic():
        Refund.objects.filter(pk=refund_id).update(notified_at=timezone.now())
        if sent:
            order_event_record(
                order=refund.order,
                kind=OrderEventKind.CUSTOMER_NOTIFIED,
                actor_side="system",
                message=_("Refund #%(id)s: email sent to %(email)s.")
                % {"id": refund.pk, "email": refund.order.customer_email},
            )
    return sent


def refund_notify_customer(*, refund_id: int) -> bool:
    """Email the customer about a refund, once: returns True when the email was sent now.

    A conditional UPDATE claims the refund first: the queued task, its retries and the sweep
    may all reach the same refund, and only the one whose UPDATE matches sends (so the customer
    never gets the email twice). Once sent, `notified_at` is set and the order timeline records
    `customer_notified`. Without a customer email there is nothing to send: it is marked done.
    Raises the mail server's error (SMTPException/OSError) after releasing the claim, for retry.
    """
    now = timezone.now()
    claimed = (
        Refund.objects.filter(_claimable(now), pk=refund_id).update(
            notification_claimed_at=now, notification_attempts=F("notification_attempts") + 1
        )
        == 1
    )
    if not claimed:
        return False
    return _deliver_claimed(refund_id, claimed_at=now)


@dataclass(frozen=True)
class NotificationSweep:
    claimed: int
    sent: int
    failed: int


def refund_notifications_send_pending(*, now: datetime | None = None) -> NotificationSweep:
    """The sweep: send every refund email still unsent a few minutes after creation (the queue
    was down, or the mail server failed for too long). Claims the batch in one set-based UPDATE,
    so two sweeps (or a sweep and a task) never send the same email twice. Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        # skip_locked: rows another sweep is claiming right now are left to it.
        ids = list(
            Refund.objects.filter(_claimable(now), created_at__lte=now - NOTIFICATION_GRACE)
            .order_by("created_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:NOTIFICATION_SWEEP_BATCH]
        )
        claimed = Refund.objects.filter(_claimable(now), pk__in=ids).update(
            notification_claimed_at=now, notification_attempts=F("notification_attempts") + 1
        )
    sent = failed = 0
    for refund_id in ids:
        try:
            sent += _deliver_claimed(refund_id, claimed_at=now)
        except (SMTPException, OSError):
            failed += 1
            log.warning("Refund %s: the email could not be sent; next sweep retries.", refund_id)
    log.info("refund notifications: %s claimed, %s sent, %s failed", claimed, sent, failed)
    return NotificationSweep(claimed=claimed, sent=sent, failed=failed)
