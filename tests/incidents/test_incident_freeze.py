"""An incident that is not CLOSED freezes its order: every order action (services, API, pages)
and the order-cycle job refuse or skip it with `order_frozen`; closing the last one unfreezes."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from incidents import services
from incidents.models import IncidentState
from orders import services as order_services
from orders.freeze import is_frozen, order_freezers
from orders.models import OrderEvent, OrderState
from sellerdesk.errors import InvalidState
from tests.factories import OrderFactory
from tests.incidents.conftest import IncidentFactory

pytestmark = pytest.mark.django_db

# Each order action, from a state where it would be allowed if the order were not frozen.
ACTIONS = {
    "accept": (OrderState.WAITING_ACCEPTANCE, {}),
    "refuse": (OrderState.WAITING_ACCEPTANCE, {"reason": "Sin stock"}),
    "cancel": (OrderState.SHIPPING, {"reason": "El cliente lo pidió"}),
    "ship": (OrderState.SHIPPING, {"carrier": "Correos", "tracking_number": "PQ1"}),
    "receive": (OrderState.SHIPPED, {}),
}
SELLER_ACTIONS = ["accept", "refuse", "cancel", "ship"]
PAGE_DATA = {
    "refuse-reason": "Sin stock",
    "cancel-reason": "El cliente lo pidió",
    "ship-carrier": "Correos",
    "ship-tracking_number": "PQ1",
}


def frozen_order(shop, action, incident_state=IncidentState.OPEN):
    state, _kwargs = ACTIONS[action]
    order = OrderFactory(shop=shop, state=state)
    incident = IncidentFactory(order=order, state=incident_state)
    return order, incident


def _unchanged(order):
    events = OrderEvent.objects.filter(order=order).count()
    state = order.state

    def check():
        order.refresh_from_db()
        assert order.state == state
        assert OrderEvent.objects.filter(order=order).count() == events

    return check


@pytest.mark.parametrize("incident_state", [IncidentState.OPEN, IncidentState.RESOLVED])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_order_action_refuses_a_frozen_order_in_the_services(
    action, incident_state, shop, seller, operator
):
    order, _incident = frozen_order(shop, action, incident_state)
    unchanged = _unchanged(order)
    user = operator if action == "receive" else seller

    with pytest.raises(InvalidState) as refused:
        getattr(order_services, f"order_{action}")(
            order=order, acting_user=user, **ACTIONS[action][1]
        )

    assert refused.value.code == "order_frozen"
    unchanged()


def test_the_refusal_names_the_blocking_incident(shop, seller):
    order, incident = frozen_order(shop, "accept")

    with translation.override("en"), pytest.raises(InvalidState) as refused:
        order_services.order_accept(order=order, acting_user=seller)

    assert f"incident #{incident.pk} (open)" in str(refused.value.detail)


@pytest.mark.parametrize("action", SELLER_ACTIONS)
def test_every_seller_action_refuses_a_frozen_order_in_the_api(action, shop, api):
    order, _incident = frozen_order(shop, action)
    unchanged = _unchanged(order)

    response = api.post(f"/api/v1/orders/{order.pk}/{action}/", ACTIONS[action][1])

    assert response.status_code == 409
    assert response.json()["code"] == "order_frozen"
    unchanged()


def test_the_operator_receipt_refuses_a_frozen_order_in_the_api(shop, operator_api):
    order, _incident = frozen_order(shop, "receive")
    unchanged = _unchanged(order)

    response = operator_api.post(f"/api/v1/operator/orders/{order.pk}/receive/")

    assert (response.status_code, response.json()["code"]) == (409, "order_frozen")
    unchanged()


@pytest.mark.parametrize("action", SELLER_ACTIONS)
def test_every_seller_action_refuses_a_frozen_order_in_the_pages(action, shop, seller_client):
    order, incident = frozen_order(shop, action)
    unchanged = _unchanged(order)

    response = seller_client.post(
        f"/orders/{order.pk}/{action}/", PAGE_DATA, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )

    # Refused with the reason on the page (409 with the form, or a message after a redirect).
    assert response.status_code in (200, 409)
    assert f"incident #{incident.pk}" in response.content.decode()
    unchanged()


def test_the_order_admin_receipt_action_reports_the_frozen_order(shop, operator_client):
    order, incident = frozen_order(shop, "receive")
    unchanged = _unchanged(order)

    response = operator_client.post(
        "/admin/orders/order/",
        {"action": "receive_orders", "_selected_action": [order.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1
    assert f"incident #{incident.pk}" in errors[0]
    unchanged()


def test_the_job_skips_a_frozen_order_and_moves_it_once_the_incident_is_closed(
    shop, operator, settings
):
    settings.AUTO_RECEIVE_DAYS = 15
    order = OrderFactory.shipped(shop=shop, days_ago=20)
    incident = IncidentFactory(order=order, state=IncidentState.RESOLVED)

    skipped = order_services.orders_advance()

    order.refresh_from_db()
    assert (order.state, skipped.skipped_frozen, skipped.received) == (OrderState.SHIPPED, 1, 0)

    services.incident_close(incident=incident, acting_user=operator)
    moved = order_services.orders_advance()

    order.refresh_from_db()
    assert (order.state, moved.received, moved.skipped_frozen) == (OrderState.RECEIVED, 1, 0)


def test_the_job_skips_a_frozen_received_order_past_auto_close(shop, settings):
    settings.AUTO_CLOSE_DAYS = 30
    order = OrderFactory.shipped(shop=shop, days_ago=40)
    order.state, order.received_at = OrderState.RECEIVED, timezone.now() - timedelta(days=35)
    order.save(update_fields=["state", "received_at"])
    IncidentFactory(order=order)

    result = order_services.orders_advance()

    order.refresh_from_db()
    assert (order.state, result.closed, result.skipped_frozen) == (OrderState.RECEIVED, 0, 1)


def test_closing_the_last_incident_unfreezes_the_order(shop, seller, operator):
    order, first = frozen_order(shop, "accept")
    second = IncidentFactory(order=order, state=IncidentState.RESOLVED)

    services.incident_close(incident=first, acting_user=operator, reason="replacement_sent")
    assert is_frozen(order)
    assert order_freezers(order) == [second]

    services.incident_close(incident=second, acting_user=operator)
    assert not is_frozen(order)
    order_services.order_accept(order=order, acting_user=seller)
    order.refresh_from_db()
    assert order.state == OrderState.SHIPPING


def test_a_closed_incident_does_not_freeze(shop):
    order, _incident = frozen_order(shop, "accept", IncidentState.CLOSED)

    assert not is_frozen(order)


def test_the_order_page_shows_the_order_frozen_by_which_incident(shop, seller_client, operator):
    order = OrderFactory.shipped(shop=shop)
    blocking = IncidentFactory(order=order)
    closed = IncidentFactory(order=order, state=IncidentState.CLOSED)

    page = seller_client.get(f"/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'data-testid="order-frozen"' in page
    blocking_notice = page.split('data-testid="incident-blocking"')[1].split("</p>")[0]
    assert f'data-incident="{blocking.pk}"' in blocking_notice
    assert f'data-incident="{closed.pk}"' not in blocking_notice


def test_the_order_api_shows_it_frozen_with_its_incidents(shop, api):
    order = OrderFactory.shipped(shop=shop)
    incident = IncidentFactory(order=order)

    body = api.get(f"/api/v1/orders/{order.pk}/").json()

    assert body["frozen"] is True
    assert body["allowed_actions"] == []
    assert body["incidents"] == [
        {
            "id": incident.pk,
            "state": "open",
            "reason": "item_damaged",
            "opened_by": "customer",
            "opened_at": body["incidents"][0]["opened_at"],
            "waiting_since": body["incidents"][0]["waiting_since"],
        }
    ]
    assert body["incidents"][0]["waiting_since"] is not None


def test_the_order_list_filters_orders_with_an_open_incident(shop, api):
    frozen = OrderFactory.shipped(shop=shop)
    IncidentFactory(order=frozen)
    free = OrderFactory.shipped(shop=shop)
    IncidentFactory(order=free, state=IncidentState.CLOSED)

    results = api.get("/api/v1/orders/?has_open_incident=true").json()["results"]

    assert [row["id"] for row in results] == [frozen.pk]
