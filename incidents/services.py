"""Every write on incidents: open, mark resolved, close, reopen, the full-refund close and the
reminder job.

Locks: each transition locks the order row first (`orders.services.order_lock`), then the
incident row (SELECT ... FOR UPDATE), always in that order, so a transition, the order cycle
and a refund acting on the same order are serialized and each sees the others' result. Each
change writes an IncidentEvent, an OrderEvent and its notices (`incidents.notices`: emails
and webhooks, delivered after commit by the outbox) in its transaction.

Error codes (HTTP status):
- 400 `invalid` (field errors: reason, message, description, opened_by), `line_not_in_order`.
- 409 `order_not_shipped` (opening on an order that was never shipped), `order_closed`
  (opening on a CLOSED order), `incident_not_open` (resolving an incident that is RESOLVED),
  `incident_not_resolved` (reopening an OPEN incident, or closing an OPEN one without a
  reason), `incident_closed` (any action on a CLOSED incident), `invalid_transition`
  (anything else the lifecycle does not allow).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import notices
from incidents.models import (
    TRANSITIONS,
    Incident,
    IncidentAction,
    IncidentEvent,
    IncidentEventKind,
    IncidentOpenedBy,
    IncidentState,
)
from incidents.reasons import CLOSE as CLOSE_REASON
from incidents.reasons import OPEN as OPEN_REASON
from incidents.reasons import (
    is_close_reason,
    is_open_reason,
    reason_labels_in_every_language,
)
from messaging.services import operator_thread_post_from_shop
from orders.models import Order, OrderEvent, OrderEventKind, OrderLine, OrderState
from orders.services import actor_side_of, order_event_record, order_lock
from sellerdesk.errors import DomainError, InvalidState
from stats.rollup import shop_day_add, shop_timezone

log = logging.getLogger(__name__)

# Orders an incident may be opened on: shipped, and not yet closed by the order cycle.
OPENABLE_ORDER_STATES = (OrderState.SHIPPED, OrderState.RECEIVED)
# The reason of the thread the resolution message starts when the order has none with the
# operator yet (messaging's reason list, kind "message").
OPERATOR_THREAD_REASON = "other"


def _field_errors(errors: dict[str, str]) -> None:
    if errors:
        raise DomainError(
            next(iter(errors.values())),
            code="invalid",
            fields={field: [message] for field, message in errors.items()},
        )


def _required_text(value: str | None) -> str:
    return (value or "").strip()


def _lock(incident: Incident) -> tuple[Order, Incident]:
    """Lock the order, then the incident (the project's lock order), and read both fresh."""
    order = order_lock(incident.order_id)
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    return order, locked


def _refusal(incident: Incident, action: str) -> InvalidState:
    if incident.state == IncidentState.CLOSED:
        return InvalidState(
            _("%(incident)s is closed: nothing more can be done on it.") % {"incident": incident},
            code="incident_closed",
        )
    if action == IncidentAction.RESOLVE:
        return InvalidState(
            _("%(incident)s is not open: it is already waiting for the operator.")
            % {"incident": incident},
            code="incident_not_open",
        )
    if action == IncidentAction.REOPEN:
        return InvalidState(
            _("%(incident)s is not resolved: only a resolved incident can be reopened.")
            % {"incident": incident},
            code="incident_not_resolved",
        )
    return InvalidState(
        _("%(incident)s does not allow this action.") % {"incident": incident},
        code="invalid_transition",
    )


def _guard(incident: Incident, action: str) -> str:
    """The one guard of the lifecycle: the next state, or the 409 that explains the refusal."""
    next_state = TRANSITIONS.get(incident.state, {}).get(action)
    if next_state is None:
        raise _refusal(incident, action)
    return next_state


def _record(
    *,
    incident: Incident,
    order: Order,
    kind: str,
    order_kind: str,
    acting_user,
    actor_side: str,
    from_state: str = "",
    message: str = "",
    reason: str = "",
    reason_kind: str = "",
    at: datetime,
) -> IncidentEvent:
    event = IncidentEvent.objects.create(
        incident=incident,
        kind=kind,
        actor=acting_user,
        actor_side=actor_side,
        from_state=from_state,
        to_state=incident.state,
        message=message,
        reason=reason,
        created_at=at,
    )
    # The timeline shows the reason in the reader's language: its labels go with the event.
    order_params = {"incident_id": incident.pk, "text": message}
    if reason and reason_kind:
        order_params["reason_labels"] = reason_labels_in_every_language(reason_kind, reason)
    order_event_record(
        order=order,
        kind=order_kind,
        actor=acting_user,
        actor_side=actor_side,
        params=order_params,
        at=at,
    )
    return event


def incident_open(
    *,
    order: Order,
    opened_by: str,
    reason: str,
    description: str,
    line_id: int | None = None,
    acting_user=None,
) -> Incident:
    """Open an incident on a SHIPPED or RECEIVED order, which freezes the order's cycle.

    `opened_by` is CUSTOMER (the marketplace front relays the customer's claim) or OPERATOR.
    The shop is notified (emailed and webhooks, after commit). Raises 400 `invalid` (opened_by, reason, description),
    400 `line_not_in_order`, 409 `order_not_shipped`, 409 `order_closed`.
    """
    description = _required_text(description)
    errors = {}
    if opened_by not in IncidentOpenedBy.values:
        errors["opened_by"] = _("Choose customer or operator.")
    if not is_open_reason(reason):
        errors["reason"] = _("Choose one of the incident reasons.")
    if not description:
        errors["description"] = _("Describe the problem.")
    _field_errors(errors)

    with transaction.atomic():
        locked_order = order_lock(order.pk)
        if locked_order.state == OrderState.CLOSED:
            raise InvalidState(
                _("Order %(reference)s is closed: an incident cannot be opened on it.")
                % {"reference": locked_order.reference},
                code="order_closed",
            )
        if locked_order.state not in OPENABLE_ORDER_STATES:
            raise InvalidState(
                _(
                    "Order %(reference)s has not been shipped (%(state)s): incidents are "
                    "opened on shipped or received orders."
                )
                % {
                    "reference": locked_order.reference,
                    "state": locked_order.get_state_display().lower(),
                },
                code="order_not_shipped",
            )
        line = None
        if line_id is not None:
            line = OrderLine.objects.filter(pk=line_id, order=locked_order).first()
            if line is None:
                message = _("This line is not a line of order %(reference)s.") % {
                    "reference": locked_order.reference
                }
                raise DomainError(message, code="line_not_in_order", fields={"line": [message]})
        now = timezone.now()
        # The order joins the "had an incident" cohort of its shipping day with its first one
        # (checked under the order's lock, so two openings at once count it once).
        first_of_order = not Incident.objects.filter(order=locked_order).exists()
        incident = Incident.objects.create(
            shop_id=locked_order.shop_id,
            order=locked_order,
            order_line=line,
            opened_by=opened_by,
            reason=reason,
            description=description,
            state=IncidentState.OPEN,
            opened_at=now,
            waiting_since=now,
            created_by=acting_user,
        )
        tz = shop_timezone(locked_order.shop_id)
        shop_day_add(shop_id=locked_order.shop_id, at=now, tz=tz, incidents_opened=1)
        if first_of_order and locked_order.shipped_at:
            shop_day_add(
                shop_id=locked_order.shop_id,
                at=locked_order.shipped_at,
                tz=tz,
                orders_with_incident=1,
            )
        event = _record(
            incident=incident,
            order=locked_order,
            kind=IncidentEventKind.OPENED,
            order_kind=OrderEventKind.INCIDENT_OPENED,
            acting_user=acting_user,
            actor_side=opened_by.lower(),
            message=description,
            reason=reason,
            reason_kind=OPEN_REASON,
            at=now,
        )
        notices.incident_notices_emit(
            incident=incident, order=locked_order, event=notices.OPENED, event_row=event
        )
    return incident


def incident_mark_resolved(
    *, incident: Incident, reason: str, message: str, acting_user
) -> Incident:
    """The shop says it solved the problem: OPEN → RESOLVED, waiting for the operator.

    Requires a closing reason and a message to the operator; the message is posted in the
    order's operator thread in the same transaction and kept in the incident's history. The
    operator is emailed after commit. Raises 400 `invalid` (reason, message), 409
    `incident_not_open`, 409 `incident_closed`.
    """
    message = _required_text(message)
    errors = {}
    if not is_close_reason(reason):
        errors["reason"] = _("Choose how the incident was resolved.")
    if not message:
        errors["message"] = _("Tell the operator what you did to resolve it.")
    _field_errors(errors)

    with transaction.atomic():
        order, locked = _lock(incident)
        previous = locked.state
        locked.state = _guard(locked, IncidentAction.RESOLVE)
        now = timezone.now()
        locked.resolved_at = now
        locked.resolution_reason = reason
        locked.waiting_since = None
        locked.save(update_fields=["state", "resolved_at", "resolution_reason", "waiting_since"])
        event = _record(
            incident=locked,
            order=order,
            kind=IncidentEventKind.RESOLVED,
            order_kind=OrderEventKind.INCIDENT_RESOLVED,
            acting_user=acting_user,
            actor_side=actor_side_of(acting_user),
            from_state=previous,
            message=message,
            reason=reason,
            reason_kind=CLOSE_REASON,
            at=now,
        )
        # The seed: "tells the operator what was done in a message to the operator".
        operator_thread_post_from_shop(
            order=order, body=message, acting_user=acting_user, reason_code=OPERATOR_THREAD_REASON
        )
        notices.incident_notices_emit(
            incident=locked, order=order, event=notices.RESOLVED, event_row=event, message=message
        )
    return locked


def incident_close(
    *, incident: Incident, acting_user, reason: str = "", message: str = ""
) -> Incident:
    """The operator agrees: RESOLVED → CLOSED, or closes an OPEN incident directly with a reason.

    Closing the order's last incident that is not CLOSED unfreezes the order. The shop is
    emailed after commit. Raises 400 `invalid` (unknown reason), 409 `incident_not_resolved`
    (OPEN without a reason), 409 `incident_closed`.
    """
    reason = (reason or "").strip()
    message = _required_text(message)
    if reason and not is_close_reason(reason):
        _field_errors({"reason": _("Choose one of the closing reasons.")})

    with transaction.atomic():
        order, locked = _lock(incident)
        previous = locked.state
        if previous == IncidentState.OPEN and not reason:
            # Checked under the lock: an incident reopened a moment ago is not closed by a
            # click meant to agree with the resolution it had then.
            detail = _("%(incident)s is open: give a reason to close it without a resolution.") % {
                "incident": locked
            }
            raise InvalidState(
                detail, code="incident_not_resolved", fields={"reason": [_("Required.")]}
            )
        locked.state = _guard(locked, IncidentAction.CLOSE)
        now = timezone.now()
        locked.closed_at = now
        locked.waiting_since = None
        if reason:
            locked.resolution_reason = reason
        locked.save(update_fields=["state", "closed_at", "waiting_since", "resolution_reason"])
        shop_day_add(shop_id=locked.shop_id, at=now, incidents_closed=1)
        event = _record(
            incident=locked,
            order=order,
            kind=IncidentEventKind.CLOSED,
            order_kind=OrderEventKind.INCIDENT_CLOSED,
            acting_user=acting_user,
            actor_side=actor_side_of(acting_user),
            from_state=previous,
            message=message,
            reason=reason,
            at=now,
        )
        notices.incident_notices_emit(
            incident=locked, order=order, event=notices.CLOSED, event_row=event, message=message
        )
    return locked


def incident_reopen(*, incident: Incident, acting_user, message: str) -> Incident:
    """The operator disagrees with the resolution: RESOLVED → OPEN, waiting for the shop again.

    Requires a message (why). The waiting time and the reminder period start again; the shop
    is emailed after commit. Raises 400 `invalid` (message), 409 `incident_not_resolved`,
    409 `incident_closed`.
    """
    message = _required_text(message)
    if not message:
        _field_errors({"message": _("Tell the shop why the incident is reopened.")})

    with transaction.atomic():
        order, locked = _lock(incident)
        previous = locked.state
        locked.state = _guard(locked, IncidentAction.REOPEN)
        now = timezone.now()
        locked.waiting_since = now
        locked.resolved_at = None
        locked.resolution_reason = ""
        locked.last_reminded_at = None
        locked.save(
            update_fields=[
                "state",
                "waiting_since",
                "resolved_at",
                "resolution_reason",
                "last_reminded_at",
            ]
        )
        event = _record(
            incident=locked,
            order=order,
            kind=IncidentEventKind.REOPENED,
            order_kind=OrderEventKind.INCIDENT_REOPENED,
            acting_user=acting_user,
            actor_side=actor_side_of(acting_user),
            from_state=previous,
            message=message,
            at=now,
        )
        notices.incident_notices_emit(
            incident=locked, order=order, event=notices.REOPENED, event_row=event, message=message
        )
    return locked


def incidents_close_for_full_refund(*, order: Order, acting_user=None, refund_id=None) -> int:
    """Close every incident of the order that is not CLOSED, because the order was fully refunded.

    Recorded as `auto_closed_full_refund` on each incident and as `incident_closed` on the
    order timeline, with the shop's and the webhooks' incident.closed notices, in the caller's
    transaction (the refund's). Returns how many were closed;
    0 when there were none. Raises nothing.
    """
    with transaction.atomic():
        locked_order = order_lock(order.pk)
        to_close = list(
            Incident.objects.select_for_update()
            .filter(order=locked_order)
            .not_closed()
            .order_by("id")
        )
        if not to_close:
            return 0
        now = timezone.now()
        Incident.objects.filter(pk__in=[incident.pk for incident in to_close]).update(
            state=IncidentState.CLOSED, closed_at=now, waiting_since=None
        )
        shop_day_add(shop_id=locked_order.shop_id, at=now, incidents_closed=len(to_close))
        # Rendered for each reader by incidents.events (no sentence is stored).
        params = {"full_refund_id": refund_id} if refund_id is not None else {"full_refund": True}
        side = actor_side_of(acting_user)
        events = IncidentEvent.objects.bulk_create(
            IncidentEvent(
                incident=incident,
                kind=IncidentEventKind.AUTO_CLOSED_FULL_REFUND,
                actor=acting_user,
                actor_side=side,
                from_state=incident.state,
                to_state=IncidentState.CLOSED,
                params=params,
                reason="refunded",
                created_at=now,
            )
            for incident in to_close
        )
        OrderEvent.objects.bulk_create(
            OrderEvent(
                order=locked_order,
                kind=OrderEventKind.INCIDENT_CLOSED,
                actor=acting_user,
                actor_side=side,
                params={"incident_id": incident.pk, **params},
                created_at=now,
            )
            for incident in to_close
        )
        for incident, event in zip(to_close, events, strict=True):
            incident.state, incident.closed_at, incident.waiting_since = (
                IncidentState.CLOSED,
                now,
                None,
            )
            notices.incident_notices_emit(
                incident=incident,
                order=locked_order,
                event=notices.CLOSED,
                event_row=event,
                auto_closed=True,
            )
    return len(to_close)


@dataclass
class ReminderResult:
    reminded: int
    shops: int


def incidents_remind_waiting(*, now: datetime | None = None) -> ReminderResult:
    """Remind shops of OPEN incidents waiting longer than INCIDENT_REMINDER_HOURS.

    At most one reminder per incident per period: the incidents are claimed by one conditional
    UPDATE of `last_reminded_at`, so two runs at once (beat and a manual command) cannot both
    claim one incident, and a second run finds nothing to claim. One email per shop, written
    with the claim and delivered after commit. A constant number of queries whatever the number
    of incidents.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.INCIDENT_REMINDER_HOURS)
    table = Incident._meta.db_table
    with transaction.atomic():
        # The claim and its read in one statement: under concurrent runs PostgreSQL re-checks
        # the WHERE clause on rows another run updated first, and those no longer match.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last_reminded_at = %s "
                "WHERE state = %s AND waiting_since <= %s "
                "AND (last_reminded_at IS NULL OR last_reminded_at <= %s) "
                "RETURNING id",
                [now, IncidentState.OPEN.value, cutoff, cutoff],
            )
            claimed = sorted(row[0] for row in cursor.fetchall())
        if not claimed:
            return ReminderResult(reminded=0, shops=0)
        IncidentEvent.objects.bulk_create(
            IncidentEvent(
                incident_id=incident_id,
                kind=IncidentEventKind.REMINDED,
                actor_side="system",
                to_state=IncidentState.OPEN,
                params={"reminded": True},
                created_at=now,
            )
            for incident_id in claimed
        )
        shops = set(
            Incident.objects.filter(pk__in=claimed).values_list("shop_id", flat=True).distinct()
        )
        notices.incidents_reminder_emit(incident_ids=claimed, now=now)
    log.info("remind_incidents: %s incidents reminded to %s shops", len(claimed), len(shops))
    return ReminderResult(reminded=len(claimed), shops=len(shops))
