import pytest

from tests.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_seller_logs_in_opens_an_order_and_accepts_it(page, login, seller):
    order = OrderFactory(shop=seller.shop, reference="NOR-4242", customer_name="Carmen Ruiz")

    login("norte")
    page.click("nav.mainnav >> text=Orders")
    page.click("text=NOR-4242")

    assert page.locator("h1").inner_text() == "Order NOR-4242"
    assert page.locator("text=Carmen Ruiz").is_visible()
    page.click("text=Accept the order")
    assert page.locator("[data-testid=order-state]").inner_text() == "To ship"
    order.refresh_from_db()
    assert order.state == "SHIPPING"
