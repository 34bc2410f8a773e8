"""The operator's admin lists at a laptop's 1366 px, in Spanish and English: no sideways
scrolling, and states, reasons and sides shown by their labels, never their codes."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import IncidentState
from messaging.models import DeadlineFlag, Side
from orders.models import OrderState
from refunds.models import RefundState
from tests.factories import OperatorFactory, OrderFactory
from tests.incidents.conftest import IncidentFactory
from tests.messaging.conftest import customer_thread
from tests.refunds.conftest import make_refund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTS = [
    "/admin/incidents/incident/",
    "/admin/messaging/thread/",
    "/admin/refunds/refund/",
    "/admin/orders/order/",
]
CODES = {
    *OrderState.values,
    *IncidentState.values,
    *RefundState.values,
    *Side.values,
    *DeadlineFlag.values,
    "item_damaged",
    "order_question",
    "goodwill",
    "customer",
    "operator",
    "overdue",
    "due_soon",
}
# A code looks like WAITING_SELLER or item_damaged: a word joined by underscores.
CODE_SHAPE = re.compile(r"\b[A-Za-z]+_[A-Za-z_]+\b")


@pytest.fixture
def every_kind_of_row(seller):
    shop = seller.shop
    now = timezone.now()
    for position, state in enumerate(OrderState.values, start=9001):
        shipped_at = now if state in {"SHIPPED", "RECEIVED", "CLOSED"} else None
        OrderFactory(
            shop=shop,
            reference=f"NOR-{position}",
            state=state,
            accepted_at=now,
            shipped_at=shipped_at,
        )
    shipped = OrderFactory.shipped(shop=shop, reference="NOR-7001", customer_name="María García")
    for state in IncidentState.values:
        IncidentFactory(order=OrderFactory.shipped(shop=shop), state=state)
    customer_thread(shipped, hours_ago=50, subject="¿Dónde está mi pedido?")
    customer_thread(shipped, hours_ago=40, subject="Otra pregunta sobre el pedido")
    make_refund(shipped, seller, amount="5.00")


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("url", LISTS)
def test_an_admin_list_fits_1366_px_and_shows_labels(
    page, login, speak, every_kind_of_row, language, url
):
    OperatorFactory(username="operador")
    page.set_viewport_size({"width": 1366, "height": 800})
    speak(language)
    page.goto("/admin/login/")
    page.fill("#id_username", "operador")
    page.fill("#id_password", "secret-pass-123")
    page.click("input[type=submit]")
    page.goto(url)

    assert page.locator("#result_list tbody tr").count() > 0
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 1366, f"{url} is {width} px wide"
    cells = page.locator("#result_list tbody td, #result_list tbody th").all_inner_texts()
    shown_codes = [text for text in cells if text.strip() in CODES or CODE_SHAPE.search(text)]
    assert shown_codes == [], f"{url} shows codes"


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_operator_opens_an_incident_by_typing_the_order_reference(
    page, speak, seller, language
):
    from incidents.models import Incident

    OperatorFactory(username="operador")
    shipped = OrderFactory.shipped(shop=seller.shop, reference="NOR-8181")
    OrderFactory(shop=seller.shop, reference="NOR-8182")  # waiting acceptance: not offered
    speak(language)
    page.goto("/admin/login/")
    page.fill("#id_username", "operador")
    page.fill("#id_password", "secret-pass-123")
    page.click("input[type=submit]")
    page.goto("/admin/incidents/incident/add/")

    page.click(".select2-selection")
    page.fill(".select2-search__field", "NOR-818")
    # Retried until select2's "Searching…" row has given way to the answer of the typed term.
    expect(page.locator(".select2-results__option")).to_have_text(["NOR-8181"])
    page.locator(".select2-results__option", has_text="NOR-8181").click()
    page.select_option("select[name=opened_by]", "CUSTOMER")
    page.select_option("select[name=reason]", "item_damaged")
    page.fill("textarea[name=description]", "La caja llegó rota.")
    page.click("#open-incident-form input.default")
    page.wait_for_load_state()

    assert Incident.objects.get().order == shipped
    assert "NOR-8181" in page.locator("ul.messagelist").inner_text()
