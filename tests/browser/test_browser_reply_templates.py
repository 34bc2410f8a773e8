import pytest

from messaging.models import Attachment, Message
from messaging.reasons import reasons_seed_defaults
from replies import services
from tests.factories import OrderFactory
from tests.messaging.conftest import customer_thread, pdf_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_a_slash_inserts_a_filled_template_and_sends_its_file(page, login, seller):
    reasons_seed_defaults()  # a transactional test starts from an empty database
    order = OrderFactory.shipped(
        shop=seller.shop,
        reference="NOR-42",
        customer_name="Álvaro",
        carrier="Correos",
        tracking_number="PQ42",
    )
    thread = customer_thread(order, reason_code="delivery", body="¿Dónde está mi pedido?")
    services.reply_template_create(
        shop=seller.shop,
        name="Envío en camino",
        language="en",
        reason_codes=["delivery"],
        body="Hi {customer_name}, {order_reference} is with {carrier}. Refunded: {refund_amount}",
        attachments=[pdf_file("conditions.pdf")],
    )

    login("norte")
    page.goto(f"/messages/{thread.pk}/")
    body = page.locator("textarea[name=body]")
    body.click()
    body.type("/envio")
    option = page.locator("[data-template-results] [role=option]")
    option.first.wait_for()
    assert "Envío en camino" in option.first.inner_text()
    body.press("Enter")

    assert body.input_value() == "Hi Álvaro, NOR-42 is with Correos. Refunded: {refund_amount}"
    missing = page.locator("[data-template-missing]")
    assert missing.is_visible() and "{refund_amount}" in missing.inner_text()
    assert "conditions.pdf" in page.locator("[data-template-files]").inner_text()

    # The seller completes what the order could not fill, and sends.
    body.fill(body.input_value().replace("{refund_amount}", "nothing yet"))
    page.locator("#reply button[type=submit]").click()
    page.wait_for_load_state()

    reply = Message.objects.get(thread=thread, author="SHOP")
    assert reply.body.endswith("Refunded: nothing yet")
    assert [item.filename for item in Attachment.objects.filter(message=reply)] == [
        "conditions.pdf"
    ]
