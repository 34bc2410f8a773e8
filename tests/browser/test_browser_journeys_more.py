"""The seller's journeys (2), (3) and (4) of issue 12, each in Spanish and English."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import IncidentState
from messaging.attachments import minimal_pdf
from messaging.models import Thread
from orders.models import Order
from refunds.models import Refund
from tests.factories import OperatorFactory, OrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEND = {"es": "Enviar", "en": "Send"}
START = {"es": "Iniciar una conversación", "en": "Start a conversation"}
MARK_RESOLVED = {"es": "Marcar como resuelta", "en": "Mark as resolved"}
RESOLVED = {"es": "Resuelta", "en": "Resolved"}
CLOSE_ACTION = {"es": "Cerrar las incidencias seleccionadas", "en": "Close the selected incidents"}
CLOSED_DONE = {"es": "1 incidencia cerrada", "en": "1 incident closed"}
CONFIRM = {
    "es": "¿Reembolsar 14,95\xa0€ a María? Se le enviará un correo.",
    "en": "Refund €14.95 to María? María will be emailed.",
}
WINDOW_OVER = {"es": "ya no se puede reembolsar", "en": "can no longer be refunded"}


@pytest.mark.parametrize("language", ["es", "en"])
def test_from_an_order_a_conversation_with_the_operator_carries_a_reason_and_an_invoice(
    page, login, speak, seller, language, tmp_path
):
    order = OrderFactory.shipped(shop=seller.shop, reference="NOR-6161")
    invoice = tmp_path / "factura-NOR-6161.pdf"
    invoice.write_bytes(minimal_pdf("Factura NOR-6161"))
    login("norte")
    speak(language)
    page.goto(f"/orders/{order.pk}/")

    start = page.locator("[data-testid=start-conversation]")
    start.locator("summary", has_text=START[language]).click()
    form = start.locator("[data-testid=thread-start-form]")
    form.locator("input[name=recipient][value=operator]").check()
    form.locator("select[name=reason]").select_option("invoice_request")
    form.locator("textarea[name=body]").fill("Adjunto la factura que pidió la clienta.")
    form.locator("input[name=attachments]").set_input_files(str(invoice))
    form.locator("button[type=submit]", has_text=SEND[language]).click()
    page.wait_for_load_state()

    # The new thread opens: the message, its invoice and the reason are there.
    conversation = page.locator("[data-testid=conversation]")
    assert "Adjunto la factura que pidió la clienta." in conversation.inner_text()
    assert page.locator("[data-testid=attachment]").inner_text().endswith("factura-NOR-6161.pdf")
    thread = Thread.objects.get(order=order)
    assert page.url.endswith(f"/messages/{thread.pk}/")
    assert thread.reason.code == "invoice_request"
    assert thread.with_operator and not thread.with_customer
    message = thread.messages.get()
    assert message.to_operator and not message.to_customer
    assert message.attachments.get().filename == "factura-NOR-6161.pdf"


@pytest.mark.parametrize("language", ["es", "en"])
def test_an_incident_resolved_by_the_seller_is_closed_by_the_operator_in_the_admin(
    page, login, speak, seller, language
):
    from incidents.services import incident_open

    operator = OperatorFactory(username="operador")
    order = OrderFactory.shipped(shop=seller.shop, reference="NOR-6262")
    incident = incident_open(
        order=order,
        opened_by="CUSTOMER",
        reason="item_damaged",
        description="La portada llegó rasgada.",
        acting_user=operator,
    )

    # The seller marks it resolved, with a message to the operator.
    login("norte")
    speak(language)
    page.goto(f"/orders/{order.pk}/")
    panel = page.locator(f"[data-testid=incident-{incident.pk}]")
    panel.locator("summary", has_text=MARK_RESOLVED[language]).click()
    form = page.locator(f"[data-testid=resolve-form-{incident.pk}]")
    form.locator("select").select_option("replacement_sent")
    form.locator("textarea").fill("Enviamos un ejemplar nuevo.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert panel.locator("[data-testid=incident-state]").inner_text() == RESOLVED[language]

    # The operator closes it with the admin's own action and its message page.
    page.context.clear_cookies()
    speak(language)
    page.goto("/admin/login/")
    page.fill("#id_username", "operador")
    page.fill("#id_password", "secret-pass-123")
    page.click("input[type=submit]")
    page.goto("/admin/incidents/incident/")
    page.check(f"input[name=_selected_action][value='{incident.pk}']")
    page.select_option("select[name=action]", "close_incidents")
    page.click("button[name=index]")
    page.fill("textarea[name=message]", "Gracias, lo cerramos.")
    page.click("input[name=apply]")
    page.wait_for_load_state()

    assert CLOSED_DONE[language] in page.locator("ul.messagelist").inner_text()
    incident.refresh_from_db()
    assert incident.state == IncidentState.CLOSED
    assert incident.events.latest("id").message == "Gracias, lo cerramos."
    assert incident.events.latest("id").actor == operator


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_refund_by_units_and_shipping_is_confirmed_then_the_window_refuses_one_once(
    page, login, speak, seller, language, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    order = OrderFactory.shipped(shop=seller.shop, reference="NOR-6363")
    book = order.lines.get(sku="SKU-1")
    login("norte")
    speak(language)

    # One unit and the shipping, with the live preview, then the confirmation step.
    page.goto(f"/orders/{order.pk}/")
    page.click("[data-testid=refund-button]")
    page.fill(f"[data-refund-line='{book.pk}'][data-refund-part=quantity]", "1")
    page.fill("[data-refund-field=shipping_amount]", "4,95" if language == "es" else "4.95")
    total = "14,95\xa0€" if language == "es" else "€14.95"
    page.locator("[data-testid=preview-total]").filter(has_text=total).wait_for()
    page.select_option("#id_reason", "customer_return")
    page.click("[data-testid=refund-submit]")
    assert CONFIRM[language] in page.locator("[data-testid=refund-confirm]").inner_text()
    assert Refund.objects.count() == 0
    page.click("[data-testid=refund-confirm-button]")
    page.wait_for_url(f"**/orders/{order.pk}/")
    assert page.locator("[data-testid=order-refund-total]").inner_text() == total
    assert Refund.objects.get().total_amount == book.unit_price + order.shipping_amount

    # Another order, whose 200-day window ends while the seller fills the form: refused, and
    # the refusal is said once (not again by the live preview of the re-rendered form).
    late = OrderFactory.shipped(shop=seller.shop, reference="NOR-6364", days_ago=199)
    page.goto(f"/orders/{late.pk}/refunds/new/")
    page.fill("[data-refund-field=shipping_amount]", "1")
    page.locator("[data-testid=preview-total]").filter(has_text="1").wait_for()
    page.select_option("#id_reason", "customer_return")
    Order.objects.filter(pk=late.pk).update(shipped_at=timezone.now() - timedelta(days=210))
    page.click("[data-testid=refund-submit]")
    page.wait_for_load_state("networkidle")

    assert page.locator("fieldset[disabled]").count() == 1
    body = page.locator("main").inner_text()
    assert body.count(WINDOW_OVER[language]) == 1, body
    assert Refund.objects.filter(order=late).count() == 0
