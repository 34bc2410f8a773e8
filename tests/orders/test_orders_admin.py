"""The operator's order admin: pages render, and actions go through the order services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import OrderEvent, OrderEventKind, OrderState
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/orders/order/"


def post_action(client, action, *orders):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [order.pk for order in orders]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def reported(response) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in response.context["messages"]]


def test_the_order_list_renders_for_an_operator(operator_client, order, other_order):
    response = operator_client.get(CHANGELIST)

    assert response.status_code == 200
    content = response.content.decode()
    assert order.reference in content
    assert other_order.reference in content


def test_the_order_list_costs_the_same_queries_for_more_orders(operator_client, shop, other_shop):
    OrderFactory(shop=shop)
    with CaptureQueriesContext(connection) as few:
        operator_client.get(CHANGELIST)
    for _ in range(5):
        OrderFactory(shop=other_shop)

    with CaptureQueriesContext(connection) as many:
        operator_client.get(CHANGELIST)

    assert len(many) == len(few)


def test_the_order_list_filters_and_searches(operator_client, order, other_order):
    by_shop = operator_client.get(CHANGELIST, {"shop__id__exact": order.shop_id})
    by_search = operator_client.get(CHANGELIST, {"q": other_order.reference})

    assert [o.pk for o in by_shop.context["cl"].result_list] == [order.pk]
    assert [o.pk for o in by_search.context["cl"].result_list] == [other_order.pk]


def test_the_order_page_renders_with_lines_and_timeline(operator_client, order):
    response = operator_client.get(f"/admin/orders/order/{order.pk}/change/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "SKU-1" in content
    assert order.customer_name in content


def test_orders_are_not_added_or_deleted_in_the_admin(operator_client, order):
    assert operator_client.get("/admin/orders/order/add/").status_code == 403
    assert operator_client.get(f"/admin/orders/order/{order.pk}/delete/").status_code == 403


def test_saving_the_order_page_does_not_change_its_state(operator_client, shop):
    order = OrderFactory.shipped(shop=shop)
    line_ids = list(order.lines.values_list("pk", flat=True))
    form = {
        "customer_name": "María García Ruiz",
        "customer_email": "maria@example.com",
        "customer_language": "es",
        # Read-only in the admin: a posted value must be ignored.
        "state": OrderState.CLOSED,
        "lines-TOTAL_FORMS": len(line_ids),
        "lines-INITIAL_FORMS": len(line_ids),
        "events-TOTAL_FORMS": 1,
        "events-INITIAL_FORMS": 1,
    }
    form.update({f"lines-{index}-id": pk for index, pk in enumerate(line_ids)})

    response = operator_client.post(f"/admin/orders/order/{order.pk}/change/", form)

    assert response.status_code == 302

    order.refresh_from_db()
    assert order.customer_name == "María García Ruiz"
    assert order.state == OrderState.SHIPPED


def test_the_receive_action_moves_a_shipped_order_to_received(operator_client, operator, shop):
    order = OrderFactory.shipped(shop=shop)

    response = post_action(operator_client, "receive_orders", order)

    order.refresh_from_db()
    assert order.state == OrderState.RECEIVED
    event = OrderEvent.objects.get(order=order, kind=OrderEventKind.RECEIVED)
    assert (event.actor, event.actor_side) == (operator, "operator")
    assert (event.from_state, event.to_state) == (OrderState.SHIPPED, OrderState.RECEIVED)
    assert [level for level, _text in reported(response)] == ["success"]


def test_the_receive_action_on_a_wrong_state_order_reports_it_and_changes_nothing(
    operator_client, order
):
    events_before = order.events.count()

    response = post_action(operator_client, "receive_orders", order)

    order.refresh_from_db()
    assert order.state == OrderState.WAITING_ACCEPTANCE
    assert order.events.count() == events_before
    [(level, text)] = reported(response)
    assert level == "error"
    assert order.reference in text


def test_the_receive_action_reports_each_order_on_its_own(operator_client, shop, order):
    shipped = OrderFactory.shipped(shop=shop)

    response = post_action(operator_client, "receive_orders", shipped, order)

    shipped.refresh_from_db()
    order.refresh_from_db()
    assert shipped.state == OrderState.RECEIVED
    assert order.state == OrderState.WAITING_ACCEPTANCE
    levels = sorted(level for level, _text in reported(response))
    assert levels == ["error", "success"]


def test_the_cancel_action_cancels_with_the_operator_reason(operator_client, order):
    post_action(operator_client, "cancel_orders", order)

    order.refresh_from_db()
    assert order.state == OrderState.CANCELED
    event = OrderEvent.objects.get(order=order, kind=OrderEventKind.CANCELED)
    assert event.summary == "Canceled by the operator"


def test_the_cancel_action_leaves_a_shipped_order_alone(operator_client, shop):
    order = OrderFactory.shipped(shop=shop)

    response = post_action(operator_client, "cancel_orders", order)

    order.refresh_from_db()
    assert order.state == OrderState.SHIPPED
    assert [level for level, _text in reported(response)] == ["error"]
