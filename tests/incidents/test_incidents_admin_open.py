"""The operator opens an incident in the admin by the order's reference, with an autocomplete
that offers only the orders that can have one (shipped or received)."""

import pytest
from django.utils import timezone

from incidents.models import Incident
from notifications.models import Notice
from orders.models import OrderState
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/incidents/incident/add/"
AUTOCOMPLETE = "/admin/autocomplete/"
FOR_INCIDENT = {"app_label": "incidents", "model_name": "incident", "field_name": "order"}


def _open(client, order_value, language="en"):
    return client.post(
        ADD,
        {
            "order": order_value,
            "opened_by": "CUSTOMER",
            "reason": "item_damaged",
            "description": "La caja llegó rota.",
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.fixture
def orders_in_every_state(shop):
    now = timezone.now()
    return {
        state: OrderFactory(
            shop=shop,
            reference=f"AUT-{state}",
            state=state,
            accepted_at=now,
            shipped_at=now if state in {"SHIPPED", "RECEIVED", "CLOSED"} else None,
        )
        for state in OrderState.values
    }


def test_the_operator_opens_an_incident_by_the_order_reference(operator_client, shipped_order):
    response = _open(operator_client, shipped_order.reference)

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert incident.order == shipped_order


def test_a_link_with_the_reference_shows_the_order_chosen(operator_client, shipped_order):
    page = operator_client.get(ADD, {"order": shipped_order.reference}).content.decode()

    assert f'<option value="{shipped_order.pk}" selected>{shipped_order.reference}</option>' in page
    assert "admin/js/autocomplete.js" in page


def test_the_autocomplete_offers_only_orders_that_can_have_an_incident(
    operator_client, orders_in_every_state
):
    response = operator_client.get(AUTOCOMPLETE, {**FOR_INCIDENT, "term": "AUT-"})

    offered = sorted(result["text"] for result in response.json()["results"])
    assert response.status_code == 200
    assert offered == ["AUT-RECEIVED", "AUT-SHIPPED"]


def test_the_orders_list_search_is_not_limited(operator_client, orders_in_every_state):
    response = operator_client.get("/admin/orders/order/", {"q": "AUT-"})

    assert len(response.context["cl"].result_list) == len(OrderState.values)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Order AUT-WAITING_ACCEPTANCE has not been shipped"),
        ("es", "El pedido AUT-WAITING_ACCEPTANCE no se ha enviado"),
    ],
)
def test_a_reference_of_an_order_that_cannot_have_one_is_refused_with_a_message(
    operator_client, orders_in_every_state, language, message
):
    response = _open(operator_client, "AUT-WAITING_ACCEPTANCE", language)

    assert response.status_code == 409
    assert response.content.decode().count(message) == 1
    assert not Incident.objects.exists()
    assert not Notice.objects.exists()


def test_a_reference_two_shops_use_asks_to_choose_in_the_list(
    operator_client, shipped_order, other_shop
):
    OrderFactory.shipped(shop=other_shop, reference=shipped_order.reference)

    response = _open(operator_client, shipped_order.reference)

    assert response.status_code == 400
    assert "Several shops have an order" in response.content.decode()
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("language", "back", "close"),
    [("en", "← Back to the list", ">Close<"), ("es", "← Volver a la lista", ">Cerrar<")],
)
def test_a_read_only_page_leads_back_to_the_list_instead_of_a_close_button(
    operator_client, shipped_order, language, back, close
):
    from tests.incidents.conftest import IncidentFactory

    incident = IncidentFactory(order=shipped_order)

    page = operator_client.get(
        f"/admin/incidents/incident/{incident.pk}/change/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()

    assert back in page
    assert 'href="/admin/incidents/incident/' in page.split(back)[0].rsplit("<a ", 1)[1]
    assert close not in page
