"""The seller's journeys of issue 12, each in Spanish and English."""

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.attachments import minimal_pdf
from messaging.models import Thread
from messaging.reasons import reasons_seed_defaults
from tests.factories import OrderFactory
from tests.messaging.conftest import customer_thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEND = {"es": "Enviar", "en": "Send"}


@pytest.fixture
def overdue_thread(seller):
    reasons_seed_defaults()  # a transactional test starts from an empty database
    order = OrderFactory.shipped(shop=seller.shop, reference="NOR-5151")
    thread = customer_thread(order, hours_ago=50, subject="¿Y mi factura?")
    customer_thread(order, hours_ago=1, subject="Otra pregunta")
    return thread


@pytest.mark.parametrize("language", ["es", "en"])
def test_from_the_to_do_home_an_overdue_thread_is_answered_with_a_pdf(
    page, login, speak, overdue_thread, language, tmp_path
):
    invoice = tmp_path / "factura-NOR-5151.pdf"
    invoice.write_bytes(minimal_pdf("Factura NOR-5151"))
    login("norte")
    speak(language)
    page.goto("/")

    overdue = page.locator("[data-todo=threads_overdue]")
    assert overdue.locator("[data-testid=todo-count]").inner_text() == "1"
    overdue.locator("a", has_text="¿Y mi factura?").click()
    page.fill("textarea[name=body]", "Le adjuntamos la factura.")
    page.set_input_files("input[name=attachments]", str(invoice))
    page.click(f"#reply button[type=submit]:has-text('{SEND[language]}')")
    page.wait_for_load_state()

    assert page.locator("[data-testid=attachment]").last.inner_text().endswith(".pdf")
    page.goto("/")
    assert page.locator("[data-todo=threads_overdue]").count() == 0  # the badge is gone
    overdue_thread.refresh_from_db()
    assert overdue_thread.reply_needed_since is None


@pytest.mark.parametrize("language", ["es", "en"])
def test_at_phone_width_the_inbox_leads_to_a_thread_and_a_reply(
    page, login, speak, overdue_thread, language
):
    page.set_viewport_size({"width": 390, "height": 844})
    login("norte")
    speak(language)
    page.goto("/messages/")

    first = page.locator("[data-testid=inbox-awaiting] tbody tr").first
    assert "¿Y mi factura?" in first.inner_text()  # the overdue one heads the triage view
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    first.locator("a", has_text="¿Y mi factura?").click()
    page.fill("textarea[name=body]", "Ya está en camino.")
    page.click(f"#reply button[type=submit]:has-text('{SEND[language]}')")
    page.wait_for_load_state()

    assert "Ya está en camino." in page.locator("[data-testid=conversation]").inner_text()
    assert Thread.objects.get(pk=overdue_thread.pk).reply_needed_since is None


def test_a_new_message_appears_on_the_open_thread_without_a_reload(page, login, overdue_thread):
    from messaging import services

    login("norte")
    page.goto(f"/messages/{overdue_thread.pk}/")
    page.evaluate("() => { window.notReloaded = true; }")
    services.message_import(
        thread=overdue_thread,
        author="customer",
        body="¿Alguna novedad?",
        sent_at=timezone.now() - timedelta(seconds=1),
        acting_user=None,
    )
    page.evaluate("() => htmx.trigger('#conversation-poll', 'every 15s')")
    page.locator("[data-testid=conversation]", has_text="¿Alguna novedad?").wait_for(timeout=20000)

    assert page.evaluate("() => window.notReloaded") is True
