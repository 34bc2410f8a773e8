"""`order.state_changed` for the webhooks subscribed, with the order in the API's shape and the
state it left. Written in the transaction of the transition (by hand or by the job)."""

from notifications.models import WebhookEvent
from notifications.selectors import subscribed_shop_ids
from notifications.services import Event, notices_emit

STATE_CHANGED = WebhookEvent.ORDER_STATE_CHANGED.value


def _order_shapes(order_ids, *, shop_ids=None) -> dict:
    """Orders as `GET /api/v1/orders/` lists them, in one query."""
    from orders.api import OrderListOutput
    from orders.selectors import order_list
    from sellerdesk.tenancy import ALL_SHOPS

    orders = order_list(shop=ALL_SHOPS).filter(pk__in=list(order_ids))
    if shop_ids is not None:
        orders = orders.filter(shop_id__in=shop_ids)
    return {order.pk: (order, dict(OrderListOutput(order).data)) for order in orders}


def order_state_changed_emit(*, order, from_state: str, event_row) -> None:
    """One order moved by hand (accept, refuse, cancel, ship, receive)."""
    notices_emit(
        [
            Event(
                type=STATE_CHANGED,
                key=f"{STATE_CHANGED}:{order.pk}:{event_row.pk}",
                shop=order.shop,
                about=order,
                webhook=lambda: _order_shapes([order.pk])[order.pk][1],
                webhook_extra={"previous_state": from_state.lower()},
            )
        ]
    )


def orders_state_changed_emit(*, order_ids, from_state: str, at) -> None:
    """Orders the job moved at once: only where an endpoint listens, in a constant number of
    queries whatever the number of orders."""
    listening = subscribed_shop_ids(event_types=[STATE_CHANGED])
    if listening is not None and not listening:
        return
    notices_emit(
        Event(
            type=STATE_CHANGED,
            key=f"{STATE_CHANGED}:{order.pk}:{from_state}:{at.isoformat()}",
            shop=order.shop,
            about=order,
            webhook=lambda shape=shape: shape,
            webhook_extra={"previous_state": from_state.lower()},
        )
        for order, shape in _order_shapes(order_ids, shop_ids=listening).values()
    )
