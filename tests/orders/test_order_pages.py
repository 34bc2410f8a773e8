"""The seller's order pages: list, filters, detail, actions with errors next to the form."""

import pytest

from orders.models import OrderState
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_pages_need_a_login(client, order):
    response = client.get(f"/orders/{order.pk}/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_list_filters_by_state_and_customer(seller_client, shop):
    OrderFactory(shop=shop, reference="ZA-1", customer_name="Ana García")
    OrderFactory(shop=shop, reference="ZB-2", customer_name="Luis Pérez", state=OrderState.SHIPPING)

    by_state = seller_client.get("/orders/?state=shipping").content.decode()
    by_customer = seller_client.get("/orders/?q=garc").content.decode()

    assert "ZB-2" in by_state and "ZA-1" not in by_state
    assert "ZA-1" in by_customer and "ZB-2" not in by_customer


def test_the_detail_shows_lines_totals_actions_and_timeline(seller_client, order):
    page = seller_client.get(f"/orders/{order.pk}/").content.decode()

    assert ("Libro" in page and "30.45" in page) or "30,45" in page
    assert f"/orders/{order.pk}/accept/" in page
    assert "timeline" in page


def test_accepting_from_the_page(seller_client, order):
    response = seller_client.post(f"/orders/{order.pk}/accept/")

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.SHIPPING


def test_shipping_without_tracking_number_shows_the_error_next_to_the_form(seller_client, shop):
    order = OrderFactory(shop=shop, state=OrderState.SHIPPING)

    response = seller_client.post(
        f"/orders/{order.pk}/ship/", {"ship-carrier": "SEUR", "ship-tracking_number": ""}
    )

    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    order.refresh_from_db()
    assert order.state == OrderState.SHIPPING


def test_a_refused_transition_shows_a_message_and_changes_nothing(seller_client, shop):
    order = OrderFactory(shop=shop, state=OrderState.CLOSED)

    response = seller_client.post(f"/orders/{order.pk}/accept/")

    assert response.status_code == 409
    assert response.content.decode().count('data-testid="action-refused"') == 1
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED


def test_a_cancel_on_an_order_that_froze_meanwhile_shows_its_refusal_once(seller_client, shop):
    from tests.stats.conftest import incident

    order = OrderFactory(shop=shop, state=OrderState.SHIPPING)
    incident(order, order.created_at)  # frozen since the seller opened the page
    seller_client.cookies["django_language"] = "en"

    response = seller_client.post(f"/orders/{order.pk}/cancel/", {"cancel-reason": "Sin stock"})

    page = response.content.decode()
    assert response.status_code == 409
    assert page.count('data-testid="action-refused"') == 1
    assert page.index('data-testid="incidents-panel"') < page.index("<h2>Customer</h2>")
    order.refresh_from_db()
    assert order.state == OrderState.SHIPPING


def test_a_success_message_says_what_happened(seller_client, shop):
    order = OrderFactory(shop=shop, state=OrderState.WAITING_ACCEPTANCE, reference="NOR-9")
    seller_client.cookies["django_language"] = "en"

    response = seller_client.post(f"/orders/{order.pk}/accept/", follow=True)

    assert "Order NOR-9 accepted: ship it next, with its tracking number." in [
        str(message) for message in response.context["messages"]
    ]


@pytest.mark.parametrize(("language", "word"), [("es", "Pedidos"), ("en", "Orders")])
def test_pages_speak_spanish_and_english(seller_client, order, language, word):
    seller_client.cookies["django_language"] = language

    page = seller_client.get("/orders/").content.decode()

    assert word in page


def test_an_operator_is_sent_to_the_admin(operator_client):
    response = operator_client.get("/orders/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_date_filters_take_whole_days_in_the_shops_timezone(seller_client, shop):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    madrid = ZoneInfo("Europe/Madrid")
    OrderFactory(
        shop=shop, reference="ZLATE", created_at=datetime(2026, 3, 10, 23, 30, tzinfo=madrid)
    )
    OrderFactory(
        shop=shop, reference="ZNEXT", created_at=datetime(2026, 3, 11, 0, 30, tzinfo=madrid)
    )

    page = seller_client.get(
        "/orders/?created_after=2026-03-10&created_before=2026-03-10"
    ).content.decode()

    assert "ZLATE" in page
    assert "ZNEXT" not in page
