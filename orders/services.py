"""Every write on orders: the order cycle, the periodic job and the operator's import.

Locks: a transition locks the order row (SELECT ... FOR UPDATE) before it reads the state, so
two requests acting on one order are serialized and the second sees the first's result. Other
apps that change what an order may do (incidents freeze it, refunds count what was paid) lock
the same row first too, always the order before their own rows.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.extensions import order_shipped_notify
from orders.freeze import frozen_q, is_frozen, order_freezers
from orders.models import (
    ACTION_EVENT,
    TRANSITIONS,
    Order,
    OrderAction,
    OrderEvent,
    OrderEventKind,
    OrderLine,
    OrderState,
)
from orders.notices import order_state_changed_emit, orders_state_changed_emit
from sellerdesk.errors import DomainError, InvalidState
from sellerdesk.money import quantize

log = logging.getLogger(__name__)


class OrderFrozen(InvalidState):
    code = "order_frozen"


def order_lock(order_id: int) -> Order:
    """Lock one order row for the rest of the transaction. Always taken before child rows.

    The shop comes in the same query (every write needs its timezone or its notices' language)
    but is not locked (`of=self`): a shop's orders are written concurrently all the time."""
    return Order.objects.select_related("shop").select_for_update(of=("self",)).get(pk=order_id)


def order_event_record(
    *,
    order: Order,
    kind: str,
    actor=None,
    actor_side: str = "system",
    params: dict | None = None,
    from_state: str = "",
    to_state: str = "",
    at: datetime | None = None,
) -> OrderEvent:
    """Add a step to the order timeline; call it inside the transaction of the change it records.

    `params` are data (ids, amounts as strings with their currency, codes, labels in every
    language, what a person wrote), never a sentence: `orders.events` renders them for each
    reader, in their language."""
    return OrderEvent.objects.create(
        order=order,
        kind=kind,
        actor=actor,
        actor_side=actor_side,
        params=params or {},
        from_state=from_state,
        to_state=to_state,
        created_at=at or timezone.now(),
    )


def actor_side_of(user) -> str:
    """Who acted, for timelines: "shop", "operator", or "system" (a job, no user)."""
    if user is None:
        return "system"
    return "operator" if user.shop_id is None else "shop"


@transaction.atomic
def _order_transition(
    *, order: Order, action: str, acting_user, message: str = "", params=None, **fields
) -> Order:
    locked = order_lock(order.pk)
    if is_frozen(locked):
        blocking = ", ".join(str(item) for item in order_freezers(locked))
        raise OrderFrozen(
            _("Order %(reference)s is frozen by %(blocking)s: close it before changing the order.")
            % {"reference": locked.reference, "blocking": blocking}
        )
    next_state = TRANSITIONS.get(locked.state, {}).get(action)
    if next_state is None:
        raise InvalidState(
            _("Cannot %(action)s order %(reference)s: it is %(state)s.")
            % {
                "action": OrderAction(action).label.lower(),
                "reference": locked.reference,
                "state": locked.get_state_display().lower(),
            }
        )
    now = timezone.now()
    previous = locked.state
    locked.state = next_state
    update_fields = ["state", "updated_at", *fields]
    for name, value in fields.items():
        setattr(locked, name, value)
    timestamp_field = {
        OrderState.SHIPPING: "accepted_at",
        OrderState.SHIPPED: "shipped_at",
        OrderState.RECEIVED: "received_at",
        OrderState.CLOSED: "closed_at",
    }.get(next_state)
    if timestamp_field:
        setattr(locked, timestamp_field, now)
        update_fields.append(timestamp_field)
    locked.save(update_fields=update_fields)
    if next_state == OrderState.SHIPPED:
        order_shipped_notify(locked)
    event = order_event_record(
        order=locked,
        kind=ACTION_EVENT[action],
        actor=acting_user,
        actor_side=actor_side_of(acting_user),
        params=params or ({"note": message} if message else {}),
        from_state=previous,
        to_state=next_state,
        at=now,
    )
    order_state_changed_emit(order=locked, from_state=previous, event_row=event)
    return locked


def _required(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(
            _("This field is required."),
            code="required",
            fields={field: [_("This field is required.")]},
        )
    return value


def order_accept(*, order: Order, acting_user) -> Order:
    """WAITING_ACCEPTANCE → SHIPPING. Raises invalid_transition, order_frozen."""
    return _order_transition(order=order, action=OrderAction.ACCEPT, acting_user=acting_user)


def order_refuse(*, order: Order, acting_user, reason: str) -> Order:
    """WAITING_ACCEPTANCE → REFUSED, with the reason. Raises required, invalid_transition, order_frozen."""
    reason = _required(reason, "reason")
    return _order_transition(
        order=order,
        action=OrderAction.REFUSE,
        acting_user=acting_user,
        message=reason,
        state_reason=reason,
    )


def order_cancel(*, order: Order, acting_user, reason: str) -> Order:
    """Before shipment → CANCELED, with the reason. Raises required, invalid_transition, order_frozen."""
    reason = _required(reason, "reason")
    return _order_transition(
        order=order,
        action=OrderAction.CANCEL,
        acting_user=acting_user,
        message=reason,
        state_reason=reason,
    )


def order_ship(*, order: Order, acting_user, carrier: str, tracking_number: str) -> Order:
    """SHIPPING → SHIPPED with carrier and tracking number; starts the 200-day refund window."""
    carrier = _required(carrier, "carrier")
    tracking_number = _required(tracking_number, "tracking_number")
    return _order_transition(
        order=order,
        action=OrderAction.SHIP,
        acting_user=acting_user,
        params={"carrier": carrier, "tracking_number": tracking_number},
        carrier=carrier,
        tracking_number=tracking_number,
    )


# Carrier and tracking number may be given before the shipment is confirmed, and corrected after.
TRACKING_STATES = (OrderState.SHIPPING, OrderState.SHIPPED)


@transaction.atomic
def order_tracking_set(*, order: Order, acting_user, carrier: str, tracking_number: str) -> Order:
    """Record the carrier and tracking number of an order to ship (SHIPPING) or shipped (SHIPPED),
    without changing its state: `order_ship` then confirms the shipment with them. Not a
    transition, so a frozen order may get its tracking too. Writes a `tracking_updated` event
    (none when nothing changed). Raises required, invalid_transition (409, another state).
    """
    carrier = _required(carrier, "carrier")
    tracking_number = _required(tracking_number, "tracking_number")
    locked = order_lock(order.pk)
    if locked.state not in TRACKING_STATES:
        raise InvalidState(
            _(
                "Order %(reference)s is %(state)s: tracking is given for an order to ship or shipped."
            )
            % {"reference": locked.reference, "state": locked.get_state_display().lower()}
        )
    if (locked.carrier, locked.tracking_number) == (carrier, tracking_number):
        return locked
    locked.carrier = carrier
    locked.tracking_number = tracking_number
    locked.save(update_fields=["carrier", "tracking_number", "updated_at"])
    order_event_record(
        order=locked,
        kind=OrderEventKind.TRACKING_UPDATED,
        actor=acting_user,
        actor_side=actor_side_of(acting_user),
        params={"carrier": carrier, "tracking_number": tracking_number},
    )
    return locked


def order_receive(*, order: Order, acting_user) -> Order:
    """SHIPPED → RECEIVED: the customer (through the operator API) or the operator confirms receipt."""
    return _order_transition(order=order, action=OrderAction.RECEIVE, acting_user=acting_user)


@dataclass
class AdvanceResult:
    received: int
    closed: int
    skipped_frozen: int


def _advance_step(
    *, from_state, to_state, date_field, timestamp_field, days, kind, now
) -> tuple[int, int]:
    """Move every due, unfrozen order of one state in a few set-based statements."""
    due = Order.objects.filter(
        state=from_state, **{f"{date_field}__lte": now - timedelta(days=days)}
    )
    skipped = due.filter(frozen_q()).count()
    with transaction.atomic():
        # skip_locked: an order a person is changing right now is left for the next run.
        ids = list(
            due.exclude(frozen_q()).select_for_update(skip_locked=True).values_list("pk", flat=True)
        )
        if not ids:
            return 0, skipped
        # The UPDATE re-checks every condition, the freeze included: the SELECT's snapshot may
        # predate an incident committed since (its lock released, so SKIP LOCKED did not skip
        # the order), and READ COMMITTED gives this statement a newer snapshot that sees it.
        moved = (
            Order.objects.filter(pk__in=ids, state=from_state)
            .exclude(frozen_q())
            .update(state=to_state, updated_at=now, **{timestamp_field: now})
        )
        if moved < len(ids):
            # Frozen meanwhile: skipped like the others. The rows stay locked by this
            # transaction, so those now in to_state at `now` are exactly the ones it moved.
            skipped += len(ids) - moved
            ids = list(
                Order.objects.filter(
                    pk__in=ids, state=to_state, **{timestamp_field: now}
                ).values_list("pk", flat=True)
            )
            if not ids:
                return 0, skipped
        OrderEvent.objects.bulk_create(
            OrderEvent(
                order_id=order_id,
                kind=kind,
                actor_side="system",
                from_state=from_state,
                to_state=to_state,
                params={"automatic_after_days": days},
                created_at=now,
            )
            for order_id in ids
        )
        orders_state_changed_emit(order_ids=ids, from_state=from_state, at=now)
    return moved, skipped


def orders_advance(*, now: datetime | None = None) -> AdvanceResult:
    """The order-cycle job: SHIPPED → RECEIVED after AUTO_RECEIVE_DAYS, RECEIVED → CLOSED after
    AUTO_CLOSE_DAYS. Frozen orders are skipped (and counted). Idempotent: a second run at the same
    time finds nothing due."""
    now = now or timezone.now()
    # Close first, so an order received by this run waits its full AUTO_CLOSE_DAYS.
    closed, skipped_close = _advance_step(
        from_state=OrderState.RECEIVED,
        to_state=OrderState.CLOSED,
        date_field="received_at",
        timestamp_field="closed_at",
        days=settings.AUTO_CLOSE_DAYS,
        kind=OrderEventKind.CLOSED,
        now=now,
    )
    received, skipped_receive = _advance_step(
        from_state=OrderState.SHIPPED,
        to_state=OrderState.RECEIVED,
        date_field="shipped_at",
        timestamp_field="received_at",
        days=settings.AUTO_RECEIVE_DAYS,
        kind=OrderEventKind.RECEIVED,
        now=now,
    )
    result = AdvanceResult(
        received=received, closed=closed, skipped_frozen=skipped_close + skipped_receive
    )
    log.info(
        "advance_orders: %s received, %s closed, %s skipped because frozen",
        result.received,
        result.closed,
        result.skipped_frozen,
    )
    return result


@dataclass
class LineInput:
    sku: str
    title: str
    quantity: int
    unit_price: Decimal


def order_import(
    *,
    shop,
    reference: str,
    customer_name: str,
    customer_email: str,
    customer_language: str,
    currency: str,
    lines: list[LineInput],
    shipping_amount: Decimal,
    state: str,
    created_at: datetime,
    shipped_at: datetime | None,
    acting_user=None,
) -> Order:
    """Create an order as the marketplace sends it, in any state (to import history).

    Validation of shapes happens in the API serializer; here the rules that need the database.
    Raises duplicate_reference.
    """
    items_amount = quantize(sum((line.unit_price * line.quantity for line in lines), Decimal("0")))
    duplicate = DomainError(
        _("Shop %(shop)s already has an order %(reference)s.")
        % {"shop": shop.code, "reference": reference},
        code="duplicate_reference",
        fields={"reference": [_("This order number already exists in this shop.")]},
    )
    if Order.objects.filter(shop=shop, reference=reference).exists():
        raise duplicate
    dates = {"created_at": created_at}
    if state not in (OrderState.WAITING_ACCEPTANCE, OrderState.REFUSED, OrderState.CANCELED):
        dates["accepted_at"] = created_at
    if shipped_at:
        dates["shipped_at"] = shipped_at
    if state in (OrderState.RECEIVED, OrderState.CLOSED):
        dates["received_at"] = shipped_at
    if state == OrderState.CLOSED:
        dates["closed_at"] = shipped_at
    try:
        with transaction.atomic():
            order = Order.objects.create(
                shop=shop,
                reference=reference,
                state=state,
                customer_name=customer_name,
                customer_email=customer_email,
                customer_language=customer_language,
                currency=currency,
                shipping_amount=shipping_amount,
                items_amount=items_amount,
                total_amount=items_amount + shipping_amount,
                **dates,
            )
            OrderLine.objects.bulk_create(
                OrderLine(
                    order=order,
                    sku=line.sku,
                    title=line.title,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    total_amount=quantize(line.unit_price * line.quantity),
                )
                for line in lines
            )
            if order.shipped_at:
                order_shipped_notify(order)
            order_event_record(
                order=order,
                kind=OrderEventKind.CREATED,
                actor=acting_user,
                actor_side="operator" if acting_user else "system",
                to_state=state,
                at=created_at,
            )
    except IntegrityError as error:
        # The unique constraint is the real guard: two imports of one reference at once end here.
        if "order_reference_unique_per_shop" in str(error):
            raise duplicate from None
        raise
    return order
