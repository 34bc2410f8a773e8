"""Timeline events, incident steps and automatic subjects are stored as data and read in the
reader's language: the same row reads "Reembolso #1: 10,00 €" to a Spanish seller and
"Refund #1: €10.00" to an English one."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import translation

from incidents.models import IncidentEvent, IncidentEventKind
from incidents.services import incident_open
from messaging import services as messaging_services
from messaging.reasons import reasons_seed_defaults
from orders.models import OrderEvent, OrderEventKind
from tests.factories import OrderFactory
from tests.refunds.conftest import make_refund

NBSP = "\xa0"


@pytest.fixture(autouse=True)
def reasons(db):
    reasons_seed_defaults()


@pytest.fixture
def shipped(seller):
    return OrderFactory.shipped(shop=seller.shop, reference="NORTE-10008")


def page(client, path, language):
    return client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_a_refund_event_reads_in_each_readers_language(seller_client, seller, shipped):
    with translation.override("es"):  # written by a Spanish seller
        created = make_refund(shipped, seller, amount="10.00")
    event = OrderEvent.objects.get(kind=OrderEventKind.REFUND_CREATED)
    assert event.message == "" and event.params["total_amount"] == "10.00"

    english = page(seller_client, f"/orders/{shipped.pk}/", "en")
    spanish = page(seller_client, f"/orders/{shipped.pk}/", "es")

    refund_id = created.refund.pk
    assert f"Refund #{refund_id}: €10.00 (Goodwill gesture)." in english
    assert f"Reembolso #{refund_id}" not in english
    assert f"Reembolso #{refund_id}: 10,00{NBSP}€ (Gesto comercial)." in spanish


def test_the_api_event_summary_is_in_the_requests_language(api, seller, shipped):
    with translation.override("es"):
        make_refund(shipped, seller, amount="10.00")

    english = api.get(f"/api/v1/orders/{shipped.pk}/events/", HTTP_ACCEPT_LANGUAGE="en").json()
    spanish = api.get(f"/api/v1/orders/{shipped.pk}/events/", HTTP_ACCEPT_LANGUAGE="es").json()

    (refund_en,) = [e for e in english["results"] if e["kind"] == "refund_created"]
    (refund_es,) = [e for e in spanish["results"] if e["kind"] == "refund_created"]
    assert refund_en["summary"].endswith(": €10.00 (Goodwill gesture).")
    assert refund_es["summary"].endswith(f": 10,00{NBSP}€ (Gesto comercial).")
    assert refund_en["params"]["currency"] == "EUR"


def test_an_automatic_subject_reads_in_each_readers_language(seller_client, seller, shipped):
    with translation.override("es"):
        thread = messaging_services.thread_start(
            shop=shipped.shop,
            order=shipped,
            reason_code="invoice_request",
            subject="",
            body="Adjuntamos la factura.",
            to_customer=True,
            to_operator=False,
            acting_user=seller,
        )
    thread.refresh_from_db()
    assert thread.subject_params["reference"] == "NORTE-10008"

    english = page(seller_client, f"/messages/{thread.pk}/", "en")
    spanish = page(seller_client, f"/messages/{thread.pk}/", "es")
    timeline_en = page(seller_client, f"/orders/{shipped.pk}/", "en")

    with translation.override("en"):
        english_subject = thread.title
    with translation.override("es"):
        spanish_subject = thread.title
    assert english_subject.endswith("· order NORTE-10008")
    assert spanish_subject.endswith("· pedido NORTE-10008")
    assert english_subject in english and spanish_subject not in english
    assert spanish_subject in spanish
    assert (
        f"Shop message to the customer · {english_subject}: Adjuntamos la factura." in timeline_en
    )


def test_an_incident_step_reads_in_each_readers_language(seller_client, operator, shipped):
    with translation.override("en"):  # an operator working in English
        incident_open(
            order=shipped,
            opened_by="OPERATOR",
            reason="item_damaged",
            description="Caja rota",
            acting_user=operator,
        )

    spanish = page(seller_client, f"/orders/{shipped.pk}/", "es")
    english = page(seller_client, f"/orders/{shipped.pk}/", "en")

    incident_id = IncidentEvent.objects.get(kind=IncidentEventKind.OPENED).incident_id
    assert f"Incidencia #{incident_id} — " in spanish and f"Incident #{incident_id}" not in spanish
    assert f"Incident #{incident_id} — " in english


def test_the_migration_turns_old_sentences_into_parameters_and_keeps_what_it_cannot_read(shipped):
    migration = importlib.import_module("orders.migrations.0006_event_params_from_text")
    old_refund = OrderEvent.objects.create(
        order=shipped,
        kind=OrderEventKind.REFUND_CREATED,
        message="Reembolso #24: 10.00 EUR (Gesto comercial).",
    )
    old_message = OrderEvent.objects.create(
        order=shipped,
        kind=OrderEventKind.MESSAGE,
        message="Mensaje de la tienda al operador · Pedido NORTE-10008: ¿Dónde está?",
    )
    unknown = OrderEvent.objects.create(
        order=shipped, kind=OrderEventKind.REFUND_CREATED, message="Something else entirely"
    )

    migration.forwards(django_apps, None)

    for event in (old_refund, old_message, unknown):
        event.refresh_from_db()
    with translation.override("en"):
        assert old_refund.summary == "Refund #24: €10.00 (Goodwill gesture)."
        assert (
            old_message.summary == "Shop message to the operator · Pedido NORTE-10008: ¿Dónde está?"
        )
        assert unknown.summary == "Something else entirely"
    assert unknown.params == {} and old_refund.message.startswith("Reembolso #24")


def test_the_subject_migration_finds_automatic_subjects(shipped, seller):
    migration = importlib.import_module("messaging.migrations.0004_automatic_subjects_as_params")
    thread = messaging_services.thread_start(
        shop=shipped.shop,
        order=shipped,
        reason_code="invoice_request",
        subject="Mi propio asunto",
        body="Hola",
        to_customer=True,
        to_operator=False,
        acting_user=seller,
    )
    from messaging.models import Thread

    Thread.objects.filter(pk=thread.pk).update(subject="Pedido NORTE-10008", subject_params={})
    own = messaging_services.thread_start(
        shop=shipped.shop,
        order=shipped,
        reason_code="invoice_request",
        subject="Factura de marzo",
        body="Hola",
        to_customer=True,
        to_operator=False,
        acting_user=seller,
    )

    migration.forwards(django_apps, None)

    thread.refresh_from_db()
    own.refresh_from_db()
    with translation.override("en"):
        assert thread.title == "Order NORTE-10008"
        assert own.title == "Factura de marzo"


def test_an_automatic_subject_reaches_an_english_shop_in_english(
    seller, operator, shipped, send_outbox, settings
):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    type(seller.shop).objects.filter(pk=seller.shop_id).update(language="en")
    with translation.override("es"):
        thread = messaging_services.thread_start(
            shop=shipped.shop,
            order=shipped,
            reason_code="invoice_request",
            subject="",
            body="Factura, por favor.",
            to_customer=False,
            to_operator=True,
            acting_user=seller,
        )
        messaging_services.message_import(
            thread=thread, author="operator", body="Aquí está.", acting_user=operator
        )
    send_outbox()

    (email,) = [email for email in mail.outbox if email.to == [shipped.shop.email]]
    assert "· order NORTE-10008" in email.subject and "pedido" not in email.subject
