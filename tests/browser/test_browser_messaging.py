import pytest

from messaging.attachments import minimal_pdf
from messaging.models import Attachment, Thread
from messaging.reasons import reasons_seed_defaults
from tests.factories import OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_seller_starts_a_conversation_from_an_order_with_an_invoice_and_sees_it_in_the_inbox(
    page, login, seller, tmp_path
):
    reasons_seed_defaults()  # a transactional test starts from an empty database
    OrderFactory(shop=seller.shop, reference="NOR-7777", customer_name="Lucía Fernández Ruiz")
    invoice = tmp_path / "factura-NOR-7777.pdf"
    invoice.write_bytes(minimal_pdf("Factura NOR-7777"))

    login("norte")
    page.click("nav.mainnav >> text=Orders")
    page.click("text=NOR-7777")
    panel = page.locator("[data-testid=messages-panel]")
    assert not panel.locator("input[name=subject]").is_visible()  # collapsed until used
    panel.locator("[data-testid=start-conversation] summary").click()
    panel.locator("input[name=recipient][value=customer]").check()
    panel.locator("select[name=reason]").select_option("invoice_request")
    panel.locator("input[name=subject]").fill("Copia de su factura")
    panel.locator("textarea[name=body]").fill("Buenos días, le adjuntamos la factura.")
    panel.locator("input[name=attachments]").set_input_files(str(invoice))
    panel.locator("button[type=submit]").click()
    page.wait_for_load_state()

    assert page.locator("[data-testid=thread-subject]").inner_text() == "Copia de su factura"
    assert page.locator("[data-testid=attachment]").inner_text().endswith("factura-NOR-7777.pdf")

    page.click("nav.mainnav >> text=Messages")
    row = page.locator("[data-testid=inbox] tbody tr", has_text="Copia de su factura")
    assert row.is_visible()
    assert "NOR-7777" in row.inner_text() and "Lucía Fernández Ruiz" in row.inner_text()
    thread = Thread.objects.get()
    assert thread.with_customer and thread.reason.code == "invoice_request"
    assert Attachment.objects.get().content_type == "application/pdf"
